// A cloud user that was synced from on-premises AD once keeps Exchange-mastered extension
// attributes, which Graph refuses to change ("…originated within an external service"). The plan
// skips them with the reason instead of planning a write that fails; the rest of the profile applies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import type { Plan } from "../../src/plan/types.js";
import { type Emulator, emulator, profileRepo, requestLog, runPlan } from "./helpers.js";

let em: Emulator;
let dir: string;
let plan: Plan;

beforeAll(async () => {
  em = await emulator({
    tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: [
      {
        userPrincipalName: "once@contoso.com",
        jobTitle: "Clerk",
        onPremisesSyncEnabled: false,
        onPremisesLastSyncDateTime: "2023-02-17T01:10:16Z",
        onPremisesExtensionAttributes: { extensionAttribute1: "badge-0001" },
      },
      { userPrincipalName: "cloud@contoso.com", jobTitle: "Clerk" },
    ],
  });
  dir = await profileRepo([
    {
      userPrincipalName: "once@contoso.com",
      jobTitle: "Lead",
      onPremisesExtensionAttributes: { extensionAttribute1: "badge-7781" },
    },
    {
      userPrincipalName: "cloud@contoso.com",
      onPremisesExtensionAttributes: { extensionAttribute1: "badge-7782" },
    },
  ]);
  const run = await runPlan(em, dir);
  expect(run.code, run.err).toBe(0);
  plan = run.plan as Plan;
});
afterAll(async () => {
  await em?.close();
});

describe("a user synced from on-premises AD once", () => {
  it("has its extension attributes skipped with the reason, and its other attributes planned", () => {
    const once = plan.users.find((u) => u.userPrincipalName === "once@contoso.com");
    expect(once?.changes.map((c) => [c.path, c.after])).toEqual([["jobTitle", "Lead"]]);
    expect(once?.skipped.map((s) => [s.path, s.reason])).toEqual([
      [
        "onPremisesExtensionAttributes.extensionAttribute1",
        "this user was synced from on-premises AD once: Exchange Online masters its extension attributes and Graph refuses to change them; change them in Exchange (Set-Mailbox -CustomAttributeN) or stop managing them here",
      ],
    ]);
    const cloud = plan.users.find((u) => u.userPrincipalName === "cloud@contoso.com");
    expect(cloud?.changes.map((c) => c.path)).toEqual(["onPremisesExtensionAttributes.extensionAttribute1"]);
  });

  it("reads the last sync time only because extension attributes are managed", async () => {
    const list = (await requestLog(em)).find((r) => r.path === "/users" && !r.inBatch);
    expect(list?.query).toContain("onPremisesLastSyncDateTime");
  });

  it("applies the rest (Graph would refuse the extension attribute) and converges", async () => {
    const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "test" }, cwd: dir });
    const args = ["--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath];
    const code = await main(["node", "roster", "apply", "--auto-approve", ...args], io);
    expect(code, io.err()).toBe(0);
    const again = await runPlan(em, dir, ["--detailed-exitcode"]);
    expect(again.code, again.err).toBe(0);
  });
});
