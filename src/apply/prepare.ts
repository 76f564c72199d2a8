// Decides, before anything is written, what apply does with each change of the plan it carries
// out, from the comparison with a fresh plan (src/plan/compare.ts): write it (as the fresh plan
// has it), count it done, refuse the user as stale, or refuse the change as not reviewed. Protected
// users are refused whatever the comparison says. Then turns the writes into Graph requests.
import { isProtected } from "../config/load.js";
import type { DesiredState } from "../desired/types.js";
import type { Comparison } from "../plan/compare.js";
import type { Change, PlannedUser } from "../plan/types.js";
import { pairProfiles } from "../tenant/pairing.js";
import type { ActualTenant } from "../tenant/types.js";
import type { ExecuteResult } from "./execute.js";
import { ALREADY_SO, type ChangeOutcome, outcomesFor, type UserOutcome } from "./report.js";
import { buildUserWork, type UserWork } from "./steps.js";

export interface PreparedApply {
  /** One per planned user, in plan order; changes first (same indices as the plan), then skipped. */
  outcomes: UserOutcome[];
  /** Writes for the users that have something to write. */
  works: UserWork[];
  /** The outcome of each work, by work. */
  outcomeOf: Map<UserWork, UserOutcome>;
  staleUsers: { user: PlannedUser; reasons: string[] }[];
  /** Changes the repository does not ask for, or of protected users: while there is one, nothing is written. */
  refused: { user: PlannedUser; change: Change; reason: string }[];
}

const PROTECTED = "the user is protected in roster.yaml";

export interface PrepareOptions {
  state: DesiredState;
  serviceRoot: string;
}

export function prepareApply(
  comparison: Comparison,
  actual: ActualTenant,
  options: PrepareOptions,
): PreparedApply {
  const prepared: PreparedApply = {
    outcomes: [],
    works: [],
    outcomeOf: new Map(),
    staleUsers: [],
    refused: [],
  };
  const { profileOfUser } = pairProfiles(options.state.profiles, actual);
  for (const { saved: user, verdicts } of comparison.users) {
    const outcome = outcomesFor(user);
    prepared.outcomes.push(outcome);
    if (user.changes.length === 0) continue;
    const found = actual.byId.get(user.id.toLowerCase());
    const set = (index: number, fields: Partial<ChangeOutcome>) =>
      Object.assign(outcome.changes[index] as ChangeOutcome, fields);

    // The diff never plans changes for protected users; a plan that does was edited by hand.
    const config = options.state.config;
    if (isProtected(config, user) || (found && isProtected(config, found))) {
      user.changes.forEach((change, i) => {
        prepared.refused.push({ user, change, reason: PROTECTED });
        set(i, { status: "refused", reason: `refused: ${PROTECTED}` });
      });
      continue;
    }

    const reasons: string[] = [];
    verdicts.forEach((verdict, i) => {
      if (verdict.kind === "refused") {
        prepared.refused.push({ user, change: user.changes[i] as Change, reason: verdict.reason });
        set(i, { status: "refused", reason: `refused: ${verdict.reason}` });
      } else if (verdict.kind === "stale") {
        reasons.push(verdict.reason);
      }
    });
    if (reasons.length > 0) {
      prepared.staleUsers.push({ user, reasons });
      verdicts.forEach((verdict, i) => {
        if (verdict.kind === "refused") return;
        set(i, {
          status: "stale",
          reason:
            verdict.kind === "stale"
              ? verdict.reason
              : "not applied: another change of this user is stale (a user's changes apply together)",
        });
      });
      continue;
    }
    // What is written is the fresh plan's change, identical to the reviewed one by comparison.
    const current: PlannedUser = {
      ...user,
      changes: user.changes.map((change, i) => {
        const verdict = verdicts[i];
        return verdict?.kind === "apply" ? verdict.fresh : change;
      }),
    };
    const toWrite: number[] = [];
    verdicts.forEach((verdict, i) => {
      if (verdict.kind === "done") set(i, { status: "applied", reason: ALREADY_SO });
      else if (verdict.kind === "apply") toWrite.push(i);
    });
    if (toWrite.length === 0) continue;
    const work = buildUserWork(current, toWrite, found, {
      state: options.state,
      serviceRoot: options.serviceRoot,
      profileOfUser,
    });
    for (const [i, reason] of work.invalid) set(i, { status: "failed", reason });
    if (work.batch.length + work.direct.length + work.chain.length === 0) continue;
    prepared.works.push(work);
    prepared.outcomeOf.set(work, outcome);
  }
  // A plan with a refused change is not the plan that was reviewed: none of it is written.
  if (prepared.refused.length > 0) {
    for (const work of prepared.works) prepared.outcomeOf.delete(work);
    prepared.works = [];
  }
  return prepared;
}

/** The changes apply will write (not those the tenant already shows), user by user. */
export function changesToWrite(prepared: PreparedApply): { user: PlannedUser; change: Change }[] {
  return prepared.works.flatMap((work) =>
    [...work.batch, ...work.direct, ...work.chain]
      .flatMap((step) => step.changes)
      .sort((a, b) => a - b)
      .map((index) => ({ user: work.user, change: work.user.changes[index] as Change })),
  );
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
