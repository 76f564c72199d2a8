// diff(desired, actual) -> the changes that would make the tenant match the repository.
// Pure: no I/O, no clock; photo hashes are computed by the caller and passed in.
import { isProtected, type RosterConfig } from "../config/load.js";
import type { DesiredProfile } from "../desired/types.js";
import { actualValue, SYNC_MASTERED, sameAttributeValue, topLevelProperty } from "../entra/attributes.js";
import { isPrivilegedTarget, SENSITIVE_USER_PROPERTIES } from "../entra/roles.js";
import { hashDistance, SAME_PHOTO_MAX_DISTANCE } from "../photos/hash.js";
import { pairProfiles } from "../tenant/pairing.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { compareNatural } from "../util/text.js";
import { diffAuthentication } from "./diff-auth.js";
import type { PlanMessage, PlannedUser } from "./types.js";
import { privilegedSkipReason, UserDiff } from "./user-diff.js";

/** Why an extension attribute of a user synced from on-premises AD once is not planned. */
export const PREVIOUSLY_SYNCED_REASON =
  "this user was synced from on-premises AD once: Exchange Online masters its extension attributes and Graph refuses to change them; change them in Exchange (Set-Mailbox -CustomAttributeN) or stop managing them here";

export interface DiffInput {
  /** The profiles to diff. */
  profiles: readonly DesiredProfile[];
  /** Every profile of the repository, when `profiles` is a part of it: managers resolve through them. */
  allProfiles?: readonly DesiredProfile[];
  config: RosterConfig;
  /** Key of the digests of authentication values (ROSTER_DIGEST_KEY); none: no digests. */
  digestKey?: string;
  /** False: authentication methods were not read; each one a profile sets is skipped, saying so. */
  authMethods?: boolean;
  /** Perceptual hash of each desired photo file, by repository path. */
  photoHashes: ReadonlyMap<string, string>;
  actual: ActualTenant;
}

export interface DiffResult {
  /** Users with changes or skipped changes, sorted by UPN. */
  users: PlannedUser[];
  errors: PlanMessage[];
  warnings: PlanMessage[];
  managedUsers: number;
  /** Null when the tenant was read in part (not counted). */
  unmanagedUsers: number | null;
  /** The change paths each managed user's profile sets, by lower-cased object id (for comparePlans). */
  managedPaths: Map<string, Set<string>>;
}

export function diff(input: DiffInput): DiffResult {
  const errors: PlanMessage[] = [];
  const warnings: PlanMessage[] = [];
  const users: PlannedUser[] = [];
  const ownedElsewhere = new Set(input.config.ownedElsewhere);
  let managedUsers = 0;
  const managedPaths = new Map<string, Set<string>>();

  const pairing = pairProfiles(input.profiles, input.actual);
  const userOf = new Map(pairing.pairs.map(({ profile, user }) => [profile, user]));
  const duplicateOf = new Map(pairing.duplicates.map((duplicate) => [duplicate.profile, duplicate]));

  // A manager is named by the UPN its own profile gives, which may be a rename not applied yet:
  // resolve through the profiles first, then through the tenant.
  const userOfProfileUpn = new Map<string, ActualUser>();
  const everyone =
    input.allProfiles && input.allProfiles !== input.profiles
      ? pairProfiles(input.allProfiles, input.actual)
      : pairing;
  for (const { profile, user } of [...everyone.pairs, ...everyone.duplicates])
    userOfProfileUpn.set(profile.userPrincipalName.value.toLowerCase(), user);
  const resolveManager = (upn: string) =>
    userOfProfileUpn.get(upn.toLowerCase()) ?? input.actual.byUpn.get(upn.toLowerCase());

  const mailConflict = mailConflicts(input.profiles, userOf, input.actual);

  // In profile order, so that errors read in the order of the files.
  for (const profile of input.profiles) {
    const duplicate = duplicateOf.get(profile);
    if (duplicate) {
      // One by id, one by UPN: typically the old file left behind after a rename.
      const { user, first } = duplicate;
      errors.push({
        message: `${first.file} and ${profile.file} both describe ${user.userPrincipalName} (id ${user.id})`,
        userPrincipalName: profile.userPrincipalName.value,
        source: (profile.id ?? profile.userPrincipalName).source,
      });
      continue;
    }
    const user = userOf.get(profile);
    if (!user) {
      errors.push({
        message: profile.id
          ? `no user with id ${profile.id.value} in the tenant (roster does not create accounts)`
          : `user ${profile.userPrincipalName.value} does not exist in the tenant (roster does not create accounts)`,
        userPrincipalName: profile.userPrincipalName.value,
        source: (profile.id ?? profile.userPrincipalName).source,
      });
      continue;
    }
    managedUsers++;
    managedPaths.set(user.id.toLowerCase(), pathsOf(profile));
    const userDiff = new UserDiff(profile, user, ownedElsewhere);
    diffIdentity(userDiff);
    diffAttributes(userDiff, mailConflict);
    diffManager(userDiff, resolveManager);
    diffPhoto(userDiff, input.photoHashes);
    diffAuthentication(userDiff, profile.authentication, {
      digestKey: input.digestKey,
      checked: input.authMethods !== false,
    });

    const privileged = user.roles.length > 0;
    if (privileged && userDiff.changes.length > 0) {
      for (const change of userDiff.changes) change.sensitive = true;
      warnings.push({
        message: `holds ${user.roles.join(", ")}: every change to this user is sensitive`,
        userPrincipalName: user.userPrincipalName,
        source: profile.userPrincipalName.source,
      });
    }
    if (isProtected(input.config, user) && userDiff.changes.length > 0) {
      userDiff.error(
        `${user.userPrincipalName} is protected in roster.yaml, but the profile would change ${userDiff.changes.map((c) => c.path).join(", ")}`,
        profile.userPrincipalName.source,
      );
      for (const change of userDiff.changes.splice(0)) userDiff.skip(change, "protected in roster.yaml");
    }
    errors.push(...userDiff.errors);
    if (userDiff.changes.length > 0 || userDiff.skipped.length > 0) {
      users.push({
        userPrincipalName: user.userPrincipalName,
        id: user.id,
        file: profile.file,
        roles: user.roles,
        onPremisesSyncEnabled: user.onPremisesSyncEnabled,
        changes: userDiff.changes,
        skipped: userDiff.skipped,
      });
    }
  }
  users.sort((a, b) => compareNatural(a.userPrincipalName, b.userPrincipalName));
  // Only a read of every user can say that a protected entry matches none (a partial read has not looked).
  for (const entry of input.actual.usersInScope === null ? [] : input.config.protected) {
    if (!input.actual.byUpn.has(entry) && !input.actual.byId.has(entry)) {
      warnings.push({
        message: `roster.yaml protects ${entry}, which matches no user in roster's scope of the tenant (a typo, or a renamed user: protect the object id)`,
      });
    }
  }
  warnings.push(...managerLoops(users, input.actual));
  if (input.authMethods === false && users.some((u) => u.skipped.some((c) => c.kind === "authMethod"))) {
    warnings.push({
      message:
        "authentication methods were not checked (--no-auth-methods): this plan shows none of their changes; apply plans them in full",
    });
  }
  return {
    users,
    errors,
    warnings,
    managedUsers,
    unmanagedUsers:
      input.actual.usersInScope === null ? null : Math.max(0, input.actual.usersInScope - managedUsers),
    managedPaths,
  };
}

/**
 * Manager loops (A reports to B, who reports to A; or A to A) on the chain above anyone whose
 * manager this plan changes: in the tenant now, or once the plan is applied (the managers it sets,
 * else the tenant's). The org chart of such a chain has no top; a warning names the users in it.
 */
function managerLoops(users: readonly PlannedUser[], actual: ActualTenant): PlanMessage[] {
  const idOf = (side: unknown) => {
    const id = typeof side === "object" && side !== null ? (side as { id?: unknown }).id : undefined;
    return typeof id === "string" ? id.toLowerCase() : null;
  };
  const planned = new Map<
    string,
    { to: string | null; upn?: string; change: PlannedUser["changes"][number] }
  >();
  for (const user of users)
    for (const change of user.changes)
      if (change.kind === "manager") planned.set(user.id.toLowerCase(), { to: idOf(change.after), change });
  const tenantManager = (id: string) => actual.byId.get(id)?.manager?.id.toLowerCase() ?? null;
  const upnOf = new Map<string, string>();
  for (const user of users) upnOf.set(user.id.toLowerCase(), user.userPrincipalName);
  for (const { change } of planned.values())
    for (const side of [change.before, change.after]) {
      const named = side as { id?: unknown; userPrincipalName?: unknown } | null;
      if (typeof named?.id === "string" && typeof named.userPrincipalName === "string")
        upnOf.set(named.id.toLowerCase(), named.userPrincipalName);
    }
  const name = (id: string) => actual.byId.get(id)?.userPrincipalName ?? upnOf.get(id) ?? id;

  const messages: PlanMessage[] = [];
  const seen = new Set<string>();
  const sides = [
    { when: "in the tenant now", next: tenantManager },
    {
      when: "once this plan is applied",
      next: (id: string) => (planned.has(id) ? planned.get(id)!.to : tenantManager(id)),
    },
  ];
  for (const { when, next } of sides) {
    for (const [start, { change }] of planned) {
      const path: string[] = [];
      let current: string | null = start;
      while (current !== null && !path.includes(current)) {
        path.push(current);
        current = next(current);
      }
      if (current === null) continue;
      const loop = path.slice(path.indexOf(current));
      const key = `${when}\0${[...loop].sort().join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const names = [...loop, current].map(name);
      messages.push({
        message: `manager loop ${when}: ${loop.length === 1 ? `${names[0]} is their own manager` : `${names.join(" → ")} (each reports to the next)`}; the org chart has no top there${when === "in the tenant now" ? "" : ": fix the manager keys of their profiles"}`,
        userPrincipalName: name(start),
        source: change.source,
      });
    }
  }
  return messages;
}

/** The change paths a profile manages: the keys it sets, as the changes of the plan name them. */
function pathsOf(profile: DesiredProfile): Set<string> {
  const paths = new Set<string>(["userPrincipalName", ...profile.attributes.keys()]);
  if (profile.manager) paths.add("manager");
  if (profile.photo) paths.add("photo");
  for (const kind of Object.keys(profile.authentication)) paths.add(`authentication.${kind}`);
  return paths;
}

/** A profile with an `id` whose UPN differs from the tenant's renames the user (sensitive). */
function diffIdentity(d: UserDiff): void {
  const desired = d.profile.userPrincipalName;
  if (desired.value.toLowerCase() === d.user.userPrincipalName.toLowerCase()) return;
  const change = {
    kind: "attribute" as const,
    path: "userPrincipalName",
    before: d.user.userPrincipalName,
    after: desired.value,
    source: desired.source,
  };
  if (isPrivilegedTarget(d.user.roles)) d.skip(change, privilegedSkipReason(d.user.roles));
  else d.add({ ...change, sensitive: true, ownerKey: "userPrincipalName" });
}

function diffAttributes(
  d: UserDiff,
  mailConflict: (user: ActualUser, mail: string) => string | undefined,
): void {
  for (const [path, desired] of d.profile.attributes) {
    const before = actualValue(d.user.properties, path);
    if (sameAttributeValue(path, desired.value, before)) continue;
    const top = topLevelProperty(path);
    const change = { kind: "attribute" as const, path, before, after: desired.value, source: desired.source };
    if (d.user.onPremisesSyncEnabled && SYNC_MASTERED.has(top) && !d.ownedElsewhere.has(top)) {
      d.skip(change, "mastered by on-premises AD for this synced user; change it there");
      continue;
    }
    if (d.user.previouslySynced && top === "onPremisesExtensionAttributes" && !d.ownedElsewhere.has(top)) {
      d.skip(change, PREVIOUSLY_SYNCED_REASON);
      continue;
    }
    if (
      SENSITIVE_USER_PROPERTIES.has(top) &&
      isPrivilegedTarget(d.user.roles) &&
      !d.ownedElsewhere.has(top)
    ) {
      d.skip(change, privilegedSkipReason(d.user.roles));
      continue;
    }
    const conflict =
      path === "mail" && !d.ownedElsewhere.has(top) && typeof desired.value === "string"
        ? mailConflict(d.user, desired.value)
        : undefined;
    if (conflict) {
      d.error(conflict, desired.source);
      continue;
    }
    d.add({ ...change, ownerKey: top });
  }
}

function diffManager(d: UserDiff, resolveManager: (upn: string) => ActualUser | undefined): void {
  const desired = d.profile.manager;
  if (!desired) return;
  const current = d.user.manager;
  if (current === undefined) {
    d.error("internal: the tenant reader did not read this user's manager", desired.source);
    return;
  }
  const before = current && { userPrincipalName: current.userPrincipalName, id: current.id };
  let after: { userPrincipalName: string; id: string } | null = null;
  if (desired.value !== null) {
    const target = resolveManager(desired.value);
    if (!target) {
      d.error(`manager ${desired.value} does not exist in the tenant`, desired.source);
      return;
    }
    // The tenant's spelling, unless the profile names a rename not applied yet.
    const renamed = target.userPrincipalName.toLowerCase() !== desired.value.toLowerCase();
    after = { userPrincipalName: renamed ? desired.value : target.userPrincipalName, id: target.id };
  }
  if ((before?.id.toLowerCase() ?? null) === (after?.id.toLowerCase() ?? null)) return;
  const change = { kind: "manager" as const, path: "manager", before, after, source: desired.source };
  if (d.user.onPremisesSyncEnabled && !d.ownedElsewhere.has("manager")) {
    d.skip(change, "the manager of a synced user comes from on-premises AD; change it there");
    return;
  }
  d.add({ ...change, ownerKey: "manager" });
}

function diffPhoto(d: UserDiff, photoHashes: ReadonlyMap<string, string>): void {
  const desired = d.profile.photo;
  if (!desired) return;
  const current = d.user.photo;
  if (current === undefined) {
    d.error("internal: the tenant reader did not read this user's photo", desired.source);
    return;
  }
  const before = current && { etag: current.etag, hash: current.hash };
  if (desired.kind === "none") {
    if (before)
      d.add({ kind: "photo", path: "photo", before, after: null, source: desired.source, ownerKey: "photo" });
    return;
  }
  const hash = photoHashes.get(desired.path);
  if (hash === undefined) {
    d.error(`internal: no hash for ${desired.path}`, desired.source);
    return;
  }
  // Graph re-encodes photos, so only a perceptual difference is a change.
  if (before && hashDistance(hash, before.hash) <= SAME_PHOTO_MAX_DISTANCE) return;
  d.add({
    kind: "photo",
    path: "photo",
    before,
    after: { file: desired.path, hash },
    source: desired.source,
    ownerKey: "photo",
  });
}

/**
 * Graph gives an SMTP address to one directory object only and refuses a `mail` another object
 * holds in its proxyAddresses: such a change is a plan error naming both users, as is a mail two
 * profiles would both newly set (Graph would take the first and refuse the second).
 */
function mailConflicts(
  profiles: readonly DesiredProfile[],
  userOf: ReadonlyMap<DesiredProfile, ActualUser>,
  actual: ActualTenant,
): (user: ActualUser, mail: string) => string | undefined {
  const claims = new Map<string, ActualUser[]>();
  for (const profile of profiles) {
    const user = userOf.get(profile);
    const mail = profile.attributes.get("mail")?.value;
    if (!user || typeof mail !== "string") continue;
    if (sameAttributeValue("mail", mail, actualValue(user.properties, "mail"))) continue;
    const key = mail.toLowerCase();
    claims.set(key, [...(claims.get(key) ?? []), user]);
  }
  return (user, mail) => {
    const key = mail.toLowerCase();
    const holders = (actual.mailHolders?.get(key) ?? []).filter(
      (h) => h.id.toLowerCase() !== user.id.toLowerCase(),
    );
    if (holders.length > 0) {
      const names = holders.map((h) => h.userPrincipalName).join(", ");
      return `${user.userPrincipalName} cannot get mail ${mail}: it is already an address of ${names} (proxyAddresses), and Graph gives an address to one object only; remove it from ${names} first, or choose another`;
    }
    const others = (claims.get(key) ?? []).filter((other) => other !== user);
    if (others.length > 0) {
      return `${[user, ...others].map((u) => u.userPrincipalName).join(" and ")} would all get mail ${mail}; an address belongs to one user only`;
    }
    return undefined;
  };
}
