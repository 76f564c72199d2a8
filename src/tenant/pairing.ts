// The one place where profiles meet tenant users. A profile names its user by object id when it has
// one (so a UPN can be renamed), else by UPN, case-insensitively as Entra ID compares UPNs. Two
// profiles that land on the same user (typically one by id and the old file by UPN after a rename)
// are reported, never silently merged. Pure.
import type { DesiredProfile } from "../desired/types.js";
import type { ActualTenant, ActualUser } from "./types.js";

export interface ProfilePair {
  profile: DesiredProfile;
  user: ActualUser;
}

export interface Pairing {
  /** In profile order; each tenant user at most once. */
  pairs: ProfilePair[];
  /** Profiles whose user is not in the tenant (roster never creates accounts). */
  missing: DesiredProfile[];
  /** Profiles whose user an earlier profile already describes. */
  duplicates: (ProfilePair & { first: DesiredProfile })[];
  /** The paired profile of a tenant user, by lower-cased object id. */
  profileOfUser: ReadonlyMap<string, DesiredProfile>;
}

/** The tenant user a profile describes, if the tenant holds it. */
export function userOfProfile(profile: DesiredProfile, tenant: ActualTenant): ActualUser | undefined {
  if (profile.id) return tenant.byId.get(profile.id.value.toLowerCase());
  return tenant.byUpn.get(profile.userPrincipalName.value.toLowerCase());
}

export function pairProfiles(profiles: readonly DesiredProfile[], tenant: ActualTenant): Pairing {
  const pairing: Pairing = { pairs: [], missing: [], duplicates: [], profileOfUser: new Map() };
  const profileOfUser = new Map<string, DesiredProfile>();
  for (const profile of profiles) {
    const user = userOfProfile(profile, tenant);
    if (!user) {
      pairing.missing.push(profile);
      continue;
    }
    const key = user.id.toLowerCase();
    const first = profileOfUser.get(key);
    if (first) {
      pairing.duplicates.push({ profile, user, first });
      continue;
    }
    profileOfUser.set(key, profile);
    pairing.pairs.push({ profile, user });
  }
  pairing.profileOfUser = profileOfUser;
  return pairing;
}
