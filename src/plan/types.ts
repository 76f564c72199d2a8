// The plan is data: a versioned JSON document (schema/plan.schema.json). Views render it, apply
// executes it; neither looks at anything else to decide what to do.
import type { SourcePosition } from "../diagnostics.js";

export const PLAN_FORMAT_VERSION = 2;

export type ChangeKind = "attribute" | "manager" | "photo" | "authMethod";

/** What a change does to the tenant value: set where empty, replace, or clear. */
export type ChangeAction = "add" | "update" | "remove";

/** A photo as the plan records it: enough to show, to apply, and to detect a stale plan. */
export interface PlannedPhoto {
  /** Desired side: the repository file to upload. */
  file?: string;
  /** Tenant side: `@odata.mediaEtag` of the photo when the plan was made. */
  etag?: string;
  /** Perceptual hash (src/photos/hash.ts). */
  hash: string;
}

/** A manager as the plan records it. */
export interface PlannedManager {
  userPrincipalName: string;
  id: string;
}

export interface Change {
  kind: ChangeKind;
  action: ChangeAction;
  /**
   * Attribute: the Graph property (`jobTitle`) or `object.subKey` (`employeeOrgData.costCenter`);
   * manager: `manager`; photo: `photo`; authMethod: `authentication.mobile` and so on.
   */
  path: string;
  /**
   * The tenant's value when the plan was made; `null` = empty. Apply refuses the change if the
   * tenant no longer holds it. Authentication values are masked (see `beforeDigest`).
   */
  before: unknown;
  /** The value to write; `null` = clear. */
  after: unknown;
  /**
   * Authentication methods only, when the plan was made with a digest key (ROSTER_DIGEST_KEY):
   * keyed digests of the canonical tenant value and of the value to write, for apply's comparison.
   * The plan document holds these values only masked.
   */
  beforeDigest?: string;
  afterDigest?: string;
  /** Authentication methods only: the Graph method id to update or delete. */
  methodId?: string;
  /** Where the desired value was written. */
  source: SourcePosition;
  /** Authentication methods, UPN renames and any change to a user holding an admin role. */
  sensitive: boolean;
}

export interface SkippedChange {
  kind: ChangeKind;
  path: string;
  before: unknown;
  after: unknown;
  source: SourcePosition;
  reason: string;
}

export interface PlannedUser {
  userPrincipalName: string;
  id: string;
  /** The profile file. */
  file: string;
  /** Directory roles held (a change to such a user is sensitive). */
  roles: string[];
  onPremisesSyncEnabled: boolean;
  changes: Change[];
  skipped: SkippedChange[];
}

/** An error or warning found while planning; errors make `roster plan` exit 1. */
export interface PlanMessage {
  message: string;
  userPrincipalName?: string;
  source?: SourcePosition;
}

export interface PlanSummary {
  /** Profiles in the repository that matched a tenant user. */
  managedUsers: number;
  /** Tenant users in scope without a profile: counted, never changed; null when not counted (a partial plan). */
  unmanagedUsers: number | null;
  usersWithChanges: number;
  changes: Record<ChangeKind, number>;
  sensitiveChanges: number;
  skipped: number;
  errors: number;
  warnings: number;
}

/**
 * A plan of a part of the users (`roster plan --changed-since`): it read only the users whose
 * desired state changed since a git commit, so it checked neither the other profiles nor the
 * unmanaged users of the tenant.
 */
export interface PlanPartial {
  /** The git ref given to `--changed-since`. */
  changedSince: string;
  /** The commit it named. */
  baseCommit: string;
  /** Profiles read and diffed: those changed since the base, and any describing the same users. */
  profilesChecked: number;
  /** Profiles in the repository. */
  profiles: number;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** The roster version that made the plan. */
  generator: string;
  createdAt: string;
  /** The tenant as roster.yaml names it (a domain or the GUID). */
  tenant: string;
  /** The id of the tenant the plan was read from, proven at sign-in; apply refuses another. */
  tenantId: string;
  /** Names the key of the authentication digests (see `Change.beforeDigest`); absent without one. */
  digestKeyId?: string;
  graphUrl: string;
  git: { commit: string | null; dirty: boolean };
  /** `sha256:…` of the desired state the plan was made from (profiles, defaults, photos, config). */
  desiredDigest: string;
  /** Present when only a part of the users was read. */
  partial?: PlanPartial;
  /** Users with changes or skipped changes, sorted by UPN. */
  users: PlannedUser[];
  errors: PlanMessage[];
  warnings: PlanMessage[];
  summary: PlanSummary;
}

/** True when applying the plan would write something. */
export function planHasChanges(plan: Plan): boolean {
  return plan.users.some((u) => u.changes.length > 0);
}
