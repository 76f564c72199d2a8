// The Graph client against a real local HTTPS server (self-signed, trusted through caCertPem).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GraphClient, GraphClientOptions, GraphRequestEvent } from "../../src/graph/index.js";
import { createGraphClient, GraphRequestError, SignInError } from "../../src/graph/index.js";
import type { TestServer } from "./server.js";
import { drop, graphError, json, sleep, startServer } from "./server.js";

const TOKEN = "test-token-5ecret-do-not-leak";
let server: TestServer;
const clients: GraphClient[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  server.reset();
});

function client(overrides: Partial<GraphClientOptions> = {}, events: GraphRequestEvent[] = []): GraphClient {
  const c = createGraphClient({
    graphUrl: server.origin,
    caCertPem: server.caPem,
    token: TOKEN,
    retry: { baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 4, maxTotalWaitMs: 5_000 },
    onRequest: (e) => events.push(e),
    ...overrides,
  });
  clients.push(c);
  return c;
}

describe("paging", () => {
  it("follows three pages of absolute nextLinks, rebased onto the configured origin, resending headers", async () => {
    const token2 = "X%2BY%3D%3D&extra=1";
    server.handle = (req, res) => {
      const url = new URL(req.url, server.origin);
      const skip = url.searchParams.get("$skiptoken");
      if (!skip) {
        return json(res, 200, {
          "@odata.count": 5,
          value: [{ id: "1" }, { id: "2" }],
          "@odata.nextLink": `${server.origin}/v1.0/users?$top=2&$skiptoken=${token2}`,
        });
      }
      if (skip === "X+Y==") {
        // Another origin (http, a host that never resolves): the client must not go there.
        return json(res, 200, {
          value: [{ id: "3" }, { id: "4" }],
          "@odata.nextLink": "http://elsewhere.invalid/v1.0/users?$top=2&$skiptoken=last",
        });
      }
      return json(res, 200, { value: [{ id: "5" }] });
    };
    const graph = client();
    const pages = [];
    for await (const page of graph.pages<{ id: string }>("/users?$top=2&$count=true", {
      headers: { ConsistencyLevel: "eventual" },
    })) {
      pages.push(page);
    }
    expect(pages.map((p) => p.value.map((u) => u.id))).toEqual([["1", "2"], ["3", "4"], ["5"]]);
    expect(pages[0]?.count).toBe(5);
    expect(server.log).toHaveLength(3);
    expect(server.log[1]?.url).toContain("$skiptoken=X%2BY%3D%3D");
    expect(server.log[1]?.url).toContain("extra=1");
    expect(server.log[2]?.url).toMatch(/^\/v1\.0\/users\?.*\$skiptoken=last/);
    for (const req of server.log) {
      expect(req.headers.consistencylevel).toBe("eventual");
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(await graph.list("/users?$top=2")).toHaveLength(5);
  });

  it("stops on a nextLink that repeats instead of looping forever", async () => {
    server.handle = (_req, res) =>
      json(res, 200, { value: [], "@odata.nextLink": `${server.origin}/v1.0/users?$skiptoken=same` });
    await expect(client().list("/users")).rejects.toThrow(/same nextLink twice/);
    expect(server.log).toHaveLength(2);
  });
});

describe("retries", () => {
  it("waits at least Retry-After after a 429, then succeeds", async () => {
    let n = 0;
    server.handle = (_req, res) =>
      n++ === 0
        ? json(res, 429, graphError("TooManyRequests", "Please retry again later."), { "retry-after": "1" })
        : json(res, 200, { id: "u1" });
    const events: GraphRequestEvent[] = [];
    const user = await client({}, events).get<{ id: string }>("/users/u1");
    expect(user.id).toBe("u1");
    expect(server.log).toHaveLength(2);
    const gap = server.log[1]!.at - server.log[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(events.map((e) => [e.status, e.retryInMs])).toEqual([
      [429, 1_000],
      [200, undefined],
    ]);
    expect(server.log[1]?.headers["retry-attempt"]).toBe("1");
    // One logical call: the same client-request-id on both attempts.
    expect(server.log[1]?.headers["client-request-id"]).toBe(server.log[0]?.headers["client-request-id"]);
  });

  it("retries 503 and 504 with backoff", async () => {
    const statuses = [503, 504, 200];
    server.handle = (_req, res) => {
      const status = statuses.shift()!;
      json(res, status, status === 200 ? { ok: true } : graphError("serviceNotAvailable", "busy"));
    };
    expect(await client().get("/users/x")).toEqual({ ok: true });
    expect(server.log).toHaveLength(3);
  });

  it("retries Directory_ConcurrencyViolation, even on a PATCH, and hands the caller the final answer", async () => {
    const answers: [number, unknown][] = [
      [400, graphError("Directory_ConcurrencyViolation", "Please wait briefly and retry.")],
      [204, undefined],
    ];
    server.handle = (_req, res) => {
      const [status, body] = answers.shift()!;
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      json(res, status, body);
    };
    expect(await client().patch("/users/u1", { jobTitle: "x" })).toBeUndefined();
    expect(server.log.map((r) => r.method)).toEqual(["PATCH", "PATCH"]);
  });

  it("does not retry a 400 and reports Graph's code and request id", async () => {
    server.handle = (_req, res) =>
      json(
        res,
        400,
        graphError("Request_BadRequest", "Invalid value specified for property 'jobTitle'.", "rid-400"),
      );
    const error = await client()
      .patch("/users/u1", { jobTitle: "x".repeat(200) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    const e = error as GraphRequestError;
    expect([e.status, e.code, e.requestId, e.method, e.path, e.attempts]).toEqual([
      400,
      "Request_BadRequest",
      "rid-400",
      "PATCH",
      "/users/u1",
      1,
    ]);
    expect(e.date).toBe("2025-02-13T10:17:06");
    expect(e.describe()).toBe(
      `PATCH /users/u1: 400 Request_BadRequest: Invalid value specified for property 'jobTitle'. (request-id rid-400, client-request-id ${e.clientRequestId}, date 2025-02-13T10:17:06)`,
    );
    expect(server.log).toHaveLength(1);
  });

  it("gives up with a typed error when the next wait would pass the total-wait ceiling", async () => {
    server.handle = (_req, res) =>
      json(res, 429, graphError("TooManyRequests", "Please retry again later."), { "retry-after": "1" });
    const waits: number[] = [];
    const error = (await client({
      retry: { maxTotalWaitMs: 1_500, maxAttempts: 10 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    })
      .get("/users")
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect([error.status, error.code, error.gaveUp, error.attempts, error.waitedMs]).toEqual([
      429,
      "TooManyRequests",
      "waitCeiling",
      2,
      1_000,
    ]);
    expect(error.describe()).toMatch(/gave up after 2 attempts and 1 s of waiting \(total wait ceiling\)/);
    expect(server.log).toHaveLength(2);
    // It gave up instead of sleeping: one wait of Retry-After, no second.
    expect(waits).toEqual([1_000]);
  });

  describe("the default policy the README promises: 6 attempts, at most 2 minutes of waiting", () => {
    // No retry options: the client's own defaults. Waits are recorded, never slept.
    const defaultClient = (waits: number[]) =>
      client({
        retry: undefined,
        sleep: async (ms) => {
          waits.push(ms);
        },
      });

    it("sends a request 6 times at most when the server names no Retry-After", async () => {
      server.handle = (_req, res) => json(res, 503, graphError("serviceNotAvailable", "Try later."));
      const waits: number[] = [];
      const error = (await defaultClient(waits)
        .get("/users")
        .catch((e: unknown) => e)) as GraphRequestError;
      expect([error.status, error.gaveUp, error.attempts]).toEqual([503, "maxAttempts", 6]);
      expect(server.log).toHaveLength(6);
      expect(waits).toHaveLength(5);
    });

    it("waits out Retry-After up to 2 minutes in all, and gives up before the wait that would pass it", async () => {
      // A server pacing with Retry-After is followed past 6 attempts; 40 s + 40 s + 40 s is 2 minutes,
      // a fourth 40 s would be 2 min 40 s.
      server.handle = (_req, res) =>
        json(res, 429, graphError("TooManyRequests", "Please retry again later."), { "retry-after": "40" });
      const waits: number[] = [];
      const error = (await defaultClient(waits)
        .get("/users")
        .catch((e: unknown) => e)) as GraphRequestError;
      expect(waits).toEqual([40_000, 40_000, 40_000]);
      expect([error.gaveUp, error.attempts, error.waitedMs]).toEqual(["waitCeiling", 4, 120_000]);
      expect(server.log).toHaveLength(4);

      server.reset();
      server.handle = (_req, res) =>
        json(res, 429, graphError("TooManyRequests", "Please retry again later."), { "retry-after": "7" });
      const paced: number[] = [];
      const again = (await defaultClient(paced)
        .get("/users")
        .catch((e: unknown) => e)) as GraphRequestError;
      // 17 waits of 7 s are 119 s; an 18th would pass 120 s.
      expect(paced).toHaveLength(17);
      expect([again.gaveUp, again.attempts, again.waitedMs]).toEqual(["waitCeiling", 18, 119_000]);
    });
  });

  it("retries a dropped connection for GET, never for POST, and for PATCH only when vouched idempotent", async () => {
    let drops = 1;
    server.handle = (_req, res, raw) => (drops-- > 0 ? drop(raw) : json(res, 200, { ok: true }));
    expect(await client().get("/users/u1")).toEqual({ ok: true });
    expect(server.log).toHaveLength(2);

    server.reset();
    drops = 1;
    const error = (await client()
      .post("/users/u1/authentication/phoneMethods", { phoneNumber: "+1 425 555 0100", phoneType: "mobile" })
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.status).toBe(0);
    expect(error.isNetworkError).toBe(true);
    expect(error.code).toBe("ECONNRESET");
    expect(server.log).toHaveLength(1);

    server.reset();
    drops = 1;
    await client().patch("/users/u1", { jobTitle: "A" }, { idempotent: true });
    expect(server.log).toHaveLength(2);
  });

  it("times out a request that gets no answer and retries it when idempotent", async () => {
    // The first request is never answered (held until the test ends); the others are answered at once.
    const held: { end(): void }[] = [];
    server.handle = async (_req, res) => {
      if (server.log.length === 1) held.push(res);
      else json(res, 200, { ok: true });
    };
    try {
      const got = await client({ requestTimeoutMs: 1_000, sleep: async () => {} }).get("/users/u1");
      expect(got).toEqual({ ok: true });
      expect(server.log.length).toBeGreaterThanOrEqual(2);
    } finally {
      for (const res of held) res.end();
    }
  });
});

describe("batch", () => {
  it("splits 45 requests into 20 + 20 + 5 and returns results in the caller's order", async () => {
    server.handle = (req, res) => {
      const { requests } = JSON.parse(req.body.toString()) as { requests: { id: string; url: string }[] };
      // Answer in reverse order: the client must match by id.
      json(res, 200, {
        responses: [...requests].reverse().map((r) => ({ id: r.id, status: 200, body: { url: r.url } })),
      });
    };
    const paths = Array.from({ length: 45 }, (_, i) => `/users/u${i}/authentication/phoneMethods`);
    const results = await client().batchGet(paths);
    const sizes = server.log.map(
      (r) => (JSON.parse(r.body.toString()) as { requests: unknown[] }).requests.length,
    );
    expect(server.log.every((r) => r.method === "POST" && r.url === "/v1.0/$batch")).toBe(true);
    expect(sizes.sort((a, b) => b - a)).toEqual([20, 20, 5]);
    expect(results.map((r) => (r.body as { url: string }).url)).toEqual(paths);
    expect(results.every((r) => r.ok && r.status === 200 && r.attempts === 1)).toBe(true);
  });

  it("retries only the throttled inner item, after its Retry-After", async () => {
    let throttled = false;
    server.handle = (req, res) => {
      const { requests } = JSON.parse(req.body.toString()) as { requests: { id: string; url: string }[] };
      json(res, 200, {
        responses: requests.map((r) => {
          if (r.url === "/users/b" && !throttled) {
            throttled = true;
            return {
              id: r.id,
              status: 429,
              headers: { "Retry-After": "1" },
              body: graphError("TooManyRequests", "x"),
            };
          }
          return { id: r.id, status: 200, body: { url: r.url } };
        }),
      });
    };
    const results = await client().batch([
      { method: "GET", url: "/users/a" },
      { method: "GET", url: "/users/b" },
      { method: "PATCH", url: "/users/c", body: { jobTitle: "x" } },
    ]);
    expect(results.map((r) => [r.status, r.attempts])).toEqual([
      [200, 1],
      [200, 2],
      [200, 1],
    ]);
    expect(server.log).toHaveLength(2);
    const second = JSON.parse(server.log[1]!.body.toString()) as { requests: { url: string }[] };
    expect(second.requests.map((r) => r.url)).toEqual(["/users/b"]);
    expect(server.log[1]!.at - server.log[0]!.at).toBeGreaterThanOrEqual(1_000);
    const first = JSON.parse(server.log[0]!.body.toString()) as { requests: Record<string, unknown>[] };
    expect(first.requests[2]).toEqual({
      id: "2",
      method: "PATCH",
      url: "/users/c",
      headers: { "Content-Type": "application/json" },
      body: { jobTitle: "x" },
    });
  });

  it("decodes base64 binary bodies, sends Buffers base64, and types failed items", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    server.handle = (req, res) => {
      const { requests } = JSON.parse(req.body.toString()) as { requests: { id: string; body?: string }[] };
      json(res, 200, {
        responses: [
          { id: "0", status: 200, headers: { "Content-Type": "image/jpeg" }, body: jpeg.toString("base64") },
          { id: "1", status: 404, headers: {}, body: graphError("ImageNotFound", "no photo", "rid-404") },
          { id: "2", status: 200, body: { echoed: requests[2]?.body } },
        ],
      });
    };
    const [photo, missing, upload] = await client().batch([
      { method: "GET", url: "/users/a/photo/$value" },
      { method: "GET", url: "/users/b/photo/$value" },
      { method: "PUT", url: "/users/c/photo/$value", body: jpeg, headers: { "Content-Type": "image/jpeg" } },
    ]);
    expect(Buffer.isBuffer(photo?.body)).toBe(true);
    expect((photo!.body as Buffer).equals(jpeg)).toBe(true);
    expect(photo?.headers["content-type"]).toBe("image/jpeg");
    expect([missing?.ok, missing?.status, missing?.errorCode, missing?.error?.requestId]).toEqual([
      false,
      404,
      "ImageNotFound",
      "rid-404",
    ]);
    expect(upload?.body).toEqual({ echoed: jpeg.toString("base64") });
  });

  it("reports an outer $batch failure on every item of that call", async () => {
    server.handle = (_req, res) => json(res, 400, graphError("BadRequest", "Invalid batch payload"));
    const results = await client().batchGet(["/users/a", "/users/b"]);
    expect(results.map((r) => [r.status, r.errorCode])).toEqual([
      [400, "BadRequest"],
      [400, "BadRequest"],
    ]);
  });
});

describe("transport", () => {
  it("sends nothing more once closed: a request still waiting for a slot fails without reaching Graph", async () => {
    let arrived: () => void = () => {};
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    // The first request is held unanswered; the second waits for the only slot.
    server.handle = () => arrived();
    const graph = client({ maxInFlight: 1 });
    const holding = graph.get("/users/a").catch((e: unknown) => e);
    const waiting = graph.get("/users/b").catch((e: unknown) => e);
    await first;
    graph.close();
    const [, error] = await Promise.all([holding, waiting]);
    expect(String(error)).toMatch(/closed/);
    expect(server.log.map((r) => r.url)).toEqual(["/v1.0/users/a"]);
  });

  it("sends the bearer token to the https custom host and never puts it in errors or events", async () => {
    server.handle = (_req, res) =>
      json(res, 401, graphError("InvalidAuthenticationToken", "Access token validation failure."));
    const events: GraphRequestEvent[] = [];
    const error = (await client({}, events)
      .get("/users")
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(server.log[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(error.status).toBe(401);
    for (const text of [
      error.message,
      error.describe(),
      String(error.stack),
      JSON.stringify(error),
      JSON.stringify(events),
    ]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it("surfaces the credential's own error when no token can be had, without sending anything", async () => {
    class NotLoggedIn extends Error {
      override name = "CredentialUnavailableError";
    }
    const credential = {
      getToken: async () => {
        throw new NotLoggedIn("Please run 'az login' to set up an account");
      },
    };
    const error = await client({ token: undefined, credential })
      .get("/users")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).cause).toBeInstanceOf(NotLoggedIn);
    expect((error as SignInError).credentialErrorName).toBe("CredentialUnavailableError");
    expect((error as Error).message).toMatch(/az login/);
    expect((error as SignInError).hint).toMatch(/ROSTER_ACCESS_TOKEN/);
    expect(server.log).toHaveLength(0);
  });

  it("refuses an untrusted certificate without caCertPem, with a hint", async () => {
    server.handle = (_req, res) => json(res, 200, {});
    const error = (await client({ caCertPem: undefined })
      .get("/users")
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.status).toBe(0);
    expect(error.attempts).toBe(1);
    expect(error.hint).toMatch(/--ca-cert/);
    expect(server.log).toHaveLength(0);
  });

  it("keeps at most maxInFlight requests on the wire", async () => {
    server.handle = async (_req, res) => {
      await sleep(60);
      json(res, 200, { ok: true });
    };
    const graph = client({ maxInFlight: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => graph.get(`/users/u${i}`)));
    expect(server.log).toHaveLength(12);
    expect(server.maxConcurrent).toBe(3);
  });

  it("reuses kept-alive connections: 30 requests one after another, then 30 at once, over 3 TLS connections", async () => {
    server.handle = async (_req, res) => {
      await sleep(5);
      json(res, 200, { ok: true });
    };
    const graph = client({ maxInFlight: 3 });
    for (let i = 0; i < 30; i++) await graph.get(`/users/u${i}`);
    expect(server.connections).toBe(1);
    await Promise.all(Array.from({ length: 30 }, (_, i) => graph.get(`/users/v${i}`)));
    expect(server.log).toHaveLength(60);
    expect(server.connections).toBe(3);
  });

  it("bounds concurrent $batch calls too", async () => {
    server.handle = async (req, res) => {
      await sleep(60);
      const { requests } = JSON.parse(req.body.toString()) as { requests: { id: string }[] };
      json(res, 200, { responses: requests.map((r) => ({ id: r.id, status: 204 })) });
    };
    const results = await client({ maxInFlight: 2 }).batchGet(
      Array.from({ length: 100 }, (_, i) => `/users/${i}`),
    );
    expect(results).toHaveLength(100);
    expect(server.log).toHaveLength(5);
    expect(server.maxConcurrent).toBe(2);
  });

  it("reads and uploads binary photos", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 9, 8, 7, 0xff, 0xd9]);
    server.handle = (req, res) => {
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "image/jpeg" });
        res.end(jpeg);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    };
    const graph = client();
    expect((await graph.getBinary("/users/u1/photo/$value")).equals(jpeg)).toBe(true);
    await graph.put("/users/u1/photo/$value", jpeg, { contentType: "image/jpeg" });
    const upload = server.log[1]!;
    expect([upload.method, upload.url, upload.headers["content-type"]]).toEqual([
      "PUT",
      "/v1.0/users/u1/photo/$value",
      "image/jpeg",
    ]);
    expect(upload.body.equals(jpeg)).toBe(true);
  });

  it("returns undefined for 204 and rejects non-https remote URLs", async () => {
    server.handle = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    expect(await client().patch("/users/u1", { jobTitle: "A" })).toBeUndefined();
    expect(() => createGraphClient({ graphUrl: "http://graph.example.com", token: "t" })).toThrow(
      /must be https/,
    );
  });
});
