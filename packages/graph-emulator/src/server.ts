// The HTTP(S) layer: reads a request, checks the bearer token, turns it into an EmulatorRequest
// (path after /v1.0, percent-decoded segments) for the pipeline, or hands /_emulator/ to the
// controls, and writes the response with Graph's headers. Nothing here knows about users.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { ANY_APP } from "./apps.js";
import type { EmulatorContext } from "./context.js";
import { handleControl } from "./control.js";
import { DropConnection, errorResponse, JSON_CONTENT_TYPE, runGraphRequest } from "./pipeline.js";
import { route } from "./router.js";
import { type Caller, type EmulatorRequest, type EmulatorResponse, GraphHttpError } from "./types.js";
import { splitUserKey } from "./user-key.js";

/** Large enough for a 20-item batch of base64 photos; photo.ts enforces the 4 MB photo limit itself. */
const MAX_BODY_BYTES = 150 * 1024 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export interface ServerSettings {
  /** `https://127.0.0.1:PORT`, known once the server listens. */
  origin: () => string;
  /** Where relative photo paths in `PUT /_emulator/state` resolve. */
  baseDir: string;
}

export function createRequestListener(ctx: EmulatorContext, settings: ServerSettings): RequestListener {
  return (req, res) => {
    handle(ctx, settings, req, res).catch((err: unknown) => {
      if (err instanceof DropConnection) {
        req.socket.destroy();
        return;
      }
      ctx.onInternalError(err);
      if (!res.headersSent) send(res, errorResponse(undefined, err, randomUUID(), randomUUID()));
      else res.destroy();
    });
  };
}

async function handle(
  ctx: EmulatorContext,
  settings: ServerSettings,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const origin = settings.origin();
  const url = new URL(req.url ?? "/", origin);
  const body = await readBody(req);
  const method = (req.method ?? "GET").toUpperCase();

  if (url.pathname.startsWith("/_emulator/")) {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
      send(res, {
        status: 403,
        body: { error: { code: "Forbidden", message: "Emulator controls are only served on loopback." } },
      });
      return;
    }
    const segments = url.pathname
      .slice("/_emulator/".length)
      .split("/")
      .filter((s) => s !== "");
    send(res, await handleControl(ctx, { method, segments, body, baseDir: settings.baseDir }));
    return;
  }

  const headers = lowerCaseHeaders(req);
  if (url.pathname !== "/v1.0" && !url.pathname.startsWith("/v1.0/")) {
    const version = url.pathname.split("/")[1] ?? "";
    send(
      res,
      errorResponse(
        ctx,
        new GraphHttpError(400, "BadRequest", `Invalid version: ${version}`),
        randomUUID(),
        headers["client-request-id"] ?? randomUUID(),
      ),
    );
    return;
  }
  const decoded = url.pathname
    .slice("/v1.0".length)
    .split("/")
    .filter((s) => s !== "")
    .map(decodeSegment);
  const { segments, parenthesized } = splitUserKey(decoded);
  const identified = identify(ctx, headers.authorization);
  if (identified instanceof GraphHttpError) {
    const response = errorResponse(
      ctx,
      identified,
      randomUUID(),
      headers["client-request-id"] ?? randomUUID(),
    );
    ctx.log.add({
      method,
      path: `/${segments.join("/")}`,
      query: [...url.searchParams].map(([k, v]) => `${k}=${v}`).join("&"),
      status: 401,
      inBatch: false,
    });
    send(res, response);
    return;
  }
  const request: EmulatorRequest = {
    method,
    path: `/${decoded.join("/")}`,
    segments,
    userKeyParenthesized: parenthesized,
    query: url.searchParams,
    headers,
    body,
    origin,
    inBatch: false,
    caller: identified,
  };
  if (ctx.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.latencyMs));
  send(res, await runGraphRequest(ctx, request, route));
}

const CHALLENGE = {
  "WWW-Authenticate":
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

/**
 * Every Graph route needs `Authorization: Bearer <token>`. When the state declares apps, the token
 * must be one of theirs (a token Entra ID never issued is refused like a forged one); otherwise any
 * non-empty token is a caller holding every permission.
 */
function identify(ctx: EmulatorContext, header: string | undefined): Caller | GraphHttpError {
  if (header === undefined || /^bearer\s*$/i.test(header.trim())) {
    return new GraphHttpError(401, "InvalidAuthenticationToken", "Access token is empty.", CHALLENGE);
  }
  const token = /^bearer\s+(\S+)$/i.exec(header.trim())?.[1];
  if (token === undefined) {
    return new GraphHttpError(
      401,
      "InvalidAuthenticationToken",
      "CompactToken parsing failed with error code: 80049217",
      CHALLENGE,
    );
  }
  if (ctx.anyToken || ctx.store.apps.length === 0) return ANY_APP;
  return (
    ctx.store.appOfToken(token) ??
    new GraphHttpError(401, "InvalidAuthenticationToken", "Access token validation failure.", CHALLENGE)
  );
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(response.body)) {
    payload = response.body;
  } else if (response.body !== undefined) {
    payload = Buffer.from(JSON.stringify(response.body));
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type"))
      headers["Content-Type"] = JSON_CONTENT_TYPE;
    headers["OData-Version"] = "4.0";
  }
  if (response.status === 204) payload = undefined;
  headers["Content-Length"] = String(payload?.length ?? 0);
  res.writeHead(response.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new GraphHttpError(413, "RequestEntityTooLarge", "The request body is too large.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
