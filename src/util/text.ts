// Small wording helpers shared by messages and views.

/** `1 user`, `2 users`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const NATURAL = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * Natural, case-insensitive order (`user2` before `user10`, `adele` beside `Adele`), the same on
 * every machine (a fixed locale); ties broken by code point so the order is total.
 */
export function compareNatural(a: string, b: string): number {
  return NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides,
 * written as `\u{…}`. Values come from pull requests: a raw ESC or CSI could rewrite a reviewer's
 * terminal, and a bidi override could make a value read differently from what it is.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).padStart(4, "0")}}`);
}

/** The characters escapeInvisible escapes (one class, so every escaping place agrees on them). */
export const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
