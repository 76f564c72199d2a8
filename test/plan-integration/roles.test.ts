// Privileged users are found through `GET /directoryRoles?$expand=members`. Graph expands at most 20
// members per role, so a role held by more must be read through its own `members` list, or users
// beyond the 20th would be planned as ordinary users (no sensitive flag, and changes to sensitive
// properties that Graph refuses at apply time).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import type { Plan } from "../../src/plan/types.js";
import {
  type Emulator,
  emulator,
  profileRepo,
  requestLog,
  runPlan,
  syntheticTenant,
  syntheticUpn,
  wireRequests,
} from "./helpers.js";

const HOLDERS = 25;

describe("a directory role held by more than 20 users", () => {
  let em: Emulator;
  let plan: Plan;

  beforeAll(async () => {
    const state = syntheticTenant(40);
    for (const [i, user] of state.users.entries()) {
      if (i < HOLDERS) user.roles = ["Helpdesk Administrator"];
      user.mobilePhone = `+1 425 555 ${String(1000 + i)}`;
    }
    em = await emulator(state);
    // The first and the last holder, and one ordinary user: a new title and a new mobile phone.
    const dir = await profileRepo(
      [0, HOLDERS - 1, HOLDERS].map((i) => ({
        userPrincipalName: syntheticUpn(i),
        jobTitle: "Renamed",
        mobilePhone: "+1 425 555 9999",
      })),
    );
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    plan = run.plan as Plan;
  });
  afterAll(async () => {
    await em?.close();
  });

  it.each([0, HOLDERS - 1])("flags holder #%i as privileged: sensitive title, skipped mobile phone", (i) => {
    const user = plan.users.find((u) => u.userPrincipalName === syntheticUpn(i));
    expect(user?.roles).toEqual(["Helpdesk Administrator"]);
    expect(user?.changes.map((c) => [c.path, c.sensitive])).toEqual([["jobTitle", true]]);
    expect(user?.skipped.map((s) => s.path)).toEqual(["mobilePhone"]);
    expect(plan.warnings.map((w) => w.userPrincipalName)).toContain(syntheticUpn(i));
  });

  it("plans an ordinary user's changes as ordinary", () => {
    const user = plan.users.find((u) => u.userPrincipalName === syntheticUpn(HOLDERS));
    expect(user?.roles).toEqual([]);
    expect(user?.changes.map((c) => [c.path, c.sensitive])).toEqual([
      ["jobTitle", false],
      ["mobilePhone", false],
    ]);
  });

  it("costs one more request, for the fuller role's members", async () => {
    const log = await requestLog(em);
    expect(wireRequests(log)).toEqual([
      "GET organization",
      "GET users",
      "POST $batch",
      "GET directoryRoles/members",
    ]);
  });
});

// Graph's "Who can perform sensitive actions" table (resources/users; the 2026-06 revision of
// privileged-roles-permissions adds User Experience Success Manager to the rows every admin may act
// on): holders of those roles are not privileged targets, so their phones are planned, and Graph
// (the emulator) accepts the write.
describe("roles every admin may act on", () => {
  it.each(["Directory Readers", "User Experience Success Manager"])(
    "plans and applies a phone change for a user who holds %s",
    async (role) => {
      const state = syntheticTenant(2);
      state.users[0]!.roles = [role];
      const em = await emulator(state);
      try {
        const dir = await profileRepo([
          { userPrincipalName: syntheticUpn(0), mobilePhone: "+1 425 555 9999" },
        ]);
        const run = await runPlan(em, dir);
        expect(run.code, run.err).toBe(0);
        const user = run.plan?.users[0];
        expect(user?.changes.map((c) => [c.path, c.sensitive])).toEqual([["mobilePhone", true]]);
        expect(user?.skipped).toEqual([]);
        const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "test" }, cwd: dir });
        const args = ["--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath];
        expect(await main(["node", "roster", "apply", "--auto-approve", ...args], io), io.out()).toBe(0);
      } finally {
        await em.close();
      }
    },
  );
});
