import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, raw, start } from "./helpers.js";

const TENANT_ID = "c0d1e2f3-0000-4000-8000-000000000001";
let em: RunningEmulator;

beforeAll(async () => {
  em = await start({
    tenant: { id: TENANT_ID, domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: [{ userPrincipalName: "a@contoso.com", displayName: "A" }],
  });
});
afterAll(async () => {
  await em.close();
});

describe("organization", () => {
  it("lists exactly one organization: the tenant's id and verified domains", async () => {
    const res = await raw(em, "GET", "/v1.0/organization?$select=id,verifiedDomains");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#organization`,
      value: [
        {
          id: TENANT_ID,
          verifiedDomains: [
            {
              capabilities: "Email, OfficeCommunicationsOnline",
              isDefault: true,
              isInitial: false,
              name: "contoso.com",
              type: "Managed",
            },
            {
              capabilities: "Email, OfficeCommunicationsOnline",
              isDefault: false,
              isInitial: true,
              name: "contoso.onmicrosoft.com",
              type: "Managed",
            },
          ],
        },
      ],
    });
  });

  it("gets it by id, and answers Graph's errors for another id, an unknown property or a write", async () => {
    const res = await raw(em, "GET", `/v1.0/organization/${TENANT_ID}?$select=id,displayName`);
    expect(res.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#organization/$entity`,
      id: TENANT_ID,
      displayName: "contoso",
    });
    expectGraphError(
      await raw(em, "GET", "/v1.0/organization/00000000-0000-4000-8000-000000000000"),
      404,
      "Request_ResourceNotFound",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/organization?$select=tenantId"), 400, "Request_BadRequest");
    expectGraphError(await raw(em, "PATCH", "/v1.0/organization", { body: {} }), 405, "Request_BadRequest");
  });
});

describe("the organization in the state file", () => {
  it("takes its name from tenant.displayName, and refuses unknown tenant keys", async () => {
    const named = await start({
      tenant: { domains: ["contoso.com"], displayName: "Contoso Ltd" },
      users: [],
    });
    try {
      expect((await raw(named, "GET", "/v1.0/organization?$select=displayName")).json.value).toEqual([
        { displayName: "Contoso Ltd" },
      ]);
      expect((await raw(named, "GET", "/_emulator/state")).json.tenant.displayName).toBe("Contoso Ltd");
    } finally {
      await named.close();
    }
    await expect(
      start({ tenant: { domains: ["contoso.com"], name: "x" } as never, users: [] }),
    ).rejects.toThrow("unknown key 'tenant.name'");
  });
});
