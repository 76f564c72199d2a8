// Which directory roles make a user "privileged": Graph refuses an app (without a privileged
// directory role of its own) changes to such a user's sensitive properties and authentication
// methods. A published fact (the sensitive-actions matrix of
// https://learn.microsoft.com/graph/api/resources/users, and its newer revision in
// https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions#who-can-perform-sensitive-actions,
// which adds User Experience Success Manager), used by the plan; the emulator keeps its own copy of
// the table, read independently. Any other role, custom ones included, is privileged.

/** Roles whose holders every admin column of the table (so also a User or Authentication Administrator) may manage. */
const NON_PRIVILEGED_ROLES = new Set(
  [
    "Directory Readers",
    "Guest Inviter",
    "Message Center Reader",
    "Password Administrator",
    "Reports Reader",
    "Usage Summary Reports Reader",
    "User Experience Success Manager",
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
