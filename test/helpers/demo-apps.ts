// The app registrations demo/tenant.json declares (roster-plan, roster-drift, roster-apply, with the
// README's permissions): tests against the demo tenant sign in with their tokens, as the pipeline
// would. A plan that reads authentication methods is roster-drift's (roster-plan may not).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TenantState } from "@roster/graph-emulator";

const DEMO_STATE = join(import.meta.dirname, "..", "..", "demo", "tenant.json");

/** The bearer token of the demo tenant's app `roster-plan` or `roster-apply`. */
export function demoToken(app: "roster-plan" | "roster-drift" | "roster-apply"): string {
  const state = JSON.parse(readFileSync(DEMO_STATE, "utf8")) as TenantState;
  const token = state.apps?.find((a) => a.displayName === app)?.token;
  if (!token) throw new Error(`demo/tenant.json declares no app ${app}`);
  return token;
}
