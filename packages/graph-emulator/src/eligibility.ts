// PIM eligibilities, read-only: GET /roleManagement/directory/roleEligibilityScheduleInstances
// (rbacapplication-list-roleeligibilityscheduleinstances), built from the state's `eligibleRoles`
// of users and groups. Each eligibility is one permanent, tenant-wide instance (directoryScopeId
// "/", no end). The page documents `$select`, `$filter` and `$expand`; the emulator honours
// `$expand` of principal and roleDefinition, `$filter` on principalId or roleDefinitionId (eq), and
// refuses every other option rather than ignoring it. A tenant without Entra ID P2 (state
// `tenant.pimLicensed: false`) is refused as Graph was observed to refuse it.
import { badRequest, methodNotAllowed, segmentNotFound } from "./errors.js";
import { renderPrincipal } from "./groups.js";
import { uuidFromName } from "./ids.js";
import { checkOptions, encodeToken, nextLink, pageStart, requiredSelectNames } from "./odata.js";
import { isBuiltInRole, roleTemplateId } from "./roles.js";
import type { Eligibility, Store } from "./store.js";
import { type EmulatorRequest, type EmulatorResponse, GraphHttpError } from "./types.js";

const PATH = "/roleManagement/directory/roleEligibilityScheduleInstances";
const ENTITY = "microsoft.graph.unifiedRoleEligibilityScheduleInstance";

/** The instance's own properties, in the order of the page's example. */
const PROPERTIES = [
  "id",
  "principalId",
  "roleDefinitionId",
  "directoryScopeId",
  "appScopeId",
  "startDateTime",
  "endDateTime",
  "memberType",
  "roleEligibilityScheduleId",
] as const;
const EXPANDABLE = ["principal", "roleDefinition"] as const;
type Expandable = (typeof EXPANDABLE)[number];

/**
 * Server-driven page size. The page states none; the emulator pages so that a client which does not
 * follow `@odata.nextLink` misses eligibilities here rather than on a large tenant.
 */
export const ELIGIBILITY_PAGE_SIZE = 100;

/** Every instance starts at this fixed time (the state has no dates; a clock would make runs differ). */
const START = "2025-01-01T00:00:00Z";

/**
 * Observed, not documented: a tenant without Entra ID P2 or ID Governance gets this 400 from PIM's
 * APIs (https://github.com/maester365/maester/issues/1421).
 */
export function pimLicenseRequired(): GraphHttpError {
  return new GraphHttpError(
    400,
    "AadPremiumLicenseRequired",
    "The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.",
  );
}

/** `rest` = the segments after "roleManagement". */
export function handleEligibilityRequest(
  store: Store,
  req: EmulatorRequest,
  rest: string[],
): EmulatorResponse {
  const [provider, collection, ...extra] = rest;
  if (provider !== "directory") throw segmentNotFound(provider ?? "roleManagement");
  if (collection !== "roleEligibilityScheduleInstances")
    throw new GraphHttpError(
      501,
      "NotImplemented",
      "The emulator serves only /roleManagement/directory/roleEligibilityScheduleInstances.",
    );
  if (extra.length > 0) throw segmentNotFound(extra[0]!);
  if (req.method !== "GET") throw methodNotAllowed();
  if (!store.tenant.pimLicensed) throw pimLicenseRequired();
  checkOptions(req.query, ["$select", "$expand", "$filter", "$skiptoken"]);
  const select = parseInstanceSelect(req.query.get("$select"));
  const expand = parseInstanceExpand(req.query.get("$expand"));
  const keep = instanceFilter(req.query.get("$filter"));
  const start = pageStart(req.query);
  const items = store.eligibilities().filter((eligibility) => keep(instanceOf(eligibility)));
  const body: Record<string, unknown> = { "@odata.context": contextOf(req.origin, select, expand) };
  if (start + ELIGIBILITY_PAGE_SIZE < items.length) {
    body["@odata.nextLink"] = nextLink(
      req.origin,
      PATH,
      req.query,
      encodeToken({ p: start + ELIGIBILITY_PAGE_SIZE }),
    );
  }
  body.value = items.slice(start, start + ELIGIBILITY_PAGE_SIZE).map((eligibility) => {
    const instance = instanceOf(eligibility);
    const out: Record<string, unknown> = {};
    for (const name of select ?? PROPERTIES) out[name] = instance[name];
    if (expand.has("principal")) out.principal = renderPrincipal(eligibility.principal, undefined);
    if (expand.has("roleDefinition")) out.roleDefinition = roleDefinitionOf(eligibility.role);
    return out;
  });
  return { status: 200, body };
}

type Instance = Record<(typeof PROPERTIES)[number], string | null>;

function instanceOf({ principal, role }: Eligibility): Instance {
  const principalId = principal.kind === "user" ? principal.user.props.id : principal.group.id;
  const roleDefinitionId = roleTemplateId(role);
  return {
    id: instanceId(roleDefinitionId, principalId),
    principalId,
    roleDefinitionId,
    directoryScopeId: "/",
    appScopeId: null,
    startDateTime: START,
    endDateTime: null,
    memberType: "Direct",
    roleEligibilityScheduleId: uuidFromName("roleEligibilitySchedule", `${principalId}/${roleDefinitionId}`),
  };
}

/**
 * Graph's instance ids (the page's example `8MYkhImhnkm70CbBdTyW1BbHHAdHgZdDpbqyEFlRzAs-1-e`) are the
 * role definition's and the principal's GUID bytes, base64url, then `-1-e`; the emulator builds the
 * same shape so ids stay stable and unique per (role, principal).
 */
function instanceId(roleDefinitionId: string, principalId: string): string {
  return `${Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]).toString("base64url")}-1-e`;
}

/** A GUID's bytes in .NET order (the first three fields little-endian). */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  const bytes = Buffer.from(hex, "hex");
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
}

/** unifiedRoleDefinition: built-in roles' ids are their template ids. */
function roleDefinitionOf(role: string): Record<string, unknown> {
  const id = roleTemplateId(role);
  return {
    id,
    description: `${role} (emulated)`,
    displayName: role,
    isBuiltIn: isBuiltInRole(role),
    isEnabled: true,
    templateId: id,
    version: "1",
  };
}

function parseInstanceSelect(raw: string | null): (typeof PROPERTIES)[number][] | undefined {
  if (raw === null) return undefined;
  const names = requiredSelectNames(raw);
  for (const name of names) {
    if (!(PROPERTIES as readonly string[]).includes(name))
      throw badRequest(`Could not find a property named '${name}' on type '${ENTITY}'.`, "BadRequest");
  }
  return [...new Set(names)] as (typeof PROPERTIES)[number][];
}

/** `principal`, `roleDefinition`, or both (comma-separated); no nested options. */
function parseInstanceExpand(raw: string | null): Set<Expandable> {
  const expand = new Set<Expandable>();
  if (raw === null) return expand;
  for (const part of raw.split(",").map((name) => name.trim())) {
    if (!(EXPANDABLE as readonly string[]).includes(part)) {
      if ((EXPANDABLE as readonly string[]).includes(part.split("(")[0]!.trim()))
        throw badRequest(
          `Invalid $expand: '${part}'. The emulator expands principal and roleDefinition without options.`,
          "BadRequest",
        );
      throw badRequest(`Could not find a property named '${part}' on type '${ENTITY}'.`, "BadRequest");
    }
    if (expand.has(part as Expandable))
      throw badRequest(`Invalid $expand: '${part}' is expanded more than once.`, "BadRequest");
    expand.add(part as Expandable);
  }
  return expand;
}

/** `principalId eq '…'` or `roleDefinitionId eq '…'` (GUIDs, case-insensitive); nothing else. */
function instanceFilter(raw: string | null): (instance: Instance) => boolean {
  if (raw === null) return () => true;
  const match = /^\s*(principalId|roleDefinitionId)\s+eq\s+'([^']*)'\s*$/.exec(raw);
  if (!match)
    throw badRequest(
      `Invalid filter clause: the emulator filters ${ENTITY} only on principalId eq '…' or roleDefinitionId eq '…'.`,
      "BadRequest",
    );
  const property = match[1] as "principalId" | "roleDefinitionId";
  const value = match[2]!.toLowerCase();
  return (instance) => instance[property]?.toLowerCase() === value;
}

function contextOf(origin: string, select: readonly string[] | undefined, expand: Set<Expandable>): string {
  const parts = [...(select ?? []), ...[...expand].map((name) => `${name}()`)];
  return `${origin}/v1.0/$metadata#roleManagement/directory/roleEligibilityScheduleInstances${
    parts.length > 0 ? `(${parts.join(",")})` : ""
  }`;
}
