// The one module every Graph request goes through. It builds `@microsoft/microsoft-graph-client`
// with roster's middleware chain (middleware.ts) and offers a small typed surface: single requests,
// paging, binary reads and uploads, and JSON batches.
import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import type { GraphRequest } from "@microsoft/microsoft-graph-client";
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { RosterError } from "../errors.js";
import { graphScopes, SignInError, tenantIdOfToken } from "./auth.js";
import type { BatchItem, BatchRequestJson, BatchResult, ChunkResponse, RawBatchResponse } from "./batch.js";
import { MAX_BATCH_SIZE, runBatch } from "./batch.js";
import type { GraphRequestError } from "./errors.js";
import { errorFromNetwork, errorFromResponse, isGraphRequestError } from "./errors.js";
import type { GraphRequestEvent } from "./middleware.js";
import { BearerAuth, CallOptions, RetryMiddleware } from "./middleware.js";
import { toVersionRelative } from "./paths.js";
import type { RetryOptions } from "./retry.js";
import { isIdempotent, retryPolicy } from "./retry.js";
import { Semaphore } from "./semaphore.js";
import { NodeTransport } from "./transport.js";
import { parseGraphUrl } from "./url.js";

export interface GraphClientOptions {
  /** Service root without the version: `https://graph.microsoft.com`, `https://127.0.0.1:PORT`. */
  graphUrl: string;
  /** API version segment; default `v1.0`. */
  version?: string;
  /** PEM of an extra CA to trust (the emulator's certificate, from --ca-cert / ROSTER_CA_CERT). */
  caCertPem?: string;
  /** A credential from `selectCredential(...).create()`, or… */
  credential?: TokenCredential;
  /** Which credential it is, for errors (`selectCredential(...).description`). */
  credentialDescription?: string;
  /** …a fixed bearer token. */
  token?: string;
  /** Token scopes; default `<graphUrl origin>/.default`. */
  scopes?: string[];
  /**
   * Requests on the wire at once, batches included; default 8. Graph publishes no concurrency limit
   * for the directory, only resource-unit budgets (graph-contract §7.2): 8 expanded pages of 2 RU
   * every 25 ms stay under 8,000 RU per 10 s. Photo endpoints allow 4 concurrent requests per
   * mailbox (§7.3); roster never has two in flight for one user.
   */
  maxInFlight?: number;
  retry?: RetryOptions;
  /** Per attempt; default 60 s (Graph's own timeout for authentication-method calls). */
  requestTimeoutMs?: number;
  /** Requests per `$batch`; default and maximum 20. */
  batchSize?: number;
  /** Called after every HTTP attempt (request counting, logs). Carries no headers. */
  onRequest?: (event: GraphRequestEvent) => void;
  /** Test hook: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  /** Extra request headers (e.g. `ConsistencyLevel: eventual`). */
  headers?: Record<string, string>;
  /** Vouch that this POST/PATCH can be repeated safely (a PATCH of absolute values can). */
  idempotent?: boolean;
  /** Override parts of the client's retry policy for this call. */
  retry?: RetryOptions;
  /** Take the next free slot before requests that can wait (a page others wait for). */
  urgent?: boolean;
}

export interface WriteOptions extends RequestOptions {
  /** Content type of a Buffer body (e.g. `image/jpeg`); JSON bodies default to application/json. */
  contentType?: string;
}

export interface Page<T> {
  value: T[];
  /** Absolute `@odata.nextLink` as Graph sent it; pass it back to `getPage` verbatim. */
  nextLink?: string;
  deltaLink?: string;
  /** `@odata.count` (first page only, with `$count=true`). */
  count?: number;
}

export interface GraphResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON, a Buffer for binary content, text, or undefined when empty. */
  body: unknown;
}

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface GraphClient {
  /** `graphUrl` + `/` + version, e.g. `https://graph.microsoft.com/v1.0`. */
  readonly serviceRoot: string;
  /** Requests kept on the wire at once. */
  readonly maxInFlight: number;
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  /** One page: a relative path with query, or an absolute `@odata.nextLink` from any origin. */
  getPage<T>(
    pathOrNextLink: string,
    headers?: Record<string, string>,
    options?: { urgent?: boolean },
  ): Promise<Page<T>>;
  /** Every page, following `@odata.nextLink`; headers are resent on every page (graph-contract §5.1). */
  pages<T>(path: string, options?: RequestOptions): AsyncGenerator<Page<T>>;
  /** All items of all pages. */
  list<T>(path: string, options?: RequestOptions): Promise<T[]>;
  /** Binary content, e.g. `/users/{id}/photo/$value`. */
  getBinary(path: string, options?: RequestOptions): Promise<Buffer>;
  post<T = unknown>(path: string, body?: unknown, options?: WriteOptions): Promise<T | undefined>;
  patch<T = unknown>(path: string, body: unknown, options?: WriteOptions): Promise<T | undefined>;
  put<T = unknown>(path: string, body: unknown, options?: WriteOptions): Promise<T | undefined>;
  delete(path: string, options?: RequestOptions): Promise<void>;
  /** Any request; resolves for every HTTP status (throws only when no response arrived). */
  send(method: HttpMethod, path: string, body?: unknown, options?: WriteOptions): Promise<GraphResponse>;
  /** `$batch` in calls of ≤ 20; results in the order of `items`; failed items carry `error`, never throw. */
  batch(items: readonly BatchItem[]): Promise<BatchResult[]>;
  /** Many GETs through `batch`. */
  batchGet(paths: readonly string[], headers?: Record<string, string>): Promise<BatchResult[]>;
  /** The `tid` claim of the current access token, when it is a JWT. */
  tokenTenantId(): Promise<string | undefined>;
  /** Release kept-alive sockets. */
  close(): void;
}

export const DEFAULT_MAX_IN_FLIGHT = 8;

/** A client that cannot be built or a Graph answer it cannot follow (a repeated nextLink). */
export class GraphConfigError extends RosterError {}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const version = options.version ?? "v1.0";
  const base = parseGraphUrl(options.graphUrl);
  const getToken = tokenSource(options);
  const policy = retryPolicy(options.retry);
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const transport = new NodeTransport({
    caCertPem: options.caCertPem,
    semaphore: new Semaphore(maxInFlight),
    timeoutMs: options.requestTimeoutMs ?? 60_000,
  });
  const sdk = Client.initWithMiddleware({
    baseUrl: base.href.replace(/\/+$/, ""),
    defaultVersion: version,
    middleware: [
      new BearerAuth(getToken, base.origin),
      new RetryMiddleware({ policy, version, onRequest: options.onRequest, sleep: options.sleep }),
      transport,
    ],
  });

  async function send(
    method: HttpMethod,
    path: string,
    body?: unknown,
    opts: WriteOptions = {},
    binary = false,
  ): Promise<GraphResponse & { error?: GraphRequestError }> {
    const relative = toVersionRelative(path, version);
    const call = new CallOptions(
      randomUUID(),
      isIdempotent(method, opts.idempotent),
      opts.retry,
      opts.urgent === true,
    );
    const request: GraphRequest = sdk
      .api(relative)
      .headers(opts.headers ?? {})
      .middlewareOptions([call])
      .responseType(ResponseType.RAW);
    if (opts.contentType) request.header("Content-Type", opts.contentType);
    let response: Response;
    try {
      response = (await dispatch(request, method, body)) as Response;
    } catch (error) {
      // The SDK wraps anything thrown in the chain into its GraphError; ours is kept in `call`.
      if (call.authError !== undefined)
        throw new SignInError(call.authError, options.credentialDescription ?? "the configured credential");
      if (call.networkError !== undefined) {
        throw errorFromNetwork({
          method,
          path: relative,
          origin: base.origin,
          error: call.networkError,
          clientRequestId: call.clientRequestId,
          attempts: call.attempts,
          gaveUp: call.gaveUp,
          waitedMs: call.waitedMs,
        });
      }
      throw error;
    }
    const headers = Object.fromEntries([...response.headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));
    const parsed = await readBody(response, headers, binary);
    const result: GraphResponse & { error?: GraphRequestError } = {
      status: response.status,
      headers,
      body: parsed,
    };
    if (!response.ok) {
      result.error = errorFromResponse({
        method,
        path: relative,
        ...(options.credentialDescription ? { credential: options.credentialDescription } : {}),
        status: response.status,
        statusText: response.statusText,
        headers,
        body: parsed,
        clientRequestId: call.clientRequestId,
        attempts: call.attempts,
        gaveUp: call.gaveUp,
        waitedMs: call.waitedMs,
      });
    }
    return result;
  }

  async function ok<T>(method: HttpMethod, path: string, body?: unknown, opts?: WriteOptions): Promise<T> {
    const result = await send(method, path, body, opts);
    if (result.error) throw result.error;
    return result.body as T;
  }

  async function getPage<T>(
    pathOrNextLink: string,
    headers?: Record<string, string>,
    pageOptions: { urgent?: boolean } = {},
  ): Promise<Page<T>> {
    const body = await ok<Record<string, unknown>>("GET", pathOrNextLink, undefined, {
      headers,
      ...(pageOptions.urgent ? { urgent: true } : {}),
    });
    const page: Page<T> = { value: Array.isArray(body?.value) ? (body.value as T[]) : [] };
    if (typeof body?.["@odata.nextLink"] === "string") page.nextLink = body["@odata.nextLink"];
    if (typeof body?.["@odata.deltaLink"] === "string") page.deltaLink = body["@odata.deltaLink"];
    if (typeof body?.["@odata.count"] === "number") page.count = body["@odata.count"];
    return page;
  }

  async function* pages<T>(path: string, opts: RequestOptions = {}): AsyncGenerator<Page<T>> {
    const seen = new Set<string>();
    let next: string | undefined = path;
    while (next !== undefined) {
      // A page may be empty and still have a nextLink (graph-contract §5.1); only a repeated link
      // would loop forever.
      const key = toVersionRelative(next, version);
      if (seen.has(key)) throw new GraphConfigError(`Graph returned the same nextLink twice: ${key}`);
      seen.add(key);
      const page: Page<T> = await getPage<T>(next, opts.headers);
      yield page;
      next = page.nextLink;
    }
  }

  async function batchSend(requests: BatchRequestJson[], idempotent: boolean): Promise<ChunkResponse> {
    try {
      const result = await send("POST", "/$batch", { requests }, { idempotent });
      const responses = (result.body as { responses?: RawBatchResponse[] } | undefined)?.responses;
      // An outer 424 with item responses is tolerated: the items say what happened (contract §6.2).
      if (Array.isArray(responses)) return { responses };
      return {
        error:
          result.error ??
          errorFromResponse({
            method: "POST",
            path: "/$batch",
            status: result.status,
            headers: result.headers,
            body: result.body,
          }),
      };
    } catch (error) {
      if (isGraphRequestError(error)) return { error };
      throw error;
    }
  }

  const batchSize = Math.min(options.batchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const batch = (items: readonly BatchItem[]) =>
    runBatch(items, { send: batchSend, policy, version, batchSize, sleep: options.sleep });

  return {
    serviceRoot: `${base.href.replace(/\/+$/, "")}/${version}`,
    maxInFlight,
    get: (path, opts) => ok("GET", path, undefined, opts),
    getPage,
    pages,
    async list<T>(path: string, opts?: RequestOptions) {
      const all: T[] = [];
      for await (const page of pages<T>(path, opts)) all.push(...page.value);
      return all;
    },
    async getBinary(path, opts) {
      const result = await send("GET", path, undefined, opts, true);
      if (result.error) throw result.error;
      return Buffer.isBuffer(result.body) ? result.body : Buffer.alloc(0);
    },
    post: (path, body, opts) => ok("POST", path, body, opts),
    patch: (path, body, opts) => ok("PATCH", path, body, opts),
    put: (path, body, opts) => ok("PUT", path, body, opts),
    async delete(path, opts) {
      await ok("DELETE", path, undefined, opts);
    },
    async send(method, path, body, opts) {
      const { error: _error, ...response } = await send(method, path, body, opts);
      return response;
    },
    batch,
    batchGet: (paths, headers) => batch(paths.map((url) => ({ method: "GET", url, headers }))),
    async tokenTenantId() {
      try {
        return tenantIdOfToken(await getToken());
      } catch (error) {
        throw new SignInError(error, options.credentialDescription ?? "the configured credential");
      }
    },
    close: () => transport.close(),
  };
}

function dispatch(request: GraphRequest, method: HttpMethod, body: unknown): Promise<unknown> {
  switch (method) {
    case "GET":
      return request.get();
    case "POST":
      return request.post(body);
    case "PATCH":
      return request.patch(body);
    case "PUT":
      return request.put(body);
    case "DELETE":
      return request.delete();
  }
}

function tokenSource(options: GraphClientOptions): () => Promise<string> {
  if (options.token !== undefined) {
    const token = options.token;
    return async () => token;
  }
  const credential = options.credential;
  if (!credential) throw new GraphConfigError("createGraphClient needs a credential or a token");
  const scopes = options.scopes ?? graphScopes(options.graphUrl);
  return async () => {
    const token = await credential.getToken(scopes);
    if (!token) throw new GraphConfigError(`the credential returned no token for ${scopes.join(" ")}`);
    return token.token;
  };
}

async function readBody(
  response: Response,
  headers: Record<string, string>,
  binary: boolean,
): Promise<unknown> {
  if (response.status === 204 || response.body === null) return binary ? Buffer.alloc(0) : undefined;
  const buffer = Buffer.from(await response.arrayBuffer());
  if (buffer.length === 0) return binary ? buffer : undefined;
  const type = (headers["content-type"] ?? "").toLowerCase();
  if (binary && response.ok) return buffer;
  if (type.includes("json")) {
    try {
      return JSON.parse(buffer.toString("utf8"));
    } catch {
      return buffer.toString("utf8");
    }
  }
  if (type.startsWith("text/")) return buffer.toString("utf8");
  return buffer;
}
