// Which directory roles make a user "privileged": Graph refuses an app (without a privileged
// directory role of its own) changes to such a user's sensitive properties and authentication
// methods. A published fact (the sensitive-actions matrix of
// https://learn.microsoft.com/graph/api/resources/users), used by the plan; the emulator keeps its
// own copy of the table, read independently.

/** Roles whose holders a User or Authentication Administrator may still manage. */
const NON_PRIVILEGED_ROLES = new Set(
  [
    "Directory Readers",
    "Guest Inviter",
    "Message Center Reader",
    "Password Administrator",
    "Reports Reader",
    "Usage Summary Reports Reader",
  ].map((role) => role.toLowerCase()),
);

/** Whether a user holding `roles` is out of reach of an app without a privileged directory role. */
export function isPrivilegedTarget(roles: readonly string[]): boolean {
  return roles.some((role) => !NON_PRIVILEGED_ROLES.has(role.toLowerCase()));
}

/** User properties Graph treats as sensitive for privileged targets. */
export const SENSITIVE_USER_PROPERTIES: ReadonlySet<string> = new Set([
  "accountEnabled",
  "businessPhones",
  "mobilePhone",
  "onPremisesImmutableId",
  "otherMails",
  "passwordProfile",
  "userPrincipalName",
]);
