// What Entra ID allows in a userPrincipalName, as the emulator reads the "Username policies" of
// https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#username-policies
// (also quoted by user-update: "This property can't contain accent characters. Only the following
// characters are allowed A - Z, a - z, 0 - 9, ' . - _ ! # ^ ~"):
//   - before the @: only A–Z a–z 0–9 ' . - _ ! # ^ ~, at most 64 characters, no "." right before the @;
//   - one @ only; at most 48 characters after it; 113 in all.
// The domain part is checked against the tenant's verified domains elsewhere (validation.ts).

// A `$` may also begin a UPN: the user-get page shows `/users('$AdeleVance@contoso.com')`.
const LOCAL = /^\$?[A-Za-z0-9'.\-_!#^~]+$/;
const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** Why Graph would refuse `upn`, or undefined when it is allowed. */
export function upnProblem(upn: string): string | undefined {
  const at = upn.indexOf("@");
  if (at <= 0 || at !== upn.lastIndexOf("@")) return "it must be one name, one @ and a domain";
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  if (!LOCAL.test(local))
    return "only A-Z a-z 0-9 ' . - _ ! # ^ ~ may come before the @ (no accents, no spaces)";
  if (local.endsWith(".")) return 'a "." cannot come right before the @';
  if (local.length > 64) return "at most 64 characters may come before the @";
  if (domain.length > 48 || !DOMAIN.test(domain))
    return "the part after the @ must be a domain name of at most 48 characters";
  if (upn.length > 113) return "a userPrincipalName has at most 113 characters";
  return undefined;
}
