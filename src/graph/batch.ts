// JSON batching (https://learn.microsoft.com/graph/json-batching, graph-contract §6): split into
// `$batch` calls of at most 20, send them (the transport's semaphore bounds how many at once),
// decode base64 binary bodies, and retry only the inner items that were throttled or failed
// transiently. The SDK's RetryHandler never looks inside a batch (graph-contract §6.2), so this
// loop does, with the same `decideRetry` policy as single requests.
import type { GiveUpReason, GraphRequestError } from "./errors.js";
import { errorFromResponse } from "./errors.js";
import { toVersionRelative } from "./paths.js";
import type { RetryPolicy } from "./retry.js";
import { decideRetry } from "./retry.js";

export const MAX_BATCH_SIZE = 20;

export type BatchMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface BatchItem {
  method: BatchMethod;
  /** Relative to the version root (`/users/{id}/photo/$value`); an absolute Graph URL is rebased. */
  url: string;
  headers?: Record<string, string>;
  /** JSON-serialisable value, or a Buffer/Uint8Array sent base64-encoded (set a Content-Type). */
  body?: unknown;
  /** The caller vouches that repeating this POST/PATCH is harmless (see retry.ts). */
  idempotent?: boolean;
}

export interface BatchResult {
  status: number;
  ok: boolean;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, a Buffer for binary content (decoded from base64), or undefined. */
  body: unknown;
  /** Set when the item failed (status ≥ 400, or the whole `$batch` call failed). */
  error?: GraphRequestError;
  /** Graph's `error.code` of a failed item (shortcut for `error.code`). */
  errorCode?: string;
  /** How many times this item was sent. */
  attempts: number;
}

export interface RawBatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchRequestJson {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The result of one `$batch` POST: inner responses, or the error of the outer call. */
export type ChunkResponse = { responses: RawBatchResponse[] } | { error: GraphRequestError };

export interface BatchRunner {
  send(requests: BatchRequestJson[], idempotent: boolean): Promise<ChunkResponse>;
  policy: RetryPolicy;
  version: string;
  batchSize?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export async function runBatch(items: readonly BatchItem[], runner: BatchRunner): Promise<BatchResult[]> {
  const size = Math.min(runner.batchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const sleep = runner.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = runner.now ?? Date.now;
  const requests = items.map((item, index) => toBatchRequest(item, String(index), runner.version));
  const results: BatchResult[] = new Array(items.length);
  const attempts = new Array<number>(items.length).fill(0);
  let pending = items.map((_, index) => index);
  let waitedMs = 0;

  while (pending.length > 0) {
    const chunks: number[][] = [];
    for (let i = 0; i < pending.length; i += size) chunks.push(pending.slice(i, i + size));
    const answers = await Promise.all(
      chunks.map((chunk) =>
        runner.send(
          chunk.map((index) => requests[index]!),
          chunk.every((index) => isItemIdempotent(items[index]!)),
        ),
      ),
    );

    const retry: number[] = [];
    let delayMs = 0;
    answers.forEach((answer, c) => {
      const chunk = chunks[c]!;
      // Responses come back in any order: match by id (graph-contract §6.2).
      const byId =
        "responses" in answer ? new Map(answer.responses.map((r) => [String(r.id), r])) : undefined;
      for (const index of chunk) {
        attempts[index]! += 1;
        const item = items[index]!;
        if (!byId) {
          const error = (answer as { error: GraphRequestError }).error;
          results[index] = failed(error.status, {}, undefined, error, attempts[index]!);
          continue;
        }
        const raw = byId.get(String(index));
        const headers = lowerCaseKeys(raw?.headers ?? {});
        const status = raw?.status ?? 0;
        const decision = raw
          ? decideRetry(runner.policy, {
              method: item.method,
              idempotent: item.idempotent,
              attempt: attempts[index]!,
              waitedMs,
              status,
              retryAfter: headers["retry-after"],
              errorCode: (raw.body as { error?: { code?: string } } | undefined)?.error?.code,
              now: now(),
              random: runner.random,
            })
          : { retry: false as const, reason: "missing" };
        if (decision.retry) {
          retry.push(index);
          // One new round for all of them, after the longest wait any of them asked for.
          delayMs = Math.max(delayMs, decision.delayMs);
        }
        results[index] = toResult(
          item,
          requests[index]!.url,
          raw,
          headers,
          attempts[index]!,
          waitedMs,
          decision,
        );
      }
    });

    if (retry.length === 0) break;
    await sleep(delayMs);
    waitedMs += delayMs;
    pending = retry;
  }
  return results;
}

function toResult(
  item: BatchItem,
  url: string,
  raw: RawBatchResponse | undefined,
  headers: Record<string, string>,
  attempts: number,
  waitedMs: number,
  decision: { retry: boolean; gaveUp?: GiveUpReason },
): BatchResult {
  if (!raw) {
    const error = errorFromResponse({
      method: item.method,
      path: url,
      status: 0,
      headers: {},
      body: {
        error: { code: "MissingBatchResponse", message: "the $batch response has no entry for this request" },
      },
      attempts,
    });
    return failed(0, {}, undefined, error, attempts);
  }
  const body = decodeBatchBody(headers, raw.body);
  if (raw.status < 400) return { status: raw.status, ok: true, headers, body, attempts };
  const error = errorFromResponse({
    method: item.method,
    path: url,
    status: raw.status,
    headers,
    body,
    attempts,
    gaveUp: decision.retry ? undefined : decision.gaveUp,
    waitedMs,
  });
  return failed(raw.status, headers, body, error, attempts);
}

function failed(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  error: GraphRequestError,
  attempts: number,
): BatchResult {
  return { status, ok: false, headers, body, error, errorCode: error.code, attempts };
}

function isItemIdempotent(item: BatchItem): boolean {
  return item.idempotent === true || ["GET", "PUT", "DELETE"].includes(item.method);
}

/** One entry of the `requests` array. A body requires headers with a Content-Type (graph-contract §6.1). */
export function toBatchRequest(item: BatchItem, id: string, version: string): BatchRequestJson {
  const request: BatchRequestJson = { id, method: item.method, url: toVersionRelative(item.url, version) };
  const headers = { ...(item.headers ?? {}) };
  const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");
  if (item.body !== undefined) {
    if (item.body instanceof Uint8Array) {
      request.body = Buffer.from(item.body.buffer, item.body.byteOffset, item.body.byteLength).toString(
        "base64",
      );
      if (!hasContentType) headers["Content-Type"] = "application/octet-stream";
    } else {
      request.body = item.body;
      if (!hasContentType) headers["Content-Type"] = "application/json";
    }
  }
  if (Object.keys(headers).length > 0) request.headers = headers;
  return request;
}

/**
 * Inside a batch, binary bodies (a photo's `$value`) come back as a base64 string with the item's
 * own Content-Type (graph-contract §6.2; https://github.com/pnp/pnpjs/issues/2825).
 */
export function decodeBatchBody(headers: Record<string, string>, body: unknown): unknown {
  if (typeof body !== "string") return body;
  const type = (headers["content-type"] ?? "").toLowerCase();
  if (type === "" || type.includes("json") || type.startsWith("text/")) return body;
  return Buffer.from(body, "base64");
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
