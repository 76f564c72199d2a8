// What `roster history` and `roster audit` report, as data: the `--json` output
// (schema/history.schema.json, schema/audit.schema.json) and what the text views render.

export const HISTORY_FORMAT_VERSION = 1;
export const AUDIT_FORMAT_VERSION = 1;

export interface Person {
  name: string;
  email: string;
}

export interface Trailer {
  key: string;
  value: string;
}

/** What roster can see of the repository it read. */
export interface RepositoryView {
  /** The commit history was read from (HEAD). */
  head: string;
  branch: string | null;
  /** In a shallow clone: the oldest commit available; changes in or before it are not visible. */
  shallow: { oldestCommit: string; date: string } | null;
  notes: {
    ref: string;
    /** Whether the notes ref exists in this clone (it is not fetched by default). */
    present: boolean;
    records: number;
  };
}

/** One `roster apply` as recorded in the git note of the commit it applied. */
export interface ApplyRecordView {
  /** The commit the apply ran on (the note's commit). */
  commit: string;
  at: string;
  /** applied | partial | failed | refused | noChanges */
  outcome: string;
  tenant: string;
  run: string | null;
  environment: string | null;
  /** The working tree held uncommitted changes to the desired state. */
  dirty: boolean;
  /**
   * What the apply carried out: a plan it made itself from the checkout (`fresh`), or a plan saved
   * by `roster plan --out` from `commit` (`saved`, commit null when made outside git). Null when the
   * record does not say (written by a roster that did not record it). `since`: a fresh plan of only
   * the users changed since that commit (`roster apply --changed-since`).
   */
  plan: { source: "fresh" | "saved"; commit: string | null; since?: string } | null;
  refusal: string | null;
}

/**
 * What became of one change in the tenant, from the apply records:
 * `applied` written by that apply; `alreadyInTenant` the apply found the tenant already held it
 * (only said of an apply that planned that very commit afresh from a clean working tree, so its
 * record lists every change it did not find in the tenant); `failed` / `stale` / `skipped` /
 * `refused` that apply did not write it (see `reason`); `unknown` the record cannot tell (it
 * applied a saved plan, ran on a dirty working tree, or matches only by a masked value).
 */
export interface ChangeApply extends ApplyRecordView {
  status: "applied" | "alreadyInTenant" | "failed" | "stale" | "skipped" | "refused" | "unknown";
  reason: string | null;
}

/** `identity` (userPrincipalName, id), `file` (the profile file's path), or what a plan calls it. */
export type HistoryValueKind = "identity" | "file" | "attribute" | "manager" | "photo" | "authMethod";

/** One side of a change: the value and the file that set it; null side = not managed (key absent). */
export interface HistoryValue {
  /** Authentication methods masked; photos as `{ file, blob }` (blob null when the file is missing). */
  value: unknown;
  /** The profile or `_defaults.yaml` that set it. */
  source: string;
}

export interface HistoryChange {
  path: string;
  kind: HistoryValueKind;
  old: HistoryValue | null;
  new: HistoryValue | null;
  /**
   * Whether (and when) the new value reached the tenant: the first apply that wrote it or found it
   * there, else the last apply that did not; null when no apply record covers it, or when there is
   * nothing to apply (a removed key, the file's path, the object id).
   */
  apply: ChangeApply | null;
  /** A later commit that changed the same value before any apply recorded this one. */
  supersededBy: string | null;
}

export interface HistoryEntry {
  commit: string;
  parents: string[];
  author: Person;
  /** Author date (when the change was written). */
  date: string;
  coAuthors: string[];
  subject: string;
  pullRequest: number | null;
  /** The first-parent commit of the branch that brought this one in, and when. */
  merged: { commit: string; date: string; author: Person };
  /** `Reviewed-by` / `Approved-by` trailers on the commit or on the commit that merged it. */
  approvals: Trailer[];
  /** The profile file after this commit; null when the profile was deleted. */
  file: string | null;
  /** Why the values of this commit cannot be shown (the profile does not parse there). */
  problem: string | null;
  changes: HistoryChange[];
}

export interface UserHistory extends RepositoryView {
  formatVersion: typeof HISTORY_FORMAT_VERSION;
  /** The user as asked for, and as the newest profile names them. */
  query: string;
  userPrincipalName: string;
  /** The profile file in HEAD, or null when the profile no longer exists. */
  file: string | null;
  since: string | null;
  /** Newest first. */
  entries: HistoryEntry[];
}

export interface AuditApply extends ApplyRecordView {
  /** How the change reached the tenant: an apply of this very commit, or of a later one. */
  via: "this commit" | "a later commit";
}

export interface AuditEntry {
  /** The first-parent commit (the merge, the squash, or a direct push). */
  commit: string;
  /** When it was merged (committer date). */
  date: string;
  kind: "merge" | "squash" | "direct";
  pullRequest: number | null;
  /** The pull request's title for merges and squashes, else the subject. */
  title: string;
  /**
   * Who merged: a merge commit's author (on GitHub, who pressed the button); a direct push's
   * committer; null for a squash, whose commit does not record it (GitHub is its committer).
   */
  mergedBy: Person | null;
  /** Authors of the commits it brought in. */
  authors: Person[];
  /** Desired-state files it changed (roster.yaml, profiles/, photos/), relative to --dir. */
  files: string[];
  approval: {
    /** `recorded` when a trailer names a reviewer; `unknown` otherwise (GitHub keeps reviews, not git). */
    review: "recorded" | "unknown";
    trailers: Trailer[];
    /** The environment whose protection rules the apply job passed, from the apply record. */
    environment: string | null;
  };
  /** The first apply that took this commit's state to the tenant, or the last that failed to. */
  apply: AuditApply | null;
  /**
   * True when no apply record shows this commit's state reaching the tenant: none ran, or the last
   * one that covered it was partial (`apply.outcome`), failed or refused.
   */
  notApplied: boolean;
  /** With `notApplied`: an apply wrote some of its changes (outcome partial), none all of them. */
  partiallyApplied: boolean;
}

export interface Audit extends RepositoryView {
  formatVersion: typeof AUDIT_FORMAT_VERSION;
  since: string | null;
  /** Newest first. */
  entries: AuditEntry[];
  /** Commits merged but never applied (no recorded apply, or only failed or refused ones), newest first. */
  notApplied: string[];
  /** Commits whose last covering apply was partial (some changes failed or went stale), newest first. */
  notFullyApplied: string[];
}
