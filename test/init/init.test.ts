// `roster init`: the files of a tenant repository, nothing overwritten, roster pinned (never by a
// bare version: `roster` on the npm registry is another package), and the way from init to a first
// export whose plan is empty.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { VERSION } from "../../src/version.js";
import { roster } from "../export/helpers.js";
import { testdir } from "../helpers/testdir.js";
import { demoState, type Emulator, emulator, REPO_ROOT } from "../plan-integration/helpers.js";

/** `roster init` takes DIR as an argument, not --dir: run it without the helper's --dir. */
async function runInit(cwd: string, args: string[]) {
  const io = captureIo({ cwd });
  const code = await main(["node", "roster", "init", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("roster init", () => {
  it("writes the tenant repository's files, and says what comes next", async () => {
    const parent = await testdir({});
    const run = await runInit(parent, ["contoso-profiles", "--tenant", "contoso.onmicrosoft.com"]);
    expect(run.code).toBe(0);
    expect(run.out).toBe(
      [
        ".github/workflows/apply.yml",
        ".github/workflows/drift.yml",
        ".github/workflows/plan.yml",
        ".gitignore",
        ".vscode/extensions.json",
        ".vscode/settings.json",
        "README.md",
        "package.json",
        "photos/.gitkeep",
        "profiles/.gitkeep",
        "roster.yaml",
      ]
        .map((f) => `created ${f}\n`)
        .join(""),
    );
    expect(run.err).toContain(`put roster's tarball at vendor/roster-${VERSION}.tgz`);
    expect(run.err).toContain("cd contoso-profiles && npm install");
    expect(run.err).not.toContain("set `tenant:`");

    const dir = join(parent, "contoso-profiles");
    const config = parse(await readFile(join(dir, "roster.yaml"), "utf8"));
    expect(config.tenant).toBe("contoso.onmicrosoft.com");
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe("contoso-profiles");
    expect(pkg.dependencies).toEqual({ roster: `file:vendor/roster-${VERSION}.tgz` });
    expect(pkg.devDependencies).toBeUndefined();
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toMatch(/^node_modules\/\n\.roster-cache\/\n/);
    const settings = JSON.parse(await readFile(join(dir, ".vscode/settings.json"), "utf8"));
    expect(settings["yaml.schemas"]["./node_modules/roster/schema/profile.schema.json"]).toEqual([
      "profiles/**/*.yaml",
      "!profiles/**/_defaults.yaml",
    ]);
    const readme = await readFile(join(dir, "README.md"), "utf8");
    expect(readme).toMatch(/^# Entra ID profiles of contoso.onmicrosoft.com\n/);
    expect(readme).toContain(`roster ${VERSION}`);
    expect(readme).not.toContain("{{");
    for (const heading of ["## Admins", "## Reviewers", "## Auditors", "## Setting up Azure and GitHub"])
      expect(readme).toContain(heading);
  });

  it("the workflows are roster's own: installed with npm ci, run through the pinned bin, no src/", async () => {
    const dir = await testdir({});
    expect((await runInit(dir, ["--tenant", "contoso.onmicrosoft.com"])).code).toBe(0);
    for (const workflow of ["plan.yml", "apply.yml", "drift.yml"]) {
      const copied = await readFile(join(dir, ".github/workflows", workflow), "utf8");
      expect(copied).toBe(await readFile(join(REPO_ROOT, ".github/workflows", workflow), "utf8"));
      expect(copied).toContain("npm ci --ignore-scripts --no-audit --no-fund");
      // roster arrives built in a tenant repository: there is nothing to build there.
      expect(copied).toContain("npm run build --if-present");
      expect(copied).toContain("npx --no-install roster ");
      // Nothing runs roster from source (comments may speak of a pull request's src/).
      const code = copied.split("\n").filter((line) => !/^\s*#/.test(line));
      expect(code.filter((line) => /\bsrc\//.test(line))).toEqual([]);
    }
    expect(await readdir(join(dir, ".github/workflows"))).toHaveLength(3);
  });

  it("overwrites nothing: one file in the way and nothing is written", async () => {
    const dir = await testdir({ "README.md": "# ours\n", ".github/workflows/plan.yml": "name: ours\n" });
    const run = await runInit(dir, ["--tenant", "contoso.onmicrosoft.com"]);
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      `error: ${dir} already has .github/workflows/plan.yml, README.md: roster init overwrites nothing\n` +
        "hint: init into a new or empty folder, or move those files away first\n",
    );
    expect(run.out).toBe("");
    await expect(stat(join(dir, "roster.yaml"))).rejects.toThrow("ENOENT");
    expect(await readFile(join(dir, "README.md"), "utf8")).toBe("# ours\n");
  });

  it("says so when DIR is a file", async () => {
    const dir = await testdir({ taken: "a file" });
    const run = await runInit(dir, ["taken", "--tenant", "contoso.onmicrosoft.com"]);
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      `error: ${join(dir, "taken")} is a file, not a folder\nhint: name a new or empty folder\n`,
    );
  });

  it("copies a local tarball into vendor/ and pins it by path", async () => {
    const dir = await testdir({ "dl/roster-9.9.9.tgz": "not really a tarball" });
    const run = await runInit(dir, [
      "repo",
      "--tenant",
      "contoso.onmicrosoft.com",
      "--pin",
      "dl/roster-9.9.9.tgz",
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain("created vendor/roster-9.9.9.tgz\n");
    expect(await readFile(join(dir, "repo/vendor/roster-9.9.9.tgz"), "utf8")).toBe("not really a tarball");
    const pkg = JSON.parse(await readFile(join(dir, "repo/package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ roster: "file:vendor/roster-9.9.9.tgz" });
    expect(run.err).not.toContain("put roster's tarball");
  });

  it("writes a git URL as given, JSON-escaped", async () => {
    const dir = await testdir({});
    const run = await runInit(dir, [
      "--tenant",
      "contoso.onmicrosoft.com",
      "--pin",
      'github:contoso/roster#v1"x',
    ]);
    expect(run.code).toBe(0);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(pkg.dependencies.roster).toBe('github:contoso/roster#v1"x');
  });

  it("refuses a bare version: `roster` on the npm registry is another package", async () => {
    for (const pin of ["0.1.0", "^0.1.0", "latest"]) {
      const dir = await testdir({});
      const run = await runInit(dir, ["--tenant", "contoso.onmicrosoft.com", "--pin", pin]);
      expect(run.code).toBe(1);
      expect(run.err.split("\n")[0]).toBe(
        `error: --pin ${pin}: roster is not installed from the npm registry by version`,
      );
      expect(run.err).toContain("`roster` on the npm registry is another package");
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it("refuses a tenant that is neither a domain nor an id; without one, writes a placeholder", async () => {
    const bad = await runInit(await testdir({}), ["--tenant", "contoso onmicrosoft"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error: --tenant contoso onmicrosoft: not a tenant domain or id\n/);

    const dir = await testdir({});
    const run = await runInit(dir, []);
    expect(run.code).toBe(0);
    expect(run.err).toContain("set `tenant:` in roster.yaml");
    expect(parse(await readFile(join(dir, "roster.yaml"), "utf8")).tenant).toBe(
      "YOUR-TENANT.onmicrosoft.com",
    );
  });

  it("the new repository validates, with no profile yet", async () => {
    const dir = await testdir({});
    await runInit(dir, ["--tenant", "contoso.onmicrosoft.com"]);
    const validated = await roster(undefined, dir, ["validate"]);
    expect(validated.err).toMatch(/^valid: 0 profiles, 0 errors, 0 warnings/);
    expect(validated.code).toBe(0);
  });
});

describe("roster init, then export: the first plan is empty", () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await emulator(await demoState());
  });
  afterAll(async () => em.close());

  it("init, export, validate, plan", async () => {
    const dir = await testdir({});
    expect((await runInit(dir, ["--tenant", "contoso.onmicrosoft.com"])).code).toBe(0);
    const exported = await roster(em, dir, ["export"]);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/^exported 28 users\n/);
    expect((await roster(undefined, dir, ["validate"])).code).toBe(0);
    const planned = await roster(em, dir, ["plan", "--detailed-exitcode"]);
    expect(planned.out).toContain("No changes. The tenant matches the repository.");
    expect(planned.code).toBe(0);
  });
});
