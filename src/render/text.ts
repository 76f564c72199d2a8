// The terminal view: Terraform-like lines (`~ jobTitle: "A" -> "B"`). Without colour every line is
// plain and greppable (`^Error:`, `^~ `, `^Plan:`); with colour only ANSI styling is added.
import type { Change, Plan, PlanMessage, PlannedUser, SkippedChange } from "../plan/types.js";
import {
  changesPhrase,
  partialNotice,
  plural,
  problemsPhrase,
  totalChanges,
  unmanagedPhrase,
} from "./summary.js";
import { displayValue, escapeInvisible } from "./values.js";

export interface TextOptions {
  color: boolean;
}

const STYLES = {
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  boldRed: "\x1b[1;31m",
  boldYellow: "\x1b[1;33m",
} as const;
const RESET = "\x1b[0m";

type Style = keyof typeof STYLES;
type Paint = (style: Style, text: string) => string;

const SYMBOL = { add: "+", update: "~", remove: "-" } as const;
const ACTION_STYLE = { add: "green", update: "yellow", remove: "red" } as const;

export function renderText(plan: Plan, options: TextOptions): string {
  const paint: Paint = options.color ? (style, text) => `${STYLES[style]}${text}${RESET}` : (_, text) => text;
  const lines = [paint("bold", header(plan)), ""];
  const partial = partialNotice(plan);
  if (partial) lines.push(paint("boldYellow", partial), "");
  for (const user of plan.users) lines.push(...userBlock(user, paint), "");
  for (const error of plan.errors) lines.push(`${paint("boldRed", "Error:")} ${messageText(error)}`);
  for (const warning of plan.warnings)
    lines.push(`${paint("boldYellow", "Warning:")} ${messageText(warning)}`);
  if (plan.errors.length + plan.warnings.length > 0) lines.push("");
  lines.push(paint("bold", summaryLine(plan)));
  const problems = problemsPhrase(plan.summary);
  if (problems) lines.push(paint(plan.summary.errors > 0 ? "boldRed" : "boldYellow", `${problems}.`));
  return `${lines.join("\n")}\n`;
}

function header(plan: Plan): string {
  const commit = plan.git.commit === null ? "no git commit" : `commit ${plan.git.commit.slice(0, 12)}`;
  const dirty = plan.git.dirty ? ", uncommitted changes" : "";
  return `roster plan for ${escapeInvisible(plan.tenant)} (tenant ${escapeInvisible(plan.tenantId)}, ${escapeInvisible(commit)}${dirty})`;
}

function userBlock(user: PlannedUser, paint: Paint): string[] {
  // `#` for a user with nothing to write, so `grep '^~ '` lists exactly the users that change.
  const symbol = user.changes.length > 0 ? paint("yellow", "~") : "#";
  const roles = user.roles.length > 0 ? ` [admin roles: ${user.roles.join(", ")}]` : "";
  const lines = [
    paint("bold", `${symbol} ${escapeInvisible(`${user.userPrincipalName} (${user.file})${roles}`)}`),
  ];
  for (const change of user.changes) lines.push(`    ${changeLine(user, change, paint)}`);
  for (const skipped of user.skipped) lines.push(`    ${paint("dim", skippedLine(skipped))}`);
  return lines;
}

function changeLine(user: PlannedUser, change: Change, paint: Paint): string {
  const values =
    change.action === "add"
      ? displayValue(change, "after")
      : `${displayValue(change, "before")} -> ${displayValue(change, "after")}`;
  const sensitive = change.sensitive ? ` ${paint("bold", "(sensitive)")}` : "";
  // Only worth saying when a `_defaults.yaml` rather than the profile itself asked for the value.
  const from = change.source.file === user.file ? "" : ` (from ${position(change.source)})`;
  const symbol = paint(ACTION_STYLE[change.action], SYMBOL[change.action]);
  return `${symbol} ${escapeInvisible(`${change.path}: ${values}`)}${sensitive}${escapeInvisible(from)}`;
}

function skippedLine(skipped: SkippedChange): string {
  return escapeInvisible(`# skipped ${skipped.path}: ${skipped.reason}`);
}

function messageText(message: PlanMessage): string {
  const parts: string[] = [];
  if (message.source) parts.push(position(message.source));
  if (message.userPrincipalName) parts.push(message.userPrincipalName);
  parts.push(message.message);
  return escapeInvisible(parts.join(": "));
}

function position(at: { file: string; line: number; col: number }): string {
  return `${at.file}:${at.line}:${at.col}`;
}

function summaryLine(plan: Plan): string {
  const s = plan.summary;
  if (totalChanges(s) === 0) {
    if (s.skipped === 0 && s.errors === 0)
      return plan.partial
        ? "No changes. The users read match the repository."
        : "No changes. The tenant matches the repository.";
    return `No changes. ${s.skipped} skipped; ${plural(s.managedUsers, "managed user")}, ${unmanagedPhrase(s)}.`;
  }
  return (
    `Plan: ${changesPhrase(s)} (${s.sensitiveChanges} sensitive), ${s.skipped} skipped; ` +
    `${plural(s.managedUsers, "managed user")}, ${unmanagedPhrase(s)}.`
  );
}
