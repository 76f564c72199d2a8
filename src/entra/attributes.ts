// What roster believes about the Graph user properties it manages: which ones on-premises AD
// masters for synced users, and how Graph stores values, so that comparing never yields a
// perpetual diff. Kept apart from the emulator's own catalogue on purpose: the emulator is the
// independent stand-in for Graph that these beliefs are tested against.

/** Graph properties whose sub-keys are owned one by one (a profile may set just `division`). */
export const PER_SUB_KEY_OBJECTS = {
  employeeOrgData: ["division", "costCenter"],
  onPremisesExtensionAttributes: Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
} as const satisfies Record<string, readonly string[]>;

/**
 * Properties Graph refuses to change for users with `onPremisesSyncEnabled: true` (they are
 * mastered in on-premises AD; graph-contract §1.2 "Sync RO"). `usageLocation` and `ageGroup` are
 * cloud-only and stay writable.
 */
export const SYNC_MASTERED = new Set([
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "department",
  "companyName",
  "officeLocation",
  "employeeId",
  "employeeType",
  "employeeHireDate",
  "employeeOrgData",
  "businessPhones",
  "mobilePhone",
  "faxNumber",
  "streetAddress",
  "city",
  "state",
  "postalCode",
  "country",
  "preferredLanguage",
  "otherMails",
  "mail",
  "mailNickname",
  "onPremisesExtensionAttributes",
]);

/** The top-level Graph property of an attribute path (`employeeOrgData.division` -> `employeeOrgData`). */
export function topLevelProperty(path: string): string {
  return path.split(".")[0] as string;
}

/** Graph properties to `$select` for the managed attribute paths. */
export function selectedProperties(paths: Iterable<string>): string[] {
  return [...new Set([...paths].map(topLevelProperty))].sort();
}

/** The tenant's value at an attribute path; absent sub-objects read as `null`. */
export function actualValue(properties: Record<string, unknown>, path: string): unknown {
  const [top, sub] = path.split(".") as [string, string | undefined];
  const value = properties[top];
  if (sub === undefined) return value ?? null;
  if (!Object.hasOwn(PER_SUB_KEY_OBJECTS, top)) return null;
  return (value as Record<string, unknown> | null | undefined)?.[sub] ?? null;
}

/**
 * Whether Graph's stored value already satisfies the desired one. Graph stores an empty string as
 * `null` and an empty collection as `[]`, compares mail case-insensitively, and normalises
 * date-times; none of those may show up as a change.
 */
export function sameAttributeValue(path: string, desired: unknown, actual: unknown): boolean {
  const d = emptyToNull(desired);
  const a = emptyToNull(actual);
  if (d === null || a === null) return d === a;
  switch (topLevelProperty(path)) {
    case "mail":
    case "userPrincipalName":
      return String(d).toLowerCase() === String(a).toLowerCase();
    case "otherMails":
      return sameSet(
        (d as string[]).map((m) => m.toLowerCase()),
        (a as string[]).map((m) => m.toLowerCase()),
      );
    case "employeeHireDate":
      return Date.parse(String(d)) === Date.parse(String(a));
    default:
      return Array.isArray(d) && Array.isArray(a)
        ? d.length === a.length && d.every((v, i) => v === a[i])
        : d === a;
  }
}

function emptyToNull(value: unknown): unknown {
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return null;
  return value;
}

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}
