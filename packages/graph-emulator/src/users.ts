// The user resource: list (with paging, `$select`, `$filter`, `$count`, `$expand=manager`), get by
// id or UPN, PATCH and a minimal POST. Lists walk the store's stable order from the position in the
// `$skiptoken`, and only as far as the page needs; id/UPN filters go straight to the indexes.
import { randomUUID } from "node:crypto";
import { badRequest, resourceNotFound, unsupportedQuery } from "./errors.js";
import { type FilterNode, indexKeys, matches, parseFilter } from "./filter.js";
import {
  checkOptions,
  decodeToken,
  type Expand,
  encodeToken,
  hasEventualConsistency,
  isAdvanced,
  nextLink,
  parseExpand,
  parseSelect,
  parseTop,
  project,
  usersContext,
} from "./odata.js";
import type { Store, UserView } from "./store.js";
import type { EmulatorRequest, EmulatorResponse, StoredUser } from "./types.js";
import { emptyValue } from "./user-schema.js";
import { parseJsonBody, upnConflict, validatePatch } from "./validation.js";

const LIST_OPTIONS = ["$select", "$top", "$filter", "$count", "$expand", "$skiptoken"];
const GET_OPTIONS = ["$select", "$expand"];
const MAX_TOP = 999;
/**
 * With `$expand`, Graph still accepts `$top` up to 999 but returns at most 100 users per page, with a
 * nextLink for the rest (Known issues, "$expand on directory objects: returns a maximum of 100
 * objects", developer.microsoft.com/graph/known-issues/?search=13635; docs PR
 * microsoftgraph/microsoft-graph-docs#21506 "Max page size with $expand is 100").
 */
const MAX_PAGE_EXPANDED = 100;

export function listUsers(store: Store, req: EmulatorRequest): EmulatorResponse {
  const { query } = req;
  if (query.has("$search")) {
    // Graph needs the header for $search; the emulator does not implement $search at all.
    if (!hasEventualConsistency(req.headers)) {
      throw unsupportedQuery(
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    throw unsupportedQuery("$search is not supported by the roster emulator; use $filter.");
  }
  checkOptions(query, LIST_OPTIONS);
  const select = parseSelect(query.get("$select"), true);
  const expand = parseExpand(query.get("$expand"));
  // user-list-manager: "$levels parameter is only supported on a single user".
  if (expand?.levels !== undefined)
    throw unsupportedQuery("$levels in $expand=manager is supported on a single user only, not on a list.");
  if (expand && hasEventualConsistency(req.headers) && query.get("$count") === "true") {
    throw unsupportedQuery(
      "$expand is not supported with advanced queries (ConsistencyLevel: eventual and $count).",
    );
  }
  const requested = parseTop(query.get("$top"), MAX_TOP);
  const top = expand ? Math.min(requested, MAX_PAGE_EXPANDED) : requested;
  const advanced = isAdvanced(query, req.headers);
  const rawFilter = query.get("$filter");
  const filter = rawFilter === null ? undefined : parseFilter(rawFilter, { advanced });
  const skiptoken = query.get("$skiptoken");
  const start = skiptoken === null ? 0 : tokenPosition(skiptoken);

  const candidates = filter ? candidatesFor(store, filter) : store.all();
  const now = store.clock();
  const page: UserView[] = [];
  let i = candidates === store.all() ? start : firstAtOrAfter(store, candidates, start);
  for (; i < candidates.length && page.length < top; i++) {
    const view = store.view(candidates[i]!, now);
    if (view && (!filter || matches(filter, view.props))) page.push(view);
  }
  const body: Record<string, unknown> = { "@odata.context": usersContext(req.origin, select, false) };
  if (advanced && skiptoken === null) body["@odata.count"] = countMatches(store, candidates, filter, now);
  if (i < candidates.length) {
    const position = candidates === store.all() ? i : store.indexOf(candidates[i]!);
    body["@odata.nextLink"] = nextLink(req.origin, "/users", query, encodeToken({ p: position }));
  }
  body.value = page.map((view) => renderUser(store, view, select, expand));
  return { status: 200, body };
}

export function getUser(store: Store, req: EmulatorRequest, key: string): EmulatorResponse {
  checkOptions(req.query, GET_OPTIONS);
  const view = readUser(store, key);
  const select = parseSelect(req.query.get("$select"), false);
  const expand = parseExpand(req.query.get("$expand"));
  // user-list-manager: "$levels requires the ConsistencyLevel header set to eventual".
  if (expand?.levels !== undefined && !hasEventualConsistency(req.headers))
    throw unsupportedQuery(
      "$levels in $expand=manager requires the ConsistencyLevel header set to eventual.",
    );
  return {
    status: 200,
    body: {
      "@odata.context": usersContext(req.origin, select, true),
      ...renderUser(store, view, select, expand),
    },
  };
}

export function patchUser(store: Store, req: EmulatorRequest, key: string): EmulatorResponse {
  checkOptions(req.query, []);
  const user = requireUser(store, key);
  const changes = validatePatch(store, user, parseJsonBody(req.body));
  applyChanges(store, user, changes);
  return { status: 204 };
}

/** Minimal account creation: Graph's required properties, then the PATCH rules for the rest. */
export function createUser(store: Store, req: EmulatorRequest): EmulatorResponse {
  checkOptions(req.query, []);
  const body = parseJsonBody(req.body);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("The request body must be a JSON object.", "BadRequest");
  }
  const { passwordProfile, ...rest } = body as Record<string, unknown>;
  for (const required of ["accountEnabled", "displayName", "mailNickname", "userPrincipalName"]) {
    if (rest[required] === undefined)
      throw badRequest(`Property '${required}' is required when creating the user.`);
  }
  if (
    typeof passwordProfile !== "object" ||
    passwordProfile === null ||
    typeof (passwordProfile as { password?: unknown }).password !== "string"
  ) {
    throw badRequest("A password must be specified to create a new user.");
  }
  const upn = String(rest.userPrincipalName);
  const draft: StoredUser = {
    props: { id: randomUUID(), userPrincipalName: upn },
    phoneMethods: [],
    emailMethods: [],
    roles: [],
    eligibleRoles: [],
  };
  if (store.byUpnLower(upn)) throw upnConflict();
  const changes = validatePatch(store, draft, rest);
  const user: StoredUser = {
    ...draft,
    props: {
      ...draft.props,
      userType: "Member",
      createdDateTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      ...changes,
    },
  };
  if (typeof user.props.mail === "string") user.props.proxyAddresses = [`SMTP:${user.props.mail}`];
  store.add(user);
  store.beforeWrite(user, Object.keys(user.props), true);
  return {
    status: 201,
    body: {
      "@odata.context": usersContext(req.origin, undefined, true),
      ...project(user.props, undefined, emptyValue),
    },
  };
}

/** The user for a read (404 when unknown, or when created inside the stale-read window). */
export function readUser(store: Store, key: string): UserView {
  const view = store.read(key);
  if (!view) throw resourceNotFound(key);
  return view;
}

/** The user for a write: writes always see the latest state, but a just-created user may 404. */
export function requireUser(store: Store, key: string): StoredUser {
  return readUser(store, key).user;
}

export function renderUser(
  store: Store,
  view: UserView,
  select: readonly string[] | undefined,
  expand: Expand | undefined,
): Record<string, unknown> {
  const out = project(view.props, select, emptyValue);
  if (expand) {
    const manager = managerChain(store, view, expand.levels ?? 1, expand.select);
    if (manager) out.manager = manager;
  }
  return out;
}

/**
 * The manager of `view`, each manager nesting its own up to `levels` (user-list-manager, example 2);
 * the last one has no `manager` property, like a manager at the top of the organization.
 */
function managerChain(
  store: Store,
  view: UserView,
  levels: number | "max",
  select: readonly string[] | undefined,
): Record<string, unknown> | undefined {
  const top: Record<string, unknown> = {};
  let parent = top;
  // A cycle in the tenant's data must not loop: each manager appears at most once in a chain.
  const seen = new Set<string>([view.props.id]);
  let current = view;
  for (let level = 0; levels === "max" || level < levels; level++) {
    const manager = current.managerId ? store.find(current.managerId) : undefined;
    const managerView = manager && store.view(manager);
    if (!managerView || seen.has(managerView.props.id)) break;
    seen.add(managerView.props.id);
    const rendered = renderDirectoryObject(managerView.props, select);
    parent.manager = rendered;
    parent = rendered;
    current = managerView;
  }
  return top.manager as Record<string, unknown> | undefined;
}

/** A user as a directoryObject (manager, role member): typed, and always carrying its id. */
export function renderDirectoryObject(
  props: Record<string, unknown>,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  return { "@odata.type": "#microsoft.graph.user", id: props.id, ...project(props, select, emptyValue) };
}

function applyChanges(store: Store, user: StoredUser, changes: Record<string, unknown>): void {
  const names = Object.keys(changes);
  if (names.length === 0) return;
  store.beforeWrite(user, names);
  if (
    typeof changes.userPrincipalName === "string" &&
    changes.userPrincipalName !== user.props.userPrincipalName
  ) {
    store.rename(user, changes.userPrincipalName);
  }
  // Replace the props object rather than mutating it: the stale-read snapshot shares the old one.
  const props = { ...user.props, ...changes } as StoredUser["props"];
  if (typeof changes.mail === "string")
    props.proxyAddresses = withPrimaryAddress(user.props.proxyAddresses, changes.mail);
  user.props = props;
}

/** Writing `mail` makes it the primary SMTP address and demotes the previous one (§1.5). */
function withPrimaryAddress(current: unknown, mail: string): string[] {
  const others = (Array.isArray(current) ? (current as string[]) : [])
    .filter((a) => a.toLowerCase() !== `smtp:${mail.toLowerCase()}`)
    .map((a) => (a.startsWith("SMTP:") ? `smtp:${a.slice(5)}` : a));
  return [`SMTP:${mail}`, ...others];
}

function tokenPosition(raw: string): number {
  const token = decodeToken(raw);
  const position = token.p;
  if (typeof position !== "number" || !Number.isInteger(position) || position < 0) {
    throw badRequest(
      "The specified page token value has expired and can no longer be included in your request.",
    );
  }
  return position;
}

/** Users an index can answer for, in stable order; otherwise every user (a scan). */
function candidatesFor(store: Store, filter: FilterNode): readonly StoredUser[] {
  const keys = indexKeys(filter);
  if (!keys) return store.all();
  const found = new Set<StoredUser>();
  for (const { prop, value } of keys) {
    const user = prop === "id" ? store.find(value) : store.byUpnLower(value);
    if (user && (prop === "userPrincipalName" || user.props.id.toLowerCase() === value.toLowerCase()))
      found.add(user);
  }
  return [...found].sort((a, b) => store.indexOf(a) - store.indexOf(b));
}

function firstAtOrAfter(store: Store, candidates: readonly StoredUser[], position: number): number {
  const index = candidates.findIndex((user) => store.indexOf(user) >= position);
  return index === -1 ? candidates.length : index;
}

function countMatches(
  store: Store,
  candidates: readonly StoredUser[],
  filter: FilterNode | undefined,
  now: number,
): number {
  let count = 0;
  for (const user of candidates) {
    const view = store.view(user, now);
    if (view && (!filter || matches(filter, view.props))) count++;
  }
  return count;
}
