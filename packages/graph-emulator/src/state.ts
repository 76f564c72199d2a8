// The state-file format (`roster emulator --state FILE`, `PUT /_emulator/state`) and its
// conversion to and from the in-memory Store. Loading is strict (unknown property names, wrong
// types, dangling managers are errors naming the user) because a typo in a demo tenant should
// fail loudly rather than silently produce a different tenant.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { dumpApps, readApps, type StateApp } from "./apps.js";
import { authMethodsFromState } from "./auth-methods.js";
import { forEachBounded } from "./bounded.js";
import { isGuid, userIdFromUpn, uuidFromName } from "./ids.js";
import { photoFromImage } from "./photo.js";
import { Store, type Tenant } from "./store.js";
import type { StoredGroup, StoredPhoto, StoredUser } from "./types.js";
import { upnProblem } from "./upn.js";
import { EXTENSION_ATTRIBUTES, propSpec } from "./user-schema.js";

/** One user in the state file: Graph properties by their Graph names plus a few emulator keys. */
export interface StateUser {
  userPrincipalName: string;
  /** Object id; derived from the UPN when absent. */
  id?: string;
  onPremisesSyncEnabled?: boolean | null;
  /** The manager's UPN or id. */
  manager?: string;
  /** Image path relative to the state file, or a `data:image/...;base64,` URI. */
  photo?: string;
  authentication?: { phoneMethods?: unknown[]; emailMethods?: unknown[]; defaultMethod?: string };
  /** Directory role display names held actively, e.g. "Global Administrator". */
  roles?: string[];
  /** Roles the user is PIM-eligible for (not held until activated). */
  eligibleRoles?: string[];
  [graphProperty: string]: unknown;
}

/** A role-assignable group: users only as members (Graph forbids nesting groups in them). */
export interface StateGroup {
  /** Object id; derived from the display name when absent. */
  id?: string;
  displayName: string;
  /** Members' UPNs (or user ids). */
  members: string[];
  /** Owners' UPNs (or user ids); absent = none. */
  owners?: string[];
  /** Roles assigned to the group actively: every member holds them. */
  roles?: string[];
  /** Roles the group is PIM-eligible for. */
  eligibleRoles?: string[];
}

export interface TenantState {
  /** The organization: its id, verified domains (the default first) and name. */
  tenant?: { id?: string; domains?: string[]; displayName?: string; pimLicensed?: boolean };
  /** App registrations and their permissions; absent = any token may do anything. */
  apps?: StateApp[];
  users: StateUser[];
  /** Role-assignable groups. */
  groups?: StateGroup[];
}

export class StateError extends Error {
  override name = "StateError";
}

const EMULATOR_KEYS = new Set(["manager", "photo", "authentication", "roles", "eligibleRoles"]);
const GROUP_KEYS = ["id", "displayName", "members", "owners", "roles", "eligibleRoles"];
const PHOTO_CONCURRENCY = 8;

/** Builds a Store from parsed state-file JSON; `baseDir` resolves relative photo paths. */
export async function loadState(state: unknown, baseDir: string): Promise<Store> {
  if (!isObject(state)) throw new StateError("the state must be a JSON object with a `users` array");
  const unknownTop = Object.keys(state).filter((k) => !["tenant", "apps", "users", "groups"].includes(k));
  if (unknownTop.length > 0) throw new StateError(`unknown top-level key '${unknownTop[0]}'`);
  if (!Array.isArray(state.users)) throw new StateError("`users` must be an array");
  const rawUsers: unknown[] = state.users;

  let apps: ReturnType<typeof readApps>;
  try {
    apps = readApps(state.apps);
  } catch (err) {
    throw new StateError((err as Error).message);
  }
  const store = new Store(readTenant(state.tenant, rawUsers), apps);
  const managers: { user: StoredUser; ref: string; where: string }[] = [];
  const photos: { user: StoredUser; ref: string; where: string }[] = [];
  rawUsers.forEach((raw, index) => {
    const where = `users[${index}]`;
    const { user, manager, photo } = readUser(raw, where);
    const label = `${where} (${user.props.userPrincipalName})`;
    try {
      store.add(user);
    } catch (err) {
      throw new StateError(`${label}: ${(err as Error).message}`);
    }
    if (manager !== undefined) managers.push({ user, ref: manager, where: label });
    if (photo !== undefined) photos.push({ user, ref: photo, where: label });
  });

  checkProxyAddresses(store);
  readGroups(state.groups, store);
  for (const { user, ref, where } of managers) {
    const manager = store.find(ref);
    if (!manager) throw new StateError(`${where}: manager '${ref}' is not a user in the state`);
    if (manager === user) throw new StateError(`${where}: a user cannot be their own manager`);
    user.managerId = manager.props.id;
  }
  await loadPhotos(photos, baseDir);
  return store;
}

/**
 * proxyAddresses are `type:address` (`SMTP:` the primary, `smtp:` the others, `SIP:`, `X500:`…),
 * and an address belongs to one object only, so a state file cannot hold what Graph would refuse.
 */
function checkProxyAddresses(store: Store): void {
  const holder = new Map<string, string>();
  store.all().forEach((user, index) => {
    const label = `users[${index}] (${user.props.userPrincipalName})`;
    const addresses = (user.props.proxyAddresses ?? []) as string[];
    for (const address of addresses) {
      if (!/^[A-Za-z0-9]+:\S+$/.test(address)) {
        throw new StateError(
          `${label}: proxyAddresses: '${address}' must be type:address, e.g. SMTP:adele@contoso.com`,
        );
      }
      const key = address.toLowerCase();
      const first = holder.get(key);
      if (first !== undefined && first !== label)
        throw new StateError(`${label}: proxyAddresses: ${address} is also an address of ${first}`);
      holder.set(key, label);
    }
  });
}

/** Reads and loads a state file, with errors that name the file. */
export async function loadStateFile(file: string): Promise<Store> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new StateError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return await loadState(json, path.dirname(path.resolve(file)));
  } catch (err) {
    if (err instanceof StateError) throw new StateError(`${file}: ${err.message}`);
    throw err;
  }
}

/** The Store as state-file JSON; photos become data: URIs so the dump loads back as-is. */
export function dumpState(store: Store): TenantState {
  return {
    tenant: {
      id: store.tenant.id,
      domains: [...store.tenant.domains],
      ...(store.tenant.displayName ? { displayName: store.tenant.displayName } : {}),
      ...(store.tenant.pimLicensed ? {} : { pimLicensed: false }),
    },
    ...(store.apps.length > 0 ? { apps: dumpApps(store.apps) } : {}),
    users: store.all().map((user) => {
      const out: StateUser = { ...user.props };
      if (user.managerId) {
        out.manager = store.find(user.managerId)?.props.userPrincipalName ?? user.managerId;
      }
      if (user.photo) out.photo = `data:image/jpeg;base64,${user.photo.jpeg.toString("base64")}`;
      if (user.phoneMethods.length > 0 || user.emailMethods.length > 0) {
        out.authentication = {
          phoneMethods: [...user.phoneMethods],
          emailMethods: [...user.emailMethods],
          ...(user.defaultMethod ? { defaultMethod: user.defaultMethod } : {}),
        };
      }
      if (user.roles.length > 0) out.roles = [...user.roles];
      if (user.eligibleRoles.length > 0) out.eligibleRoles = [...user.eligibleRoles];
      return out;
    }),
    ...(store.groups().length > 0
      ? {
          groups: store.groups().map((group) => ({
            id: group.id,
            displayName: group.displayName,
            members: group.members.map((user) => user.props.userPrincipalName),
            ...(group.owners.length > 0
              ? { owners: group.owners.map((user) => user.props.userPrincipalName) }
              : {}),
            ...(group.roles.length > 0 ? { roles: [...group.roles] } : {}),
            ...(group.eligibleRoles.length > 0 ? { eligibleRoles: [...group.eligibleRoles] } : {}),
          })),
        }
      : {}),
  };
}

/**
 * `groups`: role-assignable groups. "Group nesting isn't supported. A group can't be added as a
 * member of a role-assignable group" (Use Microsoft Entra groups to manage role assignments), so a
 * member must be a user of the state; naming a group is an error of its own.
 */
function readGroups(raw: unknown, store: Store): void {
  if (raw === undefined) return;
  if (!Array.isArray(raw)) throw new StateError("`groups` must be an array");
  const entries: { where: string; group: StoredGroup; members: string[]; owners: string[] }[] = [];
  raw.forEach((item, index) => {
    const where = `groups[${index}]`;
    if (!isObject(item)) throw new StateError(`${where}: each group must be an object`);
    if (typeof item.displayName !== "string" || item.displayName.trim() === "")
      throw new StateError(`${where}: displayName must be a non-empty string`);
    const label = `${where} (${item.displayName})`;
    const unknownKey = Object.keys(item).find((key) => !GROUP_KEYS.includes(key));
    if (unknownKey !== undefined) throw new StateError(`${label}: unknown group key '${unknownKey}'`);
    const id = item.id === undefined ? uuidFromName("group", item.displayName.toLowerCase()) : item.id;
    if (typeof id !== "string" || !isGuid(id)) throw new StateError(`${label}: id must be a GUID`);
    if (!Array.isArray(item.members) || !item.members.every((m) => typeof m === "string" && m !== ""))
      throw new StateError(`${label}: members must be an array of userPrincipalNames`);
    const owners = item.owners ?? [];
    if (!Array.isArray(owners) || !owners.every((m) => typeof m === "string" && m !== ""))
      throw new StateError(`${label}: owners must be an array of userPrincipalNames`);
    const group: StoredGroup = {
      id,
      displayName: item.displayName,
      members: [],
      owners: [],
      roles: readRoleNames(item.roles, `${label}: roles`),
      eligibleRoles: readRoleNames(item.eligibleRoles, `${label}: eligibleRoles`),
    };
    entries.push({ where: label, group, members: item.members as string[], owners: owners as string[] });
  });
  const groupKeys = new Set(
    entries.flatMap(({ group }) => [group.id.toLowerCase(), group.displayName.toLowerCase()]),
  );
  const usersOf = (where: string, field: "members" | "owners", refs: string[], into: StoredUser[]) => {
    for (const ref of refs) {
      const user = store.find(ref);
      if (!user) {
        if (groupKeys.has(ref.toLowerCase()))
          throw new StateError(
            `${where}: ${field}: '${ref}' is a group; a role-assignable group cannot have groups as ${field}`,
          );
        throw new StateError(`${where}: ${field}: '${ref}' is not a user in the state`);
      }
      if (into.includes(user)) throw new StateError(`${where}: ${field}: '${ref}' is listed more than once`);
      into.push(user);
    }
  };
  for (const { where, group, members, owners } of entries) {
    usersOf(where, "members", members, group.members);
    usersOf(where, "owners", owners, group.owners);
    try {
      store.addGroup(group);
    } catch (err) {
      throw new StateError(`${where}: ${(err as Error).message}`);
    }
  }
}

/** A list of role display names (absent = none); `what` names it in the error. */
function readRoleNames(raw: unknown, what: string): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || !raw.every((r) => typeof r === "string" && r.trim() !== ""))
    throw new StateError(`${what} must be an array of role names`);
  if (new Set(raw.map((r: string) => r.toLowerCase())).size !== raw.length)
    throw new StateError(`${what} names a role more than once`);
  return [...raw] as string[];
}

export function emptyState(domain = "contoso.onmicrosoft.com"): TenantState {
  return { tenant: { domains: [domain] }, users: [] };
}

function readTenant(raw: unknown, users: unknown[]): Tenant {
  if (raw !== undefined && !isObject(raw)) throw new StateError("`tenant` must be an object");
  const tenant = raw ?? {};
  let domains: string[];
  if (tenant.domains === undefined) {
    // Default: the domains the users' UPNs already use, so any state file is self-consistent.
    const seen = new Set<string>();
    for (const user of users) {
      const upn = isObject(user) && typeof user.userPrincipalName === "string" ? user.userPrincipalName : "";
      const at = upn.lastIndexOf("@");
      if (at > 0) seen.add(upn.slice(at + 1).toLowerCase());
    }
    domains = seen.size > 0 ? [...seen] : ["contoso.onmicrosoft.com"];
    // Every tenant has an initial `<name>.onmicrosoft.com` domain beside its custom ones
    // (https://learn.microsoft.com/entra/fundamentals/add-custom-domain).
    if (!domains.some((domain) => domain.endsWith(".onmicrosoft.com"))) {
      domains.push(`${domains[0]?.split(".")[0] ?? "contoso"}.onmicrosoft.com`);
    }
  } else if (
    Array.isArray(tenant.domains) &&
    tenant.domains.every((d) => typeof d === "string" && d !== "")
  ) {
    domains = tenant.domains as string[];
  } else {
    throw new StateError("`tenant.domains` must be an array of domain names");
  }
  if (tenant.id !== undefined && (typeof tenant.id !== "string" || !isGuid(tenant.id))) {
    throw new StateError("`tenant.id` must be a GUID");
  }
  const id = typeof tenant.id === "string" ? tenant.id : uuidFromName("tenant", domains[0] ?? "");
  if (
    tenant.displayName !== undefined &&
    (typeof tenant.displayName !== "string" || tenant.displayName === "")
  )
    throw new StateError("`tenant.displayName` must be a non-empty string");
  const unknownKey = Object.keys(tenant).find(
    (key) => !["id", "domains", "displayName", "pimLicensed"].includes(key),
  );
  if (unknownKey !== undefined) throw new StateError(`unknown key 'tenant.${unknownKey}'`);
  if (tenant.pimLicensed !== undefined && typeof tenant.pimLicensed !== "boolean")
    throw new StateError("`tenant.pimLicensed` must be true or false");
  return {
    id,
    domains,
    ...(typeof tenant.displayName === "string" ? { displayName: tenant.displayName } : {}),
    pimLicensed: tenant.pimLicensed !== false,
  };
}

function readUser(raw: unknown, where: string): { user: StoredUser; manager?: string; photo?: string } {
  if (!isObject(raw)) throw new StateError(`${where}: each user must be an object`);
  const upn = raw.userPrincipalName;
  if (typeof upn !== "string" || !/^[^@\s]+@[^@\s]+$/.test(upn)) {
    throw new StateError(`${where}: userPrincipalName must be an address like name@domain`);
  }
  const problem = upnProblem(upn);
  if (problem !== undefined) throw new StateError(`${where} (${upn}): userPrincipalName: ${problem}`);
  const label = `${where} (${upn})`;
  const id = raw.id === undefined ? userIdFromUpn(upn) : raw.id;
  if (typeof id !== "string" || !isGuid(id)) throw new StateError(`${label}: id must be a GUID`);

  const props: StoredUser["props"] = { id, userPrincipalName: upn, accountEnabled: true, userType: "Member" };
  for (const [key, value] of Object.entries(raw)) {
    if (EMULATOR_KEYS.has(key) || key === "id" || key === "userPrincipalName") continue;
    const spec = propSpec(key);
    if (!spec) throw new StateError(`${label}: unknown user property '${key}'`);
    if (value !== null && !hasType(spec.type, value)) {
      throw new StateError(`${label}: '${key}' must be ${describeType(spec.type)}`);
    }
    if (holdsEmptyString(value)) {
      throw new StateError(`${label}: '${key}' holds an empty string, which Graph never stores (use null)`);
    }
    props[key] = value;
  }
  if (typeof props.mail === "string" && props.proxyAddresses === undefined) {
    props.proxyAddresses = [`SMTP:${props.mail}`];
  }

  const roles = raw.roles ?? [];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && r !== "")) {
    throw new StateError(`${label}: roles must be an array of role names`);
  }
  const eligibleRoles = readRoleNames(raw.eligibleRoles, `${label}: eligibleRoles`);
  let methods: ReturnType<typeof authMethodsFromState> = { phoneMethods: [], emailMethods: [] };
  if (raw.authentication !== undefined) {
    try {
      methods = authMethodsFromState(raw.authentication);
    } catch (err) {
      throw new StateError(`${label}: authentication: ${(err as Error).message}`);
    }
  }
  for (const key of ["manager", "photo"] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== "string" || raw[key] === "")) {
      throw new StateError(`${label}: ${key} must be a non-empty string`);
    }
  }
  const user: StoredUser = {
    props,
    phoneMethods: methods.phoneMethods,
    emailMethods: methods.emailMethods,
    ...(methods.defaultMethod ? { defaultMethod: methods.defaultMethod } : {}),
    roles,
    eligibleRoles,
  };
  return {
    user,
    ...(typeof raw.manager === "string" ? { manager: raw.manager } : {}),
    ...(typeof raw.photo === "string" ? { photo: raw.photo } : {}),
  };
}

async function loadPhotos(
  jobs: { user: StoredUser; ref: string; where: string }[],
  baseDir: string,
): Promise<void> {
  await forEachBounded(jobs, PHOTO_CONCURRENCY, async (job) => {
    job.user.photo = await readPhoto(job.ref, baseDir, job.where);
  });
}

async function readPhoto(ref: string, baseDir: string, where: string): Promise<StoredPhoto> {
  let bytes: Buffer;
  const dataUri = /^data:image\/[a-z+.-]+;base64,(.*)$/is.exec(ref);
  if (dataUri) {
    bytes = Buffer.from(dataUri[1]!, "base64");
  } else {
    const file = path.resolve(baseDir, ref);
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new StateError(
        `${where}: cannot read photo ${ref}: ${(err as NodeJS.ErrnoException).code ?? "error"}`,
      );
    }
  }
  try {
    return await photoFromImage(bytes);
  } catch (err) {
    throw new StateError(
      `${where}: photo ${dataUri ? "data URI" : ref} is not a usable image: ${(err as Error).message}`,
    );
  }
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
    case "dateTime":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "stringArray":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "extAttrs":
      return (
        isObject(value) &&
        Object.entries(value).every(
          ([k, v]) => EXTENSION_ATTRIBUTES.includes(k) && (v === null || typeof v === "string"),
        )
      );
    case "orgData":
      return (
        isObject(value) &&
        Object.entries(value).every(
          ([k, v]) => (k === "division" || k === "costCenter") && (v === null || typeof v === "string"),
        )
      );
    default:
      return isObject(value) || Array.isArray(value);
  }
}

function describeType(type: string): string {
  const names: Record<string, string> = {
    string: "a string",
    dateTime: "an ISO 8601 date-time string",
    boolean: "true or false",
    stringArray: "an array of strings",
    extAttrs: "an object of extensionAttribute1..15 strings",
    orgData: "an object with division and costCenter",
  };
  return names[type] ?? "an object";
}

/** "" anywhere in a property value: a string, an item of a collection, a sub-property. */
function holdsEmptyString(value: unknown): boolean {
  if (value === "") return true;
  if (Array.isArray(value)) return value.some(holdsEmptyString);
  return isObject(value) && Object.values(value).some(holdsEmptyString);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
