// Authentication contact methods are masked wherever a person may read them: plans are posted on
// pull requests. The diff masks the tenant's `before` with this; `after` holds the repository's
// full value (apply needs it), so the views and the apply report mask it here the same way.
import { canonicalPhoneNumber } from "../entra/phone.js";

export const MASK = "•";

/** Whether a change path names an authentication method (`authentication.mobile` and so on). */
export function isAuthPath(path: string): boolean {
  return path.startsWith("authentication.");
}

/** Digits of a phone number a mask keeps: enough to tell two numbers of one person apart, too few to
 * recover a number (with the country code, 10^(n-2) candidates stay for an n-digit number). */
export const KEPT_DIGITS = 2;

/**
 * `+1 ••••••••10` or `a•••@personal.example`. Idempotent, so an already masked `before` passes
 * through unchanged, and safe on anything else: never more than the country code and the last
 * {@link KEPT_DIGITS} digits survive.
 */
export function maskAuthValue(path: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // A non-string value is malformed; showing its shape could still leak it.
  if (typeof value !== "string") return MASK.repeat(3);
  return path === "authentication.email" ? maskEmail(value) : maskPhone(value);
}

function maskEmail(value: string): string {
  // Split at the last `@`: a local part may itself contain one (quoted), the domain cannot.
  const at = value.lastIndexOf("@");
  const local = at < 0 ? value : value.slice(0, at);
  const domain = at < 0 ? "" : `@${value.slice(at + 1)}`;
  return `${[...local].slice(0, 1).join("")}${MASK.repeat(3)}${domain}`;
}

function maskPhone(value: string): string {
  const canonical = canonicalPhoneNumber(value);
  if (canonical !== undefined) {
    // The national part (with any extension) keeps its last digits.
    const [country = "", national = ""] = canonical.split(" ");
    return `${country} ${MASK.repeat(Math.max(0, national.length - KEPT_DIGITS))}${national.slice(-KEPT_DIGITS)}`;
  }
  // Not a number we can parse (or already masked): keep a leading `+CC ` and the last digits and
  // mask characters that follow; drop everything else.
  const country = /^\s*(\+\d{1,3})\s+/.exec(value);
  const rest = country ? value.slice(country[0].length) : value;
  const kept = [...rest].filter((c) => c === MASK || (c >= "0" && c <= "9"));
  const tail = kept.slice(-KEPT_DIGITS).join("");
  const masked = `${MASK.repeat(Math.max(0, kept.length - KEPT_DIGITS))}${tail}`;
  return country ? `${country[1]} ${masked}` : masked;
}
