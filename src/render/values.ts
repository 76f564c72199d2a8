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

export { escapeInvisible } from "../util/text.js";
