// The pull-request comment and job summary. Reviewers read it top-down: outcome, numbers,
// what needs a careful look (sensitive changes, errors), then one collapsible section per user.
// GitHub refuses comments over 65,536 characters, so per-user sections are dropped from the end
// when needed; everything above them always stays.
import type { Change, Plan, PlanMessage, PlannedUser, SkippedChange } from "../plan/types.js";
import { clip, code, html, text } from "./md.js";
import { changesPhrase, partialNotice, plural, sensitiveReason, totalChanges } from "./summary.js";
import { displayValue } from "./values.js";

export interface MarkdownOptions {
  /**
   * Default 64,500: GitHub's comment limit (65,536) less room for a workflow's own additions. The
   * plan workflow's footer takes up to 765 characters (longest owner and repository names, int64
   * run and artifact ids), and its script cuts the plan's end mid-section if the two do not fit.
   */
  maxLength?: number;
  /** Where the full plan is, as trusted markdown (it may be a link): "the plan.json artifact of this run". */
  artifactHint?: string;
}

/** The first line, so a workflow can find and update its own sticky comment. */
export const MARKDOWN_MARKER = "<!-- roster-plan -->";
export const DEFAULT_MAX_LENGTH = 64_500;
const DEFAULT_ARTIFACT_HINT = "the JSON plan (`roster plan --format json`)";

/** Shares of `maxLength` the always-kept lists may use, so the remainder is left for users. */
const BUDGET = { sensitive: 0.2, errors: 0.35, warnings: 0.1 } as const;
/** Longest value shown in a table cell; longer ones are clipped (the JSON has them whole). */
const MAX_VALUE = 300;
const MAX_MESSAGE = 500;

const SYMBOL = { add: "+", update: "~", remove: "-" } as const;

export function renderMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const hint = options.artifactHint ?? DEFAULT_ARTIFACT_HINT;
  const kept = [
    [MARKDOWN_MARKER, title(plan)].join("\n"),
    metadata(plan),
    partialCallout(plan),
    summaryTable(plan),
    sensitiveCallout(plan, maxLength * BUDGET.sensitive, hint),
    messageList("⛔ Errors", plan.errors, maxLength * BUDGET.errors, hint),
    messageList("⚠️ Warnings", plan.warnings, maxLength * BUDGET.warnings, hint),
  ].filter((block) => block !== "");
  const blocks = [...kept, ...userSections(plan, kept, maxLength, hint)];
  return fitWithin(`${blocks.join("\n\n")}\n`, maxLength, hint);
}

function title(plan: Plan): string {
  const s = plan.summary;
  const changes = totalChanges(s) > 0 ? changesPhrase(s) : "No changes";
  if (s.errors > 0) {
    return `### roster plan: ⚠ ${plural(s.errors, "error")}${totalChanges(s) > 0 ? `, ${changes}` : ""}`;
  }
  return `### roster plan: ${changes}`;
}

function metadata(plan: Plan): string {
  const commit = plan.git.commit === null ? "no git commit" : `commit ${code(plan.git.commit.slice(0, 12))}`;
  const dirty = plan.git.dirty ? " (uncommitted changes)" : "";
  return [
    `Tenant ${code(plan.tenant)} (${code(plan.tenantId)})`,
    `${commit}${dirty}`,
    `desired state ${code(clip(plan.desiredDigest, 19).text)}`,
    `made by ${code(plan.generator)}`,
    `planned ${code(plan.createdAt)}`,
  ].join(" · ");
}

/** A partial plan says so before any number, in a note GitHub shows as such. */
function partialCallout(plan: Plan): string {
  const notice = partialNotice(plan);
  return notice ? `> [!NOTE]\n> ${text(notice)}` : "";
}

function summaryTable(plan: Plan): string {
  const s = plan.summary;
  const rows: [string, number | string][] = [
    ["Attribute changes", s.changes.attribute],
    ["Manager changes", s.changes.manager],
    ["Photo changes", s.changes.photo],
    ["Authentication method changes", s.changes.authMethod],
    ["**Total changes**", totalChanges(s)],
    ["Users with changes", s.usersWithChanges],
    ["Sensitive changes", s.sensitiveChanges],
    ["Skipped", s.skipped],
    ["Managed users", s.managedUsers],
    ["Unmanaged users (never changed)", s.unmanagedUsers ?? "not checked"],
    ["Errors", s.errors],
    ["Warnings", s.warnings],
  ];
  return ["| Plan | Count |", "| :-- | --: |", ...rows.map(([label, n]) => `| ${label} | ${n} |`)].join("\n");
}

/** One line per user with sensitive changes, inside a GitHub alert so it cannot be missed. */
function sensitiveCallout(plan: Plan, budget: number, hint: string): string {
  const s = plan.summary;
  if (s.sensitiveChanges === 0) return "";
  const items = plan.users
    .filter((user) => user.changes.some((c) => c.sensitive))
    .map((user) => {
      const roles = user.roles.length > 0 ? ` (admin roles: ${text(user.roles.join(", "))})` : "";
      const paths = user.changes
        .filter((c) => c.sensitive)
        .map((c) => `${code(c.path)} (${sensitiveReason(user, c)})`);
      return `- ${code(user.userPrincipalName)}${roles}: ${paths.join(", ")}`;
    });
  const list = bounded(items, budget, (n) => `- …and ${plural(n, "more user")}: see ${hint}.`);
  const lines = [
    "[!WARNING]",
    `**${plural(s.sensitiveChanges, "sensitive change")}**: authentication methods, UPN renames or users holding admin roles. Review them carefully.`,
    "",
    ...list,
  ];
  return lines.map((line) => (line === "" ? ">" : `> ${line}`)).join("\n");
}

function messageList(heading: string, messages: PlanMessage[], budget: number, hint: string): string {
  if (messages.length === 0) return "";
  const items = messages.map((m) => {
    const where = [m.source && code(`${m.source.file}:${m.source.line}:${m.source.col}`)];
    if (m.userPrincipalName) where.push(code(m.userPrincipalName));
    const prefix = where.filter((part) => part !== undefined).join(" ");
    return `- ${prefix ? `${prefix}: ` : ""}${text(clip(m.message, MAX_MESSAGE).text)}`;
  });
  const list = bounded(items, budget, (n) => `- …and ${n} more: see ${hint}.`);
  return [`#### ${heading} (${messages.length})`, "", ...list].join("\n");
}

/** Items in order while they fit `budget` characters, then a line saying how many did not. */
function bounded(items: string[], budget: number, more: (n: number) => string): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const item of items) {
    if (used + item.length + 1 > budget) break;
    shown.push(item);
    used += item.length + 1;
  }
  return shown.length < items.length ? [...shown, more(items.length - shown.length)] : shown;
}

/** The per-user sections that fit after `kept`, dropped from the end, with a note if any were. */
function userSections(plan: Plan, kept: string[], maxLength: number, hint: string): string[] {
  if (plan.users.length === 0) return [];
  const heading = "#### Changes by user";
  const total = plan.users.length;
  // Room for the note at its longest, so adding it afterwards cannot push the result over.
  let used = [...kept, heading, omittedNote(total, total, hint)].join("\n\n").length + 1;
  const shown: string[] = [];
  for (const user of plan.users) {
    const section = userSection(user);
    if (used + section.length + 2 > maxLength) break;
    shown.push(section);
    used += section.length + 2;
  }
  const omitted = total - shown.length;
  return [heading, ...(omitted > 0 ? [omittedNote(omitted, total, hint)] : []), ...shown];
}

function omittedNote(omitted: number, total: number, hint: string): string {
  return [
    "> [!NOTE]",
    `> **${omitted} of ${plural(total, "user")} omitted** below to keep this comment under GitHub's size limit. The full plan is in ${hint}.`,
  ].join("\n");
}

function userSection(user: PlannedUser): string {
  const sensitive = user.changes.filter((c) => c.sensitive).length;
  const facts = [
    user.changes.length > 0 ? plural(user.changes.length, "change") : "no changes",
    ...(sensitive > 0 ? [`⚠️ ${sensitive} sensitive`] : []),
    ...(user.skipped.length > 0 ? [`${user.skipped.length} skipped`] : []),
    ...(user.roles.length > 0 ? [`admin roles: ${html(user.roles.join(", "))}`] : []),
    `<code>${html(user.file)}</code>`,
  ];
  const symbol = user.changes.length > 0 ? "~" : "#";
  const lines = [
    `<details><summary><code>${symbol} ${html(user.userPrincipalName)}</code> · ${facts.join(" · ")}</summary>`,
    "",
  ];
  if (user.changes.length > 0) {
    lines.push("| | path | before | after | source |", "| --- | --- | --- | --- | --- |");
    for (const change of user.changes) lines.push(changeRow(change));
    lines.push("");
  }
  if (user.skipped.length > 0) {
    lines.push("Skipped:", "", ...user.skipped.map(skippedItem), "");
  }
  lines.push("</details>");
  return lines.join("\n");
}

function changeRow(change: Change): string {
  const action = `${SYMBOL[change.action]} ${change.action}${change.sensitive ? " ⚠️ **sensitive**" : ""}`;
  const cells = [
    action,
    code(change.path, { inTable: true }),
    valueCell(displayValue(change, "before")),
    valueCell(displayValue(change, "after")),
    code(`${change.source.file}:${change.source.line}:${change.source.col}`, { inTable: true }),
  ];
  return `| ${cells.join(" | ")} |`;
}

function valueCell(value: string): string {
  const clipped = clip(value, MAX_VALUE);
  const span = code(clipped.text, { inTable: true });
  return clipped.clipped ? `${span} (${clipped.length} characters)` : span;
}

function skippedItem(skipped: SkippedChange): string {
  const before = clip(displayValue(skipped, "before"), MAX_VALUE).text;
  const after = clip(displayValue(skipped, "after"), MAX_VALUE).text;
  return `- ${code(skipped.path)}: ${code(before)} → ${code(after)}: ${text(skipped.reason)}`;
}

/**
 * A last resort that only a `maxLength` smaller than the always-kept part can reach: cut at a line
 * boundary and say so, rather than post nothing or a comment GitHub refuses.
 */
function fitWithin(markdown: string, maxLength: number, hint: string): string {
  if (markdown.length <= maxLength) return markdown;
  const note = `\n_…cut to ${maxLength} characters; the full plan is in ${hint}._\n`;
  const room = Math.max(0, maxLength - note.length);
  const cut = markdown.lastIndexOf("\n", room);
  return `${markdown.slice(0, cut > 0 ? cut : room)}${note}`.slice(0, maxLength);
}
