// What `npm pack` puts in roster's tarball: the bin, the schemas, the emulator (bundled, its own files
// only), and nothing built for this machine. The emulator's runtime dependencies are peer
// dependencies that roster's own dependencies satisfy: npm bundles a bundled package together with
// its dependencies (sharp would bring this machine's native @img binaries), never its peers.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

interface PackListing {
  size: number;
  bundled: string[];
  files: { path: string }[];
}

function packListing(): PackListing {
  // --ignore-scripts: list what is there; `npm ci` / `npm run build` made dist/.
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out) as PackListing[])[0] as PackListing;
}

const readJson = (path: string) =>
  JSON.parse(readFileSync(join(ROOT, path), "utf8")) as Record<string, Record<string, string>>;

describe("the npm package", () => {
  const listing = packListing();
  const paths = listing.files.map((f) => f.path);

  it("bundles the emulator alone, with its own files and no dependency of its own", () => {
    expect(listing.bundled).toEqual(["@roster/graph-emulator"]);
    const bundled = paths.filter((p) => p.startsWith("node_modules/"));
    expect(bundled).toContain("node_modules/@roster/graph-emulator/dist/index.js");
    expect(bundled).toContain("node_modules/@roster/graph-emulator/package.json");
    expect(bundled.filter((p) => !p.startsWith("node_modules/@roster/graph-emulator/"))).toEqual([]);
    expect(paths.filter((p) => p.includes("node_modules/", 1))).toEqual([]);
    expect(paths.filter((p) => /sharp|@img|\.node$/.test(p))).toEqual([]);
  });

  it("carries the bin, the schemas, and the templates and workflows `roster init` copies", () => {
    for (const file of [
      "dist/bin.js",
      "dist/cli.js",
      "schema/profile.schema.json",
      "schema/roster.schema.json",
      "templates/tenant/roster.yaml",
      "templates/tenant/gitignore",
      "templates/tenant/.vscode/settings.json",
      "templates/tenant/profiles/.gitkeep",
      ".github/workflows/plan.yml",
      ".github/workflows/apply.yml",
      ".github/workflows/drift.yml",
    ])
      expect(paths).toContain(file);
    expect(paths).not.toContain(".github/workflows/ci.yml");
    expect(paths.filter((p) => /^(src|test|bench|scripts|demo|profiles|photos)\//.test(p))).toEqual([]);
  });

  it("stays small: no native binaries, well under a megabyte", () => {
    expect(listing.size).toBeLessThan(1024 * 1024);
  });

  it("the emulator's peer dependencies are roster's own dependencies, with the same ranges", () => {
    const emulator = readJson("packages/graph-emulator/package.json");
    const roster = readJson("package.json");
    expect(emulator.dependencies).toBeUndefined();
    expect(Object.keys(emulator.peerDependencies ?? {}).sort()).toEqual([
      "libphonenumber-js",
      "selfsigned",
      "sharp",
    ]);
    for (const [name, range] of Object.entries(emulator.peerDependencies ?? {}))
      expect(roster.dependencies?.[name], name).toBe(range);
  });
});
