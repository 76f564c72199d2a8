// What plan and apply share before they diff: the validated desired state and a Graph client for
// its tenant, with every request counted for the report.
import { resolve } from "node:path";
import { type ConnectionFlags, resolveConnection } from "../config/connection.js";
import type { DesiredState } from "../desired/types.js";
import { validateRepository } from "../desired/validate.js";
import { formatDiagnostic, hasErrors } from "../diagnostics.js";
import { createGraphClient, type GraphClient, selectCredential } from "../graph/index.js";
import type { Io } from "../io.js";

export interface SessionFlags extends ConnectionFlags {
  dir: string;
}

export interface RequestCounts {
  total: number;
  byMethod: Record<string, number>;
  retries: number;
}

export interface Session {
  state: DesiredState;
  graph: GraphClient;
  graphUrl: string;
  requests: RequestCounts;
}

/** A failure already explained to the user on stderr: the command exits 1 without a stack trace. */
export class ReportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportedError";
  }
}

export async function openSession(flags: SessionFlags, io: Io): Promise<Session> {
  const root = resolve(io.cwd, flags.dir);
  const { state, diagnostics } = await validateRepository(root);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!state || hasErrors(diagnostics))
    throw new ReportedError("the repository does not validate; run `roster validate`");
  const connection = await resolveConnection(flags, io.env, state.config);
  const requests: RequestCounts = { total: 0, byMethod: {}, retries: 0 };
  const graph = createGraphClient({
    graphUrl: connection.graphUrl,
    ...(connection.caPem ? { caCertPem: connection.caPem } : {}),
    credential: selectCredential(io.env).create(),
    onRequest: (event) => {
      requests.total++;
      requests.byMethod[event.method] = (requests.byMethod[event.method] ?? 0) + 1;
      if (event.attempt > 1) requests.retries++;
    },
  });
  return { state, graph, graphUrl: connection.graphUrl, requests };
}
