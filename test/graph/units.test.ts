// Small pure pieces: path rebasing, the semaphore, batch payloads and the batch retry loop.
import { describe, expect, it } from "vitest";
import type { BatchRequestJson, ChunkResponse } from "../../src/graph/batch.js";
import { decodeBatchBody, runBatch, toBatchRequest } from "../../src/graph/batch.js";
import { errorFromNetwork, errorFromResponse } from "../../src/graph/errors.js";
import { toVersionRelative } from "../../src/graph/paths.js";
import { retryPolicy } from "../../src/graph/retry.js";
import { Semaphore } from "../../src/graph/semaphore.js";

describe("toVersionRelative", () => {
  it("rebases absolute links from any origin and keeps the query verbatim", () => {
    expect(toVersionRelative("https://graph.microsoft.com/v1.0/users?$skiptoken=a%2Bb", "v1.0")).toBe(
      "/users?$skiptoken=a%2Bb",
    );
    expect(toVersionRelative("http://127.0.0.1:8443/v1.0/users/delta?$deltatoken=x", "v1.0")).toBe(
      "/users/delta?$deltatoken=x",
    );
    expect(toVersionRelative("https://proxy.example/graph/v1.0/users", "v1.0")).toBe("/users");
    expect(toVersionRelative("/v1.0/users/x", "v1.0")).toBe("/users/x");
    expect(toVersionRelative("users/x", "v1.0")).toBe("/users/x");
    expect(toVersionRelative("/users?$filter=mail eq 'https://x'", "v1.0")).toBe(
      "/users?$filter=mail eq 'https%3A//x'",
    );
    expect(() => toVersionRelative("https://graph.microsoft.com/beta/users", "v1.0")).toThrow(/v1\.0/);
  });
});

describe("Semaphore", () => {
  it("never lets more than max holders run and serves waiters in order", async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        sem.run(async () => {
          running++;
          peak = Math.max(peak, running);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sem.active).toBe(0);
  });

  it("gives a freed slot to an urgent waiter before those that came earlier", async () => {
    const sem = new Semaphore(1);
    const first = await sem.acquire();
    const order: string[] = [];
    const take = (name: string, urgent = false) =>
      sem.acquire(urgent).then((release) => {
        order.push(name);
        release();
      });
    const waiting = [take("batch 1"), take("batch 2"), take("page", true)];
    first();
    await Promise.all(waiting);
    expect(order).toEqual(["page", "batch 1", "batch 2"]);
  });
});

describe("batch payloads", () => {
  it("adds Content-Type to bodies and base64-encodes binary ones", () => {
    expect(
      toBatchRequest({ method: "GET", url: "https://graph.microsoft.com/v1.0/users/a" }, "0", "v1.0"),
    ).toEqual({
      id: "0",
      method: "GET",
      url: "/users/a",
    });
    expect(
      toBatchRequest({ method: "PUT", url: "/users/a/photo/$value", body: Buffer.from("hi") }, "1", "v1.0"),
    ).toEqual({
      id: "1",
      method: "PUT",
      url: "/users/a/photo/$value",
      headers: { "Content-Type": "application/octet-stream" },
      body: "aGk=",
    });
  });

  it("decodes only non-JSON string bodies", () => {
    expect(decodeBatchBody({ "content-type": "image/png" }, "aGk=")).toEqual(Buffer.from("hi"));
    expect(decodeBatchBody({ "content-type": "application/json" }, { a: 1 })).toEqual({ a: 1 });
    expect(decodeBatchBody({ "content-type": "text/plain" }, "42")).toBe("42");
  });
});

describe("runBatch", () => {
  it("waits for the longest Retry-After of the throttled items and gives up at the ceiling", async () => {
    const sent: string[][] = [];
    const sleeps: number[] = [];
    const send = async (requests: BatchRequestJson[]): Promise<ChunkResponse> => {
      sent.push(requests.map((r) => r.id));
      return {
        responses: requests.map((r) =>
          r.id === "0"
            ? { id: r.id, status: 200 }
            : { id: r.id, status: 429, headers: { "Retry-After": r.id === "1" ? "2" : "3" } },
        ),
      };
    };
    const results = await runBatch(
      [
        { method: "GET", url: "/a" },
        { method: "GET", url: "/b" },
        { method: "GET", url: "/c" },
      ],
      {
        send,
        version: "v1.0",
        policy: retryPolicy({ maxTotalWaitMs: 7_000, maxAttempts: 10 }),
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    );
    expect(sent).toEqual([
      ["0", "1", "2"],
      ["1", "2"],
      ["1", "2"],
    ]);
    expect(sleeps).toEqual([3_000, 3_000]);
    expect(results.map((r) => [r.status, r.attempts, r.error?.gaveUp])).toEqual([
      [200, 1, undefined],
      [429, 3, "waitCeiling"],
      [429, 3, "waitCeiling"],
    ]);
  });

  it("marks the outer batch POST idempotent only when every item is", async () => {
    const flags: boolean[] = [];
    const send = async (requests: BatchRequestJson[], idempotent: boolean): Promise<ChunkResponse> => {
      flags.push(idempotent);
      return { responses: requests.map((r) => ({ id: r.id, status: 204 })) };
    };
    const policy = retryPolicy();
    await runBatch(
      [
        { method: "GET", url: "/a" },
        { method: "PATCH", url: "/b", body: {}, idempotent: true },
      ],
      { send, policy, version: "v1.0" },
    );
    await runBatch(
      [
        { method: "GET", url: "/a" },
        { method: "POST", url: "/b", body: {} },
      ],
      { send, policy, version: "v1.0" },
    );
    expect(flags).toEqual([true, false]);
  });
});

describe("errors", () => {
  it("falls back to the status when a gateway sent no Graph error body", () => {
    const e = errorFromResponse({
      method: "GET",
      path: "/users",
      status: 502,
      statusText: "Bad Gateway",
      headers: new Headers({ "request-id": "r1" }),
      body: "<html>",
    });
    expect([e.code, e.message, e.requestId]).toEqual(["HTTP502", "Bad Gateway", "r1"]);
  });

  it("describes network errors by their code", () => {
    const e = errorFromNetwork({
      method: "GET",
      path: "/users",
      error: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      attempts: 6,
      gaveUp: "maxAttempts",
    });
    expect(e.describe()).toBe("GET /users: ECONNRESET: socket hang up; gave up after 6 attempts");
  });
});
