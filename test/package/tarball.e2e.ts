// End to end from the tarball (`npm run test:package`, also run by .ci/run; not part of `npm test`,
// since it installs from the npm registry and takes about a minute): `npm pack`, a fresh folder
// with nothing else of roster, the tarball installed there, `roster init` with the tarball pinned,
// `npm install` in the new repository, the bundled emulator started from it, `roster export`,
// `roster validate` exits 0, `roster plan` shows no changes.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoToken } from "../helpers/demo-apps.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..");
const DEMO_STATE = join(REPO_ROOT, "demo", "tenant.json");

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const stdout = execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { code: e.status ?? 1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("roster from its tarball, in a folder with nothing else of roster", () => {
  let work: string;
  let tarball: string;
  let repo: string;
  let emulator: ChildProcess | undefined;
  let origin = "";

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "roster-tarball-"));
    // `npm pack` runs `prepare`, which builds dist/ afresh.
    const packed = run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT);
    expect(packed.code).toBe(0);
    tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);

    const sandbox = join(work, "sandbox");
    run("mkdir", ["-p", sandbox], work);
    writeFileSync(join(sandbox, "package.json"), '{ "private": true }\n');
    const installed = run("npm", ["install", tarball, "--no-audit", "--no-fund"], sandbox);
    expect(installed.code, installed.stdout).toBe(0);
    const initialised = run(
      join(sandbox, "node_modules", ".bin", "roster"),
      ["init", "contoso-profiles", "--tenant", "contoso.onmicrosoft.com", "--pin", tarball],
      work,
    );
    expect(initialised.code).toBe(0);
    repo = join(work, "contoso-profiles");
    // The new repository installs roster from the pin init wrote (the tarball, copied to vendor/).
    const repoInstall = run("npm", ["install", "--no-audit", "--no-fund"], repo);
    expect(repoInstall.code, repoInstall.stdout).toBe(0);

    emulator = spawn(
      join(repo, "node_modules", ".bin", "roster"),
      ["emulator", "--state", DEMO_STATE, "--cert-out", join(work, "ca.pem")],
      { cwd: repo, stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: emulator.stdout! });
    origin = await new Promise<string>((resolve, reject) => {
      lines.on("line", (line) => {
        const match = /^listening on (\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      emulator!.on("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
  }, 240_000);

  afterAll(() => {
    emulator?.kill("SIGTERM");
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const roster = (args: string[]) =>
    run("npx", ["--no-install", "roster", ...args], repo, {
      ROSTER_ACCESS_TOKEN: demoToken("roster-drift"),
      ROSTER_GRAPH_URL: origin,
      ROSTER_CA_CERT: join(work, "ca.pem"),
    });

  it("installed roster alone: its own files and bundled emulator, the dependencies npm chose for this platform", () => {
    const installed = readdirSync(join(repo, "node_modules", "roster")).sort();
    expect(installed).toEqual([
      ".github",
      "README.md",
      "dist",
      "node_modules",
      "package.json",
      "schema",
      "templates",
    ]);
    expect(readdirSync(join(repo, "node_modules", "roster", "node_modules"))).toEqual(["@roster"]);
    const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
    expect(lock.packages["node_modules/roster"].resolved).toMatch(/^file:vendor\/roster-.*\.tgz$/);
    expect(Object.keys(lock.packages).filter((p) => /typescript|vitest|biome|tsx/.test(p))).toEqual([]);
  });

  it("init, export, validate, plan: no changes", () => {
    const exported = roster(["export"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^exported 28 users\nprofiles: 28 new, 0 unchanged\nphotos: 21 new/);
    const validated = roster(["validate"]);
    expect(validated.code, validated.stdout).toBe(0);
    const planned = roster(["plan", "--detailed-exitcode"]);
    expect(planned.stdout).toContain("No changes. The tenant matches the repository.");
    expect(planned.code).toBe(0);
  });
});
