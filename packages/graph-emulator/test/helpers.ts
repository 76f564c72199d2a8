// Shared test plumbing: an in-process emulator on a free port, raw HTTPS calls that trust its
// certificate, and the real Graph SDK client wired to it.
//
// Trusting the self-signed CA on Node 20: NODE_EXTRA_CA_CERTS is read only at process start and
// the global fetch's Agent class is not exported (no `undici` dependency), so the SDK gets a
// custom last middleware (`EmulatorFetchHandler`) that sends requests through `caTrustingFetch`
// (node:https with `ca`). `customHosts` makes the SDK's AuthenticationHandler attach the token to
// 127.0.0.1 (it does so only for https:// URLs; graph-contract §9.3).
import {
  AuthenticationHandler,
  Client,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import {
  caTrustingFetch,
  EmulatorFetchHandler,
  type RunningEmulator,
  type StateUser,
  startEmulator,
  type TenantState,
} from "../src/index.js";

export const TOKEN = "test-token";

export async function start(
  state: TenantState,
  options: { latencyMs?: number } = {},
): Promise<RunningEmulator> {
  return startEmulator({
    state,
    ...options,
    onInternalError: (err) => console.error("emulator internal error", err),
  });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

export interface RawOptions {
  token?: string | null;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One HTTPS request to the emulator; `path` starts with /v1.0 or /_emulator. */
export async function raw(
  em: RunningEmulator,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (Buffer.isBuffer(options.body) || typeof options.body === "string") body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] ??= "application/json";
  }
  const response = await caTrustingFetch(em.caPem)(`${em.origin}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The real Graph SDK client, pointed at the emulator. `retries` = RetryHandler max retries. */
export function graphClient(em: RunningEmulator, retries = 0): Client {
  return Client.initWithMiddleware({
    baseUrl: em.origin,
    customHosts: new Set(["127.0.0.1"]),
    middleware: [
      new AuthenticationHandler({ getAccessToken: async () => TOKEN }),
      new RetryHandler(new RetryHandlerOptions(0, retries)),
      new EmulatorFetchHandler(caTrustingFetch(em.caPem)),
    ],
  });
}

/** `n` cloud users `user0000@contoso.com` …, with a department cycling over four values. */
export function makeUsers(n: number, domain = "contoso.com"): StateUser[] {
  const departments = ["Sales", "Retail", "Engineering", "Finance"];
  return Array.from({ length: n }, (_, i) => {
    const name = `user${String(i).padStart(4, "0")}`;
    return {
      userPrincipalName: `${name}@${domain}`,
      displayName: `User ${i}`,
      givenName: "User",
      surname: String(i),
      department: departments[i % 4]!,
      mail: `${name}@${domain}`,
      businessPhones: [],
    };
  });
}

/** Asserts Graph's error envelope and returns it. */
export function expectGraphError(
  response: RawResponse,
  status: number,
  code: string,
  message?: string,
): void {
  const problems: string[] = [];
  if (response.status !== status) problems.push(`status ${response.status} != ${status}`);
  const error = response.json?.error;
  if (error?.code !== code) problems.push(`code ${error?.code} != ${code}`);
  if (message !== undefined && error?.message !== message)
    problems.push(`message '${error?.message}' != '${message}'`);
  if (typeof error?.innerError?.["request-id"] !== "string" || typeof error?.innerError?.date !== "string") {
    problems.push("innerError lacks request-id/date");
  }
  if (response.headers.get("request-id") === null) problems.push("no request-id header");
  if (problems.length > 0) throw new Error(`${problems.join("; ")}\nbody: ${response.text}`);
}
