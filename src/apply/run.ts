// `roster apply` as a flow, without the terminal: carry out a reviewed plan (or plan and apply
// fresh) and return the report. Apply never trusts a plan file (design.md, "The plan is data"):
//   1. a saved plan must hold no errors and name this tenant; the mass-change guard is decided
//      from it before anything is read;
//   2. the repository and the plan's users are read again and diffed afresh; comparePlans decides
//      per change: the very same change in the fresh plan is written, one the tenant already shows
//      is done, one whose `before` no longer holds makes its user stale (none of that user's changes
//      are written), and one the repository does not ask for is refused, which stops the whole
//      apply: it is not the plan that was reviewed;
//   3. approval (the caller's UI), the writes (execute.ts), the report.
// What a person sees (the plan, refusals, the approval prompt, progress) is the caller's `ApplyUi`,
// so this module decides and the command presents.
import type { DesiredState } from "../desired/types.js";
import type { RequestCounts } from "../graph/index.js";
import { type Comparison, comparePlans, type FreshState } from "../plan/compare.js";
import type { Plan, PlannedUser } from "../plan/types.js";
import type { ActualTenant } from "../tenant/types.js";
import { plural } from "../util/text.js";
import { type ExecuteOptions, executeWork } from "./execute.js";
import { type PreparedApply, prepareApply, recordExecution, usersToWrite } from "./prepare.js";
import type { Progress } from "./progress.js";
import { type ApplyReport, buildApplyReport } from "./report.js";

export interface ApplyUi {
  /** The plan this run made (no saved plan given), before anything is decided. */
  planMade(plan: Plan): void;
  /** Progress lines while the tenant is read. */
  log(message: string): void;
  /** What will not be written and why, once the plan has been checked against a fresh one. */
  refused(prepared: PreparedApply, comparison: Comparison): void;
  /** Approval for the writes: undefined when approved, otherwise why not. */
  approve(prepared: PreparedApply, users: number): Promise<string | undefined>;
  progress(users: number): Progress;
}

/** What apply works with: the caller's signed-in session and its plan pipeline. */
export interface ApplyContext {
  state: DesiredState;
  graph: ExecuteOptions["graph"] & { readonly serviceRoot: string };
  graphUrl: string;
  /** The tenant signed in to, proven at sign-in. */
  tenantId: string;
  /** Names the digest key (ROSTER_DIGEST_KEY) this run has, if any. */
  digestKeyId?: string;
  requests: RequestCounts;
  /**
   * Plans afresh: the whole repository, or only these users of a saved plan, read by id without
   * listing the tenant (whatever profile describes them now).
   */
  replan(onlyUsers?: readonly PlannedUser[]): Promise<FreshState>;
}

export interface ApplyRequest {
  session: ApplyContext;
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
  const report = (plan: Plan, prepared: PreparedApply | undefined, refusal?: string) =>
    buildApplyReport({
      plan,
      planFile: saved?.file ?? null,
      graphUrl: session.graphUrl,
      tenantId: session.tenantId,
      root: session.state.root,
      requests: session.requests,
      started,
      finished: now(),
      ...(prepared ? { outcomes: prepared.outcomes } : {}),
      refusal,
    });

  let plan: Plan;
  let comparison: Comparison;
  let actual: ActualTenant;
  if (saved) {
    plan = saved.plan;
    const refusal = savedPlanRefusal(plan, session) ?? massChangeRefusal(plan, session, request);
    if (refusal) return report(plan, undefined, refusal);
    ui.log("re-reading the plan's users and diffing afresh: only the reviewed changes are applied");
    const fresh = await session.replan(plan.users.filter((u) => u.changes.length > 0));
    actual = fresh.actual;
    comparison = comparePlans(plan, fresh);
  } else {
    const fresh = await session.replan();
    ({ plan, actual } = fresh);
    ui.planMade(plan);
    if (plan.errors.length > 0)
      return report(plan, undefined, `the plan holds ${plural(plan.errors.length, "error")}`);
    const refusal = massChangeRefusal(plan, session, request);
    if (refusal) return report(plan, undefined, refusal);
    // Planned just now: the plan is its own fresh plan, every change is carried out as it stands.
    comparison = comparePlans(plan, fresh);
  }

  const prepared = prepareApply(comparison, actual, {
    state: session.state,
    serviceRoot: session.graph.serviceRoot,
  });
  ui.refused(prepared, comparison);
  if (comparison.blocked) return report(plan, prepared, comparison.blocked);
  if (prepared.refused.length > 0) {
    return report(
      plan,
      prepared,
      `${plural(prepared.refused.length, "change")} of the plan ${prepared.refused.length === 1 ? "is" : "are"} not what the repository asks for (the plan file or the repository was edited since the review); nothing was applied, make a new plan`,
    );
  }
  const writing = usersToWrite(prepared);
  if (writing === 0) return report(plan, prepared);

  const notApproved = await ui.approve(prepared, writing);
  if (notApproved) return report(plan, prepared, notApproved);

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
  return report(plan, prepared);
}

/** Why a saved plan must not be applied at all, or undefined. */
function savedPlanRefusal(plan: Plan, session: ApplyContext): string | undefined {
  if (plan.errors.length > 0) {
    return `the plan holds ${plural(plan.errors.length, "error")}; fix them and plan again`;
  }
  const tenant = session.state.config.tenant;
  if (plan.tenantId.toLowerCase() !== session.tenantId.toLowerCase()) {
    return `the plan was made for tenant ${plan.tenantId}, but roster is signed in to tenant ${session.tenantId} (${tenant})`;
  }
  if (plan.digestKeyId !== session.digestKeyId) {
    if (session.digestKeyId === undefined) {
      return "the plan's authentication values are checked with a digest key: set ROSTER_DIGEST_KEY as when the plan was made";
    }
    // A plan stripped of its digests would be compared by masks alone.
    const hasAuth = plan.users.some((user) => user.changes.some((change) => change.kind === "authMethod"));
    if (plan.digestKeyId !== undefined) {
      return "the plan was made with another ROSTER_DIGEST_KEY: use the same key, or make a new plan";
    }
    if (hasAuth) {
      return "the plan's authentication changes carry no keyed digests, but ROSTER_DIGEST_KEY is set: make a new plan with it";
    }
  }
  if (plan.graphUrl !== session.graphUrl || plan.tenant !== tenant) {
    return `the plan was made for ${plan.tenant} at ${plan.graphUrl}, not ${tenant} at ${session.graphUrl}`;
  }
  return undefined;
}

/** The mass-change guard, decided from the plan alone, before anything is read. */
function massChangeRefusal(plan: Plan, session: ApplyContext, request: ApplyRequest): string | undefined {
  const users = plan.users.filter((user) => user.changes.length > 0).length;
  const limit = session.state.config.limits.maxUsersChanged;
  if (users <= limit || request.allowMassChange) return undefined;
  return `${plural(users, "user")} would change, more than limits.maxUsersChanged (${limit}); pass --allow-mass-change if that is intended`;
}
