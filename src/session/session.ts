// What plan, apply and export share before they read: a Graph client signed in to the tenant
// roster.yaml names (proven, not assumed), with every request counted for the report; for plan and
// apply, also the validated desired state.
import { resolve } from "node:path";
import type { RosterConfig } from "../config/load.js";
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

/** A Graph client signed in to roster.yaml's tenant. */
export interface Connected {
  graph: GraphClient;
  /** The tenant roster is signed in to, proven to be the one roster.yaml names. */
  tenant: SignedInTenant;
  graphUrl: string;
  requests: RequestCounts;
}

export interface Session extends Connected {
  state: DesiredState;
}

export async function openSession(flags: SessionFlags, io: Io): Promise<Session> {
  const root = resolve(io.cwd, flags.dir);
  const { state, diagnostics } = await validateRepository(root);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!state || hasErrors(diagnostics))
    throw new UsageError("the repository does not validate", {
      hint: "run `roster validate` and fix what it lists",
    });
  return { state, ...(await connect(state.config, flags, io)) };
}

/**
 * Signs in and proves the tenant: GET /organization (and the token's tid) must name roster.yaml's
 * tenant. `roster export` starts here, with roster.yaml alone: its profiles need not validate yet.
 */
export async function connect(config: RosterConfig, flags: ConnectionFlags, io: Io): Promise<Connected> {
  const connection = await resolveConnection(flags, io.env, config.graphUrl);
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
    assertExpectedTenant(config.tenant, tenant);
  } catch (error) {
    graph.close();
    throw error;
  }
  return { graph, tenant, graphUrl: connection.graphUrl, requests: requests.counts };
}
