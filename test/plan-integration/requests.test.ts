// How many Graph requests `roster plan` makes, read from the emulator's request log: one paged list,
// managers by the cheaper of `$expand` pages or batched reads, per-user reads only for users whose
// profile manages photos or authentication methods (in `$batch` calls of ≤ 20), one read of the
// directory roles, and no photo download when the etag is in the local cache.
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
    "N = %i: the tenant's identity, ceil(N/999) list pages, 1 /directoryRoles read, nothing per user",
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
      expect(wireRequests(log)).toEqual([
        "GET organization",
        ...Array<string>(pages).fill("GET users"),
        "GET directoryRoles",
      ]);
      expect(batchItems(log)).toEqual([]);
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

describe("managers are read whichever way costs fewer requests", () => {
  const running: Emulator[] = [];
  const start = async (state: Parameters<typeof emulator>[0]) => {
    const em = await emulator(state);
    running.push(em);
    return em;
  };
  afterAll(async () => {
    await Promise.all(running.map((em) => em.close()));
  });

  it("many managed users with managers in a small tenant: $expand=manager pages (100 a page)", async () => {
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
    // Cost of batched reads: ceil(300/999) + ceil(100/20) = 6; of expanded pages: 1 + ceil(300/100) = 4.
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary.changes.manager).toBe(9);
    const log = await requestLog(em);
    expect(wireRequests(log)).toEqual([
      "GET organization",
      "GET users",
      ...Array<string>(Math.ceil(n / EXPANDED_PAGE)).fill("GET users?expand"),
      "GET directoryRoles",
    ]);
    expect(batchItems(log)).toEqual([]);
    expect(
      log.filter((r) => r.path === "/users").map((r) => new URLSearchParams(r.query).get("$top")),
    ).toEqual(["999", "100", "100", "100"]);
  });

  it("few managed users in a large tenant: batched GET /users/{id}/manager", async () => {
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
    // Cost of batched reads: ceil(2500/999) + ceil(30/20) = 5; of expanded pages: 1 + 25 = 26.
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.summary.changes.manager).toBe(10);
    const log = await requestLog(em);
    expect(tally(wireRequests(log))).toEqual({
      "GET organization": 1,
      "GET users": Math.ceil(n / LIST_PAGE),
      "POST $batch": Math.ceil(m / BATCH),
      "GET directoryRoles": 1,
    });
    expect(tally(batchItems(log))).toEqual({ "GET manager": m });
    expect(wireRequests(log)).toHaveLength(7);
  });
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
    const first = await runPlan(em, dir);
    expect(first.code, first.err).toBe(0);
    const log = await requestLog(em);

    // 25 profiles; 22 manage a photo (21 files, one `photo: null`), 13 authentication methods;
    // 24 set a manager in a tenant of 28, so the managers come with the list ($expand).
    const items = tally(batchItems(log));
    expect(items).toEqual({
      "GET photo": 22,
      "GET photo/$value": 21, // Debra has no photo in the tenant (404): nothing to download
      "GET authentication/phoneMethods": 13,
      "GET authentication/emailMethods": 13,
    });
    const batches = Math.ceil(22 / BATCH) + Math.ceil(21 / BATCH) + Math.ceil(26 / BATCH);
    const wire = wireRequests(log);
    expect(wire.slice(0, 3)).toEqual(["GET organization", "GET users", "GET users?expand"]);
    // After the listing, the photo, authentication and role reads run side by side.
    expect(wire.slice(3).sort()).toEqual([
      "GET directoryRoles",
      ...Array<string>(batches).fill("POST $batch"),
    ]);
    // The emulator answers 400 to a $batch of more than 20; all of them succeeded.
    expect(log.filter((r) => r.path === "/$batch").every((r) => r.status === 200)).toBe(true);
    expect(first.err).toContain(`planned with ${1 + 2 + batches + 1} Graph requests`);

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
    });
    expect(again.some((r) => r.path.endsWith("/photo/$value"))).toBe(false);
    expect(wireRequests(again)).toHaveLength(1 + 2 + Math.ceil(22 / BATCH) + Math.ceil(26 / BATCH) + 1);
    expect(second.err).not.toContain("downloading");
    // Same plan from the cached hashes.
    expect(comparable(second.plan)).toEqual(comparable(first.plan));
  });
});
