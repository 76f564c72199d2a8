// A small builder for plan documents, so view tests read as scenarios and build exactly the
// plan they need (views read only the plan: no diff, no tenant).
import type { SourcePosition } from "../../src/diagnostics.js";
import type {
  Change,
  ChangeAction,
  ChangeKind,
  Plan,
  PlanMessage,
  PlannedUser,
  SkippedChange,
} from "../../src/plan/types.js";

export const DIGEST = `sha256:${"ab".repeat(32)}`;

export function pos(file: string, line = 1, col = 1): SourcePosition {
  return { file, line, col };
}

export interface UserSpec {
  upn: string;
  file?: string;
  roles?: string[];
  synced?: boolean;
  changes?: ChangeSpec[];
  skipped?: SkippedSpec[];
}

export interface ChangeSpec {
  path: string;
  before: unknown;
  after: unknown;
  kind?: ChangeKind;
  action?: ChangeAction;
  sensitive?: boolean;
  source?: SourcePosition;
}

export interface SkippedSpec {
  path: string;
  before: unknown;
  after: unknown;
  reason: string;
  kind?: ChangeKind;
}

function kindOf(path: string): ChangeKind {
  if (path === "manager") return "manager";
  if (path === "photo") return "photo";
  if (path.startsWith("authentication.")) return "authMethod";
  return "attribute";
}

function actionOf(before: unknown, after: unknown): ChangeAction {
  if (before === null) return "add";
  if (after === null) return "remove";
  return "update";
}

/** A digest as a plan made with ROSTER_DIGEST_KEY holds it. */
export const KEYED_DIGEST = `hmac-sha256:${"ab".repeat(32)}`;

export function plannedUser(spec: UserSpec, index = 0): PlannedUser {
  const file = spec.file ?? `profiles/${spec.upn.split("@")[0]?.toLowerCase()}.yaml`;
  const roles = spec.roles ?? [];
  const changes = (spec.changes ?? []).map((c, i): Change => {
    const kind = c.kind ?? kindOf(c.path);
    const change: Change = {
      kind,
      action: c.action ?? actionOf(c.before, c.after),
      path: c.path,
      before: c.before,
      after: c.after,
      source: c.source ?? pos(file, i + 2),
      sensitive: c.sensitive ?? (kind === "authMethod" || c.path === "userPrincipalName" || roles.length > 0),
    };
    if (kind === "authMethod") {
      change.beforeDigest = KEYED_DIGEST;
      change.afterDigest = KEYED_DIGEST;
      if (c.before !== null) change.methodId = `method-${index}-${i}`;
    }
    return change;
  });
  const skipped = (spec.skipped ?? []).map(
    (s, i): SkippedChange => ({
      kind: s.kind ?? kindOf(s.path),
      path: s.path,
      before: s.before,
      after: s.after,
      source: pos(file, 20 + i),
      reason: s.reason,
    }),
  );
  return {
    userPrincipalName: spec.upn,
    id: `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`,
    file,
    roles,
    onPremisesSyncEnabled: spec.synced ?? false,
    changes,
    skipped,
  };
}

export interface PlanSpec {
  users?: UserSpec[];
  errors?: PlanMessage[];
  warnings?: PlanMessage[];
  managedUsers?: number;
  unmanagedUsers?: number;
  commit?: string | null;
  dirty?: boolean;
}

/** A plan whose summary is computed from its users, as src/plan/build.ts does. */
export function plan(spec: PlanSpec = {}): Plan {
  const users = (spec.users ?? []).map(plannedUser);
  const changes: Record<ChangeKind, number> = { attribute: 0, manager: 0, photo: 0, authMethod: 0 };
  for (const change of users.flatMap((u) => u.changes)) changes[change.kind]++;
  const errors = spec.errors ?? [];
  const warnings = spec.warnings ?? [];
  return {
    formatVersion: 2,
    generator: "roster 0.1.0",
    createdAt: "2025-01-15T09:30:00.000Z",
    tenant: "contoso.onmicrosoft.com",
    tenantId: "c0d1e2f3-0000-4000-8000-000000000001",
    graphUrl: "https://graph.microsoft.com",
    git: {
      commit: spec.commit === undefined ? "0123456789abcdef0123456789abcdef01234567" : spec.commit,
      dirty: spec.dirty ?? false,
    },
    desiredDigest: DIGEST,
    users,
    errors,
    warnings,
    summary: {
      managedUsers: spec.managedUsers ?? users.length,
      unmanagedUsers: spec.unmanagedUsers ?? 0,
      usersWithChanges: users.filter((u) => u.changes.length > 0).length,
      changes,
      sensitiveChanges: users.flatMap((u) => u.changes).filter((c) => c.sensitive).length,
      skipped: users.reduce((n, u) => n + u.skipped.length, 0),
      errors: errors.length,
      warnings: warnings.length,
    },
  };
}

export const PHONE_AFTER = "+1 4255550111";
export const EMAIL_AFTER = "adele.vance@personal.example";

/** Every change kind and action, a sensitive admin user, skipped changes, an error and a warning. */
export function samplePlan(): Plan {
  return plan({
    managedUsers: 20,
    unmanagedUsers: 3,
    users: [
      {
        upn: "AdeleV@contoso.com",
        file: "profiles/sales/adele.vance.yaml",
        changes: [
          { path: "jobTitle", before: "Retail Manager", after: "Store Manager" },
          { path: "officeLocation", before: null, after: "18/2111" },
          { path: "mobilePhone", before: "+1 425 555 0199", after: null },
          {
            path: "department",
            before: "Retail",
            after: "Sales",
            source: pos("profiles/sales/_defaults.yaml", 2, 13),
          },
          {
            path: "manager",
            before: { userPrincipalName: "AlexW@contoso.com", id: "a1" },
            after: { userPrincipalName: "MeganB@contoso.com", id: "m1" },
          },
          { path: "photo", before: null, after: { file: "photos/adele.jpg", hash: "f0f0f0f0f0f0f0f0" } },
          { path: "authentication.mobile", before: "+1 ••••••••10", after: PHONE_AFTER },
          { path: "authentication.email", before: null, after: EMAIL_AFTER },
          { path: "authentication.office", before: "+1 ••••••••00", after: null },
        ],
      },
      {
        upn: "AlexW@contoso.com",
        synced: true,
        changes: [{ path: "photo", before: { etag: 'W/"1"', hash: "0f0f0f0f0f0f0f0f" }, after: null }],
        skipped: [
          {
            path: "officeLocation",
            before: "Building 1",
            after: "18/2111",
            reason: "mastered by on-premises AD for this synced user; change it there",
          },
        ],
      },
      {
        upn: "GradyA@contoso.com",
        roles: ["Global Administrator"],
        changes: [
          { path: "userPrincipalName", before: "GradyA@contoso.com", after: "Grady.Archie@contoso.com" },
          { path: "manager", before: { userPrincipalName: "AlexW@contoso.com", id: "a1" }, after: null },
        ],
        skipped: [
          {
            path: "authentication.mobile",
            before: null,
            after: "+1 4255550177",
            reason: "the user holds an admin role: Graph refuses app changes to their authentication methods",
          },
        ],
      },
    ],
    errors: [
      {
        message: "the user does not exist in the tenant",
        userPrincipalName: "Ghost@contoso.com",
        source: pos("profiles/ghost.yaml", 1, 20),
      },
      { message: "internal: photo metadata unavailable" },
    ],
    warnings: [
      {
        message: "`employeeId` is owned elsewhere (HR provisioning): not planned",
        source: pos("profiles/sales/adele.vance.yaml", 9, 1),
      },
    ],
  });
}
