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
   * Ways to split the listing (partitions.ts): the users expected in each part, scaled to
   * `users`. Empty when it cannot be split (a scope filter).
   */
  partitionings: readonly (readonly number[])[];
  maxInFlight: number;
  /** `$expand` is refused in advanced query mode (a scope filter may need it). */
  expandAllowed: boolean;
  /** Expanded pages of the whole listing already read (a probe): following them on costs less. */
  expandedPagesRead?: number;
}

export interface Strategy {
  expandManagers: boolean;
  /** Index into `partitionings` of the split chosen, or undefined for one listing. */
  partitioning?: number;
  /** Requests of the listing, the `$count` of a split listing and the batched manager reads. */
  requests: number;
  /** The longest chain of requests that must follow one another. */
  chain: number;
  /** chain + (requests - chain) / maxInFlight. */
  rounds: number;
}

/**
 * A split listing adds a partly filled page per part and the `$count` that checks it: allowed while
 * the way of reading managers needs at most this many times its fewest requests.
 */
export const REQUEST_ALLOWANCE = 1.1;
/** Splitting pays only when it saves this many rounds. */
const SPLIT_MIN_SAVING = 2;
/** Ways within this many rounds of the fastest count as equally fast: fewer requests wins. */
const SAME_TIME = 1;

/**
 * For each way of reading managers (expanded in the listing, or in batches), the fastest listing
 * that stays within {@link REQUEST_ALLOWANCE} of that way's fewest requests; then the fastest of
 * those, the fewer requests between two within a round of each other.
 */
export function chooseStrategy(input: StrategyInput): Strategy {
  const option = (expandManagers: boolean, partitioning?: number): Strategy => {
    const pageSize = expandManagers ? EXPANDED_PAGE_SIZE : LIST_PAGE_SIZE;
    const sizes =
      partitioning === undefined ? [input.users] : (input.partitionings[partitioning] as number[]);
    const pages = sizes.map((n) => Math.max(1, Math.ceil(n / pageSize)));
    // Only the one listing in the probe's own order can go on from where the probe stopped.
    if (expandManagers && partitioning === undefined && input.expandedPagesRead)
      pages[0] = Math.max(0, (pages[0] as number) - input.expandedPagesRead);
    const batches = expandManagers ? 0 : Math.ceil(input.managers / BATCH_SIZE);
    // A split listing is checked against `/users/$count` (one request beside it).
    const requests = pages.reduce((a, b) => a + b, 0) + batches + (partitioning === undefined ? 0 : 1);
    const chain = Math.max(0, ...pages);
    const rounds = chain + (requests - chain) / Math.max(1, input.maxInFlight);
    return {
      expandManagers,
      ...(partitioning === undefined ? {} : { partitioning }),
      requests,
      chain,
      rounds,
    };
  };
  const batchedAffordable = input.managers <= resourceUnitBudget(input.users) / 2;
  const modes =
    input.managers === 0
      ? [false]
      : [
          ...(input.expandAllowed ? [true] : []),
          ...(batchedAffordable || !input.expandAllowed ? [false] : []),
        ];
  const best = modes.map((expand) => {
    const whole = option(expand);
    const splits = input.partitionings
      .map((_, i) => option(expand, i))
      .filter(
        (o) =>
          o.requests <= whole.requests * REQUEST_ALLOWANCE && whole.rounds - o.rounds >= SPLIT_MIN_SAVING,
      );
    return [whole, ...splits].sort((a, b) => a.rounds - b.rounds || a.requests - b.requests)[0] as Strategy;
  });
  const fastest = Math.min(...best.map((o) => o.rounds));
  return best
    .filter((o) => o.rounds - fastest < SAME_TIME)
    .sort((a, b) => a.requests - b.requests || a.rounds - b.rounds)[0] as Strategy;
}
