import { PageIterator } from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, graphClient, makeUsers, raw, start } from "./helpers.js";

const DEFAULT_PROPS = [
  "id",
  "userPrincipalName",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "officeLocation",
  "preferredLanguage",
  "mobilePhone",
  "businessPhones",
  "mail",
];

let em: RunningEmulator;

beforeAll(async () => {
  const users = makeUsers(2500);
  users[0] = { ...users[0]!, manager: "user0001@contoso.com", jobTitle: "Clerk" };
  users[1] = { ...users[1]!, onPremisesSyncEnabled: true, jobTitle: "Lead" };
  em = await start({ tenant: { domains: ["contoso.com"] }, users });
});
afterAll(async () => {
  await em.close();
});

describe("GET /users", () => {
  it("returns exactly Graph's default property set without $select", async () => {
    const res = await raw(em, "GET", "/v1.0/users?$top=1");
    expect(res.status).toBe(200);
    expect(res.json["@odata.context"]).toBe(`${em.origin}/v1.0/$metadata#users`);
    expect(Object.keys(res.json.value[0]).sort()).toEqual([...DEFAULT_PROPS].sort());
    expect(res.json.value[0]).toMatchObject({
      userPrincipalName: "user0000@contoso.com",
      officeLocation: null,
      businessPhones: [],
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(res.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("returns only the selected properties, and a context that names them", async () => {
    const res = await raw(em, "GET", "/v1.0/users?$top=2&$select=id,department,onPremisesSyncEnabled");
    expect(res.json["@odata.context"]).toBe(
      `${em.origin}/v1.0/$metadata#users(id,department,onPremisesSyncEnabled)`,
    );
    expect(res.json.value[1]).toEqual({
      id: expect.any(String),
      department: "Retail",
      onPremisesSyncEnabled: true,
    });
    expect(res.json.value[0].onPremisesSyncEnabled).toBeNull();
  });

  it("refuses unknown and SharePoint-backed $select properties", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users?$select=id,jobTitel"),
      400,
      "Request_BadRequest",
      "Could not find a property named 'jobTitel' on type 'microsoft.graph.user'.",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/users?$select=aboutMe"), 501, "NotImplemented");
  });

  it("enforces $top between 1 and 999", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users?$top=1000"),
      400,
      "Request_UnsupportedQuery",
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/users?$top=0"), 400, "Request_UnsupportedQuery");
    expect((await raw(em, "GET", "/v1.0/users")).json.value).toHaveLength(100);
  });

  it("pages at 100 with $expand, whatever $top asks (up to 999), and follows on with nextLinks", async () => {
    const first = await raw(em, "GET", "/v1.0/users?$select=id&$top=999&$expand=manager($select=id)");
    expect(first.status).toBe(200);
    expect(first.json.value).toHaveLength(100);
    const next = new URL(first.json["@odata.nextLink"] as string);
    expect(next.searchParams.get("$top")).toBe("999");
    const second = await raw(em, "GET", `${next.pathname}${next.search}`);
    expect(second.json.value).toHaveLength(100);
    expect(second.json.value[0].id).not.toBe(first.json.value[0].id);
    expect((await raw(em, "GET", "/v1.0/users?$select=id&$top=30&$expand=manager")).json.value).toHaveLength(
      30,
    );
    expectGraphError(
      await raw(em, "GET", "/v1.0/users?$top=1000&$expand=manager"),
      400,
      "Request_UnsupportedQuery",
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
  });

  it("refuses query options it does not support instead of ignoring them", async () => {
    expectGraphError(await raw(em, "GET", "/v1.0/users?$orderby=displayName"), 400, "BadRequest");
    expectGraphError(await raw(em, "GET", "/v1.0/users?$skip=5"), 400, "BadRequest");
    expectGraphError(
      await raw(em, "GET", "/v1.0/users?$search=%22displayName:adele%22"),
      400,
      "Request_UnsupportedQuery",
    );
  });

  it("pages 2,500 users with absolute nextLinks that keep every query option", async () => {
    const seen = new Set<string>();
    const sizes: number[] = [];
    let path: string | undefined = "/v1.0/users?$select=id,userPrincipalName&$top=999";
    while (path) {
      const res = await raw(em, "GET", path);
      expect(res.status).toBe(200);
      sizes.push(res.json.value.length);
      for (const user of res.json.value) seen.add(user.id);
      const next: string | undefined = res.json["@odata.nextLink"];
      if (next) {
        expect(next.startsWith(`${em.origin}/v1.0/users?`)).toBe(true);
        expect(next).toContain("$select=id,userPrincipalName");
        expect(next).toContain("$top=999");
        expect(next).toContain("$skiptoken=");
      }
      path = next?.slice(em.origin.length);
    }
    expect(sizes).toEqual([999, 999, 502]);
    expect(seen.size).toBe(2500);
  });

  it("pages with the Graph SDK's PageIterator", async () => {
    const client = graphClient(em);
    const first = await client.api("/users").select("id,userPrincipalName").top(999).get();
    const upns: string[] = [];
    const iterator = new PageIterator(client, first, (user: { userPrincipalName: string }) => {
      upns.push(user.userPrincipalName);
      return true;
    });
    await iterator.iterate();
    expect(upns).toHaveLength(2500);
    expect(upns[2499]).toBe("user2499@contoso.com");
  });

  it("refuses a tampered $skiptoken", async () => {
    expectGraphError(await raw(em, "GET", "/v1.0/users?$skiptoken=garbage"), 400, "Request_BadRequest");
  });
});

describe("$filter", () => {
  const ids = async (filter: string, headers: Record<string, string> = {}, extra = ""): Promise<string[]> => {
    const res = await raw(
      em,
      "GET",
      `/v1.0/users?$select=userPrincipalName&$top=999&$filter=${encodeURIComponent(filter)}${extra}`,
      { headers },
    );
    expect(res.status, res.text).toBe(200);
    return res.json.value.map((u: { userPrincipalName: string }) => u.userPrincipalName);
  };

  it("supports eq (case-insensitive), in, startswith, and/or on the common properties", async () => {
    expect(await ids("userPrincipalName eq 'USER0042@contoso.com'")).toEqual(["user0042@contoso.com"]);
    expect(
      await ids("userPrincipalName in ('user0001@contoso.com','user0003@contoso.com','nobody@contoso.com')"),
    ).toEqual(["user0001@contoso.com", "user0003@contoso.com"]);
    expect(await ids("startswith(displayName,'User 249')")).toEqual([
      "user0249@contoso.com",
      ...Array.from({ length: 10 }, (_, i) => `user${2490 + i}@contoso.com`),
    ]);
    expect(await ids("onPremisesSyncEnabled eq true")).toEqual(["user0001@contoso.com"]);
    expect((await ids("department eq 'sales'")).length).toBe(625);
    expect(await ids("department eq 'Sales' and (startswith(mail,'user000') or jobTitle eq 'Lead')")).toEqual(
      ["user0000@contoso.com", "user0004@contoso.com", "user0008@contoso.com"],
    );
  });

  it("refuses more than 15 clauses joined by or, or an in of more than 15 values, outside advanced queries", async () => {
    const clauses = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => `startswith(userPrincipalName,'user0${String(i).padStart(2, "0")}')`,
      );
    expect(await ids(clauses(15).join(" or "))).toHaveLength(150);
    // Default mode, so `$expand=manager` may come along: how a client lists a tenant in parts.
    const expanded = await raw(
      em,
      "GET",
      `/v1.0/users?$filter=${encodeURIComponent(clauses(15).join(" or "))}&$expand=manager&$top=100&$select=id`,
    );
    expect(expanded.status, expanded.text).toBe(200);
    expect(expanded.json.value).toHaveLength(100);
    expect(expanded.json["@odata.nextLink"]).toContain("$expand=manager");
    const sixteen = await raw(
      em,
      "GET",
      `/v1.0/users?$filter=${encodeURIComponent(clauses(16).join(" or "))}&$expand=manager&$top=100`,
    );
    expectGraphError(
      sixteen,
      400,
      "Request_UnsupportedQuery",
      "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.",
    );
    const values = Array.from({ length: 16 }, (_, i) => `'user${String(i).padStart(4, "0")}@contoso.com'`);
    expectGraphError(
      await raw(
        em,
        "GET",
        `/v1.0/users?$filter=${encodeURIComponent(`userPrincipalName in (${values.join(",")})`)}`,
      ),
      400,
      "Request_UnsupportedQuery",
      "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.",
    );
    // Each chain counts alone; advanced queries are not held to it.
    expect(await ids(`(${clauses(10).join(" or ")}) and (${clauses(10).join(" or ")})`)).toHaveLength(100);
    expect(
      await ids(
        `userPrincipalName in (${values.join(",")})`,
        { ConsistencyLevel: "eventual" },
        "&$count=true",
      ),
    ).toHaveLength(16);
  });

  it("looks ids up by index", async () => {
    const first = await raw(em, "GET", "/v1.0/users?$top=1&$select=id");
    const id = first.json.value[0].id;
    const res = await raw(
      em,
      "GET",
      `/v1.0/users?$filter=${encodeURIComponent(`id in ('${id}')`)}&$select=id`,
    );
    expect(res.json.value).toEqual([{ id }]);
  });

  it("keeps ne, not and endswith for advanced queries, as Graph does", async () => {
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("department ne 'Sales'")}`),
      400,
      "Request_UnsupportedQuery",
      "Filter operator 'NotEqualsMatch' is not supported.",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("not(department eq 'Sales')")}`),
      400,
      "Request_UnsupportedQuery",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("endswith(mail,'9@contoso.com')")}`),
      400,
      "Request_UnsupportedQuery",
    );
    const advanced = { ConsistencyLevel: "eventual" };
    expect((await ids("department ne 'Sales'", advanced, "&$count=true")).length).toBe(999);
    expect((await ids("endswith(mail,'99@contoso.com')", advanced, "&$count=true")).length).toBe(25);
  });

  it("answers unknown, unfilterable and mistyped properties and bad syntax with Graph's errors", async () => {
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("jobTitel eq 'x'")}`),
      400,
      "Request_BadRequest",
      "Could not find a property named 'jobTitel' on type 'microsoft.graph.user'.",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("employeeOrgData eq 'x'")}`),
      400,
      "Request_UnsupportedQuery",
      "Unsupported or invalid query filter clause specified for property 'employeeOrgData' of resource 'User'.",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("accountEnabled eq 'yes'")}`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("department eq 'x")}`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "GET", `/v1.0/users?$filter=${encodeURIComponent("department gt 'x'")}`),
      400,
      "Request_UnsupportedQuery",
    );
  });
});

describe("$count", () => {
  it("is ignored without ConsistencyLevel, and given on the first page only with it", async () => {
    const plain = await raw(em, "GET", "/v1.0/users?$count=true&$top=5");
    expect(plain.json["@odata.count"]).toBeUndefined();
    const headers = { ConsistencyLevel: "eventual" };
    const first = await raw(
      em,
      "GET",
      `/v1.0/users?$count=true&$top=5&$filter=${encodeURIComponent("department eq 'Retail'")}`,
      { headers },
    );
    expect(first.json["@odata.count"]).toBe(625);
    const second = await raw(em, "GET", first.json["@odata.nextLink"].slice(em.origin.length), { headers });
    expect(second.status).toBe(200);
    expect(second.json["@odata.count"]).toBeUndefined();
  });

  it("serves /users/$count only as an advanced query", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users/$count"),
      400,
      "Request_BadRequest",
      "$count is not currently supported.",
    );
    const res = await raw(em, "GET", "/v1.0/users/$count", { headers: { ConsistencyLevel: "eventual" } });
    expect(res.status).toBe(200);
    expect(res.text).toBe("2500");
  });
});

describe("$expand=manager", () => {
  it("embeds the manager with its default properties, or only the nested $select", async () => {
    const res = await raw(em, "GET", "/v1.0/users?$top=2&$select=id,userPrincipalName&$expand=manager");
    expect(res.json.value[0].manager).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      userPrincipalName: "user0001@contoso.com",
      jobTitle: "Lead",
    });
    expect(res.json.value[1].manager).toBeUndefined();
    const nested = await raw(
      em,
      "GET",
      "/v1.0/users/user0000@contoso.com?$select=id&$expand=manager($select=userPrincipalName)",
    );
    expect(nested.json.manager).toEqual({
      "@odata.type": "#microsoft.graph.user",
      id: expect.any(String),
      userPrincipalName: "user0001@contoso.com",
    });
    expectGraphError(await raw(em, "GET", "/v1.0/users?$expand=directReports"), 400, "Request_BadRequest");
    expectGraphError(
      await raw(em, "GET", "/v1.0/users?$expand=manager,memberOf"),
      400,
      "BadRequest",
      "The result of parsing $expand contained at least 2 items, but the maximum allowed is 1.",
    );
  });
});

describe("GET /users/{id | userPrincipalName}", () => {
  it("finds a user by id or by UPN in any case", async () => {
    const byUpn = await raw(em, "GET", "/v1.0/users/USER0007@Contoso.com");
    expect(byUpn.status).toBe(200);
    expect(byUpn.json["@odata.context"]).toBe(`${em.origin}/v1.0/$metadata#users/$entity`);
    const byId = await raw(em, "GET", `/v1.0/users/${byUpn.json.id}?$select=displayName`);
    expect(byId.json).toEqual({
      "@odata.context": `${em.origin}/v1.0/$metadata#users(displayName)/$entity`,
      displayName: "User 7",
    });
  });

  it("answers an unknown user with Request_ResourceNotFound, through raw HTTP and the SDK", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users/nobody@contoso.com"),
      404,
      "Request_ResourceNotFound",
      "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    );
    await expect(graphClient(em).api("/users/nobody@contoso.com").get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
  });

  it("answers unknown segments, versions and methods like Graph", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/devices"),
      400,
      "BadRequest",
      "Resource not found for the segment 'devices'.",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/users/user0001@contoso.com/drive"), 400, "BadRequest");
    expectGraphError(await raw(em, "DELETE", "/v1.0/users/user0001@contoso.com"), 405, "Request_BadRequest");
    expectGraphError(await raw(em, "GET", "/beta/users"), 400, "BadRequest", "Invalid version: beta");
    expectGraphError(await raw(em, "GET", "/v1.0/me"), 400, "BadRequest");
  });
});

describe("POST /users", () => {
  it("creates a user with the required properties and refuses incomplete or clashing ones", async () => {
    const body = {
      accountEnabled: true,
      displayName: "New Person",
      mailNickname: "newperson",
      userPrincipalName: "newperson@contoso.com",
      passwordProfile: { password: "xWwvJ]6NMw+bWH-d" },
    };
    const created = await raw(em, "POST", "/v1.0/users", { body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      userPrincipalName: "newperson@contoso.com",
      displayName: "New Person",
    });
    expect((await raw(em, "GET", `/v1.0/users/${created.json.id}`)).status).toBe(200);
    expectGraphError(
      await raw(em, "POST", "/v1.0/users", { body }),
      400,
      "Request_BadRequest",
      "Another object with the same value for property userPrincipalName already exists.",
    );
    const { passwordProfile: _omit, ...noPassword } = body;
    expectGraphError(
      await raw(em, "POST", "/v1.0/users", { body: { ...noPassword, userPrincipalName: "x@contoso.com" } }),
      400,
      "Request_BadRequest",
    );
    expectGraphError(
      await raw(em, "POST", "/v1.0/users", { body: { ...body, userPrincipalName: "x@fabrikam.com" } }),
      400,
      "Request_BadRequest",
    );
  });
});
