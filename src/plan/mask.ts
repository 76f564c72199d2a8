// Authentication contact methods are masked wherever a person may read them: plans are posted on
// pull requests. The diff masks the tenant's `before` with this; `after` holds the repository's
// full value (apply needs it), so the views and the apply report mask it here the same way.
import { canonicalPhoneNumber } from "../entra/phone.js";

export const MASK = "•";

/** Whether a change path names an authentication method (`authentication.mobile` and so on). */
export function isAuthPath(path: string): boolean {
  return path.startsWith("authentication.");
}

/**
 * `+1 •••••••0110` or `a•••@personal.example`. Idempotent, so an already masked `before` passes
 * through unchanged, and safe on anything else: never more than the country code and four
 * trailing characters survive.
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
    // The national part (with any extension) keeps its last four.
    const [country = "", national = ""] = canonical.split(" ");
    return `${country} ${MASK.repeat(Math.max(0, national.length - 4))}${national.slice(-4)}`;
  }
  // Not a number we can parse (or already masked): keep a leading `+CC ` and the last four of
  // the digits and mask characters that follow; drop everything else.
  const country = /^\s*(\+\d{1,3})\s+/.exec(value);
  const rest = country ? value.slice(country[0].length) : value;
  const kept = [...rest].filter((c) => c === MASK || (c >= "0" && c <= "9"));
  const tail = kept.slice(-4).join("");
  const masked = `${MASK.repeat(Math.max(0, kept.length - 4))}${tail}`;
  return country ? `${country[1]} ${masked}` : masked;
}
