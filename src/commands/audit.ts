// `roster audit`: the desired-state changes merged into the branch in a period, with pull request,
// approval (where git knows it) and apply status from the apply records; commits merged but never
// applied are called out. Text on stdout, or JSON with --json (schema/audit.schema.json). Exit 0,
// or 1 on an error.
import { resolve } from "node:path";
import { auditLog } from "../history/audit.js";
import { parseSince } from "../history/commits.js";
import type { Io } from "../io.js";
import { renderAuditText } from "../render/history.js";

export interface AuditFlags {
  dir: string;
  since?: string;
  json?: boolean;
}

export async function runAudit(flags: AuditFlags, io: Io): Promise<number> {
  const since = parseSince(flags.since);
  const audit = await auditLog({ root: resolve(io.cwd, flags.dir), ...(since ? { since } : {}) });
  io.stdout(flags.json ? `${JSON.stringify(audit, null, 2)}\n` : renderAuditText(audit));
  return 0;
}
