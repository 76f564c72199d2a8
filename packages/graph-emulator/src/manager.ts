// The manager relationship: GET /users/{id}/manager, GET|PUT|DELETE /users/{id}/manager/$ref.
// `$ref` bodies name the manager by `@odata.id`, an absolute URL with Graph's origin or the
// emulator's, pointing at /users/{id} or /directoryObjects/{id} (graph-contract §2.1, §9.3).
import { badRequest, dirSyncRefusal, methodNotAllowed, resourceNotFound, segmentNotFound } from "./errors.js";
import { checkOptions, parseSelect } from "./odata.js";
import type { Store } from "./store.js";
import type { EmulatorRequest, EmulatorResponse, StoredUser } from "./types.js";
import { readUser, renderDirectoryObject } from "./users.js";
import { parseJsonBody } from "./validation.js";

const NO_MANAGER = "manager";
const GRAPH_ORIGINS = ["https://graph.microsoft.com"];

/** `rest` = the segments after /users/{key}, starting with "manager". */
export function handleManagerRequest(
  store: Store,
  req: EmulatorRequest,
  key: string,
  rest: string[],
): EmulatorResponse {
  if (rest.length > 2) throw segmentNotFound(rest[2]!);
  const isRef = rest[1] === "$ref";
  if (rest.length === 2 && !isRef) throw segmentNotFound(rest[1]!);

  if (req.method === "GET") {
    checkOptions(req.query, isRef ? [] : ["$select"]);
    const view = readUser(store, key);
    const manager = view.managerId ? store.find(view.managerId) : undefined;
    const managerView = manager && store.view(manager);
    if (!managerView) throw resourceNotFound(NO_MANAGER);
    const context = `${req.origin}/v1.0/$metadata#directoryObjects/$entity`;
    if (isRef) {
      return {
        status: 200,
        body: {
          "@odata.context": context,
          "@odata.id": `${req.origin}/v1.0/directoryObjects/${managerView.props.id}`,
        },
      };
    }
    const select = parseSelect(req.query.get("$select"), false);
    return {
      status: 200,
      body: { "@odata.context": context, ...renderDirectoryObject(managerView.props, select) },
    };
  }
  if (!isRef) throw methodNotAllowed();
  checkOptions(req.query, []);
  const user = readUser(store, key).user;
  if (req.method === "PUT") return setManager(store, req, user);
  if (req.method === "DELETE") {
    if (!user.managerId) throw resourceNotFound(NO_MANAGER);
    if (user.props.onPremisesSyncEnabled === true) throw dirSyncRefusal();
    store.beforeWrite(user, ["manager"]);
    user.managerId = undefined;
    return { status: 204 };
  }
  throw methodNotAllowed();
}

function setManager(store: Store, req: EmulatorRequest, user: StoredUser): EmulatorResponse {
  const body = parseJsonBody(req.body);
  const ref =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)["@odata.id"] : undefined;
  if (typeof ref !== "string")
    throw badRequest("The request body must contain '@odata.id' with the URL of the manager.", "BadRequest");
  const managerId = parseReference(ref, req.origin);
  const manager = store.read(managerId)?.user;
  if (!manager) throw resourceNotFound(managerId);
  if (manager === user)
    throw badRequest("Invalid value specified for property 'manager' of resource 'User'.");
  // Manager is mastered by on-premises AD for synced users, like their other directory attributes.
  if (user.props.onPremisesSyncEnabled === true) throw dirSyncRefusal();
  if (user.managerId !== manager.props.id) {
    store.beforeWrite(user, ["manager"]);
    user.managerId = manager.props.id;
  }
  return { status: 204 };
}

/** The object id named by an `@odata.id` URL, or 400 when the URL is not a user reference. */
function parseReference(ref: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    throw badRequest(`Invalid URL format specified in @odata.id: '${ref}'.`, "BadRequest");
  }
  const allowed = [...GRAPH_ORIGINS, origin];
  const match = /^\/(?:v1\.0|beta)\/(?:users|directoryObjects)\/([^/]+)$/.exec(url.pathname);
  if (!allowed.includes(url.origin) || !match) {
    throw badRequest(`Invalid URL format specified in @odata.id: '${ref}'.`, "BadRequest");
  }
  return decodeURIComponent(match[1]!);
}
