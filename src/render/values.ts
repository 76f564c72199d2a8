// How one side of a change reads to a reviewer; shared by the text and markdown views so both
// show the same thing: JSON for attributes, a UPN for managers, a file for photos, masked
// authentication methods.

import { isAuthPath, maskAuthValue } from "../plan/mask.js";
import type { ChangeKind } from "../plan/types.js";

export interface ValueChange {
  kind: ChangeKind;
  path: string;
  before: unknown;
  after: unknown;
}

export const CURRENT_PHOTO = "(current photo)";

export function displayValue(change: ValueChange, side: "before" | "after"): string {
  const value = change[side];
  if (value === null || value === undefined) return "null";
  // Checked on the path as well as the kind: a value under `authentication.` is never shown whole.
  if (change.kind === "authMethod" || isAuthPath(change.path)) {
    return JSON.stringify(maskAuthValue(change.path, value));
  }
  if (change.kind === "manager") return stringField(value, "userPrincipalName") ?? json(value);
  // The tenant side of a photo has only an etag and a hash: nothing a reviewer can look at.
  if (change.kind === "photo") return stringField(value, "file") ?? CURRENT_PHOTO;
  return json(value);
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides,
 * written as `\u{…}`. Values come from pull requests: a raw ESC or CSI could rewrite a reviewer's
 * terminal, and a bidi override could make a value read differently from what it is.
 */
export function escapeInvisible(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u{${c.codePointAt(0)!.toString(16).padStart(4, "0")}}`,
  );
}
