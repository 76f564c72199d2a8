// What the HTML plan shows of the tenant beyond the diff: the current photos of the users whose
// photo changes, and the people (with their managers) that the org charts of manager changes name.
// Read only for the users the caller lists, in JSON batches of 20; the client bounds the requests
// in flight. A failed item is reported per user, never thrown: a page with one missing picture is
// still worth showing.
import type { BatchGetResult } from "./read.js";

/** The slice of the Graph client these reads need (src/graph implements it). */
export interface PicturesGraph {
  /** Many GETs through `$batch` (≤ 20 per batch), each with `headers`; results in request order. */
  batchGet(paths: readonly string[], headers?: Record<string, string>): Promise<BatchGetResult[]>;
}

/** The tenant's current photo of one user. */
export type TenantPhoto =
  | { kind: "photo"; jpeg: Buffer }
  /** No photo (removed since the plan was made: Graph is eventually consistent). */
  | { kind: "none" }
  | { kind: "failed"; reason: string };

/** Graph's standard rendition closest to what the page shows (profilephoto-get: 48…648). */
export const PHOTO_RENDITION = "240x240";

/**
 * Current photos by user id. Asks for Graph's 240×240 rendition first (a few kilobytes); a photo
 * smaller than that has no such rendition (404), so those users get the full photo instead.
 */
export async function downloadPhotos(
  graph: PicturesGraph,
  userIds: readonly string[],
): Promise<Map<string, TenantPhoto>> {
  const photos = new Map<string, TenantPhoto>();
  const sized = await graph.batchGet(userIds.map((id) => `/users/${id}/photos/${PHOTO_RENDITION}/$value`));
  const retry: string[] = [];
  sized.forEach((result, i) => {
    const id = userIds[i] as string;
    if (result.status === 404) retry.push(id);
    else photos.set(id, photoOf(result));
  });
  const full = await graph.batchGet(retry.map((id) => `/users/${id}/photo/$value`));
  full.forEach((result, i) => {
    photos.set(retry[i] as string, photoOf(result));
  });
  return photos;
}

function photoOf(result: BatchGetResult): TenantPhoto {
  if (result.status === 200 && Buffer.isBuffer(result.body) && result.body.length > 0)
    return { kind: "photo", jpeg: result.body };
  if (result.status === 404) return { kind: "none" };
  return { kind: "failed", reason: failure(result) };
}

/** A person as the tenant knows them; `managerId` undefined = not read this far up. */
export interface TenantPerson {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
  managerId?: string | null;
}

/** One user to read, with how many managers above them (0 = the user alone). */
export interface PersonRead {
  id: string;
  levels: number;
}

export interface PeopleResult {
  /** Everyone read, the managers in the chains included, by lower-cased id. */
  people: Map<string, TenantPerson>;
  /** Users that could not be read, with the reason. */
  failures: { id: string; reason: string }[];
}

const PERSON_SELECT = "id,displayName,userPrincipalName";

/**
 * Reads each listed user with their manager chain `levels` high, one request per user:
 * `GET /users/{id}?$expand=manager($levels=n;$select=…)`. Graph serves `$levels` on a single user
 * only, and only with `ConsistencyLevel: eventual` (learn.microsoft.com/graph/api/user-list-manager).
 */
export async function readPeople(graph: PicturesGraph, reads: readonly PersonRead[]): Promise<PeopleResult> {
  const people = new Map<string, TenantPerson>();
  const failures: PeopleResult["failures"] = [];
  const withChain = reads.filter((r) => r.levels > 0);
  const alone = reads.filter((r) => r.levels <= 0);
  const [chained, plain] = await Promise.all([
    graph.batchGet(
      withChain.map(
        (r) =>
          `/users/${r.id}?$select=${PERSON_SELECT}&$expand=manager($levels=${r.levels};$select=${PERSON_SELECT})`,
      ),
      { ConsistencyLevel: "eventual" },
    ),
    graph.batchGet(alone.map((r) => `/users/${r.id}?$select=${PERSON_SELECT}`)),
  ]);
  const record = (read: PersonRead, result: BatchGetResult) => {
    if (result.status !== 200 || typeof result.body !== "object" || result.body === null) {
      failures.push({ id: read.id, reason: failure(result) });
      return;
    }
    addChain(people, result.body as GraphPerson, read.levels);
  };
  for (const [i, read] of withChain.entries()) record(read, chained[i] as BatchGetResult);
  for (const [i, read] of alone.entries()) record(read, plain[i] as BatchGetResult);
  return { people, failures };
}

interface GraphPerson {
  id?: unknown;
  displayName?: unknown;
  userPrincipalName?: unknown;
  manager?: GraphPerson;
}

/**
 * Flattens a nested chain into `people`. A person read with levels to spare and no `manager` is at
 * the top; the last level read says nothing about what is above it. What one read knows is never
 * overwritten by another read that knows less.
 */
function addChain(people: Map<string, TenantPerson>, root: GraphPerson, levels: number): void {
  let node: GraphPerson | undefined = root;
  for (let depth = 0; node && typeof node.id === "string"; depth++) {
    const manager: GraphPerson | undefined = node.manager;
    const managerId =
      manager && typeof manager.id === "string"
        ? manager.id.toLowerCase()
        : depth < levels
          ? null
          : undefined;
    const id = node.id.toLowerCase();
    const known = people.get(id);
    people.set(id, {
      id,
      displayName: stringOrNull(node.displayName) ?? known?.displayName ?? null,
      userPrincipalName: stringOrNull(node.userPrincipalName) ?? known?.userPrincipalName ?? null,
      managerId: managerId === undefined ? known?.managerId : managerId,
    });
    node = manager;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function failure(result: BatchGetResult): string {
  return `HTTP ${result.status}${result.errorCode ? ` ${result.errorCode}` : ""}`;
}
