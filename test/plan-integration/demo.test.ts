// `roster plan` end to end: the example repository against demo/tenant.json (drifted on purpose in
// every kind of change), through the real CLI entry, over HTTPS to the in-process emulator.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Change, Plan, PlannedUser } from "../../src/plan/types.js";
import { planDocumentErrors } from "../../src/source/schema.js";
import {
  demoState,
  type Emulator,
  emulator,
  exampleRepo,
  type PlanRun,
  REPO_ROOT,
  runPlan,
  stateUser,
} from "./helpers.js";

const user = (plan: Plan, upn: string): PlannedUser => {
  const found = plan.users.find((u) => u.userPrincipalName === upn);
  if (!found) throw new Error(`${upn} is not in the plan`);
  return found;
};

/** A change without its source position and auth bookkeeping, for exact comparisons. */
const brief = (c: Change) => ({
  kind: c.kind,
  action: c.action,
  path: c.path,
  before: c.before,
  after: c.after,
  sensitive: c.sensitive,
});

const ids = {
  AllanD: "777fae42-49bf-5cc7-8622-4f226ea02adf",
  AlexW: "8a8268ad-1f3b-5977-830a-7a072fe01c27",
  LidiaH: "6edacfcc-4ab9-59e5-9326-f35df72ba554",
};

describe("the example repository against the demo tenant", () => {
  let em: Emulator;
  let dir: string;
  let run: PlanRun;
  let plan: Plan;

  beforeAll(async () => {
    em = await emulator(await demoState());
    dir = await exampleRepo();
    run = await runPlan(em, dir, ["--detailed-exitcode"]);
    if (!run.plan) throw new Error(`no plan written: ${run.err}`);
    plan = run.plan;
  });
  afterAll(async () => {
    await em?.close();
  });

  it("exits 2 with --detailed-exitcode and validates against schema/plan.schema.json", () => {
    expect(run.err).not.toMatch(/internal error|^error:/m);
    expect(run.code).toBe(2);
    expect(planDocumentErrors(plan)).toEqual([]);
    expect(plan.formatVersion).toBe(2);
    expect(plan.tenant).toBe("contoso.onmicrosoft.com");
    // The id of demo/tenant.json's tenant, as Graph's /organization named it at sign-in.
    expect(plan.tenantId).toBe("c0d1e2f3-0000-4000-8000-000000000001");
    expect(plan.graphUrl).toBe(em.origin);
    expect(plan.desiredDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(plan.errors).toEqual([]);
  });

  it("plans exactly the drifted users, sorted by UPN", () => {
    expect(plan.users.map((u) => u.userPrincipalName)).toEqual([
      "AdeleV@contoso.com",
      "CameronW@contoso.com",
      "ChristieC@contoso.com",
      "DebraB@contoso.com",
      "DiegoS@contoso.com",
      "EmilyB@contoso.com",
      "IsaiahL@contoso.com",
      "JohannaL@contoso.com",
      "JoniS@contoso.com",
      "LynneR@contoso.com",
      "MeganB@contoso.com",
      "PattiF@contoso.com",
      "PradeepG@contoso.com",
    ]);
    const skippedOnly = plan.users.filter((u) => u.changes.length === 0).map((u) => u.userPrincipalName);
    expect(skippedOnly).toEqual(["PradeepG@contoso.com"]);
  });

  it("attributes: an update, a cleared value, an add from _defaults, employeeOrgData sub-keys, an extension attribute", () => {
    expect(
      user(plan, "AdeleV@contoso.com")
        .changes.filter((c) => c.kind === "attribute")
        .map(brief),
    ).toEqual([
      {
        kind: "attribute",
        action: "update",
        path: "jobTitle",
        before: "Sales Associate",
        after: "Account Executive",
        sensitive: false,
      },
    ]);
    expect(user(plan, "ChristieC@contoso.com").changes.map(brief)).toEqual([
      {
        kind: "attribute",
        action: "remove",
        path: "mobilePhone",
        before: "+44 20 7946 0999",
        after: null,
        sensitive: false,
      },
    ]);
    const diego = user(plan, "DiegoS@contoso.com").changes;
    expect(diego.map(brief)).toEqual([
      {
        kind: "attribute",
        action: "add",
        path: "officeLocation",
        before: null,
        after: "Building 18/2100",
        sensitive: false,
      },
    ]);
    // The desired value came from the folder's defaults, and the plan says so.
    expect(diego[0]?.source.file).toBe("profiles/sales/_defaults.yaml");
    const patti = user(plan, "PattiF@contoso.com").changes;
    expect(patti.map(brief)).toEqual([
      {
        kind: "attribute",
        action: "update",
        path: "employeeOrgData.division",
        before: "Finance",
        after: "Corporate",
        sensitive: false,
      },
      {
        kind: "attribute",
        action: "update",
        path: "employeeOrgData.costCenter",
        before: "9999",
        after: "1100",
        sensitive: false,
      },
    ]);
    expect(patti.map((c) => c.source.file)).toEqual([
      "profiles/executive/_defaults.yaml",
      "profiles/executive/patti.fernandez.yaml",
    ]);
    expect(user(plan, "EmilyB@contoso.com").changes.map(brief)).toEqual([
      {
        kind: "attribute",
        action: "update",
        path: "onPremisesExtensionAttributes.extensionAttribute1",
        before: "badge-0000",
        after: "badge-7715",
        sensitive: false,
      },
    ]);
  });

  it("managers: one missing (add), one wrong (update), by UPN and object id", () => {
    expect(user(plan, "CameronW@contoso.com").changes.map(brief)).toEqual([
      {
        kind: "manager",
        action: "add",
        path: "manager",
        before: null,
        after: { userPrincipalName: "AllanD@contoso.com", id: ids.AllanD },
        sensitive: false,
      },
    ]);
    expect(user(plan, "JoniS@contoso.com").changes.map(brief)).toEqual([
      {
        kind: "manager",
        action: "update",
        path: "manager",
        before: { userPrincipalName: "AlexW@contoso.com", id: ids.AlexW },
        after: { userPrincipalName: "LidiaH@contoso.com", id: ids.LidiaH },
        sensitive: false,
      },
    ]);
  });

  it("photos: added where missing, updated where different, removed where the profile says null", () => {
    const debra = user(plan, "DebraB@contoso.com").changes;
    expect(debra.map((c) => [c.kind, c.action, c.before])).toEqual([["photo", "add", null]]);
    expect(debra[0]?.after).toEqual({
      file: "photos/debra.berger.jpg",
      hash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });

    const lynne = user(plan, "LynneR@contoso.com").changes;
    expect(lynne.map((c) => [c.kind, c.action])).toEqual([["photo", "update"]]);
    expect(lynne[0]?.before).toEqual({
      etag: expect.any(String),
      hash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(lynne[0]?.after).toEqual({
      file: "photos/lynne.robbins.jpg",
      hash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const [lynneChange] = lynne as [Change];
    expect((lynneChange.before as { hash: string }).hash).not.toBe(
      (lynneChange.after as { hash: string }).hash,
    );

    const isaiah = user(plan, "IsaiahL@contoso.com").changes;
    expect(isaiah.map((c) => [c.kind, c.action, c.after])).toEqual([["photo", "remove", null]]);
    expect(isaiah[0]?.source).toMatchObject({ file: "profiles/executive/isaiah.langer.yaml", line: 10 });

    // Every other photo in photos/ matches the tenant's re-encoded copy: no perpetual diff.
    const photoChanges = plan.users.flatMap((u) =>
      u.changes.filter((c) => c.kind === "photo").map(() => u.userPrincipalName),
    );
    expect(photoChanges).toEqual(["DebraB@contoso.com", "IsaiahL@contoso.com", "LynneR@contoso.com"]);
  });

  it("authentication methods: masked on both sides, sensitive; a number written differently is no change", () => {
    const adele = user(plan, "AdeleV@contoso.com").changes.filter((c) => c.kind === "authMethod");
    expect(adele.map(brief)).toEqual([
      {
        kind: "authMethod",
        action: "update",
        path: "authentication.office",
        before: "+1 ••••••••00",
        after: "+1 ••••••••21",
        sensitive: true,
      },
      {
        kind: "authMethod",
        action: "add",
        path: "authentication.email",
        before: null,
        after: "a•••@personal.example",
        sensitive: true,
      },
    ]);
    expect(adele[0]?.methodId).toEqual(expect.any(String));
    // Made without ROSTER_DIGEST_KEY: no digest of the tenant's value (unkeyed, it would give the
    // number away), an unkeyed one of the repository's value (which profiles/ holds anyway).
    for (const c of adele) {
      expect(c.beforeDigest).toBeUndefined();
      expect(c.afterDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    // The tenant holds Adele's mobile as "+1 4255550171", the profile as "+1 425 555 0171".
    expect(adele.map((c) => c.path)).not.toContain("authentication.mobile");

    expect(user(plan, "JohannaL@contoso.com").changes.map(brief)).toEqual([
      {
        kind: "authMethod",
        action: "update",
        path: "authentication.alternateMobile",
        before: "+1 ••••••••99",
        after: "+1 ••••••••61",
        sensitive: true,
      },
    ]);
    // Nowhere does the plan document carry an authentication value in clear, on either side.
    const text = JSON.stringify(plan);
    for (const value of ["4255550100", "4255550199", "4255550121", "2065550161", "adele.vance@"])
      expect(text).not.toContain(value);
  });

  it("the synced user's title is skipped with its reason", () => {
    const pradeep = user(plan, "PradeepG@contoso.com");
    expect(pradeep.onPremisesSyncEnabled).toBe(true);
    expect(pradeep.changes).toEqual([]);
    expect(pradeep.skipped).toEqual([
      {
        kind: "attribute",
        path: "jobTitle",
        before: "Engineer (AD)",
        after: "Quality Assurance Engineer",
        source: { file: "profiles/engineering/pradeep.gupta.yaml", line: 5, col: 11 },
        reason: "mastered by on-premises AD for this synced user; change it there",
      },
    ]);
  });

  it("the Global Administrator's change is sensitive, with a warning", () => {
    const megan = user(plan, "MeganB@contoso.com");
    expect(megan.roles).toEqual(["Global Administrator"]);
    expect(megan.changes.map(brief)).toEqual([
      {
        kind: "attribute",
        action: "update",
        path: "jobTitle",
        before: "Chief Executive",
        after: "Chief Executive Officer",
        sensitive: true,
      },
    ]);
    expect(plan.warnings).toEqual([
      {
        message: "holds Global Administrator: every change to this user is sensitive",
        userPrincipalName: "MeganB@contoso.com",
        source: { file: "profiles/executive/megan.bowen.yaml", line: 1, col: 20 },
      },
    ]);
  });

  it("summarises: 25 managed users, 3 unmanaged, counts by kind", () => {
    expect(plan.summary).toEqual({
      managedUsers: 25,
      unmanagedUsers: 3,
      usersWithChanges: 12,
      changes: { attribute: 7, manager: 2, photo: 3, authMethod: 3 },
      sensitiveChanges: 4,
      skipped: 1,
      errors: 0,
      warnings: 1,
    });
  });

  it("prints a Terraform-like text plan", () => {
    expect(run.out).toContain("roster plan for contoso.onmicrosoft.com");
    expect(run.out).toContain('~ jobTitle: "Sales Associate" -> "Account Executive"');
    expect(run.out).toContain('- mobilePhone: "+44 20 7946 0999" -> null');
    expect(run.out).toContain("+ manager: AllanD@contoso.com");
    expect(run.out).toContain("~ manager: AlexW@contoso.com -> LidiaH@contoso.com");
    expect(run.out).toContain('~ authentication.office: "+1 ••••••••00" -> "+1 ••••••••21" (sensitive)');
    expect(run.out).toContain("# skipped jobTitle: mastered by on-premises AD for this synced user");
    expect(run.out).toContain(
      "Plan: 15 changes to 12 users (4 sensitive), 1 skipped; 25 managed users, 3 unmanaged.",
    );
    expect(run.out).not.toContain("4255550121");
  });

  it("renders markdown for the pull request and exits 0 without --detailed-exitcode", async () => {
    const markdown = await runPlan(em, dir, ["--format", "markdown"]);
    expect(markdown.code).toBe(0);
    expect(markdown.out).toContain("### roster plan: 15 changes to 12 users");
    expect(markdown.out).toContain("| Unmanaged users (never changed) | 3 |");
    expect(markdown.out).toContain("| Sensitive changes | 4 |");
    expect(markdown.out).toContain("**4 sensitive changes**");
    expect(markdown.out).toMatch(/<details><summary><code>~ AdeleV@contoso\.com<\/code>/);
    expect(markdown.out).not.toContain("4255550121");
  });

  it("prints the JSON document with --format json", async () => {
    const json = await runPlan(em, dir, ["--format", "json"]);
    expect(json.code).toBe(0);
    const printed = JSON.parse(json.out) as Plan;
    const { createdAt: _a, ...printedRest } = printed;
    const { createdAt: _b, ...savedRest } = plan;
    expect(printedRest).toEqual(savedRest);
  });
});

describe("a tenant that has drifted from the example in ways roster refuses", () => {
  let em: Emulator;
  afterAll(async () => {
    await em?.close();
  });

  it("reports a missing user, a missing manager and a protected user as plan errors (exit 1, plan printed)", async () => {
    const state = await demoState();
    // A profile whose user does not exist (not created by HR yet, or deleted).
    state.users = state.users.filter((u) => u.userPrincipalName !== "HenriettaM@contoso.com");
    em = await emulator(state);

    const cameron = await readFile(join(REPO_ROOT, "profiles/retail/cameron.white.yaml"), "utf8");
    const dir = await exampleRepo({
      // Adele's profile would change her title, office number and e-mail method.
      "roster.yaml": [
        "tenant: contoso.onmicrosoft.com",
        "graphUrl: https://graph.microsoft.com",
        "protected:",
        "  - breakglass@contoso.com",
        "  - AdeleV@contoso.com",
        "ownedElsewhere: [employeeId]",
        "",
      ].join("\n"),
      // A manager that is in neither the repository nor the tenant (validate only warns).
      "profiles/retail/cameron.white.yaml": cameron.replace(
        "manager: AllanD@contoso.com",
        "manager: NoSuchManager@contoso.com",
      ),
    });

    const run = await runPlan(em, dir, ["--detailed-exitcode"]);
    expect(run.err).not.toMatch(/internal error/);
    expect(run.code).toBe(1);
    const plan = run.plan as Plan;
    expect(planDocumentErrors(plan)).toEqual([]);
    expect(plan.errors).toEqual(
      expect.arrayContaining([
        {
          message:
            "user HenriettaM@contoso.com does not exist in the tenant (roster does not create accounts)",
          userPrincipalName: "HenriettaM@contoso.com",
          source: { file: "profiles/sales/henrietta.mueller.yaml", line: 1, col: 20 },
        },
        {
          message: "manager NoSuchManager@contoso.com does not exist in the tenant",
          userPrincipalName: "CameronW@contoso.com",
          source: { file: "profiles/retail/cameron.white.yaml", line: 8, col: 10 },
        },
        expect.objectContaining({
          message: expect.stringMatching(
            /^AdeleV@contoso\.com is protected in roster\.yaml, but the profile would change jobTitle/,
          ),
          userPrincipalName: "AdeleV@contoso.com",
        }),
      ]),
    );
    expect(plan.errors).toHaveLength(3);
    expect(plan.summary.errors).toBe(3);
    // The protected user's changes are not planned; they are shown as skipped, with the reason.
    const adele = plan.users.find((u) => u.userPrincipalName === "AdeleV@contoso.com");
    expect(adele?.changes).toEqual([]);
    expect(adele?.skipped.map((s) => [s.path, s.reason])).toEqual([
      ["jobTitle", "protected in roster.yaml"],
      ["authentication.office", "protected in roster.yaml"],
      ["authentication.email", "protected in roster.yaml"],
    ]);
    // The rest of the plan is still made and printed.
    expect(plan.users.find((u) => u.userPrincipalName === "JoniS@contoso.com")?.changes).toHaveLength(1);
    expect(run.out).toContain("roster plan for contoso.onmicrosoft.com");
    expect(run.out).toContain("HenriettaM@contoso.com does not exist in the tenant");
    expect(run.out).toContain("manager NoSuchManager@contoso.com does not exist in the tenant");
    expect(run.plan?.users.find((u) => u.userPrincipalName === "CameronW@contoso.com")).toBeUndefined();
    expect(run.out).toContain("AdeleV@contoso.com is protected in roster.yaml");
    // Henrietta is not managed: 24 of the 25 profiles matched a user; 3 tenant users have no profile.
    expect(plan.summary.managedUsers).toBe(24);
    expect(plan.summary.unmanagedUsers).toBe(3);
  });

  it("a profile that matches a protected user exactly is no error", async () => {
    const state = await demoState();
    stateUser(state, "AdeleV@contoso.com").jobTitle = "Account Executive";
    // (Adele's office number and e-mail method still differ: remove them from her profile.)
    const dir = await exampleRepo({
      "roster.yaml": "tenant: contoso.onmicrosoft.com\nprotected: [adelev@contoso.com]\n",
      "profiles/sales/adele.vance.yaml": [
        "userPrincipalName: AdeleV@contoso.com",
        "displayName: Adele Vance",
        "jobTitle: Account Executive",
        "",
      ].join("\n"),
    });
    const local = await emulator(state);
    try {
      const run = await runPlan(local, dir);
      expect(run.plan?.errors.filter((e) => e.userPrincipalName === "AdeleV@contoso.com")).toEqual([]);
      expect(run.plan?.users.map((u) => u.userPrincipalName)).not.toContain("AdeleV@contoso.com");
      expect(run.code).toBe(0);
    } finally {
      await local.close();
    }
  });
});
