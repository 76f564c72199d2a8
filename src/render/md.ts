// Escaping for the markdown view. Every value in a plan comes from a pull request, so none may
// break a table, open HTML, or ping people: values go into code spans (literal by definition),
// free text is backslash-escaped, and text inside raw HTML (`<summary>`) is entity-escaped.
import { escapeInvisible } from "./values.js";

/** A code span holding `text` literally; `inTable` also escapes `|`, which GFM splits cells on. */
export function code(text: string, options: { inTable?: boolean } = {}): string {
  const visible = escapeInvisible(text);
  if (visible === "") return "*empty*";
  // The fence must be longer than any backtick run inside. CommonMark strips one space from each
  // side when both are there, so a space on each side lets content start or end with a backtick
  // (or with spaces of its own) and still read back exactly.
  const longestRun = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = /^[` ]|[` ]$/.test(visible) && visible.trim() !== "" ? " " : "";
  const span = `${fence}${pad}${visible}${pad}${fence}`;
  // GFM unescapes `\|` inside any inline, code spans included, and never splits on it.
  return options.inTable ? span.replaceAll("|", "\\|") : span;
}

/**
 * Free text (messages, reasons) as inert markdown: ASCII punctuation that could start markup is
 * backslash-escaped. Two things are kept, re-emitted through {@link code} so they stay literal:
 * `backticked` words, which planner messages use for keys, and `@name`, which GitHub would
 * otherwise turn into a notification.
 */
export function text(raw: string): string {
  const visible = escapeInvisible(raw);
  let out = "";
  let last = 0;
  for (const match of visible.matchAll(/`([^`]+)`|(?<![\w@])@[\w./-]+/g)) {
    out += escapePunctuation(visible.slice(last, match.index));
    out += code(match[1] ?? match[0]);
    last = match.index + match[0].length;
  }
  out += escapePunctuation(visible.slice(last));
  // What would start a list, heading or thematic break at the beginning of a line.
  return out.replace(/^([-+=])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
}

function escapePunctuation(raw: string): string {
  return raw.replace(/[\\`*_{}[\]()<>#!|~&]/g, "\\$&");
}

/** Text for raw HTML such as `<summary>`, where markdown is not parsed. */
export function html(raw: string): string {
  return escapeInvisible(raw).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

/** At most `max` characters, saying how long the whole was; the JSON plan always has it all. */
export function clip(raw: string, max: number): { text: string; clipped: boolean; length: number } {
  const chars = [...raw];
  if (chars.length <= max) return { text: raw, clipped: false, length: chars.length };
  return { text: `${chars.slice(0, max).join("")}…`, clipped: true, length: chars.length };
}
