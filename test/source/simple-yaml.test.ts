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
  // The same keys in the same order (toEqual alone would not see the order).
  expect(JSON.stringify(simple.data), text).toBe(JSON.stringify(reference.data));
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

/** Pieces of text with a meaning of their own in YAML, or in JavaScript's trim(). */
const TRICKY = [
  ..."ab z09:#-\"'[]{},\n.~\\&*!|>?%@`_é",
  "\u00a0",
  "\u3000",
  "\u2003",
  "\ufeff",
  "\t",
  "\r",
  "\u0085",
  "\u{1f600}",
  "  ",
  "\n  ",
  ": ",
  " #",
  "- ",
  "null",
  "true",
  "yes",
  "1e3",
  "0123",
  "0x1",
  ".inf",
  "2024-01-01",
  "k".repeat(1025),
];

// Fixed seeds, in the test names: a failure names the seed and the shrunk counterexample, and
// running again replays it.
const DOCUMENT_SEED = 15;
const NOISE_SEED = 9;
const TRICKY_SEED = 2026;

describe("the fast reader of plain profiles", () => {
  it(`gives the yaml package's data and positions whenever it answers (fast-check seed ${DOCUMENT_SEED})`, () => {
    let answered = 0;
    fc.assert(
      fc.property(documents, (text) => {
        if (agree(text)) answered++;
      }),
      { numRuns: 3000, seed: DOCUMENT_SEED },
    );
    // Most generated documents are in the subset: the comparison is not vacuous.
    expect(answered).toBeGreaterThan(300);
  });

  it(`agrees on arbitrary YAML-like text, declining what it does not know (fast-check seed ${NOISE_SEED})`, () => {
    const noise = fc.stringMatching(/^[a-z:# \n"'[\]{},\-~.0-9\t]{0,40}$/);
    fc.assert(
      fc.property(noise, (text) => {
        agree(text);
      }),
      { numRuns: 3000, seed: NOISE_SEED },
    );
  });

  it(`agrees on text made of YAML's and trim()'s special pieces (fast-check seed ${TRICKY_SEED})`, () => {
    // Mostly ordinary words, so that many documents are in the subset and compared, not declined.
    const piece = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom("Adele", "x", " ", "Vance", "+1 425", "é", "@") },
      { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
    );
    const indent = fc.constantFrom("", "", " ", "  ", "\u00a0", " \u00a0", "\t");
    const scalar = fc.array(piece, { maxLength: 6 }).map((p) => p.join("").replaceAll("\n", ""));
    const key = fc.constantFrom("a", "b", "jobTitle", "x_1", "y", "a", "b", "k".repeat(1025), "Null");
    const inline = fc.oneof(
      scalar,
      scalar.map((v) => `"${v}"`),
      scalar.map((v) => `'${v}'`),
      fc.array(scalar, { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
      fc
        .array(fc.tuple(key, scalar), { maxLength: 3 })
        .map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(", ")} }`),
    );
    const line = fc.oneof(
      fc.tuple(indent, key, inline).map(([i, k, v]) => `${i}${k}: ${v}`),
      fc.tuple(indent, key).map(([i, k]) => `${i}${k}:`),
      fc.tuple(indent, inline).map(([i, v]) => `${i}- ${v}`),
      fc.constantFrom("# c", "", "  #c", "---"),
    );
    let answered = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.array(line, { minLength: 1, maxLength: 5 }).map((lines) => `${lines.join("\n")}\n`),
          },
          { weight: 1, arbitrary: fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join("")) },
        ),
        (text) => {
          if (agree(text)) answered++;
        },
      ),
      { numRuns: 5000, seed: TRICKY_SEED },
    );
    // Most are declined (each tricky piece may decline a whole file); the rest are compared.
    expect(answered).toBeGreaterThan(100);
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
    ["a no-break space that JavaScript would trim", "a: b\u00a0\n"],
    ["a no-break space as indentation", "a:\n\u00a0 b: c\n"],
    ["an ideographic space as indentation", "a:\n \u3000b: c\n"],
    ["a no-break space after a quoted value", 'a: "b"\u00a0\n'],
    ["a key longer than YAML's 1,024-character implicit key", `${"k".repeat(1030)}: v\n`],
    ["a byte-order mark inside the text", "a: b\nc: \ufeffd\n"],
    ["an alias", "a: &x b\nc: *x\n"],
    ["a tag", "a: !!str b\n"],
    ["a folded scalar", "aboutMe: >\n  text\n"],
    ["a key with a colon", "a:b: c\n"],
    ["a quoted key", '"a": b\n'],
    ["a leading-zero number", "employeeId: 0123\n"],
    ["an exponent", "employeeId: 1e3\n"],
    ["infinity", "employeeId: .inf\n"],
    ["a hexadecimal number", "employeeId: 0x1F\n"],
    ["a flow mapping over two lines", "a: { b: c,\n  d: e }\n"],
    ["a document marker", "---\na: b\n"],
    ["a directive", "%YAML 1.2\n---\na: b\n"],
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

  it.each([
    // YAML 1.2 core schema: these are strings, not booleans, dates or numbers.
    ["yes", "a: yes\n", { a: "yes" }],
    ["on", "a: on\n", { a: "on" }],
    ["a date", "a: 2024-01-01\n", { a: "2024-01-01" }],
    ["a binary-looking number", "a: 0b101\n", { a: "0b101" }],
    ["digits with underscores", "a: 1_000\n", { a: "1_000" }],
    ["a version number", "a: 1.2.3\n", { a: "1.2.3" }],
    ["a hash without a space before it", "a: C#\n", { a: "C#" }],
    ["a comment", "a: b # note\n# whole line\nc: d\n", { a: "b", c: "d" }],
    ["null spellings", "a: ~\nb: null\nc: Null\nd:\n", { a: null, b: null, c: null, d: null }],
    ["boolean spellings", "a: true\nb: False\nc: TRUE\n", { a: true, b: false, c: true }],
    ["single-quoted quotes", "a: 'it''s'\n", { a: "it's" }],
    [
      "a one-line flow list and mapping",
      'a: ["+1 425", x]\nb: { c: d }\n',
      { a: ["+1 425", "x"], b: { c: "d" } },
    ],
    ["a nested list at the key's own indentation", "a:\n- x\n- y\n", { a: ["x", "y"] }],
    ["a key named like Object's own members", "constructor: x\n", { constructor: "x" }],
  ])("reads %s as the yaml package does", (_what, text, expected) => {
    expect(parseSimpleYaml(text)?.data).toEqual(expected);
    expect(agree(text)).toBe(true);
  });

  it("reads a file that starts with a byte-order mark, with columns counted after it", () => {
    const read = parseYamlText(Buffer.from("\ufeffa: b\nc: d\n"), "p.yaml");
    expect(read.source?.data).toEqual({ a: "b", c: "d" });
    expect(read.source?.locate(["c"])).toEqual({ file: "p.yaml", line: 2, col: 4 });
    expect(read.source?.locate(["a"], { key: true })).toEqual({ file: "p.yaml", line: 1, col: 1 });
  });
});
