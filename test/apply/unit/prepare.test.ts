// prepareApply (src/apply/prepare.ts) from verdicts written out by hand: what is written, counted
// done, refused or held back as stale, and the outcome each change gets, word for word; then
// recordExecution copying each write's result onto its changes.
import { describe, expect, it } from "vitest";
import type { ExecuteResult } from "../../../src/apply/execute.js";
import {
  changesToWrite,
  type PreparedApply,
  prepareApply,
  recordExecution,
  usersToWrite,
} from "../../../src/apply/prepare.js";
import type { WriteFailure } from "../../../src/apply/report.js";
import type { DesiredState } from "../../../src/desired/types.js";
import type { Comparison, Verdict } from "../../../src/plan/compare.js";
import type { Change, PlannedUser } from "../../../src/plan/types.js";
import { type ActualUser, tenantOf } from "../../../src/tenant/types.js";
import { config, profile, user } from "../../helpers/builders.js";

const SOURCE = { file: "profiles/adelev.yaml", line: 2, col: 1 };
const attribute = (path: string, after: string): Change => ({
  kind: "attribute",
  action: "update",
  path,
  before: "old",
  after,
  source: SOURCE,
  sensitive: false,
});

function planned(upn: string, changes: Change[]): PlannedUser {
  return {
    userPrincipalName: upn,
    id: `id-${upn.split("@")[0]?.toLowerCase()}`,
    file: `profiles/${upn.split("@")[0]?.toLowerCase()}.yaml`,
    roles: [],
    onPremisesSyncEnabled: false,
    changes,
    skipped: [],
  };
}

const ADELE = "AdeleV@contoso.com";
const ALEX = "AlexW@contoso.com";
const tenant = (): ActualUser[] => [
  user({ userPrincipalName: ADELE, id: "id-adelev" }),
  user({ userPrincipalName: ALEX, id: "id-alexw" }),
];

function prepare(
  users: { user: PlannedUser; verdicts: Verdict[] }[],
  protectedUsers: string[] = [],
  actualUsers: ActualUser[] = tenant(),
): PreparedApply {
  const state: DesiredState = {
    root: "/nonexistent/roster-test",
    config: config({ protected: protectedUsers }),
    profiles: [profile({ upn: ADELE }), profile({ upn: ALEX })],
    files: [],
  };
  const comparison: Comparison = {
    users: users.map(({ user: saved, verdicts }) => ({ saved, verdicts })),
    unreviewed: [],
  };
  return prepareApply(comparison, tenantOf(actualUsers), {
    state,
    serviceRoot: "https://graph.microsoft.com/v1.0",
  });
}

const statusOf = (prepared: PreparedApply) =>
  prepared.outcomes.map((o) => o.changes.map((c) => [c.path, c.status, c.reason ?? null]));

describe("prepareApply", () => {
  it("writes the fresh plan's changes and counts done ones applied, already so", () => {
    const title = attribute("jobTitle", "Manager");
    const fresh = attribute("jobTitle", "Manager");
    const adele = planned(ADELE, [title, attribute("department", "Sales")]);
    const prepared = prepare([{ user: adele, verdicts: [{ kind: "apply", fresh }, { kind: "done" }] }]);
    expect(statusOf(prepared)).toEqual([
      [
        ["jobTitle", "failed", "not attempted"],
        ["department", "applied", "already so in the tenant"],
      ],
    ]);
    expect(usersToWrite(prepared)).toBe(1);
    expect(changesToWrite(prepared).map(({ user: u, change }) => [u.userPrincipalName, change.path])).toEqual(
      [[ADELE, "jobTitle"]],
    );
    // The change written is the fresh one.
    expect(changesToWrite(prepared)[0]?.change).toBe(fresh);
    expect(prepared.works[0]?.batch.map((s) => [s.method, s.url, s.body])).toEqual([
      ["PATCH", "/users/id-adelev", { jobTitle: "Manager" }],
    ]);
    expect(prepared.refused).toEqual([]);
    expect(prepared.staleUsers).toEqual([]);
  });

  it("writes nothing for a user whose changes are all done", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Manager")]);
    const prepared = prepare([{ user: adele, verdicts: [{ kind: "done" }] }]);
    expect(prepared.works).toEqual([]);
    expect(statusOf(prepared)).toEqual([[["jobTitle", "applied", "already so in the tenant"]]]);
  });

  it("holds back every change of a user with a stale one, saying why for each", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Manager"), attribute("department", "Sales")]);
    const prepared = prepare([
      {
        user: adele,
        verdicts: [
          { kind: "stale", reason: 'jobTitle is now "Clerk", the plan expected "old"' },
          { kind: "apply", fresh: attribute("department", "Sales") },
        ],
      },
    ]);
    expect(statusOf(prepared)).toEqual([
      [
        ["jobTitle", "stale", 'jobTitle is now "Clerk", the plan expected "old"'],
        [
          "department",
          "stale",
          "not applied: another change of this user is stale (a user's changes apply together)",
        ],
      ],
    ]);
    expect(prepared.staleUsers).toEqual([
      { user: adele, reasons: ['jobTitle is now "Clerk", the plan expected "old"'] },
    ]);
    expect(prepared.works).toEqual([]);
  });

  it("refuses a change the repository does not ask for, and then writes nothing at all, not even another user's", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Hacked"), attribute("department", "Sales")]);
    const alex = planned(ALEX, [attribute("jobTitle", "Lead")]);
    const prepared = prepare([
      {
        user: adele,
        verdicts: [
          { kind: "refused", reason: "the repository no longer asks for this change" },
          { kind: "stale", reason: "department moved" },
        ],
      },
      { user: alex, verdicts: [{ kind: "apply", fresh: attribute("jobTitle", "Lead") }] },
    ]);
    expect(statusOf(prepared)).toEqual([
      [
        ["jobTitle", "refused", "refused: the repository no longer asks for this change"],
        ["department", "stale", "department moved"],
      ],
      [["jobTitle", "failed", "not attempted"]],
    ]);
    expect(prepared.refused.map((r) => [r.user.userPrincipalName, r.change.path, r.reason])).toEqual([
      [ADELE, "jobTitle", "the repository no longer asks for this change"],
    ]);
    expect(prepared.works).toEqual([]);
    expect(prepared.outcomeOf.size).toBe(0);
  });

  it("refuses every change of a protected user, by UPN or by the tenant user's object id", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Manager")]);
    const verdicts: Verdict[] = [{ kind: "apply", fresh: attribute("jobTitle", "Manager") }];
    for (const entry of ["adelev@contoso.com", "id-adelev"]) {
      const prepared = prepare([{ user: adele, verdicts }], [entry]);
      expect(statusOf(prepared)).toEqual([
        [["jobTitle", "refused", "refused: the user is protected in roster.yaml"]],
      ]);
      expect(prepared.refused.map((r) => r.reason)).toEqual(["the user is protected in roster.yaml"]);
      expect(prepared.works).toEqual([]);
    }
  });

  it("refuses a user protected under the UPN the tenant gives them now, not the plan's", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Manager")]);
    const renamed = [user({ userPrincipalName: "adele.vance@contoso.com", id: "id-adelev" })];
    const verdicts: Verdict[] = [{ kind: "apply", fresh: attribute("jobTitle", "Manager") }];
    const prepared = prepare([{ user: adele, verdicts }], ["adele.vance@contoso.com"], renamed);
    expect(statusOf(prepared)).toEqual([
      [["jobTitle", "refused", "refused: the user is protected in roster.yaml"]],
    ]);
  });

  it("gives a user with only skipped changes an outcome and no work", () => {
    const adele: PlannedUser = {
      ...planned(ADELE, []),
      skipped: [
        { kind: "attribute", path: "department", before: null, after: "x", source: SOURCE, reason: "r" },
      ],
    };
    const prepared = prepare([{ user: adele, verdicts: [] }]);
    expect(statusOf(prepared)).toEqual([[["department", "skipped", "r"]]]);
    expect(prepared.works).toEqual([]);
  });
});

describe("recordExecution", () => {
  it("copies each write's result: applied with its note, failed with Graph's error, not attempted after an earlier failure", () => {
    const adele = planned(ADELE, [attribute("jobTitle", "Manager")]);
    const alex = planned(ALEX, [attribute("jobTitle", "Lead")]);
    const prepared = prepare([
      { user: adele, verdicts: [{ kind: "apply", fresh: attribute("jobTitle", "Manager") }] },
      { user: alex, verdicts: [{ kind: "apply", fresh: attribute("jobTitle", "Lead") }] },
    ]);
    const [adeleStep] = prepared.works[0]?.batch ?? [];
    const [alexStep] = prepared.works[1]?.batch ?? [];
    if (!adeleStep || !alexStep) throw new Error("both users have a PATCH");
    const error: WriteFailure = {
      status: 400,
      code: "Request_BadRequest",
      message: "Invalid value",
      method: "PATCH",
      path: "/users/id-adelev",
    };
    const execution: ExecuteResult = {
      results: new Map([[adeleStep, { ok: false, error }]]),
      notAttempted: new Map([[alexStep, adeleStep]]),
    };
    recordExecution(prepared, execution);
    expect(prepared.outcomes[0]?.changes[0]).toMatchObject({ status: "failed", error });
    expect(prepared.outcomes[0]?.changes[0]).not.toHaveProperty("reason");
    expect(prepared.outcomes[1]?.changes[0]).toMatchObject({
      status: "failed",
      reason: "not attempted: jobTitle failed before it",
    });

    const applied: ExecuteResult = {
      results: new Map([
        [adeleStep, { ok: true, note: "already absent" }],
        [alexStep, { ok: true }],
      ]),
      notAttempted: new Map(),
    };
    recordExecution(prepared, applied);
    expect(prepared.outcomes.map((o) => [o.changes[0]?.status, o.changes[0]?.reason ?? null])).toEqual([
      ["applied", "already absent"],
      ["applied", null],
    ]);

    const nothing: ExecuteResult = { results: new Map(), notAttempted: new Map() };
    recordExecution(prepared, nothing);
    expect(prepared.outcomes[0]?.changes[0]).toMatchObject({ status: "failed", reason: "not attempted" });
  });
});
