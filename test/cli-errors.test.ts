// The error family at the CLI: an error a user can cause is one `error:` line (and a `hint:`),
// never a stack trace and never "internal error".
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { captureIo } from "../src/io.js";
import { json, startServer, type TestServer } from "./graph/server.js";
import { MINIMAL_CONFIG, testdir } from "./helpers/testdir.js";

let server: TestServer;
let repo: string;
let ca: string;

beforeAll(async () => {
  server = await startServer();
  repo = await testdir({
    "roster.yaml": MINIMAL_CONFIG,
    "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\njobTitle: Manager\n",
  });
  ca = join(repo, "ca.pem");
  await writeFile(ca, server.caPem);
});
afterAll(() => server.close());

async function roster(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIo({ cwd: repo, env: { ROSTER_ACCESS_TOKEN: "t", ...env } });
  const code = await main(["node", "roster", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

function expectOneLineError(result: { code: number; err: string }, pattern: RegExp) {
  expect(result.code).toBe(1);
  expect(result.err).not.toMatch(/internal error|\n\s+at /);
  const lines = result.err.split("\n").filter((line) => line.startsWith("error: "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe("errors a user can cause", () => {
  it("names the flag a bad Graph URL came from", async () => {
    expectOneLineError(
      await roster(["plan", "--graph-url", "ftp://graph.example"]),
      /^error: --graph-url ftp:\/\/graph\.example must be https:\/\/$/,
    );
    expectOneLineError(
      await roster(["plan"], { ROSTER_GRAPH_URL: "https://graph.microsoft.com/v1.0" }),
      /^error: ROSTER_GRAPH_URL .* must be the service root without the version/,
    );
  });

  it("refuses an @odata.nextLink without the version in one line, not as an internal error", async () => {
    server.handle = (req, res) => {
      if (req.url.startsWith("/v1.0/users"))
        json(res, 200, { value: [], "@odata.nextLink": "https://elsewhere.example/users?$skiptoken=x" });
      else json(res, 200, { value: [] });
    };
    expectOneLineError(
      await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca]),
      /^error: link \/users does not contain \/v1\.0\/$/,
    );
  });

  it("says why signing in failed, with a hint, when no credential is configured", async () => {
    const result = await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca], {
      // No token and no AZURE_* variables: roster falls back to the Azure CLI, which is not
      // installed where these tests run.
      ROSTER_ACCESS_TOKEN: "",
    });
    expectOneLineError(result, /^error: signing in with Azure CLI login \(AzureCliCredential\) failed: /);
    expect(result.err).toMatch(/^hint: no Azure credential found/m);
  });
});
