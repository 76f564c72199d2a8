// Optimistic concurrency for saved plans: a change may be applied only if the tenant still holds
// the value the plan saw (`before`). Otherwise someone edited the user since the plan was reviewed,
// and writing would overwrite their edit: that user's changes are refused, all of them, since
// they were reviewed together. A change the tenant already shows done is not a conflict.
import type { AuthMethodKind } from "../desired/types.js";
import { actualValue, sameAttributeValue } from "../entra/attributes.js";
import { hashDistance, SAME_PHOTO_MAX_DISTANCE } from "../photos/hash.js";
import { actualMethod, authKind, authValueDigest, canonicalAuthValue } from "../plan/diff-auth.js";
import type { Change, PlannedUser } from "../plan/types.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";

export type ChangeCheck =
  | { state: "current" }
  /** The tenant already holds `after`: nothing to write. */
  | { state: "done" }
  | { state: "stale"; reason: string };

export function findActualUser(actual: ActualTenant, user: PlannedUser): ActualUser | undefined {
  return actual.byId.get(user.id.toLowerCase());
}

/** Checks every change of a planned user against the re-read tenant. */
export function checkUser(user: PlannedUser, found: ActualUser | undefined): ChangeCheck[] {
  if (!found) {
    return user.changes.map(() => ({ state: "stale", reason: "the user no longer exists in the tenant" }));
  }
  return user.changes.map((change) => checkChange(change, found));
}

export function checkChange(change: Change, user: ActualUser): ChangeCheck {
  switch (change.kind) {
    case "attribute":
      return checkAttribute(change, user);
    case "manager":
      return checkManager(change, user);
    case "photo":
      return checkPhoto(change, user);
    case "authMethod":
      return checkAuthMethod(change, user);
  }
}

function checkAttribute(change: Change, user: ActualUser): ChangeCheck {
  const now =
    change.path === "userPrincipalName" ? user.userPrincipalName : actualValue(user.properties, change.path);
  if (sameAttributeValue(change.path, change.before, now)) return { state: "current" };
  if (sameAttributeValue(change.path, change.after, now)) return { state: "done" };
  return {
    state: "stale",
    reason: `${change.path} is now ${JSON.stringify(now)}, the plan expected it unchanged`,
  };
}

function checkManager(change: Change, user: ActualUser): ChangeCheck {
  if (user.manager === undefined) return { state: "stale", reason: "the manager could not be re-read" };
  const id = (value: unknown) => (value as { id?: string } | null)?.id?.toLowerCase() ?? null;
  const now = user.manager?.id.toLowerCase() ?? null;
  if (now === id(change.before)) return { state: "current" };
  if (now === id(change.after)) return { state: "done" };
  return {
    state: "stale",
    reason: `the manager is now ${user.manager?.userPrincipalName ?? "none"}, the plan expected it unchanged`,
  };
}

function checkPhoto(change: Change, user: ActualUser): ChangeCheck {
  if (user.photo === undefined) return { state: "stale", reason: "the photo could not be re-read" };
  const expected = (change.before as { etag?: string } | null)?.etag ?? null;
  const now = user.photo?.etag ?? null;
  if (now === expected) return { state: "current" };
  const after = change.after as { hash?: string } | null;
  if (after === null && user.photo === null) return { state: "done" };
  if (after?.hash && user.photo && hashDistance(after.hash, user.photo.hash) <= SAME_PHOTO_MAX_DISTANCE)
    return { state: "done" };
  return {
    state: "stale",
    reason: now === null ? "the photo was removed since the plan" : "the photo was replaced since the plan",
  };
}

function checkAuthMethod(change: Change, user: ActualUser): ChangeCheck {
  if (!user.authentication)
    return { state: "stale", reason: "the authentication methods could not be re-read" };
  const kind = authKind(change);
  const now = actualMethod(user.authentication, kind)?.value ?? null;
  if (authValueDigest(kind, now) === change.beforeDigest) return { state: "current" };
  const after = typeof change.after === "string" ? change.after : null;
  const done =
    after === null || now === null
      ? after === now
      : canonicalAuthValue(kind, after) === canonicalAuthValue(kind, now);
  if (done) return { state: "done" };
  return { state: "stale", reason: `${change.path} was changed in the tenant since the plan` };
}
