// Wraps a diff result into the plan document: metadata, summary, stable order. Pure.
import type { DiffResult } from "./diff.js";
import { type ChangeKind, PLAN_FORMAT_VERSION, type Plan, type PlanSummary } from "./types.js";

export interface PlanMetadata {
  generator: string;
  createdAt: string;
  tenant: string;
  tenantId: string;
  digestKeyId?: string;
  graphUrl: string;
  git: Plan["git"];
  desiredDigest: string;
  partial?: Plan["partial"];
}

export function buildPlan(result: DiffResult, metadata: PlanMetadata): Plan {
  const changes: Record<ChangeKind, number> = { attribute: 0, manager: 0, photo: 0, authMethod: 0 };
  let sensitiveChanges = 0;
  let skipped = 0;
  for (const user of result.users) {
    for (const change of user.changes) {
      changes[change.kind]++;
      if (change.sensitive) sensitiveChanges++;
    }
    skipped += user.skipped.length;
  }
  const summary: PlanSummary = {
    managedUsers: result.managedUsers,
    unmanagedUsers: result.unmanagedUsers,
    usersWithChanges: result.users.filter((u) => u.changes.length > 0).length,
    changes,
    sensitiveChanges,
    skipped,
    errors: result.errors.length,
    warnings: result.warnings.length,
  };
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    ...metadata,
    users: result.users,
    errors: result.errors,
    warnings: result.warnings,
    summary,
  };
}
