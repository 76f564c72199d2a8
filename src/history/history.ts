// `roster history`: one user's attribute-level history, rebuilt from git. Steps:
//   1. who: the user's keys (UPN, object id) from the query, and every profile path that ever
//      held them (git's pickaxe, -G, finds the commits that added or removed such a line), grown
//      until no new UPN or id turns up (a renamed UPN is linked by its id);
//   2. which commits: every commit touching those paths, the `_defaults.yaml` files above them,
//      or their photos (git log with literal pathspecs);
//   3. what changed: the merged profile (loader rules) at each such commit and at its parents;
//      values that differ are the changes (a merge: only what differs from every parent), so a
//      defaults commit that changed nothing for this user does not appear;
//   4. reached the tenant: the apply records (git notes) of commits whose state holds the value.
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { DEFAULTS_FILE, defaultsDirs, PHOTO_EXTENSIONS, PHOTOS_DIR, PROFILES_DIR } from "../desired/load.js";
import { UsageError } from "../errors.js";
import { isAuthPath, maskAuthValue } from "../plan/mask.js";
import { type CommitGraph, isAncestor, pullRequestFor, readCommitGraph } from "./commits.js";
import { Git } from "./git.js";
import { type ApplyRecord, NOTES_REF, readApplyRecords, recordView } from "./notes.js";
import { readObjects } from "./objects.js";
import {
  isProfilePath,
  keysOfProfile,
  type TrackedValue,
  type UserKeys,
  UserSnapshots,
  type UserState,
} from "./snapshot.js";
import {
  type ChangeApply,
  HISTORY_FORMAT_VERSION,
  type HistoryChange,
  type HistoryEntry,
  type HistoryValue,
  type UserHistory,
} from "./types.js";

export interface HistoryRequest {
  /** Repository root (--dir). */
  root: string;
  /** A userPrincipalName, or a profile file (relative to `cwd` or to the root). */
  query: string;
  cwd: string;
  since?: Date;
}

/** Rounds of "found a new UPN or id, look for its files": a chain of renames is short. */
const MAX_DISCOVERY_ROUNDS = 10;

export async function userHistory(request: HistoryRequest): Promise<UserHistory> {
  const git = await Git.open(request.root);
  const graph = await readCommitGraph(git);
  const target = await resolveTarget(git, graph, request);
  const snapshots = new UserSnapshots(git, target.keys, target.paths);

  for (let round = 0; round < MAX_DISCOVERY_ROUNDS; round++) {
    for (const path of await pathsHolding(git, graph.head, snapshots.keys)) snapshots.paths.add(path);
    const touching = await commitsTouching(git, graph.head, [...snapshots.paths]);
    if (!(await snapshots.findProfiles(withParents(graph, touching)))) break;
  }
  if (snapshots.paths.size === 0) {
    throw new UsageError(`no profile of ${request.query} in the git history of ${graph.branch ?? "HEAD"}`, {
      hint: graph.shallow
        ? "this is a shallow clone: fetch the full history (git fetch --unshallow) and try again"
        : "give the userPrincipalName as a profile spells it, or the profile's file",
    });
  }

  const stems = [...snapshots.paths].map((path) => posix.basename(path).replace(/\.ya?ml$/i, ""));
  snapshots.setPhotoPaths(await defaultPhotoCandidates(git, graph.head, stems));
  const defaults = new Set([...snapshots.paths].flatMap((path) => defaultsFilesAbove(path)));
  const candidates = await commitsTouching(git, graph.head, [
    ...snapshots.paths,
    ...defaults,
    ...snapshotsPhotoPaths(snapshots),
  ]);

  const notes = await readApplyRecords(git);
  const records = notes.records.filter((record) => graph.commits.has(record.commit));
  await snapshots.load([graph.head, ...withParents(graph, candidates), ...records.map((r) => r.commit)]);

  const entries: HistoryEntry[] = [];
  for (const commit of candidates) {
    const entry = entryFor(graph, snapshots, commit);
    if (entry) entries.push(entry);
  }
  attachApplies(graph, snapshots, entries, records);

  const head = snapshots.get(graph.head);
  const since = request.since;
  return {
    formatVersion: HISTORY_FORMAT_VERSION,
    query: request.query,
    userPrincipalName:
      head?.kind === "profile" ? head.upn : (newestUpn(snapshots, candidates) ?? request.query),
    file: head ? head.file : null,
    since: since ? since.toISOString() : null,
    head: graph.head,
    branch: graph.branch,
    shallow: graph.shallow ? { oldestCommit: graph.shallow.commit, date: graph.shallow.date } : null,
    notes: { ref: NOTES_REF, present: notes.present, records: notes.records.length },
    entries: since ? entries.filter((e) => Date.parse(e.merged.date) >= since.getTime()) : entries,
  };
}

interface Target {
  keys: UserKeys;
  paths: Set<string>;
}

/** The query as keys to look for: a UPN as given, or the UPN and id of the named profile file. */
async function resolveTarget(git: Git, graph: CommitGraph, request: HistoryRequest): Promise<Target> {
  const { query } = request;
  if (!/\.ya?ml$/i.test(query)) {
    if (!/^[^@\s]+@[^@\s]+$/.test(query)) {
      throw new UsageError(
        `expected a userPrincipalName (name@domain) or a profile file (profiles/….yaml), got ${JSON.stringify(query)}`,
      );
    }
    return { keys: { upns: new Set([query.toLowerCase()]), ids: new Set() }, paths: new Set() };
  }
  const path = profilePathOf(request);
  // The file as HEAD has it, or as it was before the commit that last touched it (a deletion).
  const last = (await git.text(["log", "-1", "--format=%H", graph.head, "--", literal(path)])).trim();
  const specs = [`${graph.head}:${git.repoPath(path)}`];
  if (last) specs.push(`${last}:${git.repoPath(path)}`, `${last}^:${git.repoPath(path)}`);
  const objects = await readObjects(git, specs);
  for (const spec of specs) {
    const object = objects.get(spec);
    if (object?.type !== "blob") continue;
    const keys = keysOfProfile(path, object.content);
    if (keys) return { keys, paths: new Set([path]) };
  }
  throw new UsageError(`${path} is not a profile in the git history of ${graph.branch ?? "HEAD"}`, {
    hint: graph.shallow
      ? "this is a shallow clone: fetch the full history (git fetch --unshallow) and try again"
      : "name a profile file that is (or was) committed, or give the userPrincipalName",
  });
}

/** The query as a path relative to --dir: relative to the working directory, else to --dir. */
function profilePathOf(request: HistoryRequest): string {
  const inside = (absolute: string) => {
    const rel = relative(request.root, absolute);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : undefined;
  };
  const fromCwd = inside(resolve(request.cwd, request.query));
  const fromRoot = inside(resolve(request.root, request.query));
  const path = [fromCwd, fromRoot].find((p) => p !== undefined && isProfilePath(p));
  if (!path) {
    throw new UsageError(`${request.query} is not a profile file under ${PROFILES_DIR}/`, {
      hint: `name a file like ${PROFILES_DIR}/sales/adele.vance.yaml, or give the userPrincipalName`,
    });
  }
  return path;
}

/** Profile paths where a line with one of the keys was added or removed, in any commit. */
async function pathsHolding(git: Git, head: string, keys: UserKeys): Promise<string[]> {
  const patterns = [
    ...[...keys.upns].map((upn) => `userPrincipalName.*${ereEscape(upn)}`),
    ...[...keys.ids].map(ereEscape),
  ];
  if (patterns.length === 0) return [];
  const out = await git.text([
    "log",
    "--no-renames",
    "-i",
    `-G${patterns.join("|")}`,
    "--format=",
    "--name-only",
    "-z",
    head,
    "--",
    PROFILES_DIR,
  ]);
  return dirPaths(git, out).filter(isProfilePath);
}

/** Commits (newest first) that touched any of the paths, as git log shows them. */
async function commitsTouching(git: Git, head: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = await git.text(["log", "--format=%H", "-z", head, "--", ...paths.map(literal)]);
  return out.split("\0").filter(Boolean);
}

/** Image files directly in photos/ whose stem is one of `stems`, in any commit. */
async function defaultPhotoCandidates(git: Git, head: string, stems: readonly string[]): Promise<string[]> {
  if (stems.length === 0) return [];
  const specs = [...new Set(stems)].map((stem) => `:(glob,icase)${PHOTOS_DIR}/${globEscape(stem)}.*`);
  const out = await git.text(["log", "--format=", "--name-only", "-z", head, "--", ...specs]);
  return [...new Set(dirPaths(git, out))].filter(
    (path) =>
      posix.dirname(path) === PHOTOS_DIR &&
      PHOTO_EXTENSIONS.includes(posix.extname(path).toLowerCase()) &&
      stems.includes(posix.basename(path, posix.extname(path))),
  );
}

function snapshotsPhotoPaths(snapshots: UserSnapshots): string[] {
  return [...snapshots.photoCandidates(), ...snapshots.namedPhotos()];
}

function defaultsFilesAbove(path: string): string[] {
  return defaultsDirs(path).map((dir) => `${dir}/${DEFAULTS_FILE}`);
}

function withParents(graph: CommitGraph, commits: readonly string[]): string[] {
  return [...new Set(commits.flatMap((c) => [c, ...(graph.commits.get(c)?.parents ?? [])]))];
}

/** What `commit` changed for the user, or undefined when nothing (or it cannot be known). */
function entryFor(graph: CommitGraph, snapshots: UserSnapshots, commit: string): HistoryEntry | undefined {
  const info = graph.commits.get(commit);
  if (!info || graph.boundary.has(commit)) return undefined; // a shallow clone's edge: no parent to compare
  const after = snapshots.get(commit) ?? null;
  const before = info.parents.length > 0 ? info.parents.map((p) => snapshots.get(p) ?? null) : [null];
  const changes = diffStates(after, before);
  if (changes.length === 0) return undefined;
  const landedAt = graph.landing.get(commit) ?? commit;
  const landed = graph.commits.get(landedAt) ?? info;
  const trailers = [...info.trailers, ...(landedAt === commit ? [] : landed.trailers)];
  return {
    commit,
    parents: info.parents,
    author: info.author,
    date: info.authorDate,
    coAuthors: info.trailers.filter((t) => t.key === "Co-authored-by").map((t) => t.value),
    subject: info.subject,
    pullRequest: pullRequestFor(graph, commit),
    merged: { commit: landedAt, date: landed.committerDate, author: landed.author },
    approvals: dedupe(trailers.filter((t) => t.key !== "Co-authored-by")),
    file: after ? after.file : null,
    problem: after?.kind === "unreadable" ? `the profile does not parse here: ${after.message}` : null,
    changes,
  };
}

const KIND_ORDER = ["file", "identity", "attribute", "manager", "photo", "authMethod"];

/**
 * Values that differ between a commit and its parents. For a merge, only values that differ from
 * every parent: what the merge itself decided (a conflict resolution), not what a side brought in.
 */
export function diffStates(after: UserState | null, before: readonly (UserState | null)[]): HistoryChange[] {
  const afterValues = valuesOf(after);
  const beforeValues = before.map(valuesOf);
  // A deleted profile: roster stops managing the user; its values are not "changed" to anything.
  const paths = after
    ? new Set([...afterValues.keys(), ...beforeValues.flatMap((v) => [...v.keys()])])
    : new Set(["file"]);
  const changes: HistoryChange[] = [];
  for (const path of paths) {
    const next = afterValues.get(path);
    if (beforeValues.some((values) => sameValue(values.get(path), next))) continue;
    const previous = beforeValues[0]?.get(path);
    const kind = (next ?? previous)!.kind;
    changes.push({
      path,
      kind,
      old: shown(path, previous),
      new: shown(path, next),
      apply: null,
      supersededBy: null,
    });
  }
  return changes.sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.path < b.path ? -1 : 1),
  );
}

function valuesOf(state: UserState | null): Map<string, TrackedValue> {
  if (!state) return new Map();
  const file: TrackedValue = { kind: "file", value: state.file, source: state.file };
  if (state.kind === "unreadable") return new Map([["file", file]]);
  return new Map([["file", file], ...state.values]);
}

function sameValue(a: TrackedValue | undefined, b: TrackedValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

/** A value as history shows it: authentication methods masked, always. */
function shown(path: string, value: TrackedValue | undefined): HistoryValue | null {
  if (!value) return null;
  return {
    value: value.kind === "authMethod" || isAuthPath(path) ? maskAuthValue(path, value.value) : value.value,
    source: value.source,
  };
}

/**
 * For each change with something to apply, the apply record that shows it reaching the tenant: an
 * apply of a commit that contains the change and still holds the value. Records are oldest first.
 */
function attachApplies(
  graph: CommitGraph,
  snapshots: UserSnapshots,
  entries: HistoryEntry[],
  records: readonly ApplyRecord[],
): void {
  entries.forEach((entry, index) => {
    const state = snapshots.get(entry.commit);
    for (const change of entry.changes) {
      if (change.new === null || change.kind === "file" || change.path === "id") continue;
      const value = state?.kind === "profile" ? state.values.get(change.path) : undefined;
      if (!value) continue;
      change.apply = applyOf(graph, snapshots, entry.commit, change.path, value, records);
      if (change.apply && (change.apply.status === "applied" || change.apply.status === "alreadyInTenant"))
        continue;
      // Entries are newest first: the nearest newer change of the same value replaced this one.
      const newer = entries
        .slice(0, index)
        .reverse()
        .find((e) => e.changes.some((c) => c.path === change.path));
      change.supersededBy = newer ? newer.commit : null;
    }
  });
}

/**
 * Whether a record lists every change its apply found missing from the tenant at its commit, for
 * the change made in `changeCommit`: a plan made by that apply (not a saved plan, which carries only
 * its reviewed changes) from a clean working tree (not uncommitted edits), of every user or of the
 * users changed after a commit older than the change. Only then does a missing line mean "the
 * tenant had it".
 */
function coversItsCommit(record: ApplyRecord, graph: CommitGraph, changeCommit: string): boolean {
  const plan = record.plan;
  if (plan?.source !== "fresh" || plan.commit !== record.commit || record.dirty) return false;
  if (plan.since === undefined) return true;
  // A plan of the users changed since a commit read the users whose files changed after it: it
  // vouches for a change made after that commit, not for one it already held.
  return graph.commits.has(plan.since) && !isAncestor(graph, changeCommit, plan.since);
}

function applyOf(
  graph: CommitGraph,
  snapshots: UserSnapshots,
  commit: string,
  path: string,
  value: TrackedValue,
  records: readonly ApplyRecord[],
): ChangeApply | null {
  let last: ChangeApply | null = null;
  for (const record of records) {
    if (!isAncestor(graph, commit, record.commit)) continue;
    const state = snapshots.get(record.commit);
    if (state?.kind !== "profile") continue;
    // The full values (authentication methods unmasked): masks of two numbers can be equal.
    if (!sameValue(state.values.get(path), value)) continue;
    const view = recordView(record);
    if (record.outcome === "refused") {
      last = { ...view, status: "refused", reason: record.refusal };
      continue;
    }
    const upn = state.upn.toLowerCase();
    const lines = record.changes.filter((c) => c.userPrincipalName.toLowerCase() === upn && c.path === path);
    const covered = coversItsCommit(record, graph, commit);
    const unknown = (reason: string): ChangeApply => ({ ...view, status: "unknown", reason });
    if (lines.length === 0) {
      if (covered) return { ...view, status: "alreadyInTenant", reason: null };
      last = unknown(scopeReason(record));
      continue;
    }
    const matches = lines.filter((line) => recordedValueMatches(line.value, path, value));
    const outcome = matches.find((line) => line.status === "applied") ?? matches[0];
    if (!outcome) {
      // The apply wrote another value at this path than the commit holds: uncommitted edits or a
      // saved plan, not this change.
      last = unknown(`the record shows another value for ${path} (${scopeReason(record)})`);
      continue;
    }
    // A masked value that matches is no proof: only the apply's scope says it wrote this value.
    if (value.kind === "authMethod" && !covered) {
      last = unknown(
        `the record's value is masked and can match another number or address (${scopeReason(record)})`,
      );
      continue;
    }
    const status = outcome.status as ChangeApply["status"];
    if (status === "applied") return { ...view, status, reason: outcome.reason };
    last = { ...view, status, reason: outcome.reason };
  }
  return last;
}

/** Why a record does not show the whole desired state of its commit. */
function scopeReason(record: ApplyRecord): string {
  if (record.plan === null) return "the record does not say which plan the apply carried out";
  if (record.plan.source === "saved") {
    return `the apply carried out a saved plan made from ${record.plan.commit ? record.plan.commit.slice(0, 8) : "outside git"}, only its reviewed changes`;
  }
  if (record.dirty) return "the apply ran on a working tree with uncommitted changes";
  return "the record's plan is not of its commit";
}

/**
 * Whether the value a record line shows is the tracked value: JSON as the note writes it, a manager
 * by userPrincipalName (any case), a photo by its file, an authentication method by its mask.
 */
function recordedValueMatches(recorded: string | null, path: string, value: TrackedValue): boolean {
  if (recorded === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(recorded);
  } catch {
    return false;
  }
  switch (value.kind) {
    case "manager":
      return (
        typeof parsed === "string" &&
        typeof value.value === "string" &&
        parsed.toLowerCase() === value.value.toLowerCase()
      );
    case "photo": {
      const file = (value.value as { file?: unknown } | null)?.file;
      return value.value === null ? parsed === null : parsed === file;
    }
    case "authMethod":
      return JSON.stringify(parsed) === JSON.stringify(maskAuthValue(path, value.value));
    default:
      return JSON.stringify(parsed) === JSON.stringify(value.value);
  }
}

function newestUpn(snapshots: UserSnapshots, commits: readonly string[]): string | undefined {
  for (const commit of commits) {
    const state = snapshots.get(commit);
    if (state?.kind === "profile") return state.upn;
  }
  return undefined;
}

function dedupe<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Names git printed with -z, relative to --dir (those outside it dropped). */
function dirPaths(git: Git, out: string): string[] {
  return out
    .split("\0")
    .filter(Boolean)
    .map((name) => git.dirPath(name))
    .filter((name): name is string => name !== undefined);
}

/** A path as a pathspec that matches exactly that path (no wildcards). */
function literal(path: string): string {
  return `:(literal)${path}`;
}

function ereEscape(text: string): string {
  return text.replace(/[.[\]()*+?{}|^$\\]/g, "\\$&");
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}
