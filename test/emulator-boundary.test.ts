// roster reaches the Graph emulator only through its package, `@roster/graph-emulator`, and only
// where it needs a tenant to talk to: the `roster emulator` command, tests, scripts and the bench.
// Its product code (plan, apply, the Graph client) never leans on the referee's rules.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The .ts files under `dir` (relative to the repository root), fixtures included. */
async function tsFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await tsFiles(relative)));
    else if (entry.name.endsWith(".ts")) found.push(relative);
  }
  return found;
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), "utf8");
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((match) => match[1]!);
}

describe("the emulator boundary", () => {
  it("is crossed only through @roster/graph-emulator, never by a path into the package", async () => {
    const files = (await Promise.all(["src", "test", "scripts", "bench"].map(tsFiles))).flat();
    const byPath: string[] = [];
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        if (/graph-emulator\/|\/emulator\/(index|src)/.test(specifier)) byPath.push(`${file}: ${specifier}`);
      }
    }
    expect(byPath).toEqual([]);
  });

  it("is crossed by roster's own code only in the emulator command", async () => {
    const users: string[] = [];
    for (const file of await tsFiles("src")) {
      if ((await importsOf(file)).includes("@roster/graph-emulator")) users.push(file);
    }
    expect(users).toEqual([path.join("src", "commands", "emulator.ts")]);
  });
});
