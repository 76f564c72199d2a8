// `roster plan --no-auth-methods`, the pull-request plan: its app holds no permission to read
// authentication methods, so it reads none and says which it left out.
import { describe, expect, it } from "vitest";
import { batchItems, clearRequestLog, requestLog, runPlan, useDemoTenant } from "./helpers.js";

const demo = useDemoTenant();

describe("roster plan --no-auth-methods", () => {
  it("reads no authentication method and skips each one a profile sets, saying why", async () => {
    await clearRequestLog(demo.em);
    const run = await runPlan(demo.em, demo.dir, ["--no-auth-methods"]);
    expect(run.code, run.err).toBe(0);
    const reads = [...batchItems(await requestLog(demo.em))];
    expect(reads.filter((item) => item.includes("authentication"))).toEqual([]);
    const plan = run.plan;
    if (!plan) throw new Error("a plan was written");
    expect(plan.users.flatMap((u) => u.changes).filter((c) => c.kind === "authMethod")).toEqual([]);
    const skipped = plan.users.flatMap((u) => u.skipped.filter((c) => c.kind === "authMethod"));
    // The example profiles set 31 authentication methods (13 users): each one is listed as not checked.
    expect(skipped.length).toBe(31);
    for (const change of skipped) {
      expect(change.reason).toBe(
        "not checked: authentication methods are left out of this plan (--no-auth-methods, as in pull requests); apply plans them in full",
      );
      expect(change.before).toBeNull();
    }
    expect(plan.warnings.map((w) => w.message)).toContain(
      "authentication methods were not checked (--no-auth-methods): this plan shows none of their changes; apply plans them in full",
    );
    expect(run.out).toMatch(/^Warning: authentication methods were not checked/m);
  });
});
