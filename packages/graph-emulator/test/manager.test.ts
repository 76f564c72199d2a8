import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIRSYNC_MESSAGE } from "../src/errors.js";
import type { RunningEmulator } from "../src/index.js";
import { expectGraphError, graphClient, raw, start } from "./helpers.js";

let em: RunningEmulator;
let alexId: string;

beforeAll(async () => {
  em = await start({
    users: [
      { userPrincipalName: "adele@contoso.com", displayName: "Adele", manager: "alex@contoso.com" },
      { userPrincipalName: "alex@contoso.com", displayName: "Alex", jobTitle: "Director" },
      { userPrincipalName: "megan@contoso.com", displayName: "Megan" },
      { userPrincipalName: "synced@contoso.com", displayName: "Synced", onPremisesSyncEnabled: true },
    ],
  });
  alexId = (await raw(em, "GET", "/v1.0/users/alex@contoso.com")).json.id;
});
afterAll(async () => {
  await em.close();
});

const put = (upn: string, ref: string) =>
  raw(em, "PUT", `/v1.0/users/${upn}/manager/$ref`, { body: { "@odata.id": ref } });

describe("manager", () => {
  it("reads the manager set in the state file as a typed directoryObject", async () => {
    const res = await raw(em, "GET", "/v1.0/users/adele@contoso.com/manager");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      "@odata.context": `${em.origin}/v1.0/$metadata#directoryObjects/$entity`,
      "@odata.type": "#microsoft.graph.user",
      id: alexId,
      userPrincipalName: "alex@contoso.com",
      jobTitle: "Director",
    });
    const ref = await raw(em, "GET", "/v1.0/users/adele@contoso.com/manager/$ref");
    expect(ref.json["@odata.id"]).toBe(`${em.origin}/v1.0/directoryObjects/${alexId}`);
  });

  it("answers 404 when there is no manager", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users/megan@contoso.com/manager"),
      404,
      "Request_ResourceNotFound",
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    );
  });

  it("sets a manager from a Graph URL or an emulator URL, by /users or /directoryObjects", async () => {
    expect((await put("megan@contoso.com", `https://graph.microsoft.com/v1.0/users/${alexId}`)).status).toBe(
      204,
    );
    expect(
      (await raw(em, "GET", "/v1.0/users/megan@contoso.com/manager?$select=userPrincipalName")).json,
    ).toMatchObject({
      userPrincipalName: "alex@contoso.com",
    });
    const adeleId = (await raw(em, "GET", "/v1.0/users/adele@contoso.com")).json.id;
    expect((await put("megan@contoso.com", `${em.origin}/v1.0/directoryObjects/${adeleId}`)).status).toBe(
      204,
    );
    expect((await raw(em, "GET", "/v1.0/users/megan@contoso.com/manager")).json.id).toBe(adeleId);
  });

  it("works through the SDK", async () => {
    const client = graphClient(em);
    await client
      .api("/users/megan@contoso.com/manager/$ref")
      .put({ "@odata.id": `https://graph.microsoft.com/v1.0/users/${alexId}` });
    expect((await client.api("/users/megan@contoso.com/manager").get()).id).toBe(alexId);
  });

  it("refuses unknown managers, foreign URLs, self-management and a missing @odata.id", async () => {
    expectGraphError(
      await put(
        "megan@contoso.com",
        "https://graph.microsoft.com/v1.0/users/00000000-0000-0000-0000-000000000000",
      ),
      404,
      "Request_ResourceNotFound",
    );
    expectGraphError(
      await put("megan@contoso.com", `https://evil.example/v1.0/users/${alexId}`),
      400,
      "BadRequest",
    );
    expectGraphError(
      await put("alex@contoso.com", `https://graph.microsoft.com/v1.0/users/${alexId}`),
      400,
      "Request_BadRequest",
    );
    expectGraphError(
      await raw(em, "PUT", "/v1.0/users/megan@contoso.com/manager/$ref", { body: {} }),
      400,
      "BadRequest",
    );
    expectGraphError(
      await raw(em, "PUT", "/v1.0/users/megan@contoso.com/manager", { body: { "@odata.id": "x" } }),
      405,
      "Request_BadRequest",
    );
  });

  it("refuses manager changes of synced users with the DirSync error", async () => {
    expectGraphError(
      await put("synced@contoso.com", `https://graph.microsoft.com/v1.0/users/${alexId}`),
      400,
      "Request_BadRequest",
      DIRSYNC_MESSAGE,
    );
  });

  it("removes a manager with DELETE $ref, and answers 404 when there is none", async () => {
    expect((await raw(em, "DELETE", "/v1.0/users/megan@contoso.com/manager/$ref")).status).toBe(204);
    expect((await raw(em, "GET", "/v1.0/users/megan@contoso.com/manager")).status).toBe(404);
    expectGraphError(
      await raw(em, "DELETE", "/v1.0/users/megan@contoso.com/manager/$ref"),
      404,
      "Request_ResourceNotFound",
    );
  });
});
