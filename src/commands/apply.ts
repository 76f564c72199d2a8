// `roster apply [plan.json]`: flags in, the apply flow (src/apply/run.ts) with a terminal UI, the
// report out (text on stdout, JSON with --report, markdown appended to $GITHUB_STEP_SUMMARY).
// Exit 0 when everything was applied (or nothing needed to be), 1 otherwise.
import { appendFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createProgress } from "../apply/progress.js";
import { applyExitCode } from "../apply/report.js";
import { type ApplyUi, applyPlan } from "../apply/run.js";
import { readSavedPlan } from "../apply/saved-plan.js";
import { recordApplyNote } from "../history/notes.js";
import type { Io } from "../io.js";
import {
  refusalLines,
  renderReportMarkdown,
  renderReportText,
  sensitiveList,
} from "../render/apply-report.js";
import { render } from "../render/index.js";
import { openSession, type SessionFlags } from "../session/session.js";
import { plural } from "../util/text.js";

export interface ApplyFlags extends SessionFlags {
  autoApprove?: boolean;
  allowMassChange?: boolean;
  report?: string;
  gitNote?: boolean;
}

export async function runApply(planFile: string | undefined, flags: ApplyFlags, io: Io): Promise<number> {
  const saved =
    planFile === undefined
      ? undefined
      : { plan: await readSavedPlan(resolve(io.cwd, planFile)), file: planFile };
  const session = await openSession(flags, io);
  try {
    const report = await applyPlan({
      session,
      ...(saved ? { saved } : {}),
      allowMassChange: Boolean(flags.allowMassChange),
      ui: terminalUi(flags, io),
    });
    if (flags.report) await writeFile(resolve(io.cwd, flags.report), `${JSON.stringify(report, null, 2)}\n`);
    const stepSummary = io.env.GITHUB_STEP_SUMMARY;
    if (stepSummary) await appendFile(stepSummary, `${renderReportMarkdown(report)}\n`);
    io.stdout(`\n${renderReportText(report)}`);
    if (report.refusal) io.stderr(`error: apply refused: ${report.refusal}\n`);
    if (flags.gitNote) {
      // After the report is out: a failure to record the apply must not hide what was applied.
      const note = await recordApplyNote(session.state.root, report, io.env);
      io.stderr(
        `recorded the apply in ${note.ref} on ${note.commit} (publish it: git push origin ${note.ref})\n`,
      );
    }
    return applyExitCode(report);
  } finally {
    session.graph.close();
  }
}

function terminalUi(flags: ApplyFlags, io: Io): ApplyUi {
  return {
    planMade: (plan) => io.stdout(render(plan, "text", { color: io.isTty })),
    log: (message) => io.stderr(`${message}\n`),
    refused: (prepared, comparison) => {
      const lines = refusalLines({ ...prepared, unreviewed: comparison.unreviewed });
      for (const line of lines) io.stdout(`${line}\n`);
    },
    approve: async (prepared, users) => {
      const sensitive = sensitiveList(prepared.works.map((work) => work.user));
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
