// Talking to an in-process emulator from tests: Graph calls and `/_emulator/` controls over HTTPS.
import { caTrustingFetch, type RunningEmulator } from "@roster/graph-emulator";
import { demoToken } from "./demo-apps.js";

/**
 * One request to the emulator (Graph under /v1.0 with a token, or a /_emulator control). The token
 * is the demo's write app's, which also any state without apps accepts.
 */
export async function call(
  em: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${demoToken("roster-apply")}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await caTrustingFetch(em.caPem)(`${em.origin}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (response.status >= 400) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return { status: response.status, json };
}

/** The JSON answer of `call`, for tests that read arbitrary shapes. */
export async function control(
  em: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
): Promise<any> {
  return (await call(em, method, path, body)).json;
}

/** One entry of `GET /_emulator/requests`. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  inBatch: boolean;
}

export async function requestLog(em: RunningEmulator): Promise<LoggedRequest[]> {
  return ((await control(em, "GET", "/_emulator/requests")) as { requests: LoggedRequest[] }).requests;
}

export async function clearRequestLog(em: RunningEmulator): Promise<void> {
  await call(em, "DELETE", "/_emulator/requests");
}
