// A fast reader for the plain YAML that profiles are written in, so that 100,000 of them load in
// seconds: top-level `key: value` lines, one level of nested mapping or sequence, one-line flow
// collections (`[a, "b"]`, `{ k: v }`), plain, single- and double-quoted scalars, comments. It
// returns exactly what the `yaml` package returns for such a file (the same data, under the YAML
// 1.2 core schema, and the same node positions), or undefined for anything else: the caller then
// parses with the `yaml` package, which also reports every error. A property test holds the two to
// the same answers (test/source/simple-yaml.test.ts).

export type SimpleNode =
  | { kind: "scalar"; start: number; value: string | boolean | null }
  | { kind: "map"; start: number; pairs: SimplePair[] }
  | { kind: "seq"; start: number; items: SimpleNode[] };

export interface SimplePair {
  key: string;
  keyStart: number;
  value: SimpleNode;
}

export interface SimpleDocument {
  root: Extract<SimpleNode, { kind: "map" }>;
  data: Record<string, unknown>;
}

/** Not in the subset: the caller falls back to the `yaml` package. */
class Unsupported extends Error {}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?= |$)/;
// YAML 1.2 core schema (the `yaml` package's core tags): these plain scalars are not strings.
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** Characters that give a plain scalar's first character a meaning of its own. */
const INDICATORS = new Set([..."-?:,[]{}#&*!|>'\"%@`"]);
// Control characters other than the line feed (tab and carriage return included), Unicode line
// separators and a byte-order mark: each has rules of its own. And every other character that
// JavaScript's trim() removes (no-break and Unicode spaces): YAML reads them as content, not as
// indentation or trailing space, so with them refused trim() removes exactly YAML's spaces.
const UNUSUAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
  /[\u0000-\u0009\u000b-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;
/** YAML ends an implicit key's line at 1,024 characters; far longer than any property name. */
const MAX_KEY_LENGTH = 1000;

export function parseSimpleYaml(text: string): SimpleDocument | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    const root = new Reader(text).read();
    return { root, data: toData(root) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

interface Line {
  start: number;
  text: string;
  indent: number;
}

class Reader {
  readonly #lines: Line[] = [];

  constructor(text: string) {
    let start = 0;
    for (const line of text.split("\n")) {
      const indent = line.length - line.trimStart().length;
      const content = line.slice(indent);
      // Blank and comment-only lines say nothing; directives and document markers do.
      if (content !== "" && !content.startsWith("#")) {
        if (/^(?:%|---|\.\.\.)/.test(line)) throw new Unsupported();
        this.#lines.push({ start, text: line, indent });
      }
      start += line.length + 1;
    }
  }

  read(): Extract<SimpleNode, { kind: "map" }> {
    const pairs: SimplePair[] = [];
    let i = 0;
    while (i < this.#lines.length) {
      const line = this.#lines[i] as Line;
      if (line.indent !== 0) throw new Unsupported();
      const next = i + 1;
      const { key, value } = this.#pair(line, 0, () => this.#block(next));
      pairs.push({ key, keyStart: line.start, value: value.node });
      i = value.end ?? next;
    }
    const first = pairs[0];
    if (!first) throw new Unsupported();
    return { kind: "map", start: first.keyStart, pairs: unique(pairs) };
  }

  /**
   * `key: value` at `column`; an empty value takes the indented block below it (`nested` reads it
   * and says where it ends), else it is null.
   */
  #pair(
    line: Line,
    column: number,
    nested?: () => { node: SimpleNode; end: number } | undefined,
  ): { key: string; value: { node: SimpleNode; end?: number } } {
    const key = plainKey(line.text.slice(column));
    let at = column + key.length + 1;
    while (line.text[at] === " ") at++;
    if (at < line.text.length) return { key, value: { node: value(line, at) } };
    const block = nested?.();
    if (block) return { key, value: block };
    return { key, value: { node: { kind: "scalar", start: line.start + at, value: null } } };
  }

  /** The block mapping or sequence starting at line `i`, if that line belongs to one. */
  #block(i: number): { node: SimpleNode; end: number } | undefined {
    const first = this.#lines[i];
    if (!first) return undefined;
    const isItem = (line: Line) =>
      line.text[line.indent] === "-" && /^-(?: |$)/.test(line.text.slice(line.indent));
    if (isItem(first)) {
      const items: SimpleNode[] = [];
      let j = i;
      for (
        let line = this.#lines[j];
        line && line.indent === first.indent && isItem(line);
        line = this.#lines[++j]
      ) {
        let at = line.indent + 1;
        while (line.text[at] === " ") at++;
        if (at === line.text.length) throw new Unsupported();
        const item = value(line, at);
        if (item.kind !== "scalar") throw new Unsupported();
        items.push(item);
      }
      const next = this.#lines[j];
      if (next && next.indent > 0) throw new Unsupported();
      return { node: { kind: "seq", start: first.start + first.indent, items }, end: j };
    }
    if (first.indent === 0) return undefined;
    const pairs: SimplePair[] = [];
    let j = i;
    for (let line = this.#lines[j]; line && line.indent > 0; line = this.#lines[j]) {
      if (line.indent !== first.indent) throw new Unsupported();
      const { key, value: item } = this.#pair(line, line.indent);
      pairs.push({ key, keyStart: line.start + line.indent, value: item.node });
      j++;
    }
    return { node: { kind: "map", start: first.start + first.indent, pairs: unique(pairs) }, end: j };
  }
}

/** The key of a `key: value` line: a plain name that the core schema reads as a string. */
function plainKey(text: string): string {
  const key = KEY.exec(text)?.[1];
  if (
    key === undefined ||
    key.length > MAX_KEY_LENGTH ||
    key === "__proto__" ||
    NULL.test(key) ||
    TRUE.test(key) ||
    FALSE.test(key)
  )
    throw new Unsupported();
  return key;
}

/** A value that starts at column `at` of `line` and ends on it (a trailing comment is allowed). */
function value(line: Line, at: number): SimpleNode {
  const cursor = { text: line.text, at };
  const c = line.text[at];
  const node =
    c === "["
      ? flowSequence(cursor, line.start)
      : c === "{"
        ? flowMapping(cursor, line.start)
        : scalar(cursor, line.start, "block");
  endOfLine(cursor);
  return node;
}

interface Cursor {
  text: string;
  at: number;
}

function skipSpaces(cursor: Cursor): void {
  while (cursor.text[cursor.at] === " ") cursor.at++;
}

/** Nothing but spaces and a comment may follow a value. */
function endOfLine(cursor: Cursor): void {
  const rest = cursor.text.slice(cursor.at);
  if (rest.trim() === "") return;
  if (/^ +#/.test(rest)) return;
  throw new Unsupported();
}

function scalar(cursor: Cursor, lineStart: number, context: "block" | "flow"): SimpleNode {
  const { text } = cursor;
  const start = cursor.at;
  const quote = text[start];
  if (quote === '"') {
    const close = text.indexOf('"', start + 1);
    const content = text.slice(start + 1, close);
    if (close === -1 || content.includes("\\")) throw new Unsupported();
    cursor.at = close + 1;
    return { kind: "scalar", start: lineStart + start, value: content };
  }
  if (quote === "'") {
    let content = "";
    let i = start + 1;
    for (;;) {
      const close = text.indexOf("'", i);
      if (close === -1) throw new Unsupported();
      content += text.slice(i, close);
      if (text[close + 1] !== "'") {
        cursor.at = close + 1;
        break;
      }
      content += "'";
      i = close + 2;
    }
    return { kind: "scalar", start: lineStart + start, value: content };
  }
  if (quote === undefined || INDICATORS.has(quote)) throw new Unsupported();
  let end = start;
  if (context === "block") {
    const comment = text.indexOf(" #", start);
    end = comment === -1 ? text.length : comment;
  } else {
    while (end < text.length && text[end] !== "," && text[end] !== "]" && text[end] !== "}") end++;
  }
  const raw = text.slice(start, end).trimEnd();
  if (raw.includes(": ") || raw.endsWith(":") || raw.includes(" #")) throw new Unsupported();
  if (context === "flow" && /[[\]{}#:]/.test(raw)) throw new Unsupported();
  cursor.at = start + raw.length;
  return { kind: "scalar", start: lineStart + start, value: resolvePlain(raw) };
}

function resolvePlain(raw: string): string | boolean | null {
  if (NULL.test(raw)) return null;
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  // Numbers keep the `yaml` package's exact rules (bigint limits, -0, leading zeros): let it read them.
  if (NUMBER.test(raw)) throw new Unsupported();
  return raw;
}

function flowSequence(cursor: Cursor, lineStart: number): SimpleNode {
  const start = cursor.at;
  cursor.at++;
  const items: SimpleNode[] = [];
  skipSpaces(cursor);
  if (cursor.text[cursor.at] === "]") {
    cursor.at++;
    return { kind: "seq", start: lineStart + start, items };
  }
  for (;;) {
    skipSpaces(cursor);
    items.push(scalar(cursor, lineStart, "flow"));
    skipSpaces(cursor);
    const c = cursor.text[cursor.at++];
    if (c === "]") return { kind: "seq", start: lineStart + start, items };
    if (c !== ",") throw new Unsupported();
    skipSpaces(cursor);
    // A trailing comma: allowed by YAML, left to the full parser.
    if (cursor.text[cursor.at] === "]") throw new Unsupported();
  }
}

function flowMapping(cursor: Cursor, lineStart: number): SimpleNode {
  const start = cursor.at;
  cursor.at++;
  const pairs: SimplePair[] = [];
  skipSpaces(cursor);
  if (cursor.text[cursor.at] === "}") {
    cursor.at++;
    return { kind: "map", start: lineStart + start, pairs };
  }
  for (;;) {
    skipSpaces(cursor);
    const key = plainKey(cursor.text.slice(cursor.at));
    if (cursor.text[cursor.at + key.length + 1] !== " ") throw new Unsupported();
    const keyStart = lineStart + cursor.at;
    cursor.at += key.length + 1;
    skipSpaces(cursor);
    const c = cursor.text[cursor.at];
    if (c === "," || c === "}" || c === undefined) throw new Unsupported();
    pairs.push({ key, keyStart, value: scalar(cursor, lineStart, "flow") });
    skipSpaces(cursor);
    const next = cursor.text[cursor.at++];
    if (next === "}") return { kind: "map", start: lineStart + start, pairs: unique(pairs) };
    if (next !== ",") throw new Unsupported();
    skipSpaces(cursor);
    if (cursor.text[cursor.at] === "}") throw new Unsupported();
  }
}

/** A key given twice is an error the full parser words. */
function unique(pairs: SimplePair[]): SimplePair[] {
  if (new Set(pairs.map((p) => p.key)).size !== pairs.length) throw new Unsupported();
  return pairs;
}

function toData(node: SimpleNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(toData);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const pair of node.pairs) out[pair.key] = toData(pair.value);
      return out;
    }
  }
}

/**
 * The offset of the value at `path` (or of its key), walking as deep as the tree allows: the same
 * answer as the `yaml` package's node ranges give (see yaml.ts, `locate`).
 */
export function simpleOffset(root: SimpleNode, path: readonly (string | number)[], key: boolean): number {
  let node: SimpleNode = root;
  let pair: SimplePair | undefined;
  for (const segment of path) {
    if (node.kind === "map") {
      const next: SimplePair | undefined = node.pairs.find((p) => p.key === String(segment));
      if (!next) break;
      pair = next;
      node = next.value;
    } else if (node.kind === "seq" && typeof segment === "number") {
      const item: SimpleNode | undefined = node.items[segment];
      if (!item) break;
      pair = undefined;
      node = item;
    } else {
      break;
    }
  }
  return key && pair ? pair.keyStart : node.start;
}
