// The keys the repository's `_defaults.yaml` files set, so that an exported profile writes the
// tenant's own value for each of them: a profile's value wins over its folder's defaults, so the
// round trip stays zero-diff wherever the file lands. Without it, a default that differs from the
// tenant (usageLocation: US for a user in GB) would be a change in the first plan after export.
import { join, posix } from "node:path";
import { DEFAULTS_FILE, defaultsDirs } from "../desired/load.js";
import { PER_SUB_KEY_OBJECTS } from "../entra/attributes.js";
import { PER_PROFILE_KEYS } from "../source/schema.js";
import { readYamlFile } from "../source/yaml.js";
import type { AttributeSelection } from "./attributes.js";
import type { ExportedProfile } from "./profile.js";

type SubKeyObject = keyof typeof PER_SUB_KEY_OBJECTS;
const isSubKeyObject = (key: string): key is SubKeyObject => Object.hasOwn(PER_SUB_KEY_OBJECTS, key);

/** What one `_defaults.yaml` sets: top-level keys, and the sub-keys of per-sub-key objects. */
export interface DefaultsKeys {
  file: string;
  keys: Set<string>;
  subKeys: Map<SubKeyObject, Set<string>>;
}

/** Every `_defaults.yaml` among `files` (repository-relative), by its folder. */
export async function readDefaultsKeys(
  root: string,
  files: readonly string[],
): Promise<Map<string, DefaultsKeys>> {
  const byDir = new Map<string, DefaultsKeys>();
  for (const file of files) {
    if (posix.basename(file) !== DEFAULTS_FILE) continue;
    const read = await readYamlFile(join(root, file), file);
    if (!read.source) continue;
    const keys = new Set<string>();
    const subKeys = new Map<SubKeyObject, Set<string>>();
    for (const [key, value] of Object.entries(read.source.data)) {
      if ((PER_PROFILE_KEYS as readonly string[]).includes(key)) continue;
      keys.add(key);
      if (!isSubKeyObject(key)) continue;
      // `employeeOrgData: null` sets every sub-key (to empty).
      const subs =
        value !== null && typeof value === "object"
          ? Object.keys(value as Record<string, unknown>)
          : [...PER_SUB_KEY_OBJECTS[key]];
      subKeys.set(key, new Set(subs));
    }
    byDir.set(posix.dirname(file), { file, keys, subKeys });
  }
  return byDir;
}

/** The Graph properties any defaults file sets (to `$select` them), and whether one sets `manager`. */
export function defaultsProperties(defaults: ReadonlyMap<string, DefaultsKeys>): {
  properties: string[];
  manager: boolean;
} {
  const keys = new Set([...defaults.values()].flatMap((d) => [...d.keys]));
  return { properties: [...keys].filter((k) => k !== "manager"), manager: keys.has("manager") };
}

/** The defaults that apply to a profile file, outermost first (the nearest sets a key last). */
export function chainOf(file: string, defaults: ReadonlyMap<string, DefaultsKeys>): DefaultsKeys[] {
  return defaultsDirs(file).flatMap((dir) => {
    const found = defaults.get(dir);
    return found ? [found] : [];
  });
}

/**
 * The selection and sub-keys for one profile: the export's own, plus every key its defaults chain
 * sets (`ownedElsewhere` keys excepted: roster never plans them). Keys keep the schema's order.
 */
export function withChainKeys(
  selection: AttributeSelection,
  subKeys: ReadonlyMap<SubKeyObject, string[]>,
  chain: readonly DefaultsKeys[],
  profileKeys: readonly string[],
  ownedElsewhere: readonly string[],
): { selection: AttributeSelection; subKeys: Map<SubKeyObject, string[]> } {
  if (chain.length === 0) return { selection, subKeys: new Map(subKeys) };
  const owned = new Set(ownedElsewhere);
  const wanted = new Set(selection.keys);
  const subs = new Map(subKeys);
  for (const defaults of chain) {
    for (const key of defaults.keys) {
      if (owned.has(key)) continue;
      wanted.add(key);
      if (!isSubKeyObject(key)) continue;
      const extra = [...(defaults.subKeys.get(key) ?? [])].filter((sub) => !owned.has(`${key}.${sub}`));
      const merged = new Set([...(subs.get(key) ?? []), ...extra]);
      subs.set(
        key,
        PER_SUB_KEY_OBJECTS[key].filter((sub) => merged.has(sub)),
      );
    }
  }
  return {
    selection: { ...selection, keys: profileKeys.filter((key) => wanted.has(key)) },
    subKeys: subs,
  };
}

/**
 * Keys the chain sets that the profile could not write with the tenant's value (a value Graph
 * cannot clear, one `roster validate` refuses, a manager that is no user): there the default
 * applies, and the first plan will change the user. One message per key, naming the defaults file.
 */
export function defaultsNotOverridden(
  profile: ExportedProfile,
  chain: readonly DefaultsKeys[],
  ownedElsewhere: readonly string[],
): string[] {
  const owned = new Set(ownedElsewhere);
  const setter = new Map<string, string>();
  for (const defaults of chain) {
    for (const key of defaults.keys) {
      if (owned.has(key)) continue;
      if (!isSubKeyObject(key)) setter.set(key, defaults.file);
      else
        for (const sub of defaults.subKeys.get(key) ?? [])
          if (!owned.has(`${key}.${sub}`)) setter.set(`${key}.${sub}`, defaults.file);
    }
  }
  const messages: string[] = [];
  for (const [path, file] of setter) {
    const [key, sub] = path.split(".") as [string, string | undefined];
    const value = profile.data[key];
    const written =
      sub === undefined ? Object.hasOwn(profile.data, key) : isObject(value) && Object.hasOwn(value, sub);
    if (!written)
      messages.push(
        `${path}: ${file} sets it, and the tenant's value could not be written over it: the first plan will change it to the default`,
      );
  }
  return messages;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
