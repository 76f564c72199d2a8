// Reads one YAML file defensively and keeps the syntax tree, so that any later finding (a schema
// error, a duplicate UPN) can point at the exact line and column of the value or key concerned.
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import { type Diagnostic, error, type SourcePosition } from "../diagnostics.js";
import { parseSimpleYaml, simpleOffset } from "./simple-yaml.js";

/** Profile and defaults files are small; anything bigger is a mistake, not a profile. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Aliases beyond this are refused ("billion laughs"); real profiles need none. */
export const MAX_YAML_ALIASES = 20;

export interface YamlSource {
  /** Repository-relative path with `/`. */
  file: string;
  /** The file's top-level mapping as plain data. */
  data: Record<string, unknown>;
  /** Position of the value at `path` (keys and array indexes), or of its key with `{ key: true }`. */
  locate(path: readonly (string | number)[], options?: { key?: boolean }): SourcePosition;
}

export type YamlReadResult = (
  | { source: YamlSource; diagnostics: Diagnostic[] }
  | { source: undefined; diagnostics: Diagnostic[] }
) & {
  /** sha256 (hex) of the bytes read, when the file could be read. */
  sha256?: string;
};

export async function readYamlFile(absolutePath: string, file: string): Promise<YamlReadResult> {
  const fail = (at: SourcePosition, message: string): YamlReadResult => ({
    source: undefined,
    diagnostics: [error(at, message)],
  });
  const start = { file, line: 1, col: 1 };
  let bytes: Buffer;
  try {
    // Synchronous on purpose: for thousands of small files, thread-pool round trips cost more than
    // the reads themselves. Three system calls (open, read, close), no stat: a read that fills the
    // buffer finds a file over the limit without reading the rest of it.
    const fd = openSync(absolutePath, "r");
    try {
      let length = 0;
      for (let n = 1; n > 0 && length < readBuffer.length; length += n)
        n = readSync(fd, readBuffer, length, readBuffer.length - length, length);
      if (length > MAX_YAML_BYTES) {
        const size = fstatSync(fd).size;
        return fail(
          start,
          `file is ${formatBytes(size)}; profile files are limited to ${formatBytes(MAX_YAML_BYTES)}`,
        );
      }
      bytes = Buffer.from(readBuffer.subarray(0, length));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return fail(start, `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return { ...parseYamlText(bytes, file), sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** One byte more than a profile may have, reused by every read (reads are synchronous). */
const readBuffer = Buffer.allocUnsafe(MAX_YAML_BYTES + 1);

/** Parses bytes already read; exported for tests and for files checked in memory. */
export function parseYamlText(bytes: Buffer, file: string): YamlReadResult {
  const fail = (at: SourcePosition, message: string): YamlReadResult => ({
    source: undefined,
    diagnostics: [error(at, message)],
  });
  const badByte = firstInvalidUtf8Byte(bytes);
  if (badByte !== -1) {
    const before = bytes.subarray(0, badByte).toString("utf8");
    const lines = before.split("\n");
    return fail(
      { file, line: lines.length, col: (lines.at(-1)?.length ?? 0) + 1 },
      `file is not valid UTF-8 (byte 0x${bytes[badByte]?.toString(16).padStart(2, "0")} at offset ${badByte})`,
    );
  }
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "" || isOnlyComments(text)) {
    return fail(
      { file, line: 1, col: 1 },
      "file is empty; expected a mapping of Graph property names to values",
    );
  }
  // Most profiles are plain `key: value` files, which a small reader handles many times faster
  // than the full YAML parser, keeping no syntax tree; anything else goes through the `yaml` package.
  const simple = parseSimpleYaml(text);
  if (simple) {
    const at = positionsIn(text, file);
    const locate: YamlSource["locate"] = (path, options = {}) =>
      at(simpleOffset(simple.root, path, options.key === true));
    return { source: { file, data: simple.data, locate }, diagnostics: [] };
  }
  return parseWithYamlPackage(text, file);
}

/** Parses with the `yaml` package: every construct, every error. Exported for tests. */
export function parseWithYamlPackage(text: string, file: string): YamlReadResult {
  const fail = (at: SourcePosition, message: string): YamlReadResult => ({
    source: undefined,
    diagnostics: [error(at, message)],
  });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const syntax = [...doc.errors, ...doc.warnings].map((e) =>
    error(at(e.pos[0]), yamlMessage(e.code, e.message)),
  );
  if (syntax.length > 0) return { source: undefined, diagnostics: syntax };

  const root = doc.contents;
  if (!isMap(root)) {
    const found = isSeq(root) ? "a list" : isScalar(root) ? "a single value" : "something else";
    return fail(
      root?.range ? at(root.range[0]) : at(0),
      `expected a mapping of property names to values at the top level, found ${found}`,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(
      at(0),
      /alias/i.test(message) ? `too many YAML aliases (at most ${MAX_YAML_ALIASES}): ${message}` : message,
    );
  }

  const locate: YamlSource["locate"] = (path, options = {}) => {
    const found = findNode(root, path);
    if (!found) return at(root.range?.[0] ?? 0);
    const node = options.key && found.pair ? (found.pair.key as Node | null) : found.node;
    const range = node?.range ?? (found.pair?.key as Node | null)?.range;
    return at(range?.[0] ?? 0);
  };
  return { source: { file, data: data as Record<string, unknown>, locate }, diagnostics: [] };
}

/** Offset -> file:line:col, from the offsets of the line starts (found once, when first asked). */
function positionsIn(text: string, file: string): (offset: number) => SourcePosition {
  let lineStarts: number[] | undefined;
  return (offset) => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { file, line: low + 1, col: offset - (lineStarts[low] as number) + 1 };
  };
}

/** Walks as deep along `path` as the tree allows; returns the deepest node reached and its pair. */
function findNode(
  root: Node,
  path: readonly (string | number)[],
): { node: Node | null; pair?: Pair } | undefined {
  let node: Node | null = root;
  let pair: Pair | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const next: Pair | undefined = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      ) as Pair | undefined;
      if (!next) break;
      pair = next;
      node = next.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      pair = undefined;
      node = item;
    } else {
      break;
    }
  }
  return { node, ...(pair ? { pair } : {}) };
}

function yamlMessage(code: string, message: string): string {
  const first = (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  if (code === "DUPLICATE_KEY") return "duplicate key: each property may appear once";
  if (code === "TAG_RESOLVE_FAILED")
    return `YAML tag ${first.replace(/^Unresolved tag: /, "")} is not allowed`;
  return `YAML syntax error: ${first}`;
}

function isOnlyComments(text: string): boolean {
  return text.split("\n").every((line) => /^\s*(#.*)?$/.test(line) || /^\s*(---|\.\.\.)\s*$/.test(line));
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** Offset of the first byte that breaks UTF-8, or -1 (Node's decoder would silently insert U+FFFD). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let extra: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      extra = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += extra + 1;
  }
  return -1;
}
