import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.js";
import { expectGraphError, graphClient, makeUsers, raw, start } from "./helpers.js";

let em: RunningEmulator;

beforeAll(async () => {
  em = await start({ users: makeUsers(10) });
});
afterAll(async () => {
  await em.close();
});
beforeEach(async () => {
  await raw(em, "DELETE", "/_emulator/faults");
  await raw(em, "DELETE", "/_emulator/requests");
  await raw(em, "PUT", "/_emulator/throttling", {
    body: { enabled: false, ruLimit: 3500, ruWindowMs: 10_000, writeLimit: 3000, writeWindowMs: 150_000 },
  });
  await raw(em, "PUT", "/_emulator/consistency", { body: { staleReadMs: 0 } });
});

/** How many of mulberry32(42)'s first 200 draws fall below 0.5: fixed, so no statistical window. */
const FAILED_OF_200_WITH_SEED_42 = 104;

const fault = async (body: unknown) => {
  const res = await raw(em, "POST", "/_emulator/faults", { body });
  expect(res.status, res.text).toBe(201);
  expect(res.json).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  return res.json.id as string;
};

describe("fault injection", () => {
  it("fails matching requests with the status and Retry-After, for `count` times", async () => {
    await fault({ method: "GET", path: "^/users$", status: 429, retryAfter: 3, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await raw(em, "GET", "/v1.0/users");
      expectGraphError(res, 429, "TooManyRequests", "Please retry again later.");
      expect(res.headers.get("retry-after")).toBe("3");
    }
    expect((await raw(em, "GET", "/v1.0/users")).status).toBe(200);
    expect((await raw(em, "GET", "/v1.0/users/user0001@contoso.com")).status).toBe(200);
    const statuses = (await raw(em, "GET", "/_emulator/requests")).json.requests.map(
      (r: { status: number }) => r.status,
    );
    expect(statuses).toEqual([429, 429, 200, 200]);
  });

  it("matches by method and maps 5xx statuses to Graph codes", async () => {
    await fault({ method: "PATCH", path: "^/users/", status: 503 });
    expect((await raw(em, "GET", "/v1.0/users/user0001@contoso.com")).status).toBe(200);
    expectGraphError(
      await raw(em, "PATCH", "/v1.0/users/user0001@contoso.com", { body: { jobTitle: "x" } }),
      503,
      "serviceNotAvailable",
    );
    await raw(em, "DELETE", "/_emulator/faults");
    expect(
      (await raw(em, "PATCH", "/v1.0/users/user0001@contoso.com", { body: { jobTitle: "x" } })).status,
    ).toBe(204);
  });

  it("is retried by the SDK's RetryHandler, honouring Retry-After", async () => {
    await fault({ method: "GET", path: "^/users/user0002", status: 503, retryAfter: 0, count: 2 });
    const user = await graphClient(em, 3).api("/users/user0002@contoso.com").get();
    expect(user.userPrincipalName).toBe("user0002@contoso.com");
    const statuses = (await raw(em, "GET", "/_emulator/requests")).json.requests.map(
      (r: { status: number }) => r.status,
    );
    expect(statuses).toEqual([503, 503, 200]);
  });

  it("adds latency", async () => {
    await fault({ path: "^/users/user0003", latencyMs: 300 });
    const started = Date.now();
    expect((await raw(em, "GET", "/v1.0/users/user0003@contoso.com")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("drops the connection", async () => {
    await fault({ path: "^/users/user0004", drop: true, count: 1 });
    await expect(raw(em, "GET", "/v1.0/users/user0004@contoso.com")).rejects.toThrow();
    expect((await raw(em, "GET", "/v1.0/users/user0004@contoso.com")).status).toBe(200);
    const log = (await raw(em, "GET", "/_emulator/requests")).json.requests;
    expect(log.map((r: { status: number }) => r.status)).toEqual([0, 200]);
  });

  it("fires with the given probability, choosing from its seed", async () => {
    // Concurrent requests arrive in any order, but each draws one number: the count is the seed's.
    expect((await raw(em, "PUT", "/_emulator/seed", { body: { seed: 42 } })).json).toEqual({ seed: 42 });
    await fault({ path: "^/users$", status: 500, probability: 0.5 });
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async () => (await raw(em, "GET", "/v1.0/users?$top=1")).status),
    );
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBe(FAILED_OF_200_WITH_SEED_42);
  });

  it("replays the same choices from the same seed, and reports the seed it uses", async () => {
    await fault({ path: "^/users$", status: 503, probability: 0.3 });
    const run = async (seed: number) => {
      await raw(em, "PUT", "/_emulator/seed", { body: { seed } });
      expect((await raw(em, "GET", "/_emulator/seed")).json).toEqual({ seed });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await raw(em, "GET", "/v1.0/users?$top=1")).status);
      return statuses;
    };
    const first = await run(7);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
    for (const body of [{ seed: -1 }, { seed: 1.5 }, { seed: 2 ** 32 }, { seed: "1" }, { seed: 1, x: 2 }]) {
      expect((await raw(em, "PUT", "/_emulator/seed", { body })).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("lists faults and validates new ones", async () => {
    const id = await fault({ method: "*", path: "x", status: 504, count: 3 });
    expect((await raw(em, "GET", "/_emulator/faults")).json.faults).toEqual([
      { id, method: "*", path: "x", status: 504, count: 3, probability: 1, drop: false, remaining: 3 },
    ]);
    for (const body of [
      { path: "(" },
      { path: "x" },
      { status: 200 },
      { status: 429, probability: 2 },
      { status: 429, colour: "red" },
      [1],
    ]) {
      const res = await raw(em, "POST", "/_emulator/faults", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("InvalidFault");
    }
    expect((await raw(em, "DELETE", "/_emulator/faults")).status).toBe(204);
    expect((await raw(em, "GET", "/_emulator/faults")).json.faults).toEqual([]);
  });
});

describe("throttling mode", () => {
  it("charges resource units per Graph's identity costs and answers 429 once the budget is spent", async () => {
    await raw(em, "PUT", "/_emulator/throttling", { body: { enabled: true, ruLimit: 5, ruWindowMs: 1500 } });
    const list = await raw(em, "GET", "/v1.0/users");
    expect(list.headers.get("x-ms-resource-unit")).toBe("2");
    const selected = await raw(em, "GET", "/v1.0/users?$select=id");
    expect(selected.headers.get("x-ms-resource-unit")).toBe("1");
    const third = await raw(em, "GET", "/v1.0/users");
    expect(third.headers.get("x-ms-resource-unit")).toBe("2");
    expect(third.headers.get("x-ms-throttle-limit-percentage")).toBe("1.0");
    const throttled = await raw(em, "GET", "/v1.0/users/user0001@contoso.com");
    expectGraphError(throttled, 429, "TooManyRequests");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(throttled.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect(throttled.headers.get("x-ms-throttle-information")).toBe("ResourceUnitLimitExceeded");
    expect(throttled.headers.get("x-ms-throttle-scope")).toMatch(
      /^Tenant_Application\/ReadWrite\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/,
    );
    await new Promise((resolve) => setTimeout(resolve, Number(throttled.headers.get("retry-after")) * 1000));
    expect((await raw(em, "GET", "/v1.0/users/user0001@contoso.com")).status).toBe(200);
  });

  it("limits writes separately, also inside $batch", async () => {
    await raw(em, "PUT", "/_emulator/throttling", {
      body: { enabled: true, writeLimit: 2, writeWindowMs: 60_000 },
    });
    const json = { "Content-Type": "application/json" };
    const res = await raw(em, "POST", "/v1.0/$batch", {
      body: {
        requests: [1, 2, 3].map((i) => ({
          id: String(i),
          method: "PATCH",
          url: `/users/user000${i}@contoso.com`,
          headers: json,
          body: { jobTitle: "t" },
        })),
      },
    });
    const statuses = res.json.responses.map((r: { status: number }) => r.status).sort();
    expect(statuses).toEqual([204, 204, 429]);
    const throttled = res.json.responses.find((r: { status: number }) => r.status === 429);
    expect(throttled.headers["x-ms-throttle-information"]).toBe("WriteLimitExceeded");
    expect(Number(throttled.headers["Retry-After"])).toBeGreaterThan(50);
    expect((await raw(em, "GET", "/_emulator/throttling")).json).toMatchObject({
      enabled: true,
      writeLimit: 2,
      ruLimit: 3500,
    });
  });

  it("is off by default and refuses bad settings", async () => {
    const res = await raw(em, "PUT", "/_emulator/throttling", { body: { ruLimit: -1 } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("InvalidThrottling");
  });
});

describe("eventual consistency", () => {
  // A manual clock, so the window neither passes early on a loaded machine nor is waited out.
  let now = 1_000_000;
  let clocked: RunningEmulator;
  beforeAll(async () => {
    clocked = await startEmulator({ state: { users: makeUsers(10) }, clock: () => now });
  });
  afterAll(async () => {
    await clocked.close();
  });

  it("serves the old values of a changed user for staleReadMs, then the new ones", async () => {
    expect(
      (await raw(clocked, "PUT", "/_emulator/consistency", { body: { staleReadMs: 400 } })).json,
    ).toEqual({
      staleReadMs: 400,
    });
    await raw(clocked, "PATCH", "/v1.0/users/user0005@contoso.com", { body: { jobTitle: "Fresh" } });
    const jobTitle = async () =>
      (await raw(clocked, "GET", "/v1.0/users/user0005@contoso.com?$select=jobTitle")).json.jobTitle;
    expect(await jobTitle()).toBeNull();
    const listed = await raw(
      clocked,
      "GET",
      `/v1.0/users?$select=jobTitle&$filter=${encodeURIComponent("userPrincipalName eq 'user0005@contoso.com'")}`,
    );
    expect(listed.json.value).toEqual([{ jobTitle: null }]);
    now += 399;
    expect(await jobTitle()).toBeNull();
    now += 1;
    expect(await jobTitle()).toBe("Fresh");
  });

  it("answers 404 for a just-created user", async () => {
    await raw(clocked, "PUT", "/_emulator/consistency", { body: { staleReadMs: 300 } });
    const created = await raw(clocked, "POST", "/v1.0/users", {
      body: {
        accountEnabled: true,
        displayName: "Late",
        mailNickname: "late",
        userPrincipalName: "late@contoso.com",
        passwordProfile: { password: "p@ssW0rd!x" },
      },
    });
    expect(created.status).toBe(201);
    expectGraphError(
      await raw(clocked, "GET", `/v1.0/users/${created.json.id}`),
      404,
      "Request_ResourceNotFound",
    );
    now += 300;
    expect((await raw(clocked, "GET", `/v1.0/users/${created.json.id}`)).status).toBe(200);
  });
});

describe("latency setting", () => {
  it("delays every Graph request", async () => {
    await raw(em, "PUT", "/_emulator/latency", { body: { latencyMs: 200 } });
    const started = Date.now();
    await raw(em, "GET", "/v1.0/users?$top=1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await raw(em, "PUT", "/_emulator/latency", { body: { latencyMs: 0 } });
    expect((await raw(em, "PUT", "/_emulator/latency", { body: { latencyMs: "fast" } })).status).toBe(400);
  });
});
