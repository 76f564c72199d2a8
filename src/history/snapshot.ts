// One user's merged profile at a commit, rebuilt from git: which file holds them there (found by
// userPrincipalName or object id, so renames, moves and re-created files all count), the
// `_defaults.yaml` chain above that file, and the photo it resolves to. The merge and photo rules
// are the loader's own (src/desired/load.ts), applied to the files as they were at that commit.
import { posix } from "node:path";
import {
  buildProfile,
  DEFAULTS_FILE,
  defaultsDirs,
  groupPhotoNames,
  PHOTOS_DIR,
  PROFILES_DIR,
  resolvePhoto,
} from "../desired/load.js";
import { schemas } from "../source/schema.js";
import { parseYamlText, type YamlSource } from "../source/yaml.js";
import type { Git } from "./git.js";
import { checkObjects, readObjects } from "./objects.js";
import type { HistoryValueKind } from "./types.js";

/** Who the user is: every userPrincipalName (lower case) and object id their profile carried. */
export interface UserKeys {
  upns: Set<string>;
  ids: Set<string>;
}

/** One value of the merged profile, with what it is compared by. */
export interface TrackedValue {
  kind: HistoryValueKind;
  /** Full value (authentication methods unmasked: masked only when shown). */
  value: unknown;
  source: string;
}

export type UserState =
  | { kind: "profile"; file: string; upn: string; values: Map<string, TrackedValue> }
  /** The user's file exists but does not parse as YAML at this commit. */
  | { kind: "unreadable"; file: string; message: string };

/** Repository root the loader's photo rules are applied under; nothing is read from it. */
const VIRTUAL_ROOT = "/roster-history";

interface ParsedProfile {
  path: string;
  source?: YamlSource;
  message?: string;
  upn?: string;
  id?: string;
}

export class UserSnapshots {
  private readonly states = new Map<string, UserState | null>();
  private readonly profiles = new Map<string, ParsedProfile | null>();

  constructor(
    private readonly git: Git,
    readonly keys: UserKeys,
    /** Every path (relative to --dir) that held this user's profile at some commit. */
    readonly paths: Set<string>,
    /** Files directly in photos/ that were ever a default photo candidate of those paths. */
    private photoPaths: Set<string> = new Set(),
  ) {}

  setPhotoPaths(paths: Iterable<string>): void {
    this.photoPaths = new Set(paths);
  }

  /** The default-photo candidates set with setPhotoPaths. */
  photoCandidates(): Set<string> {
    return new Set(this.photoPaths);
  }

  /** The state at a commit loaded before; undefined when not loaded. */
  get(commit: string): UserState | null | undefined {
    return this.states.get(commit);
  }

  /**
   * The user's profile file at each commit (without defaults or photos), growing `keys` with the
   * ids and UPNs found beside a known key. Returns whether any key was added.
   */
  async findProfiles(commits: readonly string[]): Promise<boolean> {
    const specs: string[] = [];
    for (const commit of commits) {
      for (const path of this.paths) {
        if (!this.profiles.has(`${commit}:${path}`)) specs.push(this.spec(commit, path));
      }
    }
    const objects = await readObjects(this.git, specs);
    for (const commit of commits) {
      for (const path of this.paths) {
        const key = `${commit}:${path}`;
        if (this.profiles.has(key)) continue;
        const object = objects.get(this.spec(commit, path));
        this.profiles.set(key, object && object.type === "blob" ? parseProfile(path, object.content) : null);
      }
    }
    let grew = false;
    for (const commit of commits) {
      const found = this.profileAt(commit);
      if (found?.upn && !this.keys.upns.has(found.upn)) {
        this.keys.upns.add(found.upn);
        grew = true;
      }
      if (found?.id && !this.keys.ids.has(found.id)) {
        this.keys.ids.add(found.id);
        grew = true;
      }
    }
    return grew;
  }

  /** Every photo named explicitly (`photo: file`) by a profile version read so far. */
  namedPhotos(): Set<string> {
    const named = new Set<string>();
    for (const parsed of this.profiles.values()) {
      const photo = parsed?.source?.data.photo;
      if (typeof photo === "string") named.add(posix.join(PHOTOS_DIR, photo));
    }
    return named;
  }

  /** Loads the full state (defaults chain, photo) of the user at each commit. */
  async load(commits: readonly string[]): Promise<void> {
    const todo = [...new Set(commits)].filter((c) => !this.states.has(c));
    if (todo.length === 0) return;
    await this.findProfiles(todo);
    const found = new Map(todo.map((commit) => [commit, this.profileAt(commit)]));

    const defaultsSpecs: string[] = [];
    const photoSpecs: string[] = [];
    const photoPaths = [...this.photoPaths, ...this.namedPhotos()];
    for (const [commit, profile] of found) {
      if (!profile?.source) continue;
      for (const dir of defaultsDirs(profile.path))
        defaultsSpecs.push(this.spec(commit, `${dir}/${DEFAULTS_FILE}`));
      for (const photo of photoPaths) photoSpecs.push(this.spec(commit, photo));
    }
    const defaults = await readObjects(this.git, defaultsSpecs);
    const photos = await checkObjects(this.git, photoSpecs);

    for (const [commit, profile] of found) {
      if (!profile) {
        this.states.set(commit, null);
        continue;
      }
      if (!profile.source) {
        this.states.set(commit, { kind: "unreadable", file: profile.path, message: profile.message ?? "" });
        continue;
      }
      const chain: YamlSource[] = [];
      for (const dir of defaultsDirs(profile.path)) {
        const file = `${dir}/${DEFAULTS_FILE}`;
        const object = defaults.get(this.spec(commit, file));
        if (object?.type !== "blob") continue;
        const parsed = parseYamlText(object.content, file).source;
        // As the loader does: a defaults file with errors is left out, not spread to every profile.
        if (parsed && schemas().validate("defaults", parsed).length === 0) chain.push(parsed);
      }
      const blobOf = (path: string) => {
        const info = photos.get(this.spec(commit, path));
        return info && info.type === "blob" ? info.oid : null;
      };
      const names = [...this.photoPaths]
        .filter((path) => blobOf(path) !== null)
        .map((path) => path.slice(PHOTOS_DIR.length + 1));
      this.states.set(commit, {
        kind: "profile",
        file: profile.path,
        upn: String(profile.source.data.userPrincipalName),
        values: mergedValues(profile.source, chain, groupPhotoNames(names), blobOf),
      });
    }
  }

  /** The user's profile at a commit: the candidate path whose UPN or id is theirs. */
  private profileAt(commit: string): ParsedProfile | undefined {
    const present = [...this.paths]
      .sort()
      .map((path) => this.profiles.get(`${commit}:${path}`))
      .filter((p): p is ParsedProfile => Boolean(p));
    const mine = present.find((p) => p.source && this.isTheUser(p));
    if (mine) return mine;
    // A file of theirs that does not parse: theirs when it is the only candidate there.
    const unreadable = present.filter((p) => !p.source);
    return unreadable.length === 1 && present.length === 1 ? unreadable[0] : undefined;
  }

  private isTheUser(profile: ParsedProfile): boolean {
    const { upns, ids } = this.keys;
    if (profile.id && ids.has(profile.id)) return true;
    if (!profile.upn || !upns.has(profile.upn)) return false;
    // The same UPN with another object id is another person (a reused address).
    return !profile.id || ids.size === 0;
  }

  private spec(commit: string, path: string): string {
    return `${commit}:${this.git.repoPath(path)}`;
  }
}

/** The UPN and id a profile file names, as keys to find the user by; undefined when it names none. */
export function keysOfProfile(path: string, content: Buffer): UserKeys | undefined {
  const parsed = parseProfile(path, content);
  if (!parsed.upn) return undefined;
  return { upns: new Set([parsed.upn]), ids: new Set(parsed.id ? [parsed.id] : []) };
}

function parseProfile(path: string, content: Buffer): ParsedProfile {
  const read = parseYamlText(content, path);
  if (!read.source) return { path, message: read.diagnostics[0]?.message ?? "not a profile" };
  const data = read.source.data;
  return {
    path,
    source: read.source,
    ...(typeof data.userPrincipalName === "string" ? { upn: data.userPrincipalName.toLowerCase() } : {}),
    ...(typeof data.id === "string" ? { id: data.id.toLowerCase() } : {}),
  };
}

/** The merged profile as a flat map of paths to values: what history compares commit to commit. */
function mergedValues(
  source: YamlSource,
  chain: YamlSource[],
  photoNames: Map<string, string[]>,
  blobOf: (path: string) => string | null,
): Map<string, TrackedValue> {
  const profile = buildProfile(source, chain);
  const values = new Map<string, TrackedValue>();
  const set = (path: string, kind: HistoryValueKind, value: unknown, from: string) =>
    values.set(path, { kind, value, source: from });
  set("userPrincipalName", "identity", profile.userPrincipalName.value, source.file);
  if (profile.id) set("id", "identity", profile.id.value, source.file);
  for (const [path, { value, source: at }] of [...profile.attributes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    set(path, "attribute", value, at.file);
  }
  if (profile.manager) set("manager", "manager", profile.manager.value, profile.manager.source.file);
  const photo = resolvePhoto(VIRTUAL_ROOT, source, photoNames).photo;
  if (photo?.kind === "none") set("photo", "photo", null, source.file);
  if (photo?.kind === "file")
    set("photo", "photo", { file: photo.path, blob: blobOf(photo.path) }, source.file);
  for (const [kind, sourced] of Object.entries(profile.authentication)) {
    if (sourced) set(`authentication.${kind}`, "authMethod", sourced.value, source.file);
  }
  return values;
}

/** Whether `path` (relative to --dir) is a profile file, not a defaults file. */
export function isProfilePath(path: string): boolean {
  return (
    path.startsWith(`${PROFILES_DIR}/`) && /\.ya?ml$/i.test(path) && posix.basename(path) !== DEFAULTS_FILE
  );
}
