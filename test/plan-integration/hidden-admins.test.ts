// Admins that `/directoryRoles` alone does not show: users who hold a role through a role-assignable
// group (the role lists the group), and users who may activate a role through PIM (eligible, not
// active: Graph would let an app change their MFA phone). roster treats both as admins, so a pull
// request cannot change the sign-in phone of someone one activation away from Global Administrator.
import { type TenantState, userIdFromUpn } from "@roster/graph-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import type { Plan } from "../../src/plan/types.js";
import { control } from "../helpers/emulator.js";
import {
  batchItems,
  type Emulator,
  emulator,
  profileRepo,
  requestLog,
  runPlan,
  syntheticTenant,
  syntheticUpn,
  tally,
} from "./helpers.js";

const NEW_MOBILE = "+1 425 555 9999";

/** Users 0–6: eligible Global Administrator, group-held Helpdesk Administrator, group-eligible
 * Privileged Role Administrator, eligible Directory Readers (a reader role), nobody, a member and an
 * owner of a role-assignable group that holds no role. */
function tenant(): TenantState {
  const state = syntheticTenant(7);
  for (const [i, user] of state.users.entries()) user.mobilePhone = `+1 425 555 ${String(1000 + i)}`;
  state.users[0]!.eligibleRoles = ["Global Administrator"];
  state.users[3]!.eligibleRoles = ["Directory Readers"];
  state.groups = [
    { displayName: "Helpdesk Tier 1", members: [syntheticUpn(1)], roles: ["Helpdesk Administrator"] },
    {
      displayName: "PIM Role Admins",
      members: [syntheticUpn(2)],
      eligibleRoles: ["Privileged Role Administrator"],
    },
    { displayName: "Spare", members: [syntheticUpn(5)], owners: [syntheticUpn(6)] },
  ];
  return state;
}

const everyoneNewMobile = () =>
  profileRepo(
    [0, 1, 2, 3, 4, 5, 6].map((i) => ({ userPrincipalName: syntheticUpn(i), mobilePhone: NEW_MOBILE })),
  );

describe("admins through groups and PIM eligibility", () => {
  let em: Emulator;
  let dir: string;
  let plan: Plan;

  beforeAll(async () => {
    em = await emulator(tenant());
    dir = await everyoneNewMobile();
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    plan = run.plan as Plan;
  });
  afterAll(async () => {
    await em?.close();
  });

  const userPlan = (i: number) => plan.users.find((u) => u.userPrincipalName === syntheticUpn(i));

  it.each([
    [0, ["Global Administrator (eligible)"]],
    [1, ["Helpdesk Administrator (through group Helpdesk Tier 1)"]],
    [2, ["Privileged Role Administrator (eligible) (through group PIM Role Admins)"]],
    // Microsoft protects members and owners of any role-assignable group, even one without a role.
    [5, ["member of role-assignable group Spare"]],
    [6, ["owner of role-assignable group Spare"]],
  ])("user %i is an admin (%j): the mobile phone is skipped, not planned", (i, roles) => {
    expect(userPlan(i)?.roles).toEqual(roles);
    expect(userPlan(i)?.changes).toEqual([]);
    expect(userPlan(i)?.skipped.map((s) => s.path)).toEqual(["mobilePhone"]);
  });

  it("plans the phone of a user eligible only for a reader role, and of an ordinary user", () => {
    expect(userPlan(3)?.roles).toEqual(["Directory Readers (eligible)"]);
    expect(userPlan(3)?.changes.map((c) => [c.path, c.after, c.sensitive])).toEqual([
      ["mobilePhone", NEW_MOBILE, true],
    ]);
    expect(userPlan(4)?.changes.map((c) => [c.path, c.sensitive])).toEqual([["mobilePhone", false]]);
  });

  it("reads the roles and the role-assignable groups in one $batch, then each group's members and owners once", async () => {
    const log = await requestLog(em);
    expect(tally(batchItems(log))).toEqual({
      "GET directoryRoles": 1,
      "GET roleEligibilities": 1,
      "GET groups": 1,
    });
    expect(log.find((r) => r.path === "/groups")?.query).toBe(
      "$filter=isAssignableToRole eq true&$select=id,displayName",
    );
    const groupReads = log.filter((r) => r.path.startsWith("/groups/"));
    expect(tally(groupReads.map((r) => r.path.split("/")[3]!))).toEqual({ members: 3, owners: 3 });
    expect(new Set(groupReads.map((r) => r.path)).size).toBe(6);
  });

  it("applies only the two planned phones: the eligible admin's phone, which Graph would take, stays", async () => {
    const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "test" }, cwd: dir });
    const args = ["--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath];
    expect(await main(["node", "roster", "apply", "--auto-approve", ...args], io), io.err()).toBe(0);
    const log = await requestLog(em);
    const patched = log.filter((r) => r.method === "PATCH").map((r) => decodeURIComponent(r.path));
    expect(patched.sort()).toEqual([3, 4].map((i) => `/users/${userIdFromUpn(syntheticUpn(i))}`).sort());
  });
});

describe("a tenant without Entra ID P2", () => {
  it("has no PIM: Graph refuses the eligibility list, and roster plans with the roles it can see", async () => {
    const state = tenant();
    state.tenant = { ...state.tenant, pimLicensed: false };
    const em = await emulator(state);
    try {
      const run = await runPlan(em, await everyoneNewMobile());
      expect(run.code, run.err).toBe(0);
      const roles = Object.fromEntries(run.plan!.users.map((u) => [u.userPrincipalName, u.roles]));
      expect(roles[syntheticUpn(1)]).toEqual(["Helpdesk Administrator (through group Helpdesk Tier 1)"]);
      // Without PIM nobody is eligible: user 0 is an ordinary user in such a tenant.
      expect(roles[syntheticUpn(0)]).toEqual([]);
      const log = await requestLog(em);
      expect(
        log.find((r) => r.path === "/roleManagement/directory/roleEligibilityScheduleInstances")?.status,
      ).toBe(400);
    } finally {
      await em.close();
    }
  });
});

describe("a saved plan, then the user becomes eligible for Global Administrator", () => {
  it("is not carried out for that user: apply plans afresh, sees the admin, and writes the others", async () => {
    const state = tenant();
    state.users[0]!.eligibleRoles = [];
    const em = await emulator(state);
    try {
      const dir = await everyoneNewMobile();
      const args = ["--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath];
      const roster = async (command: string[]) => {
        const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "test" }, cwd: dir });
        return {
          code: await main(["node", "roster", ...command, ...args], io),
          out: io.out(),
          err: io.err(),
        };
      };
      const planned = await roster(["plan", "--out", "plan.json"]);
      expect(planned.code, planned.err).toBe(0);
      state.users[0]!.eligibleRoles = ["Global Administrator"];
      await control(em, "PUT", "/_emulator/state", state);
      await control(em, "DELETE", "/_emulator/requests");

      const applied = await roster(["apply", "plan.json", "--auto-approve"]);
      expect(applied.code).toBe(1);
      expect(applied.out).toMatch(
        new RegExp(
          `^STALE ${syntheticUpn(0)} mobilePhone: .* \\(now skipped: the user may activate an admin role`,
          "m",
        ),
      );
      const patched = (await requestLog(em)).filter((r) => r.method === "PATCH").map((r) => r.path);
      expect(patched).not.toContain(`/users/${userIdFromUpn(syntheticUpn(0))}`);
      expect(patched).toContain(`/users/${userIdFromUpn(syntheticUpn(4))}`);
    } finally {
      await em.close();
    }
  });
});
