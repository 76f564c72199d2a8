// Apply records in git: `roster apply --git-note` appends the outcome of the apply to a git note
// under refs/notes/roster on the commit it applied, so that git itself says what reached the
// tenant and when (`git log --notes=roster`), long after the run's artifacts have expired.
//
// A note holds one record per apply of that commit (git notes append: a re-run adds, never
// overwrites). A record is plain text, one fact per line, made to be read by people and parsed here:
//
//   roster apply: partial
//   at: 2026-03-03T09:20:01.000Z
//   tenant: contoso.onmicrosoft.com (c0d1e2f3-0000-4000-8000-000000000001)
//   run: https://github.com/contoso/tenant/actions/runs/123 (attempt 1)
//   environment: production
//   working tree: clean
//   plan: fresh (made by this apply)
//   summary: 2 applied, 1 stale, 0 refused, 0 failed, 1 skipped; 3 users
//   applied AdeleV@contoso.com jobTitle: "Account Executive"
//   stale DiegoS@contoso.com officeLocation: "Building 18/2100"
//     reason: officeLocation was changed in the tenant since the plan
//
// `plan:` says what the apply covered: `fresh (made by this apply)` (the whole desired state of the
// commit, every change the tenant lacked listed), `fresh (made by this apply), users changed since
// <commit>` (the same for the users changed since that commit), or `saved <file>, made from <commit>` (only the
// reviewed changes of that plan). History infers "the tenant already held it" from a missing line
// only for a fresh plan on a clean working tree.
//
// Values are those of the apply report: authentication methods are already masked there.
import type { ApplyReport, ChangeOutcome } from "../apply/report.js";
import { RosterError } from "../errors.js";
import { INVISIBLE } from "../util/text.js";
import { Git, GitCommandError } from "./git.js";
import { readObjects } from "./objects.js";
import type { ApplyRecordView } from "./types.js";

export const NOTES_REF = "refs/notes/roster";
const HEADER = "roster apply: ";
const STATUSES = ["applied", "failed", "stale", "skipped", "refused"] as const;

export interface RecordedChange {
  status: string;
  userPrincipalName: string;
  path: string;
  /** The value written (as the report shows it), when the record has one. */
  value: string | null;
  reason: string | null;
}

export interface ApplyRecord extends ApplyRecordView {
  changes: RecordedChange[];
}

/** Where the apply ran, from the environment GitHub Actions sets (and ROSTER_ENVIRONMENT). */
export interface RunContext {
  run: string | null;
  environment: string | null;
}

export function runContext(env: NodeJS.ProcessEnv): RunContext {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  const attempt = env.GITHUB_RUN_ATTEMPT ? ` (attempt ${env.GITHUB_RUN_ATTEMPT})` : "";
  return {
    run: server && repo && id ? `${server}/${repo}/actions/runs/${id}${attempt}` : id ? `run ${id}` : null,
    environment: env.ROSTER_ENVIRONMENT?.trim() || null,
  };
}

/** The text of one apply record (no trailing blank line: git notes append separates records). */
export function formatApplyNote(report: ApplyReport, context: RunContext): string {
  const changes = report.users.flatMap((user) =>
    user.changes.map((change) => ({ user: user.userPrincipalName, change })),
  );
  const count = (status: string) => changes.filter(({ change }) => change.status === status).length;
  const lines = [
    `${HEADER}${report.outcome}`,
    `at: ${report.finishedAt}`,
    `tenant: ${oneLine(report.tenant)} (${oneLine(report.tenantId)})`,
    `graph: ${oneLine(report.graphUrl)}`,
  ];
  if (context.run) lines.push(`run: ${oneLine(context.run)}`);
  if (context.environment) lines.push(`environment: ${oneLine(context.environment)}`);
  lines.push(
    `working tree: ${report.git.dirty ? "dirty (uncommitted changes to the desired state)" : "clean"}`,
  );
  lines.push(`plan: ${planScope(report)}`);
  if (report.refusal) lines.push(`refused: ${oneLine(report.refusal)}`);
  lines.push(
    `summary: ${STATUSES.map((s) => `${count(s)} ${s}`).join(", ")}; ${report.users.length} ${report.users.length === 1 ? "user" : "users"}`,
  );
  for (const { user, change } of changes) {
    const value = noteValue(change);
    lines.push(`${change.status} ${user} ${change.path}${value === undefined ? "" : `: ${value}`}`);
    const reason = [change.reason, change.error ? `${change.error.status} ${change.error.code}` : undefined]
      .filter(Boolean)
      .join("; ");
    if (reason) lines.push(`  reason: ${oneLine(reason)}`);
  }
  return `${lines.join("\n")}\n`;
}

const FRESH_PLAN = "fresh (made by this apply)";
const FRESH_PART = /^fresh \(made by this apply\), users changed since ([0-9a-f]{40,64})$/;
const SAVED_PLAN = /^saved (.*), made (?:from ([0-9a-f]{40,64})|outside git)$/;

function planScope(report: ApplyReport): string {
  if (report.plan.file === null) {
    const since = report.plan.changedSince;
    return since ? `${FRESH_PLAN}, users changed since ${since}` : FRESH_PLAN;
  }
  const from = report.plan.commit ? `from ${report.plan.commit}` : "outside git";
  return `saved ${oneLine(report.plan.file)}, made ${from}`;
}

function parsePlanScope(commit: string, text: string): ApplyRecord["plan"] {
  if (text === FRESH_PLAN) return { source: "fresh", commit };
  const part = FRESH_PART.exec(text);
  if (part) return { source: "fresh", commit, since: part[1] as string };
  const saved = SAVED_PLAN.exec(text);
  return saved ? { source: "saved", commit: saved[2] ?? null } : null;
}

/** The value a change wrote, as one line: a manager by UPN, a photo by file, others as JSON. */
function noteValue(change: ChangeOutcome): string | undefined {
  const after = change.after;
  if (after === null || after === undefined) return change.action === "remove" ? "null" : undefined;
  if (change.kind === "manager" || change.kind === "photo") {
    const field = change.kind === "manager" ? "userPrincipalName" : "file";
    const named = typeof after === "object" ? (after as Record<string, unknown>)[field] : after;
    return typeof named === "string" ? jsonLine(named) : undefined;
  }
  return jsonLine(after);
}

/**
 * JSON on one line with every invisible or direction-changing character escaped, as JSON escapes
 * them (JSON.stringify has already escaped the C0 controls of the class).
 */
function jsonLine(value: unknown): string {
  return (JSON.stringify(value) ?? "null").replace(
    INVISIBLE,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
}

function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a note line must stay one line
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
}

/** Parses every record of one note; lines it does not know are skipped (later versions add some). */
export function parseApplyNote(commit: string, text: string): ApplyRecord[] {
  const records: ApplyRecord[] = [];
  let current: ApplyRecord | undefined;
  let last: RecordedChange | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith(HEADER)) {
      current = {
        commit,
        outcome: line.slice(HEADER.length).trim(),
        at: "",
        tenant: "",
        run: null,
        environment: null,
        dirty: false,
        plan: null,
        refusal: null,
        changes: [],
      };
      last = undefined;
      records.push(current);
      continue;
    }
    if (!current) continue;
    const field = /^(at|tenant|run|environment|working tree|plan|refused): (.*)$/.exec(line);
    if (field) {
      const value = field[2]!.trim();
      if (field[1] === "at") current.at = value;
      else if (field[1] === "tenant") current.tenant = value;
      else if (field[1] === "run") current.run = value;
      else if (field[1] === "environment") current.environment = value;
      else if (field[1] === "working tree") current.dirty = value.startsWith("dirty");
      else if (field[1] === "plan") current.plan = parsePlanScope(commit, value);
      else current.refusal = value;
      continue;
    }
    const reason = /^ {2}reason: (.*)$/.exec(line);
    if (reason && last) {
      last.reason = reason[1]!;
      continue;
    }
    const change = /^(\w+) (\S+) ([^\s:]+)(?:: (.*))?$/.exec(line);
    if (change && (STATUSES as readonly string[]).includes(change[1]!)) {
      last = {
        status: change[1]!,
        userPrincipalName: change[2]!,
        path: change[3]!,
        value: change[4] ?? null,
        reason: null,
      };
      current.changes.push(last);
    }
  }
  return records.filter((record) => record.at !== "");
}

/** Every apply record in the clone, by the commit it is attached to, oldest apply first. */
export async function readApplyRecords(git: Git): Promise<{ present: boolean; records: ApplyRecord[] }> {
  const { status } = await git.status(["rev-parse", "-q", "--verify", NOTES_REF], [1]);
  if (status !== 0) return { present: false, records: [] };
  const listing = (await git.text(["notes", "--ref", NOTES_REF, "list"])).trim();
  const pairs = listing
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ") as [string, string]);
  const blobs = await readObjects(
    git,
    pairs.map(([blob]) => blob),
  );
  const records = pairs.flatMap(([blob, commit]) =>
    parseApplyNote(commit, blobs.get(blob)?.content.toString("utf8") ?? ""),
  );
  records.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.commit.localeCompare(b.commit));
  return { present: true, records };
}

/** The record of an apply without its per-change lines (what views show beside a commit). */
export function recordView(record: ApplyRecord): ApplyRecordView {
  const { changes: _changes, ...view } = record;
  return view;
}

const NO_IDENTITY_HINT =
  'set one first: git config user.name "roster-apply" && git config user.email "roster-apply@users.noreply.github.com"';

/**
 * Checks, before apply reads or writes anything, that `--git-note` will be able to record: a git
 * repository with a commit checked out and an identity to write the note with.
 */
export async function assertApplyNotePossible(root: string): Promise<void> {
  const git = await Git.open(root);
  try {
    await git.text(["rev-parse", "--verify", "HEAD"]);
  } catch (err) {
    throw new RosterError(`--git-note: ${root} has no commit checked out to record the apply on`, {
      hint: "run the apply from a git checkout of the tenant repository",
      cause: err,
    });
  }
  try {
    await git.text(["var", "GIT_COMMITTER_IDENT"]);
  } catch (err) {
    throw new RosterError("--git-note: git has no identity to record the apply note with", {
      hint: NO_IDENTITY_HINT,
      cause: err,
    });
  }
}

/**
 * Appends the apply report's record to the note of the commit it applied (`roster apply
 * --git-note`). The commit is the one the report names: the checkout the apply ran from.
 */
export async function recordApplyNote(
  root: string,
  report: ApplyReport,
  env: NodeJS.ProcessEnv,
): Promise<{ commit: string; ref: string }> {
  const git = await Git.open(root);
  const commit = report.git.commit;
  if (!commit) {
    throw new RosterError(`--git-note: cannot tell which commit ${root} is at`, {
      hint: "run the apply from a git checkout of the tenant repository",
    });
  }
  try {
    await git.text(["notes", "--ref", NOTES_REF, "append", "--file", "-", commit], {
      input: formatApplyNote(report, runContext(env)),
    });
  } catch (err) {
    if (err instanceof GitCommandError && /tell me who you are|identity unknown/i.test(err.stderr)) {
      throw new RosterError("--git-note: git has no identity to record the apply note with", {
        hint: NO_IDENTITY_HINT,
        cause: err,
      });
    }
    throw err;
  }
  return { commit, ref: NOTES_REF };
}
