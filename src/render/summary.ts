// Counting phrases shared by the views, always taken from the plan's own summary (the data), so
// every view states the same numbers.
import type { Change, Plan, PlannedUser, PlanSummary } from "../plan/types.js";
import { plural } from "../util/text.js";

export { plural } from "../util/text.js";

export function totalChanges(summary: PlanSummary): number {
  return (
    summary.changes.attribute + summary.changes.manager + summary.changes.photo + summary.changes.authMethod
  );
}

/** `12 changes to 5 users` */
export function changesPhrase(summary: PlanSummary): string {
  return `${plural(totalChanges(summary), "change")} to ${plural(summary.usersWithChanges, "user")}`;
}

/** `2 errors, 1 warning`, or "" when there are neither. */
export function problemsPhrase(summary: PlanSummary): string {
  const parts: string[] = [];
  if (summary.errors > 0) parts.push(plural(summary.errors, "error"));
  if (summary.warnings > 0) parts.push(plural(summary.warnings, "warning"));
  return parts.join(", ");
}

/** Why a reviewer should look twice at a sensitive change. */
export function sensitiveReason(user: PlannedUser, change: Change): string {
  if (change.kind === "authMethod") return "authentication method";
  if (change.path === "userPrincipalName") return "UPN rename";
  if (user.roles.length > 0) return "admin user";
  return "sensitive";
}

/** `3 unmanaged`, or `unmanaged users not checked` in a partial plan. */
export function unmanagedPhrase(summary: PlanSummary): string {
  return summary.unmanagedUsers === null
    ? "unmanaged users not checked"
    : `${summary.unmanagedUsers} unmanaged`;
}

/**
 * What a partial plan (`--changed-since`) did not check, in one sentence; "" for a full plan. Every
 * view states it, so that nobody reads "no changes" as "the tenant matches the repository".
 */
export function partialNotice(plan: Plan): string {
  const partial = plan.partial;
  if (!partial) return "";
  const others = partial.profiles - partial.profilesChecked;
  return (
    `Partial plan: only the ${plural(partial.profilesChecked, "profile")} whose desired state changed since ` +
    `${partial.changedSince} (${partial.baseCommit.slice(0, 12)}) ${partial.profilesChecked === 1 ? "was" : "were"} read. ` +
    `Not checked: the other ${plural(others, "profile")} and the tenant's unmanaged users (a full plan or the drift check reads them).`
  );
}
