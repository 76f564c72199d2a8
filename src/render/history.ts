// Text views of `roster history` and `roster audit`: plain lines an auditor can read and grep
// (one line per changed value, carrying its path and whether it reached the tenant). Values come
// from pull requests, so invisible and direction-changing characters are escaped.
import type {
  ApplyRecordView,
  Audit,
  AuditEntry,
  ChangeApply,
  HistoryChange,
  HistoryEntry,
  RepositoryView,
  UserHistory,
} from "../history/types.js";
import { escapeInvisible } from "./values.js";

const short = (oid: string) => oid.slice(0, 8);
/** Files named per merged change in the audit text (all of them are in --json). */
const MAX_FILES_SHOWN = 10;
const person = (p: { name: string; email: string }) => escapeInvisible(`${p.name} <${p.email}>`);

export function renderHistoryText(history: UserHistory): string {
  const lines = [
    `roster history: ${history.userPrincipalName} (${history.file ?? "no profile in HEAD"}) on ${history.branch ?? "HEAD"} at ${short(history.head)}, newest first`,
    ...repositoryLines(history),
  ];
  if (history.since) lines.push(`changes merged since ${history.since}`);
  if (history.entries.length === 0) lines.push("", "No changes to this user's profile in the history read.");
  for (const entry of history.entries) lines.push("", ...entryLines(entry, history.notes.present));
  return `${lines.join("\n")}\n`;
}

function repositoryLines(view: RepositoryView): string[] {
  const lines: string[] = [];
  if (view.shallow) {
    lines.push(
      `shallow clone: the oldest commit here is ${short(view.shallow.oldestCommit)} (${view.shallow.date}); changes in or before it are not visible (git fetch --unshallow)`,
    );
  }
  if (!view.notes.present) {
    lines.push(
      `no apply records in this clone (${view.notes.ref}); fetch them: git fetch origin ${view.notes.ref}:${view.notes.ref}`,
    );
  } else {
    lines.push(`apply records: ${view.notes.records} in ${view.notes.ref}`);
  }
  return lines;
}

/** `withApply`: the clone has apply records, so a change without one is worth saying. */
function entryLines(entry: HistoryEntry, withApply: boolean): string[] {
  const lines = [`commit ${short(entry.commit)}  ${entry.date}  ${person(entry.author)}`];
  lines.push(`  ${escapeInvisible(entry.subject)}`);
  for (const coAuthor of entry.coAuthors) lines.push(`  co-author: ${escapeInvisible(coAuthor)}`);
  // A squash is its own merge; a commit without a pull request was pushed as it is.
  const landed =
    entry.merged.commit !== entry.commit
      ? `merged ${entry.merged.date} in ${short(entry.merged.commit)}`
      : `${entry.pullRequest === null ? "committed" : "merged"} ${entry.merged.date}`;
  const pr = entry.pullRequest === null ? "no pull request" : `pull request #${entry.pullRequest}`;
  lines.push(`  ${pr} · ${landed} · approval: ${approvalText(entry)}`);
  if (entry.problem) lines.push(`  ! ${escapeInvisible(entry.problem)}`);
  for (const change of entry.changes) lines.push(`  ${changeLine(entry, change, withApply)}`);
  const records = new Map<string, ChangeApply>();
  for (const change of entry.changes) {
    if (change.apply) records.set(`${change.apply.commit} ${change.apply.at}`, change.apply);
  }
  for (const record of records.values()) lines.push(`  ${recordLine(record)}`);
  return lines;
}

function approvalText(entry: HistoryEntry): string {
  if (entry.approvals.length > 0) {
    return entry.approvals.map((t) => escapeInvisible(`${t.key}: ${t.value}`)).join("; ");
  }
  return entry.pullRequest === null
    ? "unknown (no pull request, no Reviewed-by/Approved-by trailer)"
    : "unknown (git holds no review; see the pull request)";
}

function changeLine(entry: HistoryEntry, change: HistoryChange, withApply: boolean): string {
  // A value set by a `_defaults.yaml` names it; the profile's own values need no label.
  const setBy = (side: "old" | "new") => {
    const source = change[side]?.source;
    return source && source !== entry.file ? source : undefined;
  };
  let text: string;
  if (change.kind === "file") {
    if (change.old === null) text = `+ file: ${change.new?.value} (profile created)`;
    else if (change.new === null)
      text = `- file: ${change.old.value} (profile deleted: roster no longer manages this user)`;
    else text = `~ file: ${change.old.value} -> ${change.new.value} (moved)`;
  } else if (change.old === null) {
    const source = setBy("new");
    text = `+ ${change.path}: ${value(change, "new")}${source ? ` (from ${source})` : ""}`;
  } else if (change.new === null) {
    const source = setBy("old");
    text = `- ${change.path}: no longer managed (was ${value(change, "old")}${source ? `, from ${source}` : ""})`;
  } else {
    const source = setBy("new");
    text = `~ ${change.path}: ${value(change, "old")} -> ${value(change, "new")}${source ? ` (from ${source})` : ""}`;
  }
  const status = withApply ? applyText(change) : "";
  return escapeInvisible(status ? `${text}  [${status}]` : text);
}

function value(change: HistoryChange, side: "old" | "new"): string {
  const v = change[side]?.value;
  if (change.kind === "photo") {
    if (v === null || v === undefined) return "none (photo: null)";
    const photo = v as { file: string; blob: string | null };
    const other = change[side === "old" ? "new" : "old"]?.value as { file?: string } | null | undefined;
    const label = photo.blob === null ? `${photo.file}, file missing` : photo.file;
    // Photos are images: history says that one changed, not how.
    return side === "new" && other && typeof other === "object" ? `changed (${label})` : label;
  }
  return JSON.stringify(v) ?? "null";
}

function applyText(change: HistoryChange): string {
  const apply = change.apply;
  if (!apply) {
    if (change.kind === "file" || change.new === null || change.path === "id") return "";
    return change.supersededBy
      ? `not applied: superseded by ${short(change.supersededBy)}`
      : "not applied: no apply record";
  }
  switch (apply.status) {
    case "applied":
      return `applied ${apply.at}`;
    case "alreadyInTenant":
      return `in the tenant ${apply.at} (apply found it already set)`;
    case "unknown":
      return `unknown: apply ${apply.at} of ${short(apply.commit)} cannot tell${apply.reason ? `: ${apply.reason}` : ""}${change.supersededBy ? `; superseded by ${short(change.supersededBy)}` : ""}`;
    default:
      return `NOT APPLIED: ${apply.status} ${apply.at}${apply.reason ? `: ${apply.reason}` : ""}${change.supersededBy ? `; superseded by ${short(change.supersededBy)}` : ""}`;
  }
}

function recordLine(record: ApplyRecordView): string {
  const parts = [`apply ${record.at} of ${short(record.commit)}: ${record.outcome}`];
  if (record.run) parts.push(`run ${record.run}`);
  if (record.environment) parts.push(`environment ${record.environment}`);
  parts.push(`tenant ${record.tenant}`);
  if (record.dirty) parts.push("from a working tree with uncommitted changes");
  if (record.plan?.source === "saved") {
    parts.push(`a saved plan made from ${record.plan.commit ? short(record.plan.commit) : "outside git"}`);
  }
  return escapeInvisible(parts.join(" · "));
}

export function renderAuditText(audit: Audit): string {
  const lines = [
    `roster audit: ${audit.branch ?? "HEAD"} at ${short(audit.head)}, changes to roster.yaml, profiles/ and photos/ as merged (first-parent history), newest first`,
    ...repositoryLines(audit),
  ];
  if (audit.since) lines.push(`merged since ${audit.since}`);
  if (audit.entries.length === 0) lines.push("", "No changes merged in this period.");
  for (const entry of audit.entries) lines.push("", ...auditEntryLines(entry));
  lines.push("");
  const never = new Set(audit.notApplied);
  const partly = new Set(audit.notFullyApplied);
  if (never.size === 0 && partly.size === 0) {
    lines.push(
      audit.entries.length === 0
        ? "Nothing to apply."
        : "Every change listed reached the tenant (per the apply records).",
    );
  }
  if (partly.size > 0) {
    lines.push(
      `Not fully applied (an apply wrote only part of it): ${partly.size} of ${audit.entries.length}`,
    );
    lines.push(...audit.entries.filter((e) => partly.has(e.commit)).map(listedLine));
  }
  if (never.size > 0) {
    lines.push(`Merged but never applied: ${never.size} of ${audit.entries.length}`);
    lines.push(...audit.entries.filter((e) => never.has(e.commit)).map(listedLine));
  }
  return `${lines.join("\n")}\n`;
}

function listedLine(entry: AuditEntry): string {
  const pr = entry.pullRequest === null ? "no pull request" : `pull request #${entry.pullRequest}`;
  return `  ${short(entry.commit)}  ${entry.date}  ${pr}  ${escapeInvisible(entry.title)}`;
}

function auditEntryLines(entry: AuditEntry): string[] {
  const pr = entry.pullRequest === null ? "no pull request" : `pull request #${entry.pullRequest}`;
  const lines = [
    `${entry.date}  ${short(entry.commit)}  ${entry.kind}  ${pr}  ${escapeInvisible(entry.title)}`,
  ];
  lines.push(
    `  merged by: ${entry.mergedBy ? person(entry.mergedBy) : "unknown (a squash commit does not record who merged it)"}`,
  );
  lines.push(`  authors: ${entry.authors.map(person).join(", ")}`);
  // The JSON lists every file; a line of hundreds of photo names helps no one read the text.
  const shown = entry.files.slice(0, MAX_FILES_SHOWN);
  const more = entry.files.length - shown.length;
  lines.push(`  files: ${escapeInvisible(shown.join(", "))}${more > 0 ? ` and ${more} more` : ""}`);
  const review =
    entry.approval.review === "recorded"
      ? entry.approval.trailers.map((t) => escapeInvisible(`${t.key}: ${t.value}`)).join("; ")
      : "unknown (git holds no review; see the pull request)";
  const environment = entry.approval.environment
    ? ` · apply approved in environment ${entry.approval.environment}`
    : "";
  lines.push(`  approval: ${review}${environment}`);
  const apply = entry.apply;
  if (!apply) lines.push("  apply: NOT APPLIED (no apply record of this commit or a later one)");
  else {
    const status = entry.partiallyApplied
      ? `NOT FULLY APPLIED: ${apply.outcome}`
      : entry.notApplied
        ? `NOT APPLIED: ${apply.outcome}`
        : apply.outcome;
    const details = [`${apply.at}`, `via ${apply.via} (${short(apply.commit)})`];
    if (apply.run) details.push(`run ${apply.run}`);
    if (apply.refusal) details.push(`refused: ${apply.refusal}`);
    lines.push(escapeInvisible(`  apply: ${status} ${details.join(" · ")}`));
  }
  return lines;
}
