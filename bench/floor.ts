// The floor the benchmark compares roster with: the fewest requests the work needs, and the least
// time Graph's limits allow for it (README, "Performance"). Pure.
//
//   requests floor = 1 (GET /organization) + ceil(N / page size) listing pages + 1 (/directoryRoles)
//                    + ceil(per-user reads / 20) + ceil(photo downloads / 20)
//                    + ceil(managers / 20) when managers are read in batches + ceil(writes / 20)
//   time floor     = local work of loading the repository (validate's wall time, measured)
//                    + latency × (pages that must follow one another
//                                 + all other requests / the requests Graph lets run side by side)
//                    and never less than the budget windows the resource units need: a budget of
//                    8,000 RU per 10 s (a sliding window, as the emulator models it) lets the
//                    first 8,000 go at once, and every further 8,000 wait for the next window.
// Pages that must follow one another: the tenant's identity, then the listing's pages in as many
// parts as run side by side (Graph serves `startswith` parts in parallel: ceil(pages / C)).

export const LATENCY_MS = 25;
/** Requests side by side: roster's bound, within the RU budget at 25 ms (src/graph/client.ts). */
export const CONCURRENCY = 8;
export const BATCH = 20;
/** Identity budget of a tenant of more than 500 users: 8,000 RU per 10 s (graph-contract §7.2). */
export const RU_LIMIT = 8000;
export const RU_WINDOW_MS = 10_000;

export interface Work {
  tenantUsers: number;
  /** 999, or 100 when managers are expanded. */
  pageSize: number;
  /** Per-user reads in batches: photo metadata, authentication methods, users by key, the roles. */
  batchedReads: number;
  photoDownloads: number;
  /** Manager reads in batches (0 when expanded). */
  managerReads: number;
  writes: number;
  /** 0 for a plan that reads no listing (--changed-since). */
  listed: boolean;
  /** Resource units of the identity requests (pages: 1, expanded 2; reads and writes 1). */
  resourceUnits: number;
}

export interface Floor {
  requests: number;
  /** Pages and requests that must follow one another. */
  chain: number;
  /** Requests that may run side by side. */
  parallel: number;
  graphMs: number;
}

export function floorOf(work: Work): Floor {
  const pages = work.listed ? Math.ceil(work.tenantUsers / work.pageSize) : 0;
  const batches =
    Math.ceil(work.batchedReads / BATCH) +
    Math.ceil(work.photoDownloads / BATCH) +
    Math.ceil(work.managerReads / BATCH) +
    Math.ceil(work.writes / BATCH);
  const roles = work.listed ? 1 : 0;
  const requests = 1 + pages + roles + batches;
  const chain = 1 + Math.ceil(pages / CONCURRENCY);
  const parallel = requests - 1 - pages;
  const budgetWindows = Math.max(0, Math.ceil(work.resourceUnits / RU_LIMIT) - 1);
  const graphMs = Math.max(
    LATENCY_MS * (chain + parallel / CONCURRENCY),
    budgetWindows * RU_WINDOW_MS + LATENCY_MS,
  );
  return { requests, chain, parallel, graphMs };
}
