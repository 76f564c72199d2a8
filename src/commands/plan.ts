// `roster plan`: read the tenant, diff it against the repository, print the plan.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { Io } from "../io.js";
import { serializePlan } from "../plan/document.js";
import { type Plan, planHasChanges } from "../plan/types.js";
import { render, renderHtml } from "../render/index.js";
import { changedPart } from "../session/changed-since.js";
import { digestKeyOf, makePlan } from "../session/make-plan.js";
import { gatherPictures } from "../session/plan-pictures.js";
import { openSession, type Session, type SessionFlags } from "../session/session.js";
import { assertWritableFile } from "../util/output-file.js";
import { plural } from "../util/text.js";

export interface PlanFlags extends SessionFlags {
  /** The JSON plan (for `roster apply`); with `--format html`, the HTML page instead. */
  out?: string;
  /** Also write the HTML page here, beside any other format. */
  html?: string;
  format: "text" | "markdown" | "json" | "html";
  detailedExitcode?: boolean;
  /** Read only the users whose desired state changed since this git ref. */
  changedSince?: string;
  /** False with `--no-auth-methods`. */
  authMethods?: boolean;
}

/** Exit codes as Terraform's: 0 no changes, 1 error (also a plan holding errors), 2 changes. */
export async function runPlan(flags: PlanFlags, io: Io): Promise<number> {
  checkOutputFlags(flags);
  if (flags.out) await assertWritableFile(io.cwd, flags.out, "--out");
  if (flags.html) await assertWritableFile(io.cwd, flags.html, "--html");
  const session = await openSession(flags, io);
  try {
    const started = Date.now();
    const only = flags.changedSince
      ? await changedPart(session.state, flags.changedSince, (line) => io.stderr(`${line}\n`))
      : undefined;
    const plan = await makePlan(session.state, session.graph, {
      graphUrl: session.graphUrl,
      tenantId: session.tenant.id,
      ...(only ? { only } : {}),
      ...(digestKeyOf(io.env) ? { digestKey: digestKeyOf(io.env) } : {}),
      ...(flags.authMethods === false ? { authMethods: false } : {}),
      progress: (message) => io.stderr(`${message}\n`),
    });
    await writeOutputs(plan, flags, session, io);
    io.stderr(`planned with ${session.requests.total} Graph requests in ${Date.now() - started} ms\n`);
    if (plan.errors.length > 0) return 1;
    return flags.detailedExitcode && planHasChanges(plan) ? 2 : 0;
  } finally {
    session.graph.close();
  }
}

/**
 * `--out` keeps its meaning for text, markdown and json (the JSON plan `roster apply` takes); with
 * `--format html` it names the page. `--html` adds the page beside any other format.
 */
function checkOutputFlags(flags: PlanFlags): void {
  if (flags.format !== "html") return;
  if (flags.html !== undefined)
    throw new UsageError(
      "--html adds a page beside another --format; with --format html the page goes to --out",
      {
        hint: "use `--format html --out plan.html`, or `--out plan.json --html plan.html` for both files",
      },
    );
  if (flags.out?.toLowerCase().endsWith(".json"))
    throw new UsageError(`--format html writes the HTML page to --out, not a JSON plan: ${flags.out}`, {
      hint: "use `--out plan.json --html plan.html` to write both",
    });
}

async function writeOutputs(plan: Plan, flags: PlanFlags, session: Session, io: Io): Promise<void> {
  const write = (file: string, text: string) => writeFile(resolve(io.cwd, file), text);
  if (flags.format !== "html") {
    if (flags.out) await write(flags.out, serializePlan(plan));
    io.stdout(render(plan, flags.format, { color: io.color && flags.format === "text" }));
  }
  const htmlFile = flags.format === "html" ? flags.out : flags.html;
  if (flags.format !== "html" && htmlFile === undefined) return;
  const pictures = await gatherPictures(plan, session.state, session.graph, {
    progress: (message) => io.stderr(`${message}\n`),
  });
  const page = renderHtml(plan, pictures);
  if (htmlFile === undefined) io.stdout(page);
  else {
    await write(htmlFile, page);
    io.stderr(`wrote the HTML plan to ${htmlFile}\n`);
  }
}
