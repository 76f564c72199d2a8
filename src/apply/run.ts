// `roster apply` as a flow, without the terminal: carry out a reviewed plan (or plan and apply
// fresh), refusing what no longer holds, and return the report. Steps:
//   1. a saved plan must hold no errors, name this tenant and endpoint, and come from the
//      repository as it is now;
//   2. the tenant is (re-)read; for a saved plan, users whose planned `before` no longer holds are
//      refused as stale, all of their changes, and the others go ahead;
//   3. guards: protected users, `limits.maxUsersChanged`, approval (the caller's UI);
//   4. the writes (execute.ts), then the report.
// What a person sees (the plan, refusals, the approval prompt, progress) is the caller's `ApplyUi`,
// so this module decides and the command presents.
import { desiredStateDigest } from "../desired/digest.js";
import type { Plan } from "../plan/types.js";
import { makePlanWithTenant, readActualTenant } from "../session/make-plan.js";
import type { Session } from "../session/session.js";
import type { ActualTenant } from "../tenant/types.js";
import { plural } from "../util/text.js";
import { executeWork } from "./execute.js";
import { type PreparedApply, prepareApply, recordExecution, usersToWrite } from "./prepare.js";
import type { Progress } from "./progress.js";
import { type ApplyReport, buildApplyReport } from "./report.js";

export interface ApplyUi {
  /** The plan this run made (no saved plan given), before anything is decided. */
  planMade(plan: Plan): void;
  /** Progress lines while the tenant is read. */
  log(message: string): void;
  /** Users refused before any write (stale, protected), once the tenant has been re-read. */
  refused(prepared: PreparedApply): void;
  /** Approval for the writes: undefined when approved, otherwise why not. */
  approve(prepared: PreparedApply, users: number): Promise<string | undefined>;
  progress(users: number): Progress;
}

export interface ApplyRequest {
  session: Session;
  /** A plan saved by `roster plan --out`, and the file it was read from. */
  saved?: { plan: Plan; file: string };
  allowMassChange: boolean;
  ui: ApplyUi;
  /** Injected for tests; defaults to now. */
  now?: () => Date;
}

export async function applyPlan(request: ApplyRequest): Promise<ApplyReport> {
  const { session, saved, ui } = request;
  const now = request.now ?? (() => new Date());
  const started = now();
  let plan: Plan;
  let actual: ActualTenant;
  const report = async (prepared: PreparedApply | undefined, refusal?: string) =>
    buildApplyReport({
      plan,
      planFile: saved?.file ?? null,
      graphUrl: session.graphUrl,
      root: session.state.root,
      requests: session.requests,
      started,
      finished: now(),
      outcomes: prepared?.outcomes ?? [],
      refusal,
    });

  if (saved) {
    plan = saved.plan;
    const refusal = await savedPlanRefusal(plan, session);
    if (refusal) return report(undefined, refusal);
    ui.log("re-reading the tenant to check the plan still holds");
    actual = await readActualTenant(session.state, session.graph, ui.log);
  } else {
    ({ plan, actual } = await makePlanWithTenant(session.state, session.graph, {
      graphUrl: session.graphUrl,
      progress: ui.log,
    }));
    ui.planMade(plan);
    if (plan.errors.length > 0)
      return report(undefined, `the plan holds ${plural(plan.errors.length, "error")}`);
  }

  const prepared = prepareApply(plan, actual, {
    state: session.state,
    serviceRoot: session.graph.serviceRoot,
    checkStale: saved !== undefined,
  });
  ui.refused(prepared);
  const writing = usersToWrite(prepared);
  if (writing === 0) return report(prepared);

  const limit = session.state.config.limits.maxUsersChanged;
  if (writing > limit && !request.allowMassChange) {
    return report(
      prepared,
      `${plural(writing, "user")} would change, more than limits.maxUsersChanged (${limit}); pass --allow-mass-change if that is intended`,
    );
  }
  const notApproved = await ui.approve(prepared, writing);
  if (notApproved) return report(prepared, notApproved);

  const progress = ui.progress(writing);
  try {
    const execution = await executeWork(prepared.works, {
      graph: session.graph,
      onUserDone: (_work, failed) => progress.userDone(failed),
    });
    recordExecution(prepared, execution);
  } finally {
    progress.finish();
  }
  return report(prepared);
}

/** Why a saved plan must not be applied at all, or undefined. */
async function savedPlanRefusal(plan: Plan, session: Session): Promise<string | undefined> {
  if (plan.errors.length > 0) {
    return `the plan holds ${plural(plan.errors.length, "error")}; fix them and plan again`;
  }
  const tenant = session.state.config.tenant;
  if (plan.graphUrl !== session.graphUrl || plan.tenant !== tenant) {
    return `the plan was made for ${plan.tenant} at ${plan.graphUrl}, not ${tenant} at ${session.graphUrl}`;
  }
  const digest = await desiredStateDigest(session.state);
  if (digest !== plan.desiredDigest) {
    return `the repository changed since the plan was made (desired state ${digest.slice(0, 19)}…, plan ${plan.desiredDigest.slice(0, 19)}…); make a new plan`;
  }
  return undefined;
}
