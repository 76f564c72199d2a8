// `roster plan --changed-since REF`: the profiles whose desired state changed between the commit
// REF names and the working tree (committed or not, new files included), found with git; which
// profiles a changed file touches is src/desired/changed.ts's to say.
import { CONFIG_FILE } from "../config/load.js";
import {
  type Affected,
  type ChangedFile,
  type ProfileIdentity,
  profilesAffected,
} from "../desired/changed.js";
import { PHOTOS_DIR, PROFILES_DIR } from "../desired/load.js";
import type { DesiredState } from "../desired/types.js";
import { UsageError } from "../errors.js";
import { Git, GitCommandError } from "../history/git.js";
import { parseYamlText } from "../source/yaml.js";
import { plural } from "../util/text.js";
import type { PartOfTheUsers } from "./make-plan.js";

export interface ChangedSince {
  ref: string;
  /** The commit REF names. */
  commit: string;
  /** The files changed since, repository-relative. */
  files: string[];
  affected: Affected;
}

const PATHSPECS = [CONFIG_FILE, PROFILES_DIR, PHOTOS_DIR];

export async function changedSince(state: DesiredState, ref: string): Promise<ChangedSince> {
  const git = await Git.open(state.root);
  let commit: string;
  try {
    commit = (
      await git.text(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])
    ).trim();
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new UsageError(`--changed-since ${ref}: no such commit in this repository`, {
      hint: "fetch it first (in GitHub Actions: actions/checkout with fetch-depth: 2 checks out the pull request's merge commit and its base)",
    });
  }

  // Tracked files that differ from the base, in the working tree (so uncommitted edits count), and
  // files git does not track yet. Renames are a deletion and an addition: both sides matter.
  const diff = await git.text(["diff", "--name-status", "-z", "--no-renames", commit, "--", ...PATHSPECS]);
  const fields = diff.split("\0").filter((f) => f !== "");
  const changed: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const path = git.dirPath(fields[i + 1] as string);
    if (path !== undefined) changed.push({ path, deleted: (fields[i] as string).startsWith("D") });
  }
  const untracked = await git.text([
    "ls-files",
    "--others",
    "--exclude-standard",
    "--full-name",
    "-z",
    "--",
    ...PATHSPECS,
  ]);
  for (const top of untracked.split("\0").filter((f) => f !== "")) {
    const path = git.dirPath(top);
    if (path !== undefined) changed.push({ path, deleted: false });
  }

  const before = await identitiesAt(
    git,
    commit,
    changed.filter((f) => f.path.startsWith(`${PROFILES_DIR}/`)).map((f) => f.path),
  );
  return {
    ref,
    commit,
    files: changed.map((f) => f.path).sort(),
    affected: profilesAffected(state, changed, before),
  };
}

/** Who each profile file described at `commit` (files that did not exist then are left out). */
async function identitiesAt(
  git: Git,
  commit: string,
  paths: readonly string[],
): Promise<Map<string, ProfileIdentity>> {
  const identities = new Map<string, ProfileIdentity>();
  if (paths.length === 0) return identities;
  // One git process for all of them: `cat-file --batch` answers "<oid> <type> <size>\n<content>\n"
  // or "<spec> missing\n" per line of input.
  const input = paths.map((path) => `${commit}:${git.repoPath(path)}\n`).join("");
  const out = await git.bytes(["cat-file", "--batch"], { input });
  let at = 0;
  for (const path of paths) {
    const newline = out.indexOf(10, at);
    const header = out.subarray(at, newline).toString("utf8");
    at = newline + 1;
    const [, type, size] = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header) ?? [];
    if (size === undefined) continue;
    const content = out.subarray(at, at + Number(size));
    at += Number(size) + 1;
    if (type !== "blob") continue;
    const data = parseYamlText(content, path).source?.data;
    identities.set(path, {
      ...(typeof data?.userPrincipalName === "string" ? { userPrincipalName: data.userPrincipalName } : {}),
      ...(typeof data?.id === "string" ? { id: data.id } : {}),
    });
  }
  return identities;
}

/**
 * The part of the users `--changed-since` asks for (plan and apply), or undefined when everything
 * must be read: roster.yaml changed, or more than a quarter of the profiles, where reading users one
 * by one (20 to a `$batch`, each with its manager's existence and details) costs more than listing
 * the tenant (100 to 999 a page) and a full plan also counts the unmanaged users.
 */
export async function changedPart(
  state: DesiredState,
  ref: string,
  log: (line: string) => void,
): Promise<PartOfTheUsers | undefined> {
  const changed = await changedSince(state, ref);
  const since = `since ${ref} (${changed.commit.slice(0, 12)})`;
  if (changed.affected.everything) {
    log(`${changed.affected.reason} ${since}: planning every user`);
    return undefined;
  }
  const profiles = changed.affected.profiles;
  const all = state.profiles.length;
  if (profiles.length > all / 4) {
    log(`${plural(profiles.length, "profile")} of ${all} changed ${since}: planning every user`);
    return undefined;
  }
  log(
    `${plural(changed.files.length, "file")} changed ${since}: reading the users of ${plural(profiles.length, "profile")}`,
  );
  return { profiles, changedSince: { ref, commit: changed.commit } };
}
