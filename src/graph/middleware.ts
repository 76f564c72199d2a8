// The SDK middleware chain roster uses instead of the SDK's default one:
//   BearerAuth -> RetryMiddleware -> NodeTransport
// Per-call settings (idempotency, client-request-id) travel in a `CallOptions` middleware option,
// and the retry middleware reports back through it (attempts, waits, the network error), because
// the SDK turns any error thrown inside the chain into its own GraphError and drops ours.
import type { Context, Middleware, MiddlewareOptions } from "@microsoft/microsoft-graph-client";
import type { GiveUpReason } from "./errors.js";
import { networkErrorCode } from "./errors.js";
import { plainHeaders } from "./headers.js";
import { pathForLog } from "./paths.js";
import type { RetryOptions, RetryPolicy } from "./retry.js";
import { decideRetry, retryPolicy } from "./retry.js";

/** One event per attempt, for request counting and logs. Carries no headers and no token. */
export interface GraphRequestEvent {
  method: string;
  /** Version-relative path with query, e.g. `/users?$top=999`. */
  path: string;
  /** 1 for the first attempt. */
  attempt: number;
  status?: number;
  /** Node error code when no response arrived. */
  errorCode?: string;
  durationMs: number;
  requestId?: string;
  /** Set when another attempt follows after this many ms. */
  retryInMs?: number;
  gaveUp?: GiveUpReason;
}

export class CallOptions implements MiddlewareOptions {
  attempts = 0;
  waitedMs = 0;
  gaveUp?: GiveUpReason;
  /** The last network error, when the call ended without a response. */
  networkError?: unknown;
  /** The credential's error, when no token could be had (e.g. `az login` missing). */
  authError?: unknown;

  constructor(
    readonly clientRequestId: string,
    readonly idempotent: boolean,
    readonly retry?: RetryOptions,
    /** Served before other requests waiting for a slot (a page others wait for). */
    readonly urgent = false,
  ) {}
}

function callOptionsOf(context: Context): CallOptions | undefined {
  return context.middlewareControl?.getMiddlewareOptions(CallOptions) as CallOptions | undefined;
}

/**
 * Adds `Authorization: Bearer …` to requests for the configured origin only, whatever the scheme.
 * The SDK's AuthenticationHandler only recognises https hosts and strips the header from
 * `http://127.0.0.1` (graph-contract §9.3.1); with an origin check we need no customHosts list,
 * and a token can never go to another host. It sets the header rather than appending, so a
 * repeated execution cannot produce `Bearer a, Bearer a`.
 */
export class BearerAuth implements Middleware {
  #next?: Middleware;

  constructor(
    private readonly getToken: () => Promise<string>,
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const options = context.options ?? {};
    const headers = plainHeaders(options.headers);
    const call = callOptionsOf(context);
    if (new URL(url).origin === this.origin) {
      try {
        headers.authorization = `Bearer ${await this.getToken()}`;
      } catch (error) {
        // Kept for the caller: the SDK would replace it with a GraphError with an empty message.
        if (call) call.authError = error;
        throw error;
      }
    } else {
      delete headers.authorization;
    }
    // Graph echoes client-request-id in responses and errors: one id per logical call, kept
    // across retries, lets a log line be matched with Microsoft support (graph-contract §7.4).
    if (call && !headers["client-request-id"]) headers["client-request-id"] = call.clientRequestId;
    options.headers = headers;
    context.options = options;
    await this.#next!.execute(context);
  }
}

export interface RetryMiddlewareOptions {
  policy: RetryPolicy;
  version: string;
  onRequest?: (event: GraphRequestEvent) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Applies `decideRetry` to every attempt; the SDK's own RetryHandler has no total-wait ceiling. */
export class RetryMiddleware implements Middleware {
  #next?: Middleware;

  constructor(private readonly options: RetryMiddlewareOptions) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    const call = callOptionsOf(context);
    const policy = call?.retry ? retryPolicy(call.retry, this.options.policy) : this.options.policy;
    const now = this.options.now ?? Date.now;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const options = context.options ?? {};
    const method = (options.method ?? "GET").toUpperCase();
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const path = pathForLog(url, this.options.version);
    let waitedMs = 0;

    for (let attempt = 1; ; attempt++) {
      const started = now();
      let networkError: unknown;
      context.response = undefined;
      try {
        await this.#next!.execute(context);
      } catch (error) {
        networkError = error;
      }
      const response = context.response as Response | undefined;
      const errorCode = response && response.status >= 400 ? await graphErrorCode(response) : undefined;
      const decision = decideRetry(policy, {
        method,
        idempotent: call?.idempotent,
        attempt,
        waitedMs,
        status: networkError === undefined ? response?.status : undefined,
        networkErrorCode: networkError === undefined ? undefined : networkErrorCode(networkError),
        retryAfter: response?.headers.get("retry-after"),
        errorCode,
        now: now(),
      });
      this.options.onRequest?.({
        method,
        path,
        attempt,
        status: networkError === undefined ? response?.status : undefined,
        errorCode: networkError === undefined ? undefined : networkErrorCode(networkError),
        durationMs: now() - started,
        requestId: response?.headers.get("request-id") ?? undefined,
        retryInMs: decision.retry ? decision.delayMs : undefined,
        gaveUp: decision.retry ? undefined : decision.gaveUp,
      });
      if (!decision.retry) {
        if (call) {
          call.attempts = attempt;
          call.waitedMs = waitedMs;
          call.gaveUp = decision.gaveUp;
          call.networkError = networkError;
        }
        if (networkError !== undefined) throw networkError;
        return;
      }
      await sleep(decision.delayMs);
      waitedMs += decision.delayMs;
      // The SDK's RetryHandler sends the same header; servers may log it.
      options.headers = { ...plainHeaders(options.headers), "retry-attempt": String(attempt) };
    }
  }
}

/** Graph's `error.code` from a failed response, read from a clone so the caller still gets the body. */
async function graphErrorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body?.error?.code === "string" ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}
