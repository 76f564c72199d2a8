// What an apply record can prove. A change without a line in a record reached the tenant only if
// that apply planned its commit afresh from a clean working tree (then its record lists every
// change the tenant lacked); a saved plan, a dirty tree or a record that does not say leave it
// unknown. A line proves a change only when its value is the commit's value, and a masked value
// (an authentication method) never proves it on its own.
import { describe, expect, it } from "vitest";
import type { HistoryChange, UserHistory } from "../../src/history/types.js";
import { roster, TestRepo } from "./repo.js";

const COMMIT = "1111111111111111111111111111111111111111";

/** Adele's profile, retitled in a second commit, with one apply record on that commit. */
async function historyWith(
  record: string[] | ((commits: { added: string; retitled: string }) => string[]),
): Promise<{ changes: Map<string, HistoryChange>; text: string }> {
  const repo = await TestRepo.create();
  const added = await repo.commit(
    "Add Adele",
    {
      "profiles/adele.yaml": [
        "userPrincipalName: AdeleV@contoso.com",
        "jobTitle: Buyer",
        'officeLocation: "18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0110"',
        "",
      ].join("\n"),
    },
    { date: "2026-04-01T09:00:00Z" },
  );
  const retitle = await repo.commit(
    "Retitle Adele (#2)",
    {
      "profiles/adele.yaml": [
        "userPrincipalName: AdeleV@contoso.com",
        "jobTitle: Lead Buyer",
        'officeLocation: "18/2100"',
        "authentication:",
        '  mobile: "+1 425 555 0199"',
        "",
      ].join("\n"),
    },
    { date: "2026-04-02T09:00:00Z" },
  );
  repo.note(
    retitle,
    [
      "roster apply: applied",
      "at: 2026-04-02T12:00:00.000Z",
      "tenant: contoso.onmicrosoft.com",
      "graph: https://graph.microsoft.com",
      ...(typeof record === "function" ? record({ added, retitled: retitle }) : record),
      "",
    ].join("\n"),
    "2026-04-02T12:00:00Z",
  );
  const json = await roster(["history", "AdeleV@contoso.com", "--json", "--dir", repo.dir], {
    cwd: repo.dir,
  });
  const text = await roster(["history", "AdeleV@contoso.com", "--dir", repo.dir], { cwd: repo.dir });
  const history = JSON.parse(json.out) as UserHistory;
  // The first commit (the profile created): officeLocation is only ever set there.
  const changes = new Map<string, HistoryChange>();
  for (const entry of [...history.entries].reverse()) {
    for (const change of entry.changes) changes.set(change.path, change);
  }
  return { changes, text: text.out };
}

describe("roster history: what an apply record proves", () => {
  it("a fresh plan of the users changed since the commit's parent vouches for that commit's changes only", async () => {
    const lines = (since: string) => [
      "working tree: clean",
      `plan: fresh (made by this apply), users changed since ${since}`,
      'applied AdeleV@contoso.com authentication.mobile: "+1 ••••••••99"',
    ];
    const sinceParent = (await historyWith(({ added }) => lines(added))).changes;
    expect(sinceParent.get("jobTitle")?.apply?.status).toBe("alreadyInTenant");
    // Made in the parent itself: before what that apply read.
    expect(sinceParent.get("officeLocation")?.apply?.status).toBe("unknown");
    // Since the commit itself: that apply read nobody, so its silence proves nothing.
    const sinceItself = (await historyWith(({ retitled }) => lines(retitled))).changes;
    expect(sinceItself.get("jobTitle")?.apply?.status).toBe("unknown");
  });

  it("a fresh plan on a clean tree without a line for a value: the tenant already held it", async () => {
    const { changes } = await historyWith([
      "working tree: clean",
      "plan: fresh (made by this apply)",
      'applied AdeleV@contoso.com jobTitle: "Lead Buyer"',
      'applied AdeleV@contoso.com authentication.mobile: "+1 ••••••••99"',
    ]);
    expect(changes.get("officeLocation")?.apply?.status).toBe("alreadyInTenant");
    expect(changes.get("jobTitle")?.apply?.status).toBe("applied");
    expect(changes.get("authentication.mobile")?.apply?.status).toBe("applied");
    expect(changes.get("jobTitle")?.apply?.plan).toEqual({ source: "fresh", commit: expect.any(String) });
  });

  it("a saved plan: a missing line says nothing about the tenant", async () => {
    const { changes, text } = await historyWith([
      "working tree: clean",
      `plan: saved plan.json, made from ${COMMIT}`,
      'applied AdeleV@contoso.com jobTitle: "Lead Buyer"',
    ]);
    expect(changes.get("officeLocation")?.apply).toMatchObject({
      status: "unknown",
      reason: "the apply carried out a saved plan made from 11111111, only its reviewed changes",
      plan: { source: "saved", commit: COMMIT },
    });
    expect(changes.get("jobTitle")?.apply?.status).toBe("applied");
    expect(text).toContain('  + officeLocation: "18/2100"  [unknown: apply 2026-04-02T12:00:00.000Z of ');
    expect(text).not.toContain("apply found it already set");
  });

  it("a dirty working tree, or a record that does not say which plan: unknown", async () => {
    const dirty = await historyWith([
      "working tree: dirty (uncommitted changes to the desired state)",
      "plan: fresh (made by this apply)",
    ]);
    expect(dirty.changes.get("officeLocation")?.apply).toMatchObject({
      status: "unknown",
      reason: "the apply ran on a working tree with uncommitted changes",
    });
    const unsaid = await historyWith(["working tree: clean"]);
    expect(unsaid.changes.get("officeLocation")?.apply).toMatchObject({
      status: "unknown",
      reason: "the record does not say which plan the apply carried out",
      plan: null,
    });
  });

  it("a line for the same path with another value is not this change", async () => {
    const { changes, text } = await historyWith([
      "working tree: dirty (uncommitted changes to the desired state)",
      "plan: fresh (made by this apply)",
      'applied AdeleV@contoso.com jobTitle: "Senior Buyer"',
    ]);
    expect(changes.get("jobTitle")?.apply).toMatchObject({
      status: "unknown",
      reason:
        "the record shows another value for jobTitle (the apply ran on a working tree with uncommitted changes)",
    });
    expect(text).not.toContain('jobTitle: "Buyer" -> "Lead Buyer"  [applied');
  });

  it("a masked value that matches is no proof unless the record covers its commit", async () => {
    const { changes } = await historyWith([
      "working tree: clean",
      `plan: saved plan.json, made from ${COMMIT}`,
      // The mask of +1 425 555 0199, and of every other number ending in 99.
      'applied AdeleV@contoso.com authentication.mobile: "+1 ••••••••99"',
    ]);
    expect(changes.get("authentication.mobile")?.apply).toMatchObject({
      status: "unknown",
      reason:
        "the record's value is masked and can match another number or address (the apply carried out a saved plan made from 11111111, only its reviewed changes)",
    });
  });
});
