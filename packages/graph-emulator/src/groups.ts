// Role-assignable groups, read-only: GET /groups?$filter=isAssignableToRole eq true (group-list;
// the property "Supports $filter (eq, ne, NOT)", and only `eq` works without advanced query
// (learn.microsoft.com/graph/aad-advanced-queries: `ne` and `NOT` need ConsistencyLevel: eventual
// and $count)), GET /groups/{id}/members and its OData cast /groups/{id}/members/microsoft.graph.user
// (group-list-members), GET /groups/{id}/owners (group-list-owners), paged like Graph (default 100,
// `$top` up to 999, `@odata.nextLink`), plus the directoryObject form of a group that the role
// routes list where a role is assigned to a group. The state's groups are users-only
// (role-assignable groups cannot nest groups), so the cast lists the same objects as /members.
// The state holds no other groups, so an unfiltered /groups (which would list every group of a
// real tenant) and other filters answer 501 rather than an incomplete list.
import {
  badRequest,
  methodNotAllowed,
  resourceNotFound,
  segmentNotFound,
  unsupportedQuery,
} from "./errors.js";
import {
  checkOptions,
  encodeToken,
  nextLink,
  pageStart,
  parseSelect,
  parseTop,
  requiredSelectNames,
} from "./odata.js";
import type { Principal, Store } from "./store.js";
import {
  type Caller,
  type EmulatorRequest,
  type EmulatorResponse,
  GraphHttpError,
  type StoredGroup,
} from "./types.js";
import { renderDirectoryObject } from "./users.js";

const USER_CAST = "microsoft.graph.user";

/** Permissions that let an app read users (user-get); without one, member users come back limited. */
const USER_READERS = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

/**
 * A role-assignable group as a directoryObject. `select` holds user property names (the members
 * routes validate `$select` against the user type); of those a group has only `displayName`, and
 * Graph leaves out what the derived type lacks.
 */
export function renderGroupObject(
  group: StoredGroup,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { "@odata.type": "#microsoft.graph.group", id: group.id };
  if (select === undefined || select.includes("*")) return { ...out, ...groupProperties(group) };
  if (select.includes("displayName")) out.displayName = group.displayName;
  return out;
}

/** Every property the emulator keeps of a role-assignable group, as Graph names them. */
function groupProperties(group: StoredGroup): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    description: null,
    groupTypes: [],
    isAssignableToRole: true,
    mailEnabled: false,
    securityEnabled: true,
  };
}

/** A role's member or an eligibility's principal, typed by `@odata.type`. */
export function renderPrincipal(
  principal: Principal,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  return principal.kind === "user"
    ? renderDirectoryObject(principal.user.props, select)
    : renderGroupObject(principal.group, select);
}

const SERVED =
  "The emulator serves only /groups?$filter=isAssignableToRole eq true, /groups/{id}/members[/microsoft.graph.user] and /groups/{id}/owners.";

/** Group properties `/groups?$select=` accepts (those renderListedGroup knows). */
const GROUP_PROPERTIES = [
  "id",
  "displayName",
  "description",
  "groupTypes",
  "isAssignableToRole",
  "mailEnabled",
  "securityEnabled",
];

/** `rest` = the segments after "groups". */
export function handleGroupsRequest(store: Store, req: EmulatorRequest, rest: string[]): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  const [key, relation, cast, ...extra] = rest;
  if (key === undefined) return listRoleAssignableGroups(store, req);
  if (relation === undefined) throw new GraphHttpError(501, "NotImplemented", SERVED);
  const group = store.findGroup(key);
  if (!group) throw resourceNotFound(key);
  if (relation !== "members" && relation !== "owners") throw segmentNotFound(relation);
  if (cast !== undefined && (relation === "owners" || cast !== USER_CAST)) throw segmentNotFound(cast);
  if (extra.length > 0) throw segmentNotFound(extra[0]!);
  checkOptions(req.query, ["$select", "$top", "$skiptoken"]);
  const select = parseSelect(req.query.get("$select"), true);
  const top = parseTop(req.query.get("$top"), 999);
  const start = pageStart(req.query);
  const members = relation === "owners" ? group.owners : group.members;
  const context =
    cast === undefined
      ? `${req.origin}/v1.0/$metadata#directoryObjects`
      : `${req.origin}/v1.0/$metadata#users${select === undefined ? "" : `(${select.join(",")})`}`;
  const body: Record<string, unknown> = { "@odata.context": context };
  if (start + top < members.length) {
    const path = `/groups/${group.id}/${relation}${cast === undefined ? "" : `/${USER_CAST}`}`;
    body["@odata.nextLink"] = nextLink(req.origin, path, req.query, encodeToken({ p: start + top }));
  }
  const limited = !canReadUsers(req.caller);
  body.value = members.slice(start, start + top).map((user) => {
    const rendered = renderDirectoryObject(user.props, select);
    return limited ? limitedInformation(rendered) : rendered;
  });
  return { status: 200, body };
}

/**
 * GET /groups with the one filter the emulator can answer completely: every state group is
 * role-assignable. `ne`/`NOT` on the property are advanced queries (400 without ConsistencyLevel,
 * as Graph answers); any other filter, or none, 501.
 */
function listRoleAssignableGroups(store: Store, req: EmulatorRequest): EmulatorResponse {
  checkOptions(req.query, ["$filter", "$select", "$top", "$skiptoken"]);
  const filter = req.query.get("$filter");
  if (filter === null || !/^\s*isAssignableToRole\s+eq\s+true\s*$/i.test(filter)) {
    if (filter !== null && /isAssignableToRole/i.test(filter) && /\bne\b|\bnot\b/i.test(filter))
      throw unsupportedQuery(
        "Unsupported or invalid query filter clause specified for property 'isAssignableToRole' of resource 'Group'.",
      );
    throw new GraphHttpError(501, "NotImplemented", SERVED);
  }
  const select = parseGroupSelect(req.query.get("$select"));
  const top = parseTop(req.query.get("$top"), 999);
  const start = pageStart(req.query);
  const groups = store.groups();
  const body: Record<string, unknown> = {
    "@odata.context": `${req.origin}/v1.0/$metadata#groups${select === undefined ? "" : `(${select.join(",")})`}`,
  };
  if (start + top < groups.length)
    body["@odata.nextLink"] = nextLink(req.origin, "/groups", req.query, encodeToken({ p: start + top }));
  body.value = groups.slice(start, start + top).map((group) => renderListedGroup(group, select));
  return { status: 200, body };
}

function parseGroupSelect(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const names = requiredSelectNames(raw);
  for (const name of names)
    if (!GROUP_PROPERTIES.includes(name))
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.group'.`);
  return [...new Set(names)];
}

function renderListedGroup(
  group: StoredGroup,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const full = groupProperties(group);
  if (select === undefined) return full;
  return Object.fromEntries(select.map((name) => [name, full[name]]));
}

function canReadUsers(caller: Caller): boolean {
  return caller.permissions === undefined || USER_READERS.some((name) => caller.permissions?.has(name));
}

/**
 * group-list-members: "if it doesn't have permission to read a certain resource type, members of
 * that type are returned but with limited information ... only the @odata.type property for the
 * object type and the id is returned, while other properties are indicated as null".
 */
function limitedInformation(rendered: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(rendered).map(([name, value]) => [
      name,
      name === "@odata.type" || name === "id" ? value : null,
    ]),
  );
}
