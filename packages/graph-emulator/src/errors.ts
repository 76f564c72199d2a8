// Graph's standard errors, in one place so every route answers the same failure the same way.
// Messages follow the texts Graph is observed to send (graph-contract §7.4); clients must branch on
// `code`, never on `message`.
import { GraphHttpError } from "./types.js";

export const DIRSYNC_MESSAGE =
  "Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.";

export function resourceNotFound(id: string): GraphHttpError {
  return new GraphHttpError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = "Request_BadRequest"): GraphHttpError {
  return new GraphHttpError(400, code, message);
}

export function unsupportedQuery(message: string): GraphHttpError {
  return new GraphHttpError(400, "Request_UnsupportedQuery", message);
}

export function invalidValue(property: string): GraphHttpError {
  return badRequest(`Invalid value specified for property '${property}' of resource 'User'.`);
}

export function unknownProperty(property: string): GraphHttpError {
  return badRequest(`Could not find a property named '${property}' on type 'microsoft.graph.user'.`);
}

export function methodNotAllowed(): GraphHttpError {
  return new GraphHttpError(
    405,
    "Request_BadRequest",
    "Specified HTTP method is not allowed for the request target.",
  );
}

export function segmentNotFound(segment: string): GraphHttpError {
  return new GraphHttpError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
}

export function insufficientPrivileges(): GraphHttpError {
  return new GraphHttpError(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

export function dirSyncRefusal(): GraphHttpError {
  return badRequest(DIRSYNC_MESSAGE);
}

/** Exchange masters the extension attributes of a user once synced from on-premises AD. */
export function externalServiceRefusal(): GraphHttpError {
  return badRequest(
    "Unable to update the specified properties for objects that have originated within an external service.",
  );
}
