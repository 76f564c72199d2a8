// A managed user whose UPN begins with `$`: Graph refuses `/users/$x@…` and serves
// `/users('$x@…')` (learn.microsoft.com/graph/api/user-get, HTTP request), so its manager, photo
// and authentication methods are read in that form, in a full plan and with --changed-since.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { demoToken } from "../helpers/demo-apps.js";
import { TestRepo } from "../history/repo.js";
import {
  clearRequestLog,
  demoState,
  type Emulator,
  emulator,
  exampleRepo,
  requestLog,
  runPlan,
  stateUser,
} from "./helpers.js";

const UPN = "$AdeleV@contoso.com";
const PROFILE = "profiles/sales/adele.vance.yaml";

let em: Emulator;
let repo: TestRepo;
let base: string;

beforeAll(async () => {
  const state = await demoState();
  stateUser(state, "AdeleV@contoso.com").userPrincipalName = UPN;
  em = await emulator(state);
  const dir = await exampleRepo();
  const profile = await readFile(join(dir, PROFILE), "utf8");
  await writeFile(
    join(dir, PROFILE),
    profile.replace("userPrincipalName: AdeleV@contoso.com", `userPrincipalName: ${UPN}`),
  );
  repo = TestRepo.init(dir);
  base = await repo.commit(
    "the example repository, Adele's UPN beginning with $",
    {},
    { date: "2026-01-05T10:00:00Z" },
  );
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: demoToken("roster-apply") }, cwd: dir });
  const code = await main(
    [
      "node",
      "roster",
      "apply",
      "--auto-approve",
      "--dir",
      dir,
      "--graph-url",
      em.origin,
      "--ca-cert",
      em.caPath,
    ],
    io,
  );
  expect(code, io.err()).toBe(0);
});
afterAll(async () => {
  await em?.close();
});

/** The paths of the reads of Adele's user, in or out of $batch. */
async function adeleReads(): Promise<string[]> {
  return (await requestLog(em))
    .map((r) => r.path)
    .filter((path) => path.toLowerCase().includes("adelev@"))
    .sort();
}

describe("a managed user whose UPN begins with $", () => {
  it("is planned in full, matching the tenant: its photo and authentication methods read as /users('$…')", async () => {
    await clearRequestLog(em);
    const run = await runPlan(em, repo.dir, ["--detailed-exitcode"]);
    expect(run.code, `${run.err}\n${run.out}`).toBe(0);
    // Its manager comes with the listing ($expand=manager), so is not read on its own.
    expect(await adeleReads()).toEqual([
      "/users('$AdeleV@contoso.com')/authentication/emailMethods",
      "/users('$AdeleV@contoso.com')/authentication/phoneMethods",
      "/users('$AdeleV@contoso.com')/photo",
    ]);
    expect(run.plan?.summary).toMatchObject({ usersWithChanges: 0 });
  });

  it("is read as /users('$…') by plan --changed-since, and its change planned", async () => {
    const profile = await readFile(join(repo.dir, PROFILE), "utf8");
    await writeFile(
      join(repo.dir, PROFILE),
      profile.replace("jobTitle: Account Executive", "jobTitle: Senior Account Executive"),
    );
    // Without the photo-hash cache, the photo's bytes are read too.
    await rm(join(repo.dir, ".roster-cache"), { recursive: true, force: true });
    await clearRequestLog(em);
    const run = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.users.map((u) => [u.userPrincipalName, u.changes.map((c) => c.path)])).toEqual([
      [UPN, ["jobTitle"]],
    ]);
    expect(await adeleReads()).toEqual([
      "/users('$AdeleV@contoso.com')",
      "/users('$AdeleV@contoso.com')/authentication/emailMethods",
      "/users('$AdeleV@contoso.com')/authentication/phoneMethods",
      "/users('$AdeleV@contoso.com')/manager",
      "/users('$AdeleV@contoso.com')/photo",
      "/users('$AdeleV@contoso.com')/photo/$value",
    ]);
  });
});
