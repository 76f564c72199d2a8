// One tenant repository with a history an auditor would meet: a direct commit, a squash merge, a
// true merge of a two-commit branch (with a move and a Reviewed-by trailer), a `_defaults.yaml`
// change that only matters to another user, a deletion, a re-creation under another file name,
// several authors, and apply records (git notes) on some of the merged commits.
import { ALEX, GITHUB, MEGAN, TestRepo, type Who } from "./repo.js";

export const PATTI: Who = { name: "Patti Fernandez", email: "pattif@contoso.com" };

export interface Scenario {
  repo: TestRepo;
  /** Commit ids by name. */
  c: Record<
    "initial" | "retitle" | "diegoDefaults" | "move" | "mobile" | "merge" | "leave" | "rehire",
    string
  >;
}

const ADELE = (lines: string[]) => `${["userPrincipalName: AdeleV@contoso.com", ...lines].join("\n")}\n`;

export async function buildScenario(options: { notes: boolean }): Promise<Scenario> {
  const repo = await TestRepo.create();
  const c = {} as Scenario["c"];

  c.initial = await repo.commit(
    "Add the sales profiles",
    {
      "profiles/_defaults.yaml": "usageLocation: US\n",
      "profiles/sales/_defaults.yaml": 'department: Sales\nofficeLocation: "18/2111"\n',
      "profiles/sales/adele.vance.yaml": ADELE([
        "jobTitle: Retail Manager",
        'officeLocation: "Building 18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0110"',
        "  email: adele.vance@personal.example",
      ]),
      "profiles/sales/diego.siciliani.yaml": "userPrincipalName: DiegoS@contoso.com\njobTitle: Designer\n",
    },
    { author: MEGAN, date: "2026-03-01T09:00:00Z" },
  );

  // A squash merge on GitHub: the pull request's author, GitHub as committer, `(#12)` in the subject.
  c.retitle = await repo.commit(
    "Retitle Adele and Diego (#12)",
    {
      "profiles/sales/adele.vance.yaml": ADELE([
        "jobTitle: Account Executive",
        'officeLocation: "Building 18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0110"',
        "  email: adele.vance@personal.example",
      ]),
      "profiles/sales/diego.siciliani.yaml":
        "userPrincipalName: DiegoS@contoso.com\njobTitle: Lead Designer\n",
      "photos/adele.vance.jpg": "not really a jpeg: history never decodes photos",
    },
    { author: ALEX, committer: GITHUB, date: "2026-03-02T10:00:00Z" },
  );

  // A branch that moves Adele to retail (new defaults there) and changes her mobile number.
  repo.git("checkout", "-q", "-b", "move-adele");
  await repo.write({ "profiles/sales/adele.vance.yaml": null });
  c.move = await repo.commit(
    "Move Adele to retail",
    {
      "profiles/retail/_defaults.yaml": "department: Retail\n",
      "profiles/retail/adele.vance.yaml": ADELE([
        "jobTitle: Account Executive",
        'officeLocation: "Building 18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0110"',
        "  email: adele.vance@personal.example",
      ]),
    },
    { author: MEGAN, date: "2026-03-03T09:00:00Z" },
  );
  c.mobile = await repo.commit(
    "New mobile number for Adele\n\nReviewed-by: Patti Fernandez <pattif@contoso.com>",
    {
      "profiles/retail/adele.vance.yaml": ADELE([
        "jobTitle: Account Executive",
        'officeLocation: "Building 18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0199"',
        "  email: adele.vance@personal.example",
      ]),
    },
    { author: ALEX, date: "2026-03-03T11:00:00Z" },
  );

  // Meanwhile on main: a defaults change that Adele's own officeLocation overrides; only Diego sees it.
  repo.git("checkout", "-q", "main");
  c.diegoDefaults = await repo.commit(
    "Sales moves floors (#13)",
    { "profiles/sales/_defaults.yaml": 'department: Sales\nofficeLocation: "18/3000"\n' },
    { author: PATTI, committer: GITHUB, date: "2026-03-04T08:00:00Z" },
  );

  // GitHub's true merge: the person who pressed the button is the author, GitHub the committer.
  repo.gitAs(
    { author: MEGAN, committer: GITHUB, date: "2026-03-05T10:00:00Z" },
    "merge",
    "-q",
    "--no-ff",
    "move-adele",
    "-m",
    "Merge pull request #14 from contoso/move-adele",
    "-m",
    "Move Adele to retail",
  );
  c.merge = repo.head();

  c.leave = await repo.commit(
    "Adele leaves (#15)",
    { "profiles/retail/adele.vance.yaml": null },
    { author: PATTI, committer: GITHUB, date: "2026-03-06T10:00:00Z" },
  );
  c.rehire = await repo.commit(
    "Adele is back (#16)",
    {
      "profiles/retail/adele.v.yaml": ADELE([
        "jobTitle: Store Manager",
        "authentication:",
        '  mobile: "+1 425 555 0199"',
      ]),
    },
    { author: MEGAN, committer: GITHUB, date: "2026-03-07T10:00:00Z" },
  );

  if (options.notes) {
    repo.note(
      c.retitle,
      [
        "roster apply: applied",
        "at: 2026-03-02T12:00:00.000Z",
        "tenant: contoso.onmicrosoft.com",
        "graph: https://graph.microsoft.com",
        "run: https://github.com/contoso/tenant/actions/runs/101 (attempt 1)",
        "environment: production",
        "working tree: clean",
        "plan: fresh (made by this apply)",
        "summary: 3 applied, 0 failed, 0 stale, 0 skipped, 0 refused; 2 users",
        'applied AdeleV@contoso.com jobTitle: "Account Executive"',
        'applied AdeleV@contoso.com photo: "photos/adele.vance.jpg"',
        'applied DiegoS@contoso.com jobTitle: "Lead Designer"',
        "",
      ].join("\n"),
      "2026-03-02T12:00:00Z",
    );
    repo.note(
      c.merge,
      [
        "roster apply: partial",
        "at: 2026-03-05T12:00:00.000Z",
        "tenant: contoso.onmicrosoft.com",
        "graph: https://graph.microsoft.com",
        "run: https://github.com/contoso/tenant/actions/runs/102 (attempt 1)",
        "environment: production",
        "working tree: clean",
        "plan: fresh (made by this apply)",
        "summary: 2 applied, 1 failed, 0 stale, 0 skipped, 0 refused; 2 users",
        'applied AdeleV@contoso.com department: "Retail"',
        'failed AdeleV@contoso.com authentication.mobile: "+1 ••••••••99"',
        "  reason: 403 Authorization_RequestDenied",
        'applied DiegoS@contoso.com officeLocation: "18/3000"',
        "",
      ].join("\n"),
      "2026-03-05T12:00:00Z",
    );
    // A re-run of the same commit appends: the mobile number goes through this time.
    repo.note(
      c.merge,
      [
        "roster apply: applied",
        "at: 2026-03-05T13:00:00.000Z",
        "tenant: contoso.onmicrosoft.com",
        "graph: https://graph.microsoft.com",
        "run: https://github.com/contoso/tenant/actions/runs/102 (attempt 2)",
        "environment: production",
        "working tree: clean",
        "plan: fresh (made by this apply)",
        "summary: 1 applied, 0 failed, 0 stale, 0 skipped, 0 refused; 1 user",
        'applied AdeleV@contoso.com authentication.mobile: "+1 ••••••••99"',
        "",
      ].join("\n"),
      "2026-03-05T13:00:00Z",
    );
  }
  return { repo, c };
}
