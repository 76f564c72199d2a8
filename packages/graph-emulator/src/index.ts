// The emulator's programmatic API, for tests, the demo and `roster emulator`:
//   const emulator = await startEmulator({ state });   // HTTPS on 127.0.0.1, any free port
//   ... point a Graph client at emulator.origin, trusting emulator.caPem ...
//   await emulator.close();
import { writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { EmulatorContext } from "./context.js";
import { createRequestListener } from "./server.js";
import { emptyState, loadState, loadStateFile, type TenantState } from "./state.js";
import type { Store } from "./store.js";
import { generateCertificate } from "./tls.js";

export type { StateApp } from "./apps.js";
export type { PhotoUpload } from "./context.js";
export { userIdFromUpn } from "./ids.js";
/** The seeded generator behind fault injection, for tests and the benchmark that need the same. */
export { mulberry32 } from "./random.js";
export type { StateGroup, StateUser, TenantState } from "./state.js";
export { dumpState, StateError } from "./state.js";
export { caTrustingFetch, EmulatorFetchHandler } from "./trust.js";

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** A loopback address: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** Serve plain HTTP instead of HTTPS. */
  http?: boolean;
  /** A state file to load (relative photo paths resolve against its folder). */
  statePath?: string;
  /** A state object to load (ignored when `statePath` is given). */
  state?: TenantState;
  /** Extra latency for every Graph request, in ms. */
  latencyMs?: number;
  /** Write the certificate PEM here (HTTPS only). */
  certOut?: string;
  /** Called with unexpected handler errors (emulator bugs, answered as 500). */
  onInternalError?: (err: unknown) => void;
  /** Accept any token with every permission, even when the state declares apps. */
  anyToken?: boolean;
  /** Seed of probabilistic faults (0 to 2³²−1); default a fresh one, readable at GET /_emulator/seed. */
  faultSeed?: number;
  /** Epoch ms for the stale-read window (`/_emulator/consistency`); tests pass a manual clock. */
  clock?: () => number;
}

export interface RunningEmulator {
  /** `https://127.0.0.1:PORT` (no version): the Graph client's `baseUrl`. */
  origin: string;
  port: number;
  /** The certificate clients must trust (empty with `http`). */
  caPem: string;
  certPath: string | undefined;
  /** The live runtime (store, faults, throttle, log), for in-process tests. */
  context: EmulatorContext;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);
/** Idle time before the server closes a kept-alive connection. */
const KEEP_ALIVE_MS = 60_000;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK_HOSTS.has(host))
    throw new Error(`the emulator only listens on loopback (127.0.0.1, ::1, localhost), not ${host}`);
  const store = await initialStore(options);
  const context = new EmulatorContext(
    store,
    options.latencyMs ?? 0,
    options.onInternalError,
    options.anyToken ?? false,
    options.faultSeed,
  );
  if (options.clock) store.clock = options.clock;
  let origin = "";
  const listener = createRequestListener(context, {
    origin: () => origin,
    baseDir: options.statePath ? path.dirname(path.resolve(options.statePath)) : process.cwd(),
  });

  let server: Server;
  let caPem = "";
  if (options.http) {
    server = createHttpServer(listener);
  } else {
    const certificate = await generateCertificate();
    caPem = certificate.cert;
    server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, listener);
  }
  // Connections stay open between requests as Graph's do, so clients can reuse them. A short idle
  // timeout is not harmless: Node's http.Agent never reuses a socket whose server announces
  // `Keep-Alive: timeout=1` (it keeps a one-second margin), so every request paid a TLS handshake.
  // close() still ends at once: it closes every connection, idle or not.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Counted for clients' tests of connection reuse (GET /_emulator/connections).
  server.on(options.http ? "connection" : "secureConnection", () => context.connections.opened++);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host === "::1" ? "[::1]" : host;
  origin = `${options.http ? "http" : "https"}://${hostPart}:${port}`;

  let certPath: string | undefined;
  if (options.certOut && caPem) {
    await writeFile(options.certOut, caPem, { mode: 0o644 });
    certPath = options.certOut;
  }
  return {
    origin,
    port,
    caPem,
    certPath,
    context,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function initialStore(options: EmulatorOptions): Promise<Store> {
  if (options.statePath) return loadStateFile(options.statePath);
  return loadState(options.state ?? emptyState(), process.cwd());
}
