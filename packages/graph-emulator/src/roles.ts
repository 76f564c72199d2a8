// Read-only directory roles, built from the state's `roles` so roster can find and protect
// privileged users: GET /directoryRoles (optionally `$expand=members($select=…)`),
// GET /directoryRoles/{id} and GET /directoryRoles/{id}/members (paged). A role assigned to a
// role-assignable group lists the group (`#microsoft.graph.group`), not its members: the role's
// members relationship is the assignment, and reading who is behind a group is the client's job.
import { badRequest, methodNotAllowed, resourceNotFound, segmentNotFound } from "./errors.js";
import { renderPrincipal } from "./groups.js";
import { uuidFromName } from "./ids.js";
import { checkOptions, decodeToken, encodeToken, nextLink, parseSelect, parseTop } from "./odata.js";
import type { Store } from "./store.js";
import type { EmulatorRequest, EmulatorResponse } from "./types.js";

/** Template ids of common built-in roles (stable across tenants); others get a derived id. */
const TEMPLATE_IDS: Record<string, string> = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
  "Privileged Authentication Administrator": "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
  "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
  "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
  "Groups Administrator": "fdd7a751-b60b-444a-984c-02652fe8fa1c",
  "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
  "Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
  "Password Administrator": "966707d0-3269-4727-9be2-8c3a10f19b9d",
  "Global Reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
  "Directory Readers": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
  "Reports Reader": "4a5d8f65-41da-4de4-8968-e035b65339cf",
};

/** Graph expands at most 20 objects per relationship (graph-contract §2.3); use /members for all. */
const MAX_EXPANDED = 20;

interface Role {
  id: string;
  displayName: string;
  roleTemplateId: string;
}

/** A role's template id: Microsoft's for the built-in roles listed above, else one derived from the name. */
export function roleTemplateId(displayName: string): string {
  return TEMPLATE_IDS[displayName] ?? uuidFromName("roleTemplate", displayName);
}

/** True for the built-in roles the emulator knows the template id of; other names count as custom roles. */
export function isBuiltInRole(displayName: string): boolean {
  return Object.hasOwn(TEMPLATE_IDS, displayName);
}

function rolesOf(store: Store): Role[] {
  return store.rolesInUse().map((displayName) => ({
    id: uuidFromName("directoryRole", `${store.tenant.id}/${displayName}`),
    displayName,
    roleTemplateId: roleTemplateId(displayName),
  }));
}

function renderRole(role: Role): Record<string, unknown> {
  return {
    id: role.id,
    deletedDateTime: null,
    description: `${role.displayName} (emulated)`,
    displayName: role.displayName,
    roleTemplateId: role.roleTemplateId,
  };
}

/** `rest` = the segments after "directoryRoles". */
export function handleRolesRequest(store: Store, req: EmulatorRequest, rest: string[]): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  const context = `${req.origin}/v1.0/$metadata#directoryRoles`;
  if (rest.length === 0) {
    checkOptions(req.query, ["$expand", "$filter"]);
    const expand = parseMembersExpand(req.query.get("$expand"));
    const roles = rolesOf(store).filter(roleFilter(req.query.get("$filter")));
    const value = roles.map((role) => {
      const out = renderRole(role);
      if (expand) {
        out.members = store
          .membersOf(role.displayName)
          .slice(0, MAX_EXPANDED)
          .map((member) => renderPrincipal(member, expand.select));
      }
      return out;
    });
    return { status: 200, body: { "@odata.context": context, value } };
  }
  const role = rolesOf(store).find((r) => r.id.toLowerCase() === rest[0]!.toLowerCase());
  if (!role) throw resourceNotFound(rest[0]!);
  if (rest.length === 1) {
    checkOptions(req.query, []);
    return { status: 200, body: { "@odata.context": `${context}/$entity`, ...renderRole(role) } };
  }
  if (rest[1] !== "members" || rest.length > 2) throw segmentNotFound(rest[rest.length - 1]!);
  checkOptions(req.query, ["$select", "$top", "$skiptoken"]);
  const select = parseSelect(req.query.get("$select"), true);
  const top = parseTop(req.query.get("$top"), 999);
  const skiptoken = req.query.get("$skiptoken");
  const start = skiptoken === null ? 0 : Number(decodeToken(skiptoken).p ?? Number.NaN);
  if (!Number.isInteger(start) || start < 0)
    throw badRequest(
      "The specified page token value has expired and can no longer be included in your request.",
    );
  const members = store.membersOf(role.displayName);
  const body: Record<string, unknown> = { "@odata.context": `${req.origin}/v1.0/$metadata#directoryObjects` };
  if (start + top < members.length) {
    body["@odata.nextLink"] = nextLink(
      req.origin,
      `/directoryRoles/${role.id}/members`,
      req.query,
      encodeToken({ p: start + top }),
    );
  }
  body.value = members.slice(start, start + top).map((member) => renderPrincipal(member, select));
  return { status: 200, body };
}

function parseMembersExpand(raw: string | null): { select: string[] | undefined } | undefined {
  if (raw === null) return undefined;
  const match = /^\s*members\s*(?:\(\s*\$select\s*=\s*([^)]*)\))?\s*$/.exec(raw);
  if (!match)
    throw badRequest(
      `Could not find a property named '${raw.split("(")[0]?.trim()}' on type 'microsoft.graph.directoryRole'.`,
    );
  return { select: match[1] === undefined ? undefined : parseSelect(match[1], true) };
}

/** Only `displayName eq '…'` and `roleTemplateId eq '…'`, the two filters clients use on roles. */
function roleFilter(raw: string | null): (role: Role) => boolean {
  if (raw === null) return () => true;
  const match = /^\s*(displayName|roleTemplateId)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(raw);
  if (!match) {
    throw badRequest(
      "Unsupported or invalid query filter clause specified for resource 'DirectoryRole'.",
      "Request_UnsupportedQuery",
    );
  }
  const prop = match[1] as "displayName" | "roleTemplateId";
  const value = match[2]!.replace(/''/g, "'").toLowerCase();
  return (role) => role[prop].toLowerCase() === value;
}
