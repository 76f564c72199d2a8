// How many Graph requests `roster plan` makes, read from the emulator's request log: the tenant's
// identity, one listing (one page when one page holds everyone), managers expanded in it or read in
// batches beside it as the time Graph's limits allow decides, per-user reads only for users whose
// profile manages photos or authentication methods (in `$batch` calls of ≤ 20, sent from the start,
// beside the listing), one read of the directory roles, and no photo download when the etag is in
// the local cache.
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  batchItems,
  call,
  clearRequestLog,
  comparable,
  demoState,
  type Emulator,
  emulator,
  exampleRepo,
  profileRepo,
  requestLog,
  runPlan,
  syntheticTenant,
  syntheticUpn,
  tally,
  wireRequests,
} from "./helpers.js";

const LIST_PAGE = 999;
const EXPANDED_PAGE = 100;
const BATCH = 20;

describe("a tenant of N users whose profiles set neither photos, managers nor authentication", () => {
  let em: Emulator;
  let dir: string;

  beforeAll(async () => {
    em = await emulator(syntheticTenant(1));
    // 30 profiles of the first 30 users: titles as the tenant holds them, except 5 that change.
    dir = await profileRepo(
      Array.from({ length: 30 }, (_, i) => ({
        userPrincipalName: syntheticUpn(i),
        displayName: `User ${i}`,
        jobTitle: i < 5 ? "Changed" : `Title ${i % 7}`,
      })),
    );
  });
  afterAll(async () => {
    await em?.close();
  });

  it.each([999, 1000, 2500])(
    "N = %i: the tenant's identity, ceil(N/999) list pages, 1 $batch of role reads, nothing per user",
    async (n) => {
      await call(em, "PUT", "/_emulator/state", syntheticTenant(n));
      await clearRequestLog(em);

      const run = await runPlan(em, dir, ["--detailed-exitcode"]);
      expect(run.code, run.err).toBe(2);
      expect(run.plan?.summary).toMatchObject({
        managedUsers: 30,
        unmanagedUsers: n - 30,
        changes: { attribute: 5, manager: 0, photo: 0, authMethod: 0 },
      });

      const log = await requestLog(em);
      const pages = Math.ceil(n / LIST_PAGE);
      // The roles are read beside the listing, so only the tenant's identity has a fixed place.
      const wire = wireRequests(log);
      expect(wire[0]).toBe("GET organization");
      expect(tally(wire)).toEqual({ "GET organization": 1, "GET users": pages, "POST $batch": 1 });
      // Who holds a role now, who may activate one, and the role-assignable groups, in one $batch.
      expect(batchItems(log)).toEqual(["GET directoryRoles", "GET roleEligibilities", "GET groups"]);
      expect(log.every((r) => r.status === 200)).toBe(true);
      // The list selects exactly the managed properties (plus the key and the sync flag); with no
      // manager to read it needs no count, so it stays out of the eventually consistent advanced mode.
      expect(decodeURIComponent(log.find((r) => r.path === "/users")?.query ?? "")).toBe(
        "$select=id,userPrincipalName,onPremisesSyncEnabled,displayName,jobTitle&$top=999",
      );
      expect(run.err).toContain(`planned with ${1 + pages + 1} Graph requests`);
    },
  );
});

describe("managers are read the way that takes the least time, then the fewest requests", () => {
  const running: Emulator[] = [];
  const start = async (state: Parameters<typeof emulator>[0]) => {
    const em = await emulator(state);
    running.push(em);
    return em;
  };
  afterAll(async () => {
    await Promise.all(running.map((em) => em.close()));
  });

  it("a tenant that one expanded page holds: one request lists everyone with their managers", async () => {
    const n = 40;
    const em = await start(syntheticTenant(n, (i) => (i === 0 ? undefined : 0)));
    const dir = await profileRepo(
      Array.from({ length: 30 }, (_, k) => ({
        userPrincipalName: syntheticUpn(k + 1),
        manager: syntheticUpn(k >= 1 && k <= 4 ? 1 : 0),
      })),
    );
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary).toMatchObject({ managedUsers: 30, unmanagedUsers: 10 });
    expect(run.plan?.summary.changes.manager).toBe(4);
    const log = await requestLog(em);
    expect(tally(wireRequests(log))).toEqual({
      "GET organization": 1,
      "GET users?expand": 1,
      "POST $batch": 1,
    });
    expect(batchItems(log)).toEqual(["GET directoryRoles", "GET roleEligibilities", "GET groups"]);
  });

  it("more users than one page: the first expanded page, the tenant's $count, then the rest of the pages", async () => {
    const n = 300;
    const m = 100;
    // Everyone reports to user 0; the repository moves users 1..10 to user 1.
    const em = await start(syntheticTenant(n, (i) => (i === 0 ? undefined : 0)));
    const dir = await profileRepo(
      Array.from({ length: m }, (_, k) => ({
        userPrincipalName: syntheticUpn(k + 1),
        manager: syntheticUpn(k < 10 && k > 0 ? 1 : 0),
      })),
    );
    // Following the expanded pages: 2 more pages, 2 rounds. Batched reads: 1 page of 999 beside
    // ceil(100/20) = 5 batches, 1.6 rounds at 8 in flight: as fast within a round, 4 more requests.
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary.changes.manager).toBe(9);
    const log = await requestLog(em);
    const wire = wireRequests(log);
    expect(wire.slice(0, 2)).toEqual(["GET organization", "GET users?expand"]);
    expect(tally(wire)).toEqual({
      "GET organization": 1,
      "GET users?expand": Math.ceil(n / EXPANDED_PAGE),
      "GET users/$count": 1,
      "POST $batch": 1,
    });
    expect(batchItems(log)).toEqual(["GET directoryRoles", "GET roleEligibilities", "GET groups"]);
    expect(
      log.filter((r) => r.path === "/users").map((r) => new URLSearchParams(r.query).get("$top")),
    ).toEqual(["100", "100", "100"]);
  });

  it("few managed users in a large tenant: plain pages and batched GET /users/{upn}/manager", async () => {
    const n = 2500;
    const m = 30;
    const em = await start(syntheticTenant(n, (i) => (i < m ? i + 100 : undefined)));
    // The first 20 profiles name the tenant's manager; the last 10 a different one.
    const dir = await profileRepo(
      Array.from({ length: m }, (_, i) => ({
        userPrincipalName: syntheticUpn(i),
        manager: syntheticUpn(i < 20 ? i + 100 : 2000),
      })),
    );
    // The first expanded page shows that the tenant is larger than the profiles; counted: 2,500.
    // Following on: 24 pages in a row. Batched reads: 3 pages of 999 beside 2 batches.
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary.changes.manager).toBe(10);
    const log = await requestLog(em);
    expect(tally(wireRequests(log))).toEqual({
      "GET organization": 1,
      "GET users?expand": 1,
      "GET users/$count": 1,
      "GET users": Math.ceil(n / LIST_PAGE),
      // The managers' batches, and one for the roles.
      "POST $batch": Math.ceil(m / BATCH) + 1,
    });
    expect(tally(batchItems(log))).toEqual({
      "GET manager": m,
      "GET directoryRoles": 1,
      "GET roleEligibilities": 1,
      "GET groups": 1,
    });
  });
});

describe("a large tenant is listed in parts side by side", () => {
  // 15,936 users, 664 for each of the letters a to x; a profile for each, no managers. One listing
  // is 16 pages in a row; 8 parts of 1,992 users (3 letters each) are 16 pages, 2 in a row, and the
  // $count that checks them: 17 requests, within a tenth of 16, 3.9 rounds instead of 16.
  // (A part of exactly 999 would take a second, empty page: Graph may end a filtered listing so.)
  const letters = [..."abcdefghijklmnopqrstuvwx"];
  const upnOf = (i: number) => `${letters[i % 24]}user${String(i).padStart(5, "0")}@contoso.com`;
  const n = 24 * 664;
  const tenant = (extra: string[] = []): Parameters<typeof emulator>[0] => ({
    tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: [...Array.from({ length: n }, (_, i) => upnOf(i)), ...extra].map((upn) => ({
      userPrincipalName: upn,
      displayName: upn.split("@")[0] as string,
    })),
  });
  let dir: string;
  const running: Emulator[] = [];
  beforeAll(async () => {
    dir = await profileRepo(Array.from({ length: n }, (_, i) => ({ userPrincipalName: upnOf(i) })));
  });
  afterAll(async () => {
    await Promise.all(running.map((em) => em.close()));
  });

  it("8 parts of startswith clauses, checked against the tenant's $count: every user once", async () => {
    const em = await emulator(tenant());
    running.push(em);
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary).toMatchObject({ managedUsers: n, unmanagedUsers: 0 });
    const log = await requestLog(em);
    expect(tally(wireRequests(log))).toEqual({
      "GET organization": 1,
      "GET users": 16,
      "GET users/$count": 1,
      "POST $batch": 1,
    });
    // The second page of a part repeats its filter (the nextLink carries every query option).
    const filters = [
      ...new Set(
        log.filter((r) => r.path === "/users").map((r) => new URLSearchParams(r.query).get("$filter")),
      ),
    ].map(String);
    expect(filters).toHaveLength(8);
    // Each part (2 pages): three letters holding users, and some of the 21 first characters no user has.
    const clause = "startswith\\(userPrincipalName,'(?:[^']|'')+'\\)";
    for (const filter of filters) expect(filter).toMatch(new RegExp(`^${clause}( or ${clause}){2,14}$`));
    // Quotes doubled, as OData writes them.
    const prefixes = filters.flatMap((f) =>
      [...f.matchAll(/'((?:[^']|'')+)'/g)].map((m) => m[1]?.replaceAll("''", "'")),
    );
    expect(prefixes.sort()).toEqual([..."abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~$"].sort());
  });
  // A part that falls short of $count (a UPN outside the documented characters, which the emulator
  // refuses as Entra ID does) is test/tenant/read.test.ts's, against a scripted Graph.
});

describe("photos and authentication methods of the example repository", () => {
  let em: Emulator;
  let dir: string;

  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
  });
  afterAll(async () => {
    await em?.close();
  });

  it("are read in $batch calls of at most 20, only for users whose profile manages them; a second plan reuses the photo-hash cache", async () => {
    await call(em, "DELETE", "/_emulator/connections");
    const first = await runPlan(em, dir);
    expect(first.code, first.err).toBe(0);
    // Kept-alive connections: the plan's 8 requests went over at most as many TLS connections as
    // the client keeps requests in flight (8), plus this test's own request for the count.
    const { json: connections } = await call(em, "GET", "/_emulator/connections");
    expect((connections as { opened: number }).opened).toBeLessThanOrEqual(8 + 1);
    const log = await requestLog(em);

    // 25 profiles; 22 manage a photo (21 files, one `photo: null`), 13 authentication methods;
    // 24 set a manager in a tenant of 28: one expanded page holds everyone with their manager.
    const items = tally(batchItems(log));
    expect(items).toEqual({
      "GET photo": 22,
      "GET photo/$value": 21, // Debra has no photo in the tenant (404): nothing to download
      "GET directoryRoles": 1,
      "GET roleEligibilities": 1,
      "GET groups": 1,
      "GET authentication/phoneMethods": 13,
      "GET authentication/emailMethods": 13,
    });
    // Photo metadata and authentication methods share batches (22 + 26 reads), then the downloads.
    const batches = Math.ceil((22 + 26) / BATCH) + Math.ceil(21 / BATCH);
    const wire = wireRequests(log);
    expect(wire[0]).toBe("GET organization");
    // Then the listing, the per-user reads and the roles run side by side.
    // The demo's role-assignable group's members and owners are read once the groups are known.
    expect(wire.slice(1).sort()).toEqual([
      "GET groups/members",
      "GET groups/owners",
      "GET users?expand",
      ...Array<string>(batches + 1).fill("POST $batch"),
    ]);
    // The emulator answers 400 to a $batch of more than 20; all of them succeeded.
    expect(log.filter((r) => r.path === "/$batch").every((r) => r.status === 200)).toBe(true);
    expect(first.err).toContain(`planned with ${1 + 1 + batches + 1 + 2} Graph requests`);

    const cacheFile = join(dir, ".roster-cache", "photo-hashes.json");
    await access(cacheFile);
    const cache = JSON.parse(await readFile(cacheFile, "utf8")) as { version: number; hashes: object };
    expect(cache.version).toBe(1);
    expect(Object.keys(cache.hashes)).toHaveLength(21);

    await clearRequestLog(em);
    const second = await runPlan(em, dir);
    expect(second.code, second.err).toBe(0);
    const again = await requestLog(em);
    expect(tally(batchItems(again))).toEqual({
      "GET photo": 22,
      "GET authentication/phoneMethods": 13,
      "GET authentication/emailMethods": 13,
      "GET directoryRoles": 1,
      "GET roleEligibilities": 1,
      "GET groups": 1,
    });
    expect(again.some((r) => r.path.endsWith("/photo/$value"))).toBe(false);
    expect(wireRequests(again)).toHaveLength(1 + 1 + Math.ceil((22 + 26) / BATCH) + 1 + 2);
    expect(second.err).not.toContain("downloading");
    // Same plan from the cached hashes.
    expect(comparable(second.plan)).toEqual(comparable(first.plan));
  });
});
