// What `roster export` reads from Graph, through roster's one Graph client: the users in scope with
// the chosen properties (managers expanded in the same listing where Graph allows it), then per-user
// reads (manager, photo, authentication methods) in `$batch` calls of 20, several in flight, each
// group handed on as soon as it arrives so that 10,000 photos never sit in memory together.
import { RosterError } from "../errors.js";
import { mapLimit } from "../util/map-limit.js";
import type { ExportedUser } from "./profile.js";

/** The slice of the Graph client export needs (src/graph's client implements it). */
export interface ExportGraph {
  getPage<T>(pathOrNextLink: string, headers?: Record<string, string>): Promise<ExportPage<T>>;
  /** Many GETs through `$batch` (≤ 20 per call); results in request order. */
  batchGet(paths: readonly string[]): Promise<ExportBatchResult[]>;
}

export interface ExportPage<T> {
  value: T[];
  nextLink?: string;
}

export interface ExportBatchResult {
  status: number;
  /** Parsed JSON, or a Buffer for binary content. */
  body: unknown;
  errorCode?: string;
  /** The failure as a roster error (with a hint, e.g. the permission to grant), when there is one. */
  error?: Error;
}

/** Graph's page size for a plain listing, and once `$expand` is present. */
export const LIST_PAGE_SIZE = 999;
export const EXPANDED_PAGE_SIZE = 100;
/** Requests per `$batch`, and `$batch` calls handed to the client at once (it bounds the wire). */
export const BATCH_SIZE = 20;
const BATCHES_AT_ONCE = 8;

/** A read that failed for one user (not a 404, which means "none"). */
export class ExportReadError extends RosterError {}

export interface ListOptions {
  /** Graph properties to `$select` besides id, userPrincipalName and onPremisesSyncEnabled. */
  properties: readonly string[];
  /** OData `$filter` (roster.yaml's scope and `--filter`, joined). */
  filter?: string;
  /** Whether managers are wanted: expanded in the listing, or batched when a filter forbids that. */
  managers: boolean;
  /** Called after each page with the number of users read so far. */
  onPage?: (usersSoFar: number) => void;
}

interface GraphUser {
  id: string;
  userPrincipalName: string;
  onPremisesSyncEnabled?: boolean | null;
  manager?: { id: string; userPrincipalName?: string } | null;
  [property: string]: unknown;
}

/**
 * The users in scope, sorted by UPN (case-insensitive). Without a filter, managers come with the
 * listing (`$expand=manager`, 100 a page: N/100 requests, against N/999 + N/20 for batched reads).
 * A filter may need Graph's advanced query mode (`ne`, `endsWith`, `$count`), which refuses
 * `$expand`: then the listing is 999 a page and managers are read in batches.
 */
export async function listUsers(graph: ExportGraph, options: ListOptions): Promise<ExportedUser[]> {
  const select = [...new Set(["id", "userPrincipalName", "onPremisesSyncEnabled", ...options.properties])];
  const expand = options.managers && options.filter === undefined;
  const parts = [`$select=${select.join(",")}`, `$top=${expand ? EXPANDED_PAGE_SIZE : LIST_PAGE_SIZE}`];
  let headers: Record<string, string> | undefined;
  if (options.filter !== undefined) {
    parts.push(`$filter=${encodeURIComponent(options.filter)}`, "$count=true");
    headers = { ConsistencyLevel: "eventual" };
  }
  if (expand) parts.push("$expand=manager($select=id,userPrincipalName)");

  const listed: GraphUser[] = [];
  let next: string | undefined = `/users?${parts.join("&")}`;
  while (next !== undefined) {
    const page: ExportPage<GraphUser> = await graph.getPage<GraphUser>(next, headers);
    listed.push(...page.value);
    options.onPage?.(listed.length);
    next = page.nextLink;
  }
  const users = listed.map((u) => toExportedUser(u, expand));
  users.sort((a, b) => compareUpn(a.userPrincipalName, b.userPrincipalName));
  return users;
}

function toExportedUser(u: GraphUser, managersExpanded: boolean): ExportedUser {
  const { id, userPrincipalName, onPremisesSyncEnabled, manager, ...properties } = u;
  delete properties["@odata.type"];
  const user: ExportedUser = {
    id,
    userPrincipalName,
    onPremisesSyncEnabled: onPremisesSyncEnabled === true,
    properties,
  };
  // Expanded: a user without a manager has the property absent or null.
  if (managersExpanded)
    user.manager = manager ? { id: manager.id, userPrincipalName: manager.userPrincipalName } : null;
  return user;
}

export function compareUpn(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Runs one GET per user (or several: `paths` returns them) through `$batch`, in groups of one batch,
 * several groups at once; `onGroup` receives each group's users with their results, in order within
 * the group, as soon as the group is done.
 */
export async function batchPerUser(
  graph: ExportGraph,
  users: readonly ExportedUser[],
  paths: (user: ExportedUser) => string[],
  onGroup: (group: { user: ExportedUser; results: ExportBatchResult[] }[]) => Promise<void> | void,
): Promise<void> {
  const perUser = users.length > 0 ? paths(users[0] as ExportedUser).length : 1;
  const usersPerBatch = Math.max(1, Math.floor(BATCH_SIZE / perUser));
  const groups: ExportedUser[][] = [];
  for (let i = 0; i < users.length; i += usersPerBatch) groups.push(users.slice(i, i + usersPerBatch));
  await mapLimit(groups, BATCHES_AT_ONCE, async (group) => {
    const results = await graph.batchGet(group.flatMap(paths));
    await onGroup(group.map((user, i) => ({ user, results: results.slice(i * perUser, (i + 1) * perUser) })));
  });
}

/** Batched `GET /users/{id}/manager`, for a listing that could not expand them. */
export async function readManagers(
  graph: ExportGraph,
  users: readonly ExportedUser[],
  onProgress?: (done: number) => void,
): Promise<void> {
  await batchPerUser(
    graph,
    users,
    (u) => [`/users/${u.id}/manager?$select=id,userPrincipalName`],
    (group) => {
      for (const { user, results } of group) {
        const result = results[0] as ExportBatchResult;
        if (result.status === 404) user.manager = null;
        else if (result.status === 200) {
          const body = result.body as { id: string; userPrincipalName?: string };
          user.manager = { id: body.id, userPrincipalName: body.userPrincipalName };
        } else throw itemError("manager", user, result);
      }
      onProgress?.(group.length);
    },
  );
}

/** Batched phone and e-mail authentication methods. */
export async function readAuthenticationMethods(
  graph: ExportGraph,
  users: readonly ExportedUser[],
  onProgress?: (done: number) => void,
): Promise<void> {
  await batchPerUser(
    graph,
    users,
    (u) => [`/users/${u.id}/authentication/phoneMethods`, `/users/${u.id}/authentication/emailMethods`],
    (group) => {
      for (const { user, results } of group) {
        const [phones, emails] = results as [ExportBatchResult, ExportBatchResult];
        for (const result of [phones, emails])
          if (result.status !== 200) throw itemError("authentication methods", user, result);
        user.authentication = {
          phoneMethods: (
            (phones.body as { value?: { phoneType: string; phoneNumber: string }[] }).value ?? []
          )
            .filter((m) => typeof m.phoneNumber === "string")
            .map((m) => ({ phoneType: m.phoneType, phoneNumber: m.phoneNumber })),
          emailMethods: ((emails.body as { value?: { emailAddress: string }[] }).value ?? [])
            .filter((m) => typeof m.emailAddress === "string")
            .map((m) => ({ emailAddress: m.emailAddress })),
        };
      }
      onProgress?.(group.length);
    },
  );
}

/**
 * Batched `GET /users/{id}/photo/$value` (the largest size Graph keeps); `onPhoto` gets the bytes,
 * or `undefined` for a user without a photo (404).
 */
export async function readPhotos(
  graph: ExportGraph,
  users: readonly ExportedUser[],
  onPhoto: (user: ExportedUser, bytes: Buffer | undefined) => Promise<void>,
  onProgress?: (done: number) => void,
): Promise<void> {
  await batchPerUser(
    graph,
    users,
    (u) => [`/users/${u.id}/photo/$value`],
    async (group) => {
      for (const { user, results } of group) {
        const result = results[0] as ExportBatchResult;
        if (result.status === 404) await onPhoto(user, undefined);
        else if (result.status === 200 && Buffer.isBuffer(result.body)) await onPhoto(user, result.body);
        else throw itemError("photo", user, result);
      }
      onProgress?.(group.length);
    },
  );
}

function itemError(what: string, user: ExportedUser, result: ExportBatchResult): Error {
  // The client's own error names the call and, for a 403, the permission to grant.
  if (result.error instanceof RosterError) return result.error;
  return new ExportReadError(
    `reading the ${what} of ${user.userPrincipalName} failed: HTTP ${result.status}${result.errorCode ? ` ${result.errorCode}` : ""}`,
  );
}
