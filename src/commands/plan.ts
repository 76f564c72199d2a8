// `roster plan`: read the tenant, diff it against the repository, print the plan.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Io } from "../io.js";
import { serializePlan } from "../plan/document.js";
import { planHasChanges } from "../plan/types.js";
import { render } from "../render/index.js";
import { makePlan } from "../session/make-plan.js";
import { openSession, type SessionFlags } from "../session/session.js";

export interface PlanFlags extends SessionFlags {
  out?: string;
  format: "text" | "markdown" | "json";
  detailedExitcode?: boolean;
}

/** Exit codes as Terraform's: 0 no changes, 1 error (also a plan holding errors), 2 changes. */
export async function runPlan(flags: PlanFlags, io: Io): Promise<number> {
  const session = await openSession(flags, io);
  try {
    const started = Date.now();
    const plan = await makePlan(session.state, session.graph, {
      graphUrl: session.graphUrl,
      tenantId: session.tenant.id,
      progress: (message) => io.stderr(`${message}\n`),
    });
    if (flags.out) await writeFile(resolve(io.cwd, flags.out), serializePlan(plan));
    io.stdout(render(plan, flags.format, { color: io.isTty && flags.format === "text" }));
    io.stderr(`planned with ${session.requests.total} Graph requests in ${Date.now() - started} ms\n`);
    if (plan.errors.length > 0) return 1;
    return flags.detailedExitcode && planHasChanges(plan) ? 2 : 0;
  } finally {
    session.graph.close();
  }
}
