// The commit graph of HEAD as git reports it: who wrote each commit and when, which trailers it
// carries, and which first-parent commit of the branch brought it in (its "landing": the squash,
// the merge of its pull request, or the commit itself when pushed directly). Pull-request numbers
// come from GitHub's own messages: `Merge pull request #12 from …` and squash subjects ending `(#12)`.
import { RosterError } from "../errors.js";
import type { Git } from "./git.js";
import { readObjects } from "./objects.js";
import type { Person, Trailer } from "./types.js";

export interface CommitInfo {
  oid: string;
  parents: string[];
  author: Person;
  /** Author date, ISO 8601 with the author's offset. */
  authorDate: string;
  committer: Person;
  /** Committer date: when the commit was made (for a merge or squash: when it was merged). */
  committerDate: string;
  subject: string;
  /** `Reviewed-by`, `Approved-by` and `Co-authored-by` trailers. */
  trailers: Trailer[];
}

export interface CommitGraph {
  head: string;
  /** The branch HEAD is on, or null when detached. */
  branch: string | null;
  commits: Map<string, CommitInfo>;
  /** HEAD's first-parent chain, newest first: the branch as merged. */
  firstParent: string[];
  /** Position in `firstParent` counted from the oldest (0), for first-parent commits only. */
  position: Map<string, number>;
  /** For every commit, the first-parent commit that brought it into the branch. */
  landing: Map<string, string>;
  /** In a shallow clone, the oldest commit available and its date; null otherwise. */
  shallow: { commit: string; date: string } | null;
  /** Commits whose parents exist but are not in this clone (shallow boundary). */
  boundary: Set<string>;
}

export const TRAILER_KEYS = ["Reviewed-by", "Approved-by", "Co-authored-by"] as const;
const FIELD = "\x1f";
const TRAILER_SEPARATOR = "\x1e";

export async function readCommitGraph(git: Git): Promise<CommitGraph> {
  const head = await resolveHead(git);
  const format = [
    "%H",
    "%P",
    "%an",
    "%ae",
    "%aI",
    "%cn",
    "%ce",
    "%cI",
    "%s",
    `%(trailers:${TRAILER_KEYS.map((k) => `key=${k}`).join(",")},unfold,separator=%x1e)`,
  ].join("%x1f");
  const out = await git.text(["log", "-z", `--format=${format}`, head, "--"]);
  const commits = new Map<string, CommitInfo>();
  for (const record of out.split("\0")) {
    if (record === "") continue;
    const f = record.split(FIELD);
    const oid = f[0]!;
    commits.set(oid, {
      oid,
      parents: f[1] ? f[1].split(" ") : [],
      author: { name: f[2] ?? "", email: f[3] ?? "" },
      authorDate: f[4] ?? "",
      committer: { name: f[5] ?? "", email: f[6] ?? "" },
      committerDate: f[7] ?? "",
      subject: f[8] ?? "",
      trailers: parseTrailers(f[9] ?? ""),
    });
  }

  const firstParent: string[] = [];
  for (let at: string | undefined = head; at && commits.has(at); at = commits.get(at)?.parents[0]) {
    firstParent.push(at);
  }
  const position = new Map<string, number>();
  firstParent.forEach((oid, i) => {
    position.set(oid, firstParent.length - 1 - i);
  });
  const landing = landingOf(commits, firstParent);
  const boundary = await shallowBoundary(git, commits);
  let shallow: CommitGraph["shallow"] = null;
  if (boundary.size > 0) {
    const oldest = [...boundary].sort((a, b) => dateOf(commits, a) - dateOf(commits, b))[0]!;
    shallow = { commit: oldest, date: commits.get(oldest)!.committerDate };
  }
  return {
    head,
    branch: await currentBranch(git),
    commits,
    firstParent,
    position,
    landing,
    shallow,
    boundary,
  };
}

async function resolveHead(git: Git): Promise<string> {
  const { stdout, status } = await git.status(["rev-parse", "-q", "--verify", "HEAD^{commit}"], [1]);
  if (status !== 0) {
    throw new RosterError(`${git.cwd} has no commits yet`, {
      hint: "commit the profiles first: history is read from git",
    });
  }
  return stdout.trim();
}

async function currentBranch(git: Git): Promise<string | null> {
  const { stdout, status } = await git.status(["symbolic-ref", "-q", "--short", "HEAD"], [1]);
  return status === 0 ? stdout.trim() : null;
}

/**
 * Walks the first-parent chain from the oldest commit: each first-parent commit brings in itself
 * and every ancestor that no earlier first-parent commit already had (a merge's side branch).
 */
function landingOf(commits: Map<string, CommitInfo>, firstParent: readonly string[]): Map<string, string> {
  const landing = new Map<string, string>();
  for (const tip of [...firstParent].reverse()) {
    const stack = [tip];
    while (stack.length > 0) {
      const oid = stack.pop()!;
      if (landing.has(oid) || !commits.has(oid)) continue;
      landing.set(oid, tip);
      stack.push(...commits.get(oid)!.parents);
    }
  }
  return landing;
}

/**
 * In a shallow clone, git shows the oldest commits it has as if they had no parents. Their own
 * objects still name the parents (`parent` lines), which tells them apart from a true root.
 */
async function shallowBoundary(git: Git, commits: Map<string, CommitInfo>): Promise<Set<string>> {
  const boundary = new Set<string>();
  const shallow = (await git.text(["rev-parse", "--is-shallow-repository"])).trim() === "true";
  if (!shallow) return boundary;
  const parentless = [...commits.values()].filter((c) => c.parents.length === 0).map((c) => c.oid);
  const objects = await readObjects(git, parentless);
  for (const oid of parentless) {
    const body = objects.get(oid)?.content.toString("utf8") ?? "";
    const headers = body.slice(0, body.indexOf("\n\n"));
    if (/^parent [0-9a-f]+$/m.test(headers)) boundary.add(oid);
  }
  return boundary;
}

function dateOf(commits: Map<string, CommitInfo>, oid: string): number {
  return Date.parse(commits.get(oid)?.committerDate ?? "") || 0;
}

function parseTrailers(text: string): Trailer[] {
  const trailers: Trailer[] = [];
  for (const line of text.split(TRAILER_SEPARATOR)) {
    const match = /^([^:]+):\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    const key = TRAILER_KEYS.find((k) => k.toLowerCase() === match[1]!.trim().toLowerCase());
    if (key && match[2]) trailers.push({ key, value: match[2].trim() });
  }
  return trailers;
}

/** The pull request a commit message names: GitHub's merge subject, or a squash subject `… (#12)`. */
export function pullRequestOf(subject: string): number | null {
  const merge = /^Merge pull request #(\d+) from /.exec(subject);
  if (merge) return Number(merge[1]);
  const squash = /\(#(\d+)\)\s*$/.exec(subject);
  return squash ? Number(squash[1]) : null;
}

/** The pull request of a change: named by the commit that landed it, else by the commit itself. */
export function pullRequestFor(graph: CommitGraph, oid: string): number | null {
  const landed = graph.landing.get(oid);
  const fromLanding = landed ? pullRequestOf(graph.commits.get(landed)?.subject ?? "") : null;
  return fromLanding ?? pullRequestOf(graph.commits.get(oid)?.subject ?? "");
}

/** Whether `ancestor` is `descendant` or one of its ancestors, within the graph of HEAD. */
export function isAncestor(graph: CommitGraph, ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return true;
  const landed = graph.landing.get(ancestor);
  const at = graph.position.get(descendant);
  if (landed !== undefined && at !== undefined) return (graph.position.get(landed) ?? Infinity) <= at;
  // `descendant` is off the first-parent chain (a side branch): walk its ancestors.
  const seen = new Set<string>();
  const stack = [descendant];
  while (stack.length > 0) {
    const oid = stack.pop()!;
    if (oid === ancestor) return true;
    if (seen.has(oid)) continue;
    seen.add(oid);
    stack.push(...(graph.commits.get(oid)?.parents ?? []));
  }
  return false;
}

/** `--since`: a date (`2026-01-31`, midnight UTC) or an ISO 8601 date-time with a zone. */
export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const time = iso.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new RosterError(`--since ${JSON.stringify(value)} is not a date`, {
      hint: "give a date like 2026-01-31 (midnight UTC) or a date-time like 2026-01-31T09:00:00+01:00",
    });
  }
  return new Date(time);
}
