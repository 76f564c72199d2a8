// How to list the tenant, decided by time under Graph's limits, then by requests. Pure.
//
// Time is counted in rounds: one round is one request's latency. Pages of one listing follow one
// another (each waits for the previous `@odata.nextLink`), so a listing of p pages is a chain of p
// rounds; requests that do not wait for each other share the client's slots (`maxInFlight`). A
// schedule of r requests whose longest chain is c rounds takes about c + (r - c) / slots rounds:
// the floor this module minimises, and the one the benchmark reports (README, "Performance").
//
// Managers come with the listing (`$expand=manager`, which Graph caps at 100 users a page instead
// of 999) or from batched `GET /users/{key}/manager` reads, 20 to a `$batch`. The batched reads cost
// one resource unit each against Graph's identity budget (8,000 per 10 s for a tenant of more than
// 500 users, graph-contract §7.2; learn.microsoft.com/graph/throttling-limits): past half of it they
// would be throttled for whole windows, so then the listing expands managers whatever the rounds say.

export const LIST_PAGE_SIZE = 999;
export const EXPANDED_PAGE_SIZE = 100;
export const BATCH_SIZE = 20;

/** Graph's identity budget per 10 s for one app in one tenant, by the tenant's size (§7.2). */
export function resourceUnitBudget(tenantUsers: number): number {
  return tenantUsers < 50 ? 3_500 : tenantUsers <= 500 ? 5_000 : 8_000;
}

export interface StrategyInput {
  /** Users the listing returns: the tenant's `$count`, or the number of profiles. */
  users: number;
  /** Users whose manager must be read (profiles that set `manager`). */
  managers: number;
  /**
   * Users expected in each part when the listing is split (partitions.ts), scaled to `users`; an
   * empty list when it cannot be split (a scope filter).
   */
  parts: readonly number[];
  maxInFlight: number;
  /** `$expand` is refused in advanced query mode (a scope filter may need it). */
  expandAllowed: boolean;
  /** Expanded pages of the whole listing already read (a probe): following them on costs less. */
  expandedPagesRead?: number;
}

export interface Strategy {
  expandManagers: boolean;
  /** List the tenant in the parts given, side by side (else as one listing). */
  partitioned: boolean;
  /** Requests of the listing, the `$count` of a split listing and the batched manager reads. */
  requests: number;
  /** The longest chain of requests that must follow one another. */
  chain: number;
  /** chain + (requests - chain) / maxInFlight. */
  rounds: number;
}

/** Splitting pays only when it saves this many rounds (each part adds a partly filled page). */
const SPLIT_MIN_SAVING = 2;
/** Options within this many rounds of the fastest count as equally fast: fewer requests wins. */
const SAME_TIME = 1;

export function chooseStrategy(input: StrategyInput): Strategy {
  const options: Strategy[] = [];
  const add = (expandManagers: boolean, partitioned: boolean) => {
    const pageSize = expandManagers ? EXPANDED_PAGE_SIZE : LIST_PAGE_SIZE;
    const sizes = partitioned ? input.parts : [input.users];
    const pages = sizes.map((n) => Math.max(1, Math.ceil(n / pageSize)));
    // Only the one listing in the probe's own order can go on from where the probe stopped.
    if (expandManagers && !partitioned && input.expandedPagesRead)
      pages[0] = Math.max(0, (pages[0] as number) - input.expandedPagesRead);
    const batches = expandManagers ? 0 : Math.ceil(input.managers / BATCH_SIZE);
    // A split listing is checked against `/users/$count` (one request beside it).
    const requests = pages.reduce((a, b) => a + b, 0) + batches + (partitioned ? 1 : 0);
    const chain = Math.max(0, ...pages);
    const rounds = chain + (requests - chain) / Math.max(1, input.maxInFlight);
    options.push({ expandManagers, partitioned, requests, chain, rounds });
  };
  const batchedAffordable = input.managers <= resourceUnitBudget(input.users) / 2;
  const expandModes =
    input.managers === 0
      ? [false]
      : [
          ...(input.expandAllowed ? [true] : []),
          ...(batchedAffordable || !input.expandAllowed ? [false] : []),
        ];
  for (const expand of expandModes) {
    add(expand, false);
    if (input.parts.length > 1) add(expand, true);
  }
  const worth = (o: Strategy) =>
    !o.partitioned ||
    options.some(
      (u) =>
        !u.partitioned && u.expandManagers === o.expandManagers && u.rounds - o.rounds >= SPLIT_MIN_SAVING,
    );
  const candidates = options.filter(worth);
  const fastest = Math.min(...candidates.map((o) => o.rounds));
  const asFast = candidates.filter((o) => o.rounds - fastest < SAME_TIME);
  asFast.sort((a, b) => a.requests - b.requests || a.rounds - b.rounds);
  return asFast[0] as Strategy;
}
