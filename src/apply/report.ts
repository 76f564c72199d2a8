// The apply report: what `roster apply` did to each planned change, as data (JSON for machines and
// auditors), rendered by src/render/apply-report.ts. Authentication values are masked
// here, once, so no view and no artifact ever holds a full phone number or address.
import type { GraphRequestError, RequestCounts } from "../graph/index.js";
import { planDigest } from "../plan/document.js";
import { isAuthPath, maskAuthValue } from "../plan/mask.js";
import type { Change, ChangeAction, ChangeKind, Plan, PlannedUser } from "../plan/types.js";
import { gitState } from "../util/git.js";
import { VERSION } from "../version.js";

export const APPLY_REPORT_FORMAT_VERSION = 1;

/** The reason of a change counted applied because the tenant already held it: nothing was written. */
export const ALREADY_SO = "already so in the tenant";

/** `applied` written (or already so); `failed` Graph refused or never answered; `stale` not written
 * because the tenant moved since the plan; `refused` not written because the repository does not ask
 * for it (not the reviewed change) or the user is protected; `skipped` not written on purpose
 * (a skip of the plan, or apply refused as a whole). */
export type ChangeStatus = "applied" | "failed" | "stale" | "refused" | "skipped";

/** Graph's answer to a failed write: enough to find it in Microsoft's logs. */
export interface WriteFailure {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  method: string;
  path: string;
  /** What to do about it, where roster can tell (e.g. the permission to grant for a 403). */
  hint?: string;
}

export interface ChangeOutcome {
  kind: ChangeKind;
  action: ChangeAction | null;
  path: string;
  /** Masked for authentication methods. */
  before: unknown;
  after: unknown;
  sensitive: boolean;
  status: ChangeStatus;
  /** Why it was stale, skipped, failed, or a note on an applied change ("already absent"). */
  reason?: string;
  error?: WriteFailure;
}

export interface UserOutcome {
  userPrincipalName: string;
  id: string;
  file: string;
  changes: ChangeOutcome[];
}

export interface ApplySummary {
  usersPlanned: number;
  usersApplied: number;
  usersFailed: number;
  usersStale: number;
  usersRefused: number;
  changes: number;
  applied: number;
  failed: number;
  stale: number;
  refused: number;
  skipped: number;
  /** Of the applied changes, those the tenant already held (nothing was written for them). */
  alreadySo: number;
}

/** `refused`: nothing was written (a guard, no approval, an unusable or edited plan). */
export type ApplyOutcome = "applied" | "noChanges" | "partial" | "failed" | "refused";

export interface ApplyReport {
  formatVersion: typeof APPLY_REPORT_FORMAT_VERSION;
  generator: string;
  tenant: string;
  /** The id of the tenant written to, proven at sign-in. */
  tenantId: string;
  graphUrl: string;
  /** The repository the apply ran from. */
  git: { commit: string | null; dirty: boolean };
  plan: {
    /** The saved plan file, or null for a plan made by this run. */
    file: string | null;
    /** `sha256:` of the plan document as `roster plan --out` writes it. */
    digest: string;
    desiredDigest: string;
    createdAt: string;
    commit: string | null;
    /** A plan of the users changed since a commit (`--changed-since`): that commit. */
    changedSince?: string;
  };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  outcome: ApplyOutcome;
  /** Why nothing was applied, when `outcome` is `refused`. */
  refusal?: string;
  requests: RequestCounts;
  users: UserOutcome[];
  summary: ApplySummary;
}

/** Values as the report keeps them: authentication methods masked, photos by file. */
function reportValue(kind: ChangeKind, path: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === "authMethod" || isAuthPath(path)) return maskAuthValue(path, value);
  return value;
}

/** Every planned and skipped change of a user, each waiting for its outcome. */
export function outcomesFor(user: PlannedUser): UserOutcome {
  return {
    userPrincipalName: user.userPrincipalName,
    id: user.id,
    file: user.file,
    changes: [
      ...user.changes.map((change) => pendingOutcome(change)),
      ...user.skipped.map(
        (skipped): ChangeOutcome => ({
          kind: skipped.kind,
          action: null,
          path: skipped.path,
          before: reportValue(skipped.kind, skipped.path, skipped.before),
          after: reportValue(skipped.kind, skipped.path, skipped.after),
          sensitive: skipped.kind === "authMethod",
          status: "skipped",
          reason: skipped.reason,
        }),
      ),
    ],
  };
}

function pendingOutcome(change: Change): ChangeOutcome {
  return {
    kind: change.kind,
    action: change.action,
    path: change.path,
    before: reportValue(change.kind, change.path, change.before),
    after: reportValue(change.kind, change.path, change.after),
    sensitive: change.sensitive,
    // Until the executor says otherwise: a change nobody got to is not "applied".
    status: "failed",
    reason: "not attempted",
  };
}

export function failureOf(error: GraphRequestError): WriteFailure {
  return {
    status: error.status,
    code: error.code,
    message: error.message,
    ...(error.requestId ? { requestId: error.requestId } : {}),
    ...(error.clientRequestId ? { clientRequestId: error.clientRequestId } : {}),
    method: error.method,
    path: error.path,
    ...(error.hint ? { hint: error.hint } : {}),
  };
}

export function summarize(users: readonly UserOutcome[]): ApplySummary {
  const all = users.flatMap((u) => u.changes);
  const count = (status: ChangeStatus) => all.filter((c) => c.status === status).length;
  const has = (u: UserOutcome, status: ChangeStatus) => u.changes.some((c) => c.status === status);
  return {
    usersPlanned: users.filter((u) => u.changes.some((c) => c.action !== null)).length,
    usersApplied: users.filter(
      (u) => has(u, "applied") && !has(u, "failed") && !has(u, "stale") && !has(u, "refused"),
    ).length,
    usersFailed: users.filter((u) => has(u, "failed")).length,
    usersStale: users.filter((u) => has(u, "stale")).length,
    usersRefused: users.filter((u) => has(u, "refused")).length,
    changes: all.filter((c) => c.action !== null).length,
    applied: count("applied"),
    failed: count("failed"),
    stale: count("stale"),
    refused: count("refused"),
    alreadySo: all.filter((c) => c.status === "applied" && c.reason === ALREADY_SO).length,
    skipped: count("skipped"),
  };
}

export function outcomeOf(summary: ApplySummary): ApplyOutcome {
  if (summary.changes === 0) return "noChanges";
  if (summary.failed === 0 && summary.stale === 0 && summary.refused === 0) return "applied";
  return summary.applied > 0 ? "partial" : "failed";
}

export interface ReportInput {
  plan: Plan;
  /** The saved plan file, or null for a plan made by this run. */
  planFile: string | null;
  graphUrl: string;
  /** The tenant apply is signed in to (proven at sign-in). */
  tenantId: string;
  /** The repository root, for its git state. */
  root: string;
  requests: RequestCounts;
  started: Date;
  finished: Date;
  /** Each planned user's changes and what became of them; absent when apply stopped before deciding. */
  outcomes?: UserOutcome[];
  /** Why nothing was written, when apply refused. */
  refusal?: string;
}

export async function buildApplyReport(input: ReportInput): Promise<ApplyReport> {
  const { plan, refusal } = input;
  // Refused before anything was decided: every planned change is listed, not attempted.
  const users = input.outcomes ?? plan.users.map(outcomesFor);
  if (refusal) {
    // Nothing was written: every change still waiting says why.
    for (const change of users.flatMap((u) => u.changes)) {
      if (change.action !== null && change.status === "failed" && change.reason === "not attempted") {
        Object.assign(change, {
          status: "skipped",
          reason: `apply refused: ${refusal}`,
        } satisfies Partial<ChangeOutcome>);
      }
    }
  }
  const summary = summarize(users);
  return {
    formatVersion: APPLY_REPORT_FORMAT_VERSION,
    generator: `roster ${VERSION}`,
    tenant: plan.tenant,
    tenantId: input.tenantId,
    graphUrl: input.graphUrl,
    git: await gitState(input.root),
    plan: {
      file: input.planFile,
      digest: planDigest(plan),
      desiredDigest: plan.desiredDigest,
      createdAt: plan.createdAt,
      commit: plan.git.commit,
      ...(plan.partial ? { changedSince: plan.partial.baseCommit } : {}),
    },
    startedAt: input.started.toISOString(),
    finishedAt: input.finished.toISOString(),
    durationMs: input.finished.getTime() - input.started.getTime(),
    outcome: refusal ? "refused" : outcomeOf(summary),
    ...(refusal ? { refusal } : {}),
    requests: { ...input.requests, byMethod: { ...input.requests.byMethod } },
    users,
    summary,
  };
}

/** Exit code of `roster apply`: 0 when everything planned was applied (or nothing needed to be). */
export function applyExitCode(report: ApplyReport): number {
  return report.outcome === "applied" || report.outcome === "noChanges" ? 0 : 1;
}
