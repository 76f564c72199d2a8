// `roster apply [plan.json]`: carry out a reviewed plan (or plan and apply fresh), refusing what
// no longer holds, and leave a report. Steps:
//   1. a saved plan must match the schema, hold no errors, and come from the repository as it is now;
//   2. the tenant is (re-)read; for a saved plan, users whose planned `before` no longer holds are
//      refused as stale, all of their changes, and the others go ahead;
//   3. guards: protected users, `limits.maxUsersChanged`, sensitive changes listed, confirmation;
//   4. the writes (src/apply/execute.ts), then the report: text on stdout, JSON with --report,
//      markdown appended to $GITHUB_STEP_SUMMARY.
// Exit 0 when everything was applied (or nothing needed to be), 1 otherwise.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { executeWork } from "../apply/execute.js";
import { type PreparedApply, prepareApply, recordExecution, usersToWrite } from "../apply/prepare.js";
import { createProgress } from "../apply/progress.js";
import {
  APPLY_REPORT_FORMAT_VERSION,
  type ApplyReport,
  type ChangeOutcome,
  outcomeOf,
  planDigest,
  summarize,
} from "../apply/report.js";
import { renderReportMarkdown, renderReportText } from "../apply/report-views.js";
import { desiredStateDigest } from "../desired/digest.js";
import { UsageError } from "../errors.js";
import type { Io } from "../io.js";
import type { Plan } from "../plan/types.js";
import { render } from "../render/index.js";
import { plural, sensitiveReason } from "../render/summary.js";
import { displayValue, escapeInvisible } from "../render/values.js";
import { planDocumentErrors } from "../source/schema.js";
import { gitState } from "../util/git.js";
import { VERSION } from "../version.js";
import { makePlanWithTenant, readActualTenant } from "./make-plan.js";
import { openSession, type Session, type SessionFlags } from "./session.js";

export interface ApplyFlags extends SessionFlags {
  autoApprove?: boolean;
  allowMassChange?: boolean;
  report?: string;
}

export async function runApply(planFile: string | undefined, flags: ApplyFlags, io: Io): Promise<number> {
  const started = new Date();
  const saved = planFile === undefined ? undefined : await readSavedPlan(resolve(io.cwd, planFile));
  const session = await openSession(flags, io);
  try {
    const log = (message: string) => io.stderr(`${message}\n`);
    let plan: Plan;
    let refusal: string | undefined;
    let actual: Awaited<ReturnType<typeof readActualTenant>>;
    if (saved) {
      plan = saved;
      if (plan.errors.length > 0) {
        refusal = `the plan holds ${plural(plan.errors.length, "error")}; fix them and plan again`;
      } else if (plan.graphUrl !== session.graphUrl || plan.tenant !== session.state.config.tenant) {
        refusal = `the plan was made for ${plan.tenant} at ${plan.graphUrl}, not ${session.state.config.tenant} at ${session.graphUrl}`;
      } else {
        const digest = await desiredStateDigest(session.state);
        if (digest !== plan.desiredDigest) {
          refusal = `the repository changed since the plan was made (desired state ${digest.slice(0, 19)}…, plan ${plan.desiredDigest.slice(0, 19)}…); make a new plan`;
        }
      }
      if (refusal) return await finish(io, flags, session, plan, planFile, started, undefined, refusal);
      log("re-reading the tenant to check the plan still holds");
      actual = await readActualTenant(session.state, session.graph, log);
    } else {
      ({ plan, actual } = await makePlanWithTenant(session.state, session.graph, {
        graphUrl: session.graphUrl,
        progress: log,
      }));
      io.stdout(render(plan, "text", { color: io.isTty }));
      if (plan.errors.length > 0) {
        refusal = `the plan holds ${plural(plan.errors.length, "error")}`;
        return await finish(io, flags, session, plan, planFile, started, undefined, refusal);
      }
    }

    const prepared = prepareApply(plan, actual, {
      state: session.state,
      serviceRoot: session.graph.serviceRoot,
      checkStale: saved !== undefined,
    });
    for (const { user, reasons } of prepared.staleUsers) {
      const line = `Stale: ${user.userPrincipalName}: ${reasons.join("; ")}; none of its changes will be applied`;
      io.stdout(`${escapeInvisible(line)}\n`);
    }
    for (const user of prepared.protectedUsers) {
      io.stdout(`${escapeInvisible(`Refused: ${user.userPrincipalName} is protected in roster.yaml`)}\n`);
    }
    const writing = usersToWrite(prepared);
    if (writing === 0) return await finish(io, flags, session, plan, planFile, started, prepared);

    listSensitive(prepared, io);
    const limit = session.state.config.limits.maxUsersChanged;
    if (writing > limit && !flags.allowMassChange) {
      refusal = `${plural(writing, "user")} would change, more than limits.maxUsersChanged (${limit}); pass --allow-mass-change if that is intended`;
      return await finish(io, flags, session, plan, planFile, started, prepared, refusal);
    }
    refusal = await confirm(flags, io, writing);
    if (refusal) return await finish(io, flags, session, plan, planFile, started, prepared, refusal);

    const progress = createProgress(writing, io);
    try {
      const execution = await executeWork(prepared.works, {
        graph: session.graph,
        onUserDone: (_work, failed) => progress.userDone(failed),
      });
      recordExecution(prepared, execution);
    } finally {
      progress.finish();
    }
    return await finish(io, flags, session, plan, planFile, started, prepared);
  } finally {
    session.graph.close();
  }
}

async function readSavedPlan(path: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    const why =
      err instanceof SyntaxError
        ? `not JSON: ${err.message}`
        : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new UsageError(`cannot read the plan ${path}: ${why}`);
  }
  const problems = planDocumentErrors(data);
  if (problems.length > 0) {
    throw new UsageError(`${path} is not a roster plan: ${problems.slice(0, 5).join("; ")}`);
  }
  return data as Plan;
}

function listSensitive(prepared: PreparedApply, io: Io): void {
  const lines: string[] = [];
  for (const work of prepared.works) {
    for (const change of work.user.changes) {
      if (!change.sensitive) continue;
      const values = `${displayValue(change, "before")} -> ${displayValue(change, "after")}`;
      lines.push(
        escapeInvisible(
          `  ${work.user.userPrincipalName} ${change.path}: ${values} (${sensitiveReason(work.user, change)})`,
        ),
      );
    }
  }
  if (lines.length === 0) return;
  io.stdout(`\nSensitive changes (${lines.length}), review them before approving:\n${lines.join("\n")}\n\n`);
}

/** Undefined when approved; otherwise why not. */
async function confirm(flags: ApplyFlags, io: Io, users: number): Promise<string | undefined> {
  if (flags.autoApprove) return undefined;
  if (!io.stdinIsTty || !io.prompt) {
    return "no terminal to confirm on and --auto-approve not given";
  }
  const answer = await io.prompt(
    `Apply these changes to ${plural(users, "user")}? Only 'yes' will be accepted to approve: `,
  );
  return answer.trim() === "yes" ? undefined : "not confirmed";
}

async function finish(
  io: Io,
  flags: ApplyFlags,
  session: Session,
  plan: Plan,
  planFile: string | undefined,
  started: Date,
  prepared: PreparedApply | undefined,
  refusal?: string,
): Promise<number> {
  const users = prepared?.outcomes ?? [];
  if (refusal) {
    // Nothing was written: every change still waiting says why.
    for (const change of users.flatMap((u) => u.changes)) {
      if (change.action !== null && change.status === "failed" && change.reason === "not attempted") {
        Object.assign(change, {
          status: "skipped",
          reason: `apply refused: ${refusal}`,
        } satisfies Partial<ChangeOutcome>);
      }
    }
  }
  const summary = summarize(users);
  const finished = new Date();
  const report: ApplyReport = {
    formatVersion: APPLY_REPORT_FORMAT_VERSION,
    generator: `roster ${VERSION}`,
    tenant: plan.tenant,
    graphUrl: session.graphUrl,
    git: await gitState(session.state.root),
    plan: {
      file: planFile ?? null,
      digest: planDigest(plan),
      desiredDigest: plan.desiredDigest,
      createdAt: plan.createdAt,
      commit: plan.git.commit,
    },
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    outcome: refusal ? "refused" : outcomeOf(summary),
    ...(refusal ? { refusal } : {}),
    requests: { ...session.requests, byMethod: { ...session.requests.byMethod } },
    users,
    summary,
  };
  if (flags.report) await writeFile(resolve(io.cwd, flags.report), `${JSON.stringify(report, null, 2)}\n`);
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, `${renderReportMarkdown(report)}\n`);
  io.stdout(`\n${renderReportText(report)}`);
  if (refusal) io.stderr(`error: apply refused: ${refusal}\n`);
  return report.outcome === "applied" || report.outcome === "noChanges" ? 0 : 1;
}
