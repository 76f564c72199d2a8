// Reads the actual state of the users roster manages, as fast as Graph's limits allow: the listing
// of every user in scope (listing.ts decides how: expanded managers or not, split or not), and
// beside it, from the first moment, the per-user reads of the profiles that manage a photo or
// authentication methods, in JSON batches of 20, addressed by the profile's id or UPN so that they
// need not wait for the listing. A part of the users is read by subset.ts instead.
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import { selectedProperties } from "../entra/attributes.js";
import { itemError, TenantReadError } from "./errors.js";
import type { BatchGetResult, PhotoHashCache, TenantGraph } from "./graph-slice.js";
import { type GraphUser, listUsers } from "./listing.js";
import { pairProfiles } from "./pairing.js";
import { applyRoles, readRoles } from "./roles.js";
import type { ActualEmailMethod, ActualPhoneMethod, ActualTenant, ActualUser } from "./types.js";
import { tenantOf } from "./types.js";

export { itemError, TenantReadError } from "./errors.js";
export type { BatchGet, BatchGetResult, Page, PhotoHashCache, TenantGraph } from "./graph-slice.js";

export interface ReadOptions {
  /** False: authentication methods are not read (pull-request plans; their app lacks the permission). */
  authMethods?: boolean;
  hashImage: (jpeg: Buffer) => Promise<string>;
  photoCache: PhotoHashCache;
  /** Progress lines for large tenants (stderr). */
  progress?: (message: string) => void;
}

export async function readTenant(
  graph: TenantGraph,
  desired: DesiredState,
  options: ReadOptions,
): Promise<ActualTenant> {
  const profiles = desired.profiles;
  const managed = profiles.filter((p) => p.manager !== undefined);
  // Without `$expand`, the managers are read in batches as soon as the listing's way is decided.
  let managers: Promise<DetailsByProfile | undefined> = Promise.resolve(undefined);
  const listing = listUsers(graph, {
    select: userSelect(profiles),
    ...(desired.config.scope.filter !== undefined ? { filter: desired.config.scope.filter } : {}),
    upns: profiles.map((p) => p.userPrincipalName.value),
    managers: managed.length,
    decided: (expanded) => {
      if (expanded) return;
      managers = readProfileDetails(graph, managed, { manager: true });
      // Awaited below once the listing is done; until then a failure must not count as unhandled.
      managers.catch(() => {});
    },
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const [listed, details, roles] = await Promise.all([
    // The manager reads are awaited with the listing, so that a failure of either is reported.
    listing.then(async (result) => ({ result, managers: await managers })),
    readProfileDetails(
      graph,
      profiles,
      { photo: true, authentication: options.authMethods !== false },
      options,
    ),
    readRoles(graph),
  ]);
  const users = listed.result.users.map((u) => toActualUser(u, listed.result.managersExpanded));
  const tenant = tenantOf(users, listed.result.total);
  const pairs = pairProfiles(profiles, tenant).pairs;
  for (const { profile, user } of pairs) {
    applyDetails(user, profile, details);
    if (listed.managers) applyDetails(user, profile, listed.managers);
  }
  applyRoles(tenant, roles);
  await readMailHolders(graph, tenant, newMails(pairs));
  return tenant;
}

/** The mails the profiles would newly give their users. */
export function newMails(pairs: readonly { profile: DesiredProfile; user: ActualUser }[]): string[] {
  return pairs.flatMap(({ profile, user }) => {
    const mail = newMail(profile, user);
    return mail === undefined ? [] : [mail];
  });
}

/** The mail a profile would give its user, when it differs from the tenant's (case-insensitively). */
function newMail(profile: DesiredProfile, user: ActualUser): string | undefined {
  const desired = profile.attributes.get("mail")?.value;
  if (typeof desired !== "string") return undefined;
  const current = user.properties.mail;
  return typeof current === "string" && current.toLowerCase() === desired.toLowerCase() ? undefined : desired;
}

/**
 * Who holds each mail address a plan would write: an SMTP address belongs to one directory object,
 * and Graph refuses a `mail` another object holds among its proxyAddresses (any user of the tenant,
 * not only those in roster's scope). One filtered read per new address, batched: a plan that
 * changes no mail reads nothing more.
 */
export async function readMailHolders(
  graph: TenantGraph,
  tenant: ActualTenant,
  mails: string[],
): Promise<void> {
  const addresses = [...new Set(mails.map((mail) => mail.toLowerCase()))];
  if (addresses.length === 0) return;
  const literal = (address: string) => `'smtp:${address.replaceAll("'", "''")}'`;
  const results = await graph.batch(
    addresses.map((address) => ({
      method: "GET",
      url: `/users?$filter=${encodeURIComponent(`proxyAddresses/any(x:x eq ${literal(address)})`)}&$select=id,userPrincipalName`,
    })),
  );
  const holders = new Map<string, { id: string; userPrincipalName: string }[]>();
  results.forEach((result, i) => {
    const address = addresses[i] as string;
    if (result.status !== 200) {
      throw new TenantReadError(
        `reading which users hold the address ${address} failed: HTTP ${result.status}${result.errorCode ? ` ${result.errorCode}` : ""}`,
        result.error?.hint ? { hint: result.error.hint } : {},
      );
    }
    const value = (result.body as { value?: { id: string; userPrincipalName: string }[] }).value ?? [];
    holders.set(
      address,
      value.map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName })),
    );
  });
  tenant.mailHolders = holders;
}

/** `$select` of a user read: the key, the sync flag and exactly the properties the profiles manage. */
export function userSelect(profiles: readonly DesiredProfile[]): string[] {
  const managedPaths = new Set<string>();
  for (const profile of profiles) for (const path of profile.attributes.keys()) managedPaths.add(path);
  const select = ["id", "userPrincipalName", "onPremisesSyncEnabled", ...selectedProperties(managedPaths)];
  // Whether a cloud user was synced once matters only to the extension attributes it makes read-only.
  if (select.includes("onPremisesExtensionAttributes")) select.push("onPremisesLastSyncDateTime");
  return [...new Set(select)];
}

/** How a profile names its user: by object id when it has one (a pending rename), else by UPN. */
export function userKey(profile: DesiredProfile): string {
  return profile.id?.value ?? profile.userPrincipalName.value;
}

/**
 * The path of a user by object id or UPN. A UPN beginning with `$` is written `/users('$x@y.com')`,
 * its quotes doubled: Graph answers `/users/$x@y.com` with 400, the `$` read as a system query
 * option (learn.microsoft.com/graph/api/user-get, HTTP request). Graph documents that form for
 * such UPNs only, so every other key keeps the slash form.
 */
export function userPath(key: string): string {
  if (!key.startsWith("$")) return `/users/${encodeURIComponent(key)}`;
  return `/users('$${encodeURIComponent(key.slice(1)).replaceAll("'", "''")}')`;
}

export function toActualUser(u: GraphUser, managersExpanded: boolean): ActualUser {
  const { id, userPrincipalName, onPremisesSyncEnabled, onPremisesLastSyncDateTime, manager, ...properties } =
    u;
  delete properties["@odata.type"];
  delete properties["@odata.context"];
  const user: ActualUser = {
    id,
    userPrincipalName,
    onPremisesSyncEnabled: onPremisesSyncEnabled === true,
    previouslySynced: onPremisesSyncEnabled !== true && typeof onPremisesLastSyncDateTime === "string",
    properties,
    roles: [],
  };
  // With `$expand=manager`, a user without a manager has the property absent or null.
  if (managersExpanded) {
    user.manager = manager
      ? { id: manager.id, userPrincipalName: manager.userPrincipalName ?? manager.id }
      : null;
  }
  return user;
}

/** What the per-user reads found for one profile, to be given to its user once paired. */
export interface ProfileDetails {
  manager?: BatchGetResult;
  photo?: { metadata: BatchGetResult; etag?: string; hash?: string; bytes?: BatchGetResult };
  phones?: BatchGetResult;
  emails?: BatchGetResult;
}

export type DetailsByProfile = Map<DesiredProfile, ProfileDetails>;

/** One per-user read of a profile, and where its answer goes. */
export interface DetailRequest {
  profile: DesiredProfile;
  slot: "manager" | "photo" | "phones" | "emails";
  url: string;
}

/**
 * The reads of the manager, photo metadata and authentication methods of each profile that manages
 * them (those asked for), addressed by the profile's key. A profile whose user does not exist gets
 * 404s: it is reported as missing once the profiles are paired, and its answers are never used.
 */
export function detailRequests(
  profiles: readonly DesiredProfile[],
  what: { manager?: boolean; photo?: boolean; authentication?: boolean },
): DetailRequest[] {
  const requests: DetailRequest[] = [];
  for (const profile of profiles) {
    const user = userPath(userKey(profile));
    if (what.manager && profile.manager !== undefined)
      requests.push({ profile, slot: "manager", url: `${user}/manager?$select=id,userPrincipalName` });
    if (what.photo && profile.photo !== undefined)
      requests.push({ profile, slot: "photo", url: `${user}/photo` });
    if (what.authentication && Object.keys(profile.authentication).length > 0) {
      requests.push({ profile, slot: "phones", url: `${user}/authentication/phoneMethods` });
      requests.push({ profile, slot: "emails", url: `${user}/authentication/emailMethods` });
    }
  }
  return requests;
}

/** The answers of {@link detailRequests}, by profile. */
export function detailsFrom(
  requests: readonly DetailRequest[],
  results: readonly BatchGetResult[],
): DetailsByProfile {
  const details: DetailsByProfile = new Map();
  requests.forEach((request, i) => {
    const entry = details.get(request.profile) ?? {};
    const result = results[i] as BatchGetResult;
    if (request.slot === "photo") entry.photo = { metadata: result };
    else entry[request.slot] = result;
    details.set(request.profile, entry);
  });
  return details;
}

/** {@link detailRequests} sent in batches; photos the cache does not know are downloaded and hashed. */
export async function readProfileDetails(
  graph: TenantGraph,
  profiles: readonly DesiredProfile[],
  what: { manager?: boolean; photo?: boolean; authentication?: boolean },
  photoOptions?: ReadOptions,
): Promise<DetailsByProfile> {
  const requests = detailRequests(profiles, what);
  const results = await graph.batch(requests.map((request) => ({ method: "GET", url: request.url })));
  const details = detailsFrom(requests, results);
  if (photoOptions) await readPhotoHashes(graph, details, photoOptions);
  return details;
}

/** Hashes of the photos found: from the cache by etag, else downloaded (in batches) and hashed. */
export async function readPhotoHashes(
  graph: TenantGraph,
  details: DetailsByProfile,
  options: ReadOptions,
): Promise<void> {
  const toFetch: { profile: DesiredProfile; photo: NonNullable<ProfileDetails["photo"]> }[] = [];
  for (const [profile, { photo }] of details) {
    if (photo?.metadata.status !== 200) continue;
    const etag = (photo.metadata.body as { "@odata.mediaEtag"?: string })["@odata.mediaEtag"] ?? "";
    photo.etag = etag;
    const cached = etag ? options.photoCache.get(etag) : undefined;
    if (cached) photo.hash = cached;
    else toFetch.push({ profile, photo });
  }
  if (toFetch.length === 0) return;
  options.progress?.(`downloading ${toFetch.length} photos to compare`);
  const bytes = await graph.batch(
    toFetch.map(({ profile }) => ({ method: "GET", url: `${userPath(userKey(profile))}/photo/$value` })),
  );
  for (const [i, result] of bytes.entries()) {
    const { photo } = toFetch[i] as (typeof toFetch)[number];
    photo.bytes = result;
    if (result.status !== 200 || !Buffer.isBuffer(result.body)) continue;
    photo.hash = await options.hashImage(result.body);
    if (photo.etag) options.photoCache.set(photo.etag, photo.hash);
  }
}

/** Gives `user` what the per-user reads found for its profile; a failed read of a paired user is an error. */
export function applyDetails(user: ActualUser, profile: DesiredProfile, details: DetailsByProfile): void {
  const found = details.get(profile);
  if (!found) return;
  if (found.manager) {
    const result = found.manager;
    if (result.status === 200) {
      const body = result.body as { id: string; userPrincipalName?: string };
      user.manager = { id: body.id, userPrincipalName: body.userPrincipalName ?? body.id };
    } else if (result.status === 404) {
      user.manager = null;
    } else {
      throw itemError("manager", user, result);
    }
  }
  if (found.photo) {
    const { metadata, bytes, etag, hash } = found.photo;
    const size = metadata.body as { width?: number; height?: number } | undefined;
    if (metadata.status === 404 || bytes?.status === 404) {
      // No photo; or deleted between the two reads (eventual consistency, not an error).
      user.photo = null;
    } else if (metadata.status !== 200) {
      throw itemError("photo", user, metadata);
    } else if (hash === undefined) {
      throw itemError("photo", user, bytes ?? metadata);
    } else {
      user.photo = { etag: etag ?? "", hash, width: size?.width ?? 0, height: size?.height ?? 0 };
    }
  }
  if (found.phones && found.emails) {
    for (const result of [found.phones, found.emails])
      if (result.status !== 200) throw itemError("authentication methods", user, result);
    user.authentication = {
      phoneMethods: ((found.phones.body as { value?: ActualPhoneMethod[] }).value ?? []).map((m) => ({
        id: m.id,
        phoneType: m.phoneType,
        phoneNumber: m.phoneNumber,
      })),
      emailMethods: ((found.emails.body as { value?: ActualEmailMethod[] }).value ?? []).map((m) => ({
        id: m.id,
        emailAddress: m.emailAddress,
      })),
    };
  }
}
