// The retry policy, as pure functions: given what happened to an attempt, retry (and after how long)
// or give up. No I/O and no clock of its own, so every branch is unit-tested (the shape of Octokit's
// plugin-retry `error-request.ts`). The middleware that applies it lives in middleware.ts.
//
// Graph's guidance (graph-contract §7.1, §7.5; https://learn.microsoft.com/graph/throttling):
// on 429, 503 and 504 wait `Retry-After` seconds when given, else back off exponentially.

export interface RetryOptions {
  /** Attempts including the first one. */
  maxAttempts?: number;
  /** First backoff step when the server gives no Retry-After. */
  baseDelayMs?: number;
  /** Cap on one backoff step (a server's Retry-After is honoured even above it). */
  maxDelayMs?: number;
  /** Ceiling on the sum of all waits for one request: past it we give up instead of sleeping. */
  maxTotalWaitMs?: number;
  /** Statuses that mean "try again later". */
  retryStatuses?: readonly number[];
  /** Graph error codes that mean "try again later", whatever the status. */
  retryErrorCodes?: readonly string[];
  /**
   * Retries of a PUT or PATCH answered 404 `Request_ResourceNotFound`: an object written or learned
   * a moment ago can read as missing on another replica (graph-contract §7.5, §8).
   */
  notFoundWriteRetries?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
  // 429 and 503 are refusals before any work was done: any request may repeat. 500, 502 and 504
  // may come after the work was done: only requests that repeat harmlessly are sent again.
  retryStatuses: [429, 500, 502, 503, 504],
  // "Error due to concurrent requests being made to the tenant. Please wait briefly and retry."
  // (graph-contract §7.4, §7.5): a refusal before any work was done, so safe for any method.
  retryErrorCodes: ["Directory_ConcurrencyViolation"],
  notFoundWriteRetries: 2,
};

/** Statuses that say nothing was done, so even a request that must not repeat may be sent again. */
const REFUSED_BEFORE_WORK = new Set([429, 503]);

export function retryPolicy(options: RetryOptions = {}, base: RetryPolicy = DEFAULT_RETRY): RetryPolicy {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as RetryPolicy;
}

export interface AttemptOutcome {
  method: string;
  /** The caller vouches that repeating this POST/PATCH is harmless (e.g. a PATCH of absolute values). */
  idempotent?: boolean;
  /** Attempts made so far, counting the one that just failed (≥ 1). */
  attempt: number;
  /** Milliseconds already spent waiting between earlier attempts. */
  waitedMs: number;
  /** HTTP status, when a response arrived. */
  status?: number;
  /** Node error code when no response arrived (ECONNRESET, ETIMEDOUT…). */
  networkErrorCode?: string;
  /** The response's `Retry-After` header. */
  retryAfter?: string | null;
  /** Graph's `error.code` of a failed response, when known. */
  errorCode?: string;
  /** Epoch ms used to resolve an HTTP-date Retry-After. */
  now?: number;
  /** Random source in [0, 1) for jitter (tests pin it). */
  random?: () => number;
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string; gaveUp?: "maxAttempts" | "waitCeiling" };

/** Methods that can be repeated without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export function isIdempotent(method: string, vouched = false): boolean {
  return vouched || IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Failures where the request may or may not have reached Graph. Only idempotent requests are
 * repeated after them. ECONNREFUSED is deliberately absent: Graph does not refuse connections, so a
 * refusal is a wrong URL or a stopped emulator, and retrying would only delay the error.
 */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function decideRetry(policy: RetryPolicy, outcome: AttemptOutcome): RetryDecision {
  const idempotent = isIdempotent(outcome.method, outcome.idempotent);
  let retryAfterMs: number | undefined;

  const refusedBeforeWork =
    outcome.errorCode !== undefined && policy.retryErrorCodes.includes(outcome.errorCode);
  if (outcome.status !== undefined) {
    const notFoundAfterWrite =
      outcome.status === 404 &&
      outcome.errorCode === "Request_ResourceNotFound" &&
      ["PUT", "PATCH"].includes(outcome.method.toUpperCase());
    if (notFoundAfterWrite) {
      if (outcome.attempt > policy.notFoundWriteRetries)
        return { retry: false, reason: "status 404 after replication retries" };
    } else if (!policy.retryStatuses.includes(outcome.status) && !refusedBeforeWork) {
      return { retry: false, reason: `status ${outcome.status}` };
    }
    // A 500, 502 or 504 may come after the work was done (a gateway stopped waiting): repeat only
    // what repeats harmlessly. https://learn.microsoft.com/graph/errors
    if (
      !REFUSED_BEFORE_WORK.has(outcome.status) &&
      !refusedBeforeWork &&
      !notFoundAfterWrite &&
      !idempotent
    ) {
      return { retry: false, reason: `status ${outcome.status} on a non-idempotent ${outcome.method}` };
    }
    retryAfterMs = parseRetryAfter(outcome.retryAfter, outcome.now ?? Date.now());
  } else if (outcome.networkErrorCode !== undefined) {
    if (!TRANSIENT_NETWORK_CODES.has(outcome.networkErrorCode)) {
      return { retry: false, reason: outcome.networkErrorCode };
    }
    if (!idempotent) {
      return { retry: false, reason: `${outcome.networkErrorCode} on a non-idempotent ${outcome.method}` };
    }
  } else {
    return { retry: false, reason: "success" };
  }

  // A server that says when to come back (Retry-After) is pacing us, not failing: honour it up to
  // the total-wait ceiling, whatever the attempt count, or a large tenant under steady throttling
  // would lose some of its thousands of batch items. The attempt cap bounds blind retries.
  const serverPaced = retryAfterMs !== undefined && retryAfterMs >= 1_000;
  if (outcome.attempt >= policy.maxAttempts && !serverPaced) {
    return { retry: false, reason: `${outcome.attempt} attempts made`, gaveUp: "maxAttempts" };
  }
  const delayMs = retryAfterMs ?? backoffDelay(policy, outcome.attempt, outcome.random ?? Math.random);
  if (outcome.waitedMs + delayMs > policy.maxTotalWaitMs) {
    return {
      retry: false,
      reason: `waiting ${delayMs} ms more would pass the ${policy.maxTotalWaitMs} ms ceiling`,
      gaveUp: "waitCeiling",
    };
  }
  const why = refusedBeforeWork
    ? outcome.errorCode
    : outcome.status !== undefined
      ? `status ${outcome.status}`
      : outcome.networkErrorCode;
  return {
    retry: true,
    delayMs,
    reason: retryAfterMs !== undefined ? `${why}, Retry-After` : `${why}, backoff`,
  };
}

/**
 * Exponential backoff with "equal jitter": half of the step is fixed, half random, so clients that
 * failed together do not come back together, yet nobody retries immediately.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); Graph sends seconds
 * (graph-contract §7.1) but the SDK's own RetryHandler accepts both, and so do we. Returns ms, or
 * undefined when absent or unparsable (the caller then backs off).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP-date always names the weekday; without letters Date.parse would accept "-5" as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
