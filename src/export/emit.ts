// Profile data -> YAML text that diffs well and reads back exactly: keys in the order given, one
// per line (a single business phone as a one-line list), no line folding, no timestamps, and quotes
// only where YAML needs them. "Needs" is judged by YAML 1.2, which roster reads, and by YAML 1.1,
// which many other tools still read: `No`, `on`, `2014-01-01` or `1:20` stay strings for both.
// Every text is parsed back before it is returned. Pure.
import { isDeepStrictEqual } from "node:util";
import { Document, isMap, isScalar, isSeq, parse, Scalar, visit } from "yaml";

/** Lists shown on one line (Graph accepts a single business phone on write). */
const FLOW_LISTS = new Set(["businessPhones"]);

export function profileYaml(data: Record<string, unknown>, comment: readonly string[] = []): string {
  const doc = new Document(data, { version: "1.2" });
  if (comment.length > 0) doc.commentBefore = comment.join("\n");
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value))
        pair.value.flow = true;
      if (isMap(pair.value)) pair.value.flow = false;
    },
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      if (!readsBackAsItself(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
  const back = parse(text, { version: "1.2" });
  if (!isDeepStrictEqual(back, data))
    throw new Error(`internal: the YAML written does not read back as the profile\n${text}`);
  return text;
}

const verdicts = new Map<string, boolean>();
/** Plain text that any tool reads as this very string: letters, digits and gentle punctuation. */
const OBVIOUSLY_PLAIN = /^[A-Za-z][A-Za-z0-9 ._/()&'@,+-]*[A-Za-z0-9.)]$/;
const YAML11_WORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;

/**
 * Whether `value`, written bare, reads back as itself in YAML 1.2 and 1.1. Strings that would not
 * are double-quoted; the rest are left to the library, which quotes what YAML's grammar requires.
 */
function readsBackAsItself(value: string): boolean {
  if (OBVIOUSLY_PLAIN.test(value) && !YAML11_WORDS.test(value) && !/: | #/.test(value)) return true;
  const known = verdicts.get(value);
  if (known !== undefined) return known;
  let verdict: boolean;
  try {
    verdict =
      parse(value, { version: "1.2" }) === value &&
      parse(value, { version: "1.1" }) === value &&
      !value.includes("\n");
  } catch {
    verdict = false;
  }
  // Departments, cities and titles repeat across thousands of profiles.
  if (verdicts.size < 100_000) verdicts.set(value, verdict);
  return verdict;
}
