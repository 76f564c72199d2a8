// compare(saved, fresh) -> what apply may do with each change of a reviewed plan. Apply never trusts
// a plan file: it re-reads the repository and the touched users, diffs afresh, and carries out a
// saved change only where the fresh diff holds the very same change (same user, kind, path, action,
// `before` and `after`). Pure: the caller supplies both plans, the re-read tenant and which paths
// the repository's profiles manage.
//
// Verdicts, per saved change:
//   apply    the fresh plan holds the same change;
//   done     the repository still manages it and the tenant already holds `after`;
//   stale    the change is still wanted but the tenant moved since the plan (`before` no longer
//            holds; the user is gone, renamed, became synced or privileged): someone edited the
//            tenant;
//   refused  the repository does not ask for it (the profile changed since), or the plan file was
//            edited (a value, an action, a label, a user or change listed twice, a user no profile
//            manages): it is not the change that was reviewed.
import equal from "fast-deep-equal";
import { actualValue, sameAttributeValue } from "../entra/attributes.js";
import { hashDistance, SAME_PHOTO_MAX_DISTANCE } from "../photos/hash.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { actualMethod, authKind } from "./diff-auth.js";
import { maskAuthValue } from "./mask.js";
import type { Change, Plan, PlannedUser } from "./types.js";

export type Verdict =
  | { kind: "apply"; fresh: Change }
  | { kind: "done" }
  | { kind: "stale"; reason: string }
  | { kind: "refused"; reason: string };

export interface ComparedUser {
  saved: PlannedUser;
  /** One per saved change, same order. */
  verdicts: Verdict[];
}

/** The repository and tenant as they are now, for the users of the saved plan. */
export interface FreshState {
  plan: Plan;
  actual: ActualTenant;
  /** The paths a profile manages, by lower-cased object id of its user (`jobTitle`, `manager`…). */
  managedPaths: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface Comparison {
  users: ComparedUser[];
  /** Changes the fresh plan holds that nobody reviewed: never applied; a new plan shows them. */
  unreviewed: { user: PlannedUser; change: Change }[];
  /** Why nothing at all may be applied (the fresh plan holds errors), or undefined. */
  blocked?: string;
}

const key = (change: Pick<Change, "kind" | "path">) => `${change.kind}\0${change.path}`;

export function comparePlans(saved: Plan, fresh: FreshState): Comparison {
  const freshById = new Map(fresh.plan.users.map((user) => [user.id.toLowerCase(), user]));
  const entries = new Map<string, number>();
  for (const user of saved.users)
    entries.set(user.id.toLowerCase(), (entries.get(user.id.toLowerCase()) ?? 0) + 1);

  const users = saved.users.map((savedUser): ComparedUser => {
    const id = savedUser.id.toLowerCase();
    const refuseAll = (reason: string) => savedUser.changes.map((): Verdict => ({ kind: "refused", reason }));
    if ((entries.get(id) ?? 0) > 1) {
      return { saved: savedUser, verdicts: refuseAll("the plan lists this user more than once") };
    }
    const actualUser = fresh.actual.byId.get(id);
    const freshUser = freshById.get(id);
    const staleAll = (reason: string) => savedUser.changes.map((): Verdict => ({ kind: "stale", reason }));
    if (!actualUser)
      return { saved: savedUser, verdicts: staleAll("the user no longer exists in the tenant") };
    if (actualUser.userPrincipalName.toLowerCase() !== savedUser.userPrincipalName.toLowerCase()) {
      return {
        saved: savedUser,
        verdicts: staleAll(
          `the tenant calls this user ${actualUser.userPrincipalName}, the plan ${savedUser.userPrincipalName}`,
        ),
      };
    }
    if (freshUser && freshUser.file !== savedUser.file) {
      return {
        saved: savedUser,
        verdicts: refuseAll(
          `the plan names ${savedUser.file}, the repository's profile is ${freshUser.file}`,
        ),
      };
    }
    const seen = new Map<string, number>();
    for (const change of savedUser.changes) seen.set(key(change), (seen.get(key(change)) ?? 0) + 1);
    const managed = fresh.managedPaths.get(id);
    const verdicts = savedUser.changes.map((change) =>
      (seen.get(key(change)) ?? 0) > 1
        ? ({ kind: "refused", reason: "the plan lists this change more than once" } as const)
        : judge(change, savedUser, freshUser, actualUser, managed),
    );
    return { saved: savedUser, verdicts };
  });

  const reviewed = new Map<string, Set<string>>();
  for (const user of saved.users) {
    const keys = reviewed.get(user.id.toLowerCase()) ?? new Set<string>();
    for (const change of user.changes) keys.add(key(change));
    reviewed.set(user.id.toLowerCase(), keys);
  }
  const unreviewed: Comparison["unreviewed"] = [];
  for (const user of fresh.plan.users) {
    for (const change of user.changes) {
      if (!reviewed.get(user.id.toLowerCase())?.has(key(change))) unreviewed.push({ user, change });
    }
  }
  const comparison: Comparison = { users, unreviewed };
  const errors = fresh.plan.errors;
  if (errors.length > 0) {
    comparison.blocked = `the repository and tenant now give a plan with ${errors.length === 1 ? "an error" : `${errors.length} errors`} (${errors[0]?.message}); make a new plan`;
  }
  return comparison;
}

function judge(
  saved: Change,
  savedUser: PlannedUser,
  freshUser: PlannedUser | undefined,
  actual: ActualUser,
  managed: ReadonlySet<string> | undefined,
): Verdict {
  const freshChange = freshUser?.changes.find((c) => key(c) === key(saved));
  if (freshChange) {
    const now = json(freshChange);
    if (!sameWanted(saved, now)) {
      return {
        kind: "refused",
        reason: `the repository now asks for ${describeAfter(now)}, not the reviewed value`,
      };
    }
    if (!sameBefore(saved, now)) return { kind: "stale", reason: movedReason(saved, now) };
    if (saved.action !== now.action) return { kind: "refused", reason: "the plan file's action was edited" };
    if (saved.sensitive !== now.sensitive) {
      // Roles that changed since the plan make a change sensitive (or not): the tenant moved.
      return sameRoles(savedUser, freshUser)
        ? { kind: "refused", reason: "the plan file's sensitive flag was edited" }
        : { kind: "stale", reason: "the user's admin roles changed since the plan" };
    }
    return { kind: "apply", fresh: freshChange };
  }
  const skipped = freshUser?.skipped.find((c) => key(c) === key(saved));
  if (skipped) return { kind: "stale", reason: `now skipped: ${skipped.reason}` };
  if (!managed)
    return { kind: "refused", reason: "no profile in the repository asks for this change to this user" };
  if (managed.has(saved.path) && tenantHolds(saved, actual)) return { kind: "done" };
  return { kind: "refused", reason: "the repository no longer asks for this change" };
}

/** The change as it would read back from a saved plan file (undefined fields dropped). */
function json(change: Change): Change {
  return JSON.parse(JSON.stringify(change)) as Change;
}

/**
 * Whether both want the same value written. Authentication values are in a plan file only masked:
 * the masks and, with a digest key, the keyed digests must agree.
 */
function sameWanted(saved: Change, fresh: Change): boolean {
  if (saved.kind === "authMethod") {
    return (
      maskAuthValue(saved.path, saved.after) === maskAuthValue(fresh.path, fresh.after) &&
      saved.afterDigest === fresh.afterDigest
    );
  }
  return equal(saved.after, fresh.after);
}

function sameBefore(saved: Change, fresh: Change): boolean {
  // The tenant side of a photo is its etag; the hash comes from a cache keyed by it.
  if (saved.kind === "photo") return field(saved.before, "etag") === field(fresh.before, "etag");
  if (saved.kind === "authMethod") {
    return (
      maskAuthValue(saved.path, saved.before) === maskAuthValue(fresh.path, fresh.before) &&
      saved.beforeDigest === fresh.beforeDigest
    );
  }
  return equal(saved.before, fresh.before);
}

function sameRoles(a: PlannedUser, b: PlannedUser | undefined): boolean {
  const sorted = (roles: readonly string[] | undefined) =>
    [...(roles ?? [])].map((r) => r.toLowerCase()).sort();
  return equal(sorted(a.roles), sorted(b?.roles));
}

/** A string field of a plan value, or null: values in a plan file may be of any shape. */
function field(value: unknown, name: string): string | null {
  if (typeof value !== "object" || value === null) return null;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === "string" ? found : null;
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
      const wanted = field(change.after, "id")?.toLowerCase() ?? null;
      if (wanted === null && change.after !== null) return false;
      return (user.manager?.id.toLowerCase() ?? null) === wanted;
    }
    case "photo": {
      if (user.photo === undefined) return false;
      if (change.after === null) return user.photo === null;
      const hash = field(change.after, "hash");
      return (
        user.photo !== null &&
        hash !== null &&
        /^[0-9a-f]{16}$/i.test(hash) &&
        hashDistance(hash, user.photo.hash) <= SAME_PHOTO_MAX_DISTANCE
      );
    }
    case "authMethod": {
      if (!user.authentication) return false;
      if (change.after !== null && typeof change.after !== "string") return false;
      // Reached only when the fresh plan wants no change here, i.e. the tenant holds what the
      // repository asks; a plan file has `after` only masked, so the masks must agree too.
      const now = actualMethod(user.authentication, authKind(change))?.value ?? null;
      return maskAuthValue(change.path, now) === maskAuthValue(change.path, change.after);
    }
  }
}

/** What moved in the tenant, as far as it may be shown (authentication values never are). */
function movedReason(saved: Change, fresh: Change): string {
  const shown = (value: unknown) => (value === null ? "none" : JSON.stringify(value));
  switch (saved.kind) {
    case "attribute":
      return `${saved.path} is now ${shown(fresh.before)}, the plan expected ${shown(saved.before)}`;
    case "manager":
      return `the manager is now ${field(fresh.before, "userPrincipalName") ?? "none"}, the plan expected ${field(saved.before, "userPrincipalName") ?? "none"}`;
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
  switch (change.kind) {
    case "authMethod":
      return "another value";
    case "photo":
      return field(change.after, "file") ?? "another photo";
    case "manager":
      return field(change.after, "userPrincipalName") ?? "another manager";
    case "attribute":
      return JSON.stringify(change.after);
  }
}
