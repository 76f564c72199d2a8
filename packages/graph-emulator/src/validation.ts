// PATCH /users/{id} validation with Graph's rules and errors: unknown and read-only properties,
// types, lengths, one business phone, values that cannot be cleared, on-premises-mastered
// properties of synced users, sensitive properties of privileged users. The whole body is checked
// before anything is applied, so a refused PATCH changes nothing (as on Graph).

import {
  badRequest,
  dirSyncRefusal,
  externalServiceRefusal,
  insufficientPrivileges,
  invalidValue,
} from "./errors.js";
import { isPrivilegedUser } from "./privileged-roles.js";
import type { Store } from "./store.js";
import type { StoredUser } from "./types.js";
import { upnProblem } from "./upn.js";
import { EXTENSION_ATTRIBUTES, type PropSpec, propSpec } from "./user-schema.js";

/** Parses a JSON request body; Graph answers an empty or malformed body with 400. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw badRequest("Empty Payload. JSON content expected.", "BadRequest");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest(
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
      "BadRequest",
    );
  }
}

const NON_ASCII = /[^\x20-\x7e]/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Checks a PATCH body and returns the property values to assign (already normalised). */
export function validatePatch(store: Store, user: StoredUser, body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("The request body must be a JSON object.", "BadRequest");
  }
  const changes: Record<string, unknown> = {};
  const sharePointKeys: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name.startsWith("@odata.")) {
      if (name === "@odata.type" && value !== "#microsoft.graph.user") throw invalidValue(name);
      continue;
    }
    const spec = propSpec(name);
    if (!spec)
      throw badRequest(`Property '${name}' does not exist as a declared property or extension property.`);
    if (spec.sharePoint) {
      sharePointKeys.push(name);
      continue;
    }
    if (!spec.writable) throw badRequest(`Property '${name}' is read-only and cannot be set.`);
    changes[name] = checkValue(name, spec, value, user);
  }
  if (sharePointKeys.length > 0) {
    // SharePoint-backed fields must travel alone, and app-only callers may not write them (§1.2).
    if (Object.keys(changes).length > 0) {
      throw badRequest("Properties stored in SharePoint Online must be updated in a request of their own.");
    }
    throw insufficientPrivileges();
  }
  const names = Object.keys(changes);
  if (user.props.onPremisesSyncEnabled === true && names.some((n) => propSpec(n)?.synced))
    throw dirSyncRefusal();
  if (wasSyncedOnce(user) && names.includes("onPremisesExtensionAttributes")) throw externalServiceRefusal();
  if (isPrivilegedUser(user) && names.some((n) => propSpec(n)?.sensitive)) throw insufficientPrivileges();
  if (typeof changes.userPrincipalName === "string") checkUpn(store, user, changes.userPrincipalName);
  if (typeof changes.mail === "string") checkMailIsFree(store, user, changes.mail);
  return changes;
}

/**
 * Writing `mail` adds it to the user's proxyAddresses, and an SMTP address belongs to one object
 * only: Graph refuses a mail another object holds (user resource, `mail` and `proxyAddresses`;
 * graph-contract §1.5 "the newer revision says the update fails").
 */
function checkMailIsFree(store: Store, user: StoredUser, mail: string): void {
  const wanted = mail.toLowerCase();
  for (const other of store.all()) {
    if (other === user || other.props.id === user.props.id) continue;
    const addresses = Array.isArray(other.props.proxyAddresses)
      ? (other.props.proxyAddresses as unknown[])
      : [];
    const holds =
      (typeof other.props.mail === "string" && other.props.mail.toLowerCase() === wanted) ||
      addresses.some((address) => typeof address === "string" && address.toLowerCase() === `smtp:${wanted}`);
    if (holds) {
      throw badRequest("Another object with the same value for property proxyAddresses already exists.");
    }
  }
}

function checkValue(name: string, spec: PropSpec, value: unknown, user: StoredUser): unknown {
  if (value === null) {
    if (spec.notNull) throw invalidValue(name);
    return null;
  }
  switch (spec.type) {
    case "string":
      return checkString(name, spec, value);
    case "boolean":
      if (typeof value !== "boolean") throw invalidValue(name);
      return value;
    case "dateTime":
      if (
        typeof value !== "string" ||
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
        Number.isNaN(Date.parse(value))
      ) {
        throw invalidValue(name);
      }
      return new Date(value).toISOString().replace(/\.000Z$/, "Z");
    case "stringArray":
      return checkStringArray(name, value);
    case "orgData":
      return checkOrgData(name, value);
    case "extAttrs":
      return checkExtensionAttributes(name, value, user);
    default:
      throw invalidValue(name);
  }
}

function checkString(name: string, spec: PropSpec, value: unknown): string {
  if (typeof value !== "string") throw invalidValue(name);
  // Graph stores no empty strings: "" is refused, `null` clears (user-update; graph-contract §1.1).
  if (value === "") throw invalidValue(name);
  if (spec.maxLength !== undefined && value.length > spec.maxLength) throw invalidValue(name);
  if (spec.values && !spec.values.includes(value)) throw invalidValue(name);
  if (spec.notNull && value.trim() === "") throw invalidValue(name);
  if (name === "usageLocation" && !/^[A-Z]{2}$/.test(value)) throw invalidValue(name);
  if (name === "preferredLanguage" && !/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(value))
    throw invalidValue(name);
  if (name === "mail" && (!EMAIL.test(value) || NON_ASCII.test(value))) throw invalidValue(name);
  if (name === "userPrincipalName" && upnProblem(value) !== undefined)
    throw badRequest("Property userPrincipalName is invalid.");
  return value;
}

function checkStringArray(name: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) throw invalidValue(name);
  const values = value as string[];
  if (values.some((v) => v === "")) throw invalidValue(name);
  if (name === "businessPhones") {
    // A collection on read, but Graph accepts a single value on write.
    if (values.length > 1 || values.some((v) => v.length > 64)) throw invalidValue(name);
  }
  if (name === "otherMails") {
    if (values.length > 250 || values.some((v) => v.length > 250 || NON_ASCII.test(v) || !EMAIL.test(v))) {
      throw invalidValue(name);
    }
  }
  return [...values];
}

/** employeeOrgData is replaced whole: a sub-field left out becomes null (graph-contract §1.2). */
function checkOrgData(name: string, value: unknown): Record<string, string | null> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidValue(name);
  const out: Record<string, string | null> = { division: null, costCenter: null };
  for (const [key, sub] of Object.entries(value)) {
    if (key === "@odata.type") continue;
    if (key !== "division" && key !== "costCenter") {
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
    if (sub !== null && (typeof sub !== "string" || sub === "")) throw invalidValue(name);
    out[key] = sub;
  }
  return out;
}

/** onPremisesExtensionAttributes merges: attributes not sent keep their value (see report). */
function checkExtensionAttributes(
  name: string,
  value: unknown,
  user: StoredUser,
): Record<string, string | null> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidValue(name);
  const current = (user.props.onPremisesExtensionAttributes ?? {}) as Record<string, string | null>;
  const out: Record<string, string | null> = Object.fromEntries(
    EXTENSION_ATTRIBUTES.map((a) => [a, current[a] ?? null]),
  );
  for (const [key, sub] of Object.entries(value)) {
    if (key === "@odata.type") continue;
    if (!EXTENSION_ATTRIBUTES.includes(key)) {
      throw badRequest(`Property '${key}' does not exist as a declared property or extension property.`);
    }
    if (sub !== null && (typeof sub !== "string" || sub === "" || sub.length > 1024))
      throw invalidValue(name);
    out[key] = sub;
  }
  return out;
}

function checkUpn(store: Store, user: StoredUser, upn: string): void {
  const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
  if (!store.tenant.domains.some((d) => d.toLowerCase() === domain)) {
    throw badRequest(
      "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.",
    );
  }
  const other = store.byUpnLower(upn);
  if (other && other !== user) throw upnConflict();
}

/**
 * A cloud user that was synced from on-premises AD once: no longer syncing, yet with a last sync
 * time. Its extension attributes stay mastered by Exchange Online, so Graph keeps them read-only
 * (user resource, onPremisesExtensionAttributes: "For a cloud-only user previously synced from
 * on-premises Active Directory, these properties are read-only in Microsoft Graph but can be fully
 * managed through the Exchange Admin Center or the Exchange Online V2 module in PowerShell").
 */
export function wasSyncedOnce(user: StoredUser): boolean {
  return (
    user.props.onPremisesSyncEnabled !== true && typeof user.props.onPremisesLastSyncDateTime === "string"
  );
}

export function upnConflict(): Error {
  const err = badRequest("Another object with the same value for property userPrincipalName already exists.");
  return err;
}
