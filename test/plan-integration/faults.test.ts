// Throttling and outages change nothing in the plan: with 429 (Retry-After 1) and 503 injected at
// 20 % each on every Graph path, `$batch` items included, roster retries until it has read the
// same tenant, and the plan equals the fault-free one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printSeedOnFailure, testSeed } from "../helpers/random.js";
import {
  call,
  clearRequestLog,
  comparable,
  demoState,
  type Emulator,
  emulator,
  exampleRepo,
  requestLog,
  runPlan,
} from "./helpers.js";

/** Which requests the faults hit (requests run concurrently: the assertions hold for any seed). */
const SEED = testSeed(4_242);
printSeedOnFailure("the emulator's fault injection", SEED);

describe("fault injection", () => {
  let em: Emulator;

  beforeAll(async () => {
    em = await emulator(await demoState());
  });
  afterAll(async () => {
    await em?.close();
  });

  it("429 and 503 at 20 % on all paths: the same plan as without faults", async () => {
    // Separate copies, so that both runs download and hash every tenant photo (no shared cache).
    const clean = await runPlan(em, await exampleRepo());
    expect(clean.code, clean.err).toBe(0);
    const cleanLog = await requestLog(em);
    expect(cleanLog.every((r) => r.status < 400 || r.status === 404)).toBe(true);

    await clearRequestLog(em);
    await call(em, "PUT", "/_emulator/seed", { seed: SEED });
    for (const status of [429, 503])
      await call(em, "POST", "/_emulator/faults", {
        method: "*",
        path: ".*",
        status,
        retryAfter: 1,
        probability: 0.2,
      });
    try {
      const faulty = await runPlan(em, await exampleRepo());
      expect(faulty.err).not.toMatch(/^error:|internal error/m);
      expect(faulty.code).toBe(0);
      expect(comparable(faulty.plan)).toEqual(comparable(clean.plan));
      expect(faulty.out).toBe(clean.out);

      // The faults did fire, on direct requests and on batch items alike.
      const log = await requestLog(em);
      const failed = log.filter((r) => r.status === 429 || r.status === 503);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.some((r) => r.inBatch)).toBe(true);
      expect(log.length).toBeGreaterThan(cleanLog.length);
    } finally {
      await call(em, "DELETE", "/_emulator/faults");
    }
  }, 60_000);
});
