// Many small reads from git's object database in one process each: `git cat-file --batch` for
// contents and `--batch-check` for existence, keyed by `<commit>:<path>` specs. History reads a
// profile at dozens of commits; one git process per read would dominate its run time.
import type { Git } from "./git.js";

export interface ObjectInfo {
  oid: string;
  type: string;
}

export interface ObjectContent extends ObjectInfo {
  content: Buffer;
}

/** Contents of each spec (`<commit>:<path>`), or null when git has no such object. */
export async function readObjects(
  git: Git,
  specs: Iterable<string>,
): Promise<Map<string, ObjectContent | null>> {
  const unique = usable(specs);
  const result = new Map<string, ObjectContent | null>();
  if (unique.length === 0) return result;
  const out = await git.bytes(["cat-file", "--batch"], { input: `${unique.join("\n")}\n` });
  let at = 0;
  for (const spec of unique) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString("utf8");
    at = eol + 1;
    const parsed = parseHeader(header);
    if (!parsed) {
      result.set(spec, null);
      continue;
    }
    result.set(spec, { oid: parsed.oid, type: parsed.type, content: out.subarray(at, at + parsed.size) });
    at += parsed.size + 1; // the contents are followed by a newline
  }
  return result;
}

/** Object id and type of each spec, or null when it does not exist. */
export async function checkObjects(
  git: Git,
  specs: Iterable<string>,
): Promise<Map<string, ObjectInfo | null>> {
  const unique = usable(specs);
  const result = new Map<string, ObjectInfo | null>();
  if (unique.length === 0) return result;
  const out = await git.text(["cat-file", "--batch-check"], { input: `${unique.join("\n")}\n` });
  const lines = out.split("\n");
  unique.forEach((spec, i) => {
    const parsed = parseHeader(lines[i] ?? "");
    result.set(spec, parsed ? { oid: parsed.oid, type: parsed.type } : null);
  });
  return result;
}

/** `<oid> <type> <size>`; anything else (`<spec> missing`, `ambiguous`) is no object. */
function parseHeader(line: string): { oid: string; type: string; size: number } | undefined {
  const match = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(line);
  if (!match) return undefined;
  return { oid: match[1]!, type: match[2]!, size: Number(match[3]) };
}

/** Distinct specs git's line protocol can carry (a path with a newline cannot be asked for). */
function usable(specs: Iterable<string>): string[] {
  return [...new Set(specs)].filter((spec) => !spec.includes("\n"));
}
