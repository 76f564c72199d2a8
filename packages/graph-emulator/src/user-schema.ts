// The catalog of user properties the emulator knows: type, length limit, whether a PATCH may set
// it, whether on-premises AD masters it for synced users, and how `$filter` may use it. One table
// drives `$select`, `$filter`, PATCH validation and state-file checks, so they cannot disagree.
// Sources: graph-contract §1.2-§1.6 and @microsoft/microsoft-graph-types' `User`.

export type PropType = "string" | "boolean" | "stringArray" | "dateTime" | "orgData" | "extAttrs" | "object";

/** How `$filter` may use a property: `basic` = eq/in/ge/le (+ne/not in advanced mode). */
export interface FilterSupport {
  startsWith?: boolean;
  /** `endsWith` exists only in advanced mode and only for these few properties. */
  endsWith?: boolean;
  /** `any(x: x eq …)` lambda on a collection. */
  any?: boolean;
}

export interface PropSpec {
  type: PropType;
  maxLength?: number;
  /** PATCH may set it. Absent = read-only. */
  writable?: boolean;
  /** Mastered by on-premises AD: refused for users with `onPremisesSyncEnabled: true`. */
  synced?: boolean;
  /** Sensitive (graph-contract §1.6): refused on targets that hold an admin role. */
  sensitive?: boolean;
  /** Cannot be cleared with `null`. */
  notNull?: boolean;
  /** Returned without `$select`. */
  isDefault?: boolean;
  /** Allowed values (besides null). */
  values?: readonly string[];
  /** Filterable; undefined = not filterable. */
  filter?: FilterSupport;
  /** Backed by SharePoint Online: single GET only, never on the collection. */
  sharePoint?: boolean;
}

const str = (maxLength?: number, extra: Partial<PropSpec> = {}): PropSpec => ({
  type: "string",
  ...(maxLength === undefined ? {} : { maxLength }),
  writable: true,
  synced: true,
  filter: { startsWith: true },
  ...extra,
});

const readOnly = (type: PropType, extra: Partial<PropSpec> = {}): PropSpec => ({ type, ...extra });

const sharePoint = (type: PropType): PropSpec => ({ type, sharePoint: true });

export const USER_PROPS: Readonly<Record<string, PropSpec>> = {
  id: readOnly("string", { isDefault: true, filter: {} }),
  userPrincipalName: str(113, {
    isDefault: true,
    sensitive: true,
    notNull: true,
    filter: { startsWith: true, endsWith: true },
  }),
  displayName: str(256, { isDefault: true, notNull: true }),
  givenName: str(64, { isDefault: true }),
  surname: str(64, { isDefault: true }),
  jobTitle: str(128, { isDefault: true }),
  officeLocation: str(undefined, { isDefault: true }),
  preferredLanguage: str(undefined, { isDefault: true }),
  mobilePhone: str(64, { isDefault: true, sensitive: true }),
  businessPhones: {
    type: "stringArray",
    writable: true,
    synced: true,
    sensitive: true,
    isDefault: true,
    filter: { any: true },
  },
  mail: str(undefined, { isDefault: true, notNull: true, filter: { startsWith: true, endsWith: true } }),
  department: str(64),
  companyName: str(64),
  employeeId: str(16),
  employeeType: str(),
  faxNumber: str(),
  streetAddress: str(1024),
  city: str(128),
  state: str(128),
  postalCode: str(40),
  country: str(128),
  mailNickname: str(64),
  usageLocation: { type: "string", writable: true, notNull: true, filter: {} },
  ageGroup: { type: "string", writable: true, values: ["Minor", "NotAdult", "Adult"], filter: {} },
  userType: { type: "string", writable: true, notNull: true, values: ["Member", "Guest"], filter: {} },
  accountEnabled: {
    type: "boolean",
    writable: true,
    synced: true,
    sensitive: true,
    notNull: true,
    filter: {},
  },
  passwordPolicies: { type: "string", writable: true },
  employeeHireDate: { type: "dateTime", writable: true, synced: true, filter: {} },
  employeeLeaveDateTime: { type: "dateTime", writable: true, filter: {} },
  employeeOrgData: { type: "orgData", writable: true, synced: true },
  onPremisesExtensionAttributes: { type: "extAttrs", writable: true, synced: true },
  otherMails: { type: "stringArray", writable: true, synced: true, sensitive: true, filter: { any: true } },
  onPremisesImmutableId: { type: "string", writable: true, synced: true, sensitive: true, filter: {} },
  onPremisesSyncEnabled: readOnly("boolean", { filter: {} }),
  onPremisesSamAccountName: readOnly("string", { filter: {} }),
  onPremisesUserPrincipalName: readOnly("string"),
  onPremisesDistinguishedName: readOnly("string"),
  onPremisesDomainName: readOnly("string"),
  onPremisesSecurityIdentifier: readOnly("string"),
  onPremisesLastSyncDateTime: readOnly("dateTime"),
  createdDateTime: readOnly("dateTime", { filter: {} }),
  creationType: readOnly("string", { filter: {} }),
  externalUserState: readOnly("string", { filter: {} }),
  securityIdentifier: readOnly("string"),
  legalAgeGroupClassification: readOnly("string"),
  proxyAddresses: readOnly("stringArray", { filter: { any: true } }),
  imAddresses: readOnly("stringArray", { filter: { any: true } }),
  identities: readOnly("object"),
  aboutMe: sharePoint("string"),
  birthday: sharePoint("dateTime"),
  hireDate: sharePoint("dateTime"),
  interests: sharePoint("stringArray"),
  mySite: sharePoint("string"),
  pastProjects: sharePoint("stringArray"),
  preferredName: sharePoint("string"),
  responsibilities: sharePoint("stringArray"),
  schools: sharePoint("stringArray"),
  skills: sharePoint("stringArray"),
};

/** Graph's default property set (graph-contract §1.3: the 11-name list). */
export const DEFAULT_SELECT: readonly string[] = Object.entries(USER_PROPS)
  .filter(([, spec]) => spec.isDefault)
  .map(([name]) => name);

export function propSpec(name: string): PropSpec | undefined {
  return Object.hasOwn(USER_PROPS, name) ? USER_PROPS[name] : undefined;
}

export const EXTENSION_ATTRIBUTES: readonly string[] = Array.from(
  { length: 15 },
  (_, i) => `extensionAttribute${i + 1}`,
);

/** What a property reads as when it was never set: collections `[]`, the extension bag all-null. */
export function emptyValue(name: string): unknown {
  const spec = propSpec(name);
  if (spec?.type === "stringArray") return [];
  if (spec?.type === "extAttrs") return Object.fromEntries(EXTENSION_ATTRIBUTES.map((a) => [a, null]));
  return null;
}
