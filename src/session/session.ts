// What plan and apply share before they diff: the validated desired state and a Graph client for
// its tenant, with every request counted for the report.
import { resolve } from "node:path";
import type { DesiredState } from "../desired/types.js";
import { validateRepository } from "../desired/validate.js";
import { formatDiagnostic, hasErrors } from "../diagnostics.js";
import { UsageError } from "../errors.js";
import {
  type ConnectionFlags,
  createGraphClient,
  type GraphClient,
  type RequestCounts,
  requestCounter,
  resolveConnection,
  selectCredential,
} from "../graph/index.js";
import type { Io } from "../io.js";

export interface SessionFlags extends ConnectionFlags {
  dir: string;
}

export interface Session {
  state: DesiredState;
  graph: GraphClient;
  graphUrl: string;
  requests: RequestCounts;
}

export async function openSession(flags: SessionFlags, io: Io): Promise<Session> {
  const root = resolve(io.cwd, flags.dir);
  const { state, diagnostics } = await validateRepository(root);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!state || hasErrors(diagnostics))
    throw new UsageError("the repository does not validate", {
      hint: "run `roster validate` and fix what it lists",
    });
  const connection = await resolveConnection(flags, io.env, state.config.graphUrl);
  const requests = requestCounter();
  const credential = selectCredential(io.env);
  const graph = createGraphClient({
    graphUrl: connection.graphUrl,
    ...(connection.caPem ? { caCertPem: connection.caPem } : {}),
    credential: credential.create(),
    credentialDescription: credential.description,
    onRequest: requests.onRequest,
  });
  return { state, graph, graphUrl: connection.graphUrl, requests: requests.counts };
}
