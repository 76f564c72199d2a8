// The tenant reader's one error: a read that returned something roster cannot use.
import { RosterError } from "../errors.js";
import type { BatchGetResult } from "./graph-slice.js";

/** A tenant read that returned something roster cannot use (a failed per-user read). */
export class TenantReadError extends RosterError {}

/** A failed `$batch` item as one line naming what was read for whom, with Graph's hint (a 403's permission). */
export function itemError(
  what: string,
  user: { userPrincipalName: string },
  result: BatchGetResult,
): TenantReadError {
  const hint = result.error?.hint;
  return new TenantReadError(
    `reading the ${what} of ${user.userPrincipalName} failed: HTTP ${result.status}${result.errorCode ? ` ${result.errorCode}` : ""}`,
    hint ? { hint } : {},
  );
}
