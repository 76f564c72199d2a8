// applyPlan (src/apply/run.ts) in-process, with a session made of real diffs of small scenarios, a
// fake Graph that records writes, and a UI that records what it was asked. Every refusal is stated
// word for word; the CLI tests (test/apply/*.test.ts) show the same flow over HTTPS against the
// emulator. These run in milliseconds, so StrykerJS can run them for every mutant of src/apply.
import { describe, expect, it } from "vitest";
import type { ExecuteOptions } from "../../../src/apply/execute.js";
import type { PreparedApply } from "../../../src/apply/prepare.js";
import { type ApplyContext, type ApplyRequest, type ApplyUi, applyPlan } from "../../../src/apply/run.js";
import type { RosterConfig } from "../../../src/config/load.js";
import type { DesiredState } from "../../../src/desired/types.js";
import { buildPlan } from "../../../src/plan/build.js";
import type { FreshState } from "../../../src/plan/compare.js";
import { diff } from "../../../src/plan/diff.js";
import type { Plan } from "../../../src/plan/types.js";
import { type ActualUser, tenantOf } from "../../../src/tenant/types.js";
import { config, type ProfileSpec, profile, user } from "../../helpers/builders.js";

const TENANT_ID = "c0d1e2f3-0000-4000-8000-000000000001";
const OTHER_TENANT_ID = "0a0b0c0d-0000-4000-8000-00000000f00d";
const GRAPH_URL = "https://graph.microsoft.com";
const ADELE = "AdeleV@contoso.com";
const ALEX = "AlexW@contoso.com";

const tenantUsers = (): ActualUser[] => [
  user({ userPrincipalName: ADELE, id: "id-adele", properties: { jobTitle: "Sales Associate" } }),
  user({ userPrincipalName: ALEX, id: "id-alex", properties: { department: "Retail" } }),
];
const BOTH: ProfileSpec[] = [
  { upn: ADELE, attributes: { jobTitle: "Account Executive" } },
  { upn: ALEX, attributes: { department: "Sales" } },
];

function freshState(profiles: ProfileSpec[], users: ActualUser[], rosterConfig: RosterConfig): FreshState {
  const actual = tenantOf(users);
  const result = diff({
    profiles: profiles.map(profile),
    config: rosterConfig,
    photoHashes: new Map(),
    actual,
  });
  const plan = buildPlan(result, {
    generator: "roster test",
    createdAt: "2026-12-01T00:00:00.000Z",
    tenant: "contoso.onmicrosoft.com",
    tenantId: TENANT_ID,
    graphUrl: GRAPH_URL,
    git: { commit: null, dirty: false },
    desiredDigest: "sha256:0",
  });
  return { plan, actual, managedPaths: result.managedPaths };
}

/** A plan as `roster plan --out` writes it and apply reads it back. */
const savedCopy = (fresh: FreshState, edit: (plan: Plan) => void = () => {}): Plan => {
  const plan = JSON.parse(JSON.stringify(fresh.plan)) as Plan;
  edit(plan);
  return plan;
};

interface Scenario {
  profiles?: ProfileSpec[];
  users?: () => ActualUser[];
  config?: Partial<RosterConfig>;
  session?: Partial<ApplyContext>;
  approve?: string;
}

function setup(scenario: Scenario = {}) {
  const rosterConfig = config(scenario.config);
  const profiles = scenario.profiles ?? BOTH;
  const users = scenario.users ?? tenantUsers;
  const state: DesiredState = {
    root: "/nonexistent/roster-test",
    config: rosterConfig,
    profiles: profiles.map(profile),
    files: [],
  };
  const writes: string[] = [];
  const graph = {
    serviceRoot: `${GRAPH_URL}/v1.0`,
    batch: async (items: readonly { method: string; url: string; body?: unknown }[]) =>
      items.map((item) => {
        writes.push(`${item.method} ${item.url} ${JSON.stringify(item.body)}`);
        return { status: 204, ok: true, headers: {}, body: undefined, attempts: 1 };
      }),
  } as unknown as ExecuteOptions["graph"] & { serviceRoot: string };
  const replans: (ReadonlySet<string> | undefined)[] = [];
  const session: ApplyContext = {
    state,
    graph,
    graphUrl: GRAPH_URL,
    tenantId: TENANT_ID,
    requests: { total: 0, byMethod: {}, retries: 0 },
    replan: async (only) => {
      // Which users apply asked to re-read, by lower-cased id.
      replans.push(only ? new Set(only.map((u) => u.id.toLowerCase())) : undefined);
      return freshState(profiles, users(), rosterConfig);
    },
    ...scenario.session,
  };
  const seen: string[] = [];
  const ui: ApplyUi = {
    planMade: (plan) => seen.push(`planMade ${plan.summary.usersWithChanges}`),
    log: (message) => seen.push(`log ${message}`),
    refused: (prepared: PreparedApply) => seen.push(`refused ${prepared.refused.length}`),
    approve: async (_prepared, count) => {
      seen.push(`approve ${count}`);
      return scenario.approve;
    },
    progress: (count) => {
      seen.push(`progress ${count}`);
      return {
        userDone: (failed: boolean) => seen.push(`userDone ${failed}`),
        finish: () => seen.push("finish"),
      } as unknown as ReturnType<ApplyUi["progress"]>;
    },
  };
  const run = (request: Partial<ApplyRequest> = {}) =>
    applyPlan({
      session,
      ui,
      allowMassChange: false,
      now: () => new Date("2026-12-02T10:00:00.000Z"),
      ...request,
    });
  const fresh = () => freshState(profiles, users(), rosterConfig);
  return { run, writes, seen, replans, fresh, session };
}

const statuses = (report: Awaited<ReturnType<typeof applyPlan>>) =>
  report.users.map((u) => `${u.userPrincipalName}: ${u.changes.map((c) => c.status).join(",")}`);

describe("applyPlan without a saved plan", () => {
  it("plans, asks approval for 2 users, writes both changes and reports them applied", async () => {
    const { run, writes, seen, replans } = setup();
    const report = await run();
    expect(replans).toEqual([undefined]);
    expect(writes).toEqual([
      'PATCH /users/id-adele {"jobTitle":"Account Executive"}',
      'PATCH /users/id-alex {"department":"Sales"}',
    ]);
    expect(seen).toEqual([
      "planMade 2",
      "refused 0",
      "approve 2",
      "progress 2",
      "userDone false",
      "userDone false",
      "finish",
    ]);
    expect(report.outcome).toBe("applied");
    expect(report.refusal).toBeUndefined();
    expect(report.plan.file).toBeNull();
    expect(report.tenantId).toBe(TENANT_ID);
    expect(report.graphUrl).toBe(GRAPH_URL);
    expect(report.startedAt).toBe("2026-12-02T10:00:00.000Z");
    expect(statuses(report)).toEqual([`${ADELE}: applied`, `${ALEX}: applied`]);
  });

  it("writes nothing and asks nothing when the tenant already holds every value", async () => {
    const { run, writes, seen } = setup({
      users: () => [
        user({ userPrincipalName: ADELE, id: "id-adele", properties: { jobTitle: "Account Executive" } }),
        user({ userPrincipalName: ALEX, id: "id-alex", properties: { department: "Sales" } }),
      ],
    });
    const report = await run();
    expect(writes).toEqual([]);
    expect(seen).toEqual(["planMade 0", "refused 0"]);
    expect(report.outcome).toBe("noChanges");
  });

  it("writes nothing when approval is refused, reporting why", async () => {
    const { run, writes, seen } = setup({ approve: "not confirmed: the answer was not 'yes'" });
    const report = await run();
    expect(writes).toEqual([]);
    expect(seen).toEqual(["planMade 2", "refused 0", "approve 2"]);
    expect(report.outcome).toBe("refused");
    expect(report.refusal).toBe("not confirmed: the answer was not 'yes'");
  });

  it("refuses a plan with errors, before asking anything", async () => {
    const { run, writes, seen } = setup({
      profiles: [...BOTH, { upn: "ghost@contoso.com", attributes: { jobTitle: "x" } }],
    });
    const report = await run();
    expect(report.refusal).toBe("the plan holds 1 error");
    expect(writes).toEqual([]);
    expect(seen).toEqual(["planMade 2"]);
  });

  it("refuses more users than limits.maxUsersChanged, unless allowed; exactly the limit passes", async () => {
    const over = setup({ config: { limits: { maxUsersChanged: 1 } } });
    const refused = await over.run();
    expect(refused.refusal).toBe(
      "2 users would change, more than limits.maxUsersChanged (1); pass --allow-mass-change if that is intended",
    );
    expect(over.writes).toEqual([]);
    expect((await over.run({ allowMassChange: true })).outcome).toBe("applied");
    expect(over.writes).toHaveLength(2);

    const atLimit = setup({ config: { limits: { maxUsersChanged: 2 } } });
    expect((await atLimit.run()).outcome).toBe("applied");
  });
});

describe("applyPlan with a saved plan", () => {
  it("re-reads only the plan's users with changes, then writes the reviewed changes", async () => {
    const { run, writes, seen, replans, fresh } = setup();
    const plan = savedCopy(fresh());
    const report = await run({ saved: { plan, file: "plan.json" } });
    expect(replans).toEqual([new Set(["id-adele", "id-alex"])]);
    expect(writes).toHaveLength(2);
    expect(seen[0]).toBe(
      "log re-reading the plan's users and diffing afresh: only the reviewed changes are applied",
    );
    expect(report.plan.file).toBe("plan.json");
    expect(report.outcome).toBe("applied");
  });

  it("refuses a plan that holds errors, reading nothing", async () => {
    const { run, writes, replans, fresh } = setup();
    const plan = savedCopy(fresh(), (p) => {
      p.errors = [{ message: "x" }, { message: "y" }];
    });
    const report = await run({ saved: { plan, file: "plan.json" } });
    expect(report.refusal).toBe("the plan holds 2 errors; fix them and plan again");
    expect([writes, replans]).toEqual([[], []]);
  });

  it("refuses a plan made for another tenant id, or when signed in to another, naming both", async () => {
    const forOther = setup();
    const plan = savedCopy(forOther.fresh(), (p) => {
      p.tenantId = OTHER_TENANT_ID;
    });
    expect((await forOther.run({ saved: { plan, file: "plan.json" } })).refusal).toBe(
      `the plan was made for tenant ${OTHER_TENANT_ID}, but roster is signed in to tenant ${TENANT_ID} (contoso.onmicrosoft.com)`,
    );
    const signedInElsewhere = setup({ session: { tenantId: OTHER_TENANT_ID } });
    const report = await signedInElsewhere.run({
      saved: { plan: savedCopy(signedInElsewhere.fresh()), file: "plan.json" },
    });
    expect(report.refusal).toBe(
      `the plan was made for tenant ${TENANT_ID}, but roster is signed in to tenant ${OTHER_TENANT_ID} (contoso.onmicrosoft.com)`,
    );
    expect([forOther.writes, forOther.replans, signedInElsewhere.writes, signedInElsewhere.replans]).toEqual([
      [],
      [],
      [],
      [],
    ]);
  });

  it("compares tenant ids without regard to case", async () => {
    const { run, fresh } = setup({ session: { tenantId: TENANT_ID.toUpperCase() } });
    const report = await run({ saved: { plan: savedCopy(fresh()), file: "plan.json" } });
    expect(report.refusal).toBeUndefined();
    expect(report.outcome).toBe("applied");
  });

  it("refuses a plan made for another Graph endpoint or tenant name", async () => {
    const elsewhere = setup({ session: { graphUrl: "https://graph.microsoft.us" } });
    expect(
      (await elsewhere.run({ saved: { plan: savedCopy(elsewhere.fresh()), file: "plan.json" } })).refusal,
    ).toBe(
      "the plan was made for contoso.onmicrosoft.com at https://graph.microsoft.com, not contoso.onmicrosoft.com at https://graph.microsoft.us",
    );
    const renamed = setup();
    const plan = savedCopy(renamed.fresh(), (p) => {
      p.tenant = "fabrikam.onmicrosoft.com";
    });
    expect((await renamed.run({ saved: { plan, file: "plan.json" } })).refusal).toBe(
      "the plan was made for fabrikam.onmicrosoft.com at https://graph.microsoft.com, not contoso.onmicrosoft.com at https://graph.microsoft.com",
    );
    expect([elsewhere.writes, renamed.writes]).toEqual([[], []]);
  });

  it("refuses a plan whose digest key differs from the run's", async () => {
    const withoutKey = setup();
    const keyed = savedCopy(withoutKey.fresh(), (p) => {
      p.digestKeyId = "0123456789ab";
    });
    expect((await withoutKey.run({ saved: { plan: keyed, file: "plan.json" } })).refusal).toBe(
      "the plan's authentication values are checked with a digest key: set ROSTER_DIGEST_KEY as when the plan was made",
    );
    const otherKey = setup({ session: { digestKeyId: "ba9876543210" } });
    expect((await otherKey.run({ saved: { plan: keyed, file: "plan.json" } })).refusal).toBe(
      "the plan was made with another ROSTER_DIGEST_KEY: use the same key, or make a new plan",
    );
    expect(withoutKey.replans).toEqual([]);
    expect(otherKey.replans).toEqual([]);
  });

  it("refuses an unkeyed plan with authentication changes when a key is set; without them it applies", async () => {
    const auth = setup({
      profiles: [{ upn: ADELE, authentication: { email: "adele@personal.example" } }],
      session: { digestKeyId: "0123456789ab" },
    });
    const plan = savedCopy(auth.fresh());
    expect(plan.users[0]?.changes[0]?.kind).toBe("authMethod");
    expect((await auth.run({ saved: { plan, file: "plan.json" } })).refusal).toBe(
      "the plan's authentication changes carry no keyed digests, but ROSTER_DIGEST_KEY is set: make a new plan with it",
    );
    const attributesOnly = setup({ session: { digestKeyId: "0123456789ab" } });
    const report = await attributesOnly.run({
      saved: { plan: savedCopy(attributesOnly.fresh()), file: "plan.json" },
    });
    expect(report.refusal).toBeUndefined();
    expect(attributesOnly.writes).toHaveLength(2);
  });

  it("decides the mass-change guard from the saved plan, before reading anything", async () => {
    const { run, replans, fresh } = setup({ config: { limits: { maxUsersChanged: 1 } } });
    const report = await run({ saved: { plan: savedCopy(fresh()), file: "plan.json" } });
    expect(report.refusal).toBe(
      "2 users would change, more than limits.maxUsersChanged (1); pass --allow-mass-change if that is intended",
    );
    expect(replans).toEqual([]);
  });

  it("refuses, whole, a plan with a change the repository does not ask for", async () => {
    const { run, writes, seen, fresh } = setup();
    const plan = savedCopy(fresh(), (p) => {
      const change = p.users[0]!.changes[0]!;
      change.after = "Chief Executive Officer";
    });
    const report = await run({ saved: { plan, file: "plan.json" } });
    expect(report.refusal).toBe(
      "1 change of the plan is not what the repository asks for (the plan file or the repository was edited since the review); nothing was applied, make a new plan",
    );
    expect(writes).toEqual([]);
    expect(seen).toContain("refused 1");
    expect(seen.some((s) => s.startsWith("approve"))).toBe(false);
  });

  it("counts a change the tenant already shows as done and writes only the rest", async () => {
    const plan = savedCopy(setup().fresh());
    // Alex's department was set by someone else since the review.
    const later = setup({
      users: () => [
        user({ userPrincipalName: ADELE, id: "id-adele", properties: { jobTitle: "Sales Associate" } }),
        user({ userPrincipalName: ALEX, id: "id-alex", properties: { department: "Sales" } }),
      ],
    });
    const report = await later.run({ saved: { plan, file: "plan.json" } });
    expect(later.writes).toEqual(['PATCH /users/id-adele {"jobTitle":"Account Executive"}']);
    expect(report.outcome).toBe("applied");
    expect(statuses(report)).toEqual([`${ADELE}: applied`, `${ALEX}: applied`]);
  });
});

describe("applyPlan: conditions on both sides", () => {
  // Adele synced from on-premises AD: her jobTitle is only a skipped change.
  const syncedAdele = (): ActualUser[] => [
    user({
      userPrincipalName: ADELE,
      id: "id-adele",
      onPremisesSyncEnabled: true,
      properties: { jobTitle: "Sales Associate" },
    }),
    user({ userPrincipalName: ALEX, id: "id-alex", properties: { department: "Retail" } }),
  ];

  it("re-reads and counts toward the mass-change limit only users with changes, not those with only skips", async () => {
    const { run, replans, fresh } = setup({ users: syncedAdele, config: { limits: { maxUsersChanged: 1 } } });
    const plan = savedCopy(fresh());
    expect(plan.users.map((u) => [u.userPrincipalName, u.changes.length, u.skipped.length])).toEqual([
      [ADELE, 0, 1],
      [ALEX, 1, 0],
    ]);
    const report = await run({ saved: { plan, file: "plan.json" } });
    expect(report.refusal).toBeUndefined();
    expect(replans).toEqual([new Set(["id-alex"])]);
    expect(report.outcome).toBe("applied");
  });

  it("refuses when the repository and tenant now give a plan with errors", async () => {
    const { fresh } = setup();
    const plan = savedCopy(fresh());
    const broken = setup({ profiles: [...BOTH, { upn: "ghost@contoso.com" }] });
    const report = await broken.run({ saved: { plan, file: "plan.json" } });
    expect(report.refusal).toBe(
      "the repository and tenant now give a plan with an error (user ghost@contoso.com does not exist in the tenant (roster does not create accounts)); make a new plan",
    );
    expect(broken.writes).toEqual([]);
  });

  it("counts refused changes in the plural", async () => {
    const { run, fresh } = setup();
    const plan = savedCopy(fresh(), (p) => {
      p.users[0]!.changes[0]!.after = "Chief Executive Officer";
      p.users[1]!.changes[0]!.after = "Board";
    });
    expect((await run({ saved: { plan, file: "plan.json" } })).refusal).toBe(
      "2 changes of the plan are not what the repository asks for (the plan file or the repository was edited since the review); nothing was applied, make a new plan",
    );
  });

  it("refuses an unkeyed plan when a key is set if any change of any user is an authentication method", async () => {
    const mixed = setup({
      profiles: [
        { upn: ADELE, attributes: { jobTitle: "Account Executive" } },
        {
          upn: ALEX,
          attributes: { department: "Sales" },
          authentication: { email: "alex@personal.example" },
        },
      ],
      session: { digestKeyId: "0123456789ab" },
    });
    const plan = savedCopy(mixed.fresh());
    expect(plan.users.map((u) => u.changes.map((c) => c.kind))).toEqual([
      ["attribute"],
      ["attribute", "authMethod"],
    ]);
    expect((await mixed.run({ saved: { plan, file: "plan.json" } })).refusal).toBe(
      "the plan's authentication changes carry no keyed digests, but ROSTER_DIGEST_KEY is set: make a new plan with it",
    );
  });
});
