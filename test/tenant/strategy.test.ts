// The listing's way, by time (rounds of latency) under Graph's limits, then by requests.
import { describe, expect, it } from "vitest";
import { chooseStrategy } from "../../src/tenant/strategy.js";

const eight = (users: number) => Array.from({ length: 8 }, () => users / 8);

describe("chooseStrategy", () => {
  it("a tenant one expanded page holds: that page, nothing else", () => {
    expect(
      chooseStrategy({ users: 40, managers: 30, partitionings: [], maxInFlight: 8, expandAllowed: true }),
    ).toEqual({
      expandManagers: true,
      requests: 1,
      chain: 1,
      rounds: 1,
    });
  });

  it("100,000 users, a third with managers: expanded pages in 8 parts; batched reads would pass half the RU budget", () => {
    // Batched: 33,334 reads of 1 RU against 8,000 RU per 10 s. Expanded: 1,000 pages; in 8 parts
    // of 12,500 users, 125 pages each, plus the $count that checks the split.
    expect(
      chooseStrategy({
        users: 100_000,
        managers: 33_334,
        partitionings: [eight(100_000)],
        maxInFlight: 8,
        expandAllowed: true,
      }),
    ).toEqual({ expandManagers: true, partitioning: 0, requests: 1001, chain: 125, rounds: 125 + 876 / 8 });
  });

  it("100,000 users without managers: 999-user pages in 8 parts (13 rounds and 2 partly filled pages, not 101)", () => {
    expect(
      chooseStrategy({
        users: 100_000,
        managers: 0,
        partitionings: [eight(100_000)],
        maxInFlight: 8,
        expandAllowed: true,
      }),
    ).toEqual({ expandManagers: false, partitioning: 0, requests: 105, chain: 13, rounds: 13 + 92 / 8 });
  });

  it("a few managers in a large tenant: 999-user pages and batched manager reads beside them", () => {
    expect(
      chooseStrategy({ users: 2500, managers: 30, partitionings: [], maxInFlight: 8, expandAllowed: true }),
    ).toEqual({
      expandManagers: false,
      requests: 5,
      chain: 3,
      rounds: 3 + 2 / 8,
    });
  });

  it("does not split when it saves less than two rounds", () => {
    const strategy = chooseStrategy({
      users: 1500,
      managers: 0,
      partitionings: [[500, 500, 500]],
      maxInFlight: 8,
      expandAllowed: true,
    });
    expect(strategy).toEqual({ expandManagers: false, requests: 2, chain: 2, rounds: 2 });
  });

  it("does not split when the parts cost more than a tenth more requests: 1,000 users, a third with managers", () => {
    // Expanded: 10 pages in a row (split in 8: 16 pages and the $count, 17 > 11). Batched: 2 pages
    // beside 17 batches (split: 26 > 20.9), 4.1 rounds: the faster of the two.
    const parts = Array.from({ length: 8 }, () => 125);
    expect(
      chooseStrategy({
        users: 1000,
        managers: 333,
        partitionings: [parts],
        maxInFlight: 8,
        expandAllowed: true,
      }),
    ).toEqual({ expandManagers: false, requests: 19, chain: 2, rounds: 2 + 17 / 8 });
  });

  it("follows a probe's expanded page rather than listing again when that is as fast", () => {
    // 300 users: 2 more expanded pages (2 rounds, 2 requests), or a 999 page beside 5 batches (1.6
    // rounds, 6 requests): within a round, so the fewer requests.
    expect(
      chooseStrategy({
        users: 300,
        managers: 100,
        partitionings: [],
        maxInFlight: 8,
        expandAllowed: true,
        expandedPagesRead: 1,
      }),
    ).toMatchObject({ expandManagers: true, requests: 2, chain: 2 });
  });

  it("never expands when $expand is refused (a scope filter), whatever the RU cost", () => {
    expect(
      chooseStrategy({
        users: 5000,
        managers: 5000,
        partitionings: [],
        maxInFlight: 8,
        expandAllowed: false,
      }),
    ).toMatchObject({
      expandManagers: false,
      requests: Math.ceil(5000 / 999) + 5000 / 20,
    });
  });
});
