// One tenant user -> the profile `roster export` writes: the chosen keys, with values as Graph stores
// them, so that `roster validate` passes and `roster plan` finds nothing to change. A value the
// profile schema refuses (two business phones, a malformed language tag) is left out with a
// warning: its key stays unmanaged for that user rather than making the repository invalid. Pure.
import { AUTH_METHOD_KINDS, type AuthMethodKind } from "../desired/types.js";
import { PER_SUB_KEY_OBJECTS, SYNC_MASTERED } from "../entra/attributes.js";
import { maskAuthValue } from "../plan/mask.js";
import { schemas } from "../source/schema.js";
import type { AttributeSelection } from "./attributes.js";

export interface ExportedUser {
  id: string;
  userPrincipalName: string;
  onPremisesSyncEnabled: boolean;
  /** Graph properties as listed with `$select`, by their Graph names. */
  properties: Record<string, unknown>;
  /** `null`: no manager. A manager without a UPN is an object roster cannot name (an org contact). */
  manager?: { id: string; userPrincipalName?: string } | null;
  authentication?: {
    phoneMethods: { phoneType: string; phoneNumber: string }[];
    emailMethods: { emailAddress: string }[];
  };
}

export interface ExportedProfile {
  /** Keys in the order they are written. */
  data: Record<string, unknown>;
  /** A comment for the top of the file (lines without `#`), or none. */
  comment: string[];
  /** What was left out, and why: `jobTitle: …`. */
  warnings: string[];
}

type SubKeyObject = keyof typeof PER_SUB_KEY_OBJECTS;
const isSubKeyObject = (key: string): key is SubKeyObject => key in PER_SUB_KEY_OBJECTS;

/**
 * The sub-keys written for each per-sub-key object: those named explicitly, and, for an object
 * selected whole, those that any of `users` has a value in. Every profile gets the same sub-keys,
 * `null` where the user has none, so the files line up and an admin sees what is managed.
 */
export function subKeysToWrite(
  users: readonly ExportedUser[],
  selection: AttributeSelection,
): Map<SubKeyObject, string[]> {
  const result = new Map<SubKeyObject, string[]>();
  for (const key of selection.keys) {
    if (!isSubKeyObject(key)) continue;
    const wanted = new Set(selection.subKeys.get(key) ?? []);
    if (selection.wholeObjects.has(key)) {
      for (const user of users) {
        const value = user.properties[key] as Record<string, unknown> | null | undefined;
        for (const sub of PER_SUB_KEY_OBJECTS[key]) if (present(value?.[sub])) wanted.add(sub);
      }
    }
    result.set(
      key,
      PER_SUB_KEY_OBJECTS[key].filter((sub) => wanted.has(sub)),
    );
  }
  return result;
}

export function buildProfile(
  user: ExportedUser,
  selection: AttributeSelection,
  subKeys: ReadonlyMap<SubKeyObject, string[]>,
): ExportedProfile {
  const data: Record<string, unknown> = { userPrincipalName: user.userPrincipalName, id: user.id };
  const warnings: string[] = [];
  const keep = (key: string, value: unknown, shown = key) => {
    const problems = schemaProblems({ userPrincipalName: user.userPrincipalName, [key]: value });
    if (problems.length === 0) data[key] = value;
    // A null the schema refuses is a property Graph cannot clear (displayName, usageLocation,
    // mail): the user simply has none, so the key stays unmanaged, with nothing to report.
    else if (value !== null) warnings.push(`${shown} left out: ${problems.join("; ")}`);
  };

  for (const key of selection.keys) {
    if (key === "manager") {
      if (user.manager === undefined) continue;
      if (user.manager !== null && !user.manager.userPrincipalName)
        warnings.push(`manager left out: the manager (object ${user.manager.id}) is not a user with a UPN`);
      else keep("manager", user.manager?.userPrincipalName ?? null);
    } else if (isSubKeyObject(key)) {
      const subs = subKeys.get(key) ?? [];
      if (subs.length === 0) continue;
      const stored = user.properties[key] as Record<string, unknown> | null | undefined;
      keep(key, Object.fromEntries(subs.map((sub) => [sub, asStored(stored?.[sub])])));
    } else {
      keep(key, asStored(user.properties[key], Array.isArray(user.properties[key]) || isList(key)));
    }
  }

  const authentication = authenticationOf(user, warnings);
  if (authentication) data.authentication = authentication;

  const mastered = user.onPremisesSyncEnabled ? Object.keys(data).filter((k) => SYNC_MASTERED.has(k)) : [];
  return { data, comment: mastered.length > 0 ? syncedComment(mastered) : [], warnings };
}

/** Graph stores an empty string as null and an empty collection as `[]` (graph-contract §1.4). */
function asStored(value: unknown, list = false): unknown {
  if (list) return Array.isArray(value) ? value : [];
  return value === undefined || value === "" ? null : value;
}

const LIST_KEYS = new Set(["businessPhones", "otherMails"]);
function isList(key: string): boolean {
  return LIST_KEYS.has(key);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/** The methods the user has (never `null` for one they lack: users register their own). */
function authenticationOf(user: ExportedUser, warnings: string[]): Record<string, string> | undefined {
  const methods = user.authentication;
  if (!methods) return undefined;
  const found: Partial<Record<AuthMethodKind, string>> = {};
  for (const method of methods.phoneMethods) {
    const kind = method.phoneType as AuthMethodKind;
    if (kind !== "email" && AUTH_METHOD_KINDS.includes(kind)) found[kind] = method.phoneNumber;
  }
  const email = methods.emailMethods[0]?.emailAddress;
  if (email !== undefined) found.email = email;
  const result: Record<string, string> = {};
  for (const kind of AUTH_METHOD_KINDS) {
    const value = found[kind];
    if (value === undefined) continue;
    const problems = schemaProblems({
      userPrincipalName: user.userPrincipalName,
      authentication: { [kind]: value },
    });
    if (problems.length === 0) result[kind] = value;
    // Never the value itself: authentication methods are personal data.
    else
      warnings.push(
        `authentication.${kind} (${maskAuthValue(`authentication.${kind}`, value)}) left out: roster validate would refuse it`,
      );
  }
  // Graph keeps an alternate mobile only beside a mobile number; without one it would not validate.
  if (result.alternateMobile !== undefined && result.mobile === undefined) delete result.alternateMobile;
  return Object.keys(result).length > 0 ? result : undefined;
}

function syncedComment(mastered: string[]): string[] {
  const list =
    mastered.length === 1 ? mastered[0] : `${mastered.slice(0, -1).join(", ")} and ${mastered.at(-1)}`;
  const text =
    `Synced from on-premises AD, which masters ${list}: ` +
    "change those in AD (roster's plan skips changes to them for this user).";
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] as string).length + word.length < 96) lines[last] += ` ${word}`;
    else lines.push(` ${word}`);
  }
  return lines;
}

/** The profile schema's complaints about `data` (what `roster validate` would report), as text. */
export function schemaProblems(data: Record<string, unknown>): string[] {
  const file = "export";
  return schemas()
    .validate("profile", { file, data, locate: () => ({ file, line: 1, col: 1 }) })
    .map((d) => d.message);
}
