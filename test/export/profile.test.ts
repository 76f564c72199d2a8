import { describe, expect, it } from "vitest";
import { parseAttributes } from "../../src/export/attributes.js";
import { buildProfile, type ExportedUser, subKeysToWrite } from "../../src/export/profile.js";
import { schemas } from "../../src/source/schema.js";

const selection = (list?: string) => parseAttributes(list, schemas().profileKeys, { ownedElsewhere: [] });

function exported(properties: Record<string, unknown>, extra: Partial<ExportedUser> = {}): ExportedUser {
  return {
    id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    userPrincipalName: "AdeleV@contoso.com",
    onPremisesSyncEnabled: false,
    properties,
    manager: null,
    ...extra,
  };
}

function build(user: ExportedUser, list?: string, others: ExportedUser[] = []) {
  const chosen = selection(list);
  return buildProfile(user, chosen, subKeysToWrite([user, ...others], chosen));
}

describe("buildProfile", () => {
  it("writes the chosen keys as Graph stores them: empty strings as null, no phone as []", () => {
    const profile = build(
      exported({
        displayName: "Adele Vance",
        jobTitle: "",
        department: "Retail",
        officeLocation: null,
        employeeOrgData: null,
        businessPhones: [],
        mobilePhone: "+1 425 555 0110",
        onPremisesExtensionAttributes: { extensionAttribute1: null, extensionAttribute2: null },
      }),
    );
    expect(profile.data).toEqual({
      userPrincipalName: "AdeleV@contoso.com",
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      displayName: "Adele Vance",
      jobTitle: null,
      department: "Retail",
      officeLocation: null,
      businessPhones: [],
      mobilePhone: "+1 425 555 0110",
      manager: null,
    });
    expect(Object.keys(profile.data)[0]).toBe("userPrincipalName");
    expect(profile.warnings).toEqual([]);
    expect(profile.comment).toEqual([]);
  });

  it("writes the sub-keys any exported user has, null where this one has none", () => {
    const other = exported(
      {
        employeeOrgData: { division: null, costCenter: "4401" },
        onPremisesExtensionAttributes: { extensionAttribute7: "x" },
      },
      { id: "00000000-0000-4000-8000-000000000002", userPrincipalName: "b@contoso.com" },
    );
    const profile = build(
      exported({ employeeOrgData: null, onPremisesExtensionAttributes: { extensionAttribute1: "badge" } }),
      "employeeOrgData,onPremisesExtensionAttributes",
      [other],
    );
    expect(profile.data.employeeOrgData).toEqual({ costCenter: null });
    expect(profile.data.onPremisesExtensionAttributes).toEqual({
      extensionAttribute1: "badge",
      extensionAttribute7: null,
    });
  });

  it("leaves out a key no user has a sub-key of", () => {
    const profile = build(exported({ employeeOrgData: null }), "employeeOrgData");
    expect(profile.data).not.toHaveProperty("employeeOrgData");
  });

  it("leaves out values the profile schema refuses, saying why, and nulls Graph cannot clear", () => {
    const profile = build(
      exported({
        displayName: "Adele",
        businessPhones: ["+1 425 555 0100", "+1 425 555 0101"],
        preferredLanguage: "english",
        usageLocation: null,
        mail: null,
      }),
      "displayName,businessPhones,preferredLanguage,usageLocation,mail",
    );
    expect(profile.data).toEqual({
      userPrincipalName: "AdeleV@contoso.com",
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      displayName: "Adele",
    });
    expect(profile.warnings).toEqual([
      "businessPhones left out: `businessPhones` may hold only one number: Graph accepts a single value on write",
      'preferredLanguage left out: `preferredLanguage` "english" must be a language tag, e.g. "en-US"',
    ]);
  });

  it("names managers by UPN, and leaves out a manager that is no user", () => {
    expect(
      build(exported({}, { manager: { id: "m", userPrincipalName: "AlexW@contoso.com" } }), "manager").data
        .manager,
    ).toBe("AlexW@contoso.com");
    expect(build(exported({}, { manager: null }), "manager").data.manager).toBeNull();
    const contact = build(exported({}, { manager: { id: "c0ffee" } }), "manager");
    expect(contact.data).not.toHaveProperty("manager");
    expect(contact.warnings).toEqual([
      "manager left out: the manager (object c0ffee) is not a user with a UPN",
    ]);
  });

  it("names the attributes on-premises AD masters for a synced user", () => {
    const profile = build(
      exported(
        { displayName: "Pradeep", jobTitle: "Engineer", businessPhones: [] },
        { onPremisesSyncEnabled: true },
      ),
      "displayName,jobTitle,businessPhones,usageLocation,manager",
    );
    expect(profile.comment.join("\n")).toBe(
      " Synced from on-premises AD, which masters displayName, jobTitle and businessPhones: change\n" +
        " those in AD (roster's plan skips changes to them for this user).",
    );
  });

  it("writes the authentication methods a user has, never null for the others", () => {
    const profile = build(
      exported(
        {},
        {
          authentication: {
            phoneMethods: [
              { phoneType: "office", phoneNumber: "+1 4255550100" },
              { phoneType: "mobile", phoneNumber: "+1 4255550110" },
            ],
            emailMethods: [{ emailAddress: "adele@personal.example" }],
          },
        },
      ),
      "displayName",
    );
    expect(profile.data.authentication).toEqual({
      mobile: "+1 4255550110",
      office: "+1 4255550100",
      email: "adele@personal.example",
    });
    expect(Object.keys(profile.data.authentication as object)).toEqual(["mobile", "office", "email"]);
  });

  it("leaves out a method the schema refuses, masking its value in the warning", () => {
    const profile = build(
      exported(
        {},
        {
          authentication: {
            phoneMethods: [
              { phoneType: "mobile", phoneNumber: "4255550110" },
              { phoneType: "alternateMobile", phoneNumber: "+1 4255550199" },
            ],
            emailMethods: [],
          },
        },
      ),
      "displayName",
    );
    // Without its mobile number, the alternate mobile would not validate either.
    expect(profile.data).not.toHaveProperty("authentication");
    expect(profile.warnings).toEqual([
      "authentication.mobile (••••••••10) left out: roster validate would refuse it",
    ]);
    expect(profile.warnings.join()).not.toContain("4255550110");
  });
});
