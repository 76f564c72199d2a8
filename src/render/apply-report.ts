// Human views of apply: plain greppable text for stdout (`^applied`, `^FAILED`, `^STALE`), markdown
// for the GitHub job summary (both read only the report, so they state the same thing), and the
// lines shown before anything is written (refused users, sensitive changes to approve).
import type { ApplyReport, ChangeOutcome, ChangeStatus, UserOutcome, WriteFailure } from "../apply/report.js";
import type { Change, PlannedUser } from "../plan/types.js";
import { plural } from "../util/text.js";
import { clip, code, text } from "./md.js";
import { sensitiveReason } from "./summary.js";
import { displayValue, escapeInvisible } from "./values.js";

const MAX_VALUE = 200;
/** GitHub caps a step summary at 1 MiB; stay well inside it. */
const MAX_MARKDOWN = 200_000;

const LABEL: Record<ChangeStatus, string> = {
  applied: "applied",
  failed: "FAILED",
  stale: "STALE",
  refused: "REFUSED",
  skipped: "skipped",
};

export interface RefusalsView {
  staleUsers: readonly { user: PlannedUser; reasons: string[] }[];
  refused: readonly { user: PlannedUser; change: Change; reason: string }[];
  /** Changes a fresh plan holds that the reviewed plan does not. */
  unreviewed: readonly { user: PlannedUser; change: Change }[];
}

/** What apply will not write, and why, before anything is written. */
export function refusalLines(view: RefusalsView): string[] {
  return [
    ...view.refused.map(({ user, change, reason }) =>
      escapeInvisible(`Refused: ${user.userPrincipalName} ${change.path}: ${reason}`),
    ),
    ...view.staleUsers.map(({ user, reasons }) =>
      escapeInvisible(
        `Stale: ${user.userPrincipalName}: ${reasons.join("; ")}; none of its changes will be applied`,
      ),
    ),
    ...view.unreviewed.map(({ user, change }) =>
      escapeInvisible(
        `Not in the reviewed plan: ${user.userPrincipalName} ${change.path} (not applied; make a new plan to review it)`,
      ),
    ),
  ];
}

/** One line per sensitive change about to be written, values masked, with why it is sensitive. */
export function sensitiveList(changes: readonly { user: PlannedUser; change: Change }[]): string[] {
  return changes
    .filter(({ change }) => change.sensitive)
    .map(({ user, change }) => {
      const values = `${displayValue(change, "before")} -> ${displayValue(change, "after")}`;
      return escapeInvisible(
        `  ${user.userPrincipalName} ${change.path}: ${values} (${sensitiveReason(user, change)})`,
      );
    });
}

export function renderReportText(report: ApplyReport): string {
  const lines: string[] = [];
  for (const user of report.users) {
    for (const change of user.changes) lines.push(textLine(user, change));
  }
  if (lines.length > 0) lines.push("");
  lines.push(headline(report));
  const s = report.summary;
  lines.push(
    `Changes: ${s.applied} applied, ${s.failed} failed, ${s.stale} stale, ${s.refused} refused, ${s.skipped} skipped; ` +
      `${plural(report.requests.total, "Graph request")} (${report.requests.retries} retries) in ${seconds(report.durationMs)}.`,
  );
  lines.push(escapeInvisible(`Tenant: ${report.tenant} (${report.tenantId}).`));
  return `${lines.join("\n")}\n`;
}

function textLine(user: UserOutcome, change: ChangeOutcome): string {
  const value = change.action === null ? "" : `: ${displayValue(change, "after")}`;
  let line = `${LABEL[change.status]} ${user.userPrincipalName} ${change.path}${value}`;
  if (change.error) line += `: ${failureText(change.error)}`;
  else if (change.reason) line += ` (${change.reason})`;
  return escapeInvisible(line);
}

function failureText(error: WriteFailure): string {
  const status = error.status === 0 ? "no response" : String(error.status);
  const ids = error.requestId ? `, request-id ${error.requestId}` : "";
  const client = error.clientRequestId ? `, client-request-id ${error.clientRequestId}` : "";
  const hint = error.hint ? ` (${error.hint})` : "";
  return `${error.method} ${error.path}: ${status} ${error.code}: ${error.message}${ids}${client}${hint}`;
}

function headline(report: ApplyReport): string {
  const s = report.summary;
  switch (report.outcome) {
    case "refused":
      return `Apply refused: ${report.refusal ?? "nothing was applied"}.`;
    case "noChanges":
      return "Apply complete: no changes. The tenant matches the repository.";
    case "applied":
      if (s.alreadySo === s.applied) {
        return `Apply complete: nothing to write; the tenant already holds all ${plural(s.applied, "planned change")}.`;
      }
      return `Apply complete: ${plural(s.applied, "change")} applied to ${plural(s.usersApplied, "user")}${s.alreadySo > 0 ? ` (${s.alreadySo} already so in the tenant)` : ""}.`;
    default:
      return (
        `Apply ${report.outcome === "partial" ? "partly failed" : "failed"}: ${s.applied} applied, ` +
        `${plural(s.failed, "failure")} (${plural(s.usersFailed, "user")}), ` +
        `${s.stale} refused as stale (${plural(s.usersStale, "user")}), ${s.refused} refused as not reviewed or protected.`
      );
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function renderReportMarkdown(report: ApplyReport): string {
  const s = report.summary;
  const icon = report.outcome === "applied" || report.outcome === "noChanges" ? "✅" : "⛔";
  const commit =
    report.git.commit === null ? "no git commit" : `commit ${code(report.git.commit.slice(0, 12))}`;
  const blocks = [
    `### roster apply: ${icon} ${text(headline(report))}`,
    [
      `Tenant ${code(report.tenant)} (${code(report.tenantId)})`,
      commit,
      `plan ${code(clip(report.plan.digest, 19).text)}${report.plan.file ? ` from ${code(report.plan.file)}` : ""}`,
      `started ${code(report.startedAt)}`,
      `took ${seconds(report.durationMs)}`,
      `${plural(report.requests.total, "Graph request")}`,
    ].join(" · "),
    [
      "| Changes | Count |",
      "| :-- | --: |",
      `| Applied | ${s.applied} |`,
      `| Failed | ${s.failed} |`,
      `| Refused as stale | ${s.stale} |`,
      `| Refused (not reviewed, protected) | ${s.refused} |`,
      `| Skipped | ${s.skipped} |`,
      `| Users written | ${s.usersApplied} of ${s.usersPlanned} |`,
    ].join("\n"),
  ];
  const problems = report.users.flatMap((user) =>
    user.changes
      .filter((c) => c.status === "failed" || c.status === "stale" || c.status === "refused")
      .map((c) => problemRow(user, c)),
  );
  if (problems.length > 0) {
    blocks.push(
      [
        `#### Failed, stale or refused (${problems.length})`,
        "",
        "| user | path | status | Graph error | request-id |",
        "| --- | --- | --- | --- | --- |",
        ...problems,
      ].join("\n"),
    );
  }
  const applied = report.users.flatMap((user) =>
    user.changes.filter((c) => c.status === "applied").map((c) => appliedRow(user, c)),
  );
  if (applied.length > 0) {
    blocks.push(
      [
        `<details><summary>Applied changes (${applied.length})</summary>`,
        "",
        "| user | path | after |",
        "| --- | --- | --- |",
        ...applied,
        "",
        "</details>",
      ].join("\n"),
    );
  }
  let out = `${blocks.join("\n\n")}\n`;
  if (out.length > MAX_MARKDOWN) {
    out = `${blocks.slice(0, 3).join("\n\n")}\n\n_Details omitted for size: see the JSON apply report._\n`;
  }
  return out;
}

function problemRow(user: UserOutcome, change: ChangeOutcome): string {
  const error = change.error;
  const cells = [
    code(user.userPrincipalName, { inTable: true }),
    code(change.path, { inTable: true }),
    change.status,
    error
      ? `${error.status === 0 ? "no response" : error.status} ${code(error.code, { inTable: true })}: ${text(clip(error.message, MAX_VALUE).text)}${error.hint ? ` ${text(`(${error.hint})`)}` : ""}`
      : text(change.reason ?? ""),
    error?.requestId ? code(error.requestId, { inTable: true }) : "",
  ];
  return `| ${cells.join(" | ")} |`;
}

function appliedRow(user: UserOutcome, change: ChangeOutcome): string {
  const cells = [
    code(user.userPrincipalName, { inTable: true }),
    code(change.path, { inTable: true }),
    code(clip(displayValue(change, "after"), MAX_VALUE).text, { inTable: true }),
  ];
  return `| ${cells.join(" | ")} |`;
}
