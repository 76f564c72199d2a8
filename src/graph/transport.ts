// The last link of the middleware chain: sends one request with node:http(s) and hands the SDK a
// WHATWG `Response`. It replaces the SDK's HTTPMessageHandler (which calls the global fetch)
// because Node 20's fetch can only trust an extra CA through an undici `Agent` dispatcher, and the
// `undici` package is not a dependency; an `https.Agent` with `ca` does the same job. It also holds
// the semaphore, so "requests in flight" means requests on the wire.
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { HTTP_TO_HTTPS } from "./errors.js";
import { plainHeaders } from "./headers.js";
import { CallOptions } from "./middleware.js";
import { isIdempotent } from "./retry.js";
import type { Semaphore } from "./semaphore.js";

export interface TransportOptions {
  /** Extra CA to trust in addition to Node's bundled roots (the emulator's certificate). */
  caCertPem?: string;
  semaphore: Semaphore;
  /** Per attempt: no response headers and body within this time means ETIMEDOUT. */
  timeoutMs: number;
}

/** The error code of a request made after close(): not a network error, never retried. */
export const CLIENT_CLOSED = "ERR_GRAPH_CLIENT_CLOSED";

/** Statuses whose Response must have a null body (Fetch spec). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export class NodeTransport implements Middleware {
  readonly #https: https.Agent;
  readonly #http: http.Agent;
  readonly #semaphore: Semaphore;
  readonly #timeoutMs: number;
  #closed = false;

  constructor(options: TransportOptions) {
    // Kept-alive sockets, at most one per request in flight: a plan of thousands of requests runs
    // over a handful of TLS connections. The trust store is built once: given `ca` instead, Node
    // builds a secure context (parsing every bundled root certificate) for each new socket.
    this.#https = new https.Agent({
      keepAlive: true,
      maxSockets: options.semaphore.max,
      ...(options.caCertPem ? { secureContext: trustingContext(options.caCertPem) } : {}),
    });
    this.#http = new http.Agent({ keepAlive: true, maxSockets: options.semaphore.max });
    this.#semaphore = options.semaphore;
    this.#timeoutMs = options.timeoutMs;
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : context.request.url;
    const options = context.options ?? {};
    const headers = plainHeaders(options.headers);
    const body = options.body as string | Buffer | undefined | null;
    // Pages that wait for each other's nextLink go first: they are the listing's critical path.
    const call = context.middlewareControl?.getMiddlewareOptions(CallOptions) as CallOptions | undefined;
    const release = await this.#semaphore.acquire(call?.urgent === true);
    if (this.#closed) {
      // A read that runs beside one that failed may still be queued when the command ends: it
      // must not reach Graph after the command has returned.
      release();
      throw Object.assign(new Error("the Graph client is closed"), { code: CLIENT_CLOSED });
    }
    try {
      const method = options.method ?? "GET";
      const repeatable = isIdempotent(method, call?.idempotent === true);
      context.response = await this.#send(url, method, headers, body ?? undefined, repeatable);
    } catch (error) {
      throw await this.#explain(url, error);
    } finally {
      release();
    }
  }

  /**
   * A plain-HTTP request to a TLS port is reset without a word, which looks like a dropped
   * connection and would be retried for a minute. One TLS handshake tells the two apart, so the
   * error says what to fix at once (and is not retried).
   */
  async #explain(url: string, error: unknown): Promise<unknown> {
    const target = new URL(url);
    if (target.protocol !== "http:" || (error as NodeJS.ErrnoException)?.code !== "ECONNRESET") return error;
    const port = Number(target.port || 80);
    if (!(await speaksTls(target.hostname.replace(/^\[|\]$/g, ""), port))) return error;
    return Object.assign(new Error(`${target.origin} answered a TLS handshake: it speaks HTTPS, not HTTP`), {
      code: HTTP_TO_HTTPS,
      cause: error,
    });
  }

  /** Frees kept-alive sockets so the process can exit; requests not yet on the wire are never sent. */
  close(): void {
    this.#closed = true;
    this.#https.destroy();
    this.#http.destroy();
  }

  /**
   * Sends the request, and once more when it met a kept-alive socket the server had closed while it
   * sat idle. Node's http docs (agent `keepAlive`, `request.reusedSocket`) name that race: a server
   * may close an idle connection just as the next request is written to it, which then fails with
   * ECONNRESET, and they recommend sending it again. Only a reused socket that was reset before any
   * byte of an answer came counts, and only once, on whatever socket the agent hands out next.
   * Only a request that may be repeated (retry.ts's isIdempotent) is sent again: the same reset
   * also ends a connection the server dropped after reading the request, which no client can tell
   * apart, and a create sent twice would create twice. A lost POST stays the caller's to settle
   * (apply re-reads before it sends a create again). Any other failure is retry.ts's to judge.
   */
  async #send(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    repeatable: boolean,
  ) {
    try {
      return await this.#sendOnce(url, method, headers, body);
    } catch (error) {
      if (!(error instanceof StaleSocket) || !repeatable || this.#closed) throw unwrap(error);
      return this.#sendOnce(url, method, headers, body).catch((again: unknown) =>
        Promise.reject(unwrap(again)),
      );
    }
  }

  #sendOnce(url: string, method: string, headers: Record<string, string>, body: string | Buffer | undefined) {
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const request = secure ? https.request : http.request;
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    if (payload) headers["content-length"] = String(payload.length);
    return new Promise<Response>((resolve, reject) => {
      // Whether any byte of an answer came on this request's socket: then it reached the server.
      let answered = false;
      const req = request(target, { method, headers, agent: secure ? this.#https : this.#http }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          if (!res.complete) {
            reject(
              Object.assign(new Error("connection closed before the response was complete"), {
                code: "ECONNRESET",
              }),
            );
            return;
          }
          const status = res.statusCode ?? 0;
          const buffer = Buffer.concat(chunks);
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          }
          resolve(
            new Response(NULL_BODY.has(status) || buffer.length === 0 ? null : buffer, {
              status,
              statusText: res.statusMessage ?? "",
              headers: responseHeaders,
            }),
          );
        });
      });
      req.setTimeout(this.#timeoutMs, () => {
        req.destroy(
          Object.assign(new Error(`no response within ${this.#timeoutMs} ms`), { code: "ETIMEDOUT" }),
        );
      });
      req.on("socket", (socket) => {
        const heard = () => {
          answered = true;
        };
        socket.on("data", heard);
        // The socket outlives the request in the agent's pool: the listener goes with the request.
        req.once("close", () => socket.off("data", heard));
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && !answered && error.code === "ECONNRESET" ? new StaleSocket(error) : error);
      });
      req.end(payload);
    });
  }
}

/** A reset on a reused kept-alive socket before any byte of an answer: see NodeTransport#send. */
class StaleSocket extends Error {
  constructor(readonly error: NodeJS.ErrnoException) {
    super("a kept-alive socket the server had closed");
  }
}

/** The error itself, out of its {@link StaleSocket} wrapper. */
function unwrap(error: unknown): unknown {
  return error instanceof StaleSocket ? error.error : error;
}

/**
 * A TLS context trusting Node's bundled roots and `caPem`. `ca` replaces the default trust store, so
 * the bundled roots are kept next to the extra CA: the same client must still trust
 * graph.microsoft.com.
 */
function trustingContext(caPem: string): tls.SecureContext {
  return tls.createSecureContext({ ca: [...tls.rootCertificates, caPem] });
}

/** Whether something at host:port completes a TLS handshake within a second. */
function speaksTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, timeout: 1000 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
