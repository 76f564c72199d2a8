// `roster plan --changed-since REF`: only the users whose profile, applicable _defaults.yaml or
// photo changed since REF are read (by id or UPN in $batch, never the tenant-wide listing), and the
// plan says what it did not check. roster.yaml changed means everything.
import { copyFile, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { demoToken } from "../helpers/demo-apps.js";
import { control } from "../helpers/emulator.js";
import { TestRepo } from "../history/repo.js";
import {
  batchItems,
  clearRequestLog,
  demoState,
  type Emulator,
  emulator,
  exampleRepo,
  requestLog,
  runPlan,
  tally,
  wireRequests,
} from "./helpers.js";

let em: Emulator;
let repo: TestRepo;
let base: string;

const AT = { date: "2026-01-05T10:00:00Z" };

beforeAll(async () => {
  em = await emulator(await demoState());
  const dir = await exampleRepo();
  repo = TestRepo.init(dir);
  base = await repo.commit("the example repository", {}, AT);
  // The tenant made to match the base first: each test's plan then holds exactly what it changed.
  const applied = await roster(["apply", "--auto-approve"]);
  expect(applied.code, applied.err).toBe(0);
  const after = await runPlan(em, dir, ["--detailed-exitcode"]);
  expect(after.code, after.out).toBe(0);
});
afterAll(async () => {
  await em?.close();
});
beforeEach(async () => {
  // Back to the base commit, the working tree and the photo-hash cache as they were.
  repo.git("reset", "-q", "--hard", base);
  repo.git("clean", "-q", "-fd");
  await rm(join(repo.dir, ".roster-cache"), { recursive: true, force: true });
  await clearRequestLog(em);
});

const path = (file: string) => join(repo.dir, file);
const usersWithChanges = (plan: Awaited<ReturnType<typeof runPlan>>["plan"]) =>
  (plan?.users ?? []).filter((u) => u.changes.length > 0).map((u) => u.userPrincipalName);

describe("roster plan --changed-since", () => {
  it("a changed profile (not even committed): its user in one $batch, 5 requests, and a plan that says it is partial", async () => {
    const adele = await readText("profiles/sales/adele.vance.yaml");
    await writeFile(
      path("profiles/sales/adele.vance.yaml"),
      adele.replace("jobTitle: Account Executive", "jobTitle: Senior Account Executive"),
    );
    const run = await runPlan(em, repo.dir, ["--changed-since", base, "--format", "markdown"]);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.partial).toEqual({
      changedSince: base,
      baseCommit: base,
      profilesChecked: 1,
      profiles: 25,
    });
    expect(run.plan?.summary).toMatchObject({ managedUsers: 1, unmanagedUsers: null, usersWithChanges: 1 });
    expect(run.plan?.users.map((u) => [u.userPrincipalName, u.changes.map((c) => c.path)])).toEqual([
      ["AdeleV@contoso.com", ["jobTitle"]],
    ]);

    const log = await requestLog(em);
    // The tenant's identity, one $batch (Adele, her manager, the manager she names, her photo's
    // metadata, her two kinds of authentication methods, the directory roles, role eligibilities and
    // role-assignable groups), then side by side her photo's bytes and the members and owners of the
    // demo's role-assignable group.
    expect(wireRequests(log).sort()).toEqual([
      "GET groups/members",
      "GET groups/owners",
      "GET organization",
      "POST $batch",
      "POST $batch",
    ]);
    expect(tally(batchItems(log))).toEqual({
      "GET /users/AdeleV@contoso.com": 1,
      "GET /users/AlexW@contoso.com": 1,
      "GET directoryRoles": 1,
      "GET roleEligibilities": 1,
      "GET groups": 1,
      "GET manager": 1,
      "GET photo": 1,
      "GET photo/$value": 1,
      "GET authentication/phoneMethods": 1,
      "GET authentication/emailMethods": 1,
    });
    expect(log.some((r) => r.path === "/users" && !r.inBatch)).toBe(false);
    expect(run.err).toContain(
      `1 file changed since ${base} (${base.slice(0, 12)}): reading the users of 1 profile`,
    );
    // Every view says what was not checked.
    expect(run.out).toContain(
      "> [!NOTE]\n> Partial plan: only the 1 profile whose desired state changed since",
    );
    expect(run.out).toContain("| Unmanaged users (never changed) | not checked |");
    const text = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(text.out).toContain("Partial plan: only the 1 profile whose desired state changed since");
    expect(text.out).toContain("1 managed user, unmanaged users not checked.");
    const page = await runPlan(em, repo.dir, ["--changed-since", base, "--html", "plan.html"]);
    expect(page.code, page.err).toBe(0);
    const html = await readText("plan.html");
    expect(html).toContain("unmanaged users not checked");
    expect(html).toContain("Partial plan: only the 1 profile");
  });

  it("as the pull-request workflow runs it (roster-plan, --no-auth-methods): no authentication method is read", async () => {
    const adele = await readText("profiles/sales/adele.vance.yaml");
    await writeFile(
      path("profiles/sales/adele.vance.yaml"),
      adele.replace("jobTitle: Account Executive", "jobTitle: Senior Account Executive"),
    );
    const run = await runPlan(
      em,
      repo.dir,
      ["--changed-since", base, "--no-auth-methods"],
      demoToken("roster-plan"),
    );
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.users.map((u) => [u.userPrincipalName, u.changes.map((c) => c.path)])).toEqual([
      ["AdeleV@contoso.com", ["jobTitle"]],
    ]);
    const items = tally(batchItems(await requestLog(em)));
    expect(items["GET authentication/phoneMethods"]).toBeUndefined();
    expect(items["GET authentication/emailMethods"]).toBeUndefined();
    expect(items).toMatchObject({ "GET /users/AdeleV@contoso.com": 1, "GET manager": 1 });
  });

  it("a changed _defaults.yaml: every profile in its folder and below", async () => {
    await writeFile(
      path("profiles/executive/_defaults.yaml"),
      "department: Executive\nofficeLocation: Building 18/1100\nemployeeOrgData: { division: Corporate }\n",
    );
    await repo.commit("the executives move", {}, AT);
    const run = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.partial?.profilesChecked).toBe(4);
    // None of the four sets officeLocation itself.
    expect(
      run.plan?.users.map((u) => `${u.userPrincipalName} ${u.changes.map((c) => `${c.path}=${c.after}`)}`),
    ).toEqual([
      "BenW@contoso.com officeLocation=Building 18/1100",
      "IsaiahL@contoso.com officeLocation=Building 18/1100",
      "MeganB@contoso.com officeLocation=Building 18/1100",
      "PattiF@contoso.com officeLocation=Building 18/1100",
    ]);
    // Seven users in batches of 20: no listing.
    expect((await requestLog(em)).some((r) => r.path === "/users" && !r.inBatch)).toBe(false);
  });

  it("a changed photo: the profiles that use it", async () => {
    await copyFile(path("photos/alex.wilber.jpg"), path("photos/adele.vance.jpg"));
    const run = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.partial?.profilesChecked).toBe(1);
    expect(run.plan?.users.map((u) => [u.userPrincipalName, u.changes.map((c) => c.kind)])).toEqual([
      ["AdeleV@contoso.com", ["photo"]],
    ]);
  });

  it("a renamed profile file: the profile at its new path", async () => {
    repo.git("mv", "profiles/retail/debra.berger.yaml", "profiles/retail/debra.yaml");
    repo.git("mv", "photos/debra.berger.jpg", "photos/debra.jpg");
    await repo.commit("shorter names", {}, AT);
    const run = await runPlan(em, repo.dir, ["--changed-since", base, "--detailed-exitcode"]);
    // Read at its new path, and found as the base left it: no change.
    expect(run.code, run.err).toBe(0);
    expect(run.plan?.partial?.profilesChecked).toBe(1);
    expect(run.plan?.summary.managedUsers).toBe(1);
    expect(tally(batchItems(await requestLog(em)))).toMatchObject({
      "GET /users/DebraB@contoso.com": 1,
      "GET photo": 1,
    });
  });

  it("a deleted profile: nobody to read but the profiles that name its user as their manager", async () => {
    await rename(path("profiles/sales/alex.wilber.yaml"), path("alex.wilber.yaml.bak"));
    const run = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(run.code, run.err).toBe(0);
    // Six profiles name AlexW as manager; he is still in the tenant, so nothing changes for them.
    expect(run.plan?.partial).toMatchObject({ profilesChecked: 6, profiles: 24 });
    expect(usersWithChanges(run.plan)).toEqual([]);
  });

  it("changed roster.yaml: every user, as a full plan", async () => {
    await writeFile(path("roster.yaml"), `${await readText("roster.yaml")}# reviewed\n`);
    const run = await runPlan(em, repo.dir, ["--changed-since", base]);
    expect(run.code, run.err).toBe(0);
    expect(run.err).toContain(
      `roster.yaml changed since ${base} (${base.slice(0, 12)}): planning every user`,
    );
    expect(run.plan?.partial).toBeUndefined();
    expect(run.plan?.summary).toMatchObject({ managedUsers: 25, unmanagedUsers: 3 });
    expect((await requestLog(em)).some((r) => r.path === "/users" && !r.inBatch)).toBe(true);
  });

  it("refuses a ref that names no commit here, saying how to fetch it", async () => {
    const run = await runPlan(em, repo.dir, ["--changed-since", "origin/nowhere"]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("error: --changed-since origin/nowhere: no such commit in this repository");
    expect(run.err).toContain("hint: fetch it first");
    expect(await requestLog(em)).toEqual([expect.objectContaining({ path: "/organization" })]);
  });
});

// Last in this file: it leaves the tenant drifted and applied.
describe("roster apply --changed-since (the apply on merge)", () => {
  it("writes only the users the pull request changed, not a drifted user nobody reviewed", async () => {
    await control(em, "PATCH", "/v1.0/users/AlexW@contoso.com", { jobTitle: "Interim VP" });
    const adele = await readText("profiles/sales/adele.vance.yaml");
    await writeFile(
      path("profiles/sales/adele.vance.yaml"),
      adele.replace("jobTitle: Account Executive", "jobTitle: Senior Account Executive"),
    );
    await repo.commit("Adele is promoted", {}, AT);
    const report = join(repo.dir, "report.json");
    const applied = await roster([
      "apply",
      "--auto-approve",
      "--changed-since",
      "HEAD^1",
      "--report",
      report,
    ]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.err).toMatch(
      /^1 file changed since HEAD\^1 \([0-9a-f]{12}\): reading the users of 1 profile$/m,
    );
    const written = JSON.parse(await readFile(report, "utf8")) as {
      plan: { changedSince?: string };
      users: { userPrincipalName: string; changes: { path: string; status: string }[] }[];
    };
    expect(written.plan.changedSince).toBe(base);
    expect(
      written.users.flatMap((u) => u.changes.map((c) => `${u.userPrincipalName} ${c.path} ${c.status}`)),
    ).toEqual(["AdeleV@contoso.com jobTitle applied"]);
    // The drift is still there for the drift check to report.
    const alex = await control(em, "GET", "/v1.0/users/AlexW@contoso.com?$select=jobTitle");
    expect(alex.jobTitle).toBe("Interim VP");
  });

  it("refuses --changed-since beside a saved plan, before signing in", async () => {
    const run = await roster(["apply", "plan.json", "--changed-since", "HEAD^1"]);
    expect(run.code).toBe(1);
    expect(run.err).toContain("error: --changed-since plans afresh; a saved plan already names its users");
  });
});

async function roster(args: string[]): Promise<{ code: number; err: string }> {
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: demoToken("roster-apply") }, cwd: repo.dir });
  const code = await main(
    ["node", "roster", ...args, "--dir", repo.dir, "--graph-url", em.origin, "--ca-cert", em.caPath],
    io,
  );
  return { code, err: io.err() };
}

function readText(file: string): Promise<string> {
  return readFile(path(file), "utf8");
}
