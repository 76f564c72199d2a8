// The error family at the CLI: an error a user can cause is one `error:` line (and a `hint:`),
// never a stack trace and never "internal error".
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulator } from "@roster/graph-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { captureIo } from "../src/io.js";
import { graphError, json, startServer, type TestServer } from "./graph/server.js";
import { MINIMAL_CONFIG, testdir } from "./helpers/testdir.js";

const CONTOSO = {
  id: "c0d1e2f3-0000-4000-8000-000000000001",
  verifiedDomains: [{ name: "contoso.onmicrosoft.com" }],
};
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

  it("writes control characters in a message as escapes, so an input cannot drive the terminal", async () => {
    const result = await roster(["plan", "--graph-url", "ftp://graph.example/\u001b[2J\u202e"]);
    expectOneLineError(
      result,
      /^error: --graph-url ftp:\/\/graph\.example\/\\u\{001b\}\[2J\\u\{202e\} must be/,
    );
    expect(result.err).not.toContain("\u001b");
  });

  it("lets roster.yaml name only Microsoft's Graph, and another URL only with a static token", async () => {
    const steered = await testdir({
      "roster.yaml": `${MINIMAL_CONFIG}graphUrl: https://graph.attacker.example\n`,
      "profiles/adele.yaml": "userPrincipalName: AdeleV@contoso.com\n",
    });
    const io = captureIo({ cwd: steered, env: { ROSTER_ACCESS_TOKEN: "t" } });
    expect(await main(["node", "roster", "plan"], io)).toBe(1);
    expect(io.err()).toMatch(
      /^error: graphUrl in roster\.yaml https:\/\/graph\.attacker\.example is not a Microsoft Graph service root$/m,
    );
    expect(io.err()).toMatch(
      /^hint: roster\.yaml may name only graph\.microsoft\.com, graph\.microsoft\.us, /m,
    );
    // A real credential never follows an explicit non-Microsoft URL either.
    const real = await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca], {
      ROSTER_ACCESS_TOKEN: "",
      AZURE_TENANT_ID: "c0d1e2f3-0000-4000-8000-000000000001",
      AZURE_CLIENT_ID: "00000000-0000-4000-8000-000000000001",
      AZURE_CLIENT_SECRET: "s",
    });
    expectOneLineError(
      real,
      /^error: --graph-url https:\/\/127\.0\.0\.1:\d+ is not a Microsoft Graph service root$/,
    );
    expect(real.err).toMatch(
      /^hint: a Graph URL other than Microsoft's \(the emulator\) is used only with a static token/m,
    );
  });

  it("refuses an @odata.nextLink without the version in one line, not as an internal error", async () => {
    server.handle = (req, res) => {
      if (req.url.startsWith("/v1.0/organization")) json(res, 200, { value: [CONTOSO] });
      else if (req.url.startsWith("/v1.0/users"))
        json(res, 200, { value: [], "@odata.nextLink": "https://elsewhere.example/users?$skiptoken=x" });
      else json(res, 200, { value: [] });
    };
    expectOneLineError(
      await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca]),
      /^error: link \/users does not contain \/v1\.0\/$/,
    );
  });

  it("says nothing is listening, once, without retrying, for a refused port", async () => {
    const closed = await startEmulator({});
    const origin = closed.origin;
    await closed.close();
    const result = await roster(["plan", "--graph-url", origin, "--ca-cert", ca]);
    expectOneLineError(
      result,
      new RegExp(
        `^error: GET /organization\\?\\$select=id,verifiedDomains: cannot connect to ${origin} \\(ECONNREFUSED\\)$`,
      ),
    );
    expect(result.err).toContain(`hint: nothing is listening at ${origin}: is the emulator running?`);
    expect(result.err).not.toContain("gave up after");
  });

  it("tells plain HTTP spoken to an HTTPS port, and the reverse, at once", async () => {
    const tls = await startEmulator({});
    const plain = await startEmulator({ http: true });
    try {
      const toTls = await roster(["plan", "--graph-url", tls.origin.replace("https:", "http:")]);
      expectOneLineError(toTls, /cannot connect to http:\/\/127\.0\.0\.1:\d+ \(EHTTPTOHTTPS\)$/);
      expect(toTls.err).toMatch(/^hint: http:\/\/127\.0\.0\.1:\d+ speaks HTTPS: use https:\/\//m);
      // Refused at once: the emulator never saw an HTTP request.
      expect(tls.context.log.all()).toEqual([]);

      const toPlain = await roster([
        "plan",
        "--graph-url",
        plain.origin.replace("http:", "https:"),
        "--ca-cert",
        ca,
      ]);
      expectOneLineError(toPlain, /cannot connect to https:\/\/127\.0\.0\.1:\d+ \(EPROTO\)$/);
      expect(toPlain.err).toMatch(/^hint: https:\/\/127\.0\.0\.1:\d+ does not speak HTTPS/m);
    } finally {
      await tls.close();
      await plain.close();
    }
  });

  it("says a refused token came from where, and a 403 names the permission to grant", async () => {
    server.handle = (_req, res) =>
      json(
        res,
        401,
        graphError("InvalidAuthenticationToken", "Access token has expired or is not yet valid."),
      );
    const expired = await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca]);
    expectOneLineError(
      expired,
      /^error: GET \/organization\S*: 401 InvalidAuthenticationToken: Access token has expired/,
    );
    expect(expired.err).toContain(
      "hint: the access token was refused (expired, revoked, or not for this tenant and API); it came from static bearer token from ROSTER_ACCESS_TOKEN",
    );

    server.handle = (req, res) => {
      if (req.url.startsWith("/v1.0/organization")) json(res, 200, { value: [CONTOSO] });
      else
        json(
          res,
          403,
          graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
        );
    };
    const denied = await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca]);
    expectOneLineError(
      denied,
      /^error: GET \/users\S*: 403 Authorization_RequestDenied: Insufficient privileges/,
    );
    expect(denied.err).toMatch(
      /^hint: grant the app the Microsoft Graph application permission User\.Read\.All \(or User\.ReadWrite\.All, Directory\.Read\.All\) and admin consent/m,
    );
  });

  it("refuses another tenant behind the same URL, naming both", async () => {
    server.reset();
    server.handle = (_req, res) =>
      json(res, 200, {
        value: [
          {
            id: "0a0b0c0d-0000-4000-8000-00000000f00d",
            verifiedDomains: [{ name: "fabrikam.onmicrosoft.com", isDefault: true }],
          },
        ],
      });
    const result = await roster(["plan", "--graph-url", server.origin, "--ca-cert", ca]);
    expectOneLineError(
      result,
      /^error: signed in to tenant fabrikam\.onmicrosoft\.com \(0a0b0c0d-0000-4000-8000-00000000f00d\), but roster\.yaml names contoso\.onmicrosoft\.com$/,
    );
    expect(result.err).toMatch(/^hint: sign in to the tenant roster\.yaml names/m);
    expect(server.log.filter((r) => !r.url.startsWith("/v1.0/organization"))).toEqual([]);
  });
});

describe("outputs are checked before anything is read", () => {
  it("refuses an --out, --html or --report path that cannot be written, without a request", async () => {
    server.reset();
    const args = ["--graph-url", server.origin, "--ca-cert", ca];
    expectOneLineError(
      await roster(["plan", ...args, "--out", "/no/such/dir/plan.json"]),
      /^error: --out \/no\/such\/dir\/plan\.json: the folder \/no\/such\/dir does not exist$/,
    );
    expectOneLineError(
      await roster(["plan", ...args, "--html", repo]),
      /^error: --html .*: that is a folder, not a file$/,
    );
    expectOneLineError(
      await roster(["apply", ...args, "--auto-approve", "--report", "/no/such/dir/r.json"]),
      /^error: --report \/no\/such\/dir\/r\.json: the folder \/no\/such\/dir does not exist$/,
    );
    expect(server.log).toEqual([]);
  });
});

describe("version and colour", () => {
  it("prints the version with --version and `roster version`", async () => {
    const { version } = JSON.parse(
      await import("node:fs/promises").then((fs) =>
        fs.readFile(join(import.meta.dirname, "..", "package.json"), "utf8"),
      ),
    ) as { version: string };
    for (const args of [["--version"], ["version"]]) {
      const result = await roster(args);
      expect(result.code).toBe(0);
      expect(result.out).toBe(`${version}\n`);
    }
  });
});
