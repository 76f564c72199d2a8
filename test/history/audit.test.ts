// `roster audit`: what was merged into main, by whom, what git knows of approval, and whether an
// apply record shows it reaching the tenant; commits never applied are called out.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Audit } from "../../src/history/types.js";
import { ALEX, MEGAN, roster, TestRepo } from "./repo.js";
import { buildScenario, PATTI, type Scenario } from "./scenario.js";

const validateAudit = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "schema", "audit.schema.json"), "utf8")),
);
const short = (oid: string) => oid.slice(0, 8);

describe("roster audit with apply records", () => {
  let s: Scenario;
  let audit: Audit;
  let text: string;

  beforeAll(async () => {
    s = await buildScenario({ notes: true });
    const json = await roster(["audit", "--json", "--dir", s.repo.dir], { cwd: s.repo.dir });
    expect(json.err).toBe("");
    audit = JSON.parse(json.out);
    text = (await roster(["audit", "--dir", s.repo.dir], { cwd: s.repo.dir })).out;
  });

  it("lists the first-parent commits that changed the desired state, newest first, and matches the schema", () => {
    expect(audit.entries.map((e) => [e.commit, e.kind, e.pullRequest, e.title])).toEqual([
      [s.c.rehire, "squash", 16, "Adele is back"],
      [s.c.leave, "squash", 15, "Adele leaves"],
      [s.c.merge, "merge", 14, "Move Adele to retail"],
      [s.c.diegoDefaults, "squash", 13, "Sales moves floors"],
      [s.c.retitle, "squash", 12, "Retitle Adele and Diego"],
      [s.c.initial, "direct", null, "Add the sales profiles"],
    ]);
    expect(validateAudit(audit), JSON.stringify(validateAudit.errors)).toBe(true);
  });

  it("who wrote and who merged: the branch's authors for a merge, nobody invented for a squash", () => {
    const merge = audit.entries.find((e) => e.commit === s.c.merge)!;
    expect(merge.mergedBy).toEqual(MEGAN);
    expect(merge.authors).toEqual([ALEX, MEGAN]);
    expect(merge.files).toEqual(["profiles/retail/_defaults.yaml", "profiles/retail/adele.vance.yaml"]);
    const squash = audit.entries.find((e) => e.commit === s.c.diegoDefaults)!;
    expect(squash.mergedBy).toBeNull();
    expect(squash.authors).toEqual([PATTI]);
  });

  it("approval: a Reviewed-by trailer is recorded, otherwise unknown; the apply's environment from its record", () => {
    const merge = audit.entries.find((e) => e.commit === s.c.merge)!;
    expect(merge.approval).toEqual({
      review: "recorded",
      trailers: [{ key: "Reviewed-by", value: "Patti Fernandez <pattif@contoso.com>" }],
      environment: "production",
    });
    const rehire = audit.entries.find((e) => e.commit === s.c.rehire)!;
    expect(rehire.approval).toEqual({ review: "unknown", trailers: [], environment: null });
  });

  it("apply status: this commit's apply, a later commit's, and the commits never applied", () => {
    const status = audit.entries.map((e) => [
      e.commit,
      e.apply?.outcome ?? null,
      e.apply?.via ?? null,
      e.notApplied,
    ]);
    expect(status).toEqual([
      [s.c.rehire, null, null, true],
      [s.c.leave, null, null, true],
      // The merge's first apply was partial; the re-run (attempt 2) took it to the tenant in full.
      [s.c.merge, "applied", "this commit", false],
      [s.c.diegoDefaults, "applied", "a later commit", false],
      [s.c.retitle, "applied", "this commit", false],
      [s.c.initial, "applied", "a later commit", false],
    ]);
    expect(audit.notApplied).toEqual([s.c.rehire, s.c.leave]);
    expect(audit.notFullyApplied).toEqual([]);
  });

  it("prints one block per merged change and calls out what never reached the tenant", () => {
    expect(text).toContain(
      [
        `2026-03-05T10:00:00+00:00  ${short(s.c.merge)}  merge  pull request #14  Move Adele to retail`,
        "  merged by: Megan Bowen <meganb@contoso.com>",
        "  authors: Alex Wilber <alexw@contoso.com>, Megan Bowen <meganb@contoso.com>",
        "  files: profiles/retail/_defaults.yaml, profiles/retail/adele.vance.yaml",
        "  approval: Reviewed-by: Patti Fernandez <pattif@contoso.com> · apply approved in environment production",
        `  apply: applied 2026-03-05T13:00:00.000Z · via this commit (${short(s.c.merge)}) · run https://github.com/contoso/tenant/actions/runs/102 (attempt 2)`,
      ].join("\n"),
    );
    expect(text).toContain(
      [
        "Merged but never applied: 2 of 6",
        `  ${short(s.c.rehire)}  2026-03-07T10:00:00+00:00  pull request #16  Adele is back`,
        `  ${short(s.c.leave)}  2026-03-06T10:00:00+00:00  pull request #15  Adele leaves`,
      ].join("\n"),
    );
  });

  it("--since keeps what was merged on or after the date", async () => {
    const since = JSON.parse(
      (
        await roster(["audit", "--since", "2026-03-05T00:00:00Z", "--json", "--dir", s.repo.dir], {
          cwd: s.repo.dir,
        })
      ).out,
    ) as Audit;
    expect(since.entries.map((e) => e.commit)).toEqual([s.c.rehire, s.c.leave, s.c.merge]);
    expect(since.since).toBe("2026-03-05T00:00:00.000Z");
  });
});

describe("roster audit: a commit an apply wrote only in part", () => {
  it("is not counted as reaching the tenant, and is listed as not fully applied", async () => {
    const repo = await TestRepo.create();
    const added = await repo.commit(
      "Add Adele (#1)",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Buyer\n" },
      { date: "2026-04-01T09:00:00Z" },
    );
    const retitled = await repo.commit(
      "Retitle Adele (#2)",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Lead Buyer\n" },
      { date: "2026-04-02T09:00:00Z" },
    );
    repo.note(
      retitled,
      [
        "roster apply: partial",
        "at: 2026-04-02T12:00:00.000Z",
        "tenant: contoso.onmicrosoft.com",
        "working tree: clean",
        "plan: fresh (made by this apply)",
        "summary: 1 applied, 1 failed, 0 stale, 0 skipped, 0 refused; 2 users",
        'applied AdeleV@contoso.com jobTitle: "Lead Buyer"',
        'failed DiegoS@contoso.com jobTitle: "Designer"',
        "  reason: Graph refused; 403 Authorization_RequestDenied",
        "",
      ].join("\n"),
      "2026-04-02T12:00:00Z",
    );
    const json = await roster(["audit", "--json", "--dir", repo.dir], { cwd: repo.dir });
    const audit = JSON.parse(json.out) as Audit;
    expect(validateAudit(audit), JSON.stringify(validateAudit.errors)).toBe(true);
    expect(
      audit.entries.map((e) => [e.commit, e.apply?.outcome ?? null, e.notApplied, e.partiallyApplied]),
    ).toEqual([
      [retitled, "partial", true, true],
      [added, "partial", true, true],
    ]);
    expect(audit.notFullyApplied).toEqual([retitled, added]);
    expect(audit.notApplied).toEqual([]);

    const text = (await roster(["audit", "--dir", repo.dir], { cwd: repo.dir })).out;
    expect(text).toContain(
      `  apply: NOT FULLY APPLIED: partial 2026-04-02T12:00:00.000Z · via this commit (${short(retitled)})\n`,
    );
    expect(text).toContain(
      [
        "Not fully applied (an apply wrote only part of it): 2 of 2",
        `  ${short(retitled)}  2026-04-02T09:00:00+00:00  pull request #2  Retitle Adele`,
        `  ${short(added)}  2026-04-01T09:00:00+00:00  pull request #1  Add Adele`,
      ].join("\n"),
    );
    expect(text).not.toContain("Every change listed reached the tenant");
  });
});

describe("roster audit without apply records, and on a shallow clone", () => {
  let s: Scenario;

  beforeAll(async () => {
    s = await buildScenario({ notes: false });
  });

  it("calls every commit not applied and says how to fetch the records", async () => {
    const result = await roster(["audit", "--dir", s.repo.dir], { cwd: s.repo.dir });
    expect(result.out).toContain(
      "no apply records in this clone (refs/notes/roster); fetch them: git fetch origin refs/notes/roster:refs/notes/roster",
    );
    expect(result.out).toContain("Merged but never applied: 6 of 6");
    expect(result.out).toContain("  apply: NOT APPLIED (no apply record of this commit or a later one)");
  });

  it("names the oldest commit of a shallow clone and leaves that commit out", async () => {
    const clone = await TestRepo.emptyDir();
    s.repo.git("clone", "-q", "--depth", "3", `file://${s.repo.dir}`, clone);
    const audit = JSON.parse(
      (await roster(["audit", "--json", "--dir", clone], { cwd: clone })).out,
    ) as Audit;
    expect(audit.shallow).toEqual({ oldestCommit: s.c.merge, date: "2026-03-05T10:00:00+00:00" });
    expect(audit.entries.map((e) => e.commit)).toEqual([s.c.rehire, s.c.leave]);
  });
});
