// Who holds a directory role, however they hold it: directly, through a role-assignable group, or
// as a role they may activate (PIM eligibility); and who is a member or an owner of any
// role-assignable group, which Microsoft protects like an admin whatever the group holds. The plan
// keeps its hands off those users' sensitive properties and authentication methods
// (src/entra/roles.ts), so missing one is a security hole: every failure here is an error, never
// an empty answer.
import { roleAssignableGroupLabel, roleLabel } from "../entra/roles.js";
import { itemError } from "./errors.js";
import type { BatchGet, BatchGetResult, Page, TenantGraph } from "./graph-slice.js";
import type { ActualTenant } from "./types.js";

/** Graph expands at most 20 objects of a relationship, without a nextLink. */
const EXPANDED_MEMBERS_CAP = 20;
const GROUP_TYPE = "#microsoft.graph.group";

/** Active roles, members expanded (a group holding a role is listed as the group). */
export const ROLES_PATH = "/directoryRoles?$expand=members($select=id,displayName)";
/** Roles users and groups may activate: learn.microsoft.com/graph/api/rbacapplication-list-roleeligibilityscheduleinstances. */
export const ELIGIBILITY_PATH =
  "/roleManagement/directory/roleEligibilityScheduleInstances?$expand=principal,roleDefinition";
/**
 * Every role-assignable group, whether or not it holds a role: learn.microsoft.com/graph/api/group-list
 * (GroupMember.Read.All); **isAssignableToRole** "Supports `$filter` (`eq`, `ne`, `NOT`)"
 * (resources/group), and `eq` needs no advanced query (no ConsistencyLevel header).
 */
export const ROLE_ASSIGNABLE_GROUPS_PATH =
  "/groups?$filter=isAssignableToRole%20eq%20true&$select=id,displayName";
/** The three first pages, read in one `$batch` (also inside a larger one, see subset.ts). */
export const ROLE_REQUESTS: readonly BatchGet[] = [
  { method: "GET", url: ROLES_PATH },
  { method: "GET", url: ELIGIBILITY_PATH },
  { method: "GET", url: ROLE_ASSIGNABLE_GROUPS_PATH },
];

interface DirectoryObject {
  "@odata.type"?: string;
  id: string;
  displayName?: string | null;
}

interface GraphRole {
  id: string;
  displayName: string;
  members?: DirectoryObject[];
}

interface GraphEligibility {
  principal?: DirectoryObject | null;
  principalId: string;
  roleDefinition?: { displayName?: string } | null;
}

/** Role labels (roleLabel) by lower-cased user id. */
export type RoleMembers = Map<string, string[]>;

/** Reads every holder of every role; `first` = the results of ROLE_REQUESTS when already fetched. */
export async function readRoles(graph: TenantGraph, first?: readonly BatchGetResult[]): Promise<RoleMembers> {
  const [rolesResult, eligibilityResult, groupsResult] = first ?? (await graph.batch(ROLE_REQUESTS));
  const byMember: RoleMembers = new Map();
  const add = (id: string, label: string) => {
    const key = id.toLowerCase();
    byMember.set(key, [...(byMember.get(key) ?? []), label]);
  };
  /** Groups holding a role, with the labels their members get. */
  const groups = new Map<string, { name: string; labels: string[] }>();
  const holder = (principal: DirectoryObject, role: string, eligible: boolean) => {
    if (principal["@odata.type"] === GROUP_TYPE) {
      const group = groups.get(principal.id) ?? { name: principal.displayName ?? principal.id, labels: [] };
      group.labels.push(roleLabel(role, { eligible, group: group.name }));
      groups.set(principal.id, group);
    } else add(principal.id, roleLabel(role, { eligible }));
  };

  for (const role of await firstPage<GraphRole>(graph, rolesResult, "directory roles")) {
    let members = role.members ?? [];
    // The expansion may have been cut at 20: read a fuller role's own member list.
    if (members.length >= EXPANDED_MEMBERS_CAP) {
      members = await allPages<DirectoryObject>(
        graph,
        `/directoryRoles/${role.id}/members?$select=id,displayName`,
      );
    }
    for (const member of members) holder(member, role.displayName, false);
  }

  for (const item of await eligibilities(graph, eligibilityResult)) {
    // A principal Graph no longer resolves (deleted) holds nothing roster manages.
    if (!item.principal) continue;
    holder(item.principal, item.roleDefinition?.displayName ?? "an unnamed role", true);
  }

  // Only role-assignable groups can hold or be eligible for a role, so this list holds those groups
  // too; a group holding a role that the list lacks (a replication delay) is read all the same.
  for (const group of await firstPage<DirectoryObject>(graph, groupsResult, "role-assignable groups")) {
    if (!groups.has(group.id)) groups.set(group.id, { name: group.displayName ?? group.id, labels: [] });
  }

  // Role-assignable groups cannot contain groups, so their direct members (and owners) are everyone
  // they protect. Owners hold none of the group's roles, but Microsoft protects them as well.
  const entries = [...groups.entries()];
  const lists = await Promise.all(
    entries.map(([id]) =>
      Promise.all([
        allPages<DirectoryObject>(graph, `/groups/${id}/members?$select=id`),
        allPages<DirectoryObject>(graph, `/groups/${id}/owners?$select=id`),
      ]),
    ),
  );
  entries.forEach(([, group], i) => {
    const [members = [], owners = []] = lists[i] ?? [];
    const memberLabels =
      group.labels.length > 0 ? group.labels : [roleAssignableGroupLabel("member", group.name)];
    for (const member of members) for (const label of memberLabels) add(member.id, label);
    for (const owner of owners) add(owner.id, roleAssignableGroupLabel("owner", group.name));
  });
  return byMember;
}

export function applyRoles(tenant: ActualTenant, roles: RoleMembers): void {
  for (const [id, labels] of roles) tenant.byId.get(id)?.roles.push(...labels);
}

/** The eligibilities; none in a tenant without Entra ID P2 (no PIM, so nobody is eligible). */
async function eligibilities(
  graph: TenantGraph,
  result: BatchGetResult | undefined,
): Promise<GraphEligibility[]> {
  // Observed, not documented: github.com/maester365/maester/issues/1421.
  if (result?.status === 400 && result.errorCode === "AadPremiumLicenseRequired") return [];
  return firstPage<GraphEligibility>(graph, result, "role eligibilities");
}

/** A collection read through `$batch`, its first page from `result` and the rest through getPage. */
async function firstPage<T>(
  graph: TenantGraph,
  result: BatchGetResult | undefined,
  what: string,
): Promise<T[]> {
  // The batch answers every item it was sent; a missing one is as unusable as a failed one.
  if (result?.status !== 200) {
    throw itemError(what, { userPrincipalName: "the tenant" }, result ?? { status: 0, body: undefined });
  }
  const body = result.body as { value?: T[]; "@odata.nextLink"?: string };
  const value = body.value ?? [];
  const next = body["@odata.nextLink"];
  if (next === undefined) return value;
  return [...value, ...(await allPages<T>(graph, next))];
}

async function allPages<T>(graph: TenantGraph, path: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: Page<T> = await graph.getPage<T>(next);
    items.push(...page.value);
    next = page.nextLink;
  }
  return items;
}
