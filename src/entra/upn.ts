// What Entra ID accepts as a userPrincipalName ("Username policies",
// https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#username-policies,
// repeated on https://learn.microsoft.com/graph/api/user-update): before the @ only A–Z a–z 0–9
// and ' . - _ ! # ^ ~ (no accents), at most 64 characters, no "." right before the @; at most 48
// after it. Graph answers anything else with 400 "Property userPrincipalName is invalid.", so
// `roster validate` refuses it first. schema/profile.schema.json carries the same rule as a pattern
// (for editors); this module explains a failure in words.

/** The profile schema's pattern for a UPN (`userPrincipalName`, `manager`). */
export const UPN_PATTERN =
  "^\\$?[A-Za-z0-9'._!#^~-]{0,63}[A-Za-z0-9'_!#^~-]@(?=[^@]{1,48}$)[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$";

const ALLOWED_BEFORE_AT = /^[A-Za-z0-9'._!#^~-]+$/;

/** Why Graph would refuse `upn` as a userPrincipalName, or undefined. */
export function upnProblem(upn: string): string | undefined {
  const at = upn.indexOf("@");
  if (at <= 0 || at !== upn.lastIndexOf("@")) return "is not a user principal name (name@domain)";
  const name = upn.slice(0, at);
  // A `$` may begin it: Graph holds such UPNs (learn.microsoft.com/graph/api/user-get shows
  // `/users('$AdeleVance@contoso.com')`), though the username policy does not list the character.
  const rest = name.startsWith("$") ? name.slice(1) : name;
  const domain = upn.slice(at + 1);
  if (!ALLOWED_BEFORE_AT.test(rest)) {
    const refused = [...new Set([...rest].filter((c) => !ALLOWED_BEFORE_AT.test(c)))];
    return `has characters Graph refuses before the @ (${refused.map((c) => JSON.stringify(c)).join(", ")}): only A-Z a-z 0-9 ' . - _ ! # ^ ~ are allowed`;
  }
  if (name.endsWith(".")) return 'has a "." right before the @, which Graph refuses';
  if (name.length > 64) return `has ${name.length} characters before the @; Graph allows at most 64`;
  if (domain.length > 48) return `has ${domain.length} characters after the @; Graph allows at most 48`;
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domain))
    return "does not end in a domain name (name@contoso.com)";
  return undefined;
}
