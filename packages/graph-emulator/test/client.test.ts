// The real Graph SDK against the emulator, for the calls roster makes that other files do not
// already drive through the SDK: binary photo upload/download (Buffer bodies through
// EmulatorFetchHandler) and the GraphError fields roster's typed errors are built from.
import { GraphError, ResponseType } from "@microsoft/microsoft-graph-client";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { graphClient, raw, start } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({ users: [{ userPrincipalName: "adele@contoso.com", displayName: "Adele" }] });
});
afterAll(async () => {
  await em.close();
});

describe("Graph SDK against the emulator", () => {
  it("uploads a photo with a Buffer body and reads it back re-encoded", async () => {
    const client = graphClient(em);
    const jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: "#20a040" } })
      .jpeg()
      .toBuffer();
    await client.api("/users/adele@contoso.com/photo/$value").header("Content-Type", "image/jpeg").put(jpeg);
    const bytes: ArrayBuffer = await client
      .api("/users/adele@contoso.com/photo/$value")
      .responseType(ResponseType.ARRAYBUFFER)
      .get();
    const stored = Buffer.from(bytes);
    expect(stored.subarray(0, 2).toString("hex")).toBe("ffd8");
    expect(stored.equals(jpeg)).toBe(false);
    expect((await sharp(stored).metadata()).width).toBe(96);
  });

  it("sends the bearer token only because 127.0.0.1 is a custom host", async () => {
    await raw(em, "DELETE", "/_emulator/requests");
    await graphClient(em).api("/users").top(1).get();
    const log = (await raw(em, "GET", "/_emulator/requests")).json.requests;
    expect(log).toEqual([{ method: "GET", path: "/users", query: "$top=1", status: 200, inBatch: false }]);
  });

  it("turns Graph errors into GraphError with status, code and request id", async () => {
    const error = await graphClient(em)
      .api("/users")
      .query({ $top: "5000" })
      .get()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: "Request_UnsupportedQuery",
      message: "Invalid page size specified: '5000'. Must be between 1 and 999 inclusive.",
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});
