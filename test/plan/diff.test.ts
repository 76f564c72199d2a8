import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DiffInput, diff } from "../../src/plan/diff.js";
import { digestKeyId } from "../../src/plan/diff-auth.js";
import { type ActualUser, tenantOf } from "../../src/tenant/types.js";
import { config, type ProfileSpec, profile, user } from "../helpers/builders.js";

const ADELE = "AdeleV@contoso.com";
const ALEX = "AlexW@contoso.com";
const HASH_A = "f0f0f0f0f0f0f0f0";
const HASH_A_REENCODED = "f0f0f0f0f0f0f0f1"; // one bit away: the same photo after Graph re-encodes it
const HASH_B = "0f0f0f0f0f0f0f0f";

function run(profiles: ProfileSpec[], users: ActualUser[], overrides: Partial<DiffInput> = {}) {
  return diff({
    profiles: profiles.map(profile),
    config: config(),
    photoHashes: new Map([
      ["photos/adele.jpg", HASH_A],
      ["photos/other.jpg", HASH_B],
    ]),
    actual: tenantOf(users),
    ...overrides,
  });
}

const changesOf = (result: ReturnType<typeof run>) =>
  result.users.flatMap((u) =>
    u.changes.map((c) => ({ path: c.path, action: c.action, before: c.before, after: c.after })),
  );

describe("attributes", () => {
  it("plans only the keys the profile sets, with before, after and the source position", () => {
    const result = run(
      [
        {
          upn: ADELE,
          attributes: { jobTitle: "Retail Manager", officeLocation: "18/2111", mobilePhone: null },
        },
      ],
      [
        user({
          userPrincipalName: ADELE,
          properties: { jobTitle: "Clerk", mobilePhone: "+1 425 555 0110", department: "X" },
        }),
      ],
    );
    expect(changesOf(result)).toEqual([
      { path: "jobTitle", action: "update", before: "Clerk", after: "Retail Manager" },
      { path: "officeLocation", action: "add", before: null, after: "18/2111" },
      { path: "mobilePhone", action: "remove", before: "+1 425 555 0110", after: null },
    ]);
    const change = result.users[0]?.changes[0];
    expect(change?.source.file).toBe("profiles/adelev.yaml");
    expect(change?.sensitive).toBe(false);
    expect(result.errors).toEqual([]);
  });

  it("sees no change where Graph merely stores the value differently", () => {
    const result = run(
      [
        {
          upn: ADELE,
          attributes: {
            officeLocation: null,
            businessPhones: [],
            mail: "AdeleV@Contoso.com",
            otherMails: ["b@x.example", "a@x.example"],
            employeeHireDate: "2014-01-01T00:00:00.000Z",
            "employeeOrgData.costCenter": null,
          },
        },
      ],
      [
        user({
          userPrincipalName: "adelev@CONTOSO.com",
          properties: {
            officeLocation: "",
            businessPhones: [],
            mail: "adelev@contoso.com",
            otherMails: ["A@x.example", "B@x.example"],
            employeeHireDate: "2014-01-01T00:00:00Z",
            employeeOrgData: null,
          },
        }),
      ],
    );
    expect(result.users).toEqual([]);
    expect(result.managedUsers).toBe(1);
  });

  it("compares employeeOrgData and extension attributes sub-key by sub-key", () => {
    const result = run(
      [
        {
          upn: ADELE,
          attributes: {
            "employeeOrgData.costCenter": "4401",
            "onPremisesExtensionAttributes.extensionAttribute1": "b",
          },
        },
      ],
      [
        user({
          userPrincipalName: ADELE,
          properties: {
            employeeOrgData: { division: "Stores", costCenter: "4400" },
            onPremisesExtensionAttributes: { extensionAttribute1: "b", extensionAttribute2: "z" },
          },
        }),
      ],
    );
    expect(changesOf(result)).toEqual([
      { path: "employeeOrgData.costCenter", action: "update", before: "4400", after: "4401" },
    ]);
  });

  it("skips attributes on-premises AD masters for a synced user, but plans cloud-only ones", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "Manager", usageLocation: "US" } }],
      [
        user({
          userPrincipalName: ADELE,
          onPremisesSyncEnabled: true,
          properties: { jobTitle: "Clerk", usageLocation: "GB" },
        }),
      ],
    );
    expect(changesOf(result)).toEqual([
      { path: "usageLocation", action: "update", before: "GB", after: "US" },
    ]);
    expect(result.users[0]?.skipped).toMatchObject([
      {
        path: "jobTitle",
        before: "Clerk",
        after: "Manager",
        reason: expect.stringContaining("on-premises AD"),
      },
    ]);
  });

  it("skips keys owned elsewhere, naming roster.yaml", () => {
    const result = run(
      [{ upn: ADELE, attributes: { employeeId: "1001", jobTitle: "Clerk" } }],
      [user({ userPrincipalName: ADELE, properties: { employeeId: "999", jobTitle: "Clerk" } })],
      { config: config({ ownedElsewhere: ["employeeId"] }) },
    );
    expect(changesOf(result)).toEqual([]);
    expect(result.users[0]?.skipped).toMatchObject([
      { path: "employeeId", reason: "`employeeId` is owned elsewhere (roster.yaml ownedElsewhere)" },
    ]);
  });
});

describe("users", () => {
  it("lists users in natural, case-insensitive order (user9 before user10)", () => {
    const upns = ["user10@contoso.com", "User2@contoso.com", "user9@contoso.com", "adele@contoso.com"];
    const result = run(
      upns.map((upn) => ({ upn, attributes: { jobTitle: "New" } })),
      upns.map((upn) => user({ userPrincipalName: upn })),
    );
    expect(result.users.map((u) => u.userPrincipalName)).toEqual([
      "adele@contoso.com",
      "User2@contoso.com",
      "user9@contoso.com",
      "user10@contoso.com",
    ]);
  });

  it("reports a profile whose user does not exist as an error at the profile's UPN", () => {
    const result = run([{ upn: "ghost@contoso.com" }], [user({ userPrincipalName: ADELE })]);
    expect(result.errors).toMatchObject([
      {
        message: "user ghost@contoso.com does not exist in the tenant (roster does not create accounts)",
        source: { file: "profiles/ghost.yaml" },
      },
    ]);
    expect(result.managedUsers).toBe(0);
    expect(result.unmanagedUsers).toBe(1);
  });

  it("matches by id when the profile has one, and plans a UPN rename as sensitive", () => {
    const result = run(
      [{ upn: "adele.vance@contoso.com", id: "AAAA-1" }],
      [user({ userPrincipalName: ADELE, id: "aaaa-1" }), user({ userPrincipalName: ALEX })],
    );
    expect(result.users[0]?.changes).toMatchObject([
      {
        kind: "attribute",
        path: "userPrincipalName",
        before: ADELE,
        after: "adele.vance@contoso.com",
        sensitive: true,
      },
    ]);
    expect(result.unmanagedUsers).toBe(1);
  });

  it("refuses two profiles that describe the same tenant user, one by id and one by UPN", () => {
    const result = run(
      [
        { upn: ADELE, attributes: { jobTitle: "A" } },
        {
          upn: "adele.vance@contoso.com",
          id: "id-adele",
          file: "profiles/adele-renamed.yaml",
          attributes: { jobTitle: "B" },
        },
      ],
      [user({ userPrincipalName: ADELE, id: "id-adele" })],
    );
    expect(result.errors).toMatchObject([
      {
        message: `profiles/adelev.yaml and profiles/adele-renamed.yaml both describe ${ADELE} (id id-adele)`,
      },
    ]);
    expect(result.managedUsers).toBe(1);
    expect(changesOf(result)).toEqual([{ path: "jobTitle", action: "add", before: null, after: "A" }]);
  });

  it("refuses any change to a protected user, as an error, keeping the would-be changes as skipped", () => {
    const result = run(
      [{ upn: "BreakGlass@contoso.com", attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: "breakglass@contoso.com" })],
      { config: config({ protected: ["breakglass@contoso.com"] }) },
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      "breakglass@contoso.com is protected in roster.yaml, but the profile would change jobTitle",
    ]);
    expect(result.users[0]?.changes).toEqual([]);
    expect(result.users[0]?.skipped).toMatchObject([
      { path: "jobTitle", reason: "protected in roster.yaml" },
    ]);
  });

  it("protects by object id too, which survives a rename, and warns of an entry matching nobody", () => {
    const result = run(
      [{ upn: "Renamed@contoso.com", attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: "Renamed@contoso.com", id: "5E7C6A2B-1111-4222-8333-944455556666" })],
      {
        config: config({
          // As roster.yaml loading leaves them: lower-cased.
          protected: ["5e7c6a2b-1111-4222-8333-944455556666", "gone@contoso.com"],
        }),
      },
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      "Renamed@contoso.com is protected in roster.yaml, but the profile would change jobTitle",
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "roster.yaml protects gone@contoso.com, which matches no user in roster's scope of the tenant (a typo, or a renamed user: protect the object id)",
    ]);
  });

  it("says nothing of a protected entry matching no user when it read only some users (--changed-since)", () => {
    const users = [user({ userPrincipalName: ADELE })];
    const result = run([{ upn: ADELE, attributes: { jobTitle: "x" } }], users, {
      config: config({ protected: ["breakglass@contoso.com"] }),
      actual: tenantOf(users, null),
    });
    expect(result.warnings).toEqual([]);
  });

  it("marks every change to a user holding an admin role as sensitive, with a warning", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: ADELE, roles: ["Reports Reader"] })],
    );
    expect(result.users[0]?.changes).toMatchObject([{ path: "jobTitle", sensitive: true }]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "holds Reports Reader: every change to this user is sensitive",
    ]);
  });

  it("skips the sensitive properties of a privileged user, which Graph refuses to an app, but plans the rest", () => {
    const result = run(
      [
        {
          upn: "admin@contoso.com",
          id: "id-admin",
          attributes: { jobTitle: "CIO", mobilePhone: "+1 425 555 0100" },
        },
      ],
      [user({ userPrincipalName: "root@contoso.com", id: "id-admin", roles: ["Global Administrator"] })],
    );
    expect(result.users[0]?.changes).toMatchObject([{ path: "jobTitle", sensitive: true }]);
    expect(result.users[0]?.skipped.map((s) => [s.path, s.reason])).toEqual([
      [
        "userPrincipalName",
        "the user holds an admin role: Graph refuses an app's changes to their sensitive properties and authentication methods",
      ],
      [
        "mobilePhone",
        "the user holds an admin role: Graph refuses an app's changes to their sensitive properties and authentication methods",
      ],
    ]);
  });
});

describe("manager", () => {
  const alex = user({ userPrincipalName: ALEX, id: "id-alex" });
  const megan = user({ userPrincipalName: "MeganB@contoso.com", id: "id-megan" });

  it("plans add, update and remove by UPN, case-insensitively", () => {
    const result = run(
      [
        { upn: ADELE, manager: "alexw@CONTOSO.com" },
        { upn: "MeganB@contoso.com", manager: "alexw@contoso.com" },
        { upn: ALEX, manager: null },
      ],
      [
        user({ userPrincipalName: ADELE, manager: null }),
        { ...megan, manager: { id: "id-adele", userPrincipalName: ADELE } },
        { ...alex, manager: { id: "id-megan", userPrincipalName: "MeganB@contoso.com" } },
      ],
    );
    expect(changesOf(result)).toEqual([
      { path: "manager", action: "add", before: null, after: { userPrincipalName: ALEX, id: "id-alex" } },
      {
        path: "manager",
        action: "remove",
        before: { userPrincipalName: "MeganB@contoso.com", id: "id-megan" },
        after: null,
      },
      {
        path: "manager",
        action: "update",
        before: { userPrincipalName: ADELE, id: "id-adele" },
        after: { userPrincipalName: ALEX, id: "id-alex" },
      },
    ]);
  });

  it("warns of a manager loop the plan would make, naming its users", () => {
    const result = run(
      [
        { upn: ADELE, manager: ALEX },
        { upn: ALEX, manager: ADELE },
      ],
      [user({ userPrincipalName: ADELE, id: "id-adele" }), alex],
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      "manager loop once this plan is applied: AdeleV@contoso.com → AlexW@contoso.com → AdeleV@contoso.com (each reports to the next); the org chart has no top there: fix the manager keys of their profiles",
    ]);
    expect(result.warnings[0]?.userPrincipalName).toBe(ADELE);
    expect(result.warnings[0]?.source?.file).toBe("profiles/adelev.yaml");
  });

  it("warns of a self-manager, and of a loop already in the tenant above a moved user", () => {
    const self = run([{ upn: ADELE, manager: ADELE }], [user({ userPrincipalName: ADELE, id: "id-adele" })]);
    expect(self.warnings.map((w) => w.message)).toEqual([
      "manager loop once this plan is applied: AdeleV@contoso.com is their own manager; the org chart has no top there: fix the manager keys of their profiles",
    ]);
    const tenantLoop = run(
      [{ upn: ADELE, manager: "MeganB@contoso.com" }],
      [
        user({
          userPrincipalName: ADELE,
          id: "id-adele",
          manager: { id: "id-alex", userPrincipalName: ALEX },
        }),
        { ...alex, manager: { id: "id-adele", userPrincipalName: ADELE } },
        megan,
      ],
    );
    expect(tenantLoop.warnings.map((w) => w.message)).toEqual([
      "manager loop in the tenant now: AdeleV@contoso.com → AlexW@contoso.com → AdeleV@contoso.com (each reports to the next); the org chart has no top there",
    ]);
  });

  it("names only the users in a loop, not those whose chain leads into it", () => {
    // Megan is moved under Adele, who reports to Alex, who reports to Adele (in the tenant).
    const result = run(
      [{ upn: "MeganB@contoso.com", manager: ADELE }],
      [
        user({
          userPrincipalName: ADELE,
          id: "id-adele",
          manager: { id: "id-alex", userPrincipalName: ALEX },
        }),
        { ...alex, manager: { id: "id-adele", userPrincipalName: ADELE } },
        megan,
      ],
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      "manager loop once this plan is applied: AdeleV@contoso.com → AlexW@contoso.com → AdeleV@contoso.com (each reports to the next); the org chart has no top there: fix the manager keys of their profiles",
    ]);
    expect(result.warnings[0]?.userPrincipalName).toBe("MeganB@contoso.com");
  });

  it("warns once per loop, and of each of two loops", () => {
    const dana = user({ userPrincipalName: "DanaS@contoso.com", id: "id-dana" });
    const result = run(
      [
        { upn: ADELE, manager: ALEX },
        { upn: ALEX, manager: ADELE },
        { upn: "DanaS@contoso.com", manager: "MeganB@contoso.com" },
        { upn: "MeganB@contoso.com", manager: "DanaS@contoso.com" },
      ],
      [user({ userPrincipalName: ADELE, id: "id-adele" }), alex, dana, megan],
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      "manager loop once this plan is applied: AdeleV@contoso.com → AlexW@contoso.com → AdeleV@contoso.com (each reports to the next); the org chart has no top there: fix the manager keys of their profiles",
      "manager loop once this plan is applied: DanaS@contoso.com → MeganB@contoso.com → DanaS@contoso.com (each reports to the next); the org chart has no top there: fix the manager keys of their profiles",
    ]);
  });

  it("skips the manager of a synced user (on-premises AD sets it) and plans a cloud user's", () => {
    const result = run(
      [
        { upn: ADELE, manager: ALEX },
        { upn: "MeganB@contoso.com", manager: ALEX },
      ],
      [
        user({ userPrincipalName: ADELE, id: "id-adele", onPremisesSyncEnabled: true, manager: null }),
        { ...megan, manager: null },
        alex,
      ],
    );
    const adele = result.users.find((u) => u.userPrincipalName === ADELE);
    expect(adele?.changes ?? []).toEqual([]);
    expect(adele?.skipped).toEqual([
      expect.objectContaining({
        path: "manager",
        before: null,
        after: { userPrincipalName: ALEX, id: "id-alex" },
        reason: "the manager of a synced user comes from on-premises AD; change it there",
      }),
    ]);
    const meganPlan = result.users.find((u) => u.userPrincipalName === "MeganB@contoso.com");
    expect(meganPlan?.changes.map((c) => [c.path, c.action])).toEqual([["manager", "add"]]);
    expect(meganPlan?.skipped).toEqual([]);
  });

  it("sees no change when the manager is already right", () => {
    const result = run(
      [{ upn: ADELE, manager: "ALEXW@contoso.com" }],
      [user({ userPrincipalName: ADELE, manager: { id: "id-alex", userPrincipalName: ALEX } }), alex],
    );
    expect(result.users).toEqual([]);
  });

  it("finds a manager by the new UPN of a rename the same plan makes", () => {
    const result = run(
      [
        { upn: "Alex.Wilber@contoso.com", id: "id-alex" },
        { upn: ADELE, manager: "alex.wilber@contoso.com" },
        { upn: "MeganB@contoso.com", manager: "Alex.Wilber@contoso.com" },
      ],
      [
        alex,
        user({ userPrincipalName: ADELE, manager: null }),
        { ...megan, manager: { id: "id-alex", userPrincipalName: ALEX } },
      ],
    );
    expect(result.errors).toEqual([]);
    expect(changesOf(result)).toEqual([
      {
        path: "manager",
        action: "add",
        before: null,
        after: { userPrincipalName: "alex.wilber@contoso.com", id: "id-alex" },
      },
      { path: "userPrincipalName", action: "update", before: ALEX, after: "Alex.Wilber@contoso.com" },
    ]);
  });

  it("reports a manager missing from the tenant as an error at the manager key", () => {
    const result = run([{ upn: ADELE, manager: "ghost@contoso.com" }], [user({ userPrincipalName: ADELE })]);
    expect(result.errors).toMatchObject([
      { message: "manager ghost@contoso.com does not exist in the tenant", userPrincipalName: ADELE },
    ]);
    expect(result.errors[0]?.source).toMatchObject({ file: "profiles/adelev.yaml", col: 1 });
    expect(result.users).toEqual([]);
  });
});

describe("photo", () => {
  it("compares by perceptual hash: a re-encoded copy is no change, another picture is", () => {
    const stored = (hash: string) => ({ etag: "E1", hash, width: 648, height: 648 });
    const same = run(
      [{ upn: ADELE, photo: { file: "photos/adele.jpg" } }],
      [user({ userPrincipalName: ADELE, photo: stored(HASH_A_REENCODED) })],
    );
    expect(same.users).toEqual([]);
    // HASH_A is f0f0f0f0f0f0f0f0: f3 differs from f0 in 2 bits, ff in 4: 10 bits apart is the same
    // photo; f7 (3 bits) makes 11, another photo.
    const tenBits = run(
      [{ upn: ADELE, photo: { file: "photos/adele.jpg" } }],
      [user({ userPrincipalName: ADELE, photo: stored("f0f0f0f0f0f3ffff") })],
    );
    expect(tenBits.users).toEqual([]);
    const elevenBits = run(
      [{ upn: ADELE, photo: { file: "photos/adele.jpg" } }],
      [user({ userPrincipalName: ADELE, photo: stored("f0f0f0f0f0f7ffff") })],
    );
    expect(changesOf(elevenBits).map((c) => c.action)).toEqual(["update"]);
    const other = run(
      [{ upn: ADELE, photo: { file: "photos/adele.jpg" } }],
      [user({ userPrincipalName: ADELE, photo: stored(HASH_B) })],
    );
    expect(changesOf(other)).toEqual([
      {
        path: "photo",
        action: "update",
        before: { etag: "E1", hash: HASH_B },
        after: { file: "photos/adele.jpg", hash: HASH_A },
      },
    ]);
  });

  it("adds a missing photo and removes one where the profile says photo: null", () => {
    const result = run(
      [
        { upn: ADELE, photo: { file: "photos/adele.jpg" } },
        { upn: ALEX, photo: null },
      ],
      [
        user({ userPrincipalName: ADELE, photo: null }),
        user({ userPrincipalName: ALEX, photo: { etag: "E9", hash: HASH_B, width: 96, height: 96 } }),
      ],
    );
    expect(changesOf(result)).toEqual([
      { path: "photo", action: "add", before: null, after: { file: "photos/adele.jpg", hash: HASH_A } },
      { path: "photo", action: "remove", before: { etag: "E9", hash: HASH_B }, after: null },
    ]);
  });
});

describe("authentication methods", () => {
  const methods = {
    phoneMethods: [
      {
        id: "3179e48a-750b-4051-897c-87b9720928f7",
        phoneType: "mobile" as const,
        phoneNumber: "+1 4255550110",
      },
      {
        id: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
        phoneType: "office" as const,
        phoneNumber: "+1 4255550100",
      },
    ],
    emailMethods: [{ id: "3ddfcfc8-9383-446f-83cc-3ab9be4be18f", emailAddress: "Adele@Personal.example" }],
  };

  it("compares numbers in Graph's canonical form and e-mail case-insensitively", () => {
    const result = run(
      [
        {
          upn: ADELE,
          authentication: {
            mobile: "+1 (425) 555-0110",
            office: "+14255550100",
            email: "adele@personal.example",
          },
        },
      ],
      [user({ userPrincipalName: ADELE, authentication: methods })],
    );
    expect(result.users).toEqual([]);
  });

  it("plans add, update and remove, masked before, canonical after, the method id and keyed digests", () => {
    const key = "a key that is not in the plan";
    // An oracle independent of the code under test: HMAC-SHA256 of Graph's canonical form.
    const hmac = (value: string) => `hmac-sha256:${createHmac("sha256", key).update(value).digest("hex")}`;
    const result = run(
      [
        {
          upn: ADELE,
          authentication: { mobile: "+1 425 555 0199", office: null, alternateMobile: "+44 20 7946 0123" },
        },
      ],
      [user({ userPrincipalName: ADELE, authentication: methods })],
      { digestKey: key },
    );
    expect(result.users[0]?.changes).toEqual([
      expect.objectContaining({
        path: "authentication.mobile",
        action: "update",
        before: "+1 ••••••••10",
        after: "+1 4255550199",
        methodId: "3179e48a-750b-4051-897c-87b9720928f7",
        beforeDigest: hmac("+1 4255550110"),
        afterDigest: hmac("+1 4255550199"),
        sensitive: true,
      }),
      expect.objectContaining({
        path: "authentication.alternateMobile",
        action: "add",
        before: null,
        after: "+44 2079460123",
      }),
      expect.objectContaining({
        path: "authentication.office",
        action: "remove",
        after: null,
        methodId: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain("4255550110"); // the tenant's number never appears unmasked
  });

  it("without a key, digests the value to write with plain SHA-256 and records no tenant digest", () => {
    // The documented format, computed here with node:crypto: `sha256:` + hex SHA-256 of Graph's
    // canonical form of the value (the repository holds it, so there is nothing to hide).
    const sha256 = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`;
    const result = run(
      [{ upn: ADELE, authentication: { mobile: "+1 (425) 555-0199", email: "New@Personal.example" } }],
      [user({ userPrincipalName: ADELE, authentication: methods })],
    );
    const byPath = new Map(result.users[0]?.changes.map((c) => [c.path, c]));
    expect(byPath.get("authentication.mobile")).toMatchObject({
      after: "+1 4255550199",
      afterDigest: sha256("+1 4255550199"),
    });
    expect(byPath.get("authentication.mobile")).not.toHaveProperty("beforeDigest");
    expect(byPath.get("authentication.email")).toMatchObject({
      afterDigest: sha256("new@personal.example"),
    });
  });

  it("refuses an alternate mobile that would be left without a mobile", () => {
    const result = run(
      [{ upn: ADELE, authentication: { mobile: null } }],
      [
        user({
          userPrincipalName: ADELE,
          authentication: {
            phoneMethods: [
              ...methods.phoneMethods,
              { id: "b6", phoneType: "alternateMobile", phoneNumber: "+1 4255550111" },
            ],
            emailMethods: [],
          },
        }),
      ],
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      "`authentication.alternateMobile` needs a `mobile` number, and the user would have none",
    ]);
  });

  it("skips authentication changes for a user holding an admin role, since Graph refuses them", () => {
    const result = run(
      [{ upn: ADELE, authentication: { email: "new@personal.example" } }],
      [user({ userPrincipalName: ADELE, roles: ["Privileged Role Administrator"], authentication: methods })],
    );
    expect(result.users[0]?.changes).toEqual([]);
    expect(result.users[0]?.skipped.map((c) => [c.path, c.reason])).toEqual([
      [
        "authentication.email",
        "the user holds an admin role: Graph refuses an app's changes to their sensitive properties and authentication methods",
      ],
    ]);
  });
});

describe("authentication digests and values", () => {
  // The documented formats, computed here with node:crypto: SHA-256 of the empty string for "no
  // method" without a key, HMAC-SHA256 under the key with one.
  const EMPTY_SHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const withEmail = user({
    userPrincipalName: ADELE,
    authentication: { phoneMethods: [], emailMethods: [{ id: "e1", emailAddress: "old@personal.example" }] },
  });

  it("digests a removal as the empty value, unkeyed and keyed", () => {
    const unkeyed = run([{ upn: ADELE, authentication: { email: null } }], [withEmail]);
    expect(unkeyed.users[0]?.changes).toMatchObject([
      { path: "authentication.email", action: "remove", after: null, afterDigest: EMPTY_SHA256 },
    ]);
    const keyed = run([{ upn: ADELE, authentication: { email: null } }], [withEmail], { digestKey: "k" });
    const hmac = (value: string) => `hmac-sha256:${createHmac("sha256", "k").update(value).digest("hex")}`;
    expect(keyed.users[0]?.changes).toMatchObject([
      {
        afterDigest: hmac(""),
        beforeDigest: hmac("old@personal.example"),
      },
    ]);
  });

  it("writes an e-mail address trimmed but in its own letter case, and digests it lower-cased", () => {
    const result = run([{ upn: ADELE, authentication: { email: "  New@Personal.example " } }], [withEmail]);
    expect(result.users[0]?.changes).toMatchObject([
      {
        after: "New@Personal.example",
        afterDigest: `sha256:${createHash("sha256").update("new@personal.example").digest("hex")}`,
      },
    ]);
  });

  it("sees no change where the profile asks for no method and the user has none", () => {
    const none = user({ userPrincipalName: ADELE });
    const result = run([{ upn: ADELE, authentication: { email: null, mobile: null } }], [none]);
    expect(result.users).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  it("names a digest key by the first 12 hex digits of its HMAC of a fixed text", () => {
    const expected = createHmac("sha256", "k").update("roster digest key id").digest("hex").slice(0, 12);
    expect(digestKeyId("k")).toBe(expected);
    expect(digestKeyId("k")).toMatch(/^[0-9a-f]{12}$/);
    expect(digestKeyId("other")).not.toBe(expected);
  });

  it("requires a mobile beside an alternate mobile once the plan is applied, and only then", () => {
    const alt = "+1 425 555 0111";
    const phones = (...types: ("mobile" | "alternateMobile")[]) =>
      user({
        userPrincipalName: ADELE,
        authentication: {
          phoneMethods: types.map((phoneType, i) => ({
            id: `p${i}`,
            phoneType,
            phoneNumber: `+1 425555011${i}`,
          })),
          emailMethods: [],
        },
      });
    const errorsOf = (spec: ProfileSpec, tenant: ActualUser) =>
      run([spec], [tenant]).errors.map((e) => [e.message, e.source?.line !== undefined]);
    const NEEDS = "`authentication.alternateMobile` needs a `mobile` number, and the user would have none";
    // Both set by the profile; the tenant's mobile kept; no alternate at all: fine.
    expect(
      errorsOf({ upn: ADELE, authentication: { alternateMobile: alt, mobile: "+1 425 555 0110" } }, phones()),
    ).toEqual([]);
    expect(errorsOf({ upn: ADELE, authentication: { alternateMobile: alt } }, phones("mobile"))).toEqual([]);
    expect(errorsOf({ upn: ADELE, authentication: { mobile: null } }, phones("mobile"))).toEqual([]);
    expect(
      errorsOf(
        { upn: ADELE, authentication: { alternateMobile: null, mobile: null } },
        phones("mobile", "alternateMobile"),
      ),
    ).toEqual([]);
    // An alternate with no mobile, from the profile or left in the tenant: refused, at a key.
    expect(errorsOf({ upn: ADELE, authentication: { alternateMobile: alt } }, phones())).toEqual([
      [NEEDS, true],
    ]);
    expect(
      errorsOf({ upn: ADELE, authentication: { mobile: null } }, phones("mobile", "alternateMobile")),
    ).toEqual([[NEEDS, true]]);
    // With authentication owned elsewhere the profile's methods are skipped: the tenant's stay.
    const owned = (spec: ProfileSpec, tenant: ActualUser) =>
      run([spec], [tenant], { config: config({ ownedElsewhere: ["authentication"] }) }).errors;
    expect(
      owned({ upn: ADELE, authentication: { mobile: null } }, phones("mobile", "alternateMobile")),
    ).toEqual([]);
    expect(owned({ upn: ADELE, authentication: { alternateMobile: alt } }, phones())).toEqual([]);
  });

  it("reports methods not read as an error without a source position", () => {
    const result = run(
      [{ upn: ADELE, authentication: { email: null } }],
      [user({ userPrincipalName: ADELE, authentication: undefined })],
    );
    expect(result.errors).toEqual([
      {
        message: "internal: the tenant reader did not read this user's authentication methods",
        userPrincipalName: ADELE,
      },
    ]);
  });
});

describe("convergence", () => {
  // Graph's way of storing what it is sent: numbers canonicalised, strings kept, empties as null.
  function applyLikeGraph(actual: ActualUser, result: ReturnType<typeof run>): ActualUser {
    const next: ActualUser = structuredClone(actual);
    for (const change of result.users.flatMap((u) => u.changes)) {
      if (change.kind !== "attribute") continue;
      const [top, sub] = change.path.split(".") as [string, string | undefined];
      if (sub) {
        next.properties[top] = { ...((next.properties[top] as object | null) ?? {}), [sub]: change.after };
      } else {
        next.properties[top] = change.after === "" ? null : change.after;
      }
    }
    return next;
  }

  const text = fc.oneof(fc.constant(null), fc.constant(""), fc.string({ maxLength: 12 }));
  it("a plan made right after applying a plan is empty", () => {
    fc.assert(
      fc.property(
        fc.record(
          { jobTitle: text, department: text, city: text, "employeeOrgData.division": text },
          { requiredKeys: [] },
        ),
        fc.record(
          {
            jobTitle: text,
            department: text,
            city: text,
            employeeOrgData: fc.option(fc.record({ division: text, costCenter: text })),
          },
          {
            requiredKeys: [],
          },
        ),
        (desired, actualProps) => {
          const before = user({ userPrincipalName: ADELE, properties: actualProps });
          const first = run([{ upn: ADELE, attributes: desired }], [before]);
          const second = run([{ upn: ADELE, attributes: desired }], [applyLikeGraph(before, first)]);
          expect(second.users).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("mail", () => {
  const holders = (address: string, ...upns: string[]) =>
    new Map([[address, upns.map((upn) => ({ id: `id-${upn.toLowerCase()}`, userPrincipalName: upn }))]]);

  it("plans a user's own secondary address as their mail, but not another user's", () => {
    const users = [user({ userPrincipalName: ADELE, properties: { mail: "adele@contoso.com" } })];
    const own = run([{ upn: ADELE, attributes: { mail: "a.vance@contoso.com" } }], users, {
      actual: { ...tenantOf(users), mailHolders: holders("a.vance@contoso.com", ADELE) },
    });
    expect(changesOf(own)).toEqual([
      { path: "mail", action: "update", before: "adele@contoso.com", after: "a.vance@contoso.com" },
    ]);
    const taken = run([{ upn: ADELE, attributes: { mail: "a.vance@contoso.com" } }], users, {
      actual: { ...tenantOf(users), mailHolders: holders("a.vance@contoso.com", ALEX) },
    });
    expect(changesOf(taken)).toEqual([]);
    expect(taken.errors.map((e) => e.message)).toEqual([
      `${ADELE} cannot get mail a.vance@contoso.com: it is already an address of ${ALEX} (proxyAddresses), and Graph gives an address to one object only; remove it from ${ALEX} first, or choose another`,
    ]);
  });
});

describe("mail claimed twice", () => {
  it("refuses a mail two profiles would both newly set, naming both users, in any letter case", () => {
    const users = [
      user({ userPrincipalName: ADELE }),
      user({ userPrincipalName: ALEX }),
      user({ userPrincipalName: "MeganB@contoso.com" }),
    ];
    const result = run(
      [
        { upn: ADELE, attributes: { mail: "Sales@contoso.com" } },
        { upn: ALEX, attributes: { mail: "sales@CONTOSO.com" } },
        { upn: "MeganB@contoso.com", attributes: { mail: "megan@contoso.com" } },
      ],
      users,
      { actual: { ...tenantOf(users), mailHolders: new Map() } },
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      `${ADELE} and ${ALEX} would all get mail Sales@contoso.com; an address belongs to one user only`,
      `${ALEX} and ${ADELE} would all get mail sales@CONTOSO.com; an address belongs to one user only`,
    ]);
    // Megan's address is hers alone: planned.
    expect(changesOf(result)).toEqual([
      { path: "mail", action: "add", before: null, after: "megan@contoso.com" },
    ]);
  });

  it("does not count a profile whose user already has that mail as a claim", () => {
    const users = [
      user({ userPrincipalName: ADELE, properties: { mail: "sales@contoso.com" } }),
      user({ userPrincipalName: ALEX }),
    ];
    const result = run(
      [
        { upn: ADELE, attributes: { mail: "sales@contoso.com" } },
        { upn: ALEX, attributes: { mail: "sales@contoso.com" } },
      ],
      users,
      { actual: { ...tenantOf(users), mailHolders: new Map() } },
    );
    // Graph would refuse Alex's change (Adele holds the address), but that is the proxyAddresses
    // check's to say; here Adele's unchanged mail is no second claim.
    expect(result.errors).toEqual([]);
    expect(changesOf(result)).toEqual([
      { path: "mail", action: "add", before: null, after: "sales@contoso.com" },
    ]);
  });

  it("plans clearing a mail, which claims no address", () => {
    const users = [user({ userPrincipalName: ADELE, properties: { mail: "adele@contoso.com" } })];
    const result = run([{ upn: ADELE, attributes: { mail: null } }], users, {
      actual: { ...tenantOf(users), mailHolders: new Map() },
    });
    expect(result.errors).toEqual([]);
    expect(changesOf(result)).toEqual([
      { path: "mail", action: "remove", before: "adele@contoso.com", after: null },
    ]);
  });
});

describe("managed paths (what comparePlans may count as done)", () => {
  it("holds userPrincipalName, the attribute keys, and manager, photo and methods only where the profile sets them", () => {
    const users = [user({ userPrincipalName: ADELE }), user({ userPrincipalName: ALEX })];
    const result = run(
      [
        { upn: ADELE, attributes: { jobTitle: "x" } },
        { upn: ALEX, manager: null, photo: null, authentication: { mobile: null } },
      ],
      users,
    );
    expect(result.managedPaths).toEqual(
      new Map([
        ["id-adelev@contoso.com", new Set(["userPrincipalName", "jobTitle"])],
        ["id-alexw@contoso.com", new Set(["userPrincipalName", "manager", "photo", "authentication.mobile"])],
      ]),
    );
  });
});

describe("keys owned elsewhere", () => {
  it("skips the UPN, manager, photo and methods when roster.yaml says another system owns them", () => {
    const result = run(
      [
        {
          upn: "adele.vance@contoso.com",
          id: "id-adele",
          manager: ALEX,
          photo: { file: "photos/adele.jpg" },
          authentication: { email: "new@personal.example" },
        },
      ],
      [user({ userPrincipalName: ADELE, id: "id-adele" }), user({ userPrincipalName: ALEX, id: "id-alex" })],
      { config: config({ ownedElsewhere: ["userPrincipalName", "manager", "photo", "authentication"] }) },
    );
    expect(changesOf(result)).toEqual([]);
    expect(result.users[0]?.skipped.map((c) => [c.path, c.reason])).toEqual([
      ["userPrincipalName", "`userPrincipalName` is owned elsewhere (roster.yaml ownedElsewhere)"],
      ["manager", "`manager` is owned elsewhere (roster.yaml ownedElsewhere)"],
      ["photo", "`photo` is owned elsewhere (roster.yaml ownedElsewhere)"],
      ["authentication.email", "`authentication` is owned elsewhere (roster.yaml ownedElsewhere)"],
    ]);
  });

  it("checks no mail conflict for a mail owned elsewhere: it is skipped, not an error", () => {
    const users = [user({ userPrincipalName: ADELE })];
    const result = run([{ upn: ADELE, attributes: { mail: "sales@contoso.com" } }], users, {
      config: config({ ownedElsewhere: ["mail"] }),
      actual: {
        ...tenantOf(users),
        mailHolders: new Map([["sales@contoso.com", [{ id: "id-alex", userPrincipalName: ALEX }]]]),
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.users[0]?.skipped.map((c) => c.reason)).toEqual([
      "`mail` is owned elsewhere (roster.yaml ownedElsewhere)",
    ]);
  });
});

describe("conditions on both sides", () => {
  it("warns of admin roles, and refuses a protected user, only when the profile would change something", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "Same" } }],
      [user({ userPrincipalName: ADELE, roles: ["Reports Reader"], properties: { jobTitle: "Same" } })],
      { config: config({ protected: ["adelev@contoso.com"] }) },
    );
    expect(result.warnings).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.users).toEqual([]);
  });

  it("warns that methods were not checked only when a profile sets one", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: ADELE })],
      {
        authMethods: false,
      },
    );
    expect(result.warnings).toEqual([]);
  });

  it("skips extension attributes only for a user synced once, and only extension attributes", () => {
    const ext = "onPremisesExtensionAttributes.extensionAttribute1";
    const cloud = run([{ upn: ADELE, attributes: { [ext]: "x" } }], [user({ userPrincipalName: ADELE })]);
    expect(changesOf(cloud)).toEqual([{ path: ext, action: "add", before: null, after: "x" }]);
    const once = run(
      [{ upn: ADELE, attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: ADELE, previouslySynced: true })],
    );
    expect(changesOf(once)).toEqual([{ path: "jobTitle", action: "add", before: null, after: "x" }]);
  });

  it("sees no change where the profile says photo: null and the user has none", () => {
    const result = run([{ upn: ADELE, photo: null }], [user({ userPrincipalName: ADELE, photo: null })]);
    expect(result.users).toEqual([]);
  });

  it("plans a new mail when the tenant reader read no holders (none to check)", () => {
    const result = run(
      [{ upn: ADELE, attributes: { mail: "sales@contoso.com" } }],
      [user({ userPrincipalName: ADELE })],
    );
    expect(changesOf(result)).toEqual([
      { path: "mail", action: "add", before: null, after: "sales@contoso.com" },
    ]);
  });

  it("names every holder of a mail another user would get", () => {
    const users = [user({ userPrincipalName: ADELE })];
    const result = run([{ upn: ADELE, attributes: { mail: "sales@contoso.com" } }], users, {
      actual: {
        ...tenantOf(users),
        mailHolders: new Map([
          [
            "sales@contoso.com",
            [
              { id: "id-alex", userPrincipalName: ALEX },
              { id: "id-megan", userPrincipalName: "MeganB@contoso.com" },
            ],
          ],
        ]),
      },
    });
    expect(result.errors.map((e) => e.message)).toEqual([
      `${ADELE} cannot get mail sales@contoso.com: it is already an address of ${ALEX}, MeganB@contoso.com (proxyAddresses), and Graph gives an address to one object only; remove it from ${ALEX}, MeganB@contoso.com first, or choose another`,
    ]);
  });

  it("points a duplicate's error at its id key", () => {
    const specs: ProfileSpec[] = [
      { upn: ADELE },
      { upn: "adele.vance@contoso.com", id: "id-adele", file: "profiles/adele-renamed.yaml" },
    ];
    const profiles = specs.map(profile);
    const result = diff({
      profiles,
      config: config(),
      photoHashes: new Map(),
      actual: tenantOf([user({ userPrincipalName: ADELE, id: "id-adele" })]),
    });
    expect(result.errors.map((e) => e.source)).toEqual([profiles[1]?.id?.source]);
    expect(profiles[1]?.id?.source).not.toEqual(profiles[1]?.userPrincipalName.source);
  });
});

describe("messages, word for word", () => {
  it("names the id of a profile whose user does not exist", () => {
    const result = run([{ upn: ADELE, id: "id-gone" }], [user({ userPrincipalName: ALEX })]);
    expect(result.errors.map((e) => e.message)).toEqual([
      "no user with id id-gone in the tenant (roster does not create accounts)",
    ]);
  });

  it("names every admin role a user holds", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: ADELE, roles: ["Reports Reader", "Helpdesk Administrator"] })],
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      "holds Reports Reader, Helpdesk Administrator: every change to this user is sensitive",
    ]);
  });

  it("reports a manager, photo or authentication methods the tenant reader did not read as an internal error", () => {
    const result = run(
      [
        {
          upn: ADELE,
          manager: ALEX,
          photo: { file: "photos/adele.jpg" },
          authentication: { mobile: "+1 425 555 0110" },
        },
      ],
      [user({ userPrincipalName: ADELE, manager: undefined, photo: undefined, authentication: undefined })],
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      "internal: the tenant reader did not read this user's manager",
      "internal: the tenant reader did not read this user's photo",
      "internal: the tenant reader did not read this user's authentication methods",
    ]);
    expect(changesOf(result)).toEqual([]);
  });

  it("reports a photo file without a hash as an internal error", () => {
    const result = run(
      [{ upn: ADELE, photo: { file: "photos/unhashed.jpg" } }],
      [user({ userPrincipalName: ADELE })],
    );
    expect(result.errors.map((e) => e.message)).toEqual(["internal: no hash for photos/unhashed.jpg"]);
  });

  it("skips extension attributes of a user synced once, naming Exchange", () => {
    const result = run(
      [{ upn: ADELE, attributes: { "onPremisesExtensionAttributes.extensionAttribute1": "x" } }],
      [user({ userPrincipalName: ADELE, previouslySynced: true })],
    );
    expect(result.users[0]?.skipped.map((c) => [c.path, c.reason])).toEqual([
      [
        "onPremisesExtensionAttributes.extensionAttribute1",
        "this user was synced from on-premises AD once: Exchange Online masters its extension attributes and Graph refuses to change them; change them in Exchange (Set-Mailbox -CustomAttributeN) or stop managing them here",
      ],
    ]);
  });

  it("without reading authentication methods, lists each one a profile sets as not checked, with a warning", () => {
    const result = run(
      [{ upn: ADELE, authentication: { mobile: "+1 425 555 0110", email: null } }],
      [user({ userPrincipalName: ADELE, authentication: undefined })],
      { authMethods: false },
    );
    expect(result.errors).toEqual([]);
    expect(result.users[0]?.skipped.map((c) => [c.path, c.before, c.after, c.reason])).toEqual([
      [
        "authentication.mobile",
        null,
        "+1 425 555 0110",
        "not checked: authentication methods are left out of this plan (--no-auth-methods, as in pull requests); apply plans them in full",
      ],
      [
        "authentication.email",
        null,
        null,
        "not checked: authentication methods are left out of this plan (--no-auth-methods, as in pull requests); apply plans them in full",
      ],
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "authentication methods were not checked (--no-auth-methods): this plan shows none of their changes; apply plans them in full",
    ]);
  });
});

describe("conditions on both sides, continued", () => {
  it("reads no methods and reports nothing for a profile that sets none", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "x" } }],
      [user({ userPrincipalName: ADELE, authentication: undefined })],
    );
    expect(result.errors).toEqual([]);
  });

  it("masks the tenant's e-mail address as an address", () => {
    const result = run(
      [{ upn: ADELE, authentication: { email: null } }],
      [
        user({
          userPrincipalName: ADELE,
          authentication: {
            phoneMethods: [],
            emailMethods: [{ id: "e1", emailAddress: "old@personal.example" }],
          },
        }),
      ],
    );
    expect(result.users[0]?.changes[0]?.before).toBe("o•••@personal.example");
  });

  it("names every path a protected user's profile would change", () => {
    const result = run(
      [{ upn: ADELE, attributes: { jobTitle: "x", department: "y" } }],
      [user({ userPrincipalName: ADELE })],
      { config: config({ protected: ["adelev@contoso.com"] }) },
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      "AdeleV@contoso.com is protected in roster.yaml, but the profile would change jobTitle, department",
    ]);
  });

  it("warns of methods not checked only when some user has a method skipped, not another skip", () => {
    const synced = user({ userPrincipalName: ALEX, onPremisesSyncEnabled: true });
    const onlyOther = run([{ upn: ALEX, attributes: { jobTitle: "x" } }], [synced], { authMethods: false });
    expect(onlyOther.users[0]?.skipped.map((c) => c.path)).toEqual(["jobTitle"]);
    expect(onlyOther.warnings).toEqual([]);
    const both = run(
      [
        { upn: ALEX, attributes: { jobTitle: "x" } },
        { upn: ADELE, authentication: { email: null } },
      ],
      [synced, user({ userPrincipalName: ADELE, authentication: undefined })],
      { authMethods: false },
    );
    expect(both.warnings.map((w) => w.message)).toEqual([
      "authentication methods were not checked (--no-auth-methods): this plan shows none of their changes; apply plans them in full",
    ]);
  });

  it("skips a synced user's manager as owned elsewhere when roster.yaml says so, and a photo removal too", () => {
    const result = run(
      [{ upn: ADELE, manager: ALEX, photo: null }],
      [
        user({
          userPrincipalName: ADELE,
          onPremisesSyncEnabled: true,
          photo: { etag: "E1", hash: HASH_B, width: 96, height: 96 },
        }),
        user({ userPrincipalName: ALEX, id: "id-alex" }),
      ],
      { config: config({ ownedElsewhere: ["manager", "photo"] }) },
    );
    expect(result.users[0]?.skipped.map((c) => [c.path, c.reason])).toEqual([
      ["manager", "`manager` is owned elsewhere (roster.yaml ownedElsewhere)"],
      ["photo", "`photo` is owned elsewhere (roster.yaml ownedElsewhere)"],
    ]);
  });

  it("does not count as a claim a mail the user already has in another letter case", () => {
    const users = [
      user({ userPrincipalName: ADELE, properties: { mail: "sales@contoso.com" } }),
      user({ userPrincipalName: ALEX }),
    ];
    const result = run(
      [
        { upn: ADELE, attributes: { mail: "Sales@contoso.com" } },
        { upn: ALEX, attributes: { mail: "sales@contoso.com" } },
      ],
      users,
      { actual: { ...tenantOf(users), mailHolders: new Map() } },
    );
    expect(result.errors).toEqual([]);
  });

  it("checks only mail for address conflicts, not another attribute with the same text", () => {
    const users = [user({ userPrincipalName: ADELE }), user({ userPrincipalName: ALEX })];
    const result = run(
      [
        { upn: ADELE, attributes: { mail: "sales@contoso.com" } },
        { upn: ALEX, attributes: { jobTitle: "sales@contoso.com" } },
      ],
      users,
      { actual: { ...tenantOf(users), mailHolders: new Map() } },
    );
    expect(result.errors).toEqual([]);
  });

  it("follows the tenant's manager of a user whose plan changes only an attribute", () => {
    // Megan moves under Adele; Adele (whose job title changes) and Alex report to each other.
    const result = run(
      [
        { upn: "MeganB@contoso.com", manager: ADELE },
        { upn: ADELE, attributes: { jobTitle: "x" } },
      ],
      [
        user({
          userPrincipalName: ADELE,
          id: "id-adele",
          manager: { id: "id-alex", userPrincipalName: ALEX },
        }),
        user({
          userPrincipalName: ALEX,
          id: "id-alex",
          manager: { id: "id-adele", userPrincipalName: ADELE },
        }),
        user({ userPrincipalName: "MeganB@contoso.com", id: "id-megan" }),
      ],
    );
    expect(result.warnings.map((w) => w.message)).toEqual([
      "manager loop once this plan is applied: AdeleV@contoso.com → AlexW@contoso.com → AdeleV@contoso.com (each reports to the next); the org chart has no top there: fix the manager keys of their profiles",
    ]);
  });

  it("compares a method's value with the spaces around it dropped, an address and a number Graph cannot parse alike", () => {
    const result = run(
      [{ upn: ADELE, authentication: { email: "  old@personal.example ", office: " 12345 " } }],
      [
        user({
          userPrincipalName: ADELE,
          authentication: {
            phoneMethods: [{ id: "o1", phoneType: "office", phoneNumber: "12345" }],
            emailMethods: [{ id: "e1", emailAddress: "old@personal.example" }],
          },
        }),
      ],
    );
    expect(result.users).toEqual([]);
  });
});
