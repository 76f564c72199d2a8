// Typed errors for everything that goes wrong talking to Graph. They carry what a user or a log
// needs (status, Graph's `error.code`, request ids, method and path) and nothing that could hold a
// secret: never request headers, never the full URL's host credentials, never a token.
// Error shape: https://learn.microsoft.com/graph/errors (graph-contract §7.4).
import { RosterError } from "../errors.js";
import { permissionHint } from "./permissions.js";

/** The code the transport gives a plain-HTTP request answered by a TLS server (see transport.ts). */
export const HTTP_TO_HTTPS = "EHTTPTOHTTPS";

/** Why the retry loop stopped retrying a retryable failure. */
export type GiveUpReason = "maxAttempts" | "waitCeiling";

export interface GraphRequestErrorInit {
  method: string;
  /** Version-relative path with query, e.g. `/users/abc?$select=id` (no host). */
  path: string;
  /** HTTP status; 0 when no response arrived (connection reset, timeout, TLS failure). */
  status: number;
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
  attempts?: number;
  gaveUp?: GiveUpReason;
  /** Milliseconds spent sleeping between attempts. */
  waitedMs?: number;
  /** The service root's origin (`https://graph.microsoft.com`), for errors without a response. */
  origin?: string;
  /** Which credential the token came from, for a 401. */
  credential?: string;
  cause?: unknown;
}

export class GraphRequestError extends RosterError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly date?: string;
  readonly attempts: number;
  readonly gaveUp?: GiveUpReason;
  readonly waitedMs: number;

  readonly origin?: string;

  constructor(init: GraphRequestErrorInit) {
    super(init.message, { cause: init.cause, hint: hintFor(init) });
    this.origin = init.origin;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.clientRequestId = init.clientRequestId;
    this.date = init.date;
    this.attempts = init.attempts ?? 1;
    this.gaveUp = init.gaveUp;
    this.waitedMs = init.waitedMs ?? 0;
  }

  /** True when no HTTP response arrived (network or TLS failure). */
  get isNetworkError(): boolean {
    return this.status === 0;
  }

  /** One line for users: `GET /users/x: 404 Request_ResourceNotFound: … (request-id …)`. */
  override describe(): string {
    if (this.status === 0 && this.origin && CONNECT_CODES.has(this.code)) {
      // The socket's own message repeats the address; the origin and the code say it all.
      return `${this.method} ${this.path}: cannot connect to ${this.origin} (${this.code})`;
    }
    const head = this.status === 0 ? this.code : `${this.status} ${this.code}`;
    const ids = [
      this.requestId && `request-id ${this.requestId}`,
      this.clientRequestId && `client-request-id ${this.clientRequestId}`,
      this.date && `date ${this.date}`,
    ].filter(Boolean);
    let line = `${this.method} ${this.path}: ${head}: ${this.message}`;
    if (ids.length > 0) line += ` (${ids.join(", ")})`;
    if (this.gaveUp === "waitCeiling") {
      line += `; gave up after ${this.attempts} attempts and ${Math.round(this.waitedMs / 1000)} s of waiting (total wait ceiling)`;
    } else if (this.gaveUp === "maxAttempts") {
      line += `; gave up after ${this.attempts} attempts`;
    }
    return line;
  }
}

export function isGraphRequestError(value: unknown): value is GraphRequestError {
  return value instanceof GraphRequestError;
}

interface GraphErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: Record<string, unknown>;
  };
}

/** Builds the error for a non-2xx response; falls back to the status when a gateway sent no body (contract §7.4). */
export function errorFromResponse(args: {
  method: string;
  path: string;
  credential?: string;
  status: number;
  statusText?: string;
  headers: Headers | Record<string, string>;
  body: unknown;
  /** The id we sent, for when the server did not echo it. */
  clientRequestId?: string;
  attempts?: number;
  gaveUp?: GiveUpReason;
  waitedMs?: number;
}): GraphRequestError {
  const header = (name: string): string | undefined => {
    const h = args.headers;
    if (h instanceof Headers) return h.get(name) ?? undefined;
    return h[name.toLowerCase()] ?? undefined;
  };
  const envelope = (typeof args.body === "object" && args.body !== null ? args.body : {}) as GraphErrorBody;
  const error = envelope.error ?? {};
  const inner = error.innerError ?? {};
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  return new GraphRequestError({
    method: args.method,
    path: args.path,
    status: args.status,
    code: str(error.code) ?? `HTTP${args.status}`,
    message: str(error.message) ?? (args.statusText || `HTTP ${args.status}`),
    requestId: str(inner["request-id"]) ?? header("request-id"),
    clientRequestId: str(inner["client-request-id"]) ?? header("client-request-id") ?? args.clientRequestId,
    date: str(inner.date) ?? header("date"),
    attempts: args.attempts,
    gaveUp: args.gaveUp,
    waitedMs: args.waitedMs,
    ...(args.credential ? { credential: args.credential } : {}),
  });
}

/** Builds the error for a request that got no response at all. */
export function errorFromNetwork(args: {
  method: string;
  path: string;
  origin?: string;
  error: unknown;
  clientRequestId?: string;
  attempts?: number;
  gaveUp?: GiveUpReason;
  waitedMs?: number;
}): GraphRequestError {
  const err = args.error as NodeJS.ErrnoException | undefined;
  return new GraphRequestError({
    method: args.method,
    path: args.path,
    status: 0,
    code: networkErrorCode(args.error),
    message: err?.message ?? String(args.error),
    clientRequestId: args.clientRequestId,
    attempts: args.attempts,
    gaveUp: args.gaveUp,
    waitedMs: args.waitedMs,
    ...(args.origin ? { origin: args.origin } : {}),
    cause: args.error,
  });
}

/** Node's error code (`ECONNRESET`, `ETIMEDOUT`, `DEPTH_ZERO_SELF_SIGNED_CERT`…) or `NetworkError`. */
export function networkErrorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : "NetworkError";
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);

/** Network failures that mean "the connection never got going": no retry helps. */
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", HTTP_TO_HTTPS, "EPROTO"]);

/** What to do about a failure, where roster can tell. */
function hintFor(init: GraphRequestErrorInit): string | undefined {
  const origin = init.origin ?? "the Graph URL";
  if (init.status === 401) {
    return `the access token was refused (expired, revoked, or not for this tenant and API); it came from ${init.credential ?? "the configured credential"}: get a new one`;
  }
  if (init.status === 403) return permissionHint(init.method, init.path);
  if (init.status !== 0) return undefined;
  if (TLS_CODES.has(init.code)) {
    return "the server's certificate is not trusted: for the emulator pass its certificate with --ca-cert or ROSTER_CA_CERT";
  }
  switch (init.code) {
    case "ECONNREFUSED":
      return `nothing is listening at ${origin}: is the emulator running? is --graph-url (or ROSTER_GRAPH_URL, graphUrl in roster.yaml) right?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host of ${origin} cannot be resolved: check --graph-url (or ROSTER_GRAPH_URL, graphUrl in roster.yaml) and the network`;
    case HTTP_TO_HTTPS:
      return `${origin} speaks HTTPS: use https:// (with --ca-cert for the emulator's certificate)`;
    case "EPROTO":
      return /wrong version number/i.test(init.message)
        ? `${origin} does not speak HTTPS: use http:// only for the emulator started with --http`
        : undefined;
    default:
      return undefined;
  }
}
