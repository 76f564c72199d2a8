// Reads the actual state of the users roster manages, with as few Graph requests as the API allows:
// one paged list for every profile property, managers by whichever way costs fewer requests, and
// per-user reads (photo, authentication methods) only for users whose profile manages them, in
// JSON batches of 20.
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import { selectedProperties } from "../entra/attributes.js";
import { RosterError } from "../errors.js";
import { pairProfiles } from "./pairing.js";
import type { ActualEmailMethod, ActualPhoneMethod, ActualTenant, ActualUser } from "./types.js";
import { tenantOf } from "./types.js";

/** The slice of the Graph client the reader needs (src/graph implements it). */
export interface TenantGraph {
  /** GET one page of a collection: a relative path with query, or an absolute `@odata.nextLink`. */
  getPage<T>(pathOrNextLink: string, headers?: Record<string, string>): Promise<Page<T>>;
  /** Many GETs through `$batch` (≤ 20 per batch); results in request order. */
  batchGet(paths: readonly string[]): Promise<BatchGetResult[]>;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
  /** `@odata.count`, on the first page when `$count=true` was asked. */
  count?: number;
}

export interface BatchGetResult {
  status: number;
  /** Parsed JSON, or a Buffer for binary content. */
  body: unknown;
  /** Graph's `error.code` for a failed item. */
  errorCode?: string;
  /** What to do about a failed item (e.g. the permission to grant for a 403). */
  error?: { hint?: string };
}

/** Perceptual hashes of tenant photos by `@odata.mediaEtag`, kept between runs. */
export interface PhotoHashCache {
  get(etag: string): string | undefined;
  set(etag: string, hash: string): void;
}

export interface ReadOptions {
  /**
   * Whose per-user details (manager, photo, authentication methods) to read; default everyone a
   * profile manages. Apply re-checks only the users of the plan it carries out.
   */
  detailsFor?: (user: ActualUser) => boolean;
  /** False: authentication methods are not read (pull-request plans; their app lacks the permission). */
  authMethods?: boolean;
  hashImage: (jpeg: Buffer) => Promise<string>;
  photoCache: PhotoHashCache;
  /** Progress lines for large tenants (stderr). */
  progress?: (message: string) => void;
}

/** Graph's page cap: 999 with `$top`, but 100 once `$expand` is present. */
export const LIST_PAGE_SIZE = 999;
export const EXPANDED_PAGE_SIZE = 100;
export const BATCH_SIZE = 20;

/** A tenant read that returned something roster cannot use (a failed per-user read). */
export class TenantReadError extends RosterError {}

interface GraphUser {
  id: string;
  userPrincipalName: string;
  onPremisesSyncEnabled?: boolean | null;
  onPremisesLastSyncDateTime?: string | null;
  manager?: { id: string; userPrincipalName?: string } | null;
  [property: string]: unknown;
}

export async function readTenant(
  graph: TenantGraph,
  desired: DesiredState,
  options: ReadOptions,
): Promise<ActualTenant> {
  const profiles = desired.profiles;
  const managedPaths = profiles.flatMap((p) => [...p.attributes.keys()]);
  const select = ["id", "userPrincipalName", "onPremisesSyncEnabled", ...selectedProperties(managedPaths)];
  // Whether a cloud user was synced once matters only to the extension attributes it makes read-only.
  if (select.includes("onPremisesExtensionAttributes")) select.push("onPremisesLastSyncDateTime");
  const uniqueSelect = [...new Set(select)];
  const managersWanted = profiles.filter((p) => p.manager).length;

  const listing = await listUsers(graph, uniqueSelect, desired.config.scope.filter, managersWanted, options);
  const users = listing.users.map((u) => toActualUser(u, listing.managersExpanded));
  const tenant = tenantOf(users, users.length);
  const wanted = options.detailsFor ?? (() => true);
  const pairs = pairProfiles(profiles, tenant).pairs.filter((pair) => wanted(pair.user));
  const usersWhere = (needs: (profile: DesiredProfile) => boolean) =>
    pairs.filter((pair) => needs(pair.profile)).map((pair) => pair.user);

  // Independent reads run side by side; the client bounds the requests in flight.
  await Promise.all([
    listing.managersExpanded
      ? undefined
      : readManagers(
          graph,
          usersWhere((p) => p.manager !== undefined),
        ),
    readPhotos(
      graph,
      usersWhere((p) => p.photo !== undefined),
      options,
    ),
    options.authMethods === false
      ? undefined
      : readAuthentication(
          graph,
          usersWhere((p) => Object.keys(p.authentication).length > 0),
        ),
    readRoles(graph, tenant),
    readMailHolders(
      graph,
      tenant,
      pairs.flatMap(({ profile, user }) => {
        const mail = newMail(profile, user);
        return mail === undefined ? [] : [mail];
      }),
    ),
  ]);
  return tenant;
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
async function readMailHolders(graph: TenantGraph, tenant: ActualTenant, mails: string[]): Promise<void> {
  const addresses = [...new Set(mails.map((mail) => mail.toLowerCase()))];
  if (addresses.length === 0) return;
  const literal = (address: string) => `'smtp:${address.replaceAll("'", "''")}'`;
  const results = await graph.batchGet(
    addresses.map(
      (address) =>
        `/users?$filter=${encodeURIComponent(`proxyAddresses/any(x:x eq ${literal(address)})`)}&$select=id,userPrincipalName`,
    ),
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

/**
 * Lists the users in scope. When profiles set managers, the first page asks `$count`, so that once
 * N is known the reader can pick the cheaper way to learn M managers: keep paging 999 at a time and
 * batch `manager` reads (ceil(N/999) + ceil(M/20) requests), or list again with `$expand=manager`,
 * which Graph caps at 100 per page (1 + ceil(N/100) requests). `$count` needs Graph's advanced
 * query mode, served from an eventually consistent index (graph-contract §5.2), so it is used only
 * when that choice is to be made or the scope filter may need it.
 */
async function listUsers(
  graph: TenantGraph,
  select: string[],
  filter: string | undefined,
  managersWanted: number,
  options: ReadOptions,
): Promise<{ users: GraphUser[]; managersExpanded: boolean }> {
  const advancedMode = managersWanted > 0 || filter !== undefined;
  const query = (top: number, expand: boolean) => {
    const parts = [`$select=${select.join(",")}`, `$top=${top}`];
    if (filter) parts.push(`$filter=${encodeURIComponent(filter)}`);
    // Advanced query mode refuses `$expand`.
    if (expand) parts.push("$expand=manager($select=id,userPrincipalName)");
    else if (advancedMode) parts.push("$count=true");
    return `/users?${parts.join("&")}`;
  };
  const advanced: Record<string, string> = advancedMode ? { ConsistencyLevel: "eventual" } : {};
  const first = await graph.getPage<GraphUser>(query(LIST_PAGE_SIZE, false), advanced);
  const total = first.count;
  let expand = false;
  if (total !== undefined && managersWanted > 0 && !filter) {
    const expandCost = 1 + Math.ceil(total / EXPANDED_PAGE_SIZE);
    const batchCost = Math.ceil(total / LIST_PAGE_SIZE) + Math.ceil(managersWanted / BATCH_SIZE);
    // A scope filter may need advanced query mode (`ne`, `not`, `endsWith`): never `$expand` then.
    expand = expandCost < batchCost;
  }

  const users: GraphUser[] = [];
  const headers = expand ? {} : advanced;
  let page = expand ? await graph.getPage<GraphUser>(query(EXPANDED_PAGE_SIZE, true)) : first;
  for (;;) {
    users.push(...page.value);
    if (page.nextLink)
      options.progress?.(`read ${users.length}${total === undefined ? "" : ` of ${total}`} users`);
    if (!page.nextLink) break;
    page = await graph.getPage<GraphUser>(page.nextLink, headers);
  }
  return { users, managersExpanded: expand };
}

function toActualUser(u: GraphUser, managersExpanded: boolean): ActualUser {
  const { id, userPrincipalName, onPremisesSyncEnabled, onPremisesLastSyncDateTime, manager, ...properties } =
    u;
  delete properties["@odata.type"];
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

/** Batched `GET /users/{id}/manager`: one request per 20 users whose profile sets a manager. */
async function readManagers(graph: TenantGraph, users: ActualUser[]): Promise<void> {
  const results = await graph.batchGet(
    users.map((u) => `/users/${u.id}/manager?$select=id,userPrincipalName`),
  );
  results.forEach((result, i) => {
    const user = users[i] as ActualUser;
    if (result.status === 200) {
      const body = result.body as { id: string; userPrincipalName?: string };
      user.manager = { id: body.id, userPrincipalName: body.userPrincipalName ?? body.id };
    } else if (result.status === 404) {
      user.manager = null;
    } else {
      throw itemError("manager", user, result);
    }
  });
}

/** Photo metadata for each user, then the photo itself only where the etag is new to the cache. */
async function readPhotos(graph: TenantGraph, users: ActualUser[], options: ReadOptions): Promise<void> {
  const metadata = await graph.batchGet(users.map((u) => `/users/${u.id}/photo`));
  const toFetch: { user: ActualUser; etag: string; width: number; height: number }[] = [];
  metadata.forEach((result, i) => {
    const user = users[i] as ActualUser;
    if (result.status === 404) {
      user.photo = null;
      return;
    }
    if (result.status !== 200) throw itemError("photo", user, result);
    const body = result.body as { "@odata.mediaEtag"?: string; width?: number; height?: number };
    const etag = body["@odata.mediaEtag"] ?? "";
    const cached = etag ? options.photoCache.get(etag) : undefined;
    if (cached) user.photo = { etag, hash: cached, width: body.width ?? 0, height: body.height ?? 0 };
    else toFetch.push({ user, etag, width: body.width ?? 0, height: body.height ?? 0 });
  });
  if (toFetch.length > 0) options.progress?.(`downloading ${toFetch.length} photos to compare`);
  const bytes = await graph.batchGet(toFetch.map((f) => `/users/${f.user.id}/photo/$value`));
  for (const [i, result] of bytes.entries()) {
    const item = toFetch[i] as (typeof toFetch)[number];
    if (result.status === 404) {
      // Deleted between the two reads: eventual consistency, not an error.
      item.user.photo = null;
      continue;
    }
    if (result.status !== 200 || !Buffer.isBuffer(result.body)) throw itemError("photo", item.user, result);
    const hash = await options.hashImage(result.body);
    if (item.etag) options.photoCache.set(item.etag, hash);
    item.user.photo = { etag: item.etag, hash, width: item.width, height: item.height };
  }
}

async function readAuthentication(graph: TenantGraph, users: ActualUser[]): Promise<void> {
  const paths = users.flatMap((u) => [
    `/users/${u.id}/authentication/phoneMethods`,
    `/users/${u.id}/authentication/emailMethods`,
  ]);
  const results = await graph.batchGet(paths);
  users.forEach((user, i) => {
    const phones = results[2 * i] as BatchGetResult;
    const emails = results[2 * i + 1] as BatchGetResult;
    for (const result of [phones, emails])
      if (result.status !== 200) throw itemError("authentication methods", user, result);
    user.authentication = {
      phoneMethods: ((phones.body as { value: ActualPhoneMethod[] }).value ?? []).map((m) => ({
        id: m.id,
        phoneType: m.phoneType,
        phoneNumber: m.phoneNumber,
      })),
      emailMethods: ((emails.body as { value: ActualEmailMethod[] }).value ?? []).map((m) => ({
        id: m.id,
        emailAddress: m.emailAddress,
      })),
    };
  });
}

/** Graph expands at most 20 objects of a relationship, without a nextLink. */
const EXPANDED_MEMBERS_CAP = 20;

/** Directory roles with their members: a few requests for the whole tenant. */
async function readRoles(graph: TenantGraph, tenant: ActualTenant): Promise<void> {
  const page = await graph.getPage<{ id: string; displayName: string; members?: { id: string }[] }>(
    "/directoryRoles?$expand=members($select=id,userPrincipalName)",
  );
  // Activated directory roles number a few dozen at most: one page.
  for (const role of page.value) {
    let members = role.members ?? [];
    // The expansion may have been cut at 20: read a fuller role's own member list (paged, no $top).
    if (members.length >= EXPANDED_MEMBERS_CAP) {
      members = [];
      let next: string | undefined = `/directoryRoles/${role.id}/members?$select=id`;
      while (next) {
        const membersPage: Page<{ id: string }> = await graph.getPage<{ id: string }>(next);
        members.push(...membersPage.value);
        next = membersPage.nextLink;
      }
    }
    for (const member of members) {
      tenant.byId.get(member.id.toLowerCase())?.roles.push(role.displayName);
    }
  }
}

function itemError(what: string, user: ActualUser, result: BatchGetResult): TenantReadError {
  const hint = result.error?.hint;
  return new TenantReadError(
    `reading the ${what} of ${user.userPrincipalName} failed: HTTP ${result.status}${result.errorCode ? ` ${result.errorCode}` : ""}`,
    hint ? { hint } : {},
  );
}
