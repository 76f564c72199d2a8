// Maps a Graph request (path after /v1.0) to its handler. Photos and authentication methods are
// handled in photo.ts and auth-methods.ts; everything else here. Unknown segments and methods get
// Graph's own errors rather than a generic 404, so client mistakes look like they would on Graph.
import { handleAuthMethodsRequest } from "./auth-methods.js";
import { handleBatch } from "./batch.js";
import type { EmulatorContext } from "./context.js";
import { handleDelta } from "./delta.js";
import { handleEligibilityRequest } from "./eligibility.js";
import { badRequest, methodNotAllowed, segmentNotFound } from "./errors.js";
import { handleGroupsRequest } from "./groups.js";
import { handleManagerRequest } from "./manager.js";
import { hasEventualConsistency } from "./odata.js";
import { handleOrganizationRequest } from "./organization.js";
import { handlePhotoRequest } from "./photo.js";
import { handleRolesRequest } from "./roles.js";
import type { EmulatorRequest, EmulatorResponse } from "./types.js";
import { isRefusedSlashKey } from "./user-key.js";
import { createUser, getUser, listUsers, patchUser, readUser } from "./users.js";

export async function route(ctx: EmulatorContext, req: EmulatorRequest): Promise<EmulatorResponse> {
  const [first, ...rest] = req.segments;
  const { store } = ctx;
  switch (first) {
    case undefined:
      throw badRequest("Invalid request: a resource path is required after /v1.0.", "BadRequest");
    case "$batch":
      if (req.inBatch) throw badRequest("Nested $batch requests are not supported.", "BadRequest");
      if (rest.length > 0) throw segmentNotFound(rest[0]!);
      if (req.method !== "POST") throw methodNotAllowed();
      return handleBatch(ctx, req, route);
    case "directoryRoles":
      return handleRolesRequest(store, req, rest);
    case "groups":
      return handleGroupsRequest(store, req, rest);
    case "roleManagement":
      return handleEligibilityRequest(store, req, rest);
    case "organization":
      return handleOrganizationRequest(store, req, rest);
    case "me":
      throw badRequest("/me request is only valid with delegated authentication flow.", "BadRequest");
    case "users":
      return routeUsers(ctx, req, rest);
    default:
      throw segmentNotFound(first);
  }
}

async function routeUsers(
  ctx: EmulatorContext,
  req: EmulatorRequest,
  rest: string[],
): Promise<EmulatorResponse> {
  const { store } = ctx;
  const [key, next] = rest;
  if (key === undefined) {
    if (req.method === "GET") return listUsers(store, req);
    if (req.method === "POST") return createUser(store, req);
    throw methodNotAllowed();
  }
  if (key === "delta" && rest.length === 1) {
    if (req.method !== "GET") throw methodNotAllowed();
    return handleDelta(store, req);
  }
  if (key === "$count" && rest.length === 1) return countUsers(ctx, req);
  // Graph reads `/users/$x@…` as a system query option and refuses it; `/users('$x@…')` is the way.
  if (!req.userKeyParenthesized && isRefusedSlashKey(key))
    throw badRequest(
      `Invalid request: '${key}' after /users is not a system query option; write a key that begins with $ as /users('${key}').`,
      "BadRequest",
    );
  if (next === undefined) {
    if (req.method === "GET") return getUser(store, req, key);
    if (req.method === "PATCH") return patchUser(store, req, key);
    // Deleting accounts is out of roster's scope: refusing it makes such a call visible.
    throw methodNotAllowed();
  }
  const tail = rest.slice(1);
  if (next === "manager") return handleManagerRequest(store, req, key, tail);
  if (next === "photo" || next === "photos") {
    const { user } = readUser(store, key);
    return handlePhotoRequest(req, user, tail, (upload) =>
      ctx.photoUploads.add({ userId: user.props.id, ...upload }),
    );
  }
  if (next === "authentication") return handleAuthMethodsRequest(req, readUser(store, key).user, tail);
  readUser(store, key);
  throw segmentNotFound(next);
}

/** `/users/$count` works only as an advanced query, and answers in text/plain. */
function countUsers(ctx: EmulatorContext, req: EmulatorRequest): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  if (!hasEventualConsistency(req.headers)) throw badRequest("$count is not currently supported.");
  const now = ctx.store.clock();
  const count = ctx.store.all().filter((user) => ctx.store.view(user, now) !== undefined).length;
  return { status: 200, headers: { "Content-Type": "text/plain" }, body: Buffer.from(String(count)) };
}
