// Apply under injected faults: throttling with Retry-After, 503s, dropped connections and stale
// reads. It must still converge, create no duplicate authentication method, repeat no create, and
// touch nothing outside the plan.
//
// Where the faults go: 429 on every user request (reads and writes, direct and inside `$batch`);
// 503 on every write; dropped connections on whole connections: the `$batch` envelope and the
// requests sent alone (photos, authentication methods). The emulator drops a whole batch when one
// item is "dropped", which no real connection does, so batch items are not dropped one by one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printSeedOnFailure, testSeed } from "../helpers/random.js";
import {
  control,
  type Demo,
  type DumpedUser,
  emails,
  phones,
  requestLog,
  startDemo,
  userOf,
  users,
  writes,
} from "./helpers.js";

const WRITE_METHODS = ["PATCH", "PUT", "POST", "DELETE"];
const STALE_READ_MS = 1500;
/** Which requests the probabilistic faults hit. Requests run concurrently, so a seed replays the
 * same draws but not always onto the same requests: the assertions hold for any seed. */
const SEED = testSeed(20_261_202);
printSeedOnFailure("the emulator's fault injection", SEED);

let demo: Demo;
let before: Map<string, DumpedUser>;
let after: Map<string, DumpedUser>;
let plannedIds: Set<string>;
let first: { code: number; out: string; err: string };
let second: { code: number; out: string; err: string };
let verify: { code: number; out: string; err: string };
let log: Awaited<ReturnType<typeof requestLog>>;

beforeAll(async () => {
  demo = await startDemo();
  before = await users(demo.em);
  const planned = await demo.roster(["plan", "--format", "json"]);
  const plan = JSON.parse(planned.out) as { users: { id: string; changes: unknown[] }[] };
  plannedIds = new Set(plan.users.filter((u) => u.changes.length > 0).map((u) => u.id.toLowerCase()));
  await control(demo.em, "DELETE", "/_emulator/requests");

  await control(demo.em, "PUT", "/_emulator/seed", { seed: SEED });
  const fault = (spec: Record<string, unknown>) => control(demo.em, "POST", "/_emulator/faults", spec);
  // Each kind fires at least once for certain, then at random.
  await fault({ method: "*", path: "^/users", status: 429, retryAfter: 1, count: 1 });
  await fault({ method: "PATCH", path: "^/users", status: 503, count: 1 });
  await fault({ method: "PUT", path: "^/users/[^/]+/photo", drop: true, count: 1 });
  // Apply leaves retrying to the client (6 attempts; a paced 429 does not use one up), so the
  // unpaced faults stay rare enough that no request fails all six: at these rates the chance that
  // one of the ~40 requests gives up is well under 1 %.
  await fault({ method: "*", path: "^/users", status: 429, retryAfter: 1, probability: 0.2 });
  for (const method of WRITE_METHODS)
    await fault({ method, path: "^/users", status: 503, probability: 0.05 });
  await fault({ method: "POST", path: "^/\\$batch$", drop: true, probability: 0.05 });
  for (const method of WRITE_METHODS) {
    await fault({ method, path: "^/users/[^/]+/(photo|authentication)", drop: true, probability: 0.05 });
  }
  await control(demo.em, "PUT", "/_emulator/consistency", { staleReadMs: STALE_READ_MS });

  first = await demo.roster(["apply", "--auto-approve"]);
  // A second run right away reads stale values for some users and writes them again: harmless.
  second = await demo.roster(["apply", "--auto-approve"]);
  log = await requestLog(demo.em);

  await control(demo.em, "DELETE", "/_emulator/faults");
  // Every read sees the latest write from here on: no waiting out the stale window.
  await control(demo.em, "PUT", "/_emulator/consistency", { staleReadMs: 0 });
  after = await users(demo.em);
  verify = await demo.roster(["plan", "--detailed-exitcode"]);
}, 120_000);

afterAll(async () => {
  await demo?.close();
});

describe("roster apply under faults", () => {
  it("the faults fired", () => {
    const statuses = log.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
    expect(statuses).toContain(0);
  });

  it("applies everything and converges", () => {
    expect(first.err).not.toContain("internal error");
    expect(first.code, `${first.out}\n${first.err}`).toBe(0);
    expect(second.code, `${second.out}\n${second.err}`).toBe(0);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).toContain("No changes.");
  });

  it("creates no duplicate authentication method and repeats no create", () => {
    for (const user of after.values()) {
      const types = phones(user).map((m) => m.phoneType);
      expect(new Set(types).size).toBe(types.length);
      expect(emails(user).length).toBeLessThanOrEqual(1);
    }
    const created = log.filter(
      (r) => r.method === "POST" && r.path.includes("/authentication/") && r.status === 201,
    );
    expect(created.map((r) => r.path)).toEqual([...new Set(created.map((r) => r.path))]);
    // A create answered "already exists" would mean one was sent twice after it had landed.
    expect(
      log.filter((r) => r.method === "POST" && r.path.includes("/authentication/") && r.status === 400),
    ).toEqual([]);
  });

  it("writes only to users in the plan and leaves everyone else as they were", () => {
    const written = writes(log);
    expect(written.length).toBeGreaterThan(0);
    for (const write of written) expect(plannedIds.has(userOf(write.path)), write.path).toBe(true);
    for (const [upn, user] of before) {
      if (plannedIds.has(String(user.id ?? "").toLowerCase())) continue;
      expect(after.get(upn), upn).toEqual(user);
    }
  });
});
