// Which profile keys `roster export --attributes` writes. A key an export writes is a key the
// repository manages from then on (design.md, "Field ownership"), so the default is the profile of
// the design, not every property Graph has. Pure.
import type { RosterConfig } from "../config/load.js";
import { PER_SUB_KEY_OBJECTS } from "../entra/attributes.js";
import { UsageError } from "../errors.js";
import { closest } from "../util/suggest.js";

/** The profile of design.md's example: what an admin edits in the admin center's Properties page. */
export const DEFAULT_EXPORT_KEYS = [
  "displayName",
  "jobTitle",
  "department",
  "officeLocation",
  "employeeOrgData",
  "businessPhones",
  "mobilePhone",
  "onPremisesExtensionAttributes",
  "manager",
] as const;

/** Keys every profile has, and keys with their own flags. */
const NOT_SELECTABLE: Record<string, string> = {
  userPrincipalName: "`userPrincipalName` and `id` are always exported",
  id: "`userPrincipalName` and `id` are always exported",
  photo: "photos are exported by default; --no-photos leaves them out",
  authentication: "authentication methods are exported with --auth-methods",
};

export interface AttributeSelection {
  /** Top-level profile keys to write, in the schema's order (`manager` included). */
  keys: string[];
  /**
   * Objects with per-sub-key ownership (employeeOrgData, onPremisesExtensionAttributes) selected
   * whole: they get the sub-keys any exported user has a value in (not fifteen nulls per file).
   */
  wholeObjects: Set<string>;
  /** Sub-keys named explicitly (`employeeOrgData.costCenter`): written for every user. */
  subKeys: Map<string, string[]>;
  /** Keys the default or `all` would have written but roster.yaml says are owned elsewhere. */
  ownedElsewhere: string[];
}

/**
 * Parses `--attributes`: a comma-separated list of profile keys, `object.subKey` paths, `default`
 * (the keys above) and `all` (every profile key). `profileKeys` is the schema's key order.
 */
export function parseAttributes(
  list: string | undefined,
  profileKeys: readonly string[],
  config: Pick<RosterConfig, "ownedElsewhere">,
): AttributeSelection {
  const selectable = profileKeys.filter((key) => !(key in NOT_SELECTABLE));
  const owned = new Set(config.ownedElsewhere);
  const chosen = new Set<string>();
  const wholeObjects = new Set<string>();
  const subKeys = new Map<string, string[]>();
  const skippedOwned = new Set<string>();
  const addGroup = (keys: readonly string[]) => {
    for (const key of keys) {
      if (owned.has(key)) skippedOwned.add(key);
      else {
        chosen.add(key);
        if (key in PER_SUB_KEY_OBJECTS) wholeObjects.add(key);
      }
    }
  };

  const tokens = (list ?? "default")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (tokens.length === 0) throw new UsageError("--attributes names no attribute", { hint: HINT });
  for (const token of tokens) {
    if (token === "default") addGroup(DEFAULT_EXPORT_KEYS);
    else if (token === "all") addGroup(selectable);
    else {
      const [key = "", sub] = token.split(".", 2);
      const reason = Object.hasOwn(NOT_SELECTABLE, key) ? NOT_SELECTABLE[key] : undefined;
      if (reason) throw new UsageError(`--attributes ${token}: ${reason}`, { hint: HINT });
      if (!selectable.includes(key)) {
        const guess = closest(key, selectable);
        throw new UsageError(
          `--attributes ${token}: not a profile key${guess ? ` (did you mean \`${guess}\`?)` : ""}`,
          { hint: HINT },
        );
      }
      if (owned.has(key))
        throw new UsageError(`--attributes ${token}: roster.yaml says \`${key}\` is owned elsewhere`, {
          hint: "roster never plans it; remove it from --attributes, or from ownedElsewhere in roster.yaml",
        });
      if (sub !== undefined) {
        const allowed: readonly string[] = PER_SUB_KEY_OBJECTS[key as keyof typeof PER_SUB_KEY_OBJECTS] ?? [];
        if (!allowed.includes(sub)) {
          const guess = closest(sub, allowed);
          throw new UsageError(
            allowed.length === 0
              ? `--attributes ${token}: \`${key}\` has no sub-keys`
              : `--attributes ${token}: \`${key}\` has no sub-key \`${sub}\`${guess ? ` (did you mean \`${guess}\`?)` : ""}`,
            { hint: HINT },
          );
        }
        subKeys.set(key, [...(subKeys.get(key) ?? []), sub]);
      } else if (key in PER_SUB_KEY_OBJECTS) wholeObjects.add(key);
      chosen.add(key);
    }
  }
  for (const [key, subs] of subKeys) {
    const order: readonly string[] = PER_SUB_KEY_OBJECTS[key as keyof typeof PER_SUB_KEY_OBJECTS];
    subKeys.set(
      key,
      order.filter((s) => subs.includes(s)),
    );
  }
  return {
    keys: profileKeys.filter((key) => chosen.has(key)),
    wholeObjects,
    subKeys,
    ownedElsewhere: profileKeys.filter((key) => skippedOwned.has(key)),
  };
}

const HINT =
  "list profile keys (schema/profile.schema.json) separated by commas, e.g. `default,givenName,surname`, " +
  "`all`, or `employeeOrgData.costCenter`";
