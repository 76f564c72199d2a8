// Loads profiles/**/*.yaml with their _defaults.yaml chain into a DesiredState. Reports what it
// cannot load as diagnostics and carries on, so that one run lists every problem.
import { readdir } from "node:fs/promises";
import { basename, extname, isAbsolute, join, posix, relative, sep } from "node:path";
import { loadConfig, type RosterConfig } from "../config/load.js";
import { type Diagnostic, error, fileStart } from "../diagnostics.js";
import { PER_SUB_KEY_OBJECTS } from "../entra/attributes.js";
import { schemas } from "../source/schema.js";
import { readYamlFile, type YamlSource } from "../source/yaml.js";
import { isSymbolicLink } from "../util/links.js";
import {
  AUTH_METHOD_KINDS,
  type DesiredPhoto,
  type DesiredProfile,
  type DesiredState,
  type Sourced,
} from "./types.js";

export const PROFILES_DIR = "profiles";
export const PHOTOS_DIR = "photos";
export const DEFAULTS_FILE = "_defaults.yaml";
export const PHOTO_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp"];

export interface LoadResult {
  /** Undefined when roster.yaml itself is unusable. */
  state: DesiredState | undefined;
  diagnostics: Diagnostic[];
  /** Of `diagnostics`, those of profile and defaults files that could not be read or parsed at all. */
  unreadable: Diagnostic[];
}

export async function loadDesiredState(root: string): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const unreadable: Diagnostic[] = [];
  const configResult = await loadConfig(root);
  diagnostics.push(...configResult.diagnostics);

  const listing = await listYamlFiles(root, PROFILES_DIR);
  diagnostics.push(...listing.diagnostics);
  const photoNames = await listPhotoNames(root);

  const fileDigests = new Map<string, string>();
  /** Reads, parses and checks one file against its schema; undefined when it cannot be used at all. */
  const load = async (file: string, kind: "defaults" | "profile") => {
    const read = await readYamlFile(join(root, file), file);
    if (read.sha256) fileDigests.set(file, read.sha256);
    diagnostics.push(...read.diagnostics);
    if (!read.source) {
      unreadable.push(...read.diagnostics);
      return undefined;
    }
    const schemaErrors = schemas().validate(kind, read.source);
    diagnostics.push(...schemaErrors);
    return { source: read.source, valid: schemaErrors.length === 0 };
  };

  // A defaults file with errors would spread them to every profile below it: leave it out.
  const defaultsByDir = new Map<string, YamlSource>();
  for (const file of listing.defaults) {
    const read = await load(file, "defaults");
    if (read?.valid) defaultsByDir.set(posix.dirname(file), read.source);
  }

  // One profile at a time, from its file to the profile, so that only the profiles stay in memory,
  // not every file's text and tree at once. Profiles with schema errors are still built
  // (defensively) so that cross-file rules can report everything in one run; the errors already
  // reported keep plan and apply from using them.
  const profiles: DesiredProfile[] = [];
  for (const file of listing.profiles) {
    const source = (await load(file, "profile"))?.source;
    if (!source || typeof source.data.userPrincipalName !== "string") continue;
    const profile = buildProfile(source, defaultsChain(file, defaultsByDir));
    const photo = resolvePhoto(root, source, photoNames);
    diagnostics.push(...photo.diagnostics);
    if (photo.photo) profile.photo = photo.photo;
    profiles.push(profile);
  }

  const config: RosterConfig | undefined = configResult.config;
  const files = [...listing.defaults, ...listing.profiles].sort();
  return {
    state: config ? { root, config, profiles, files, fileDigests } : undefined,
    diagnostics,
    unreadable,
  };
}

/** `_defaults.yaml` sources that apply to `file`, outermost first (the nearest wins). */
function defaultsChain(file: string, defaultsByDir: Map<string, YamlSource>): YamlSource[] {
  return defaultsDirs(file).flatMap((dir) => {
    const defaults = defaultsByDir.get(dir);
    return defaults ? [defaults] : [];
  });
}

/**
 * The folders whose `_defaults.yaml` applies to the profile `file` (repository-relative), outermost
 * first: `profiles`, then each sub-folder down to the profile's own.
 */
export function defaultsDirs(file: string): string[] {
  const dirs: string[] = [];
  for (
    let dir = posix.dirname(file);
    dir === PROFILES_DIR || dir.startsWith(`${PROFILES_DIR}/`);
    dir = posix.dirname(dir)
  ) {
    dirs.unshift(dir);
  }
  return dirs;
}

/**
 * A profile with its `_defaults.yaml` chain (outermost first) applied: the merge rules of roster,
 * shared with `roster history`, which rebuilds past profiles from git.
 */
export function buildProfile(source: YamlSource, chain: YamlSource[]): DesiredProfile {
  const attributes = new Map<string, Sourced>();
  const special = new Set(["userPrincipalName", "id", "manager", "photo", "authentication"]);
  let manager: Sourced<string | null> | undefined;

  for (const layer of [...chain, source]) {
    for (const [key, value] of Object.entries(layer.data)) {
      if (key === "manager") {
        if (typeof value === "string" || value === null) manager = { value, source: layer.locate([key]) };
      } else if (special.has(key)) {
        // Per-person keys: read from the profile below (schema keeps them out of _defaults.yaml).
      } else if (Object.hasOwn(PER_SUB_KEY_OBJECTS, key)) {
        const subKeys = PER_SUB_KEY_OBJECTS[key as keyof typeof PER_SUB_KEY_OBJECTS];
        if (value === null || typeof value !== "object") {
          // `employeeOrgData: null` means every sub-key must be empty.
          for (const sub of subKeys)
            attributes.set(`${key}.${sub}`, { value: null, source: layer.locate([key]) });
        } else {
          for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
            attributes.set(`${key}.${sub}`, { value: subValue, source: layer.locate([key, sub]) });
          }
        }
      } else {
        attributes.set(key, { value, source: layer.locate([key]) });
      }
    }
  }

  const data = source.data;
  const profile: DesiredProfile = {
    file: source.file,
    userPrincipalName: {
      value: data.userPrincipalName as string,
      source: source.locate(["userPrincipalName"]),
    },
    attributes,
    authentication: {},
  };
  if (typeof data.id === "string") profile.id = { value: data.id, source: source.locate(["id"]) };
  if (manager) profile.manager = manager;
  const auth = data.authentication;
  if (auth && typeof auth === "object") {
    for (const kind of AUTH_METHOD_KINDS) {
      const value = (auth as Record<string, unknown>)[kind];
      if (typeof value === "string" || value === null) {
        profile.authentication[kind] = { value, source: source.locate(["authentication", kind]) };
      }
    }
  }
  return profile;
}

/**
 * The photo a profile names, or the default `photos/<stem>.<ext>`; only paths here, no bytes.
 * `photoNames` are the image files directly in photos/ (groupPhotoNames).
 */
export function resolvePhoto(
  root: string,
  source: YamlSource,
  photoNames: Map<string, string[]>,
): { photo?: DesiredPhoto; diagnostics: Diagnostic[] } {
  const data = source.data;
  if (Object.hasOwn(data, "photo")) {
    const at = source.locate(["photo"]);
    if (data.photo === null) return { photo: { kind: "none", source: at }, diagnostics: [] };
    if (typeof data.photo !== "string") return { diagnostics: [] };
    const named = String(data.photo);
    const absolutePath = join(root, PHOTOS_DIR, named);
    const inside = relative(join(root, PHOTOS_DIR), absolutePath);
    if (isAbsolute(named) || inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      return { diagnostics: [error(at, `photo path ${JSON.stringify(named)} escapes ${PHOTOS_DIR}/`)] };
    }
    const path = posix.join(PHOTOS_DIR, inside.split(sep).join("/"));
    return { photo: { kind: "file", path, absolutePath, source: at }, diagnostics: [] };
  }
  const stem = basename(source.file, extname(source.file));
  const candidates = photoNames.get(stem) ?? [];
  if (candidates.length === 0) return { diagnostics: [] };
  if (candidates.length > 1) {
    return {
      diagnostics: [
        error(
          fileStart(source.file),
          `several default photos match this profile (${candidates.map((c) => `${PHOTOS_DIR}/${c}`).join(", ")}); keep one or name it with \`photo:\``,
        ),
      ],
    };
  }
  const name = candidates[0] as string;
  return {
    photo: {
      kind: "file",
      path: `${PHOTOS_DIR}/${name}`,
      absolutePath: join(root, PHOTOS_DIR, name),
      source: fileStart(source.file),
    },
    diagnostics: [],
  };
}

/** Image files directly in photos/, grouped by stem (the default-photo candidates). */
async function listPhotoNames(root: string): Promise<Map<string, string[]>> {
  try {
    return groupPhotoNames(await readdir(join(root, PHOTOS_DIR)));
  } catch {
    return new Map();
  }
}

/** File names in photos/ grouped by stem, images only, sorted: the default-photo candidates. */
export function groupPhotoNames(names: readonly string[]): Map<string, string[]> {
  const byStem = new Map<string, string[]>();
  for (const name of [...names].sort()) {
    const ext = extname(name);
    if (!PHOTO_EXTENSIONS.includes(ext.toLowerCase())) continue;
    const stem = basename(name, ext);
    byStem.set(stem, [...(byStem.get(stem) ?? []), name]);
  }
  return byStem;
}

interface Listing {
  profiles: string[];
  defaults: string[];
  diagnostics: Diagnostic[];
}

/** Every `.yaml`/`.yml` below `dir`, sorted; symlinks are refused rather than followed. */
async function listYamlFiles(root: string, dir: string): Promise<Listing> {
  const listing: Listing = { profiles: [], defaults: [], diagnostics: [] };
  // readdir follows a linked folder, which would read profiles from outside the repository.
  if (await isSymbolicLink(join(root, dir))) {
    listing.diagnostics.push(error(fileStart(`${dir}/`), `${dir}/ must not be a symbolic link`));
    return listing;
  }
  const walk = async (relativeDir: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(join(root, relativeDir), { withFileTypes: true });
    } catch (err) {
      if (relativeDir === dir && (err as NodeJS.ErrnoException).code === "ENOENT") {
        listing.diagnostics.push(error(fileStart(`${dir}/`), `no ${dir}/ folder: nothing to manage`));
      } else {
        listing.diagnostics.push(error(fileStart(`${relativeDir}/`), `cannot read folder: ${String(err)}`));
      }
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = `${relativeDir}/${entry.name}`;
      const isYaml = /\.ya?ml$/i.test(entry.name);
      if (entry.isSymbolicLink()) {
        if (isYaml)
          listing.diagnostics.push(error(fileStart(path), "profile files must not be symbolic links"));
      } else if (entry.isDirectory()) {
        await walk(path);
      } else if (isYaml && entry.isFile()) {
        (entry.name === DEFAULTS_FILE ? listing.defaults : listing.profiles).push(path);
      }
    }
  };
  await walk(dir);
  return listing;
}
