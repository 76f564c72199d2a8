// Which directory roles put a user's sensitive properties and authentication methods out of the
// emulated app's reach, as the emulator reads Microsoft's documentation (its own reading: nothing
// here comes from roster's code).
//
//   https://learn.microsoft.com/graph/api/resources/users#who-can-perform-sensitive-actions
//     The sensitive properties (accountEnabled, businessPhones, mobilePhone, onPremisesImmutableId,
//     otherMails, passwordProfile, userPrincipalName) and a table: rows are the roles a target user
//     holds, columns the admin roles (Authentication, User, Privileged Authentication and Global
//     Administrator) that may act on such a user.
//   https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions#who-can-perform-sensitive-actions
//     The same table, newer revision (2026-06): adds User Experience Success Manager to the rows
//     everyone may act on, and ends with "All other built-in and custom roles": Privileged
//     Authentication Administrator and Global Administrator only.
//   https://learn.microsoft.com/graph/api/user-update
//     App-only callers: "the app must be assigned a higher privileged administrator role as
//     indicated in Who can perform sensitive actions", on top of the Graph permission.
//   api-reference/v1.0/includes/rbac-for-apis/rbac-authentication-methods-apis-write-others.md
//     Writing another user's authentication methods needs Authentication Administrator or
//     Privileged Authentication Administrator, i.e. columns of the same table.
//
// The emulated app holds its Graph permissions but no directory role. So it may write sensitive
// data only of users that every column may act on: users with no role, or only roles from the rows
// ticked in all four columns (below). Any other role, including one the emulator does not know (a
// custom role, a role added after this list), makes the user privileged: that is the table's last
// row, and the stricter answer. Restricted administrative units are not modelled.
//
// Roles held through a role-assignable group count as held: the group's members hold its active
// roles. And membership itself protects: "To prevent elevation of privilege, you must be assigned
// at least the Privileged Authentication Administrator role to change the credentials, reset MFA,
// or modify sensitive attributes for members and owners of a role-assignable group"
//   https://learn.microsoft.com/entra/identity/role-based-access-control/groups-concept
// so a member or an owner of any of the state's groups (all role-assignable) is privileged, whatever
// the group holds (nothing, or only eligible roles, included).
//
// A user's own PIM eligibilities do NOT count: Graph checks the roles a user holds now, and an
// eligible role is not held until it is activated. An app may therefore change an eligible admin's
// phone methods and sensitive properties; a client that must not do so has to read eligibilities
// itself (GET /roleManagement/directory/roleEligibilityScheduleInstances).

import type { StoredUser } from "./types.js";

/** The roles every admin column of the table may act on (display names, compared case-insensitively). */
export const UNRESTRICTED_ROLES: readonly string[] = [
  "Directory Readers",
  "Guest Inviter",
  "Message Center Reader",
  "Password Administrator",
  "Reports Reader",
  "Usage Summary Reports Reader",
  "User Experience Success Manager",
];

const unrestricted = new Set(UNRESTRICTED_ROLES.map((role) => role.toLowerCase()));

/** The roles a user holds now: their own active roles and those of the groups they belong to. */
export function heldRoles(user: StoredUser): string[] {
  return [...user.roles, ...(user.memberOf ?? []).flatMap((group) => group.roles)];
}

/** True when the user's sensitive properties and methods are beyond the app (see the top of this file). */
export function isPrivilegedUser(user: StoredUser): boolean {
  return (
    (user.memberOf ?? []).length > 0 || (user.ownerOf ?? []).length > 0 || isPrivilegedTarget(heldRoles(user))
  );
}

/** True when holding `roles` puts a user's sensitive properties and methods beyond the app. */
export function isPrivilegedTarget(roles: readonly string[]): boolean {
  return roles.some((role) => !unrestricted.has(role.trim().toLowerCase()));
}
