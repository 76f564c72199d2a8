import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator, StateUser } from "../src/index.js";
import { expectGraphError, makeUsers, raw, start } from "./helpers.js";

const TIER0 = "6f1c2a4e-0000-4000-8000-000000000001";
const READERS = "6f1c2a4e-0000-4000-8000-000000000002";
const PIM_HELPDESK = "6f1c2a4e-0000-4000-8000-000000000003";
const BIG = "6f1c2a4e-0000-4000-8000-000000000004";
const NO_ROLE = "6f1c2a4e-0000-4000-8000-000000000005";

const many: StateUser[] = makeUsers(120);

let em: RunningEmulator;
beforeAll(async () => {
  em = await start({
    users: [
      { userPrincipalName: "alice@contoso.com", displayName: "Alice", roles: ["Global Administrator"] },
      { userPrincipalName: "bob@contoso.com", displayName: "Bob" },
      { userPrincipalName: "carol@contoso.com", displayName: "Carol" },
      { userPrincipalName: "erin@contoso.com", displayName: "Erin" },
      { userPrincipalName: "frank@contoso.com", displayName: "Frank" },
      { userPrincipalName: "grace@contoso.com", displayName: "Grace" },
      { userPrincipalName: "heidi@contoso.com", displayName: "Heidi" },
      ...many,
    ],
    groups: [
      {
        id: TIER0,
        displayName: "Tier 0 admins",
        members: ["bob@contoso.com"],
        roles: ["Global Administrator"],
      },
      { id: READERS, displayName: "Readers", members: ["carol@contoso.com"], roles: ["Directory Readers"] },
      {
        id: PIM_HELPDESK,
        displayName: "PIM helpdesk",
        members: ["erin@contoso.com"],
        eligibleRoles: ["Helpdesk Administrator"],
      },
      { id: BIG, displayName: "Big", members: many.map((user) => user.userPrincipalName) },
      // Role-assignable, but holding and eligible for nothing.
      { id: NO_ROLE, displayName: "Spare", members: ["heidi@contoso.com"], owners: ["grace@contoso.com"] },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

const roleNamed = async (name: string) => {
  const res = await raw(
    em,
    "GET",
    `/v1.0/directoryRoles?$filter=${encodeURIComponent(`displayName eq '${name}'`)}`,
  );
  return res.json.value[0] as { id: string } | undefined;
};

describe("directory roles held through role-assignable groups", () => {
  it("activates a role a group holds, but not one a group is only eligible for", async () => {
    const res = await raw(em, "GET", "/v1.0/directoryRoles");
    expect(res.json.value.map((r: { displayName: string }) => r.displayName)).toEqual([
      "Directory Readers",
      "Global Administrator",
    ]);
  });

  it("lists the group, not its members, among a role's expanded members", async () => {
    const res = await raw(em, "GET", "/v1.0/directoryRoles?$expand=members($select=id,userPrincipalName)");
    const global = res.json.value.find(
      (r: { displayName: string }) => r.displayName === "Global Administrator",
    );
    expect(global.members).toEqual([
      {
        "@odata.type": "#microsoft.graph.user",
        id: expect.any(String),
        userPrincipalName: "alice@contoso.com",
      },
      { "@odata.type": "#microsoft.graph.group", id: TIER0 },
    ]);
    const named = await raw(em, "GET", "/v1.0/directoryRoles?$expand=members($select=id,displayName)");
    const readers = named.json.value.find(
      (r: { displayName: string }) => r.displayName === "Directory Readers",
    );
    expect(readers.members).toEqual([
      { "@odata.type": "#microsoft.graph.group", id: READERS, displayName: "Readers" },
    ]);
  });

  it("lists the group on /directoryRoles/{id}/members, as a role-assignable security group", async () => {
    const role = await roleNamed("Global Administrator");
    const res = await raw(em, "GET", `/v1.0/directoryRoles/${role!.id}/members`);
    expect(res.status).toBe(200);
    expect(res.json["@odata.context"]).toBe(`${em.origin}/v1.0/$metadata#directoryObjects`);
    expect(res.json.value[1]).toEqual({
      "@odata.type": "#microsoft.graph.group",
      id: TIER0,
      displayName: "Tier 0 admins",
      description: null,
      groupTypes: [],
      isAssignableToRole: true,
      mailEnabled: false,
      securityEnabled: true,
    });
    expect(res.json.value[0]).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      userPrincipalName: "alice@contoso.com",
    });
  });
});

describe("GET /groups/{id}/members", () => {
  it("lists the members as typed directoryObjects with $select", async () => {
    const res = await raw(em, "GET", `/v1.0/groups/${TIER0}/members?$select=id,userPrincipalName`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#directoryObjects`,
      value: [
        {
          "@odata.type": "#microsoft.graph.user",
          id: expect.any(String),
          userPrincipalName: "bob@contoso.com",
        },
      ],
    });
  });

  it("pages 100 members by default, $top up to 999, with nextLinks that keep the query", async () => {
    const first = await raw(em, "GET", `/v1.0/groups/${BIG}/members?$select=userPrincipalName`);
    expect(first.json.value).toHaveLength(100);
    const next: string = first.json["@odata.nextLink"];
    expect(
      next.startsWith(`${em.origin}/v1.0/groups/${BIG}/members?$select=userPrincipalName&$skiptoken=`),
    ).toBe(true);
    const second = await raw(em, "GET", next.slice(em.origin.length));
    expect(second.json.value).toHaveLength(20);
    expect(second.json.value[19].userPrincipalName).toBe("user0119@contoso.com");
    expect(second.json["@odata.nextLink"]).toBeUndefined();

    const upns: string[] = [];
    let path: string | undefined = `/v1.0/groups/${BIG}/members?$select=userPrincipalName&$top=50`;
    let pages = 0;
    while (path) {
      const res = await raw(em, "GET", path);
      pages += 1;
      upns.push(...res.json.value.map((m: { userPrincipalName: string }) => m.userPrincipalName));
      path = res.json["@odata.nextLink"]?.slice(em.origin.length);
    }
    expect(pages).toBe(3);
    expect(upns).toHaveLength(120);
    expect(new Set(upns).size).toBe(120);
    expect((await raw(em, "GET", `/v1.0/groups/${BIG}/members?$top=999`)).json.value).toHaveLength(120);
    expectGraphError(
      await raw(em, "GET", `/v1.0/groups/${BIG}/members?$top=1000`),
      400,
      "Request_UnsupportedQuery",
    );
  });

  it("serves the OData cast to users, with the users context", async () => {
    const res = await raw(
      em,
      "GET",
      `/v1.0/groups/${BIG}/members/microsoft.graph.user?$select=id,displayName&$top=2`,
    );
    expect(res.json["@odata.context"]).toBe(`${em.origin}/v1.0/$metadata#users(id,displayName)`);
    expect(res.json.value).toEqual([
      { "@odata.type": "#microsoft.graph.user", id: expect.any(String), displayName: "User 0" },
      { "@odata.type": "#microsoft.graph.user", id: expect.any(String), displayName: "User 1" },
    ]);
    expect(res.json["@odata.nextLink"]).toMatch(
      new RegExp(
        `^${em.origin.replace(/\./g, "\\.")}/v1\\.0/groups/${BIG}/members/microsoft\\.graph\\.user\\?`,
      ),
    );
  });

  it("answers an unknown group with 404, other paths and options with Graph's errors", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/groups/00000000-0000-0000-0000-000000000000/members"),
      404,
      "Request_ResourceNotFound",
    );
    expectGraphError(await raw(em, "GET", `/v1.0/groups/${TIER0}/memberOf`), 400, "BadRequest");
    expectGraphError(
      await raw(em, "GET", `/v1.0/groups/${TIER0}/owners/microsoft.graph.user`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/groups/${TIER0}/members/microsoft.graph.device`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/groups/${TIER0}/members?$filter=id eq 'x'`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "POST", `/v1.0/groups/${TIER0}/members`, { body: {} }),
      405,
      "Request_BadRequest",
    );
  });
});

describe("GET /groups?$filter=isAssignableToRole eq true", () => {
  const filter = (clause: string) => `/v1.0/groups?$filter=${encodeURIComponent(clause)}`;

  it("lists every role-assignable group, with or without a role, and $select", async () => {
    const res = await raw(em, "GET", `${filter("isAssignableToRole eq true")}&$select=id,displayName`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#groups(id,displayName)`,
      value: [
        { id: TIER0, displayName: "Tier 0 admins" },
        { id: READERS, displayName: "Readers" },
        { id: PIM_HELPDESK, displayName: "PIM helpdesk" },
        { id: BIG, displayName: "Big" },
        { id: NO_ROLE, displayName: "Spare" },
      ],
    });
    const paged = await raw(em, "GET", `${filter("isAssignableToRole eq true")}&$select=id&$top=2`);
    expect(paged.json.value).toEqual([{ id: TIER0 }, { id: READERS }]);
    expect(paged.json["@odata.nextLink"]).toMatch(/\$skiptoken=/);
    const rest = await raw(em, "GET", paged.json["@odata.nextLink"].slice(em.origin.length));
    expect(rest.json.value).toEqual([{ id: PIM_HELPDESK }, { id: BIG }]);
  });

  it("refuses ne/NOT (advanced queries) with 400, and serves no other filter or the whole list", async () => {
    expectGraphError(
      await raw(em, "GET", filter("isAssignableToRole ne false")),
      400,
      "Request_UnsupportedQuery",
    );
    expectGraphError(await raw(em, "GET", filter("displayName eq 'Spare'")), 501, "NotImplemented");
    expectGraphError(await raw(em, "GET", "/v1.0/groups"), 501, "NotImplemented");
    expectGraphError(
      await raw(em, "GET", `${filter("isAssignableToRole eq true")}&$select=mail2`),
      400,
      "Request_BadRequest",
    );
  });
});

describe("GET /groups/{id}/owners", () => {
  it("lists the owners as typed directoryObjects, paged like members", async () => {
    const res = await raw(em, "GET", `/v1.0/groups/${NO_ROLE}/owners?$select=id,userPrincipalName`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#directoryObjects`,
      value: [
        {
          "@odata.type": "#microsoft.graph.user",
          id: expect.any(String),
          userPrincipalName: "grace@contoso.com",
        },
      ],
    });
    expect((await raw(em, "GET", `/v1.0/groups/${TIER0}/owners`)).json.value).toEqual([]);
  });
});

describe("members of role-assignable groups are privileged targets", () => {
  const patchPhone = (upn: string) =>
    raw(em, "PATCH", `/v1.0/users/${upn}`, { body: { mobilePhone: "+1 425 555 0100" } });
  const addPhone = (upn: string) =>
    raw(em, "POST", `/v1.0/users/${upn}/authentication/phoneMethods`, {
      body: { phoneNumber: "+1 4255550100", phoneType: "mobile" },
    });

  it("refuses a sensitive property and a phone method of a user holding Global Administrator through a group", async () => {
    expectGraphError(await patchPhone("bob@contoso.com"), 403, "Authorization_RequestDenied");
    expectGraphError(await addPhone("bob@contoso.com"), 403, "Authorization_RequestDenied");
    // Not sensitive: still allowed.
    expect(
      (await raw(em, "PATCH", "/v1.0/users/bob@contoso.com", { body: { jobTitle: "Admin" } })).status,
    ).toBe(204);
  });

  it("refuses them for a member of a group holding only a reader role, or only an eligibility (membership protects)", async () => {
    expectGraphError(await patchPhone("carol@contoso.com"), 403, "Authorization_RequestDenied");
    expectGraphError(await addPhone("erin@contoso.com"), 403, "Authorization_RequestDenied");
  });

  it("refuses them for a member and for an owner of a role-assignable group that holds no role", async () => {
    expectGraphError(await patchPhone("heidi@contoso.com"), 403, "Authorization_RequestDenied");
    expectGraphError(await patchPhone("grace@contoso.com"), 403, "Authorization_RequestDenied");
    expectGraphError(await addPhone("grace@contoso.com"), 403, "Authorization_RequestDenied");
  });

  it("allows them for a user in no group and with no role", async () => {
    expect((await patchPhone("frank@contoso.com")).status).toBe(204);
    expect((await addPhone("frank@contoso.com")).status).toBe(201);
  });
});

describe("limited information for inaccessible member objects", () => {
  it("returns member users with only @odata.type and id to an app that cannot read users", async () => {
    const limited = await start({
      apps: [
        { token: "members", permissions: ["GroupMember.Read.All"] },
        { token: "members+users", permissions: ["GroupMember.Read.All", "User.Read.All"] },
      ],
      users: [{ userPrincipalName: "bob@contoso.com", displayName: "Bob" }],
      groups: [
        {
          id: TIER0,
          displayName: "Tier 0 admins",
          members: ["bob@contoso.com"],
          roles: ["Global Administrator"],
        },
      ],
    });
    try {
      const path = `/v1.0/groups/${TIER0}/members?$select=id,userPrincipalName,displayName`;
      expect((await raw(limited, "GET", path, { token: "members" })).json.value).toEqual([
        {
          "@odata.type": "#microsoft.graph.user",
          id: expect.any(String),
          userPrincipalName: null,
          displayName: null,
        },
      ]);
      expect((await raw(limited, "GET", path, { token: "members+users" })).json.value).toEqual([
        {
          "@odata.type": "#microsoft.graph.user",
          id: expect.any(String),
          userPrincipalName: "bob@contoso.com",
          displayName: "Bob",
        },
      ]);
    } finally {
      await limited.close();
    }
  });
});
