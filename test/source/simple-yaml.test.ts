// The fast reader of plain profiles must give exactly the `yaml` package's answers (data and every
// position) whenever it answers at all, and must answer for the files people actually write.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSimpleYaml } from "../../src/source/simple-yaml.js";
import { parseWithYamlPackage, parseYamlText, type YamlSource } from "../../src/source/yaml.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..");

/** Every key path of a value: for maps their keys, for lists their indexes. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** Asserts that both readers agree on `text`; returns whether the fast one answered. */
function agree(text: string): boolean {
  const simple = parseSimpleYaml(text);
  if (!simple) return false;
  const full = parseWithYamlPackage(text, "p.yaml");
  expect(full.diagnostics, text).toEqual([]);
  const reference = full.source as YamlSource;
  expect(simple.data, text).toEqual(reference.data);
  const fast = parseYamlText(Buffer.from(text), "p.yaml").source as YamlSource;
  const paths = [...pathsOf(reference.data), ["missing"], ["missing", 0], [0]];
  for (const path of paths) {
    // Paths that go deeper than the data (a sub-key a profile does not set) are located too.
    for (const probe of [path, [...path, "deeper"], [...path, 0]]) {
      expect(fast.locate(probe), `${JSON.stringify(probe)} in ${text}`).toEqual(reference.locate(probe));
      expect(fast.locate(probe, { key: true }), `key of ${JSON.stringify(probe)} in ${text}`).toEqual(
        reference.locate(probe, { key: true }),
      );
    }
  }
  return true;
}

const key = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom("displayName", "jobTitle", "manager", "businessPhones", "a", "x_1"),
  },
  { weight: 1, arbitrary: fc.constantFrom("true", "null", "Yes", "__proto__") },
);
const plainText = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .@+()/_'-]{0,14}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9 .,@+()/_'"#:!&*?|>%-]{0,14}$/) },
);
const scalarText = fc.oneof(
  { weight: 4, arbitrary: plainText },
  { weight: 1, arbitrary: plainText.map((t) => `"${t}"`) },
  { weight: 1, arbitrary: plainText.map((t) => `'${t.replaceAll("'", "''")}'`) },
  fc.constantFrom(
    "null",
    "~",
    "Null",
    "true",
    "FALSE",
    "yes",
    "12",
    "-3",
    "1.5",
    ".inf",
    "0x1F",
    "0o17",
    "1e3",
    "+1 425 555 0100",
    "18/2111",
    '"a\\"b"',
    "'it''s'",
    "C#",
    "a: b",
    "https://x.example/a",
    "- item",
    "[a",
    "",
  ),
);
const spaces = fc.constantFrom("", " ", "  ");
const comment = fc.constantFrom("", "", " # note", "  #x", "#bad");
const flowSeq = fc
  .tuple(fc.array(scalarText, { maxLength: 3 }), spaces, spaces)
  .map(([items, a, b]) => `[${a}${items.join(`,${a}`)}${b}]`);
const flowMap = fc
  .tuple(fc.uniqueArray(fc.tuple(key, scalarText), { maxLength: 3, selector: ([k]) => k }), spaces)
  .map(([pairs, a]) => `{${a}${pairs.map(([k, v]) => `${k}: ${v}`).join(", ")}${a}}`);
const inlineValue = fc.oneof(scalarText, flowSeq, flowMap);
const indent = fc.constantFrom("", "  ", "    ", " ");
/** The text after `key:` (an inline value, a nested block, or nothing). */
const entryBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(spaces, inlineValue, comment).map(([s, v, c]) => `${s === "" ? " " : s}${v}${c}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        indent,
        fc.uniqueArray(fc.tuple(key, inlineValue), { minLength: 1, maxLength: 3, selector: ([k]) => k }),
      )
      .map(([ind, pairs]) => `\n${pairs.map(([sk, v]) => `${ind}${sk}: ${v}`).join("\n")}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(indent, fc.array(scalarText, { minLength: 1, maxLength: 3 }))
      .map(([ind, items]) => `\n${items.map((v) => `${ind}- ${v}`).join("\n")}`),
  },
  { weight: 1, arbitrary: spaces },
);
const noise = fc.constantFrom("# a comment", "", "   ", "---", "  stray: line", "  # indented comment");
const documents = fc
  .tuple(
    fc.uniqueArray(fc.tuple(key, entryBody), { minLength: 1, maxLength: 8, selector: ([k]) => k }),
    fc.array(fc.tuple(fc.nat(8), noise), { maxLength: 2 }),
    fc.constantFrom("\n", ""),
  )
  .map(([entries, extras, end]) => {
    const lines = entries.map(([k, body]) => `${k}:${body}`);
    for (const [at, line] of extras) lines.splice(at % (lines.length + 1), 0, line);
    return `${lines.join("\n")}${end}`;
  });

describe("the fast reader of plain profiles", () => {
  it("gives the yaml package's data and positions whenever it answers", () => {
    let answered = 0;
    fc.assert(
      fc.property(documents, (text) => {
        if (agree(text)) answered++;
      }),
      { numRuns: 3000, seed: 15 },
    );
    // Most generated documents are in the subset: the comparison is not vacuous.
    expect(answered).toBeGreaterThan(300);
  });

  it("agrees on arbitrary YAML-like text, declining what it does not know", () => {
    const noise = fc.stringMatching(/^[a-z:# \n"'[\]{},\-~.0-9\t]{0,40}$/);
    fc.assert(
      fc.property(noise, (text) => {
        agree(text);
      }),
      { numRuns: 3000, seed: 9 },
    );
  });

  it("reads every profile and _defaults.yaml of the example repository and the valid fixtures", async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith(".yaml")) files.push(path);
      }
    };
    await walk(join(REPO_ROOT, "profiles"));
    await walk(join(REPO_ROOT, "test", "fixtures", "valid"));
    expect(files.length).toBeGreaterThan(25);
    const declined: string[] = [];
    for (const file of files) {
      if (!agree(await readFile(file, "utf8"))) declined.push(relative(REPO_ROOT, file));
    }
    expect(declined).toEqual([]);
  });

  it.each([
    ["a tab", "a:\tb\n"],
    ["a multi-line plain scalar", "displayName: Adele\n  Vance\n"],
    ["a block scalar", "aboutMe: |\n  text\n"],
    ["an anchor", "a: &x b\n"],
    ["a duplicate key", "a: 1x\na: 2x\n"],
    ["a number", "employeeId: 12\n"],
    ["an escape", 'a: "x\\ty"\n'],
    ["a flow collection over two lines", "a: [b,\n  c]\n"],
    ["a carriage return", "a: b\r\n"],
  ])("leaves %s to the yaml package", (_what, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });
});
