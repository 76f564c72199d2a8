// Decides, before anything is written, what apply will do with each planned change: write it,
// refuse it as stale (saved plans: the tenant moved since), count it done (the tenant already
// holds it), or refuse it because the user is protected. Then turns the rest into Graph writes.
import type { DesiredState } from "../desired/types.js";
import type { Plan, PlannedUser } from "../plan/types.js";
import { pairProfiles } from "../tenant/pairing.js";
import type { ActualTenant } from "../tenant/types.js";
import type { ExecuteResult } from "./execute.js";
import { type ChangeOutcome, outcomesFor, type UserOutcome } from "./report.js";
import { checkUser, findActualUser } from "./stale.js";
import { buildUserWork, type UserWork } from "./steps.js";

export interface PreparedApply {
  /** One per planned user, in plan order; changes first (same indices as the plan), then skipped. */
  outcomes: UserOutcome[];
  /** Writes for the users that have something to write. */
  works: UserWork[];
  /** The outcome of each work, by work. */
  outcomeOf: Map<UserWork, UserOutcome>;
  staleUsers: { user: PlannedUser; reasons: string[] }[];
  protectedUsers: PlannedUser[];
}

export interface PrepareOptions {
  state: DesiredState;
  serviceRoot: string;
  /** Saved plans are checked against the re-read tenant; a fresh plan was just diffed against it. */
  checkStale: boolean;
}

export function prepareApply(plan: Plan, actual: ActualTenant, options: PrepareOptions): PreparedApply {
  const protectedUpns = new Set(options.state.config.protected.map((upn) => upn.toLowerCase()));
  const prepared: PreparedApply = {
    outcomes: [],
    works: [],
    outcomeOf: new Map(),
    staleUsers: [],
    protectedUsers: [],
  };
  const { profileOfUser } = pairProfiles(options.state.profiles, actual);
  for (const user of plan.users) {
    const outcome = outcomesFor(user);
    prepared.outcomes.push(outcome);
    if (user.changes.length === 0) continue;
    const found = findActualUser(actual, user);
    const changeOutcome = (index: number) => outcome.changes[index] as ChangeOutcome;

    // The diff never plans changes for protected users; a plan that does was edited by hand.
    const upns = [user.userPrincipalName, found?.userPrincipalName ?? ""].map((u) => u.toLowerCase());
    if (upns.some((upn) => protectedUpns.has(upn))) {
      prepared.protectedUsers.push(user);
      user.changes.forEach((_, i) => {
        Object.assign(changeOutcome(i), {
          status: "failed",
          reason: "refused: the user is protected in roster.yaml",
        });
      });
      continue;
    }

    const checks = options.checkStale
      ? checkUser(user, found)
      : user.changes.map(() => ({ state: "current" as const }));
    const stale = checks.flatMap((check) => (check.state === "stale" ? [check.reason] : []));
    if (stale.length > 0) {
      prepared.staleUsers.push({ user, reasons: stale });
      checks.forEach((check, i) => {
        Object.assign(changeOutcome(i), {
          status: "stale",
          reason:
            check.state === "stale"
              ? check.reason
              : "not applied: another change of this user is stale (a user's changes apply together)",
        });
      });
      continue;
    }
    const toWrite: number[] = [];
    checks.forEach((check, i) => {
      if (check.state === "done")
        Object.assign(changeOutcome(i), { status: "applied", reason: "already so in the tenant" });
      else toWrite.push(i);
    });
    if (toWrite.length === 0) continue;
    const work = buildUserWork(user, toWrite, found, {
      state: options.state,
      serviceRoot: options.serviceRoot,
      profileOfUser,
    });
    for (const [i, reason] of work.invalid) Object.assign(changeOutcome(i), { status: "failed", reason });
    if (work.batch.length + work.direct.length + work.chain.length === 0) continue;
    prepared.works.push(work);
    prepared.outcomeOf.set(work, outcome);
  }
  return prepared;
}

/** Users apply would write to. */
export function usersToWrite(prepared: PreparedApply): number {
  return prepared.works.length;
}

/** Copies each write's result onto the changes it carried. */
export function recordExecution(prepared: PreparedApply, execution: ExecuteResult): void {
  for (const work of prepared.works) {
    const outcome = prepared.outcomeOf.get(work) as UserOutcome;
    for (const step of [...work.batch, ...work.direct, ...work.chain]) {
      const result = execution.results.get(step);
      const blockedBy = execution.notAttempted.get(step);
      for (const index of step.changes) {
        const change = outcome.changes[index] as ChangeOutcome;
        delete change.reason;
        if (result?.ok) {
          change.status = "applied";
          if (result.note) change.reason = result.note;
        } else if (result) {
          change.status = "failed";
          change.error = result.error;
        } else {
          change.status = "failed";
          change.reason = blockedBy
            ? `not attempted: ${work.user.changes[blockedBy.changes[0] ?? 0]?.path ?? "an earlier write"} failed before it`
            : "not attempted";
        }
      }
    }
  }
}
