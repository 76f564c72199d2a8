// `roster history` on a repository with squash and true merges, a move, a defaults change that
// only concerns another user, a deletion and a re-creation under another name, several authors,
// and apply records in git notes (present, and absent as in a fresh clone).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { HistoryEntry, UserHistory } from "../../src/history/types.js";
import { MEGAN, roster, TestRepo } from "./repo.js";
import { buildScenario, type Scenario } from "./scenario.js";

const validateHistory = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "schema", "history.schema.json"), "utf8")),
);

const short = (oid: string) => oid.slice(0, 8);
const entry = (history: UserHistory, commit: string): HistoryEntry => {
  const found = history.entries.find((e) => e.commit === commit);
  if (!found) throw new Error(`no entry for ${commit}`);
  return found;
};

describe("roster history with apply records", () => {
  let s: Scenario;
  let text: { code: number; out: string; err: string };
  let json: UserHistory;

  beforeAll(async () => {
    s = await buildScenario({ notes: true });
    text = await roster(["history", "AdeleV@contoso.com", "--dir", s.repo.dir], { cwd: s.repo.dir });
    const asJson = await roster(["history", "adelev@CONTOSO.com", "--json", "--dir", s.repo.dir], {
      cwd: s.repo.dir,
    });
    expect(asJson.code).toBe(0);
    json = JSON.parse(asJson.out);
  });

  it("lists exactly the commits that changed Adele's merged profile, newest first", () => {
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    expect(json.entries.map((e) => e.commit)).toEqual([
      s.c.rehire,
      s.c.leave,
      s.c.mobile,
      s.c.move,
      s.c.retitle,
      s.c.initial,
    ]);
    expect(json.userPrincipalName).toBe("AdeleV@contoso.com");
    expect(json.file).toBe("profiles/retail/adele.v.yaml");
    expect(json.notes).toEqual({ ref: "refs/notes/roster", present: true, records: 3 });
  });

  it("matches the JSON schema", () => {
    expect(validateHistory(json), JSON.stringify(validateHistory.errors)).toBe(true);
  });

  it("never shows another user's history, nor a defaults change that changed nothing for her", () => {
    expect(json.entries.map((e) => e.commit)).not.toContain(s.c.diegoDefaults);
    expect(text.out).not.toContain(short(s.c.diegoDefaults));
    expect(text.out).not.toContain("DiegoS");
    expect(text.out).not.toContain("Designer");
    expect(text.out).not.toContain("18/3000");
  });

  it("shows that defaults change in the history of the user it did change", async () => {
    const diego = await roster(["history", "DiegoS@contoso.com", "--dir", s.repo.dir], { cwd: s.repo.dir });
    expect(diego.out).toContain(
      [
        `commit ${short(s.c.diegoDefaults)}  2026-03-04T08:00:00+00:00  Patti Fernandez <pattif@contoso.com>`,
        "  Sales moves floors (#13)",
        "  pull request #13 · merged 2026-03-04T08:00:00+00:00 · approval: unknown (git holds no review; see the pull request)",
        '  ~ officeLocation: "18/2111" -> "18/3000" (from profiles/sales/_defaults.yaml)  [applied 2026-03-05T12:00:00.000Z]',
      ].join("\n"),
    );
    expect(diego.out).toContain("roster history: DiegoS@contoso.com (profiles/sales/diego.siciliani.yaml)");
    expect(diego.out).not.toContain("AdeleV");
    expect(diego.out).not.toContain("Account Executive");
  });

  it("a squash merge: the pull request from `(#12)`, its author, applied by the record on that commit", () => {
    expect(text.out).toContain(
      [
        `commit ${short(s.c.retitle)}  2026-03-02T10:00:00+00:00  Alex Wilber <alexw@contoso.com>`,
        "  Retitle Adele and Diego (#12)",
        "  pull request #12 · merged 2026-03-02T10:00:00+00:00 · approval: unknown (git holds no review; see the pull request)",
        '  ~ jobTitle: "Retail Manager" -> "Account Executive"  [applied 2026-03-02T12:00:00.000Z]',
        "  + photo: photos/adele.vance.jpg  [applied 2026-03-02T12:00:00.000Z]",
        `  apply 2026-03-02T12:00:00.000Z of ${short(s.c.retitle)}: applied · run https://github.com/contoso/tenant/actions/runs/101 (attempt 1) · environment production · tenant contoso.onmicrosoft.com`,
      ].join("\n"),
    );
    const retitle = entry(json, s.c.retitle);
    expect(retitle.pullRequest).toBe(12);
    expect(retitle.author).toEqual({ name: "Alex Wilber", email: "alexw@contoso.com" });
    expect(retitle.merged.commit).toBe(s.c.retitle);
    expect(retitle.changes.map((c) => c.path)).toEqual(["jobTitle", "photo"]);
    expect(retitle.changes[1]!.new!.value).toEqual({
      file: "photos/adele.vance.jpg",
      blob: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it("a true merge: branch commits keep their authors and get the merge's pull request and date", () => {
    const move = entry(json, s.c.move);
    const mobile = entry(json, s.c.mobile);
    for (const e of [move, mobile]) {
      expect(e.pullRequest).toBe(14);
      expect(e.merged).toEqual({ commit: s.c.merge, date: "2026-03-05T10:00:00+00:00", author: MEGAN });
    }
    expect(move.author).toEqual(MEGAN);
    expect(mobile.author).toEqual({ name: "Alex Wilber", email: "alexw@contoso.com" });
    expect(mobile.approvals).toEqual([{ key: "Reviewed-by", value: "Patti Fernandez <pattif@contoso.com>" }]);
    expect(move.approvals).toEqual([]);
    // The merge commit itself decided nothing for Adele: it is not an entry of its own.
    expect(json.entries.map((e) => e.commit)).not.toContain(s.c.merge);
  });

  it("follows a move to another folder, with the values its new defaults give", () => {
    expect(text.out).toContain(
      [
        "  ~ file: profiles/sales/adele.vance.yaml -> profiles/retail/adele.vance.yaml (moved)",
        '  ~ department: "Sales" -> "Retail" (from profiles/retail/_defaults.yaml)  [applied 2026-03-05T12:00:00.000Z]',
      ].join("\n"),
    );
    expect(entry(json, s.c.move).changes.map((c) => c.path)).toEqual(["file", "department"]);
  });

  it("an apply run again on the same commit (appended note) is the one that reached the tenant", () => {
    expect(text.out).toContain(
      [
        `commit ${short(s.c.mobile)}  2026-03-03T11:00:00+00:00  Alex Wilber <alexw@contoso.com>`,
        "  New mobile number for Adele",
        `  pull request #14 · merged 2026-03-05T10:00:00+00:00 in ${short(s.c.merge)} · approval: Reviewed-by: Patti Fernandez <pattif@contoso.com>`,
        '  ~ authentication.mobile: "+1 ••••••••10" -> "+1 ••••••••99"  [applied 2026-03-05T13:00:00.000Z]',
        `  apply 2026-03-05T13:00:00.000Z of ${short(s.c.merge)}: applied · run https://github.com/contoso/tenant/actions/runs/102 (attempt 2) · environment production · tenant contoso.onmicrosoft.com`,
      ].join("\n"),
    );
  });

  it("masks authentication values in text and JSON", () => {
    for (const output of [text.out, JSON.stringify(json)]) {
      expect(output).not.toMatch(/425\D*555/);
      expect(output).not.toContain("adele.vance@");
      expect(output).toContain("a•••@personal.example");
    }
    const mobile = entry(json, s.c.mobile).changes[0]!;
    expect(mobile).toMatchObject({
      path: "authentication.mobile",
      kind: "authMethod",
      old: { value: "+1 ••••••••10", source: "profiles/retail/adele.vance.yaml" },
      new: { value: "+1 ••••••••99", source: "profiles/retail/adele.vance.yaml" },
    });
  });

  it("a deleted profile, then the same user re-created in another file", () => {
    expect(text.out).toContain(
      "  - file: profiles/retail/adele.vance.yaml (profile deleted: roster no longer manages this user)",
    );
    expect(text.out).toContain(
      [
        "  + file: profiles/retail/adele.v.yaml (profile created)",
        '  + userPrincipalName: "AdeleV@contoso.com"  [not applied: no apply record]',
        '  + department: "Retail" (from profiles/retail/_defaults.yaml)  [not applied: no apply record]',
        '  + jobTitle: "Store Manager"  [not applied: no apply record]',
        '  + usageLocation: "US" (from profiles/_defaults.yaml)  [not applied: no apply record]',
        '  + authentication.mobile: "+1 ••••••••99"  [not applied: no apply record]',
      ].join("\n"),
    );
    expect(entry(json, s.c.leave).file).toBeNull();
    expect(entry(json, s.c.leave).changes).toEqual([
      {
        path: "file",
        kind: "file",
        old: { value: "profiles/retail/adele.vance.yaml", source: "profiles/retail/adele.vance.yaml" },
        new: null,
        apply: null,
        supersededBy: null,
      },
    ]);
  });

  it("values the tenant already held are said so; a value replaced before any apply is superseded", () => {
    expect(text.out).toContain(
      '  + officeLocation: "Building 18/2100"  [in the tenant 2026-03-02T12:00:00.000Z (apply found it already set)]',
    );
    expect(text.out).toContain(
      `  + jobTitle: "Retail Manager"  [not applied: superseded by ${short(s.c.retitle)}]`,
    );
  });

  it("a commit pushed without a pull request says so", () => {
    expect(text.out).toContain(
      [
        `commit ${short(s.c.initial)}  2026-03-01T09:00:00+00:00  Megan Bowen <meganb@contoso.com>`,
        "  Add the sales profiles",
        "  no pull request · committed 2026-03-01T09:00:00+00:00 · approval: unknown (no pull request, no Reviewed-by/Approved-by trailer)",
        "  + file: profiles/sales/adele.vance.yaml (profile created)",
      ].join("\n"),
    );
    expect(entry(json, s.c.initial).pullRequest).toBeNull();
  });

  it("takes the profile file instead of the UPN, also a file that no longer exists", async () => {
    for (const file of ["profiles/retail/adele.v.yaml", "profiles/sales/adele.vance.yaml"]) {
      const byFile = await roster(["history", file, "--json", "--dir", s.repo.dir], { cwd: s.repo.dir });
      expect(byFile.err).toBe("");
      expect((JSON.parse(byFile.out) as UserHistory).entries.map((e) => e.commit)).toEqual(
        json.entries.map((e) => e.commit),
      );
    }
  });

  it("--since keeps the changes merged on or after the date", async () => {
    const since = await roster(
      ["history", "AdeleV@contoso.com", "--since", "2026-03-05", "--json", "--dir", s.repo.dir],
      {
        cwd: s.repo.dir,
      },
    );
    const history = JSON.parse(since.out) as UserHistory;
    expect(history.since).toBe("2026-03-05T00:00:00.000Z");
    // The branch commits were written on the 3rd but merged on the 5th.
    expect(history.entries.map((e) => e.commit)).toEqual([s.c.rehire, s.c.leave, s.c.mobile, s.c.move]);
  });
});

describe("roster history without apply records (a fresh clone: git does not fetch notes)", () => {
  let s: Scenario;
  let text: string;

  beforeAll(async () => {
    s = await buildScenario({ notes: false });
    text = (await roster(["history", "AdeleV@contoso.com", "--dir", s.repo.dir], { cwd: s.repo.dir })).out;
  });

  it("says how to fetch them and does not guess at apply status", async () => {
    expect(text).toContain(
      "no apply records in this clone (refs/notes/roster); fetch them: git fetch origin refs/notes/roster:refs/notes/roster",
    );
    expect(text).toContain('  ~ jobTitle: "Retail Manager" -> "Account Executive"\n');
    expect(text).not.toContain("[");
    const json = JSON.parse(
      (await roster(["history", "AdeleV@contoso.com", "--json", "--dir", s.repo.dir], { cwd: s.repo.dir }))
        .out,
    ) as UserHistory;
    expect(json.notes).toEqual({ ref: "refs/notes/roster", present: false, records: 0 });
    expect(json.entries.flatMap((e) => e.changes).every((c) => c.apply === null)).toBe(true);
    expect(json.entries).toHaveLength(6);
  });

  it("in a shallow clone, names the oldest commit it has and shows only what it can see", async () => {
    const clone = await TestRepo.emptyDir();
    s.repo.git("clone", "-q", "--depth", "3", `file://${s.repo.dir}`, clone);
    const result = await roster(["history", "AdeleV@contoso.com", "--json", "--dir", clone], { cwd: clone });
    const history = JSON.parse(result.out) as UserHistory;
    // Depth 3: the rehire, the deletion and the merge; the merge's parents are not in the clone.
    expect(history.shallow).toEqual({ oldestCommit: s.c.merge, date: "2026-03-05T10:00:00+00:00" });
    expect(history.entries.map((e) => e.commit)).toEqual([s.c.rehire, s.c.leave]);
    const lines = (await roster(["history", "AdeleV@contoso.com", "--dir", clone], { cwd: clone })).out.split(
      "\n",
    );
    expect(lines.filter((line) => line.startsWith("shallow clone:"))).toEqual([
      `shallow clone: the oldest commit here is ${short(s.c.merge)} (2026-03-05T10:00:00+00:00); changes in or before it are not visible (git fetch --unshallow)`,
    ]);
  });
});

describe("roster history: identity and merges", () => {
  it("links a renamed userPrincipalName through the profile's object id", async () => {
    const repo = await TestRepo.create();
    const id = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
    const first = await repo.commit(
      "Add Adele",
      { "profiles/adele.yaml": `userPrincipalName: AdeleV@contoso.com\nid: ${id}\njobTitle: Buyer\n` },
      { date: "2026-04-01T09:00:00Z" },
    );
    const rename = await repo.commit(
      "Adele marries (#3)",
      { "profiles/adele.yaml": `userPrincipalName: AdeleW@contoso.com\nid: ${id}\njobTitle: Buyer\n` },
      { date: "2026-04-02T09:00:00Z" },
    );
    // Someone else later gets Adele's old address: another id, another person.
    await repo.commit(
      "New hire with a recycled address (#4)",
      {
        "profiles/other.yaml":
          "userPrincipalName: AdeleV@contoso.com\nid: 11111111-2222-3333-4444-555555555555\njobTitle: Intern\n",
      },
      { date: "2026-04-03T09:00:00Z" },
    );
    const result = await roster(["history", "AdeleW@contoso.com", "--json", "--dir", repo.dir], {
      cwd: repo.dir,
    });
    const history = JSON.parse(result.out) as UserHistory;
    expect(history.entries.map((e) => e.commit)).toEqual([rename, first]);
    expect(history.entries[0]!.changes).toEqual([
      {
        path: "userPrincipalName",
        kind: "identity",
        old: { value: "AdeleV@contoso.com", source: "profiles/adele.yaml" },
        new: { value: "AdeleW@contoso.com", source: "profiles/adele.yaml" },
        apply: null,
        supersededBy: null,
      },
    ]);
    expect(result.out).not.toContain("Intern");
  });

  it("a merge that resolved a conflict shows the value it chose, against the first parent", async () => {
    const repo = await TestRepo.create();
    await repo.commit(
      "Add Adele",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Buyer\n" },
      { date: "2026-04-01T09:00:00Z" },
    );
    repo.git("checkout", "-q", "-b", "side");
    const side = await repo.commit(
      "Senior",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Senior Buyer\n" },
      { date: "2026-04-02T09:00:00Z" },
    );
    repo.git("checkout", "-q", "main");
    const lead = await repo.commit(
      "Lead",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Lead Buyer\n" },
      { date: "2026-04-03T09:00:00Z" },
    );
    try {
      repo.gitAs({ date: "2026-04-04T09:00:00Z" }, "merge", "-q", "side", "-m", "Merge branch 'side'");
    } catch {
      // The conflict is the point: resolve it with a third value.
    }
    const merge = await repo.commit(
      "Merge branch 'side'",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Principal Buyer\n" },
      { date: "2026-04-04T09:00:00Z" },
    );
    const history = JSON.parse(
      (await roster(["history", "AdeleV@contoso.com", "--json", "--dir", repo.dir], { cwd: repo.dir })).out,
    ) as UserHistory;
    expect(
      history.entries.map((e) => [e.commit, e.changes.map((c) => [c.path, c.old?.value, c.new?.value])]),
    ).toEqual([
      [merge, [["jobTitle", "Lead Buyer", "Principal Buyer"]]],
      [lead, [["jobTitle", "Buyer", "Lead Buyer"]]],
      [side, [["jobTitle", "Buyer", "Senior Buyer"]]],
      [
        expect.any(String),
        [
          ["file", undefined, "profiles/adele.yaml"],
          ["userPrincipalName", undefined, "AdeleV@contoso.com"],
          ["jobTitle", undefined, "Buyer"],
        ],
      ],
    ]);
  });
});

describe("roster history and audit: errors", () => {
  it("a folder that is not a git repository", async () => {
    const dir = await TestRepo.emptyDir();
    for (const args of [["history", "AdeleV@contoso.com"], ["audit"]]) {
      const result = await roster([...args, "--dir", dir], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        new RegExp(`^error: ${dir} is not a git repository \\(git rev-parse failed`),
      );
      expect(result.err).toContain(
        "hint: run roster inside a clone of the tenant repository, or point --dir at one",
      );
      expect(result.err).not.toContain("    at ");
    }
  });

  it("git missing from PATH", async () => {
    const repo = await TestRepo.create();
    const path = process.env.PATH;
    process.env.PATH = join(repo.dir, "no-such-bin");
    try {
      const result = await roster(["audit", "--dir", repo.dir], { cwd: repo.dir });
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        "error: git is not installed or not on PATH\nhint: install git (https://git-scm.com/downloads); roster history, audit and --git-note use it\n",
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("a user no profile ever named, a bad query and a bad --since", async () => {
    const repo = await TestRepo.create();
    await repo.commit(
      "Add Adele",
      { "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\n" },
      { date: "2026-04-01T09:00:00Z" },
    );
    const unknown = await roster(["history", "NoOne@contoso.com", "--dir", repo.dir], { cwd: repo.dir });
    expect(unknown).toMatchObject({ code: 1, out: "" });
    expect(unknown.err).toBe(
      "error: no profile of NoOne@contoso.com in the git history of main\nhint: give the userPrincipalName as a profile spells it, or the profile's file\n",
    );
    const bad = await roster(["history", "adele", "--dir", repo.dir], { cwd: repo.dir });
    expect(bad.err).toBe(
      'error: expected a userPrincipalName (name@domain) or a profile file (profiles/….yaml), got "adele"\n',
    );
    const since = await roster(["audit", "--since", "last tuesday", "--dir", repo.dir], { cwd: repo.dir });
    expect(since.code).toBe(1);
    expect(since.err).toContain('error: --since "last tuesday" is not a date');
  });
});
