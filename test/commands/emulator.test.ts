import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { caTrustingFetch, type RunningEmulator } from "@roster/graph-emulator";
import { describe, expect, it } from "vitest";
import { type EmulatorFlags, runEmulatorCommand } from "../../src/commands/emulator.js";
import { captureIo } from "../../src/io.js";
import { control } from "../helpers/emulator.js";

const options: EmulatorFlags = { port: "0", host: "127.0.0.1", latency: "0" };

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe("roster emulator", () => {
  it("prints the origin and the certificate path, serves the state file, and stops on request", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "roster-cmd-"));
    await writeFile(
      path.join(dir, "tenant.json"),
      JSON.stringify({ users: [{ userPrincipalName: "adele@contoso.com", displayName: "Adele" }] }),
    );
    const io = captureIo({ cwd: dir });
    const stop = new AbortController();
    const done = runEmulatorCommand({ ...options, state: "tenant.json", certOut: "ca.pem" }, io, stop.signal);
    await waitFor(() => io.out().split("\n").length >= 3);
    const [listening, certificate] = io.out().split("\n");
    expect(listening).toMatch(/^listening on https:\/\/127\.0\.0\.1:\d+$/);
    expect(certificate).toBe(`certificate: ${path.join(dir, "ca.pem")}`);
    const caPem = await readFile(path.join(dir, "ca.pem"), "utf8");
    expect(caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const em = { origin: listening!.slice("listening on ".length), caPem } as RunningEmulator;
    expect((await control(em, "GET", "/v1.0/users/adele@contoso.com")).displayName).toBe("Adele");
    stop.abort();
    expect(await done).toBe(0);
    await expect(control(em, "GET", "/v1.0/users")).rejects.toThrow();
  });

  it("serves plain HTTP with --http", async () => {
    const io = captureIo();
    const stop = new AbortController();
    const done = runEmulatorCommand({ ...options, http: true }, io, stop.signal);
    await waitFor(() => io.out().includes("certificate:"));
    const origin = io.out().split("\n")[0]!.slice("listening on ".length);
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${origin}/v1.0/users`, { headers: { Authorization: "Bearer x" } });
    expect(res.status).toBe(200);
    stop.abort();
    expect(await done).toBe(0);
  });

  it("names the tokens of a state with apps, and accepts any token with --any-token", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "roster-cmd-"));
    await writeFile(
      path.join(dir, "tenant.json"),
      JSON.stringify({
        apps: [{ displayName: "roster-plan", token: "plan-token", permissions: ["User.Read.All"] }],
        users: [{ userPrincipalName: "adele@contoso.com" }],
      }),
    );
    for (const anyToken of [false, true]) {
      const io = captureIo({ cwd: dir });
      const stop = new AbortController();
      const done = runEmulatorCommand({ ...options, state: "tenant.json", anyToken }, io, stop.signal);
      await waitFor(() => io.err().includes("token"));
      expect(io.err().split("\n")[1]).toBe(
        anyToken
          ? "emulator: any non-empty token may do anything"
          : "emulator: tokens: plan-token (roster-plan); --any-token accepts any",
      );
      const origin = io.out().split("\n")[0]!.slice("listening on ".length);
      const caPem = await readFile(io.out().split("\n")[1]!.slice("certificate: ".length), "utf8");
      const res = await caTrustingFetch(caPem)(`${origin}/v1.0/users`, {
        headers: { Authorization: "Bearer x" },
      });
      expect(res.status).toBe(anyToken ? 200 : 401);
      stop.abort();
      expect(await done).toBe(0);
    }
  });

  it("fails with one clear line for a bad state file, port, latency or host", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "roster-cmd-"));
    await writeFile(
      path.join(dir, "bad.json"),
      JSON.stringify({ users: [{ userPrincipalName: "a@x.com", jobTitel: "x" }] }),
    );
    const cases: Partial<EmulatorFlags>[] = [
      { state: "bad.json" },
      { state: "missing.json" },
      { port: "http" },
      { latency: "-5" },
      { host: "0.0.0.0" },
    ];
    const errors: string[] = [];
    for (const override of cases) {
      const io = captureIo({ cwd: dir });
      expect(await runEmulatorCommand({ ...options, ...override }, io)).toBe(1);
      expect(io.out()).toBe("");
      errors.push(io.err());
    }
    expect(errors).toEqual([
      `roster emulator: invalid state file: ${path.join(dir, "bad.json")}: users[0] (a@x.com): unknown user property 'jobTitel'\n`,
      `roster emulator: invalid state file: cannot read ${path.join(dir, "missing.json")}: ENOENT\n`,
      "roster emulator: --port must be a number from 0 to 65535, not 'http'\n",
      "roster emulator: --latency must be a whole number of milliseconds, not '-5'\n",
      "roster emulator: the emulator only listens on loopback (127.0.0.1, ::1, localhost), not 0.0.0.0\n",
    ]);
  });
});
