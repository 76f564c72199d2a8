// Which Microsoft Graph application permissions each route needs, as the permission tables of
// Microsoft's API pages list them for the Application permission type (least privileged first,
// then the higher privileged ones; any one is enough). A caller holding none of a route's
// permissions gets Graph's 403 `Authorization_RequestDenied`, also for an item inside `$batch`.
// With no apps declared in the state every caller holds every permission (quick experiments).
//
// Pages (learn.microsoft.com/graph/api/…; repository microsoftgraph/microsoft-graph-docs-contrib,
// api-reference/v1.0/api/*.md and includes/permissions/*-permissions.md):
//   user-list, user-get, user-delta              User.Read.All | User.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All
//   user-post-users                               User.Create | User.ReadWrite.All, Directory.ReadWrite.All (User.Create: 2026-07)
//   user-update                                   User.ReadUpdate.All | User.ReadWrite.All, Directory.ReadWrite.All, and
//                                                 "Permissions for specific scenarios" per property (PATCH_PROPERTIES below)
//   user-list-manager                             User.Read.All | User.ReadWrite.All, Directory.Read.All, Directory.ReadWrite.All
//   user-post-manager, user-delete-manager        User.ReadWrite.All | Directory.ReadWrite.All
//   profilephoto-get (user)                       ProfilePhoto.Read.All | ProfilePhoto.ReadWrite.All, User.Read.All, User.ReadWrite.All
//   profilephoto-update, profilephoto-delete      ProfilePhoto.ReadWrite.All | User.ReadWrite.All
//   authentication-list-phonemethods,
//   phoneauthenticationmethod-get                 UserAuthMethod-Phone.Read.All | UserAuthenticationMethod.ReadWrite.All,
//                                                 UserAuthenticationMethod.Read.All, UserAuthMethod-Phone.ReadWrite.All
//   authentication-post-phonemethods,
//   phoneauthenticationmethod-update/-delete      UserAuthMethod-Phone.ReadWrite.All | UserAuthenticationMethod.ReadWrite.All
//   the email-method pages                        the same with UserAuthMethod-Email.* (per-method permissions: whats-new,
//                                                 October 2025)
//   authentication-list-methods                   UserAuthenticationMethod.Read.All | UserAuthenticationMethod.ReadWrite.All
//   directoryrole-list, -get, -list-members       RoleManagement.Read.Directory | RoleManagement.ReadWrite.Directory,
//                                                 Directory.Read.All, Directory.ReadWrite.All
//   organization-list, organization-get           Organization.Read.All | Organization.ReadWrite.All, Directory.Read.All,
//                                                 Directory.ReadWrite.All
//   group-list-members (incl. the user cast)      GroupMember.Read.All | Directory.Read.All, Group.Read.All, Group.ReadWrite.All,
//                                                 GroupMember.ReadWrite.All (the page lists no Directory.ReadWrite.All)
//   group-list-owners                             GroupMember.Read.All | Group.Read.All, GroupMember.ReadWrite.All, Group.ReadWrite.All,
//                                                 Directory.Read.All (no Directory.ReadWrite.All either)
//   group-list                                    GroupMember.Read.All | Group.Read.All, Directory.Read.All, Group.ReadWrite.All,
//                                                 Directory.ReadWrite.All
//   rbacapplication-list-                          RoleEligibilitySchedule.Read.Directory | RoleEligibilitySchedule.ReadWrite.Directory,
//   roleeligibilityscheduleinstances              RoleManagement.Read.All, RoleManagement.Read.Directory, RoleManagement.ReadWrite.Directory
//
// A permission written `A+B` is a combination: the caller needs both (user-update: "User.EnableDisableAccount.All +
// User.Read.All is the least privileged combination of permissions to update the accountEnabled property").
import { insufficientPrivileges } from "./errors.js";
import type { EmulatorRequest } from "./types.js";

/** Any one of these (each possibly an `A+B` combination) satisfies a requirement. */
export type AnyOf = readonly string[];

const USER_READ: AnyOf = [
  "User.Read.All",
  "User.ReadWrite.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
];
const USER_UPDATE: AnyOf = ["User.ReadUpdate.All", "User.ReadWrite.All", "Directory.ReadWrite.All"];
const MANAGER_WRITE: AnyOf = ["User.ReadWrite.All", "Directory.ReadWrite.All"];
const PHOTO_READ: AnyOf = [
  "ProfilePhoto.Read.All",
  "ProfilePhoto.ReadWrite.All",
  "User.Read.All",
  "User.ReadWrite.All",
];
const PHOTO_WRITE: AnyOf = ["ProfilePhoto.ReadWrite.All", "User.ReadWrite.All"];
const methodRead = (kind: "Phone" | "Email"): AnyOf => [
  `UserAuthMethod-${kind}.Read.All`,
  "UserAuthenticationMethod.ReadWrite.All",
  "UserAuthenticationMethod.Read.All",
  `UserAuthMethod-${kind}.ReadWrite.All`,
];
const methodWrite = (kind: "Phone" | "Email"): AnyOf => [
  `UserAuthMethod-${kind}.ReadWrite.All`,
  "UserAuthenticationMethod.ReadWrite.All",
];

/**
 * user-update, "Permissions for specific scenarios" and the property table: properties with a least
 * privileged permission of their own. Which of them User.ReadUpdate.All (new in 2026) also covers
 * is not stated; the emulator takes the stricter reading that it covers none of them, so a
 * phone, `otherMails` or `accountEnabled` write needs its own permission or User.ReadWrite.All.
 */
export const PATCH_PROPERTIES: Readonly<Record<string, AnyOf>> = {
  businessPhones: ["User-Phone.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  mobilePhone: ["User-Phone.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  otherMails: ["User-Mail.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  accountEnabled: [
    "User.EnableDisableAccount.All+User.Read.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
  ],
  passwordProfile: ["User-PasswordProfile.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  // "the app must be granted the User.Read.All and User-LifeCycleInfo.ReadWrite.All permissions"
  employeeLeaveDateTime: ["User-LifeCycleInfo.ReadWrite.All+User.Read.All"],
  // "User.ManageIdentities.All is required to update the identities property"
  identities: ["User.ManageIdentities.All"],
};

interface RouteRule {
  methods: readonly string[];
  /** On the path after /v1.0 (percent-decoded), query excluded. */
  path: RegExp;
  /** `body` = PATCH /users/{id}: one requirement per property of the body. */
  anyOf: AnyOf | "body";
}

const USER = "/users/[^/]+";

/** First match wins; a request no rule matches (a wrong path or method) needs no permission. */
export const ROUTES: readonly RouteRule[] = [
  { methods: ["GET"], path: /^\/users(\/\$count|\/delta)?$/, anyOf: USER_READ },
  {
    methods: ["POST"],
    path: /^\/users$/,
    anyOf: ["User.Create", "User.ReadWrite.All", "Directory.ReadWrite.All"],
  },
  { methods: ["GET"], path: new RegExp(`^${USER}$`), anyOf: USER_READ },
  { methods: ["PATCH"], path: new RegExp(`^${USER}$`), anyOf: "body" },
  { methods: ["GET"], path: new RegExp(`^${USER}/manager(/\\$ref)?$`), anyOf: USER_READ },
  { methods: ["PUT", "DELETE"], path: new RegExp(`^${USER}/manager/\\$ref$`), anyOf: MANAGER_WRITE },
  { methods: ["GET"], path: new RegExp(`^${USER}/photos?(/.*)?$`), anyOf: PHOTO_READ },
  { methods: ["PUT", "PATCH", "DELETE"], path: new RegExp(`^${USER}/photos?(/.*)?$`), anyOf: PHOTO_WRITE },
  {
    methods: ["GET"],
    path: new RegExp(`^${USER}/authentication/phoneMethods(/[^/]+)?$`),
    anyOf: methodRead("Phone"),
  },
  {
    methods: ["POST", "PATCH", "DELETE"],
    path: new RegExp(`^${USER}/authentication/phoneMethods(/[^/]+)?$`),
    anyOf: methodWrite("Phone"),
  },
  {
    methods: ["GET"],
    path: new RegExp(`^${USER}/authentication/emailMethods(/[^/]+)?$`),
    anyOf: methodRead("Email"),
  },
  {
    methods: ["POST", "PATCH", "DELETE"],
    path: new RegExp(`^${USER}/authentication/emailMethods(/[^/]+)?$`),
    anyOf: methodWrite("Email"),
  },
  {
    methods: ["GET"],
    path: new RegExp(`^${USER}/authentication/methods(/[^/]+)?$`),
    anyOf: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  },
  {
    methods: ["GET"],
    path: /^\/directoryRoles(\/.*)?$/,
    anyOf: [
      "RoleManagement.Read.Directory",
      "RoleManagement.ReadWrite.Directory",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  {
    methods: ["GET"],
    path: /^\/groups\/[^/]+\/members(\/microsoft\.graph\.user)?$/,
    anyOf: [
      "GroupMember.Read.All",
      "Directory.Read.All",
      "Group.Read.All",
      "Group.ReadWrite.All",
      "GroupMember.ReadWrite.All",
    ],
  },
  {
    methods: ["GET"],
    path: /^\/groups\/[^/]+\/owners$/,
    anyOf: [
      "GroupMember.Read.All",
      "Group.Read.All",
      "GroupMember.ReadWrite.All",
      "Group.ReadWrite.All",
      "Directory.Read.All",
    ],
  },
  {
    methods: ["GET"],
    path: /^\/groups$/,
    anyOf: [
      "GroupMember.Read.All",
      "Group.Read.All",
      "Directory.Read.All",
      "Group.ReadWrite.All",
      "Directory.ReadWrite.All",
    ],
  },
  {
    methods: ["GET"],
    path: /^\/roleManagement\/directory\/roleEligibilityScheduleInstances$/,
    anyOf: [
      "RoleEligibilitySchedule.Read.Directory",
      "RoleEligibilitySchedule.ReadWrite.Directory",
      "RoleManagement.Read.All",
      "RoleManagement.Read.Directory",
      "RoleManagement.ReadWrite.Directory",
    ],
  },
  {
    methods: ["GET"],
    path: /^\/organization(\/[^/]+)?$/,
    anyOf: [
      "Organization.Read.All",
      "Organization.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
];

/** Every permission name the table uses: a state file may grant only these (typos fail loudly). */
export const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set(
  [
    ...ROUTES.flatMap((rule) => (rule.anyOf === "body" ? [] : rule.anyOf)),
    ...USER_UPDATE,
    ...Object.values(PATCH_PROPERTIES).flat(),
  ].flatMap((entry) => entry.split("+")),
);

/** What a request needs: every entry must be satisfied by one of its alternatives. */
export function requirementsOf(req: Pick<EmulatorRequest, "method" | "path" | "body">): AnyOf[] {
  const rule = ROUTES.find((r) => r.methods.includes(req.method) && r.path.test(req.path));
  if (!rule) return [];
  if (rule.anyOf !== "body") return [rule.anyOf];
  // Own properties only: a body key such as `constructor` must not reach Object's prototype.
  return bodyProperties(req.body).map((name) =>
    Object.hasOwn(PATCH_PROPERTIES, name) ? (PATCH_PROPERTIES[name] as AnyOf) : USER_UPDATE,
  );
}

/** Throws Graph's 403 unless the caller holds what the request needs. */
export function authorize(req: EmulatorRequest): void {
  const { permissions } = req.caller;
  if (permissions === undefined) return;
  for (const anyOf of requirementsOf(req)) {
    if (!anyOf.some((entry) => entry.split("+").every((name) => permissions.has(name))))
      throw insufficientPrivileges();
  }
}

/** The property names of a JSON PATCH body; an unreadable body needs the plain update permission. */
function bodyProperties(body: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const names = Object.keys(parsed).filter((name) => !name.startsWith("@odata."));
      if (names.length > 0) return names;
    }
  } catch {
    // The route answers the malformed body itself; the permission is that of any update.
  }
  return ["(update)"];
}
