// `roster audit`: the changes to the desired state merged into the branch (its first-parent
// history: one entry per merge, squash or direct push), each with its pull request, what git knows
// of its approval, and whether an apply record shows it reaching the tenant. An apply takes the
// whole branch as of its commit, so an apply of a later commit also carries an earlier change.
import { PHOTOS_DIR, PROFILES_DIR } from "../desired/load.js";
import { type CommitGraph, type CommitInfo, pullRequestOf, readCommitGraph } from "./commits.js";
import { Git } from "./git.js";
import { type ApplyRecord, NOTES_REF, readApplyRecords, recordView } from "./notes.js";
import { AUDIT_FORMAT_VERSION, type Audit, type AuditApply, type AuditEntry, type Person } from "./types.js";

export interface AuditRequest {
  root: string;
  since?: Date;
}

const DESIRED_STATE = ["roster.yaml", PROFILES_DIR, PHOTOS_DIR];
/**
 * Outcomes after which the tenant held the commit's desired state. Not `partial`: some of its
 * changes failed or went stale, so the commit did not reach the tenant as merged.
 */
const REACHED = new Set(["applied", "noChanges"]);

export async function auditLog(request: AuditRequest): Promise<Audit> {
  const git = await Git.open(request.root);
  const graph = await readCommitGraph(git);
  const notes = await readApplyRecords(git);
  const records = notes.records.filter((record) => graph.position.has(record.commit));
  const since = request.since?.getTime();
  const brought = new Map<string, CommitInfo[]>();
  for (const [oid, landing] of graph.landing) {
    brought.set(landing, [...(brought.get(landing) ?? []), graph.commits.get(oid)!]);
  }

  const entries: AuditEntry[] = [];
  for (const merged of await desiredStateMerges(git, graph)) {
    const info = graph.commits.get(merged.commit);
    if (!info || graph.boundary.has(info.oid)) continue; // a shallow clone's edge: its diff is unknown
    if (since !== undefined && Date.parse(info.committerDate) < since) continue;
    entries.push(entryFor(graph, info, merged, brought.get(info.oid) ?? [info], records));
  }
  return {
    formatVersion: AUDIT_FORMAT_VERSION,
    head: graph.head,
    branch: graph.branch,
    shallow: graph.shallow ? { oldestCommit: graph.shallow.commit, date: graph.shallow.date } : null,
    notes: { ref: NOTES_REF, present: notes.present, records: notes.records.length },
    since: request.since ? request.since.toISOString() : null,
    entries,
    notApplied: entries.filter((e) => e.notApplied && !e.partiallyApplied).map((e) => e.commit),
    notFullyApplied: entries.filter((e) => e.notApplied && e.partiallyApplied).map((e) => e.commit),
  };
}

interface MergedChange {
  commit: string;
  body: string;
  files: string[];
}

/** First-parent commits that changed the desired state, newest first, with the files (vs first parent). */
async function desiredStateMerges(git: Git, graph: CommitGraph): Promise<MergedChange[]> {
  const out = await git.text([
    "log",
    "--first-parent",
    "--diff-merges=first-parent",
    "--name-only",
    "-z",
    "--format=%x01%H%x1f%b%x02",
    graph.head,
    "--",
    ...DESIRED_STATE,
  ]);
  const merged: MergedChange[] = [];
  for (const chunk of out.split("\x01")) {
    const end = chunk.indexOf("\x02");
    if (end < 0) continue;
    const [commit = "", body = ""] = chunk.slice(0, end).split("\x1f");
    const files = chunk
      .slice(end + 1)
      .split("\0")
      .map((name) => name.replace(/^\n/, ""))
      .filter(Boolean)
      .map((name) => git.dirPath(name))
      .filter((name): name is string => name !== undefined);
    merged.push({ commit, body, files });
  }
  return merged;
}

function entryFor(
  graph: CommitGraph,
  info: CommitInfo,
  merged: MergedChange,
  /** The commits this one brought into the branch (itself included). */
  brought: readonly CommitInfo[],
  records: readonly ApplyRecord[],
): AuditEntry {
  const isMerge = info.parents.length > 1;
  const pullRequest = pullRequestOf(info.subject);
  const kind = isMerge ? "merge" : pullRequest !== null ? "squash" : "direct";
  const written = isMerge ? brought.filter((c) => c.oid !== info.oid) : [info];
  const trailers = brought.flatMap((c) => c.trailers);
  const review = trailers.filter((t) => t.key !== "Co-authored-by");
  const { apply, partial } = applyOf(graph, info.oid, records);
  return {
    commit: info.oid,
    date: info.committerDate,
    kind,
    pullRequest,
    title: titleOf(info, kind, merged.body),
    mergedBy: kind === "merge" ? info.author : kind === "direct" ? info.committer : null,
    authors: distinctPeople([
      ...written.map((c) => c.author),
      ...trailers.filter((t) => t.key === "Co-authored-by").flatMap((t) => personOf(t.value)),
    ]),
    files: merged.files,
    approval: {
      review: review.length > 0 ? "recorded" : "unknown",
      trailers: review,
      environment: apply?.environment ?? null,
    },
    apply,
    notApplied: apply === null || !REACHED.has(apply.outcome),
    partiallyApplied: partial && (apply === null || !REACHED.has(apply.outcome)),
  };
}

/** The pull request's title: GitHub puts it in a merge's body and before a squash's `(#12)`. */
function titleOf(info: CommitInfo, kind: AuditEntry["kind"], body: string): string {
  if (kind === "merge") {
    const first = body.split("\n").find((line) => line.trim() !== "");
    return first?.trim() ?? info.subject;
  }
  if (kind === "squash") return info.subject.replace(/\s*\(#\d+\)\s*$/, "");
  return info.subject;
}

/**
 * The first apply of this commit or a later first-parent one that reached the tenant, else the last
 * that did not; `partial` when one of them wrote part of it.
 */
function applyOf(
  graph: CommitGraph,
  commit: string,
  records: readonly ApplyRecord[],
): { apply: AuditApply | null; partial: boolean } {
  const at = graph.position.get(commit)!;
  let last: AuditApply | null = null;
  let partial = false;
  for (const record of records) {
    if ((graph.position.get(record.commit) ?? -1) < at) continue;
    const apply: AuditApply = {
      ...recordView(record),
      via: record.commit === commit ? "this commit" : "a later commit",
    };
    if (REACHED.has(record.outcome)) return { apply, partial };
    if (record.outcome === "partial") partial = true;
    last = apply;
  }
  return { apply: last, partial };
}

function personOf(text: string): Person[] {
  const match = /^(.*?)\s*<([^>]*)>\s*$/.exec(text);
  return match ? [{ name: match[1]!, email: match[2]! }] : [];
}

function distinctPeople(people: readonly Person[]): Person[] {
  const seen = new Map<string, Person>();
  for (const p of people) if (!seen.has(p.email.toLowerCase())) seen.set(p.email.toLowerCase(), p);
  return [...seen.values()];
}
