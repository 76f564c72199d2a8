// Phone numbers in the form Microsoft Graph keeps for authentication phone methods:
// `+{country code} {national number}` with an optional `x{extension}`, e.g. `+1 4255550100x123`
// (https://learn.microsoft.com/graph/api/resources/phoneauthenticationmethod). Pure functions for
// validation, the plan (to compare a profile's number with the tenant's) and apply. The emulator
// has its own reading of the same page, so a mistake here is caught there, not copied.
import { parsePhoneNumberWithError } from "libphonenumber-js";

/** A trailing `x123` extension, the only extension syntax Graph documents. */
const EXTENSION = /^(.*?)\s*x(\d{1,10})$/i;
/** `+` then digits, optionally grouped by spaces, hyphens, dots or parentheses. */
const GROUPED_NUMBER = /^\+[\d\s().-]+$/;
/** What Graph wants on the wire: the country code, exactly one space, then the number. */
const GRAPH_WIRE_FORMAT = /^\+(\d{1,3}) \(?\d/;

/**
 * The canonical form `+CC NATIONALNUMBER[xEXT]` of an international number, or `undefined` when
 * `input` is not one. Grouping is free (`+1 (425) 555-0100`, `+14255550100`), a national trunk
 * prefix is dropped (`+44 07777 777777` → `+44 7777777777`), and the length must be possible for
 * the country. Numbering-plan validity is not checked: Graph's own example `+1 5555551234` has no
 * real US area code, yet Graph accepts it.
 */
export function canonicalPhoneNumber(input: string): string | undefined {
  const trimmed = input.trim();
  const extension = EXTENSION.exec(trimmed);
  const main = extension?.[1] ?? trimmed;
  if (!GROUPED_NUMBER.test(main)) return undefined;
  const digits = main.replace(/\D/g, "");
  // E.164 caps a number at 15 digits including the country code.
  if (digits.length > 15) return undefined;
  try {
    const parsed = parsePhoneNumberWithError(`+${digits}`);
    if (!parsed.isPossible()) return undefined;
    const suffix = extension?.[2] === undefined ? "" : `x${extension[2]}`;
    return `+${parsed.countryCallingCode} ${parsed.nationalNumber}${suffix}`;
  } catch {
    return undefined;
  }
}

/**
 * The canonical form of a number sent to Graph's phone-method endpoints, or `undefined` when Graph
 * would refuse it. Stricter than {@link canonicalPhoneNumber}: the country code must be followed by
 * a space (`+14255550100` is refused) and must be the number's real calling code. Grouping after
 * the space is tolerated and normalised away, so a number may read back differently from how it
 * was sent (Graph accepts `+44 07777777777`, as used by manicminer/hamilton's live-tenant tests).
 */
export function canonicalGraphPhoneNumber(input: string): string | undefined {
  const wire = GRAPH_WIRE_FORMAT.exec(input);
  if (wire === null) return undefined;
  const canonical = canonicalPhoneNumber(input);
  return canonical?.startsWith(`+${wire[1]} `) ? canonical : undefined;
}

/** Whether two numbers are the same once canonicalised; numbers that do not parse never match. */
export function samePhoneNumber(a: string, b: string): boolean {
  const left = canonicalPhoneNumber(a);
  return left !== undefined && left === canonicalPhoneNumber(b);
}
