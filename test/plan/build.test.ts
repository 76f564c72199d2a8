// buildPlan's summary, against numbers counted by hand from the scenario (not recomputed the way
// build.ts computes them).
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import { diff } from "../../src/plan/diff.js";
import { tenantOf } from "../../src/tenant/types.js";
import { config, profile, user } from "../helpers/builders.js";

const METADATA = {
  generator: "roster test",
  createdAt: "2026-01-02T03:04:05.000Z",
  tenant: "contoso.onmicrosoft.com",
  tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
  graphUrl: "https://graph.microsoft.com",
  git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
  desiredDigest: "sha256:00",
};

describe("buildPlan", () => {
  it("counts users, changes by kind, sensitive and skipped changes, errors and warnings", () => {
    const result = diff({
      profiles: [
        // 2 attribute changes and a manager.
        {
          upn: "AdeleV@contoso.com",
          attributes: { jobTitle: "Lead", city: "Oslo" },
          manager: "AlexW@contoso.com",
        },
        // 1 attribute change, 1 photo, 1 authentication method (sensitive).
        {
          upn: "AlexW@contoso.com",
          attributes: { department: "Sales" },
          photo: { file: "photos/alex.jpg" },
          authentication: { email: "alex@personal.example" },
        },
        // Synced: jobTitle skipped, nothing planned.
        { upn: "GradyA@contoso.com", attributes: { jobTitle: "CEO" } },
        // No changes.
        { upn: "LeeG@contoso.com", attributes: { city: "Redmond" } },
        // A manager who does not exist: an error.
        { upn: "MeganB@contoso.com", manager: "ghost@contoso.com" },
      ].map(profile),
      config: config(),
      photoHashes: new Map([["photos/alex.jpg", "f0f0f0f0f0f0f0f0"]]),
      actual: tenantOf([
        user({ userPrincipalName: "AdeleV@contoso.com", properties: { jobTitle: "Clerk" } }),
        user({ userPrincipalName: "AlexW@contoso.com" }),
        user({
          userPrincipalName: "GradyA@contoso.com",
          onPremisesSyncEnabled: true,
          properties: { jobTitle: "x" },
        }),
        user({ userPrincipalName: "LeeG@contoso.com", properties: { city: "Redmond" } }),
        user({ userPrincipalName: "MeganB@contoso.com" }),
        user({ userPrincipalName: "PattiF@contoso.com" }),
        user({ userPrincipalName: "RaulR@contoso.com" }),
      ]),
    });
    const plan = buildPlan(result, METADATA);
    expect(plan.formatVersion).toBe(2);
    expect(plan).toMatchObject(METADATA);
    expect(plan.summary).toEqual({
      managedUsers: 5,
      unmanagedUsers: 2,
      usersWithChanges: 2,
      changes: { attribute: 3, manager: 1, photo: 1, authMethod: 1 },
      sensitiveChanges: 1,
      skipped: 1,
      errors: 1,
      warnings: 0,
    });
    expect(plan.users.map((u) => u.userPrincipalName)).toEqual([
      "AdeleV@contoso.com",
      "AlexW@contoso.com",
      "GradyA@contoso.com",
    ]);
  });

  it("summarises an empty diff as zeros", () => {
    const plan = buildPlan(
      diff({ profiles: [], config: config(), photoHashes: new Map(), actual: tenantOf([]) }),
      METADATA,
    );
    expect(plan.summary).toEqual({
      managedUsers: 0,
      unmanagedUsers: 0,
      usersWithChanges: 0,
      changes: { attribute: 0, manager: 0, photo: 0, authMethod: 0 },
      sensitiveChanges: 0,
      skipped: 0,
      errors: 0,
      warnings: 0,
    });
    expect(plan.users).toEqual([]);
  });
});
