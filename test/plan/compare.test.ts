// comparePlans is pure: a saved plan, a fresh one made from the repository and tenant as they are
// now, and the re-read tenant. Every verdict is reached from real diffs of small scenarios, with the
// saved plan edited the way a person (or an attacker) would edit the file.
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import { type Comparison, comparePlans } from "../../src/plan/compare.js";
import { diff } from "../../src/plan/diff.js";
import type { Change, Plan } from "../../src/plan/types.js";
import { type ActualUser, tenantOf } from "../../src/tenant/types.js";
import { config, type ProfileSpec, profile, user } from "../helpers/builders.js";

const ADELE = "AdeleV@contoso.com";
const ALEX = "AlexW@contoso.com";
const MEGAN = "MeganB@contoso.com";
const PHOTO_HASH = "f0f0f0f0f0f0f0f0";

function planOf(profiles: ProfileSpec[], users: ActualUser[]): Plan {
  const result = diff({
    profiles: profiles.map(profile),
    config: config(),
    photoHashes: new Map([["photos/adele.jpg", PHOTO_HASH]]),
    actual: tenantOf(users),
  });
  return buildPlan(result, {
    generator: "roster test",
    createdAt: "2026-12-01T00:00:00.000Z",
    tenant: "contoso.onmicrosoft.com",
    tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
    graphUrl: "https://graph.microsoft.com",
    git: { commit: null, dirty: false },
    desiredDigest: "sha256:0",
  });
}

/** The plan as `roster apply` reads it back from a file. */
function saved(plan: Plan): Plan {
  return JSON.parse(JSON.stringify(plan)) as Plan;
}

const adele = (props: Partial<ActualUser> = {}) =>
  user({ userPrincipalName: ADELE, id: "id-adele", properties: { jobTitle: "Sales Associate" }, ...props });
const alex = user({ userPrincipalName: ALEX, id: "id-alex" });
const megan = user({ userPrincipalName: MEGAN, id: "id-megan", properties: { jobTitle: "Engineer" } });
const tenant = (...users: ActualUser[]) => tenantOf(users);
const wantTitle: ProfileSpec = { upn: ADELE, attributes: { jobTitle: "Account Executive" } };

const kinds = (comparison: Comparison) => comparison.users.map((u) => u.verdicts.map((v) => v.kind));
const verdict = (comparison: Comparison, user = 0, change = 0) => comparison.users[user]?.verdicts[change];

describe("comparePlans", () => {
  it("applies a saved change the fresh plan holds unchanged, using the fresh change", () => {
    const plan = planOf([wantTitle], [adele()]);
    const comparison = comparePlans(saved(plan), plan, tenant(adele()));
    expect(kinds(comparison)).toEqual([["apply"]]);
    expect(verdict(comparison)).toEqual({ kind: "apply", fresh: plan.users[0]?.changes[0] });
    expect(comparison.blocked).toBeUndefined();
    expect(comparison.unreviewed).toEqual([]);
  });

  it("refuses an `after` edited in the plan file", () => {
    const plan = planOf([wantTitle], [adele()]);
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = "Hacked Title";
    expect(verdict(comparePlans(edited, plan, tenant(adele())))).toEqual({
      kind: "refused",
      reason: 'the repository now asks for "Account Executive", not the reviewed value',
    });
  });

  it("refuses a change injected for a user no profile manages", () => {
    const plan = planOf([wantTitle], [adele(), megan]);
    const edited = saved(plan);
    edited.users.push({
      userPrincipalName: MEGAN,
      id: "id-megan",
      file: "profiles/meganb.yaml",
      roles: [],
      onPremisesSyncEnabled: false,
      changes: [{ ...(edited.users[0]?.changes[0] as Change), before: "Engineer", after: "Hacked Title" }],
      skipped: [],
    });
    const comparison = comparePlans(edited, plan, tenant(adele(), megan));
    expect(kinds(comparison)).toEqual([["apply"], ["refused"]]);
    expect(verdict(comparison, 1)).toEqual({
      kind: "refused",
      reason: "no profile in the repository asks for this change to this user",
    });
  });

  it("refuses a change injected at a path the user's profile does not manage", () => {
    const plan = planOf([wantTitle], [adele()]);
    const edited = saved(plan);
    edited.users[0]?.changes.push({
      ...(edited.users[0].changes[0] as Change),
      path: "department",
      before: null,
    });
    const comparison = comparePlans(edited, plan, tenant(adele()));
    expect(kinds(comparison)).toEqual([["apply", "refused"]]);
    expect(verdict(comparison, 0, 1)).toMatchObject({
      reason: "the repository no longer asks for this change",
    });
  });

  it("refuses a change the repository stopped asking for since the plan", () => {
    const before = planOf([wantTitle], [adele()]);
    const now = planOf([{ upn: ADELE, attributes: { jobTitle: "Retail Manager" } }], [adele()]);
    expect(verdict(comparePlans(saved(before), now, tenant(adele())))).toMatchObject({ kind: "refused" });
    const dropped = planOf([{ upn: ADELE }], [adele()]);
    expect(verdict(comparePlans(saved(before), dropped, tenant(adele())))).toEqual({
      kind: "refused",
      reason: "no profile in the repository asks for this change to this user",
    });
  });

  it("calls a change stale when the tenant value moved since the plan", () => {
    const plan = planOf([wantTitle], [adele()]);
    const moved = adele({ properties: { jobTitle: "Store Manager" } });
    const comparison = comparePlans(saved(plan), planOf([wantTitle], [moved]), tenant(moved));
    expect(verdict(comparison)).toEqual({
      kind: "stale",
      reason: 'jobTitle is now "Store Manager", the plan expected "Sales Associate"',
    });
  });

  it("counts a change the tenant already shows as done, and a deleted user as stale", () => {
    const plan = planOf([wantTitle], [adele()]);
    const applied = adele({ properties: { jobTitle: "Account Executive" } });
    expect(kinds(comparePlans(saved(plan), planOf([wantTitle], [applied]), tenant(applied)))).toEqual([
      ["done"],
    ]);
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], []), tenant()))).toEqual({
      kind: "stale",
      reason: "the user no longer exists in the tenant",
    });
  });

  it("calls a change stale when the user became synced (now skipped) or privileged (now sensitive)", () => {
    const plan = planOf([wantTitle], [adele()]);
    const synced = adele({ onPremisesSyncEnabled: true });
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], [synced]), tenant(synced)))).toEqual({
      kind: "stale",
      reason: "now skipped: mastered by on-premises AD for this synced user; change it there",
    });
    const admin = adele({ roles: ["Helpdesk Administrator"] });
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], [admin]), tenant(admin)))).toMatchObject({
      kind: "stale",
      reason: "the change became sensitive since the plan (the user now holds an admin role)",
    });
  });

  it("compares managers by the tenant's manager before and the wanted one after", () => {
    const spec: ProfileSpec = { upn: ADELE, manager: ALEX };
    const plan = planOf([spec], [adele(), alex, megan]);
    expect(kinds(comparePlans(saved(plan), plan, tenant(adele(), alex, megan)))).toEqual([["apply"]]);
    const managed = adele({ manager: { id: "id-megan", userPrincipalName: MEGAN } });
    const moved = planOf([spec], [managed, alex, megan]);
    expect(verdict(comparePlans(saved(plan), moved, tenant(managed, alex, megan)))).toEqual({
      kind: "stale",
      reason: "the manager is now MeganB@contoso.com, the plan expected none",
    });
    const other = planOf([{ upn: ADELE, manager: MEGAN }], [adele(), alex, megan]);
    expect(verdict(comparePlans(saved(plan), other, tenant(adele(), alex, megan)))).toEqual({
      kind: "refused",
      reason: "the repository now asks for MeganB@contoso.com, not the reviewed value",
    });
  });

  it("compares photos by the tenant's etag and the wanted file and hash", () => {
    const spec: ProfileSpec = { upn: ADELE, photo: { file: "photos/adele.jpg" } };
    const old = { etag: "W/1", hash: "0f0f0f0f0f0f0f0f", width: 96, height: 96 };
    const plan = planOf([spec], [adele({ photo: old })]);
    expect(kinds(comparePlans(saved(plan), plan, tenant(adele({ photo: old }))))).toEqual([["apply"]]);
    const replaced = adele({ photo: { ...old, etag: "W/2" } });
    expect(verdict(comparePlans(saved(plan), planOf([spec], [replaced]), tenant(replaced)))).toEqual({
      kind: "stale",
      reason: "the photo was replaced since the plan",
    });
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = { file: "../../etc/passwd", hash: PHOTO_HASH };
    expect(verdict(comparePlans(edited, plan, tenant(adele({ photo: old }))))).toEqual({
      kind: "refused",
      reason: "the repository now asks for photos/adele.jpg, not the reviewed value",
    });
  });

  it("compares authentication methods by the digest of the tenant's value, never showing it", () => {
    const spec: ProfileSpec = { upn: ADELE, authentication: { mobile: "+1 425 555 0110" } };
    const mobile = (phoneNumber: string) =>
      adele({
        authentication: {
          phoneMethods: [{ id: "3179e48a-750b-4051-897c-87b9720928f7", phoneType: "mobile", phoneNumber }],
          emailMethods: [],
        },
      });
    const plan = planOf([spec], [mobile("+1 4255550199")]);
    expect(kinds(comparePlans(saved(plan), plan, tenant(mobile("+1 4255550199"))))).toEqual([["apply"]]);
    const moved = mobile("+1 4255550123");
    const comparison = comparePlans(saved(plan), planOf([spec], [moved]), tenant(moved));
    expect(verdict(comparison)).toEqual({
      kind: "stale",
      reason: "authentication.mobile was changed in the tenant since the plan",
    });
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = "+44 7700900123";
    expect(verdict(comparePlans(edited, plan, tenant(mobile("+1 4255550199"))))).toEqual({
      kind: "refused",
      reason: "the repository now asks for another value, not the reviewed value",
    });
  });

  it("lists fresh changes nobody reviewed, and blocks everything when the fresh plan holds errors", () => {
    const plan = planOf([wantTitle], [adele(), megan]);
    const more = planOf([wantTitle, { upn: MEGAN, attributes: { jobTitle: "Lead" } }], [adele(), megan]);
    const comparison = comparePlans(saved(plan), more, tenant(adele(), megan));
    expect(comparison.unreviewed.map((u) => [u.user.userPrincipalName, u.change.path])).toEqual([
      [MEGAN, "jobTitle"],
    ]);
    const broken = planOf([wantTitle, { upn: "ghost@contoso.com" }], [adele()]);
    expect(comparePlans(saved(plan), broken, tenant(adele())).blocked).toBe(
      "the repository and tenant now give a plan with an error (user ghost@contoso.com does not exist in the tenant (roster does not create accounts)); make a new plan",
    );
  });
});
