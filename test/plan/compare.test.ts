// comparePlans is pure: a saved plan, a fresh one made from the repository and tenant as they are
// now, and the re-read tenant. Every verdict is reached from real diffs of small scenarios, with the
// saved plan edited the way a person (or an attacker) would edit the file.
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/plan/build.js";
import { type Comparison, comparePlans, type FreshState } from "../../src/plan/compare.js";
import { diff } from "../../src/plan/diff.js";
import { serializePlan } from "../../src/plan/document.js";
import type { Change, Plan, PlannedUser } from "../../src/plan/types.js";
import { type ActualUser, tenantOf } from "../../src/tenant/types.js";
import { config, type ProfileSpec, profile, user } from "../helpers/builders.js";

const ADELE = "AdeleV@contoso.com";
const ALEX = "AlexW@contoso.com";
const MEGAN = "MeganB@contoso.com";
const PHOTO_HASH = "f0f0f0f0f0f0f0f0";

/** The plan of `profiles` against a tenant of `users`, with what comparePlans needs beside it. */
function planOf(profiles: ProfileSpec[], users: ActualUser[], digestKey?: string): FreshState {
  const actual = tenantOf(users);
  const result = diff({
    profiles: profiles.map(profile),
    config: config(),
    photoHashes: new Map([["photos/adele.jpg", PHOTO_HASH]]),
    actual,
    digestKey,
  });
  const plan = buildPlan(result, {
    generator: "roster test",
    createdAt: "2026-12-01T00:00:00.000Z",
    tenant: "contoso.onmicrosoft.com",
    tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
    graphUrl: "https://graph.microsoft.com",
    git: { commit: null, dirty: false },
    desiredDigest: "sha256:0",
  });
  return { plan, actual, managedPaths: result.managedPaths };
}

/** The plan as `roster apply` reads it back from a file. */
function saved(fresh: FreshState): Plan {
  return JSON.parse(JSON.stringify(fresh.plan)) as Plan;
}

const adele = (props: Partial<ActualUser> = {}) =>
  user({ userPrincipalName: ADELE, id: "id-adele", properties: { jobTitle: "Sales Associate" }, ...props });
const alex = user({ userPrincipalName: ALEX, id: "id-alex" });
const megan = user({ userPrincipalName: MEGAN, id: "id-megan", properties: { jobTitle: "Engineer" } });
const wantTitle: ProfileSpec = { upn: ADELE, attributes: { jobTitle: "Account Executive" } };

const kinds = (comparison: Comparison) => comparison.users.map((u) => u.verdicts.map((v) => v.kind));
const verdict = (comparison: Comparison, user = 0, change = 0) => comparison.users[user]?.verdicts[change];

describe("comparePlans", () => {
  it("applies a saved change the fresh plan holds unchanged, using the fresh change", () => {
    const plan = planOf([wantTitle], [adele()]);
    const comparison = comparePlans(saved(plan), plan);
    expect(kinds(comparison)).toEqual([["apply"]]);
    expect(verdict(comparison)).toEqual({ kind: "apply", fresh: plan.plan.users[0]?.changes[0] });
    expect(comparison.blocked).toBeUndefined();
    expect(comparison.unreviewed).toEqual([]);
  });

  it("refuses an `after` edited in the plan file", () => {
    const plan = planOf([wantTitle], [adele()]);
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = "Hacked Title";
    expect(verdict(comparePlans(edited, plan))).toEqual({
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
    const comparison = comparePlans(edited, plan);
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
    const comparison = comparePlans(edited, plan);
    expect(kinds(comparison)).toEqual([["apply", "refused"]]);
    expect(verdict(comparison, 0, 1)).toMatchObject({
      reason: "the repository no longer asks for this change",
    });
  });

  it("refuses a change the repository stopped asking for since the plan", () => {
    const before = planOf([wantTitle], [adele()]);
    const now = planOf([{ upn: ADELE, attributes: { jobTitle: "Retail Manager" } }], [adele()]);
    expect(verdict(comparePlans(saved(before), now))).toMatchObject({ kind: "refused" });
    const dropped = planOf([{ upn: ADELE }], [adele()]);
    expect(verdict(comparePlans(saved(before), dropped))).toEqual({
      kind: "refused",
      reason: "the repository no longer asks for this change",
    });
  });

  it("calls a change stale when the tenant value moved since the plan", () => {
    const plan = planOf([wantTitle], [adele()]);
    const moved = adele({ properties: { jobTitle: "Store Manager" } });
    const comparison = comparePlans(saved(plan), planOf([wantTitle], [moved]));
    expect(verdict(comparison)).toEqual({
      kind: "stale",
      reason: 'jobTitle is now "Store Manager", the plan expected "Sales Associate"',
    });
  });

  it("counts a change the tenant already shows as done, and a deleted user as stale", () => {
    const plan = planOf([wantTitle], [adele()]);
    const applied = adele({ properties: { jobTitle: "Account Executive" } });
    expect(kinds(comparePlans(saved(plan), planOf([wantTitle], [applied])))).toEqual([["done"]]);
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], [])))).toEqual({
      kind: "stale",
      reason: "the user no longer exists in the tenant",
    });
  });

  it("calls a change stale when the user became synced (now skipped) or privileged (now sensitive)", () => {
    const plan = planOf([wantTitle], [adele()]);
    const synced = adele({ onPremisesSyncEnabled: true });
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], [synced])))).toEqual({
      kind: "stale",
      reason: "now skipped: mastered by on-premises AD for this synced user; change it there",
    });
    const admin = adele({ roles: ["Helpdesk Administrator"] });
    expect(verdict(comparePlans(saved(plan), planOf([wantTitle], [admin])))).toMatchObject({
      kind: "stale",
      reason: "the user's admin roles changed since the plan",
    });
  });

  it("compares managers by the tenant's manager before and the wanted one after", () => {
    const spec: ProfileSpec = { upn: ADELE, manager: ALEX };
    const plan = planOf([spec], [adele(), alex, megan]);
    expect(kinds(comparePlans(saved(plan), plan))).toEqual([["apply"]]);
    const managed = adele({ manager: { id: "id-megan", userPrincipalName: MEGAN } });
    const moved = planOf([spec], [managed, alex, megan]);
    expect(verdict(comparePlans(saved(plan), moved))).toEqual({
      kind: "stale",
      reason: "the manager is now MeganB@contoso.com, the plan expected none",
    });
    const other = planOf([{ upn: ADELE, manager: MEGAN }], [adele(), alex, megan]);
    expect(verdict(comparePlans(saved(plan), other))).toEqual({
      kind: "refused",
      reason: "the repository now asks for MeganB@contoso.com, not the reviewed value",
    });
  });

  it("compares photos by the tenant's etag and the wanted file and hash", () => {
    const spec: ProfileSpec = { upn: ADELE, photo: { file: "photos/adele.jpg" } };
    const old = { etag: "W/1", hash: "0f0f0f0f0f0f0f0f", width: 96, height: 96 };
    const plan = planOf([spec], [adele({ photo: old })]);
    expect(kinds(comparePlans(saved(plan), plan))).toEqual([["apply"]]);
    const replaced = adele({ photo: { ...old, etag: "W/2" } });
    expect(verdict(comparePlans(saved(plan), planOf([spec], [replaced])))).toEqual({
      kind: "stale",
      reason: "the photo was replaced since the plan",
    });
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = { file: "../../etc/passwd", hash: PHOTO_HASH };
    expect(verdict(comparePlans(edited, plan))).toEqual({
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
    expect(kinds(comparePlans(saved(plan), plan))).toEqual([["apply"]]);
    const moved = mobile("+1 4255550123");
    const comparison = comparePlans(saved(plan), planOf([spec], [moved]));
    expect(verdict(comparison)).toEqual({
      kind: "stale",
      reason: "authentication.mobile was changed in the tenant since the plan",
    });
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = "+44 7700900123";
    expect(verdict(comparePlans(edited, plan))).toEqual({
      kind: "refused",
      reason: "the repository now asks for another value, not the reviewed value",
    });
  });

  it("lists fresh changes nobody reviewed, and blocks everything when the fresh plan holds errors", () => {
    const plan = planOf([wantTitle], [adele(), megan]);
    const more = planOf([wantTitle, { upn: MEGAN, attributes: { jobTitle: "Lead" } }], [adele(), megan]);
    const comparison = comparePlans(saved(plan), more);
    expect(comparison.unreviewed.map((u) => [u.user.userPrincipalName, u.change.path])).toEqual([
      [MEGAN, "jobTitle"],
    ]);
    const broken = planOf([wantTitle, { upn: "ghost@contoso.com" }], [adele()]);
    expect(comparePlans(saved(plan), broken).blocked).toBe(
      "the repository and tenant now give a plan with an error (user ghost@contoso.com does not exist in the tenant (roster does not create accounts)); make a new plan",
    );
  });

  it("refuses every change of a user the plan lists twice, and a change listed twice", () => {
    const plan = planOf([wantTitle, { upn: ALEX, attributes: { jobTitle: "Lead" } }], [adele(), alex]);
    const split = saved(plan);
    const adeleEntry = split.users.find((u) => u.userPrincipalName === ADELE);
    if (!adeleEntry) throw new Error("Adele is in the plan");
    // The same user twice (in another letter case): the per-user stale rule could be split apart.
    split.users.push({ ...adeleEntry, id: adeleEntry.id.toUpperCase(), changes: [] });
    const comparison = comparePlans(split, plan);
    expect(kinds(comparison)).toEqual([["refused"], ["apply"], []]);
    // Adele's change was reviewed (and refused): the empty second entry does not make it unreviewed.
    expect(comparison.unreviewed).toEqual([]);
    expect(verdict(comparison)).toEqual({
      kind: "refused",
      reason: "the plan lists this user more than once",
    });

    const twice = saved(plan);
    twice.users[0]?.changes.push({ ...(twice.users[0].changes[0] as Change) });
    expect(kinds(comparePlans(twice, plan))[0]).toEqual(["refused", "refused"]);
  });

  it("calls a user stale whose UPN the plan names differently from the tenant, and refuses another profile file", () => {
    const plan = planOf([wantTitle], [adele()]);
    const relabelled = saved(plan);
    (relabelled.users[0] as { userPrincipalName: string }).userPrincipalName = "SomeoneElse@contoso.com";
    expect(verdict(comparePlans(relabelled, plan))).toEqual({
      kind: "stale",
      reason: "the tenant calls this user AdeleV@contoso.com, the plan SomeoneElse@contoso.com",
    });
    const refiled = saved(plan);
    (refiled.users[0] as { file: string }).file = "profiles/other.yaml";
    expect(verdict(comparePlans(refiled, plan))).toEqual({
      kind: "refused",
      reason: "the plan names profiles/other.yaml, the repository's profile is profiles/adelev.yaml",
    });
  });

  it("refuses an edited action or sensitive flag when the values themselves still hold", () => {
    const plan = planOf([wantTitle], [adele()]);
    const action = saved(plan);
    (action.users[0]?.changes[0] as Change).action = "add";
    expect(verdict(comparePlans(action, plan))).toEqual({
      kind: "refused",
      reason: "the plan file's action was edited",
    });
    const flag = saved(plan);
    (flag.users[0]?.changes[0] as Change).sensitive = true;
    expect(verdict(comparePlans(flag, plan))).toEqual({
      kind: "refused",
      reason: "the plan file's sensitive flag was edited",
    });
  });

  it("counts done only a path the profile still manages; a change injected at a path the tenant already holds is refused", () => {
    const plan = planOf([wantTitle], [adele(), megan]);
    const injected = saved(plan);
    injected.users[0]?.changes.push({
      ...(injected.users[0].changes[0] as Change),
      path: "department",
      before: null,
      after: null,
      action: "remove",
    });
    // Adele has no department in the tenant: "already so", but no profile asks for it.
    expect(kinds(comparePlans(injected, plan))[0]).toEqual(["apply", "refused"]);
  });

  it("survives values of the wrong shape in an edited plan file without throwing", () => {
    const spec: ProfileSpec = { upn: ADELE, manager: ALEX };
    const plan = planOf([spec], [adele(), alex]);
    const edited = saved(plan);
    (edited.users[0]?.changes[0] as Change).after = { id: 5, userPrincipalName: ["x"] };
    (edited.users[0]?.changes[0] as Change).before = "not an object";
    expect(verdict(comparePlans(edited, plan))).toMatchObject({ kind: "refused" });
    // A manager change injected for a user who already has the right manager: checked, not thrown on.
    const settled = adele({ manager: { id: "id-alex", userPrincipalName: ALEX } });
    const current = planOf([spec], [settled, alex]);
    const injected = saved(current);
    injected.users.push({ ...(edited.users[0] as PlannedUser) });
    expect(verdict(comparePlans(injected, current))).toMatchObject({ kind: "refused" });
    const photo = planOf([{ upn: ADELE, photo: { file: "photos/adele.jpg" } }], [adele()]);
    const odd = saved(photo);
    (odd.users[0]?.changes[0] as Change).after = { file: 7, hash: "zz" };
    expect(verdict(comparePlans(odd, photo))).toMatchObject({ kind: "refused" });
  });
});

// "done": the fresh plan holds no change at the saved change's path (the tenant already matches the
// repository), the profile still manages the path, and the re-read tenant holds the saved `after`.
// Each kind compares the tenant with the saved value in its own way; these state each rule.
describe("comparePlans: a reviewed change the tenant already holds", () => {
  const NO_LONGER = { kind: "refused", reason: "the repository no longer asks for this change" };
  const alexAsManager = { id: "id-alex", userPrincipalName: ALEX };
  const meganAsManager = { id: "id-megan", userPrincipalName: MEGAN };
  const withAfter = (plan: Plan, after: unknown): Plan => {
    const edited = saved({ plan } as FreshState);
    (edited.users[0]?.changes[0] as Change).after = after;
    return edited;
  };

  describe("manager", () => {
    const setAlex = planOf([{ upn: ADELE, manager: ALEX }], [adele(), alex, megan]);
    const removeManager = planOf(
      [{ upn: ADELE, manager: null }],
      [adele({ manager: meganAsManager }), alex, megan],
    );

    it("is done when the tenant's manager is the wanted one, whatever the letter case of either id", () => {
      expect(setAlex.plan.users[0]?.changes[0]?.after).toEqual({ userPrincipalName: ALEX, id: "id-alex" });
      const upperInTenant = planOf(
        [{ upn: ADELE, manager: ALEX }],
        [adele({ manager: { id: "ID-ALEX", userPrincipalName: ALEX } }), alex, megan],
      );
      expect(verdict(comparePlans(saved(setAlex), upperInTenant))).toEqual({ kind: "done" });
      const lowerInTenant = planOf(
        [{ upn: ADELE, manager: ALEX }],
        [adele({ manager: alexAsManager }), alex, megan],
      );
      const upperInPlan = withAfter(setAlex.plan, { userPrincipalName: ALEX, id: "ID-ALEX" });
      expect(verdict(comparePlans(upperInPlan, lowerInTenant))).toEqual({ kind: "done" });
    });

    it("is refused when the tenant holds another manager, or none, than the saved one", () => {
      const meganNow = planOf(
        [{ upn: ADELE, manager: MEGAN }],
        [adele({ manager: meganAsManager }), alex, megan],
      );
      // The fresh plan wants nothing (the tenant has the manager the profile now names), and the
      // tenant's manager is not the saved one.
      expect(verdict(comparePlans(saved(setAlex), meganNow))).toEqual(NO_LONGER);
      // The repository asks for no manager and the tenant has none: the saved "set Alex" is not so.
      const noneNow = planOf([{ upn: ADELE, manager: null }], [adele({ manager: null }), alex, megan]);
      expect(verdict(comparePlans(saved(setAlex), noneNow))).toEqual(NO_LONGER);
    });

    it("is done for a removal when the tenant has no manager, refused when it has one", () => {
      expect(removeManager.plan.users[0]?.changes[0]?.after).toBeNull();
      const removed = planOf([{ upn: ADELE, manager: null }], [adele({ manager: null }), alex, megan]);
      expect(verdict(comparePlans(saved(removeManager), removed))).toEqual({ kind: "done" });
      const alexNow = planOf(
        [{ upn: ADELE, manager: ALEX }],
        [adele({ manager: alexAsManager }), alex, megan],
      );
      expect(verdict(comparePlans(saved(removeManager), alexNow))).toEqual(NO_LONGER);
    });

    it("is refused when the tenant's manager was not read", () => {
      const unread = planOf([{ upn: ADELE, manager: null }], [adele({ manager: undefined }), alex, megan]);
      expect(verdict(comparePlans(saved(removeManager), unread))).toEqual(NO_LONGER);
    });

    it("is refused for a saved manager without a string id, even where the tenant has no manager", () => {
      const noneNow = planOf([{ upn: ADELE, manager: null }], [adele({ manager: null }), alex, megan]);
      for (const after of [{ id: 5, userPrincipalName: ALEX }, { userPrincipalName: ALEX }, "id-alex"]) {
        expect(verdict(comparePlans(withAfter(removeManager.plan, after), noneNow))).toEqual(NO_LONGER);
      }
    });
  });

  describe("photo", () => {
    const FILE = "photos/adele.jpg";
    const photo = (hash: string, etag = "W/9") => ({ etag, hash, width: 96, height: 96 });
    const spec: ProfileSpec = { upn: ADELE, photo: { file: FILE } };
    // The tenant's old photo is far from the repository's (PHOTO_HASH): the plan uploads it.
    const upload = planOf([spec], [adele({ photo: photo("0f0f0f0f0f0f0f0f", "W/1") })]);
    const tenantWith = (hash: string) => planOf([spec], [adele({ photo: photo(hash) })]);

    it("is done when the tenant's photo is within 10 bits of the saved hash", () => {
      expect(upload.plan.users[0]?.changes[0]?.after).toEqual({ file: FILE, hash: "f0f0f0f0f0f0f0f0" });
      expect(verdict(comparePlans(saved(upload), tenantWith("f0f0f0f0f0f0f0f0")))).toEqual({ kind: "done" });
      // f3 differs from f0 in 2 bits, ff in 4: 2 + 4 + 4 = 10 bits, Graph's re-encoding.
      expect(verdict(comparePlans(saved(upload), tenantWith("f0f0f0f0f0f3ffff")))).toEqual({ kind: "done" });
      // A hash in capitals is the same hash.
      const capitals = withAfter(upload.plan, { file: FILE, hash: "F0F0F0F0F0F0F0F0" });
      expect(verdict(comparePlans(capitals, tenantWith("f0f0f0f0f0f0f0f0")))).toEqual({ kind: "done" });
    });

    it("is refused when the tenant's photo is 11 bits from the saved hash", () => {
      // f7 differs from f0 in 3 bits: 3 + 4 + 4 = 11. The repository's own hash is the tenant's, so
      // the fresh plan wants nothing; the saved hash (edited) is what the tenant does not hold.
      const edited = withAfter(upload.plan, { file: FILE, hash: "f0f0f0f0f0f7ffff" });
      expect(verdict(comparePlans(edited, tenantWith("f0f0f0f0f0f0f0f0")))).toEqual(NO_LONGER);
    });

    it("is refused for a saved hash that is not 16 hex digits, without throwing", () => {
      for (const hash of ["f0f0f0f0f0f0f0f0a", "af0f0f0f0f0f0f0f0", "f0f0f0f0f0f0f0f", "g0f0f0f0f0f0f0f0"]) {
        const edited = withAfter(upload.plan, { file: FILE, hash });
        expect(verdict(comparePlans(edited, tenantWith("f0f0f0f0f0f0f0f0")))).toEqual(NO_LONGER);
      }
      const noHash = withAfter(upload.plan, { file: FILE });
      expect(verdict(comparePlans(noHash, tenantWith("f0f0f0f0f0f0f0f0")))).toEqual(NO_LONGER);
    });

    it("is refused when the tenant has no photo, or it was not read, without throwing", () => {
      const noPhoto = planOf([{ upn: ADELE, photo: null }], [adele({ photo: null })]);
      expect(verdict(comparePlans(saved(upload), noPhoto))).toEqual(NO_LONGER);
      const unread = planOf([{ upn: ADELE, photo: null }], [adele({ photo: undefined })]);
      expect(verdict(comparePlans(saved(upload), unread))).toEqual(NO_LONGER);
    });

    it("is done for a removal when the tenant has no photo, refused when it has one or was not read", () => {
      const remove = planOf(
        [{ upn: ADELE, photo: null }],
        [adele({ photo: photo("0f0f0f0f0f0f0f0f", "W/1") })],
      );
      expect(remove.plan.users[0]?.changes[0]?.after).toBeNull();
      const removed = planOf([{ upn: ADELE, photo: null }], [adele({ photo: null })]);
      expect(verdict(comparePlans(saved(remove), removed))).toEqual({ kind: "done" });
      expect(verdict(comparePlans(saved(remove), tenantWith("f0f0f0f0f0f0f0f0")))).toEqual(NO_LONGER);
      const unread = planOf([{ upn: ADELE, photo: null }], [adele({ photo: undefined })]);
      expect(verdict(comparePlans(saved(remove), unread))).toEqual(NO_LONGER);
    });
  });

  describe("authentication method", () => {
    const METHOD_ID = "3179e48a-750b-4051-897c-87b9720928f7";
    const mobile = (phoneNumber: string | null) =>
      adele({
        authentication: {
          phoneMethods: phoneNumber === null ? [] : [{ id: METHOD_ID, phoneType: "mobile", phoneNumber }],
          emailMethods: [],
        },
      });
    const spec: ProfileSpec = { upn: ADELE, authentication: { mobile: "+1 425 555 0110" } };
    const update = planOf([spec], [mobile("+1 4255550199")]);

    it("is done when the tenant holds the saved number, written another way", () => {
      expect(verdict(comparePlans(saved(update), planOf([spec], [mobile("+1 (425) 555-0110")])))).toEqual({
        kind: "done",
      });
    });

    it("is refused when the saved number's mask differs from the tenant's number", () => {
      // Edited in the file to another number: the masks +1 ••••••••23 and +1 ••••••••10 differ.
      const edited = withAfter(update.plan, "+1 425 555 0123");
      expect(verdict(comparePlans(edited, planOf([spec], [mobile("+1 4255550110")])))).toEqual(NO_LONGER);
      const notString = withAfter(update.plan, 4255550110);
      expect(verdict(comparePlans(notString, planOf([spec], [mobile("+1 4255550110")])))).toEqual(NO_LONGER);
    });

    it("is done for a removal when the tenant has no such method, refused when it has one", () => {
      const remove = planOf([{ upn: ADELE, authentication: { mobile: null } }], [mobile("+1 4255550199")]);
      expect(remove.plan.users[0]?.changes[0]?.after).toBeNull();
      const gone = planOf([{ upn: ADELE, authentication: { mobile: null } }], [mobile(null)]);
      expect(verdict(comparePlans(saved(remove), gone))).toEqual({ kind: "done" });
      expect(verdict(comparePlans(saved(remove), planOf([spec], [mobile("+1 4255550110")])))).toEqual(
        NO_LONGER,
      );
    });

    it("is refused for a saved value that is not a string, even one whose mask matches the tenant's", () => {
      const email = (emailAddress: string) =>
        adele({ authentication: { phoneMethods: [], emailMethods: [{ id: METHOD_ID, emailAddress }] } });
      const wantEmail: ProfileSpec = { upn: ADELE, authentication: { email: "adele@personal.example" } };
      const setEmail = planOf([wantEmail], [email("old@personal.example")]);
      // Any value not a string masks to ••• (shapes could leak it), and so does an empty address:
      // a tenant that holds "" must not make an object in the plan file count as done.
      const edited = withAfter(setEmail.plan, { emailAddress: "adele@personal.example" });
      const emptyNow = planOf([{ upn: ADELE, authentication: { email: "" } }], [email("")]);
      expect(emptyNow.plan.users).toEqual([]);
      expect(verdict(comparePlans(edited, emptyNow))).toEqual(NO_LONGER);
    });

    it("is refused when the tenant's methods were not read, without throwing", () => {
      const unread = planOf(
        [{ upn: ADELE, authentication: { mobile: null } }],
        [adele({ authentication: undefined })],
      );
      expect(verdict(comparePlans(saved(update), unread))).toEqual(NO_LONGER);
    });
  });
});

describe("comparePlans: reasons, word for word", () => {
  it("says the repository now asks for no value when the profile clears what the plan sets", () => {
    const plan = planOf([wantTitle], [adele()]);
    const cleared = planOf([{ upn: ADELE, attributes: { jobTitle: null } }], [adele()]);
    expect(verdict(comparePlans(saved(plan), cleared))).toEqual({
      kind: "refused",
      reason: "the repository now asks for no value, not the reviewed value",
    });
    const other = planOf([{ upn: ADELE, attributes: { jobTitle: "Retail Manager" } }], [adele()]);
    expect(verdict(comparePlans(saved(plan), other))).toEqual({
      kind: "refused",
      reason: 'the repository now asks for "Retail Manager", not the reviewed value',
    });
  });

  it("names the manager the plan expected when the tenant's was removed since", () => {
    const spec: ProfileSpec = { upn: ADELE, manager: MEGAN };
    const plan = planOf(
      [spec],
      [adele({ manager: { id: "id-alex", userPrincipalName: ALEX } }), alex, megan],
    );
    expect(verdict(comparePlans(saved(plan), planOf([spec], [adele(), alex, megan])))).toEqual({
      kind: "stale",
      reason: "the manager is now none, the plan expected AlexW@contoso.com",
    });
  });

  it("says a photo was removed since the plan when the tenant has none now", () => {
    const spec: ProfileSpec = { upn: ADELE, photo: { file: "photos/adele.jpg" } };
    const old = { etag: "W/1", hash: "0f0f0f0f0f0f0f0f", width: 96, height: 96 };
    const plan = planOf([spec], [adele({ photo: old })]);
    expect(verdict(comparePlans(saved(plan), planOf([spec], [adele({ photo: null })])))).toEqual({
      kind: "stale",
      reason: "the photo was removed since the plan",
    });
  });

  it("counts the errors of a fresh plan that blocks everything", () => {
    const plan = planOf([wantTitle], [adele()]);
    const broken = planOf(
      [wantTitle, { upn: "ghost@contoso.com" }, { upn: "phantom@contoso.com" }],
      [adele()],
    );
    expect(comparePlans(saved(plan), broken).blocked).toBe(
      "the repository and tenant now give a plan with 2 errors (user ghost@contoso.com does not exist in the tenant (roster does not create accounts)); make a new plan",
    );
  });

  it("compares admin roles in any order and letter case: an edited sensitive flag is refused, not stale", () => {
    const admin = adele({ roles: ["User Administrator", "Helpdesk Administrator"] });
    const plan = planOf([wantTitle], [admin]);
    const edited = saved(plan);
    const entry = edited.users[0] as PlannedUser;
    entry.roles = ["helpdesk administrator", "USER ADMINISTRATOR"];
    (entry.changes[0] as Change).sensitive = false;
    expect(verdict(comparePlans(edited, plan))).toEqual({
      kind: "refused",
      reason: "the plan file's sensitive flag was edited",
    });
    // Another role in its place: the tenant moved.
    entry.roles = ["Helpdesk Administrator", "Groups Administrator"];
    expect(verdict(comparePlans(edited, plan))).toEqual({
      kind: "stale",
      reason: "the user's admin roles changed since the plan",
    });
    // One role fewer in the plan file than in the tenant now: the tenant moved.
    entry.roles = ["Helpdesk Administrator"];
    expect(verdict(comparePlans(edited, plan))).toEqual({
      kind: "stale",
      reason: "the user's admin roles changed since the plan",
    });
  });
});

describe("comparePlans: each kind compared its own way", () => {
  const mobile = (phoneNumber: string) =>
    adele({
      authentication: {
        phoneMethods: [{ id: "3179e48a-750b-4051-897c-87b9720928f7", phoneType: "mobile", phoneNumber }],
        emailMethods: [],
      },
    });
  const spec: ProfileSpec = { upn: ADELE, authentication: { mobile: "+1 425 555 0110" } };
  /** The plan file exactly as `roster plan --out` writes it: authentication values masked. */
  const written = (fresh: FreshState): Plan => JSON.parse(serializePlan(fresh.plan)) as Plan;

  it("applies a written plan's authentication change, whose values the file holds only masked", () => {
    const plan = planOf([spec], [mobile("+1 4255550199")]);
    const file = written(plan);
    expect(file.users[0]?.changes[0]).toMatchObject({ before: "+1 ••••••••99", after: "+1 ••••••••10" });
    expect(kinds(comparePlans(file, plan))).toEqual([["apply"]]);
  });

  it("refuses a number the repository now asks for whose mask is the reviewed one's: the digests differ", () => {
    const plan = planOf([spec], [mobile("+1 4255550199")]);
    // +1 425 555 0210 masks to +1 ••••••••10 as well.
    const now = planOf(
      [{ upn: ADELE, authentication: { mobile: "+1 425 555 0210" } }],
      [mobile("+1 4255550199")],
    );
    expect(verdict(comparePlans(written(plan), now))).toEqual({
      kind: "refused",
      reason: "the repository now asks for another value, not the reviewed value",
    });
  });

  it("with a digest key, calls stale a tenant number changed to one with the same mask", () => {
    const plan = planOf([spec], [mobile("+1 4255550199")], "key");
    // +1 4255550299 masks to +1 ••••••••99 as well; only the keyed digest of the tenant value tells.
    const moved = planOf([spec], [mobile("+1 4255550299")], "key");
    expect(verdict(comparePlans(written(plan), moved))).toEqual({
      kind: "stale",
      reason: "authentication.mobile was changed in the tenant since the plan",
    });
  });

  it("compares a photo's tenant side by its etag alone: a hash recomputed for the same etag is no move", () => {
    const photoSpec: ProfileSpec = { upn: ADELE, photo: { file: "photos/adele.jpg" } };
    const old = { etag: "W/1", hash: "0f0f0f0f0f0f0f0f", width: 96, height: 96 };
    const plan = planOf([photoSpec], [adele({ photo: old })]);
    const rehashed = planOf([photoSpec], [adele({ photo: { ...old, hash: "0f0f0f0f0f0f0f00" } })]);
    expect(kinds(comparePlans(saved(plan), rehashed))).toEqual([["apply"]]);
    // A first photo: the tenant side is empty, and stays so.
    const first = planOf([photoSpec], [adele({ photo: null })]);
    expect(kinds(comparePlans(saved(first), first))).toEqual([["apply"]]);
  });

  it("shows a tenant value cleared since the plan as none", () => {
    const plan = planOf([wantTitle], [adele()]);
    const cleared = planOf([wantTitle], [adele({ properties: {} })]);
    expect(verdict(comparePlans(saved(plan), cleared))).toEqual({
      kind: "stale",
      reason: 'jobTitle is now none, the plan expected "Sales Associate"',
    });
  });

  it("refuses, not calls stale, a change the repository dropped while it skips another of the user's", () => {
    const plan = planOf([wantTitle], [adele()]);
    // The profile now sets department instead, which the user, synced since, masters on premises.
    const now = planOf(
      [{ upn: ADELE, attributes: { department: "Sales" } }],
      [adele({ onPremisesSyncEnabled: true })],
    );
    expect(now.plan.users[0]?.skipped.map((c) => c.path)).toEqual(["department"]);
    expect(verdict(comparePlans(saved(plan), now))).toEqual({
      kind: "refused",
      reason: "the repository no longer asks for this change",
    });
  });

  it("counts a UPN change done by the tenant's UPN, not by a property of that name", () => {
    const rename = planOf([{ upn: "adele.vance@contoso.com", id: "id-adele" }], [adele()]);
    expect(rename.plan.users[0]?.changes[0]).toMatchObject({
      path: "userPrincipalName",
      after: "adele.vance@contoso.com",
    });
    // A plan file whose rename asks for the UPN the tenant already has (in another letter case).
    const edited = saved(rename);
    (edited.users[0]?.changes[0] as Change).after = "adelev@CONTOSO.com";
    const now = planOf([{ upn: ADELE, id: "id-adele" }], [adele()]);
    expect(verdict(comparePlans(edited, now))).toEqual({ kind: "done" });
  });
});
