// Reads a part of the users, never listing the tenant: `roster plan --changed-since` reads the
// users whose desired state changed, `roster apply` the users of the plan it carries out. One set
// of JSON batches holds everything: each user by id or UPN (`GET /users/{key}?$select=…`, `/users('$…')` for a UPN that begins with `$`), its
// manager, photo metadata and authentication methods where its profile manages them, the existence
// of the managers the profiles name, and the directory roles (privileged users are judged as in a
// full read). What a part cannot tell, the number of unmanaged users, is left unknown.
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import type { BatchGet, BatchGetResult, TenantGraph } from "./graph-slice.js";
import type { GraphUser } from "./listing.js";
import { pairProfiles } from "./pairing.js";
import {
  applyDetails,
  type DetailsByProfile,
  detailRequests,
  detailsFrom,
  itemError,
  newMails,
  type ReadOptions,
  readMailHolders,
  readPhotoHashes,
  readProfileDetails,
  toActualUser,
  userKey,
  userPath,
  userSelect,
} from "./read.js";
import { applyRoles, ROLE_REQUESTS, readRoles } from "./roles.js";
import type { ActualTenant, ActualUser } from "./types.js";
import { tenantOf } from "./types.js";

export interface SubsetRead {
  /** The users read (the managers the profiles name too, by id and UPN only); not counted. */
  tenant: ActualTenant;
  /**
   * The profiles to diff, in repository order: those asked for, and any other profile that
   * describes one of their users (two files describing one user are reported as in a full plan).
   */
  profiles: DesiredProfile[];
}

const ADVANCED = { ConsistencyLevel: "eventual" };

export async function readTenantSubset(
  graph: TenantGraph,
  desired: DesiredState,
  wanted: readonly DesiredProfile[],
  options: ReadOptions & {
    /** Object ids of users to read whatever profile describes them (apply: the plan's users). */
    userIds?: Iterable<string>;
  },
): Promise<SubsetRead> {
  const all = desired.profiles;
  const everything = { manager: true, photo: true, authentication: options.authMethods !== false };
  const select = userSelect(all).join(",");
  const scope = desired.config.scope.filter;
  const byUpn = new Map(all.map((p) => [p.userPrincipalName.value.toLowerCase(), p]));

  // Managers are resolved as the diff resolves them: through the profile of that UPN (by its id,
  // which may name a rename not applied yet), else the tenant's user of that UPN.
  const wantedKeys = new Set(wanted.map(userKey));
  const managerKeys = new Set<string>();
  for (const profile of wanted) {
    const upn = profile.manager?.value;
    if (typeof upn !== "string") continue;
    const managerProfile = byUpn.get(upn.toLowerCase());
    const key = managerProfile ? userKey(managerProfile) : upn;
    if (!wantedKeys.has(key)) managerKeys.add(key);
  }

  for (const id of options.userIds ?? []) wantedKeys.add(id);
  for (const key of wantedKeys) managerKeys.delete(key);
  const lookupKeys = [...wantedKeys, ...managerKeys];
  const lookups: BatchGet[] = [
    ...[...wantedKeys].map((key) => lookup(key, select, scope)),
    ...[...managerKeys].map((key) => lookup(key, "id,userPrincipalName", scope)),
  ];
  const requests = detailRequests(wanted, everything);
  if (lookups.length === 0) return { tenant: tenantOf([], null), profiles: [] };
  const results = await graph.batch([
    ...lookups,
    ...ROLE_REQUESTS,
    ...requests.map((request): BatchGet => ({ method: "GET", url: request.url })),
  ]);
  const found = results.slice(0, lookups.length);
  const roleResults = results.slice(lookups.length, lookups.length + ROLE_REQUESTS.length);
  const details = detailsFrom(requests, results.slice(lookups.length + ROLE_REQUESTS.length));
  const [roles] = await Promise.all([
    readRoles(graph, roleResults),
    readPhotoHashes(graph, details, options),
  ]);

  const users: ActualUser[] = [];
  const seen = new Set<string>();
  found.forEach((result, i) => {
    const user = userOf(result, scope !== undefined, lookupKeys[i] as string);
    if (!user || seen.has(user.id.toLowerCase())) return;
    seen.add(user.id.toLowerCase());
    users.push(toActualUser(user, false));
  });
  const tenant = tenantOf(users, null);

  // The users of the wanted profiles, and every profile that describes one of them.
  const isWanted = new Set(wanted);
  const wantedUsers = new Set(pairProfiles(wanted, tenant).pairs.map((pair) => pair.user.id.toLowerCase()));
  const profiles = all.filter((profile) => {
    if (isWanted.has(profile)) return true;
    const user = profile.id
      ? tenant.byId.get(profile.id.value.toLowerCase())
      : tenant.byUpn.get(profile.userPrincipalName.value.toLowerCase());
    return user !== undefined && wantedUsers.has(user.id.toLowerCase());
  });
  const others = profiles.filter((p) => !isWanted.has(p));
  const more: DetailsByProfile =
    others.length > 0 ? await readProfileDetails(graph, others, everything, options) : new Map();
  const pairs = pairProfiles(profiles, tenant).pairs;
  for (const { profile, user } of pairs) {
    applyDetails(user, profile, isWanted.has(profile) ? details : more);
  }
  applyRoles(tenant, roles);
  // As in a full read: who already holds a mail these profiles would newly set.
  await readMailHolders(graph, tenant, newMails(pairs));
  return { tenant, profiles };
}

/** A user by id or UPN; under a scope filter, only when the user is in scope (as in a full read). */
function lookup(key: string, select: string, scope: string | undefined): BatchGet {
  if (scope === undefined) return { method: "GET", url: `${userPath(key)}?$select=${select}` };
  const value = key.replaceAll("'", "''");
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
  const filter = `(${scope}) and ${byId ? "id" : "userPrincipalName"} eq '${value}'`;
  return {
    method: "GET",
    url: `/users?$filter=${encodeURIComponent(filter)}&$select=${select}&$count=true`,
    headers: ADVANCED,
  };
}

function userOf(result: BatchGetResult, listed: boolean, key: string): GraphUser | undefined {
  if (result.status === 404) return undefined;
  if (result.status !== 200) {
    throw itemError("user", { userPrincipalName: key }, result);
  }
  if (!listed) return result.body as GraphUser;
  return ((result.body as { value?: GraphUser[] }).value ?? [])[0];
}
