// diff(desired, actual) -> the changes that would make the tenant match the repository.
// Pure: no I/O, no clock; photo hashes are computed by the caller and passed in.
import type { RosterConfig } from "../config/load.js";
import type { DesiredProfile, Sourced } from "../desired/types.js";
import { isPrivilegedTarget, SENSITIVE_USER_PROPERTIES } from "../entra-roles.js";
import { hashDistance, SAME_PHOTO_MAX_DISTANCE } from "../photos/hash.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { actualValue, SYNC_MASTERED, sameAttributeValue, topLevelProperty } from "./attributes.js";
import { diffAuthentication } from "./diff-auth.js";
import type { Change, ChangeAction, PlanMessage, PlannedUser, SkippedChange } from "./types.js";

export const PRIVILEGED_SKIP_REASON =
  "the user holds an admin role: Graph refuses an app's changes to their sensitive properties and authentication methods";

export interface DiffInput {
  profiles: readonly DesiredProfile[];
  config: RosterConfig;
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
  unmanagedUsers: number;
}

/** Collects one user's changes; `skip` records a difference roster will not write, with why. */
export class UserDiff {
  readonly changes: Change[] = [];
  readonly skipped: SkippedChange[] = [];
  readonly errors: PlanMessage[] = [];

  constructor(
    readonly profile: DesiredProfile,
    readonly user: ActualUser,
    readonly ownedElsewhere: ReadonlySet<string>,
  ) {}

  /** Records a difference, unless its key is owned elsewhere (then it is skipped with the reason). */
  add(change: Omit<Change, "action" | "sensitive"> & { sensitive?: boolean; ownerKey: string }): void {
    const { ownerKey, sensitive, ...rest } = change;
    if (this.ownedElsewhere.has(ownerKey)) {
      this.skip(rest, `\`${ownerKey}\` is owned elsewhere (roster.yaml ownedElsewhere)`);
      return;
    }
    this.changes.push({ ...rest, action: actionOf(rest.before, rest.after), sensitive: sensitive ?? false });
  }

  skip(change: Pick<SkippedChange, "kind" | "path" | "before" | "after" | "source">, reason: string): void {
    this.skipped.push({
      kind: change.kind,
      path: change.path,
      before: change.before,
      after: change.after,
      source: change.source,
      reason,
    });
  }

  error(message: string, source?: Sourced["source"]): void {
    this.errors.push({
      message,
      userPrincipalName: this.profile.userPrincipalName.value,
      ...(source ? { source } : {}),
    });
  }
}

export function diff(input: DiffInput): DiffResult {
  const errors: PlanMessage[] = [];
  const warnings: PlanMessage[] = [];
  const users: PlannedUser[] = [];
  const protectedUpns = new Set(input.config.protected);
  const ownedElsewhere = new Set(input.config.ownedElsewhere);
  let managedUsers = 0;

  // A manager is named by the UPN its own profile gives, which may be a rename not applied yet:
  // resolve through the profiles first, then through the tenant.
  const userOfProfileUpn = new Map<string, ActualUser>();
  for (const profile of input.profiles) {
    const user = findUser(profile, input.actual);
    if (user) userOfProfileUpn.set(profile.userPrincipalName.value.toLowerCase(), user);
  }
  const resolveManager = (upn: string) =>
    userOfProfileUpn.get(upn.toLowerCase()) ?? input.actual.byUpn.get(upn.toLowerCase());
  const profileOfUser = new Map<string, DesiredProfile>();

  for (const profile of input.profiles) {
    const user = findUser(profile, input.actual);
    const claimed = user && profileOfUser.get(user.id.toLowerCase());
    if (user && claimed) {
      // One by id, one by UPN: typically the old file left behind after a rename.
      errors.push({
        message: `${claimed.file} and ${profile.file} both describe ${user.userPrincipalName} (id ${user.id})`,
        userPrincipalName: profile.userPrincipalName.value,
        source: (profile.id ?? profile.userPrincipalName).source,
      });
      continue;
    }
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
    profileOfUser.set(user.id.toLowerCase(), profile);
    managedUsers++;
    const userDiff = new UserDiff(profile, user, ownedElsewhere);
    diffIdentity(userDiff);
    diffAttributes(userDiff);
    diffManager(userDiff, resolveManager);
    diffPhoto(userDiff, input.photoHashes);
    diffAuthentication(userDiff, profile.authentication);

    const privileged = user.roles.length > 0;
    if (privileged && userDiff.changes.length > 0) {
      for (const change of userDiff.changes) change.sensitive = true;
      warnings.push({
        message: `holds ${user.roles.join(", ")}: every change to this user is sensitive`,
        userPrincipalName: user.userPrincipalName,
        source: profile.userPrincipalName.source,
      });
    }
    if (protectedUpns.has(user.userPrincipalName.toLowerCase()) && userDiff.changes.length > 0) {
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
  users.sort((a, b) => compareText(a.userPrincipalName.toLowerCase(), b.userPrincipalName.toLowerCase()));
  return {
    users,
    errors,
    warnings,
    managedUsers,
    unmanagedUsers: Math.max(0, input.actual.usersInScope - managedUsers),
  };
}

function findUser(profile: DesiredProfile, actual: ActualTenant): ActualUser | undefined {
  if (profile.id) return actual.byId.get(profile.id.value.toLowerCase());
  return actual.byUpn.get(profile.userPrincipalName.value.toLowerCase());
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
  if (isPrivilegedTarget(d.user.roles)) d.skip(change, PRIVILEGED_SKIP_REASON);
  else d.add({ ...change, sensitive: true, ownerKey: "userPrincipalName" });
}

function diffAttributes(d: UserDiff): void {
  for (const [path, desired] of d.profile.attributes) {
    const before = actualValue(d.user.properties, path);
    if (sameAttributeValue(path, desired.value, before)) continue;
    const top = topLevelProperty(path);
    const change = { kind: "attribute" as const, path, before, after: desired.value, source: desired.source };
    if (d.user.onPremisesSyncEnabled && SYNC_MASTERED.has(top) && !d.ownedElsewhere.has(top)) {
      d.skip(change, "mastered by on-premises AD for this synced user; change it there");
      continue;
    }
    if (
      SENSITIVE_USER_PROPERTIES.has(top) &&
      isPrivilegedTarget(d.user.roles) &&
      !d.ownedElsewhere.has(top)
    ) {
      d.skip(change, PRIVILEGED_SKIP_REASON);
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

function actionOf(before: unknown, after: unknown): ChangeAction {
  if (before === null || before === undefined) return "add";
  if (after === null || after === undefined) return "remove";
  return "update";
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
