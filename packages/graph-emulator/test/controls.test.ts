import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userIdFromUpn } from "../src/ids.js";
import type { RunningEmulator } from "../src/index.js";
import { caTrustingFetch } from "../src/index.js";
import { expectGraphError, raw, start, TOKEN } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({
    tenant: { id: "0d7b3e36-1d5c-4f3a-9f0e-3b6f1c2f4a11", domains: ["contoso.com"] },
    users: [
      {
        userPrincipalName: "adele@contoso.com",
        displayName: "Adele",
        manager: "alex@contoso.com",
        roles: ["User Administrator"],
      },
      {
        userPrincipalName: "alex@contoso.com",
        id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        displayName: "Alex",
      },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

describe("bearer token", () => {
  it("answers 401 InvalidAuthenticationToken without a token, with an empty one, or a non-bearer one", async () => {
    const none = await raw(em, "GET", "/v1.0/users", { token: null });
    expectGraphError(none, 401, "InvalidAuthenticationToken", "Access token is empty.");
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expectGraphError(
      await raw(em, "GET", "/v1.0/users", { token: "" }),
      401,
      "InvalidAuthenticationToken",
      "Access token is empty.",
    );
    expectGraphError(
      await raw(em, "GET", "/v1.0/users", { token: null, headers: { Authorization: "Basic dXNlcjpwYXNz" } }),
      401,
      "InvalidAuthenticationToken",
      "CompactToken parsing failed with error code: 80049217",
    );
    expectGraphError(
      await raw(em, "POST", "/v1.0/$batch", { token: null, body: { requests: [] } }),
      401,
      "InvalidAuthenticationToken",
    );
  });

  it("echoes client-request-id in the header and the error body", async () => {
    const res = await raw(em, "GET", "/v1.0/users/nobody@contoso.com", {
      headers: { "client-request-id": "abc-123" },
    });
    expect(res.headers.get("client-request-id")).toBe("abc-123");
    expect(res.json.error.innerError["client-request-id"]).toBe("abc-123");
    expect(res.json.error.innerError["request-id"]).toBe(res.headers.get("request-id"));
    expect(res.json.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });
});

describe("/_emulator controls", () => {
  it("dumps the state in the state-file format, with deterministic ids", async () => {
    const res = await raw(em, "GET", "/_emulator/state", { token: null });
    expect(res.status).toBe(200);
    expect(res.json.tenant).toEqual({ id: "0d7b3e36-1d5c-4f3a-9f0e-3b6f1c2f4a11", domains: ["contoso.com"] });
    expect(res.json.users[0]).toEqual({
      id: userIdFromUpn("adele@contoso.com"),
      userPrincipalName: "adele@contoso.com",
      displayName: "Adele",
      accountEnabled: true,
      userType: "Member",
      manager: "alex@contoso.com",
      roles: ["User Administrator"],
    });
    expect(res.json.users[1].id).toBe("87d349ed-44d7-43e1-9a83-5f2406dee5bd");
  });

  it("logs Graph requests with method, path, query, status and inBatch, and clears the log", async () => {
    expect((await raw(em, "DELETE", "/_emulator/requests")).status).toBe(204);
    await raw(em, "GET", "/v1.0/users?$top=1&$select=id");
    await raw(em, "GET", "/v1.0/users/nobody@contoso.com");
    await raw(em, "GET", "/v1.0/users", { token: null });
    const log = await raw(em, "GET", "/_emulator/requests");
    expect(log.json).toEqual({
      requests: [
        { method: "GET", path: "/users", query: "$top=1&$select=id", status: 200, inBatch: false },
        { method: "GET", path: "/users/nobody@contoso.com", query: "", status: 404, inBatch: false },
        { method: "GET", path: "/users", query: "", status: 401, inBatch: false },
      ],
    });
  });

  it("replaces the state, and refuses an invalid one with a clear message", async () => {
    const bad = await raw(em, "PUT", "/_emulator/state", {
      body: { users: [{ userPrincipalName: "x@contoso.com", jobTitel: "x" }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: { code: "InvalidState", message: "users[0] (x@contoso.com): unknown user property 'jobTitel'" },
    });
    expect((await raw(em, "GET", "/v1.0/users/adele@contoso.com")).status).toBe(200);

    const put = await raw(em, "PUT", "/_emulator/state", {
      body: { users: [{ userPrincipalName: "megan@fabrikam.com", displayName: "Megan" }] },
    });
    expect(put.json).toEqual({ users: 1 });
    expect((await raw(em, "GET", "/v1.0/users/adele@contoso.com")).status).toBe(404);
    expect((await raw(em, "GET", "/v1.0/users/megan@fabrikam.com")).json.displayName).toBe("Megan");
    expect((await raw(em, "GET", "/_emulator/state")).json.tenant.domains).toEqual([
      "fabrikam.com",
      "fabrikam.onmicrosoft.com",
    ]);
  });

  it("answers unknown control routes with 404", async () => {
    expect((await raw(em, "GET", "/_emulator/nothing")).status).toBe(404);
    expect((await raw(em, "POST", "/_emulator/state")).status).toBe(404);
    expect(
      (
        await raw(em, "PUT", "/_emulator/state", {
          body: "{",
          headers: { "Content-Type": "application/json" },
        })
      ).status,
    ).toBe(400);
  });
});

describe("connections", () => {
  it("keeps a connection open between requests, like Graph, and counts the TLS connections it accepts", async () => {
    expect((await raw(em, "DELETE", "/_emulator/connections")).status).toBe(204);
    // One keep-alive agent: every request after the first reuses its connection.
    const fetchKeptAlive = caTrustingFetch(em.caPem);
    for (let i = 0; i < 5; i++) {
      const res = await fetchKeptAlive(`${em.origin}/v1.0/organization`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      // Node's http.Agent never reuses a socket whose server announces a timeout of 1 s or less.
      expect(res.headers.get("keep-alive")).toBe("timeout=60");
      await res.text();
    }
    const counted = await fetchKeptAlive(`${em.origin}/_emulator/connections`);
    expect(await counted.json()).toEqual({ opened: 1 });
  });
});
