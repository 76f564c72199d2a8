// Where each exported user's profile goes. A user who already has a profile keeps its file, wherever
// an admin moved it (found by object id, else by UPN, as roster pairs profiles); everyone else gets
// `profiles/[<department>/]<stem>.yaml` with a stem unique across the repository, since it also
// names the default photo in the flat photos/ folder. Pure.
import { basename, extname, posix } from "node:path";
import { DEFAULTS_FILE, PROFILES_DIR } from "../desired/load.js";
import { folderOfDepartment, uniqueStems } from "./names.js";
import type { ExportedUser } from "./profile.js";

export type GroupBy = "department" | "none";

/** A profile file already in the repository (as roster's loader read it). */
export interface ExistingProfile {
  file: string;
  userPrincipalName: string;
  id?: string;
}

export interface Layout {
  /** Repository-relative profile file by user object id. */
  fileOf: Map<string, string>;
  /** Users whose existing profile file is kept. */
  existing: number;
}

/**
 * `files` are all profile files found (also those roster could not read): their stems are taken.
 * Users are keyed by object id throughout.
 */
export function layoutProfiles(
  users: readonly ExportedUser[],
  existing: { profiles: readonly ExistingProfile[]; files: readonly string[] },
  groupBy: GroupBy,
): Layout {
  const byId = new Map<string, ExistingProfile>();
  const byUpn = new Map<string, ExistingProfile>();
  for (const profile of existing.profiles) {
    if (profile.id) byId.set(profile.id.toLowerCase(), profile);
    byUpn.set(profile.userPrincipalName.toLowerCase(), profile);
  }
  const fileOf = new Map<string, string>();
  const claimed = new Set<string>();
  for (const user of users) {
    const id = user.id.toLowerCase();
    let profile = byId.get(id);
    const byName = byUpn.get(user.userPrincipalName.toLowerCase());
    // A profile pinned to another object id is that user's, whatever UPN it names.
    if (!profile && byName && (byName.id === undefined || byName.id.toLowerCase() === id)) profile = byName;
    if (profile && !claimed.has(profile.file)) {
      fileOf.set(user.id, profile.file);
      claimed.add(profile.file);
    }
  }
  const existingCount = fileOf.size;

  const taken = new Set(
    existing.files
      .filter((file) => basename(file) !== DEFAULTS_FILE && !claimed.has(file))
      .map((file) => stemOf(file)),
  );
  const fresh = users.filter((u) => !fileOf.has(u.id));
  const stems = uniqueStems(fresh, taken);
  for (const user of fresh) {
    const stem = stems.get(user.id) as string;
    const department = user.properties.department;
    const folder =
      groupBy === "department" && typeof department === "string" && department.trim() !== ""
        ? folderOfDepartment(department)
        : undefined;
    fileOf.set(user.id, posix.join(PROFILES_DIR, ...(folder ? [folder] : []), `${stem}.yaml`));
  }
  return { fileOf, existing: existingCount };
}

/** The lower-cased stem of a profile file: the name its default photo carries. */
export function stemOf(file: string): string {
  return basename(file, extname(file)).toLowerCase();
}
