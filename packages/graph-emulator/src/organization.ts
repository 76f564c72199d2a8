// The organization resource: which tenant the caller is signed in to. Clients use it to prove they
// talk to the tenant they think they do (Graph has one URL for every tenant).
// GET /organization answers a collection of exactly one organization; GET /organization/{id} that
// one object (https://learn.microsoft.com/graph/api/organization-list,
// https://learn.microsoft.com/graph/api/organization-get). `$select` picks properties; an unknown
// property is Graph's 400.
import { badRequest, methodNotAllowed, resourceNotFound, segmentNotFound } from "./errors.js";
import { checkOptions, selectNames } from "./odata.js";
import type { Store } from "./store.js";
import type { EmulatorRequest, EmulatorResponse } from "./types.js";

const PROPERTIES = ["id", "displayName", "tenantType", "verifiedDomains", "deletedDateTime"] as const;

function render(store: Store): Record<string, unknown> {
  const [first] = store.tenant.domains;
  return {
    id: store.tenant.id,
    deletedDateTime: null,
    displayName: store.tenant.displayName ?? first?.split(".")[0] ?? "Contoso",
    tenantType: "AAD",
    // The initial domain is the tenant's own `*.onmicrosoft.com` name; the first listed is the default.
    verifiedDomains: store.tenant.domains.map((name, index) => ({
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: index === 0,
      isInitial: /\.onmicrosoft\.com$/i.test(name),
      name,
      type: "Managed",
    })),
  };
}

function select(raw: string | null, organization: Record<string, unknown>): Record<string, unknown> {
  if (raw === null) return organization;
  const names = selectNames(raw);
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (!(PROPERTIES as readonly string[]).includes(name)) {
      throw badRequest(
        `Could not find a property named '${name}' on type 'microsoft.graph.organization'.`,
        "Request_BadRequest",
      );
    }
    out[name] = organization[name];
  }
  return out;
}

/** `rest` = the segments after "organization". */
export function handleOrganizationRequest(
  store: Store,
  req: EmulatorRequest,
  rest: string[],
): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  checkOptions(req.query, ["$select"]);
  const organization = render(store);
  const context = `${req.origin}/v1.0/$metadata#organization`;
  if (rest.length === 0) {
    return {
      status: 200,
      body: { "@odata.context": context, value: [select(req.query.get("$select"), organization)] },
    };
  }
  const [id, ...more] = rest;
  if (more.length > 0) throw segmentNotFound(more[0]!);
  if (id?.toLowerCase() !== store.tenant.id.toLowerCase()) throw resourceNotFound(id ?? "");
  return {
    status: 200,
    body: { "@odata.context": `${context}/$entity`, ...select(req.query.get("$select"), organization) },
  };
}
