// A real local HTTPS server for the Graph client tests: self-signed certificate for 127.0.0.1,
// a per-test handler, a request log with timings, and a count of concurrent requests (the role of
// Octokit's test transport, over real sockets).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface LoggedRequest {
  method: string;
  /** Path with query as received, e.g. `/v1.0/users?$top=2`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** ms since the server started. */
  at: number;
}

export type Handler = (req: LoggedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface TestServer {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  caPem: string;
  log: LoggedRequest[];
  maxConcurrent: number;
  /** TLS connections accepted since the last reset. */
  connections: number;
  handle: Handler;
  reset(): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const pems = await generate([{ name: "commonName", value: "roster graph client test" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  const started = Date.now();
  let active = 0;
  const state: TestServer = {
    origin: "",
    caPem: pems.cert,
    log: [],
    maxConcurrent: 0,
    connections: 0,
    handle: (_req, res) => json(res, 404, { error: { code: "NoHandler", message: "no handler" } }),
    reset() {
      state.log.length = 0;
      state.maxConcurrent = 0;
      state.connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (raw, res) => {
    active++;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        active--;
      }
    };
    res.on("close", finish);
    const chunks: Buffer[] = [];
    raw.on("data", (c: Buffer) => chunks.push(c));
    raw.on("end", () => {
      const entry: LoggedRequest = {
        method: raw.method ?? "",
        url: raw.url ?? "",
        headers: raw.headers,
        body: Buffer.concat(chunks),
        at: Date.now() - started,
      };
      state.log.push(entry);
      Promise.resolve(state.handle(entry, res, raw)).catch((err: unknown) => {
        json(res, 500, { error: { code: "HandlerFailed", message: String(err) } });
      });
    });
  });
  server.on("secureConnection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json;odata.metadata=minimal", ...headers });
  res.end(text);
}

export function graphError(code: string, message: string, requestId = "req-1") {
  return { error: { code, message, innerError: { date: "2025-02-13T10:17:06", "request-id": requestId } } };
}

/** Drop the TCP connection without any response (a reset as the client sees it). */
export function drop(raw: IncomingMessage): void {
  raw.socket.destroy();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
