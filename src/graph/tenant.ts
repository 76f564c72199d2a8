// Which tenant roster is signed in to, proven rather than assumed: Graph has one URL for every
// tenant, so a wrong AZURE_TENANT_ID or `az login` tenant would otherwise go unnoticed. Graph's
// organization resource names the tenant that answers (GET /organization: `id`, `verifiedDomains`;
// application permission Organization.Read.All, https://learn.microsoft.com/graph/api/organization-list);
// where the credential gives a JWT, its `tid` claim must name the same tenant.
import { RosterError } from "../errors.js";
import type { GraphClient } from "./client.js";

export interface SignedInTenant {
  /** The tenant (directory) id, a GUID. */
  id: string;
  /** Verified domain names, the default first. */
  domains: string[];
}

/** roster is signed in to another tenant than the one roster.yaml names. */
export class TenantMismatchError extends RosterError {}

interface Organization {
  id?: string;
  verifiedDomains?: { name?: string; isDefault?: boolean }[];
}

export async function readSignedInTenant(
  graph: Pick<GraphClient, "get" | "tokenTenantId">,
): Promise<SignedInTenant> {
  const [answer, tokenTenant] = await Promise.all([
    graph.get<{ value?: Organization[] }>("/organization?$select=id,verifiedDomains"),
    graph.tokenTenantId(),
  ]);
  const organization = answer?.value?.[0];
  if (!organization?.id)
    throw new TenantMismatchError("Graph's /organization named no tenant: cannot tell which tenant this is");
  const domains = [...(organization.verifiedDomains ?? [])]
    .sort((a, b) => Number(b.isDefault === true) - Number(a.isDefault === true))
    .flatMap((domain) => (domain.name ? [domain.name] : []));
  if (tokenTenant && tokenTenant.toLowerCase() !== organization.id.toLowerCase()) {
    throw new TenantMismatchError(
      `the access token is for tenant ${tokenTenant}, but Graph answered for tenant ${organization.id}`,
    );
  }
  return { id: organization.id, domains };
}

/**
 * Refuses to go on unless `signedIn` is the tenant roster.yaml names: its GUID, or one of its
 * verified domains (case-insensitively).
 */
export function assertExpectedTenant(expected: string, signedIn: SignedInTenant): void {
  const wanted = expected.trim().toLowerCase();
  const matches =
    signedIn.id.toLowerCase() === wanted ||
    signedIn.domains.some((domain) => domain.toLowerCase() === wanted);
  if (matches) return;
  const name = signedIn.domains[0] ? `${signedIn.domains[0]} (${signedIn.id})` : signedIn.id;
  throw new TenantMismatchError(`signed in to tenant ${name}, but roster.yaml names ${expected}`, {
    hint: "sign in to the tenant roster.yaml names (AZURE_TENANT_ID, az login --tenant, ROSTER_ACCESS_TOKEN), or point --graph-url at it",
  });
}
