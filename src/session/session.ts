// What plan and apply share before they diff: the validated desired state and a Graph client
// signed in to its tenant (proven, not assumed), with every request counted for the report.
import { resolve } from "node:path";
import type { DesiredState } from "../desired/types.js";
import { validateRepository } from "../desired/validate.js";
import { formatDiagnostic, hasErrors } from "../diagnostics.js";
import { UsageError } from "../errors.js";
import {
  assertExpectedTenant,
  type ConnectionFlags,
  createGraphClient,
  type GraphClient,
  type RequestCounts,
  readSignedInTenant,
  requestCounter,
  resolveConnection,
  type SignedInTenant,
  selectCredential,
} from "../graph/index.js";
import type { Io } from "../io.js";

export interface SessionFlags extends ConnectionFlags {
  dir: string;
}

export interface Session {
  state: DesiredState;
  graph: GraphClient;
  /** The tenant roster is signed in to, proven to be the one roster.yaml names. */
  tenant: SignedInTenant;
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
  let tenant: SignedInTenant;
  try {
    tenant = await readSignedInTenant(graph);
    assertExpectedTenant(state.config.tenant, tenant);
  } catch (error) {
    graph.close();
    throw error;
  }
  return { state, graph, tenant, graphUrl: connection.graphUrl, requests: requests.counts };
}
