// The apply report as data (src/apply/report.ts): outcomes of planned and skipped changes with
// authentication values masked, the summary counted by status, the overall outcome and exit code,
// and a refusal marking every change nobody got to. Every expectation is written out by hand.
import { describe, expect, it } from "vitest";
import {
  ALREADY_SO,
  type ApplySummary,
  applyExitCode,
  buildApplyReport,
  type ChangeOutcome,
  type ChangeStatus,
  failureOf,
  outcomeOf,
  outcomesFor,
  summarize,
  type UserOutcome,
} from "../../../src/apply/report.js";
import { GraphRequestError } from "../../../src/graph/index.js";
import type { Plan, PlannedUser } from "../../../src/plan/types.js";

const SOURCE = { file: "profiles/adele.yaml", line: 2, col: 1 };

const adele: PlannedUser = {
  userPrincipalName: "AdeleV@contoso.com",
  id: "id-adele",
  file: "profiles/adele.yaml",
  roles: [],
  onPremisesSyncEnabled: false,
  changes: [
    {
      kind: "attribute",
      action: "update",
      path: "jobTitle",
      before: "Clerk",
      after: "Manager",
      source: SOURCE,
      sensitive: false,
    },
    {
      kind: "authMethod",
      action: "update",
      path: "authentication.mobile",
      before: "+1 ••••••••99",
      after: "+1 4255550110",
      source: SOURCE,
      sensitive: true,
    },
    {
      kind: "attribute",
      action: "add",
      path: "officeLocation",
      before: null,
      after: "18/2111",
      source: SOURCE,
      sensitive: false,
    },
  ],
  skipped: [
    {
      kind: "authMethod",
      path: "authentication.email",
      before: null,
      after: "adele@personal.example",
      source: SOURCE,
      reason: "not checked",
    },
    {
      kind: "attribute",
      path: "department",
      before: "Sales",
      after: undefined,
      source: SOURCE,
      reason: "mastered by on-premises AD for this synced user; change it there",
    },
  ],
};

describe("outcomesFor", () => {
  it("lists the changes, not attempted yet, then the skipped ones, authentication values masked", () => {
    expect(outcomesFor(adele)).toEqual({
      userPrincipalName: "AdeleV@contoso.com",
      id: "id-adele",
      file: "profiles/adele.yaml",
      changes: [
        {
          kind: "attribute",
          action: "update",
          path: "jobTitle",
          before: "Clerk",
          after: "Manager",
          sensitive: false,
          status: "failed",
          reason: "not attempted",
        },
        {
          kind: "authMethod",
          action: "update",
          path: "authentication.mobile",
          before: "+1 ••••••••99",
          after: "+1 ••••••••10",
          sensitive: true,
          status: "failed",
          reason: "not attempted",
        },
        {
          kind: "attribute",
          action: "add",
          path: "officeLocation",
          before: null,
          after: "18/2111",
          sensitive: false,
          status: "failed",
          reason: "not attempted",
        },
        {
          kind: "authMethod",
          action: null,
          path: "authentication.email",
          before: null,
          after: "a•••@personal.example",
          sensitive: true,
          status: "skipped",
          reason: "not checked",
        },
        {
          kind: "attribute",
          action: null,
          path: "department",
          before: "Sales",
          after: null,
          sensitive: false,
          status: "skipped",
          reason: "mastered by on-premises AD for this synced user; change it there",
        },
      ],
    });
  });

  it("masks a value at an authentication path whatever kind the change claims", () => {
    const odd: PlannedUser = {
      ...adele,
      changes: [{ ...(adele.changes[1] as PlannedUser["changes"][number]), kind: "attribute" }],
      skipped: [],
    };
    expect(outcomesFor(odd).changes[0]).toMatchObject({ before: "+1 ••••••••99", after: "+1 ••••••••10" });
  });
});

/** One user with changes of the given statuses (an action unless `null` is given as the action). */
function userWith(name: string, ...statuses: (ChangeStatus | [ChangeStatus, string])[]): UserOutcome {
  return {
    userPrincipalName: name,
    id: `id-${name}`,
    file: `profiles/${name}.yaml`,
    changes: statuses.map((entry): ChangeOutcome => {
      const [status, reason] = Array.isArray(entry) ? entry : [entry, undefined];
      return {
        kind: "attribute",
        action: status === "skipped" ? null : "update",
        path: "jobTitle",
        before: null,
        after: "x",
        sensitive: false,
        status,
        ...(reason ? { reason } : {}),
      };
    }),
  };
}

describe("summarize", () => {
  it("counts users and changes by status, a user applied only when nothing of theirs failed, went stale or was refused", () => {
    const users = [
      userWith("a", "applied", ["applied", ALREADY_SO]),
      userWith("b", "applied", "failed"),
      userWith("c", "stale", "stale"),
      userWith("d", "refused", "applied"),
      userWith("e", "skipped"),
      userWith("f", "applied", "skipped"),
    ];
    expect(summarize(users)).toEqual({
      usersPlanned: 5,
      usersApplied: 2,
      usersFailed: 1,
      usersStale: 1,
      usersRefused: 1,
      changes: 9,
      applied: 5,
      failed: 1,
      stale: 2,
      refused: 1,
      skipped: 2,
      alreadySo: 1,
    } satisfies ApplySummary);
  });

  it("counts as already so only applied changes with that reason", () => {
    const users = [
      userWith("a", ["failed", ALREADY_SO], ["applied", "already absent"], ["applied", ALREADY_SO]),
    ];
    expect(summarize(users).alreadySo).toBe(1);
  });
});

describe("outcomeOf and applyExitCode", () => {
  const summary = (counts: Partial<ApplySummary>): ApplySummary => ({
    usersPlanned: 1,
    usersApplied: 0,
    usersFailed: 0,
    usersStale: 0,
    usersRefused: 0,
    changes: 1,
    applied: 0,
    failed: 0,
    stale: 0,
    refused: 0,
    skipped: 0,
    alreadySo: 0,
    ...counts,
  });

  it("is noChanges without changes, applied when none failed, went stale or was refused, else partial or failed", () => {
    expect(outcomeOf(summary({ changes: 0, skipped: 3 }))).toBe("noChanges");
    expect(outcomeOf(summary({ applied: 1 }))).toBe("applied");
    expect(outcomeOf(summary({ changes: 2, applied: 1, failed: 1 }))).toBe("partial");
    expect(outcomeOf(summary({ changes: 2, applied: 1, stale: 1 }))).toBe("partial");
    expect(outcomeOf(summary({ changes: 2, applied: 1, refused: 1 }))).toBe("partial");
    expect(outcomeOf(summary({ failed: 1 }))).toBe("failed");
    expect(outcomeOf(summary({ stale: 1 }))).toBe("failed");
    expect(outcomeOf(summary({ refused: 1 }))).toBe("failed");
  });

  it("exits 0 only for applied and noChanges", () => {
    const exit = (outcome: string) => applyExitCode({ outcome } as Parameters<typeof applyExitCode>[0]);
    expect(exit("applied")).toBe(0);
    expect(exit("noChanges")).toBe(0);
    expect(exit("partial")).toBe(1);
    expect(exit("failed")).toBe(1);
    expect(exit("refused")).toBe(1);
  });
});

describe("failureOf", () => {
  it("keeps what finds the request in Microsoft's logs, and the hint, leaving absent fields out", () => {
    const forbidden = new GraphRequestError({
      method: "PATCH",
      path: "/users/id-adele",
      status: 403,
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
      requestId: "rid-1",
      clientRequestId: "cid-1",
    });
    const failure = failureOf(forbidden);
    expect(failure).toMatchObject({
      status: 403,
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
      requestId: "rid-1",
      clientRequestId: "cid-1",
      method: "PATCH",
      path: "/users/id-adele",
    });
    expect(failure.hint).toEqual(expect.any(String));
    const bare = new GraphRequestError({
      method: "PUT",
      path: "/x",
      status: 500,
      code: "boom",
      message: "m",
    });
    expect(failureOf(bare)).toEqual({ status: 500, code: "boom", message: "m", method: "PUT", path: "/x" });
  });
});

describe("buildApplyReport", () => {
  const plan: Plan = {
    formatVersion: 2,
    generator: "roster test",
    createdAt: "2026-12-01T00:00:00.000Z",
    tenant: "contoso.onmicrosoft.com",
    tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
    graphUrl: "https://graph.microsoft.com",
    git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
    desiredDigest: "sha256:0",
    users: [adele],
    errors: [],
    warnings: [],
    summary: {
      managedUsers: 1,
      unmanagedUsers: 0,
      usersWithChanges: 1,
      changes: { attribute: 2, manager: 0, photo: 0, authMethod: 1 },
      sensitiveChanges: 1,
      skipped: 2,
      errors: 0,
      warnings: 0,
    },
  };
  const input = {
    plan,
    planFile: "plan.json",
    graphUrl: "https://graph.microsoft.com",
    tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
    root: "/nonexistent/roster-report-test",
    requests: { total: 3, byMethod: { GET: 2, PATCH: 1 }, retries: 0 },
    started: new Date("2026-12-02T10:00:00.000Z"),
    finished: new Date("2026-12-02T10:00:01.250Z"),
  };

  it("marks every change nobody got to as skipped with the refusal, leaving skips and decided changes alone", async () => {
    const outcomes = [outcomesFor(adele)];
    (outcomes[0]?.changes[2] as ChangeOutcome).status = "stale";
    (outcomes[0]?.changes[2] as ChangeOutcome).reason = "jobTitle moved";
    const report = await buildApplyReport({ ...input, outcomes, refusal: "not confirmed" });
    expect(report.outcome).toBe("refused");
    expect(report.refusal).toBe("not confirmed");
    expect(report.users[0]?.changes.map((c) => [c.status, c.reason])).toEqual([
      ["skipped", "apply refused: not confirmed"],
      ["skipped", "apply refused: not confirmed"],
      ["stale", "jobTitle moved"],
      ["skipped", "not checked"],
      ["skipped", "mastered by on-premises AD for this synced user; change it there"],
    ]);
  });

  it("lists the plan's own changes when apply stopped before deciding, and records the plan and the run", async () => {
    const report = await buildApplyReport(input);
    expect(report).toMatchObject({
      formatVersion: 1,
      tenant: "contoso.onmicrosoft.com",
      tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
      graphUrl: "https://graph.microsoft.com",
      plan: {
        file: "plan.json",
        desiredDigest: "sha256:0",
        createdAt: "2026-12-01T00:00:00.000Z",
        commit: "0123456789abcdef0123456789abcdef01234567",
      },
      startedAt: "2026-12-02T10:00:00.000Z",
      finishedAt: "2026-12-02T10:00:01.250Z",
      durationMs: 1250,
      outcome: "failed",
      requests: { total: 3, byMethod: { GET: 2, PATCH: 1 }, retries: 0 },
    });
    expect(report.generator).toMatch(/^roster \d+\.\d+\.\d+/);
    expect(report.plan.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report).not.toHaveProperty("refusal");
    expect(report.users[0]?.changes.map((c) => c.status)).toEqual([
      "failed",
      "failed",
      "failed",
      "skipped",
      "skipped",
    ]);
    expect(report.summary).toMatchObject({ changes: 3, failed: 3, skipped: 2 });
    // The counts are copied, not shared with the live counter.
    input.requests.byMethod.GET = 99;
    expect(report.requests.byMethod.GET).toBe(2);
  });
});
