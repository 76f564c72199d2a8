// The plan's file format: the document `roster plan --out` writes (and `--format json` prints),
// unmasked, and its digest. Stable: keys are written in the schema's order whatever order the plan
// was built in, so equal plans give byte-identical files (diffable artifacts, reproducible tests)
// and equal digests.
import { createHash } from "node:crypto";
import { isAuthPath, maskAuthValue } from "./mask.js";
import type { Plan } from "./types.js";

/**
 * One order that agrees with every object of schema/plan.schema.json (plan, git, user, change,
 * skipped, message, position, summary, manager and photo values). Unknown keys, such as the
 * sub-keys of an attribute value, follow in alphabetical order.
 */
const KEY_ORDER = [
  "formatVersion",
  "generator",
  "createdAt",
  "tenant",
  "tenantId",
  "digestKeyId",
  "graphUrl",
  "git",
  "commit",
  "dirty",
  "desiredDigest",
  "partial",
  "changedSince",
  "baseCommit",
  "profilesChecked",
  "profiles",
  "users",
  "message",
  "userPrincipalName",
  "id",
  "file",
  "line",
  "col",
  "etag",
  "hash",
  "roles",
  "onPremisesSyncEnabled",
  "managedUsers",
  "unmanagedUsers",
  "usersWithChanges",
  "changes",
  "kind",
  "action",
  "path",
  "before",
  "after",
  "beforeDigest",
  "afterDigest",
  "methodId",
  "source",
  "sensitive",
  "sensitiveChanges",
  "skipped",
  "reason",
  "errors",
  "warnings",
  "summary",
  "attribute",
  "manager",
  "photo",
  "authMethod",
];
const RANK = new Map(KEY_ORDER.map((key, index) => [key, index]));

export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(ordered(withMaskedAuthentication(plan)), null, 2)}\n`;
}

/**
 * The document holds authentication values only masked, on both sides: plan files are uploaded as
 * artifacts of pull-request and drift runs. Apply takes the values to write from the repository
 * (it re-plans anyway), and tells changes apart by the masks and the keyed digests.
 */
function withMaskedAuthentication(plan: Plan): Plan {
  const mask = <T extends { kind: string; path: string; before: unknown; after: unknown }>(change: T): T =>
    change.kind === "authMethod" || isAuthPath(change.path)
      ? {
          ...change,
          before: maskAuthValue(change.path, change.before),
          after: maskAuthValue(change.path, change.after),
        }
      : change;
  return {
    ...plan,
    users: plan.users.map((user) => ({
      ...user,
      changes: user.changes.map(mask),
      skipped: user.skipped.map(mask),
    })),
  };
}

/** `sha256:` of the document as {@link serializePlan} writes it. */
export function planDigest(plan: Plan): string {
  return `sha256:${createHash("sha256").update(serializePlan(plan)).digest("hex")}`;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value !== "object" || value === null) return value;
  const keys = Object.keys(value).sort(
    (a, b) =>
      (RANK.get(a) ?? KEY_ORDER.length) - (RANK.get(b) ?? KEY_ORDER.length) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = ordered((value as Record<string, unknown>)[key]);
  return out;
}
