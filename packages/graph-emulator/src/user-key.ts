// How a request names a user. Graph takes `/users/{id | userPrincipalName}`, but a UPN beginning
// with `$` must be written `/users('$x@y.com')`: "When the userPrincipalName begins with a `$`
// character, the GET request URL syntax `/users/$x@y.com` fails with a `400 Bad Request` error
// code. This is because this request URL violates the OData URL convention, which expects only
// system query options to be prefixed with a `$` character. Remove the slash (/) after `/users`
// and enclose the userPrincipalName in parentheses and single quotes"
// (learn.microsoft.com/graph/api/user-get, HTTP request). In the key form a quote is doubled.

const PARENTHESIZED = /^users\('((?:[^']|'')*)'\)$/;

/**
 * The decoded segments with a parenthesized key `users('…')` split into `users` and the key,
 * so that every handler sees one shape; whether the key was parenthesized is returned beside them.
 */
export function splitUserKey(segments: readonly string[]): { segments: string[]; parenthesized: boolean } {
  const [first, ...rest] = segments;
  const match = first === undefined ? null : PARENTHESIZED.exec(first);
  if (!match) return { segments: [...segments], parenthesized: false };
  return { segments: ["users", (match[1] as string).replaceAll("''", "'"), ...rest], parenthesized: true };
}

/** Whether `/users/{key}` (with the slash) is a form Graph refuses: a `$` key other than `$count`. */
export function isRefusedSlashKey(key: string): boolean {
  return key.startsWith("$") && key !== "$count";
}
