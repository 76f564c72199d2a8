// Plumbing for the `roster plan` integration tests: an in-process emulator over HTTPS, the real CLI
// entry point run against it, temporary repositories, and the emulator's control routes.
import { cp, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type RunningEmulator,
  type StateUser,
  startEmulator,
  type TenantState,
} from "@roster/graph-emulator";
import { afterAll, beforeAll } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import type { Plan } from "../../src/plan/types.js";
import { demoToken } from "../helpers/demo-apps.js";
import type { LoggedRequest } from "../helpers/emulator.js";
import { testdir } from "../helpers/testdir.js";

export { call, clearRequestLog, type LoggedRequest, requestLog } from "../helpers/emulator.js";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
const DEMO_STATE = join(REPO_ROOT, "demo", "tenant.json");

export interface Emulator extends RunningEmulator {
  /** The emulator's certificate, written to a file for `--ca-cert`. */
  caPath: string;
}

export async function emulator(state: TenantState): Promise<Emulator> {
  const running = await startEmulator({
    state,
    onInternalError: (err) => console.error("emulator internal error", err),
  });
  const caPath = join(await testdir({}), "ca.pem");
  await writeFile(caPath, running.caPem);
  return Object.assign(running, { caPath });
}

/** demo/tenant.json with photo paths made absolute, so it loads from any working directory. */
export async function demoState(): Promise<TenantState> {
  const state = JSON.parse(await readFile(DEMO_STATE, "utf8")) as TenantState;
  for (const user of state.users) {
    if (typeof user.photo === "string" && !user.photo.startsWith("data:"))
      user.photo = resolve(REPO_ROOT, "demo", user.photo);
  }
  return state;
}

/**
 * The demo tenant in an emulator and a copy of the example repository, for the tests of one file:
 * started before them, closed after. Read `demo.em` and `demo.dir` inside the tests.
 */
export function useDemoTenant(): { readonly em: Emulator; readonly dir: string } {
  let em: Emulator | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
  });
  afterAll(async () => {
    await em?.close();
  });
  return {
    get em() {
      if (!em) throw new Error("useDemoTenant: the emulator starts in beforeAll");
      return em;
    },
    get dir() {
      if (!dir) throw new Error("useDemoTenant: the repository is copied in beforeAll");
      return dir;
    },
  };
}

/** A user of a state, by UPN (case-insensitive); throws when absent. */
export function stateUser(state: TenantState, upn: string): StateUser & Record<string, unknown> {
  const user = state.users.find((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
  if (!user) throw new Error(`no user ${upn} in the state`);
  return user as StateUser & Record<string, unknown>;
}

/** A temporary copy of the example repository (roster.yaml, profiles/, photos/). */
export async function exampleRepo(files: Record<string, string> = {}): Promise<string> {
  const dir = await testdir({});
  for (const entry of ["roster.yaml", "profiles", "photos"])
    await cp(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  return dir;
}

export interface PlanRun {
  code: number;
  out: string;
  err: string;
  /** The JSON plan written with `--out` (undefined when the command wrote none). */
  plan: Plan | undefined;
}

/**
 * `roster plan --dir DIR --graph-url ORIGIN --ca-cert CA --out plan.json ...args`, in-process,
 * signed in as the demo's read-only app `roster-plan` (any token does for a state without apps).
 */
export async function runPlan(
  em: Emulator,
  dir: string,
  args: string[] = [],
  token = demoToken("roster-drift"),
): Promise<PlanRun> {
  const outFile = join(await testdir({}), "plan.json");
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: token }, cwd: dir });
  const code = await main(
    [
      "node",
      "roster",
      "plan",
      "--dir",
      dir,
      "--graph-url",
      em.origin,
      "--ca-cert",
      em.caPath,
      "--out",
      outFile,
      ...args,
    ],
    io,
  );
  let plan: Plan | undefined;
  try {
    plan = JSON.parse(await readFile(outFile, "utf8")) as Plan;
  } catch {
    plan = undefined;
  }
  return { code, out: io.out(), err: io.err(), plan };
}

/** Requests that went over the wire (not items inside a `$batch`), as `METHOD kind`. */
export function wireRequests(log: readonly LoggedRequest[]): string[] {
  return log.filter((r) => !r.inBatch).map((r) => `${r.method} ${kindOf(r)}`);
}

/** Items inside `$batch` calls, as `METHOD kind`. */
export function batchItems(log: readonly LoggedRequest[]): string[] {
  return log.filter((r) => r.inBatch).map((r) => `${r.method} ${kindOf(r)}`);
}

/** What a logged request reads: `users`, `users?expand`, `manager`, `photo`, `photo/$value`… */
export function kindOf(r: LoggedRequest): string {
  if (r.path === "/users") return r.query.includes("$expand=manager") ? "users?expand" : "users";
  if (r.path === "/users/$count") return "users/$count";
  if (r.path === "/$batch") return "$batch";
  if (r.path === "/directoryRoles") return "directoryRoles";
  if (r.path === "/organization") return "organization";
  if (/^\/directoryRoles\/[^/]+\/members$/.test(r.path)) return "directoryRoles/members";
  if (r.path === "/roleManagement/directory/roleEligibilityScheduleInstances") return "roleEligibilities";
  if (/^\/groups\/[^/]+\/members$/.test(r.path)) return "groups/members";
  if (/^\/groups\/[^/]+\/owners$/.test(r.path)) return "groups/owners";
  if (r.path === "/groups") return "groups";
  const perUser = /^\/users\/[^/]+\/(.+)$/.exec(r.path);
  if (perUser?.[1]) return perUser[1].replace(/\/\$ref$/, "");
  return r.path;
}

/** Occurrences of each string. */
export function tally(items: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

/** `n` synthetic users `user00001@contoso.com`…; `managerOf(i)` names the i-th user's manager index. */
export function syntheticTenant(n: number, managerOf?: (i: number) => number | undefined): TenantState {
  const upn = (i: number) => `user${String(i).padStart(5, "0")}@contoso.com`;
  return {
    tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: Array.from({ length: n }, (_, i) => {
      const user: StateUser = {
        userPrincipalName: upn(i),
        displayName: `User ${i}`,
        jobTitle: `Title ${i % 7}`,
        department: `Dept ${i % 5}`,
      };
      const manager = managerOf?.(i);
      if (manager !== undefined) user.manager = upn(manager);
      return user;
    }),
  };
}

export const syntheticUpn = (i: number): string => `user${String(i).padStart(5, "0")}@contoso.com`;

/** A temporary repository whose profiles set the given keys (no photos/ folder, so no default photos). */
export async function profileRepo(profiles: Record<string, unknown>[]): Promise<string> {
  const files: Record<string, string> = { "roster.yaml": "tenant: contoso.onmicrosoft.com\n" };
  profiles.forEach((profile, i) => {
    files[`profiles/p${String(i).padStart(5, "0")}.yaml`] = `${JSON.stringify(profile, null, 2)}\n`;
  });
  return testdir(files);
}

/** The plan without what differs between two runs of the same inputs. */
export function comparable(plan: Plan | undefined): Omit<Plan, "createdAt"> | undefined {
  if (!plan) return undefined;
  const { createdAt: _createdAt, ...rest } = plan;
  return rest;
}
