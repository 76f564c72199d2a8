// `roster apply [plan.json]`: flags in, the apply flow (src/apply/run.ts) with a terminal UI, the
// report out (text on stdout, JSON with --report, markdown appended to $GITHUB_STEP_SUMMARY).
// Exit 0 when everything was applied (or nothing needed to be), 1 otherwise.
import { appendFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { changesToWrite } from "../apply/prepare.js";
import { createProgress } from "../apply/progress.js";
import { applyExitCode } from "../apply/report.js";
import { type ApplyUi, applyPlan } from "../apply/run.js";
import { readSavedPlan } from "../apply/saved-plan.js";
import { isRosterError, UsageError } from "../errors.js";
import { assertApplyNotePossible, recordApplyNote } from "../history/notes.js";
import type { Io } from "../io.js";
import { digestKeyId } from "../plan/diff-auth.js";
import {
  refusalLines,
  renderReportMarkdown,
  renderReportText,
  sensitiveList,
} from "../render/apply-report.js";
import { render } from "../render/index.js";
import { changedPart } from "../session/changed-since.js";
import { digestKeyOf, makePlanWithTenant, partOfPlan } from "../session/make-plan.js";
import { openSession, type SessionFlags } from "../session/session.js";
import { assertWritableFile } from "../util/output-file.js";
import { escapeInvisible, plural } from "../util/text.js";

export interface ApplyFlags extends SessionFlags {
  autoApprove?: boolean;
  allowMassChange?: boolean;
  report?: string;
  gitNote?: boolean;
  /** Plan afresh only the users whose desired state changed since this git ref. */
  changedSince?: string;
}

export async function runApply(planFile: string | undefined, flags: ApplyFlags, io: Io): Promise<number> {
  if (planFile !== undefined && flags.changedSince !== undefined) {
    throw new UsageError("--changed-since plans afresh; a saved plan already names its users", {
      hint: "give either a saved plan or --changed-since, not both",
    });
  }
  if (flags.report) await assertWritableFile(io.cwd, flags.report, "--report");
  if (flags.gitNote) await assertApplyNotePossible(resolve(io.cwd, flags.dir));
  const saved =
    planFile === undefined
      ? undefined
      : { plan: await readSavedPlan(resolve(io.cwd, planFile)), file: planFile };
  const session = await openSession(flags, io);
  // Digests only where the plan has them, so a plan made without a key compares as made.
  const digestKey = digestKeyOf(io.env);
  try {
    // On merge, only what the merged pull request changed: its plan showed these users and no others.
    const changed = flags.changedSince
      ? await changedPart(session.state, flags.changedSince, (line) => io.stderr(`${line}\n`))
      : undefined;
    const report = await applyPlan({
      session: {
        state: session.state,
        graph: session.graph,
        graphUrl: session.graphUrl,
        tenantId: session.tenant.id,
        ...(digestKey ? { digestKeyId: digestKeyId(digestKey) } : {}),
        requests: session.requests,
        replan: (onlyUsers) =>
          makePlanWithTenant(session.state, session.graph, {
            graphUrl: session.graphUrl,
            tenantId: session.tenant.id,
            ...(digestKey ? { digestKey } : {}),
            progress: (message) => io.stderr(`${message}\n`),
            ...(onlyUsers
              ? { only: partOfPlan(session.state, onlyUsers) }
              : changed
                ? { only: changed }
                : {}),
          }),
      },
      ...(saved ? { saved } : {}),
      allowMassChange: Boolean(flags.allowMassChange),
      ui: terminalUi(flags, io),
    });
    // What was done is printed first: nothing after this may hide it or turn it into a crash.
    io.stdout(`\n${renderReportText(report)}`);
    if (report.refusal) io.stderr(`error: apply refused: ${escapeInvisible(report.refusal)}\n`);
    const stepSummary = io.env.GITHUB_STEP_SUMMARY;
    await writeAfterApply(io, `--report ${flags.report}`, async () => {
      if (flags.report)
        await writeFile(resolve(io.cwd, flags.report), `${JSON.stringify(report, null, 2)}\n`);
    });
    await writeAfterApply(io, `$GITHUB_STEP_SUMMARY ${stepSummary}`, async () => {
      if (stepSummary) await appendFile(stepSummary, `${renderReportMarkdown(report)}\n`);
    });
    if (flags.gitNote) {
      await writeAfterApply(io, "the apply note (--git-note)", async () => {
        const note = await recordApplyNote(session.state.root, report, io.env);
        io.stderr(
          `recorded the apply in ${note.ref} on ${note.commit} (publish it: git push origin ${note.ref})\n`,
        );
      });
    }
    return applyExitCode(report);
  } finally {
    session.graph.close();
  }
}

/** Writes an output of a finished apply; a failure is one line on stderr, never the exit code. */
async function writeAfterApply(io: Io, what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const why = isRosterError(error)
      ? error.describe()
      : ((error as NodeJS.ErrnoException).code ?? String(error));
    io.stderr(
      `error: could not write ${escapeInvisible(what)} (${escapeInvisible(why)}); the apply itself is reported above\n`,
    );
  }
}

function terminalUi(flags: ApplyFlags, io: Io): ApplyUi {
  return {
    planMade: (plan) => io.stdout(render(plan, "text", { color: io.color })),
    log: (message) => io.stderr(`${message}\n`),
    refused: (prepared, comparison) => {
      const lines = refusalLines({ ...prepared, unreviewed: comparison.unreviewed });
      for (const line of lines) io.stdout(`${line}\n`);
    },
    approve: async (prepared, users) => {
      const sensitive = sensitiveList(changesToWrite(prepared));
      if (sensitive.length > 0) {
        io.stdout(
          `\nSensitive changes (${sensitive.length}), review them before approving:\n${sensitive.join("\n")}\n\n`,
        );
      }
      if (flags.autoApprove) return undefined;
      if (!io.stdinIsTty || !io.prompt) return "no terminal to confirm on and --auto-approve not given";
      const answer = await io.prompt(
        `Apply these changes to ${plural(users, "user")}? Only 'yes' will be accepted to approve: `,
      );
      return answer.trim() === "yes" ? undefined : "not confirmed";
    },
    progress: (users) => createProgress(users, io),
  };
}
