// Lists the users in scope, the way strategy.ts finds fastest under Graph's limits:
//   - one page when one page holds everyone (a small tenant is one request);
//   - managers expanded in the listing, or read in batches beside it;
//   - a large tenant split into parts by UPN prefix (partitions.ts) listed side by side, checked
//     against `/users/$count` and listed whole should the parts fall short.
// `$count` needs Graph's advanced query mode, which is eventually consistent (graph-contract
// §5.2): it is asked only when the choice depends on the tenant's size or to check a split.
import { RosterError } from "../errors.js";
import type { Page, TenantGraph } from "./graph-slice.js";
import { partitionFilter, upnPartitionings } from "./partitions.js";
import {
  chooseStrategy,
  EXPANDED_PAGE_SIZE,
  LIST_PAGE_SIZE,
  resourceUnitBudget,
  type Strategy,
} from "./strategy.js";

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  onPremisesSyncEnabled?: boolean | null;
  onPremisesLastSyncDateTime?: string | null;
  manager?: { id: string; userPrincipalName?: string } | null;
  [property: string]: unknown;
}

export interface ListingRequest {
  /** `$select`: the key, the sync flag and the managed properties. */
  select: readonly string[];
  /** roster.yaml's `scope.filter`. */
  filter?: string;
  /** UPNs of the repository's profiles: what the tenant is expected to hold. */
  upns: readonly string[];
  /** Profiles whose manager must be read. */
  managers: number;
  /**
   * Told as soon as it is known whether the listing expands managers (before the listing ends), so
   * that batched manager reads can start beside it.
   */
  decided?: (managersExpanded: boolean) => void;
  progress?: (message: string) => void;
}

export interface Listing {
  users: GraphUser[];
  /** Users carry `manager` (null when they have none). */
  managersExpanded: boolean;
  /** Users in scope, as listed. */
  total: number;
}

/** Graph listed something roster cannot use (the same user twice, a count that went missing). */
export class ListingError extends RosterError {}

const ADVANCED = { ConsistencyLevel: "eventual" };
/** Numbers of parts tried (at most the requests in flight). */
const SPLIT_COUNTS = [2, 3, 4, 6, 8];

export async function listUsers(graph: TenantGraph, request: ListingRequest): Promise<Listing> {
  const query = (options: { expand: boolean; filter?: string; count?: boolean }) => {
    const parts = [`$select=${request.select.join(",")}`];
    parts.push(`$top=${options.expand ? EXPANDED_PAGE_SIZE : LIST_PAGE_SIZE}`);
    if (options.filter) parts.push(`$filter=${encodeURIComponent(options.filter)}`);
    if (options.expand) parts.push("$expand=manager($select=id,userPrincipalName)");
    if (options.count) parts.push("$count=true");
    return `/users?${parts.join("&")}`;
  };
  const progress = counter(request.progress);

  // A scope filter may need advanced query mode (`ne`, `not`, `endsWith`), which refuses `$expand`
  // and counts for free on the first page. Split parts would nest it in an `or`, deeper than Graph
  // allows some filters to go: one listing.
  if (request.filter !== undefined) {
    request.decided?.(false);
    const users = await chain(
      graph,
      query({ expand: false, filter: request.filter, count: true }),
      ADVANCED,
      progress,
    );
    return { users, managersExpanded: false, total: users.length };
  }

  const profiles = request.upns.length;
  const managers = request.managers;
  let tenantUsers: number | undefined;
  let probe: Page<GraphUser> | undefined;
  if (managers > 0 && profiles <= EXPANDED_PAGE_SIZE) {
    // Most likely a small tenant: one expanded page holds everyone, and nothing else is asked.
    probe = await graph.getPage<GraphUser>(query({ expand: true }));
    if (!probe.nextLink) {
      request.decided?.(true);
      return { users: probe.value, managersExpanded: true, total: probe.value.length };
    }
    tenantUsers = await countUsers(graph);
  } else if (managers > 0 && managers <= resourceUnitBudget(profiles) / 2) {
    // Expanded pages or batched reads: the tenant's size decides.
    tenantUsers = await countUsers(graph);
  }

  const users = tenantUsers ?? profiles;
  // Splits into a few parts up to as many as run side by side; judged on the repository's UPNs.
  const splittable = users > 2 * EXPANDED_PAGE_SIZE && !probe;
  const counts = [...new Set(SPLIT_COUNTS.map((c) => Math.min(c, graph.maxInFlight)))].filter((c) => c > 1);
  const partitionings = splittable ? upnPartitionings(request.upns, counts) : [];
  const scale = profiles > 0 ? users / profiles : 1;
  const strategy: Strategy = chooseStrategy({
    users,
    managers,
    partitionings: partitionings.map((parts) => parts.map((p) => Math.round(p.expected * scale))),
    maxInFlight: graph.maxInFlight,
    expandAllowed: true,
    ...(probe ? { expandedPagesRead: 1 } : {}),
  });
  progress.total = tenantUsers;
  request.decided?.(strategy.expandManagers);

  if (probe && strategy.expandManagers) {
    // Keep what the probe read and follow it.
    progress.read = probe.value.length;
    const rest = await chain(graph, probe.nextLink as string, {}, progress);
    return {
      users: [...probe.value, ...rest],
      managersExpanded: true,
      total: probe.value.length + rest.length,
    };
  }
  const expand = strategy.expandManagers;
  const partitions = strategy.partitioning === undefined ? undefined : partitionings[strategy.partitioning];
  if (!partitions) {
    const listed = await chain(graph, query({ expand }), {}, progress);
    return { users: listed, managersExpanded: expand, total: listed.length };
  }

  const [listedParts, counted] = await Promise.all([
    Promise.all(
      partitions.map((part) => chain(graph, query({ expand, filter: partitionFilter(part) }), {}, progress)),
    ),
    tenantUsers ?? countUsers(graph),
  ]);
  const listed = unique(listedParts.flat());
  if (listed.length === counted) return { users: listed, managersExpanded: expand, total: listed.length };
  // The parts and the count disagree. Fewer users than counted: a UPN outside the characters the
  // parts cover, or a count index behind a deletion. More: a count index behind a creation, which
  // can as well hide a part that came back short. `/users/$count` is eventually consistent, so
  // neither side proves the other; reading the tenant whole costs time, missing a user costs a
  // wrong plan, so any difference is settled by the whole listing.
  request.progress?.(
    `the split listing found ${listed.length} users where Graph counts ${counted}; listing the tenant whole`,
  );
  const whole = await chain(graph, query({ expand }), {}, counter(request.progress));
  return { users: whole, managersExpanded: expand, total: whole.length };
}

/** `GET /users/$count` (advanced query mode): the number of users, as Graph's index has it. */
async function countUsers(graph: TenantGraph): Promise<number> {
  const answer = await graph.get<unknown>("/users/$count", { headers: ADVANCED });
  const count = Number(typeof answer === "string" ? answer.trim() : answer);
  if (!Number.isInteger(count) || count < 0)
    throw new ListingError(`Graph answered /users/$count with ${JSON.stringify(answer)}, not a number`);
  return count;
}

interface Progress {
  read: number;
  total?: number;
  report(): void;
}

/** Progress lines at most once a second: a line per page would cost more than the page at 100,000 users. */
const PROGRESS_EVERY_MS = 1000;

function counter(report?: (message: string) => void): Progress {
  let last = Date.now();
  const progress: Progress = {
    read: 0,
    report() {
      if (!report || Date.now() - last < PROGRESS_EVERY_MS) return;
      last = Date.now();
      report(`read ${progress.read}${progress.total === undefined ? "" : ` of ${progress.total}`} users`);
    },
  };
  return progress;
}

/** Every page of one listing, each after the previous one's nextLink. */
async function chain(
  graph: TenantGraph,
  first: string,
  headers: Record<string, string>,
  progress: Progress,
): Promise<GraphUser[]> {
  const users: GraphUser[] = [];
  // Each page waits for the last one's nextLink: the listing's pages go before batched reads.
  const urgent = { urgent: true };
  let page = await graph.getPage<GraphUser>(first, headers, urgent);
  for (;;) {
    users.push(...page.value);
    progress.read += page.value.length;
    if (!page.nextLink) break;
    progress.report();
    page = await graph.getPage<GraphUser>(page.nextLink, headers, urgent);
  }
  return users;
}

/** Parts never overlap; a user listed twice (a rename between two pages) is kept once. */
function unique(users: GraphUser[]): GraphUser[] {
  const seen = new Set<string>();
  return users.filter((user) => {
    const key = user.id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
