import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIRSYNC_MESSAGE } from "../src/errors.js";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, graphClient, raw, start } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({
    tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: [
      {
        userPrincipalName: "adele@contoso.com",
        displayName: "Adele Vance",
        jobTitle: "Retail Manager",
        mail: "adele@contoso.com",
      },
      { userPrincipalName: "alex@contoso.com", displayName: "Alex Wilber" },
      {
        userPrincipalName: "synced@contoso.com",
        displayName: "Synced User",
        onPremisesSyncEnabled: true,
        jobTitle: "Clerk",
      },
      {
        userPrincipalName: "once@contoso.com",
        displayName: "Once Synced",
        onPremisesSyncEnabled: false,
        onPremisesLastSyncDateTime: "2023-02-17T01:10:16Z",
        jobTitle: "Clerk",
      },
      { userPrincipalName: "admin@contoso.com", displayName: "Admin", roles: ["Global Administrator"] },
      { userPrincipalName: "reader@contoso.com", displayName: "Reader", roles: ["Directory Readers"] },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

const get = async (upn: string, select: string) =>
  (await raw(em, "GET", `/v1.0/users/${upn}?$select=${select}`)).json;
const patch = (upn: string, body: unknown) => raw(em, "PATCH", `/v1.0/users/${upn}`, { body });

describe("PATCH /users/{id}", () => {
  it("updates only the properties sent and answers 204 with no body", async () => {
    const res = await patch("adele@contoso.com", {
      department: "Retail",
      officeLocation: "18/2111",
      businessPhones: ["+1 425 555 0109"],
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(await get("adele@contoso.com", "jobTitle,department,officeLocation,businessPhones")).toMatchObject(
      {
        jobTitle: "Retail Manager",
        department: "Retail",
        officeLocation: "18/2111",
        businessPhones: ["+1 425 555 0109"],
      },
    );
  });

  it("clears a property with null, but not displayName", async () => {
    expect((await patch("adele@contoso.com", { officeLocation: null })).status).toBe(204);
    expect((await get("adele@contoso.com", "officeLocation")).officeLocation).toBeNull();
    expectGraphError(
      await patch("adele@contoso.com", { displayName: null }),
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'displayName' of resource 'User'.",
    );
  });

  it("refuses an empty string for any property or sub-property (null clears instead)", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ jobTitle: "" }, "jobTitle"],
      [{ department: "", officeLocation: "x" }, "department"],
      [{ businessPhones: [""] }, "businessPhones"],
      [{ employeeOrgData: { division: "", costCenter: "1" } }, "employeeOrgData"],
      [{ onPremisesExtensionAttributes: { extensionAttribute1: "" } }, "onPremisesExtensionAttributes"],
    ];
    for (const [body, property] of cases) {
      expectGraphError(
        await patch("adele@contoso.com", body),
        400,
        "Request_BadRequest",
        `Invalid value specified for property '${property}' of resource 'User'.`,
      );
    }
    expect((await get("adele@contoso.com", "jobTitle,officeLocation")).jobTitle).toBe("Retail Manager");
    expect((await patch("adele@contoso.com", { jobTitle: null })).status).toBe(204);
    expect((await get("adele@contoso.com", "jobTitle")).jobTitle).toBeNull();
    expect((await patch("adele@contoso.com", { jobTitle: "Retail Manager" })).status).toBe(204);
  });

  it("accepts one business phone only", async () => {
    expectGraphError(
      await patch("alex@contoso.com", { businessPhones: ["+1 425 555 0100", "+1 425 555 0101"] }),
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'businessPhones' of resource 'User'.",
    );
  });

  it("enforces maximum lengths, types and formats", async () => {
    expectGraphError(
      await patch("alex@contoso.com", { jobTitle: "x".repeat(129) }),
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'jobTitle' of resource 'User'.",
    );
    expect((await patch("alex@contoso.com", { jobTitle: "x".repeat(128) })).status).toBe(204);
    expectGraphError(
      await patch("alex@contoso.com", { employeeId: "12345678901234567" }),
      400,
      "Request_BadRequest",
    );
    expectGraphError(await patch("alex@contoso.com", { accountEnabled: "yes" }), 400, "Request_BadRequest");
    expectGraphError(await patch("alex@contoso.com", { usageLocation: "usa" }), 400, "Request_BadRequest");
    expectGraphError(
      await patch("alex@contoso.com", { employeeHireDate: "yesterday" }),
      400,
      "Request_BadRequest",
    );
    expectGraphError(
      await patch("alex@contoso.com", { otherMails: ["renée@example.com"] }),
      400,
      "Request_BadRequest",
    );
    expectGraphError(await patch("alex@contoso.com", { ageGroup: "Teen" }), 400, "Request_BadRequest");
  });

  it("refuses unknown and read-only properties with Graph's messages", async () => {
    expectGraphError(
      await patch("alex@contoso.com", { jobTitel: "x" }),
      400,
      "Request_BadRequest",
      "Property 'jobTitel' does not exist as a declared property or extension property.",
    );
    expectGraphError(
      await patch("alex@contoso.com", { onPremisesSyncEnabled: true }),
      400,
      "Request_BadRequest",
      "Property 'onPremisesSyncEnabled' is read-only and cannot be set.",
    );
    expectGraphError(
      await patch("alex@contoso.com", { id: "x" }),
      400,
      "Request_BadRequest",
      "Property 'id' is read-only and cannot be set.",
    );
    expectGraphError(
      await patch("alex@contoso.com", { manager: "adele@contoso.com" }),
      400,
      "Request_BadRequest",
    );
  });

  it("applies nothing when any property is refused", async () => {
    expectGraphError(
      await patch("alex@contoso.com", { department: "Sales", businessPhones: ["1", "2"] }),
      400,
      "Request_BadRequest",
    );
    expect((await get("alex@contoso.com", "department")).department).toBeNull();
  });

  it("replaces employeeOrgData whole and merges onPremisesExtensionAttributes", async () => {
    await patch("alex@contoso.com", { employeeOrgData: { division: "Stores", costCenter: "4401" } });
    await patch("alex@contoso.com", { employeeOrgData: { division: "Online" } });
    expect((await get("alex@contoso.com", "employeeOrgData")).employeeOrgData).toEqual({
      division: "Online",
      costCenter: null,
    });
    await patch("alex@contoso.com", { onPremisesExtensionAttributes: { extensionAttribute1: "badge-7781" } });
    await patch("alex@contoso.com", { onPremisesExtensionAttributes: { extensionAttribute2: "b" } });
    const ext = (await get("alex@contoso.com", "onPremisesExtensionAttributes"))
      .onPremisesExtensionAttributes;
    expect(ext).toMatchObject({
      extensionAttribute1: "badge-7781",
      extensionAttribute2: "b",
      extensionAttribute15: null,
    });
    expect(Object.keys(ext)).toHaveLength(15);
    expectGraphError(
      await patch("alex@contoso.com", { onPremisesExtensionAttributes: { extensionAttribute16: "x" } }),
      400,
      "Request_BadRequest",
    );
  });

  it("makes a new mail the primary proxy address", async () => {
    await patch("adele@contoso.com", { mail: "adele.vance@contoso.com" });
    expect((await get("adele@contoso.com", "mail,proxyAddresses")).proxyAddresses).toEqual([
      "SMTP:adele.vance@contoso.com",
      "smtp:adele@contoso.com",
    ]);
    expectGraphError(await patch("adele@contoso.com", { mail: null }), 400, "Request_BadRequest");
  });

  it("refuses a mail another user holds in proxyAddresses, primary or not, in any case", async () => {
    // After the previous test adele holds SMTP:adele.vance@contoso.com and smtp:adele@contoso.com.
    for (const mail of ["adele@contoso.com", "ADELE.Vance@Contoso.com"]) {
      expectGraphError(
        await patch("alex@contoso.com", { mail }),
        400,
        "Request_BadRequest",
        "Another object with the same value for property proxyAddresses already exists.",
      );
    }
    expect((await get("alex@contoso.com", "mail")).mail).toBeNull();
    expect((await patch("adele@contoso.com", { mail: "adele@contoso.com" })).status).toBe(204);
    expect((await patch("alex@contoso.com", { mail: "alex.wilber@contoso.com" })).status).toBe(204);
  });

  it("renames a UPN within the tenant's domains and refuses clashes", async () => {
    const { id } = await get("alex@contoso.com", "id");
    expect((await patch(id, { userPrincipalName: "alex.wilber@contoso.onmicrosoft.com" })).status).toBe(204);
    expect((await raw(em, "GET", "/v1.0/users/alex@contoso.com")).status).toBe(404);
    expect((await get("alex.wilber@contoso.onmicrosoft.com", "id")).id).toBe(id);
    expectGraphError(
      await patch(id, { userPrincipalName: "adele@contoso.com" }),
      400,
      "Request_BadRequest",
      "Another object with the same value for property userPrincipalName already exists.",
    );
    expectGraphError(await patch(id, { userPrincipalName: "alex@fabrikam.com" }), 400, "Request_BadRequest");
    await patch(id, { userPrincipalName: "alex@contoso.com" });
  });

  it("refuses a UPN with characters Entra ID does not allow before the @", async () => {
    const { id } = await get("alex@contoso.com", "id");
    for (const upn of [
      "alèx@contoso.com",
      "alex wilber@contoso.com",
      "alex+w@contoso.com",
      "alex.@contoso.com",
      "alex@w@contoso.com",
      `${"a".repeat(65)}@contoso.com`,
    ]) {
      expectGraphError(
        await patch(id, { userPrincipalName: upn }),
        400,
        "Request_BadRequest",
        "Property userPrincipalName is invalid.",
      );
    }
    expect((await patch(id, { userPrincipalName: "a.l_e-x!#^~'w@contoso.com" })).status).toBe(204);
    expect((await patch(id, { userPrincipalName: "alex@contoso.com" })).status).toBe(204);
  });

  it("refuses an empty or malformed body", async () => {
    expectGraphError(
      await raw(em, "PATCH", "/v1.0/users/alex@contoso.com"),
      400,
      "BadRequest",
      "Empty Payload. JSON content expected.",
    );
    expectGraphError(
      await raw(em, "PATCH", "/v1.0/users/alex@contoso.com", {
        body: "{not json",
        headers: { "Content-Type": "application/json" },
      }),
      400,
      "BadRequest",
    );
    expectGraphError(await patch("nobody@contoso.com", { jobTitle: "x" }), 404, "Request_ResourceNotFound");
  });
});

describe("users synced from on-premises AD", () => {
  it("refuses on-premises-mastered properties with the DirSync error", async () => {
    for (const body of [
      { jobTitle: "Boss" },
      { businessPhones: ["+1 1"] },
      { mobilePhone: "+1 2" },
      { onPremisesExtensionAttributes: { extensionAttribute1: "x" } },
      { employeeOrgData: { division: "x" } },
    ]) {
      expectGraphError(await patch("synced@contoso.com", body), 400, "Request_BadRequest", DIRSYNC_MESSAGE);
    }
    expect((await get("synced@contoso.com", "jobTitle")).jobTitle).toBe("Clerk");
  });

  it("still accepts cloud-mastered properties such as usageLocation", async () => {
    expect((await patch("synced@contoso.com", { usageLocation: "US" })).status).toBe(204);
  });

  it("surfaces the refusal as a GraphError through the SDK", async () => {
    await expect(
      graphClient(em).api("/users/synced@contoso.com").patch({ department: "x" }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "Request_BadRequest",
      message: DIRSYNC_MESSAGE,
    });
  });
});

describe("users synced from on-premises AD once, now cloud users", () => {
  it("keeps their extension attributes read-only (mastered by Exchange), and the rest writable", async () => {
    expectGraphError(
      await patch("once@contoso.com", { onPremisesExtensionAttributes: { extensionAttribute1: "x" } }),
      400,
      "Request_BadRequest",
      "Unable to update the specified properties for objects that have originated within an external service.",
    );
    expect((await patch("once@contoso.com", { jobTitle: "Lead", mobilePhone: "+1 4255550100" })).status).toBe(
      204,
    );
    // A cloud user never synced (no last sync time) may set them.
    expect(
      (await patch("alex@contoso.com", { onPremisesExtensionAttributes: { extensionAttribute3: "y" } }))
        .status,
    ).toBe(204);
  });
});

describe("privileged targets", () => {
  it("refuses sensitive properties of admin-role holders with 403, but not other properties", async () => {
    expectGraphError(
      await patch("admin@contoso.com", { mobilePhone: "+1 4255550100" }),
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
    expect((await patch("admin@contoso.com", { jobTitle: "CIO" })).status).toBe(204);
  });

  it("lets reader-type roles be changed like everyone else", async () => {
    expect((await patch("reader@contoso.com", { mobilePhone: "+1 4255550100" })).status).toBe(204);
  });
});
