// The Microsoft Graph application permissions each call roster makes needs, least privileged first,
// as the permission tables of Microsoft's API pages list them (graph-contract §1.6, §3.4, §4.3;
// https://learn.microsoft.com/graph/permissions-reference). Used to turn a 403 into "grant X".
// The README's permission tables for the roster-plan and roster-apply apps are the sum of these.

interface CallPermissions {
  method: string | RegExp;
  /** On the version-relative path, query excluded. */
  path: RegExp;
  /** Least privileged first; any one of them is enough. */
  permissions: readonly string[];
  /** Why a 403 may come despite the permission. */
  note?: string;
}

const USER = "/users/[^/]+";

const CALLS: readonly CallPermissions[] = [
  {
    method: "GET",
    path: /^\/organization(\/[^/]+)?$/,
    permissions: ["Organization.Read.All", "Directory.Read.All"],
  },
  {
    method: "GET",
    path: new RegExp(`^${USER}/photos?(/.*)?$`),
    permissions: ["ProfilePhoto.Read.All", "User.Read.All"],
  },
  {
    method: /^(PUT|PATCH|DELETE)$/,
    path: new RegExp(`^${USER}/photos?(/.*)?$`),
    permissions: ["ProfilePhoto.ReadWrite.All", "User.ReadWrite.All"],
  },
  {
    method: "GET",
    path: new RegExp(`^${USER}/authentication/phoneMethods(/[^/]+)?$`),
    permissions: ["UserAuthMethod-Phone.Read.All", "UserAuthenticationMethod.Read.All"],
  },
  {
    method: "GET",
    path: new RegExp(`^${USER}/authentication/emailMethods(/[^/]+)?$`),
    permissions: ["UserAuthMethod-Email.Read.All", "UserAuthenticationMethod.Read.All"],
  },
  {
    method: /^(POST|PATCH|DELETE)$/,
    path: new RegExp(`^${USER}/authentication/phoneMethods(/[^/]+)?$`),
    permissions: ["UserAuthMethod-Phone.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    note: "or the user holds an admin role, whose methods only a privileged administrator may change",
  },
  {
    method: /^(POST|PATCH|DELETE)$/,
    path: new RegExp(`^${USER}/authentication/emailMethods(/[^/]+)?$`),
    permissions: ["UserAuthMethod-Email.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
    note: "or the user holds an admin role, whose methods only a privileged administrator may change",
  },
  {
    method: /^(PUT|DELETE)$/,
    path: new RegExp(`^${USER}/manager/\\$ref$`),
    permissions: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
  },
  {
    method: "PATCH",
    path: new RegExp(`^${USER}$`),
    permissions: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    note:
      "phones need User-Phone.ReadWrite.All and otherMails User-Mail.ReadWrite.All if User.ReadWrite.All is not granted; " +
      "or the user holds an admin role, whose sensitive properties only a privileged administrator may change",
  },
  {
    method: "GET",
    path: /^\/directoryRoles(\/.*)?$/,
    permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
  },
  {
    method: "GET",
    path: /^\/roleManagement\/directory\/roleEligibilityScheduleInstances$/,
    permissions: ["RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory"],
  },
  {
    method: "GET",
    path: /^\/groups(\/[^/]+\/(members|owners)(\/.*)?)?$/,
    permissions: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
  },
  {
    method: "GET",
    path: /^\/users(\/.*)?$/,
    permissions: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All"],
  },
];

/** The permissions a call needs (least privileged first), or undefined for a call not in the table. */
export function permissionsFor(
  method: string,
  path: string,
): { permissions: readonly string[]; note?: string } | undefined {
  const bare = path.split("?")[0] ?? path;
  const call = CALLS.find(
    (c) => (typeof c.method === "string" ? c.method === method : c.method.test(method)) && c.path.test(bare),
  );
  return call && { permissions: call.permissions, ...(call.note ? { note: call.note } : {}) };
}

/** The hint for a 403: which application permission to grant, with admin consent. */
export function permissionHint(method: string, path: string): string {
  const needed = permissionsFor(method, path);
  if (!needed) {
    return "the app lacks a Microsoft Graph permission for this call; check its API permissions and admin consent";
  }
  const [first, ...others] = needed.permissions;
  const alternatives = others.length > 0 ? ` (or ${others.join(", ")})` : "";
  const note = needed.note ? `; ${needed.note}` : "";
  return `grant the app the Microsoft Graph application permission ${first}${alternatives} and admin consent (README, "Setting up Azure and GitHub")${note}`;
}
