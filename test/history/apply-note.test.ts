// `roster apply --git-note` on the demo tenant: the apply record lands in refs/notes/roster on the
// applied commit, a second apply appends to it, and `roster history` shows the change reaching
// the tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserHistory } from "../../src/history/types.js";
import { copyRepo, type Demo, requestLog, startDemo } from "../apply/helpers.js";
import { demoToken } from "../helpers/demo-apps.js";
import { roster, TestRepo } from "./repo.js";

const RUN_ENV = {
  ROSTER_ACCESS_TOKEN: demoToken("roster-apply"),
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "contoso/tenant",
  GITHUB_RUN_ID: "555",
  GITHUB_RUN_ATTEMPT: "1",
  ROSTER_ENVIRONMENT: "production",
};

/** The example repository as a git repository with one commit and the apply bot's identity. */
async function exampleRepo(options: { identity: boolean }): Promise<{ repo: TestRepo; commit: string }> {
  const repo = TestRepo.init(await copyRepo());
  const commit = await repo.commit("Example tenant (#1)", {}, { date: "2026-03-01T09:00:00Z" });
  if (options.identity) {
    repo.git("config", "user.name", "github-actions[bot]");
    repo.git("config", "user.email", "41898282+github-actions[bot]@users.noreply.github.com");
  } else {
    // No identity from the machine either: git must refuse to write the note.
    repo.git("config", "user.useConfigOnly", "true");
  }
  return { repo, commit };
}

describe("roster apply --git-note", () => {
  let demo: Demo;
  let repo: TestRepo;
  let commit: string;
  let first: { code: number; out: string; err: string };
  let second: { code: number; out: string; err: string };
  let note: string;

  beforeAll(async () => {
    ({ repo, commit } = await exampleRepo({ identity: true }));
    demo = await startDemo({ dir: repo.dir });
    first = await demo.roster(["apply", "--auto-approve", "--git-note"], { env: RUN_ENV });
    second = await demo.roster(["apply", "--auto-approve", "--git-note"], { env: RUN_ENV });
    note = repo.git("notes", "--ref", "roster", "show", commit);
  });

  afterAll(async () => {
    await demo?.close();
  });

  it("records the apply on the applied commit and says so", () => {
    expect(first.code).toBe(0);
    expect(first.out).toContain("Apply complete: 15 changes applied to 12 users.");
    expect(first.err).toContain(
      `recorded the apply in refs/notes/roster on ${commit} (publish it: git push origin refs/notes/roster)\n`,
    );
    const record = note.split("\n\n")[0]!.split("\n");
    expect(record.slice(0, 2)).toEqual([
      "roster apply: applied",
      expect.stringMatching(/^at: \d{4}-\d\d-\d\dT.*Z$/),
    ]);
    expect(record.slice(2, 9)).toEqual([
      "tenant: contoso.onmicrosoft.com (c0d1e2f3-0000-4000-8000-000000000001)",
      expect.stringMatching(/^graph: https:\/\/127\.0\.0\.1:\d+$/),
      "run: https://github.com/contoso/tenant/actions/runs/555 (attempt 1)",
      "environment: production",
      "working tree: clean",
      "plan: fresh (made by this apply)",
      "summary: 15 applied, 0 failed, 0 stale, 1 skipped, 0 refused; 13 users",
    ]);
    expect(record).toContain('applied AdeleV@contoso.com jobTitle: "Account Executive"');
  });

  it("keeps authentication values masked, as the apply report has them", () => {
    const authLines = note.split("\n").filter((line) => / authentication\.\w+: /.test(line));
    expect(authLines.length).toBeGreaterThan(0);
    for (const line of authLines) expect(line).toMatch(/: (null|"[^"]*•[^"]*")$/);
    expect(note).not.toContain("adele.vance@personal.example");
  });

  it("appends the second apply of the same commit instead of overwriting the first", () => {
    expect(second.code).toBe(0);
    expect(note.match(/^roster apply: /gm)).toEqual(["roster apply: ", "roster apply: "]);
    expect(note).toContain("\n\nroster apply: noChanges\n");
    expect(repo.git("log", "-1", "--notes=roster", "--format=%N")).toContain("roster apply: applied\n");
  });

  it("roster history shows when the change reached the tenant, and by which run", async () => {
    const result = await roster(["history", "AdeleV@contoso.com", "--json", "--dir", repo.dir], {
      cwd: repo.dir,
    });
    const history = JSON.parse(result.out) as UserHistory;
    const jobTitle = history.entries[0]!.changes.find((c) => c.path === "jobTitle")!;
    expect(jobTitle.new).toEqual({ value: "Account Executive", source: "profiles/sales/adele.vance.yaml" });
    expect(jobTitle.apply).toMatchObject({
      status: "applied",
      commit,
      outcome: "applied",
      run: "https://github.com/contoso/tenant/actions/runs/555 (attempt 1)",
      environment: "production",
    });
    const department = history.entries[0]!.changes.find((c) => c.path === "department")!;
    expect(department.new?.source).toBe("profiles/sales/_defaults.yaml");
    expect(department.apply?.status).toBe("alreadyInTenant");
  });

  it("roster audit shows the commit applied, by which run and in which environment", async () => {
    const audit = await roster(["audit", "--dir", repo.dir], { cwd: repo.dir });
    const lines = audit.out.split("\n");
    expect(lines.slice(3, 7)).toEqual([
      `2026-03-01T09:00:00+00:00  ${commit.slice(0, 8)}  squash  pull request #1  Example tenant`,
      "  merged by: unknown (a squash commit does not record who merged it)",
      "  authors: Megan Bowen <meganb@contoso.com>",
      "  files: photos/adele.vance.jpg, photos/alex.wilber.jpg, photos/allan.deyoung.png, photos/ben.walters.jpg, photos/cameron.white.jpg, photos/christie.cline.jpg, photos/debra.berger.jpg, photos/diego.siciliani.jpg, photos/emily.braun.jpg, photos/enrico.cattaneo.jpg and 42 more",
    ]);
    expect(lines[7]).toBe(
      "  approval: unknown (git holds no review; see the pull request) · apply approved in environment production",
    );
    expect(lines[8]).toMatch(
      new RegExp(
        `^  apply: applied \\d{4}-.*Z · via this commit \\(${commit.slice(0, 8)}\\) · run https://github\\.com/contoso/tenant/actions/runs/555 \\(attempt 1\\)$`,
      ),
    );
    expect(audit.out).toContain("Every change listed reached the tenant (per the apply records).");
  });
});

describe("roster apply --git-note without a git identity", () => {
  it("refuses before anything is read or written, saying what to configure", async () => {
    const { repo } = await exampleRepo({ identity: false });
    const demo = await startDemo({ dir: repo.dir });
    try {
      const result = await demo.roster(["apply", "--auto-approve", "--git-note"], { env: RUN_ENV });
      expect(result.code).toBe(1);
      expect(result.out).toBe("");
      expect(result.err).toContain("error: --git-note: git has no identity to record the apply note with\n");
      expect(result.err).toContain("hint: set one first: git config user.name");
      expect(result.err).not.toContain("internal error");
      expect((await requestLog(demo.em)).length).toBe(0);
    } finally {
      await demo.close();
    }
  });
});
