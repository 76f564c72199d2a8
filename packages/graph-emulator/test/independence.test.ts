// The emulator is roster's referee, so it must not share roster's code (a misunderstanding of Graph
// in roster would be copied into the check). Every import of its sources is checked here: inside
// the package, a Node built-in, or one of the package's own dependencies.
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url);
const MANIFEST = new URL("../package.json", import.meta.url);

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(new URL(file, SRC), "utf8");
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((match) => match[1]!);
}

describe("the emulator package", () => {
  it("imports only its own files, Node built-ins and its declared dependencies", async () => {
    const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as { dependencies: Record<string, string> };
    const allowed = new Set(Object.keys(manifest.dependencies));
    const files = (await readdir(SRC)).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(20);
    const strays: string[] = [];
    for (const file of files) {
      for (const specifier of await importsOf(file)) {
        const inside = specifier.startsWith("./") && !specifier.slice(2).includes("/");
        if (!inside && !specifier.startsWith("node:") && !allowed.has(specifier)) {
          strays.push(`${file}: ${specifier}`);
        }
      }
    }
    expect(strays).toEqual([]);
  });
});
