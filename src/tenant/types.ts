// The actual state: what the tenant holds for the users roster reads. Produced by the tenant reader
// (which talks to Graph), consumed by the pure diff. `undefined` always means "not read" (roster
// read only what some profile manages); `null` means "read, and empty".

export interface ActualPhoneMethod {
  id: string;
  phoneType: "mobile" | "alternateMobile" | "office";
  phoneNumber: string;
}

export interface ActualEmailMethod {
  id: string;
  emailAddress: string;
}

export interface ActualPhoto {
  /** `@odata.mediaEtag`: changes whenever the photo does. */
  etag: string;
  /** Perceptual hash of the stored photo (see src/photos/hash.ts). */
  hash: string;
  width: number;
  height: number;
}

export interface ActualUser {
  id: string;
  userPrincipalName: string;
  /** True for users synced from on-premises AD: their AD-mastered attributes are read-only in Graph. */
  onPremisesSyncEnabled: boolean;
  /**
   * True for a cloud user that was synced from on-premises AD once (no longer syncing, yet with a
   * last sync time): Exchange Online masters its extension attributes, which Graph keeps read-only.
   * Read only when a profile manages extension attributes; false otherwise.
   */
  previouslySynced: boolean;
  /** The Graph properties read with `$select`, by their Graph names. */
  properties: Record<string, unknown>;
  manager?: { id: string; userPrincipalName: string } | null;
  photo?: ActualPhoto | null;
  authentication?: { phoneMethods: ActualPhoneMethod[]; emailMethods: ActualEmailMethod[] };
  /** Directory role names the user holds ("Global Administrator", …); empty for most. */
  roles: string[];
}

export interface ActualTenant {
  /** Users read, by lower-cased UPN. */
  byUpn: Map<string, ActualUser>;
  /** The same users by lower-cased object id. */
  byId: Map<string, ActualUser>;
  /**
   * How many users the tenant has in roster's scope (managed or not); null when only a part of the
   * users was read (`roster plan --changed-since`, apply), which says nothing about the others.
   */
  usersInScope: number | null;
  /**
   * The users holding each mail address a profile would newly set (lower-cased address -> holders,
   * from their proxyAddresses); undefined when no profile changes a mail.
   */
  mailHolders?: ReadonlyMap<string, readonly { id: string; userPrincipalName: string }[]>;
}

export function tenantOf(
  users: readonly ActualUser[],
  usersInScope: number | null = users.length,
): ActualTenant {
  return {
    byUpn: new Map(users.map((u) => [u.userPrincipalName.toLowerCase(), u])),
    byId: new Map(users.map((u) => [u.id.toLowerCase(), u])),
    usersInScope,
  };
}
