import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, makeUsers, type RawResponse, raw, start } from "./helpers.js";

type Json = RawResponse["json"];

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({ users: makeUsers(450) });
});
afterAll(async () => {
  await em.close();
});

async function round(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ items: Json[]; deltaLink: string; pages: number }> {
  const items: Json[] = [];
  let pages = 0;
  let next: string = path;
  for (;;) {
    const res = await raw(em, "GET", next, { headers });
    expect(res.status, res.text).toBe(200);
    pages++;
    items.push(...res.json.value);
    if (res.json["@odata.deltaLink"]) return { items, deltaLink: res.json["@odata.deltaLink"], pages };
    next = res.json["@odata.nextLink"].slice(em.origin.length);
  }
}

describe("GET /users/delta", () => {
  it("pages through every user, then reports only users changed since the deltaLink", async () => {
    const first = await round("/v1.0/users/delta?$select=displayName,jobTitle,manager");
    expect(first.items).toHaveLength(450);
    expect(first.pages).toBe(3);
    expect(first.items[0]).toEqual({ id: expect.any(String), displayName: "User 0" });
    expect(first.deltaLink.startsWith(`${em.origin}/v1.0/users/delta?$deltatoken=`)).toBe(true);

    await raw(em, "PATCH", "/v1.0/users/user0007@contoso.com", { body: { jobTitle: "Lead" } });
    await raw(em, "PUT", "/v1.0/users/user0009@contoso.com/manager/$ref", {
      body: { "@odata.id": `https://graph.microsoft.com/v1.0/users/${first.items[7].id}` },
    });
    const second = await round(first.deltaLink.slice(em.origin.length));
    expect(second.items).toEqual([
      { id: first.items[7].id, displayName: "User 7", jobTitle: "Lead" },
      {
        id: first.items[9].id,
        displayName: "User 9",
        "manager@delta": [{ "@odata.type": "#microsoft.graph.user", id: first.items[7].id }],
      },
    ]);
    const third = await round(second.deltaLink.slice(em.origin.length));
    expect(third.items).toEqual([]);
  });

  it("returns only changed properties with Prefer: return=minimal", async () => {
    const { deltaLink } = await round("/v1.0/users/delta?$deltatoken=latest");
    await raw(em, "PATCH", "/v1.0/users/user0011@contoso.com", {
      body: { surname: null, givenName: "Eleven" },
    });
    const changes = await round(deltaLink.slice(em.origin.length), { Prefer: "return=minimal" });
    expect(changes.items).toEqual([{ id: expect.any(String), surname: null, givenName: "Eleven" }]);
  });

  it("filters by id and refuses unsupported options and bad tokens", async () => {
    const all = await round("/v1.0/users/delta?$select=id");
    const id = all.items[3].id;
    const one = await round(`/v1.0/users/delta?$filter=${encodeURIComponent(`id eq '${id}'`)}`);
    expect(one.items.map((u) => u.id)).toEqual([id]);
    expectGraphError(await raw(em, "GET", "/v1.0/users/delta?$top=5"), 400, "Request_UnsupportedQuery");
    expectGraphError(
      await raw(em, "GET", `/v1.0/users/delta?$filter=${encodeURIComponent("department eq 'x'")}`),
      400,
      "Request_UnsupportedQuery",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/users/delta?$deltatoken=bogus"), 400, "Request_BadRequest");
  });
});
