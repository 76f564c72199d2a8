// Photos are served by Exchange Online, whose limits are per app and mailbox: 4 requests at once,
// 10,000 per 10 minutes, 150 MB of uploads per 5 minutes (throttling-limits, Outlook service). With
// the emulator's throttling on (and every photo request slowed so that requests overlap), the
// demo's plan and apply must stay within them without being told: no photo request is throttled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { control, type Demo, requestLog, startDemo } from "./helpers.js";

let demo: Demo;
let apply: { code: number; out: string; err: string };
let again: { code: number; out: string; err: string };
let photoRequests: Awaited<ReturnType<typeof requestLog>>;

beforeAll(async () => {
  demo = await startDemo();
  await control(demo.em, "PUT", "/_emulator/throttling", { enabled: true });
  await control(demo.em, "POST", "/_emulator/faults", { path: "^/users/[^/]+/photos?(/|$)", latencyMs: 60 });
  await control(demo.em, "DELETE", "/_emulator/requests");
  apply = await demo.roster(["apply", "--auto-approve"]);
  again = await demo.roster(["plan", "--detailed-exitcode"]);
  photoRequests = (await requestLog(demo.em)).filter((r) => /^\/users\/[^/]+\/photos?(\/|$)/.test(r.path));
});
afterAll(async () => {
  await demo?.close();
});

describe("Outlook's photo limits with throttling on", () => {
  it("plans, uploads and converges", () => {
    expect(apply.code, apply.out + apply.err).toBe(0);
    expect(again.code, again.out).toBe(0);
    expect(photoRequests.filter((r) => r.method === "PUT").length).toBeGreaterThan(0);
  });

  it("never has a photo request throttled (no more than 4 at once per mailbox)", () => {
    expect(photoRequests.length).toBeGreaterThan(10);
    expect(photoRequests.filter((r) => r.status === 429)).toEqual([]);
  });
});
