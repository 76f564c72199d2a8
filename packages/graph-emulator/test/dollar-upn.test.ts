// A UPN beginning with `$`: Graph serves it as /users('$x@y.com') and refuses /users/$x@y.com with
// 400 (learn.microsoft.com/graph/api/user-get, HTTP request), in $batch as on the wire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, raw, start } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({
    tenant: { domains: ["contoso.com"] },
    users: [
      { userPrincipalName: "$svc@contoso.com", displayName: "Service", jobTitle: "Robot" },
      { userPrincipalName: "o'brien@contoso.com", displayName: "O'Brien" },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

describe("a user whose UPN begins with $", () => {
  it("is served as /users('$x@…'), the key percent-encoded or not", async () => {
    const plain = await raw(em, "GET", "/v1.0/users('$svc@contoso.com')?$select=displayName,jobTitle");
    expect(plain.status).toBe(200);
    expect(plain.json).toMatchObject({ displayName: "Service", jobTitle: "Robot" });
    const encoded = await raw(em, "GET", "/v1.0/users('$svc%40contoso.com')/manager");
    expectGraphError(encoded, 404, "Request_ResourceNotFound");
  });

  it("is refused as /users/$x@… with 400, as Graph reads $ there as a system query option", async () => {
    const slash = await raw(em, "GET", "/v1.0/users/$svc@contoso.com");
    expect(slash.status).toBe(400);
    const encoded = await raw(em, "GET", "/v1.0/users/%24svc%40contoso.com/photo");
    expect(encoded.status).toBe(400);
  });

  it("takes a quote doubled inside the parentheses", async () => {
    const res = await raw(em, "GET", "/v1.0/users('o''brien@contoso.com')?$select=displayName");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ displayName: "O'Brien" });
  });

  it("is served the same way inside $batch", async () => {
    const res = await raw(em, "POST", "/v1.0/$batch", {
      body: {
        requests: [
          { id: "1", method: "GET", url: "/users('$svc@contoso.com')?$select=jobTitle" },
          { id: "2", method: "GET", url: "/users/$svc@contoso.com?$select=jobTitle" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const byId = new Map(
      (res.json.responses as { id: string; status: number; body: unknown }[]).map((r) => [r.id, r]),
    );
    expect(byId.get("1")).toMatchObject({ status: 200, body: { jobTitle: "Robot" } });
    expect(byId.get("2")?.status).toBe(400);
  });
});
