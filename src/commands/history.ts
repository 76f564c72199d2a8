// `roster history <userPrincipalName | file>`: one user's attribute-level history from git, with
// pull request, author, approval and apply records. Text on stdout, or JSON with --json
// (schema/history.schema.json). Exit 0, or 1 on an error (no such user, not a git repository).
import { resolve } from "node:path";
import { parseSince } from "../history/commits.js";
import { userHistory } from "../history/history.js";
import type { Io } from "../io.js";
import { renderHistoryText } from "../render/history.js";

export interface HistoryFlags {
  dir: string;
  since?: string;
  json?: boolean;
}

export async function runHistory(query: string, flags: HistoryFlags, io: Io): Promise<number> {
  const since = parseSince(flags.since);
  const history = await userHistory({
    root: resolve(io.cwd, flags.dir),
    query,
    cwd: io.cwd,
    ...(since ? { since } : {}),
  });
  io.stdout(flags.json ? `${JSON.stringify(history, null, 2)}\n` : renderHistoryText(history));
  return 0;
}
