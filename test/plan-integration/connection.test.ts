// The README's connection promises: the Graph URL comes from `--graph-url`, else ROSTER_GRAPH_URL,
// else roster.yaml's `graphUrl`; the extra CA from `--ca-cert`, else ROSTER_CA_CERT. The precedence
// is checked on resolveConnection (roster.yaml may name only Microsoft's hosts, which no test may
// call), and end to end with two emulators: the one the flag names is used, the other never hears
// a request.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { resolveConnection } from "../../src/graph/connection.js";
import { captureIo } from "../../src/io.js";
import { demoToken } from "../helpers/demo-apps.js";
import { testdir } from "../helpers/testdir.js";
import { demoState, type Emulator, emulator, exampleRepo, requestLog } from "./helpers.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const TOKEN = { ROSTER_ACCESS_TOKEN: "static" };

describe("resolveConnection", () => {
  it("takes --graph-url over ROSTER_GRAPH_URL over roster.yaml's graphUrl", async () => {
    const yaml = "https://graph.microsoft.us";
    expect(
      (
        await resolveConnection(
          { graphUrl: "https://127.0.0.1:1111" },
          { ...TOKEN, ROSTER_GRAPH_URL: "https://127.0.0.1:2222" },
          yaml,
        )
      ).graphUrl,
    ).toBe("https://127.0.0.1:1111");
    expect(
      (await resolveConnection({}, { ...TOKEN, ROSTER_GRAPH_URL: "https://127.0.0.1:2222" }, yaml)).graphUrl,
    ).toBe("https://127.0.0.1:2222");
    expect((await resolveConnection({}, TOKEN, yaml)).graphUrl).toBe("https://graph.microsoft.us");
  });

  it("reads the CA from --ca-cert, else from ROSTER_CA_CERT, else trusts only the system's CAs", async () => {
    const dir = await testdir({
      "flag.pem": PEM.replace("MIIB", "FLAG"),
      "env.pem": PEM.replace("MIIB", "ENV"),
    });
    const graphUrl = "https://graph.microsoft.com";
    const env = { ROSTER_CA_CERT: join(dir, "env.pem") };
    expect((await resolveConnection({ caCert: join(dir, "flag.pem") }, env, graphUrl)).caPem).toContain(
      "FLAG",
    );
    expect((await resolveConnection({}, env, graphUrl)).caPem).toContain("ENV");
    expect((await resolveConnection({}, {}, graphUrl)).caPem).toBeUndefined();
    await expect(
      resolveConnection({}, { ROSTER_CA_CERT: join(dir, "missing.pem") }, graphUrl),
    ).rejects.toThrow(/^cannot read the CA certificate .*missing\.pem: ENOENT$/);
  });
});

describe("roster plan against two emulators", () => {
  let named: Emulator;
  let other: Emulator;
  beforeAll(async () => {
    named = await emulator(await demoState());
    other = await emulator(await demoState());
  });
  afterAll(async () => {
    await named?.close();
    await other?.close();
  });

  it("uses the --graph-url emulator, not ROSTER_GRAPH_URL's, trusting the CA from ROSTER_CA_CERT", async () => {
    const dir = await exampleRepo();
    const io = captureIo({
      env: {
        ROSTER_ACCESS_TOKEN: demoToken("roster-drift"),
        ROSTER_GRAPH_URL: other.origin,
        ROSTER_CA_CERT: named.caPath,
      },
      cwd: dir,
    });
    const code = await main(["node", "roster", "plan", "--dir", dir, "--graph-url", named.origin], io);
    expect(io.err()).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    expect((await requestLog(named)).length).toBeGreaterThan(0);
    expect(await requestLog(other)).toEqual([]);
  });

  it("follows ROSTER_GRAPH_URL when no flag is given", async () => {
    const dir = await exampleRepo();
    const caFile = join(await testdir({}), "other.pem");
    await writeFile(caFile, other.caPem);
    const before = (await requestLog(named)).length;
    const io = captureIo({
      env: {
        ROSTER_ACCESS_TOKEN: demoToken("roster-drift"),
        ROSTER_GRAPH_URL: other.origin,
        ROSTER_CA_CERT: caFile,
      },
      cwd: dir,
    });
    const code = await main(["node", "roster", "plan", "--dir", dir], io);
    expect(io.err()).not.toMatch(/^error:/m);
    expect(code).toBe(0);
    expect((await requestLog(other)).length).toBeGreaterThan(0);
    expect((await requestLog(named)).length).toBe(before);
  });
});
