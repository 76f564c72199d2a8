// Which directory roles make a user "privileged": Graph refuses an app (without a privileged
// directory role of its own) changes to such a user's sensitive properties and authentication
// methods. roster also counts the roles a user may activate (PIM eligibility), which Graph does not:
// an eligible Global Administrator is one activation away from holding the role. A published fact (the sensitive-actions matrix of
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

const ELIGIBLE = " (eligible)";

/**
 * How a user holds a role, as the plan shows it: `Global Administrator`, `Global Administrator
 * (eligible)`, `Helpdesk Administrator (through group Tier 1)`.
 */
export function roleLabel(role: string, how: { eligible?: boolean; group?: string } = {}): string {
  const eligible = how.eligible ? ELIGIBLE : "";
  return how.group === undefined ? `${role}${eligible}` : `${role}${eligible} (through group ${how.group})`;
}

/**
 * How a user is tied to a role-assignable group that gives them no role label (it holds and may
 * activate none): `member of role-assignable group Spare`, `owner of role-assignable group Spare`.
 */
export function roleAssignableGroupLabel(how: "member" | "owner", group: string): string {
  return `${how} of role-assignable group ${group}`;
}

/**
 * Whether a user holding `roles` (labels of roleLabel and roleAssignableGroupLabel) is out of reach
 * of roster. A role held through a group, and membership or ownership of a role-assignable group,
 * always count: "you must be assigned at least the Privileged Authentication Administrator role to
 * change the credentials, reset MFA, or modify sensitive attributes for members and owners of a
 * role-assignable group" ("Use Microsoft Entra groups to manage role assignments",
 * learn.microsoft.com/entra/identity/role-based-access-control/groups-concept), whatever the
 * group's role, if any.
 */
export function isPrivilegedTarget(roles: readonly string[]): boolean {
  return roles.some(isPrivilegedLabel);
}

/**
 * Whether the user's only privileged roles are roles they may activate (PIM), none held now: Graph
 * itself would let an app change them, so only roster's own rule keeps it from doing so.
 */
export function isEligibleOnly(roles: readonly string[]): boolean {
  const privileged = roles.filter(isPrivilegedLabel);
  return privileged.length > 0 && privileged.every((label) => label.endsWith(ELIGIBLE));
}

function isPrivilegedLabel(label: string): boolean {
  const role = label.toLowerCase();
  const name = role.endsWith(ELIGIBLE) ? role.slice(0, -ELIGIBLE.length) : role;
  return !NON_PRIVILEGED_ROLES.has(name);
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
