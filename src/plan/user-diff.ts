// One user's part of the diff: the changes, the differences roster will not write (with why) and
// the errors. Shared by the per-kind diff functions (diff.ts, diff-auth.ts).
import type { DesiredProfile, Sourced } from "../desired/types.js";
import { isEligibleOnly } from "../entra/roles.js";
import type { ActualUser } from "../tenant/types.js";
import type { Change, ChangeAction, PlanMessage, SkippedChange } from "./types.js";

/** Why a privileged user's sensitive property or authentication method is not planned. */
export function privilegedSkipReason(roles: readonly string[]): string {
  return isEligibleOnly(roles)
    ? "the user may activate an admin role (PIM): roster leaves their sensitive properties and authentication methods to a person"
    : "the user holds an admin role: Graph refuses an app's changes to their sensitive properties and authentication methods";
}

/** Collects one user's changes; `skip` records a difference roster will not write, with why. */
export class UserDiff {
  readonly changes: Change[] = [];
  readonly skipped: SkippedChange[] = [];
  readonly errors: PlanMessage[] = [];

  constructor(
    readonly profile: DesiredProfile,
    readonly user: ActualUser,
    readonly ownedElsewhere: ReadonlySet<string>,
  ) {}

  /** Records a difference, unless its key is owned elsewhere (then it is skipped with the reason). */
  add(change: Omit<Change, "action" | "sensitive"> & { sensitive?: boolean; ownerKey: string }): void {
    const { ownerKey, sensitive, ...rest } = change;
    if (this.ownedElsewhere.has(ownerKey)) {
      this.skip(rest, `\`${ownerKey}\` is owned elsewhere (roster.yaml ownedElsewhere)`);
      return;
    }
    this.changes.push({ ...rest, action: actionOf(rest.before, rest.after), sensitive: sensitive ?? false });
  }

  skip(change: Pick<SkippedChange, "kind" | "path" | "before" | "after" | "source">, reason: string): void {
    this.skipped.push({
      kind: change.kind,
      path: change.path,
      before: change.before,
      after: change.after,
      source: change.source,
      reason,
    });
  }

  error(message: string, source?: Sourced["source"]): void {
    this.errors.push({
      message,
      userPrincipalName: this.profile.userPrincipalName.value,
      ...(source ? { source } : {}),
    });
  }
}

function actionOf(before: unknown, after: unknown): ChangeAction {
  if (before === null || before === undefined) return "add";
  if (after === null || after === undefined) return "remove";
  return "update";
}
