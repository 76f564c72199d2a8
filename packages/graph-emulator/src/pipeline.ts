// One Graph request, direct or inside `$batch`, through the same steps: fault injection, the
// throttle, the route handler, Graph's error envelope and headers, and the request log. Running
// both kinds through this one function is what makes batch items behave exactly like direct calls.
import { randomUUID } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { isOutlookRequest } from "./outlook.js";
import { authorize } from "./permissions.js";
import { chargeFor } from "./throttle.js";
import { type EmulatorRequest, type EmulatorResponse, GraphHttpError } from "./types.js";

export const JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Thrown when a fault asks for the connection to be dropped: the server destroys the socket. */
export class DropConnection extends Error {
  override name = "DropConnection";
}

export type Router = (ctx: EmulatorContext, req: EmulatorRequest) => Promise<EmulatorResponse>;

export async function runGraphRequest(
  ctx: EmulatorContext,
  req: EmulatorRequest,
  route: Router,
): Promise<EmulatorResponse> {
  const requestId = randomUUID();
  const clientRequestId = req.headers["client-request-id"] ?? requestId;
  let response: EmulatorResponse;
  let leaveMailbox: (() => void) | undefined;
  try {
    authorize(req);
    // A photo request holds its Outlook slot for as long as it runs, injected latency included.
    if (isOutlookRequest(req))
      leaveMailbox = ctx.outlook.enter(req.caller.appId, mailboxOf(ctx, req), uploadSize(req));
    const effect = ctx.faults.take(req.method, req.path);
    if (effect && effect.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, effect.latencyMs));
    if (effect?.drop) throw new DropConnection("connection dropped by an injected fault");
    if (effect?.error) throw effect.error;
    const charge = chargeFor(req.method, req.segments, req.query);
    const throttleHeaders = charge ? ctx.throttle.charge(charge, req.caller.appId) : {};
    response = await route(ctx, req);
    response = { ...response, headers: { ...throttleHeaders, ...response.headers } };
  } catch (err) {
    if (err instanceof DropConnection) {
      log(ctx, req, 0);
      throw err;
    }
    response = errorResponse(ctx, err, requestId, clientRequestId);
  } finally {
    leaveMailbox?.();
  }
  const headers: Record<string, string> = {
    ...response.headers,
    "request-id": requestId,
    "client-request-id": clientRequestId,
  };
  if (response.body !== undefined && !Buffer.isBuffer(response.body) && !hasHeader(headers, "content-type")) {
    headers["Content-Type"] = JSON_CONTENT_TYPE;
  }
  log(ctx, req, response.status);
  return { ...response, headers };
}

/** Graph's error envelope for a thrown error; anything but a GraphHttpError is an emulator bug (500). */
export function errorResponse(
  ctx: EmulatorContext | undefined,
  err: unknown,
  requestId: string,
  clientRequestId: string,
): EmulatorResponse {
  const graphError =
    err instanceof GraphHttpError
      ? err
      : new GraphHttpError(
          500,
          "generalException",
          `The emulator failed to handle the request: ${(err as Error)?.message ?? String(err)}`,
        );
  if (!(err instanceof GraphHttpError)) ctx?.onInternalError(err);
  return {
    status: graphError.status,
    headers: {
      ...graphError.headers,
      "Content-Type": JSON_CONTENT_TYPE,
      "request-id": requestId,
      "client-request-id": clientRequestId,
    },
    body: errorBody(graphError.code, graphError.message, requestId, clientRequestId),
  };
}

export function errorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        "request-id": requestId,
        "client-request-id": clientRequestId,
      },
    },
  };
}

/** The mailbox a photo request reads or writes: the user's id, however the path names the user. */
function mailboxOf(ctx: EmulatorContext, req: EmulatorRequest): string {
  const key = req.segments[1] ?? "";
  return ctx.store.find(key)?.props.id ?? key;
}

/** Bytes an upload (PATCH, POST, PUT) sends, for Outlook's upload budget. */
function uploadSize(req: EmulatorRequest): number {
  return ["PATCH", "POST", "PUT"].includes(req.method) ? req.body.length : 0;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function log(ctx: EmulatorContext, req: EmulatorRequest, status: number): void {
  ctx.log.add({
    method: req.method,
    path: req.path,
    query: readableQuery(req.query),
    status,
    inBatch: req.inBatch,
  });
}

/** The query string as a person would write it (`$top=5&$filter=a eq 'b'`), for the log. */
function readableQuery(query: URLSearchParams): string {
  return [...query].map(([key, value]) => `${key}=${value}`).join("&");
}
