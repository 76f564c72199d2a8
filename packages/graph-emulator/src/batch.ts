// POST /$batch (graph-contract §6): up to 20 requests with unique ids, relative URLs, `headers`
// required with a `body`, base64 bodies for binary content types in both directions, and
// `dependsOn` in Graph's three allowed shapes (all parallel, one serial chain, all after one
// request) with 424 for dependents of a failed request. Each item runs through the same pipeline
// (faults, throttling, log) as a direct request. Responses are deliberately NOT in request order
// (Graph does not promise an order; clients must match by id).
import type { EmulatorContext } from "./context.js";
import { badRequest } from "./errors.js";
import { isOutlookRequest, OUTLOOK_BATCH_PARALLELISM } from "./outlook.js";
import { errorBody, type Router, runGraphRequest } from "./pipeline.js";
import type { EmulatorRequest, EmulatorResponse } from "./types.js";
import { splitUserKey } from "./user-key.js";
import { parseJsonBody } from "./validation.js";

const MAX_REQUESTS = 20;
const METHODS = new Set(["GET", "POST", "PATCH", "PUT", "DELETE"]);

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  dependsOn: string[];
}

function invalid(message: string): Error {
  return badRequest(message, "BadRequest");
}

export async function handleBatch(
  ctx: EmulatorContext,
  outer: EmulatorRequest,
  route: Router,
): Promise<EmulatorResponse> {
  const items = parseBatch(parseJsonBody(outer.body));
  const results = new Map<string, Promise<{ id: string; response: EmulatorResponse }>>();
  // throttling-limits, "Outlook service limits for JSON batching": Graph runs up to 4 of a batch's
  // Outlook requests in parallel at any point; the others wait their turn (they are not throttled).
  const outlookTurns = turns(OUTLOOK_BATCH_PARALLELISM);
  for (const item of items) {
    const dependencies = item.dependsOn.map((id) => results.get(id.toLowerCase())!);
    const run = async (): Promise<{ id: string; response: EmulatorResponse }> => {
      const settled = await Promise.all(dependencies);
      if (settled.some(({ response }) => response.status < 200 || response.status > 299)) {
        return { id: item.id, response: failedDependency(ctx, item) };
      }
      const request = innerRequest(outer, item);
      const send = () => runGraphRequest(ctx, request, route);
      const response = await (isOutlookRequest(request) ? outlookTurns(send) : send());
      return { id: item.id, response };
    };
    results.set(item.id.toLowerCase(), run());
  }
  const done = await Promise.all(results.values());
  const responses = done.reverse().map(({ id, response }) => renderItem(id, response));
  return { status: 200, body: { responses } };
}

function parseBatch(body: unknown): BatchItem[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (typeof body !== "object" || body === null || !Array.isArray(requests))
    throw invalid("Invalid batch payload format.");
  if (requests.length === 0) throw invalid("Invalid batch payload format: the batch holds no requests.");
  if (requests.length > MAX_REQUESTS) {
    throw invalid(
      `Invalid batch payload format: a batch may hold at most ${MAX_REQUESTS} requests, this one holds ${requests.length}.`,
    );
  }
  const seen = new Set<string>();
  const items = requests.map((raw, index) => {
    const item = parseItem(raw, index);
    const key = item.id.toLowerCase();
    if (seen.has(key))
      throw invalid(`Request id '${item.id}' is used by more than one request in the batch.`);
    for (const dependency of item.dependsOn) {
      if (!seen.has(dependency.toLowerCase())) {
        throw invalid(
          `Request '${item.id}' depends on '${dependency}', which is not an earlier request in the batch.`,
        );
      }
    }
    seen.add(key);
    return item;
  });
  checkDependencyShape(items);
  return items;
}

function parseItem(raw: unknown, index: number): BatchItem {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid(`requests[${index}] must be an object.`);
  const { id, method, url, headers = {}, body, dependsOn = [] } = raw as Record<string, unknown>;
  if (typeof id !== "string" || id === "") throw invalid(`requests[${index}].id must be a non-empty string.`);
  if (typeof method !== "string" || !METHODS.has(method.toUpperCase()))
    throw invalid(`Request '${id}' has an invalid method.`);
  if (typeof url !== "string" || url === "") throw invalid(`Request '${id}' has no url.`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(url))
    throw invalid(
      `Request '${id}': the url must be relative to the version root (e.g. /users), not absolute.`,
    );
  if (
    typeof headers !== "object" ||
    headers === null ||
    Array.isArray(headers) ||
    !Object.values(headers).every((v) => typeof v === "string")
  ) {
    throw invalid(`Request '${id}': headers must be an object of strings.`);
  }
  const lowered = Object.fromEntries(
    Object.entries(headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === "string")) {
    throw invalid(`Request '${id}': dependsOn must be an array of request ids.`);
  }
  return {
    id,
    method: method.toUpperCase(),
    url,
    headers: lowered,
    body: itemBody(id, body, lowered),
    dependsOn: dependsOn as string[],
  };
}

/** JSON bodies are objects; bodies of other content types are base64 (either alphabet). */
function itemBody(id: string, body: unknown, headers: Record<string, string>): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  const contentType = headers["content-type"];
  if (contentType === undefined) throw invalid(`Request '${id}' has a body but no Content-Type header.`);
  if (/json/i.test(contentType)) return Buffer.from(JSON.stringify(body));
  if (typeof body !== "string")
    throw invalid(`Request '${id}': a ${contentType} body must be a base64 string.`);
  const compact = body.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(compact))
    throw invalid(`Request '${id}': the body is not valid base64.`);
  return Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Graph allows all-parallel, one serial chain, or everything after one single request. */
function checkDependencyShape(items: BatchItem[]): void {
  if (items.every((item) => item.dependsOn.length === 0)) return;
  const serial = items.every((item, i) =>
    i === 0
      ? item.dependsOn.length === 0
      : item.dependsOn.length === 1 && item.dependsOn[0]!.toLowerCase() === items[i - 1]!.id.toLowerCase(),
  );
  const root = items[0]!;
  const fanOut =
    root.dependsOn.length === 0 &&
    items
      .slice(1)
      .every(
        (item) => item.dependsOn.length === 1 && item.dependsOn[0]!.toLowerCase() === root.id.toLowerCase(),
      );
  if (!serial && !fanOut) throw invalid("Batch should be either fully sequential or fully parallel.");
}

function innerRequest(outer: EmulatorRequest, item: BatchItem): EmulatorRequest {
  const relative = item.url.replace(/^\/+/, "");
  const url = new URL(relative, `${outer.origin}/v1.0/`);
  const rawPath = url.pathname.startsWith("/v1.0/") ? url.pathname.slice("/v1.0".length) : url.pathname;
  const decoded = rawPath
    .split("/")
    .filter((s) => s !== "")
    .map(safeDecode);
  const { segments, parenthesized } = splitUserKey(decoded);
  return {
    method: item.method,
    path: `/${decoded.join("/")}`,
    segments,
    userKeyParenthesized: parenthesized,
    query: url.searchParams,
    headers: { ...item.headers, authorization: outer.headers.authorization ?? "" },
    body: item.body,
    origin: outer.origin,
    inBatch: true,
    caller: outer.caller,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function failedDependency(ctx: EmulatorContext, item: BatchItem): EmulatorResponse {
  const path = `/${item.url.replace(/^\/+/, "").split("?")[0] ?? ""}`;
  ctx.log.add({ method: item.method, path, query: item.url.split("?")[1] ?? "", status: 424, inBatch: true });
  return {
    status: 424,
    headers: { "Content-Type": "application/json" },
    body: errorBody(
      "FailedDependency",
      "The request could not be run because a request it depends on failed.",
      "",
      "",
    ),
  };
}

/** Runs tasks at most `limit` at a time, in the order they ask. */
function turns(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so none can slip in between.
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

function renderItem(id: string, response: EmulatorResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { id, status: response.status, headers: response.headers ?? {} };
  if (Buffer.isBuffer(response.body)) out.body = response.body.toString("base64");
  else if (response.body !== undefined) out.body = response.body;
  return out;
}
