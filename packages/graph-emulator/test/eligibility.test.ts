import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userIdFromUpn } from "../src/ids.js";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, makeUsers, raw, start } from "./helpers.js";

const URL = "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances";
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const USER_ADMIN = "fe930be7-5e62-47db-91af-98c3a49a38b1";
const PIM_HELPDESK = "6f1c2a4e-0000-4000-8000-000000000003";
const DAVE = userIdFromUpn("dave@contoso.com");

let em: RunningEmulator;
beforeAll(async () => {
  em = await start({
    users: [
      {
        userPrincipalName: "dave@contoso.com",
        displayName: "Dave",
        eligibleRoles: ["Global Administrator", "User Administrator"],
        authentication: { phoneMethods: [{ phoneType: "mobile", phoneNumber: "+1 4255550100" }] },
      },
      { userPrincipalName: "erin@contoso.com", displayName: "Erin" },
    ],
    groups: [
      {
        id: PIM_HELPDESK,
        displayName: "PIM helpdesk",
        members: ["erin@contoso.com"],
        eligibleRoles: ["Helpdesk Administrator"],
      },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

describe("GET /roleManagement/directory/roleEligibilityScheduleInstances", () => {
  it("lists one permanent, tenant-wide instance per eligibility of a user or a group", async () => {
    const res = await raw(em, "GET", URL);
    expect(res.status).toBe(200);
    expect(res.json["@odata.context"]).toBe(
      `${em.origin}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances`,
    );
    expect(res.json["@odata.nextLink"]).toBeUndefined();
    expect(res.json.value).toHaveLength(3);
    expect(res.json.value[0]).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{43}-1-e$/),
      principalId: DAVE,
      roleDefinitionId: GLOBAL_ADMIN,
      directoryScopeId: "/",
      appScopeId: null,
      startDateTime: "2025-01-01T00:00:00Z",
      endDateTime: null,
      memberType: "Direct",
      roleEligibilityScheduleId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(
      res.json.value.map((i: { principalId: string; roleDefinitionId: string }) => [
        i.principalId,
        i.roleDefinitionId,
      ]),
    ).toEqual([
      [DAVE, GLOBAL_ADMIN],
      [DAVE, USER_ADMIN],
      [PIM_HELPDESK, HELPDESK_ADMIN],
    ]);
    expect(new Set(res.json.value.map((i: { id: string }) => i.id)).size).toBe(3);
  });

  it("builds instance ids like Graph's: role definition and principal GUID bytes, base64url, then -1-e", async () => {
    const res = await raw(
      em,
      "GET",
      `${URL}?$filter=${encodeURIComponent(`principalId eq '${PIM_HELPDESK}'`)}`,
    );
    // 729827e3-9c14-49f7-bb1b-9608f156bbb8 then 6f1c2a4e-0000-4000-8000-000000000003, .NET byte order.
    const bytes = Buffer.from("e3279872149cf749bb1b9608f156bbb84e2a1c6f000000408000000000000003", "hex");
    expect(res.json.value[0].id).toBe(`${bytes.toString("base64url")}-1-e`);
  });

  it("expands principal (typed user or group) and roleDefinition, together or alone", async () => {
    const both = await raw(em, "GET", `${URL}?$expand=principal,roleDefinition`);
    expect(both.json["@odata.context"]).toBe(
      `${em.origin}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances(principal(),roleDefinition())`,
    );
    const [dave, , group] = both.json.value;
    expect(dave.principal).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      id: DAVE,
      userPrincipalName: "dave@contoso.com",
      displayName: "Dave",
    });
    expect(dave.roleDefinition).toEqual({
      id: GLOBAL_ADMIN,
      description: "Global Administrator (emulated)",
      displayName: "Global Administrator",
      isBuiltIn: true,
      isEnabled: true,
      templateId: GLOBAL_ADMIN,
      version: "1",
    });
    expect(group.principal).toMatchObject({
      "@odata.type": "#microsoft.graph.group",
      id: PIM_HELPDESK,
      displayName: "PIM helpdesk",
      isAssignableToRole: true,
    });
    const principalOnly = await raw(em, "GET", `${URL}?$expand=principal`);
    expect(principalOnly.json.value[2].principal.id).toBe(PIM_HELPDESK);
    expect(principalOnly.json.value[2].roleDefinition).toBeUndefined();
    const roleOnly = await raw(em, "GET", `${URL}?$expand=roleDefinition`);
    expect(roleOnly.json.value[2].roleDefinition.displayName).toBe("Helpdesk Administrator");
    expect(roleOnly.json.value[2].principal).toBeUndefined();
  });

  it("honours $select, keeping expanded relationships", async () => {
    const res = await raw(em, "GET", `${URL}?$select=principalId,roleDefinitionId&$expand=principal`);
    expect(res.json.value[2]).toEqual({
      principalId: PIM_HELPDESK,
      roleDefinitionId: HELPDESK_ADMIN,
      principal: expect.objectContaining({ "@odata.type": "#microsoft.graph.group", id: PIM_HELPDESK }),
    });
    expectGraphError(await raw(em, "GET", `${URL}?$select=status`), 400, "BadRequest");
  });

  it("filters on principalId or roleDefinitionId only", async () => {
    const byPrincipal = await raw(
      em,
      "GET",
      `${URL}?$filter=${encodeURIComponent(`principalId eq '${DAVE.toUpperCase()}'`)}`,
    );
    expect(byPrincipal.json.value.map((i: { roleDefinitionId: string }) => i.roleDefinitionId)).toEqual([
      GLOBAL_ADMIN,
      USER_ADMIN,
    ]);
    const byRole = await raw(
      em,
      "GET",
      `${URL}?$filter=${encodeURIComponent(`roleDefinitionId eq '${HELPDESK_ADMIN}'`)}`,
    );
    expect(byRole.json.value.map((i: { principalId: string }) => i.principalId)).toEqual([PIM_HELPDESK]);
    for (const filter of [
      "memberType eq 'Direct'",
      `principalId ne '${DAVE}'`,
      `principalId eq '${DAVE}' and roleDefinitionId eq '${GLOBAL_ADMIN}'`,
      `startswith(principalId, 'a')`,
    ]) {
      expectGraphError(
        await raw(em, "GET", `${URL}?$filter=${encodeURIComponent(filter)}`),
        400,
        "BadRequest",
      );
    }
  });

  it("refuses other options, unknown expansions, other paths and writes", async () => {
    expectGraphError(await raw(em, "GET", `${URL}?$top=5`), 400, "BadRequest");
    expectGraphError(await raw(em, "GET", `${URL}?$expand=directoryScope`), 400, "BadRequest");
    expectGraphError(await raw(em, "GET", `${URL}?$expand=principal($select=id)`), 400, "BadRequest");
    expectGraphError(await raw(em, "POST", URL, { body: {} }), 405, "Request_BadRequest");
    expectGraphError(
      await raw(em, "GET", "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances"),
      501,
      "NotImplemented",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/roleManagement/entitlementManagement/x"), 400, "BadRequest");
  });

  it("pages 100 instances with a nextLink that keeps the query", async () => {
    const users = makeUsers(150).map((user) => ({ ...user, eligibleRoles: ["Global Administrator"] }));
    const big = await start({ users });
    try {
      const first = await raw(big, "GET", `${URL}?$select=principalId`);
      expect(first.json.value).toHaveLength(100);
      const next: string = first.json["@odata.nextLink"];
      expect(next.startsWith(`${big.origin}${URL}?$select=principalId&$skiptoken=`)).toBe(true);
      const second = await raw(big, "GET", next.slice(big.origin.length));
      expect(second.json.value).toHaveLength(50);
      expect(second.json.value[49].principalId).toBe(userIdFromUpn("user0149@contoso.com"));
      expect(second.json["@odata.nextLink"]).toBeUndefined();
    } finally {
      await big.close();
    }
  });

  it("answers 400 AadPremiumLicenseRequired in a tenant without Entra ID P2 (observed on Graph)", async () => {
    const unlicensed = await start({ tenant: { domains: ["contoso.com"], pimLicensed: false }, users: [] });
    try {
      expectGraphError(
        await raw(unlicensed, "GET", URL),
        400,
        "AadPremiumLicenseRequired",
        "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
      );
    } finally {
      await unlicensed.close();
    }
  });
});

describe("an eligible admin is not a privileged target (Graph checks the roles held now)", () => {
  it("lets the app change the phone methods and sensitive properties of a user only eligible for Global Administrator", async () => {
    // This is the hole a client must close itself: Graph would let the app change this admin's MFA phone.
    const methods = await raw(em, "GET", "/v1.0/users/dave@contoso.com/authentication/phoneMethods");
    const mobile = methods.json.value[0].id;
    const update = await raw(
      em,
      "PATCH",
      `/v1.0/users/dave@contoso.com/authentication/phoneMethods/${mobile}`,
      {
        body: { phoneNumber: "+1 4255550199" },
      },
    );
    expect(update.status).toBe(204);
    const office = await raw(em, "POST", "/v1.0/users/dave@contoso.com/authentication/phoneMethods", {
      body: { phoneNumber: "+1 4255550111", phoneType: "office" },
    });
    expect(office.status).toBe(201);
    const patch = await raw(em, "PATCH", "/v1.0/users/dave@contoso.com", {
      body: { mobilePhone: "+1 425 555 0101" },
    });
    expect(patch.status).toBe(204);
    // And the role is not active: no directoryRoles entry holds it.
    expect((await raw(em, "GET", "/v1.0/directoryRoles")).json.value).toEqual([]);
  });

  it("inside $batch too: eligibilities and group members read per item", async () => {
    const res = await raw(em, "POST", "/v1.0/$batch", {
      body: {
        requests: [
          {
            id: "eligible",
            method: "GET",
            url: `/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '${DAVE}'&$expand=roleDefinition`,
          },
          { id: "members", method: "GET", url: `/groups/${PIM_HELPDESK}/members?$select=userPrincipalName` },
        ],
      },
    });
    const byId = Object.fromEntries(
      (res.json.responses as { id: string; status: number; body: { value: unknown[] } }[]).map((r) => [
        r.id,
        r,
      ]),
    );
    expect(byId.eligible!.status).toBe(200);
    expect(
      (byId.eligible!.body.value as { roleDefinition: { displayName: string } }[]).map(
        (i) => i.roleDefinition.displayName,
      ),
    ).toEqual(["Global Administrator", "User Administrator"]);
    expect(byId.members!.status).toBe(200);
    expect(byId.members!.body.value).toEqual([
      {
        "@odata.type": "#microsoft.graph.user",
        id: userIdFromUpn("erin@contoso.com"),
        userPrincipalName: "erin@contoso.com",
      },
    ]);
  });
});
