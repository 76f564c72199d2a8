import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator, StateUser } from "../src/index.js";
import { expectGraphError, raw, start } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  const admins: StateUser[] = Array.from({ length: 25 }, (_, i) => ({
    userPrincipalName: `admin${i}@contoso.com`,
    displayName: `Admin ${i}`,
    roles: ["Global Administrator"],
  }));
  em = await start({
    users: [
      ...admins,
      {
        userPrincipalName: "helpdesk@contoso.com",
        displayName: "Helpdesk",
        roles: ["Helpdesk Administrator", "Directory Readers"],
      },
      { userPrincipalName: "plain@contoso.com", displayName: "Plain" },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

describe("directory roles", () => {
  it("lists the roles held in the state, with well-known template ids", async () => {
    const res = await raw(em, "GET", "/v1.0/directoryRoles");
    expect(res.status).toBe(200);
    expect(res.json["@odata.context"]).toBe(`${em.origin}/v1.0/$metadata#directoryRoles`);
    expect(res.json.value.map((r: { displayName: string }) => r.displayName)).toEqual([
      "Directory Readers",
      "Global Administrator",
      "Helpdesk Administrator",
    ]);
    const global = res.json.value.find(
      (r: { displayName: string }) => r.displayName === "Global Administrator",
    );
    expect(global.roleTemplateId).toBe("62e90394-69f5-4237-9190-012177145e10");
    expect(global.members).toBeUndefined();
  });

  it("expands members with a nested $select, at most 20 per role as on Graph", async () => {
    const res = await raw(em, "GET", "/v1.0/directoryRoles?$expand=members($select=id,userPrincipalName)");
    const global = res.json.value.find(
      (r: { displayName: string }) => r.displayName === "Global Administrator",
    );
    expect(global.members).toHaveLength(20);
    expect(global.members[0]).toEqual({
      "@odata.type": "#microsoft.graph.user",
      id: expect.any(String),
      userPrincipalName: "admin0@contoso.com",
    });
  });

  it("pages through all members of a role", async () => {
    const list = await raw(
      em,
      "GET",
      `/v1.0/directoryRoles?$filter=${encodeURIComponent("displayName eq 'Global Administrator'")}`,
    );
    expect(list.json.value).toHaveLength(1);
    const id = list.json.value[0].id;
    const first = await raw(
      em,
      "GET",
      `/v1.0/directoryRoles/${id}/members?$select=userPrincipalName&$top=10`,
    );
    expect(first.json.value).toHaveLength(10);
    const upns: string[] = [];
    let path: string | undefined = `/v1.0/directoryRoles/${id}/members?$select=userPrincipalName&$top=10`;
    while (path) {
      const res = await raw(em, "GET", path);
      upns.push(...res.json.value.map((m: { userPrincipalName: string }) => m.userPrincipalName));
      path = res.json["@odata.nextLink"]?.slice(em.origin.length);
    }
    expect(upns).toHaveLength(25);
    expect((await raw(em, "GET", `/v1.0/directoryRoles/${id}`)).json.displayName).toBe(
      "Global Administrator",
    );
  });

  it("answers unknown roles with 404 and writes with 405", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/directoryRoles/00000000-0000-0000-0000-000000000000/members"),
      404,
      "Request_ResourceNotFound",
    );
    expectGraphError(await raw(em, "POST", "/v1.0/directoryRoles", { body: {} }), 405, "Request_BadRequest");
  });
});
