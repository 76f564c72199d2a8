// Which profiles a set of changed files touches (`roster plan --changed-since`), by roster's own
// rules for where desired state comes from: a profile from its file, its `_defaults.yaml` chain and
// its photo; roster.yaml from everything. Pure: the caller asks git what changed.
import { basename, extname, posix } from "node:path";
import { CONFIG_FILE } from "../config/load.js";
import { DEFAULTS_FILE, PHOTO_EXTENSIONS, PHOTOS_DIR, PROFILES_DIR } from "./load.js";
import type { DesiredProfile, DesiredState } from "./types.js";

export interface ChangedFile {
  /** Repository-relative, with `/`. */
  path: string;
  /** Gone from the working tree (deleted, or the old side of a rename). */
  deleted: boolean;
}

/** Who a profile file described at the base commit, for the files changed or deleted since. */
export interface ProfileIdentity {
  userPrincipalName?: string;
  id?: string;
}

export type Affected =
  | { everything: true; reason: string }
  | { everything: false; profiles: DesiredProfile[] };

export function profilesAffected(
  state: DesiredState,
  changed: readonly ChangedFile[],
  before: ReadonlyMap<string, ProfileIdentity>,
): Affected {
  const config = changed.find((file) => file.path === CONFIG_FILE);
  if (config) return { everything: true, reason: `${CONFIG_FILE} changed` };

  const affected = new Set<DesiredProfile>();
  const byFile = new Map(state.profiles.map((p) => [p.file, p]));
  // Who the profiles name, now and (for the changed files) then: a file renamed, moved or edited
  // with its UPN and id unchanged still names the same user.
  const identity = (upn: string | undefined, id: string | undefined) =>
    `${upn?.toLowerCase() ?? ""}\0${id?.toLowerCase() ?? ""}`;
  const named = new Set(state.profiles.map((p) => identity(p.userPrincipalName.value, p.id?.value)));
  const namedThen = new Set([...before.values()].map((then) => identity(then.userPrincipalName, then.id)));
  // A manager is resolved through the profile of that UPN: when a profile's identity changes or it
  // goes away, the profiles naming it as manager may resolve differently.
  const dependentsOf = (upn: string | undefined) => {
    if (!upn) return;
    const wanted = upn.toLowerCase();
    for (const p of state.profiles) if (p.manager?.value?.toLowerCase() === wanted) affected.add(p);
  };

  for (const file of changed) {
    const { path } = file;
    if (path.startsWith(`${PROFILES_DIR}/`) && /\.ya?ml$/i.test(path)) {
      if (posix.basename(path) === DEFAULTS_FILE) {
        // Every profile in that folder and below.
        const dir = `${posix.dirname(path)}/`;
        for (const p of state.profiles) if (p.file.startsWith(dir)) affected.add(p);
        continue;
      }
      const now = byFile.get(path);
      if (now) affected.add(now);
      const then = before.get(path);
      if (then && !named.has(identity(then.userPrincipalName, then.id))) dependentsOf(then.userPrincipalName);
      if (now && !namedThen.has(identity(now.userPrincipalName.value, now.id?.value)))
        dependentsOf(now.userPrincipalName.value);
    } else if (path.startsWith(`${PHOTOS_DIR}/`)) {
      // The profiles naming this photo, and those it is (or was) the default photo of.
      const inPhotosDir = posix.dirname(path) === PHOTOS_DIR;
      const extension = extname(path);
      const stem =
        inPhotosDir && PHOTO_EXTENSIONS.includes(extension.toLowerCase())
          ? basename(path, extension)
          : undefined;
      for (const p of state.profiles) {
        const named = p.photo?.kind === "file" && p.photo.path === path;
        if (named || (stem !== undefined && basename(p.file, extname(p.file)) === stem)) affected.add(p);
      }
    }
  }
  return { everything: false, profiles: state.profiles.filter((p) => affected.has(p)) };
}
