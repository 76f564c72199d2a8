// decideRetry is pure: every branch of the policy, without a server or a clock.
import { describe, expect, it } from "vitest";
import type { AttemptOutcome } from "../../src/graph/retry.js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  decideRetry,
  parseRetryAfter,
  retryPolicy,
} from "../../src/graph/retry.js";

const policy = retryPolicy({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalWaitMs: 10_000 });
const decide = (o: Partial<AttemptOutcome>) =>
  decideRetry(policy, { method: "GET", attempt: 1, waitedMs: 0, now: 0, random: () => 0.5, ...o });

describe("parseRetryAfter", () => {
  it("reads seconds, HTTP dates and rejects garbage", () => {
    expect(parseRetryAfter("10", 0)).toBe(10_000);
    expect(parseRetryAfter(" 0 ", 0)).toBe(0);
    expect(parseRetryAfter("1.5", 0)).toBe(1_500);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("decideRetry", () => {
  it("honours Retry-After on 429, 503 and 504, even above maxDelayMs", () => {
    expect(decide({ status: 429, retryAfter: "3" })).toMatchObject({ retry: true, delayMs: 3_000 });
    expect(decide({ status: 503, retryAfter: "2" })).toMatchObject({ retry: true, delayMs: 2_000 });
    expect(decide({ status: 504, retryAfter: "1" })).toMatchObject({ retry: true, delayMs: 1_000 });
  });

  it("backs off exponentially with jitter when there is no Retry-After", () => {
    expect(decide({ status: 429, attempt: 1, random: () => 0 })).toMatchObject({ delayMs: 50 });
    expect(decide({ status: 429, attempt: 1, random: () => 0.999999 })).toMatchObject({ delayMs: 100 });
    expect(decide({ status: 429, attempt: 3, random: () => 0.5 })).toMatchObject({ delayMs: 300 });
    // Capped at maxDelayMs.
    expect(backoffDelay(policy, 10, () => 1)).toBe(1_000);
    expect(decide({ status: 503, retryAfter: "later" })).toMatchObject({ retry: true, delayMs: 75 });
  });

  it("does not retry other statuses or successes", () => {
    for (const status of [200, 204, 400, 401, 403, 404, 409, 501]) {
      expect(decide({ status }).retry).toBe(false);
    }
  });

  it("retries Directory_ConcurrencyViolation whatever the status and method, other codes not", () => {
    for (const method of ["GET", "POST", "PATCH"]) {
      expect(decide({ method, status: 400, errorCode: "Directory_ConcurrencyViolation" })).toMatchObject({
        retry: true,
        reason: "Directory_ConcurrencyViolation, backoff",
      });
    }
    expect(decide({ status: 400, errorCode: "Request_BadRequest" }).retry).toBe(false);
    expect(decide({ status: 409, errorCode: "Request_MultipleObjectsWithSameKeyValue" }).retry).toBe(false);
  });

  it("retries 500 and 502 only for requests that repeat harmlessly", () => {
    for (const status of [500, 502]) {
      expect(decide({ method: "GET", status }).retry).toBe(true);
      expect(decide({ method: "PUT", status }).retry).toBe(true);
      expect(decide({ method: "PATCH", status, idempotent: true }).retry).toBe(true);
      expect(decide({ method: "POST", status }).retry).toBe(false);
      expect(decide({ method: "PATCH", status }).retry).toBe(false);
    }
  });

  it("retries a PUT or PATCH answered 404 Request_ResourceNotFound twice (replication), never a GET or DELETE", () => {
    const notFound = { status: 404, errorCode: "Request_ResourceNotFound" };
    expect(decide({ method: "PUT", ...notFound, attempt: 1 }).retry).toBe(true);
    expect(decide({ method: "PATCH", ...notFound, attempt: 2 }).retry).toBe(true);
    expect(decide({ method: "PATCH", ...notFound, attempt: 3 }).retry).toBe(false);
    expect(decide({ method: "GET", ...notFound }).retry).toBe(false);
    expect(decide({ method: "DELETE", ...notFound }).retry).toBe(false);
    expect(decide({ method: "PUT", status: 404, errorCode: "ImageNotFound" }).retry).toBe(false);
  });

  it("retries a 504 for a POST or PATCH only when vouched idempotent; 429 and 503 always", () => {
    expect(decide({ method: "POST", status: 504 }).retry).toBe(false);
    expect(decide({ method: "PATCH", status: 504 }).retry).toBe(false);
    expect(decide({ method: "PATCH", status: 504, idempotent: true }).retry).toBe(true);
    expect(decide({ method: "PUT", status: 504 }).retry).toBe(true);
    expect(decide({ method: "POST", status: 429 }).retry).toBe(true);
    expect(decide({ method: "POST", status: 503 }).retry).toBe(true);
  });

  it("retries connection resets and timeouts for idempotent methods only", () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      expect(decide({ method, networkErrorCode: "ECONNRESET" }).retry).toBe(true);
      expect(decide({ method, networkErrorCode: "ETIMEDOUT" }).retry).toBe(true);
    }
    expect(decide({ method: "POST", networkErrorCode: "ECONNRESET" }).retry).toBe(false);
    expect(decide({ method: "PATCH", networkErrorCode: "ETIMEDOUT" }).retry).toBe(false);
    expect(decide({ method: "PATCH", networkErrorCode: "ETIMEDOUT", idempotent: true }).retry).toBe(true);
    // Misconfiguration and TLS failures are not transient.
    expect(decide({ networkErrorCode: "ECONNREFUSED" }).retry).toBe(false);
    expect(decide({ networkErrorCode: "DEPTH_ZERO_SELF_SIGNED_CERT" }).retry).toBe(false);
  });

  it("stops after maxAttempts", () => {
    expect(decide({ status: 429, attempt: 3 }).retry).toBe(true);
    expect(decide({ status: 429, attempt: 4 })).toMatchObject({ retry: false, gaveUp: "maxAttempts" });
  });

  it("keeps honouring a server's Retry-After past maxAttempts, up to the total-wait ceiling", () => {
    expect(decide({ status: 429, attempt: 9, retryAfter: "1", waitedMs: 8_000 })).toMatchObject({
      retry: true,
      delayMs: 1_000,
    });
    expect(decide({ status: 429, attempt: 9, retryAfter: "1", waitedMs: 9_500 })).toMatchObject({
      retry: false,
      gaveUp: "waitCeiling",
    });
    // A sub-second Retry-After paces nothing: the attempt cap still applies.
    expect(decide({ status: 503, attempt: 4, retryAfter: "0" })).toMatchObject({
      retry: false,
      gaveUp: "maxAttempts",
    });
  });

  it("gives up when the next wait would pass the total-wait ceiling", () => {
    expect(decide({ status: 429, retryAfter: "5", waitedMs: 5_000 })).toMatchObject({ retry: true });
    expect(decide({ status: 429, retryAfter: "5", waitedMs: 5_001 })).toMatchObject({
      retry: false,
      gaveUp: "waitCeiling",
    });
    expect(decide({ status: 429, retryAfter: "11" })).toMatchObject({ retry: false, gaveUp: "waitCeiling" });
  });

  it("has sane defaults and lets a call override part of them", () => {
    expect(DEFAULT_RETRY.retryStatuses).toEqual([429, 500, 502, 503, 504]);
    expect(DEFAULT_RETRY.notFoundWriteRetries).toBe(2);
    expect(DEFAULT_RETRY.retryErrorCodes).toEqual(["Directory_ConcurrencyViolation"]);
    // The README promises these: 6 attempts, at most 2 minutes of waiting for one request.
    expect(DEFAULT_RETRY.maxAttempts).toBe(6);
    expect(DEFAULT_RETRY.maxTotalWaitMs).toBe(2 * 60 * 1000);
    expect(retryPolicy({ maxAttempts: 2, baseDelayMs: undefined }, policy)).toEqual({
      ...policy,
      maxAttempts: 2,
    });
  });
});
