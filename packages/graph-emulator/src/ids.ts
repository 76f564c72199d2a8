// Deterministic object ids: a user without an `id` in the state file gets one derived from its
// lower-cased UPN, so the same state file always yields the same ids (reproducible demos, stable
// plans and snapshots across runs).
import { createHash } from "node:crypto";

/** A name-based (version 5 style, SHA-1) UUID for `name` within `namespace`. */
export function uuidFromName(namespace: string, name: string): string {
  const hash = createHash("sha1").update(`${namespace}\u0000${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function userIdFromUpn(upn: string): string {
  return uuidFromName("user", upn.toLowerCase());
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
