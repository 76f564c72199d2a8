// The apply record written into git notes: its text (for people reading `git log --notes=roster`)
// and its parsing back (for history and audit).
import { describe, expect, it } from "vitest";
import type { ApplyReport, ChangeOutcome } from "../../src/apply/report.js";
import { formatApplyNote, parseApplyNote, runContext } from "../../src/history/notes.js";

const change = (overrides: Partial<ChangeOutcome>): ChangeOutcome => ({
  kind: "attribute",
  action: "update",
  path: "jobTitle",
  before: null,
  after: null,
  sensitive: false,
  status: "applied",
  ...overrides,
});

const report = {
  formatVersion: 1,
  generator: "roster 0.1.0",
  tenant: "contoso.onmicrosoft.com",
  tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
  graphUrl: "https://graph.microsoft.com",
  git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
  plan: {
    file: null,
    digest: "sha256:x",
    desiredDigest: "sha256:y",
    createdAt: "2026-03-05T11:59:00.000Z",
    commit: null,
  },
  startedAt: "2026-03-05T11:59:00.000Z",
  finishedAt: "2026-03-05T12:00:00.000Z",
  durationMs: 60_000,
  outcome: "partial",
  requests: { total: 0, byMethod: {} },
  users: [
    {
      userPrincipalName: "AdeleV@contoso.com",
      id: "a",
      file: "profiles/sales/adele.vance.yaml",
      changes: [
        change({ path: "jobTitle", before: "Retail Manager", after: "Account Executive" }),
        change({
          kind: "manager",
          path: "manager",
          after: { userPrincipalName: "AlexW@contoso.com", id: "b" },
        }),
        change({
          kind: "photo",
          action: "add",
          path: "photo",
          after: { file: "photos/adele.vance.jpg", hash: "ff" },
        }),
        // The report masks authentication values; the note keeps them as the report has them.
        change({
          kind: "authMethod",
          path: "authentication.mobile",
          after: "+1 •••••••••71",
          sensitive: true,
        }),
        change({
          kind: "attribute",
          action: "remove",
          path: "mobilePhone",
          before: "+1 425 555 0100",
          after: null,
        }),
      ],
    },
    {
      userPrincipalName: "DiegoS@contoso.com",
      id: "c",
      file: "profiles/sales/diego.siciliani.yaml",
      changes: [
        change({
          path: "officeLocation",
          after: "Building 18/2100",
          status: "stale",
          reason: "officeLocation was changed in the tenant\nsince the plan",
        }),
        change({
          path: "department",
          after: "Sales",
          status: "failed",
          reason: "Graph refused",
          error: {
            status: 403,
            code: "Authorization_RequestDenied",
            message: "no",
            method: "PATCH",
            path: "/users/c",
          },
        }),
      ],
    },
    {
      userPrincipalName: "PradeepG@contoso.com",
      id: "d",
      file: "profiles/engineering/pradeep.gupta.yaml",
      changes: [
        change({
          action: null,
          path: "jobTitle",
          after: "Engineer",
          status: "skipped",
          reason: "mastered by on-premises AD for this synced user; change it there",
        }),
      ],
    },
  ],
  summary: {
    usersPlanned: 2,
    usersApplied: 1,
    usersFailed: 1,
    usersStale: 1,
    changes: 7,
    applied: 5,
    failed: 1,
    stale: 1,
    skipped: 1,
  },
} as unknown as ApplyReport;

const NOTE = [
  "roster apply: partial",
  "at: 2026-03-05T12:00:00.000Z",
  "tenant: contoso.onmicrosoft.com (c0d1e2f3-0000-4000-8000-000000000001)",
  "graph: https://graph.microsoft.com",
  "run: https://github.com/contoso/tenant/actions/runs/102 (attempt 2)",
  "environment: production",
  "working tree: clean",
  "plan: fresh (made by this apply)",
  "summary: 5 applied, 1 failed, 1 stale, 1 skipped, 0 refused; 3 users",
  'applied AdeleV@contoso.com jobTitle: "Account Executive"',
  'applied AdeleV@contoso.com manager: "AlexW@contoso.com"',
  'applied AdeleV@contoso.com photo: "photos/adele.vance.jpg"',
  'applied AdeleV@contoso.com authentication.mobile: "+1 •••••••••71"',
  "applied AdeleV@contoso.com mobilePhone: null",
  'stale DiegoS@contoso.com officeLocation: "Building 18/2100"',
  "  reason: officeLocation was changed in the tenant since the plan",
  'failed DiegoS@contoso.com department: "Sales"',
  "  reason: Graph refused; 403 Authorization_RequestDenied",
  'skipped PradeepG@contoso.com jobTitle: "Engineer"',
  "  reason: mastered by on-premises AD for this synced user; change it there",
  "",
].join("\n");

const GITHUB_ENV = {
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_REPOSITORY: "contoso/tenant",
  GITHUB_RUN_ID: "102",
  GITHUB_RUN_ATTEMPT: "2",
  ROSTER_ENVIRONMENT: "production",
};

describe("apply note", () => {
  it("is one line per fact and per change, values as the (masked) report has them", () => {
    expect(formatApplyNote(report, runContext(GITHUB_ENV))).toBe(NOTE);
  });

  it("names the run only when GitHub Actions says which", () => {
    expect(runContext({})).toEqual({ run: null, environment: null });
    expect(runContext({ GITHUB_RUN_ID: "7" })).toEqual({ run: "run 7", environment: null });
    const local = formatApplyNote({ ...report, git: { commit: "x", dirty: true } }, runContext({}));
    expect(local).not.toContain("run:");
    expect(local).not.toContain("environment:");
    expect(local).toContain("working tree: dirty (uncommitted changes to the desired state)\n");
  });

  it("parses back, several records of one note included", () => {
    const records = parseApplyNote(
      "abc",
      `${NOTE}\nroster apply: refused\nat: 2026-03-06T08:00:00.000Z\ntenant: t\nrefused: the plan holds 1 error\n`,
    );
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      commit: "abc",
      outcome: "partial",
      at: "2026-03-05T12:00:00.000Z",
      tenant: "contoso.onmicrosoft.com (c0d1e2f3-0000-4000-8000-000000000001)",
      run: "https://github.com/contoso/tenant/actions/runs/102 (attempt 2)",
      environment: "production",
      dirty: false,
      plan: { source: "fresh", commit: "abc" },
      refusal: null,
    });
    expect(records[0]!.changes.slice(4, 6)).toEqual([
      {
        status: "applied",
        userPrincipalName: "AdeleV@contoso.com",
        path: "mobilePhone",
        value: "null",
        reason: null,
      },
      {
        status: "stale",
        userPrincipalName: "DiegoS@contoso.com",
        path: "officeLocation",
        value: '"Building 18/2100"',
        reason: "officeLocation was changed in the tenant since the plan",
      },
    ]);
    expect(records[0]!.changes).toHaveLength(8);
    expect(records[1]).toMatchObject({ outcome: "refused", refusal: "the plan holds 1 error", changes: [] });
    // A record that does not say which plan it carried out (written before roster recorded it).
    expect(records[1]!.plan).toBeNull();
  });

  it("names a saved plan and the commit it was made from, and parses that back", () => {
    const saved = formatApplyNote(
      {
        ...report,
        plan: { ...report.plan, file: "plan.json", commit: "1234567890abcdef1234567890abcdef12345678" },
      },
      runContext({}),
    );
    expect(saved).toContain(
      "working tree: clean\nplan: saved plan.json, made from 1234567890abcdef1234567890abcdef12345678\nsummary: ",
    );
    expect(parseApplyNote("abc", saved)[0]!.plan).toEqual({
      source: "saved",
      commit: "1234567890abcdef1234567890abcdef12345678",
    });
    const outside = formatApplyNote({ ...report, plan: { ...report.plan, file: "p.json" } }, runContext({}));
    expect(outside).toContain("\nplan: saved p.json, made outside git\n");
    expect(parseApplyNote("abc", outside)[0]!.plan).toEqual({ source: "saved", commit: null });
  });

  it("escapes characters that would hide or reorder text in a terminal", () => {
    const sneaky = {
      ...report,
      users: [
        {
          userPrincipalName: "AdeleV@contoso.com",
          id: "a",
          file: "f",
          changes: [change({ path: "jobTitle", after: "Manager\u202eregasnaM" })],
        },
      ],
    } as ApplyReport;
    expect(formatApplyNote(sneaky, runContext({}))).toContain(
      'applied AdeleV@contoso.com jobTitle: "Manager\\u202eregasnaM"\n',
    );
  });
});
