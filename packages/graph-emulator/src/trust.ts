// Client side: how a Node 20 process trusts the emulator's self-signed certificate without
// NODE_EXTRA_CA_CERTS (read only at process start) and without the `undici` package (Node 20's
// global fetch cannot take a CA otherwise: its Agent class is not exported by Node). We give the
// Graph SDK a terminal middleware that performs the request with node:https and the given CA:
//
//   const chain = [new AuthenticationHandler(authProvider), new RetryHandler(), new EmulatorFetchHandler(caTrustingFetch(caPem))];
//   const client = Client.initWithMiddleware({ baseUrl: origin, customHosts: new Set(["127.0.0.1"]), middleware: chain });
//
// `customHosts` makes the SDK attach the bearer token to 127.0.0.1 (graph-contract §9.3).
// With `undici` as a dependency, `fetchOptions: { dispatcher: new Agent({ connect: { ca } }) }` would also work.
import { Agent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

/** A `fetch` that trusts exactly `caPem` for https:// URLs (plain fetch for http://). */
export function caTrustingFetch(caPem: string): typeof fetch {
  // One keep-alive agent per CA, so paging through many pages reuses the TLS connection.
  const agent = new Agent({ ca: caPem, keepAlive: true });
  return async (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.protocol !== "https:") return fetch(req);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(
        url,
        {
          method: req.method,
          headers: Object.fromEntries(req.headers),
          agent,
          signal: init?.signal ?? undefined,
        },
        (incoming) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
          }
          const status = incoming.statusCode ?? 500;
          const noBody = status === 204 || status === 304 || req.method === "HEAD";
          const stream = noBody ? null : (Readable.toWeb(incoming) as ReadableStream<Uint8Array>);
          if (noBody) incoming.resume();
          resolve(new Response(stream, { status, statusText: incoming.statusMessage ?? "", headers }));
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  };
}

/** Minimal view of the Graph SDK's middleware context (kept local to avoid importing SDK internals). */
interface MiddlewareContext {
  request: string | URL | Request;
  options?: RequestInit;
  response?: Response;
}

/** The Graph SDK's last middleware, sending requests with the given fetch (e.g. `caTrustingFetch`). */
export class EmulatorFetchHandler {
  constructor(private readonly fetchImpl: typeof fetch) {}

  async execute(context: MiddlewareContext): Promise<void> {
    context.response = await this.fetchImpl(context.request, context.options);
  }
}
