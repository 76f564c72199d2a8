// compare(saved, fresh) -> what apply may do with each change of a reviewed plan. Apply never trusts
// a plan file: it re-reads the repository and the touched users, diffs afresh, and carries out a
// saved change only where the fresh diff holds the very same change (same user, kind, path,
// `before` and `after`). Pure: the caller supplies both plans and the re-read tenant.
//
// Verdicts, per saved change:
//   apply    the fresh plan holds the same change;
//   done     the fresh plan has no such change because the tenant already holds `after`;
//   stale    `after` is still wanted but the tenant moved since the plan (`before` no longer holds,
//            the user is gone, became synced or privileged): someone edited the tenant;
//   refused  the repository does not ask for it (the file was edited since, the plan file was
//            edited, or no profile manages the user): it is not the change that was reviewed.
import equal from "fast-deep-equal";
import { actualValue, sameAttributeValue } from "../entra/attributes.js";
import { hashDistance, SAME_PHOTO_MAX_DISTANCE } from "../photos/hash.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { actualMethod, authKind, canonicalAuthValue } from "./diff-auth.js";
import type { Change, Plan, PlannedUser } from "./types.js";

export type Verdict =
  | { kind: "apply"; fresh: Change }
  | { kind: "done" }
  | { kind: "stale"; reason: string }
  | { kind: "refused"; reason: string };

export interface ComparedUser {
  saved: PlannedUser;
  /** The same user in the fresh plan, when it has changes or skipped changes there. */
  fresh?: PlannedUser;
  /** One per saved change, same order. */
  verdicts: Verdict[];
}

export interface Comparison {
  users: ComparedUser[];
  /** Changes the fresh plan holds that nobody reviewed: never applied; a new plan shows them. */
  unreviewed: { user: PlannedUser; change: Change }[];
  /** Why nothing at all may be applied (the fresh plan holds errors), or undefined. */
  blocked?: string;
}

export function comparePlans(saved: Plan, fresh: Plan, actual: ActualTenant): Comparison {
  const freshById = new Map(fresh.users.map((user) => [user.id.toLowerCase(), user]));
  const savedIds = new Set(saved.users.map((user) => user.id.toLowerCase()));
  const users = saved.users.map((savedUser): ComparedUser => {
    const freshUser = freshById.get(savedUser.id.toLowerCase());
    const actualUser = actual.byId.get(savedUser.id.toLowerCase());
    const verdicts = savedUser.changes.map((change) => judge(change, freshUser, actualUser));
    return freshUser ? { saved: savedUser, fresh: freshUser, verdicts } : { saved: savedUser, verdicts };
  });

  const unreviewed: Comparison["unreviewed"] = [];
  for (const user of fresh.users) {
    const savedUser = savedIds.has(user.id.toLowerCase())
      ? saved.users.find((u) => u.id.toLowerCase() === user.id.toLowerCase())
      : undefined;
    for (const change of user.changes) {
      if (!savedUser?.changes.some((c) => c.kind === change.kind && c.path === change.path))
        unreviewed.push({ user, change });
    }
  }
  const comparison: Comparison = { users, unreviewed };
  if (fresh.errors.length > 0) {
    comparison.blocked = `the repository and tenant now give a plan with ${fresh.errors.length === 1 ? "an error" : `${fresh.errors.length} errors`} (${fresh.errors[0]?.message}); make a new plan`;
  }
  return comparison;
}

function judge(saved: Change, fresh: PlannedUser | undefined, actual: ActualUser | undefined): Verdict {
  if (!actual) return { kind: "stale", reason: "the user no longer exists in the tenant" };
  const freshChange = fresh?.changes.find((c) => c.kind === saved.kind && c.path === saved.path);
  if (freshChange) {
    const now = json(freshChange);
    if (!sameWanted(saved, now)) {
      return {
        kind: "refused",
        reason: `the repository now asks for ${describeAfter(now)}, not the reviewed value`,
      };
    }
    if (!sameBefore(saved, now)) return { kind: "stale", reason: movedReason(saved, now) };
    if (now.sensitive && !saved.sensitive) {
      return {
        kind: "stale",
        reason: "the change became sensitive since the plan (the user now holds an admin role)",
      };
    }
    return { kind: "apply", fresh: freshChange };
  }
  const skipped = fresh?.skipped.find((c) => c.kind === saved.kind && c.path === saved.path);
  if (skipped) return { kind: "stale", reason: `now skipped: ${skipped.reason}` };
  if (tenantHolds(saved, actual)) return { kind: "done" };
  return {
    kind: "refused",
    reason: fresh
      ? `the repository no longer asks for this change`
      : "no profile in the repository asks for this change to this user",
  };
}

/** The change as it would read back from a saved plan file (undefined fields dropped). */
function json(change: Change): Change {
  return JSON.parse(JSON.stringify(change)) as Change;
}

/** Whether both want the same value written. (The action follows from `before`, so it is not compared here.) */
function sameWanted(saved: Change, fresh: Change): boolean {
  return equal(saved.after, fresh.after);
}

function sameBefore(saved: Change, fresh: Change): boolean {
  if (saved.action !== fresh.action) return false;
  if (saved.kind === "photo") {
    // The tenant side of a photo is its etag; the hash comes from a cache keyed by it.
    return etagOf(saved.before) === etagOf(fresh.before);
  }
  if (saved.kind === "authMethod") return saved.beforeDigest === fresh.beforeDigest;
  return equal(saved.before, fresh.before);
}

function etagOf(value: unknown): string | null {
  return (value as { etag?: string } | null)?.etag ?? null;
}

/** Whether the re-read tenant already holds the saved change's `after`. */
function tenantHolds(change: Change, user: ActualUser): boolean {
  switch (change.kind) {
    case "attribute": {
      const now =
        change.path === "userPrincipalName"
          ? user.userPrincipalName
          : actualValue(user.properties, change.path);
      return sameAttributeValue(change.path, change.after, now);
    }
    case "manager": {
      if (user.manager === undefined) return false;
      const wanted = (change.after as { id?: string } | null)?.id?.toLowerCase() ?? null;
      return (user.manager?.id.toLowerCase() ?? null) === wanted;
    }
    case "photo": {
      if (user.photo === undefined) return false;
      const after = change.after as { hash?: string } | null;
      if (after === null) return user.photo === null;
      return (
        user.photo !== null &&
        typeof after.hash === "string" &&
        hashDistance(after.hash, user.photo.hash) <= SAME_PHOTO_MAX_DISTANCE
      );
    }
    case "authMethod": {
      if (!user.authentication) return false;
      const kind = authKind(change);
      const now = actualMethod(user.authentication, kind)?.value ?? null;
      const after = typeof change.after === "string" ? change.after : null;
      if (after === null || now === null) return after === now;
      return canonicalAuthValue(kind, after) === canonicalAuthValue(kind, now);
    }
  }
}

/** What moved in the tenant, as far as it may be shown (authentication values never are). */
function movedReason(saved: Change, fresh: Change): string {
  const expected = (value: unknown) => (value === null ? "none" : JSON.stringify(value));
  switch (saved.kind) {
    case "attribute":
      return `${saved.path} is now ${expected(fresh.before)}, the plan expected ${expected(saved.before)}`;
    case "manager": {
      const upn = (value: unknown) =>
        (value as { userPrincipalName?: string } | null)?.userPrincipalName ?? "none";
      return `the manager is now ${upn(fresh.before)}, the plan expected ${upn(saved.before)}`;
    }
    case "photo":
      return fresh.before === null
        ? "the photo was removed since the plan"
        : "the photo was replaced since the plan";
    case "authMethod":
      return `${saved.path} was changed in the tenant since the plan`;
  }
}

function describeAfter(change: Change): string {
  if (change.after === null) return "no value";
  if (change.kind === "authMethod") return "another value";
  if (change.kind === "photo") return (change.after as { file?: string }).file ?? "another photo";
  if (change.kind === "manager")
    return (change.after as { userPrincipalName?: string }).userPrincipalName ?? "another manager";
  return JSON.stringify(change.after);
}
