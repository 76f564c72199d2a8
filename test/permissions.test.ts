// The README's permission tables for the three app registrations are what roster needs, exactly: the
// tables are read from README.md, roster runs the demo with those permissions against the emulator
// (which enforces each call's documented application permissions), and each permission is shown to
// be needed: without it the run stops with one error line whose hint names a permission that,
// once granted, lets the run through.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandPermissions, tablePermissions } from "../scripts/readme-permissions.js";
import { main } from "../src/cli.js";
import { captureIo } from "../src/io.js";
import { control } from "./helpers/emulator.js";
import { demoState, type Emulator, emulator, exampleRepo } from "./plan-integration/helpers.js";

const ROOT = join(import.meta.dirname, "..");
const readme = await readFile(join(ROOT, "README.md"), "utf8");
const PLAN = tablePermissions(readme, "roster-plan");
const DRIFT = tablePermissions(readme, "roster-drift");
const APPLY = tablePermissions(readme, "roster-apply");
/** What the pull-request plan runs (plan.yml), with the roster-plan permissions. */
const PR_PLAN = ["plan", "--no-auth-methods"];
/** Names of Graph application permissions in a text (`User.Read.All`, `UserAuthMethod-Phone.Read.All`…). */
const PERMISSION_NAME = /\b[A-Z][A-Za-z]*(?:-[A-Za-z]+)?(?:\.[A-Za-z]+)*\.(?:All|Directory)\b/g;

interface Run {
  code: number;
  out: string;
  err: string;
}

async function roster(em: Emulator, dir: string, permissions: string[], args: string[]): Promise<Run> {
  await control(em, "PUT", "/_emulator/apps", { apps: [{ token: "app-under-test", permissions }] });
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "app-under-test" }, cwd: dir });
  const code = await main(
    ["node", "roster", ...args, "--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

/** Asserts a one-line error with a hint and no stack; returns the permissions the output names. */
function refusal(run: Run): string[] {
  expect(run.code).toBe(1);
  const errors = run.err.split("\n").filter((line) => line.startsWith("error: "));
  expect(errors, run.err).toHaveLength(1);
  expect(errors[0]).toContain("403");
  expect(errors[0]).toContain("Authorization_RequestDenied");
  expect(run.err).toMatch(/^hint: grant the app the Microsoft Graph application permission /m);
  expect(run.err).not.toMatch(/^\s+at /m);
  expect(run.err).not.toContain("internal error");
  const named = [...new Set(run.err.match(PERMISSION_NAME) ?? [])];
  expect(named.length, run.err).toBeGreaterThan(0);
  return named;
}

describe("the README's permission tables", () => {
  it("list the application permissions its az commands grant", () => {
    expect(commandPermissions(readme, "PLAN_APP")).toEqual(PLAN);
    expect(commandPermissions(readme, "DRIFT_APP")).toEqual(DRIFT);
    expect(commandPermissions(readme, "APPLY_APP")).toEqual(APPLY);
    // The pull-request app reads no authentication method (SECURITY.md); the drift app does.
    expect(PLAN).toEqual([
      "Organization.Read.All",
      "User.Read.All",
      "RoleManagement.Read.Directory",
      "GroupMember.Read.All",
    ]);
    expect(DRIFT).toEqual([...PLAN, "UserAuthMethod-Phone.Read.All", "UserAuthMethod-Email.Read.All"]);
  });

  it("are what demo/tenant.json grants its three apps, so the demo runs with least privileges", async () => {
    const state = await demoState();
    expect(state.apps?.map((a) => [a.displayName, a.permissions])).toEqual([
      ["roster-plan", PLAN],
      ["roster-drift", DRIFT],
      ["roster-apply", APPLY],
    ]);
  });
});

describe("the pull-request plan with the roster-plan permissions", () => {
  let em: Emulator;
  let dir: string;
  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
  });
  afterAll(async () => {
    await em?.close();
  });

  it("plans the demo with exactly the table's permissions, authentication methods left out", async () => {
    const run = await roster(em, dir, PLAN, [...PR_PLAN, "--detailed-exitcode"]);
    expect(run.code, run.err).toBe(2);
    expect(run.out).toMatch(/^Warning: authentication methods were not checked/m);
  });

  it("cannot read authentication methods: a full plan is refused, naming the permission", async () => {
    const named = refusal(await roster(em, dir, PLAN, ["plan"]));
    expect(
      named.some((p) => p.startsWith("UserAuthMethod-") || p.startsWith("UserAuthenticationMethod.")),
    ).toBe(true);
  });

  it.each(PLAN)(
    "needs %s: without it, one error line whose hint, followed, lets the plan through",
    async (dropped) => {
      const without = PLAN.filter((p) => p !== dropped);
      const named = refusal(await roster(em, dir, without, PR_PLAN));
      const fixed = await roster(em, dir, [...without, named[0] as string], PR_PLAN);
      expect(fixed.code, fixed.err).toBe(0);
    },
  );
});

describe("the drift check with the roster-drift permissions", () => {
  let em: Emulator;
  let dir: string;
  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
  });
  afterAll(async () => {
    await em?.close();
  });

  it("plans the demo in full with exactly the table's permissions", async () => {
    const run = await roster(em, dir, DRIFT, ["plan", "--detailed-exitcode"]);
    expect(run.code, run.err).toBe(2);
    expect(run.out).toContain("Plan: 15 changes to 12 users");
  });

  it.each(DRIFT.filter((p) => !PLAN.includes(p)))(
    "needs %s: without it, one error line whose hint, followed, lets the plan through",
    async (dropped) => {
      const without = DRIFT.filter((p) => p !== dropped);
      const named = refusal(await roster(em, dir, without, ["plan"]));
      const fixed = await roster(em, dir, [...without, named[0] as string], ["plan"]);
      expect(fixed.code, fixed.err).toBe(0);
    },
  );
});

describe("roster apply with the roster-apply permissions", () => {
  let em: Emulator;
  let dir: string;
  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
  });
  afterAll(async () => {
    await em?.close();
  });

  it.each(APPLY)(
    "needs %s: without it, one error line naming a permission, and nothing written",
    async (dropped) => {
      await control(em, "DELETE", "/_emulator/requests");
      refusal(
        await roster(
          em,
          dir,
          APPLY.filter((p) => p !== dropped),
          ["apply", "--auto-approve"],
        ),
      );
      const log = (await control(em, "GET", "/_emulator/requests")) as {
        requests: { method: string; path: string }[];
      };
      expect(log.requests.filter((r) => r.method !== "GET" && r.path !== "/$batch")).toEqual([]);
    },
  );

  it("applies the demo with exactly the table's permissions, and converges", async () => {
    const run = await roster(em, dir, APPLY, ["apply", "--auto-approve"]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain("Apply complete: 15 changes applied to 12 users.");
    const again = await roster(em, dir, DRIFT, ["plan", "--detailed-exitcode"]);
    expect(again.code, again.out).toBe(0);
  });
});
