// The manager chain: GET /users/{id}?$expand=manager($levels=n;$select=…) with ConsistencyLevel:
// eventual (learn.microsoft.com/graph/api/user-list-manager, "Get the management chain").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, raw, start } from "./helpers.js";

let em: RunningEmulator;
const EVENTUAL = { ConsistencyLevel: "eventual" };

beforeAll(async () => {
  em = await start({
    users: [
      { userPrincipalName: "joni@contoso.com", displayName: "Joni", manager: "alex@contoso.com" },
      { userPrincipalName: "alex@contoso.com", displayName: "Alex", manager: "irvin@contoso.com" },
      { userPrincipalName: "irvin@contoso.com", displayName: "Irvin", manager: "megan@contoso.com" },
      { userPrincipalName: "megan@contoso.com", displayName: "Megan" },
      // A cycle in the tenant's data (Graph does not promise to refuse one): the chain must end.
      { userPrincipalName: "ping@contoso.com", displayName: "Ping", manager: "pong@contoso.com" },
      { userPrincipalName: "pong@contoso.com", displayName: "Pong", manager: "ping@contoso.com" },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

const chain = (upn: string, expand: string, headers: Record<string, string> = EVENTUAL) =>
  raw(em, "GET", `/v1.0/users/${upn}?$select=id,displayName&$expand=${expand}`, { headers });

/** The display names down the nested `manager` properties. */
function names(user: { manager?: unknown }): string[] {
  const out: string[] = [];
  let node = user.manager as { displayName: string; manager?: unknown } | undefined;
  while (node) {
    out.push(node.displayName);
    node = node.manager as typeof node | undefined;
  }
  return out;
}

describe("$expand=manager($levels=n)", () => {
  it("nests each manager's manager up to n levels, with the nested $select on every level", async () => {
    const res = await chain("joni@contoso.com", "manager($levels=2;$select=id,displayName)");
    expect(res.status).toBe(200);
    expect(res.json.displayName).toBe("Joni");
    expect(names(res.json)).toEqual(["Alex", "Irvin"]);
    expect(Object.keys(res.json.manager).sort()).toEqual(["@odata.type", "displayName", "id", "manager"]);
    expect(res.json.manager["@odata.type"]).toBe("#microsoft.graph.user");
    // The last level read carries no `manager`, whether or not there is one above it.
    expect(res.json.manager.manager.manager).toBeUndefined();
  });

  it("reads the whole chain with max, options in either order, and stops at the top", async () => {
    const res = await chain("joni@contoso.com", "manager($select=displayName;$levels=max)");
    expect(names(res.json)).toEqual(["Alex", "Irvin", "Megan"]);
    const three = await chain("joni@contoso.com", "manager($levels=10;$select=displayName)");
    expect(names(three.json)).toEqual(["Alex", "Irvin", "Megan"]);
    const top = await chain("megan@contoso.com", "manager($levels=max;$select=displayName)");
    expect(top.json.manager).toBeUndefined();
  });

  it("ends a chain that loops instead of repeating it", async () => {
    const res = await chain("ping@contoso.com", "manager($levels=max;$select=displayName)");
    expect(names(res.json)).toEqual(["Pong"]);
  });

  it("requires ConsistencyLevel: eventual", async () => {
    expectGraphError(
      await chain("joni@contoso.com", "manager($levels=2)", {}),
      400,
      "Request_UnsupportedQuery",
    );
  });

  it("is refused on the users list, and outside 1–1000 or max", async () => {
    const list = await raw(em, "GET", "/v1.0/users?$expand=manager($levels=2)", { headers: EVENTUAL });
    expectGraphError(list, 400, "Request_UnsupportedQuery");
    for (const levels of ["0", "1001", "-1", "two", ""])
      expectGraphError(await chain("joni@contoso.com", `manager($levels=${levels})`), 400, "BadRequest");
    expectGraphError(await chain("joni@contoso.com", "manager($levels=2;$levels=3)"), 400, "BadRequest");
    expectGraphError(await chain("joni@contoso.com", "manager($filter=x)"), 400, "BadRequest");
  });

  it("answers the chain inside a $batch, where the header is set per request", async () => {
    const url = "/users/joni@contoso.com?$select=displayName&$expand=manager($levels=2;$select=displayName)";
    const res = await raw(em, "POST", "/v1.0/$batch", {
      body: {
        requests: [
          { id: "1", method: "GET", url, headers: EVENTUAL },
          { id: "2", method: "GET", url },
        ],
      },
    });
    const byId = Object.fromEntries(
      (res.json.responses as { id: string; status: number; body: { manager?: unknown } }[]).map((r) => [
        r.id,
        r,
      ]),
    );
    expect(byId["1"]?.status).toBe(200);
    expect(names(byId["1"]!.body)).toEqual(["Alex", "Irvin"]);
    expect(byId["2"]?.status).toBe(400);
  });
});
