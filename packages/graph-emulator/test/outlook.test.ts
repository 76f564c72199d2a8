import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/index.js";
import { OUTLOOK_DEFAULTS, OutlookThrottle } from "../src/outlook.js";
import type { GraphHttpError } from "../src/types.js";
import { expectGraphError, raw, start } from "./helpers.js";

const PNG_1PX = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const photo = `data:image/png;base64,${PNG_1PX.toString("base64")}`;

let em: RunningEmulator;
beforeEach(async () => {
  em = await start({
    apps: [
      { token: "app-a", permissions: ["ProfilePhoto.ReadWrite.All"] },
      { token: "app-b", permissions: ["ProfilePhoto.ReadWrite.All"] },
    ],
    users: [
      { userPrincipalName: "adele@contoso.com", photo },
      { userPrincipalName: "alex@contoso.com", photo },
    ],
  });
});
afterEach(async () => {
  await em.close();
});

const throttling = (settings: Record<string, unknown>) =>
  raw(em, "PUT", "/_emulator/throttling", { body: { enabled: true, ...settings } });
/** Every photo request takes `ms` (an injected latency), so requests overlap. */
const slowPhotos = (ms: number) =>
  raw(em, "POST", "/_emulator/faults", { body: { path: "/photo", latencyMs: ms } });
const getPhoto = (upn: string, token = "app-a") => raw(em, "GET", `/v1.0/users/${upn}/photo`, { token });
const statuses = (responses: { status: number }[]) => responses.map((r) => r.status).sort();

describe("Outlook's limits on photos, per app and mailbox", () => {
  it("answers a fifth concurrent request to one mailbox with 429 ApplicationThrottled and Retry-After", async () => {
    await throttling({});
    await slowPhotos(400);
    const five = await Promise.all(Array.from({ length: 5 }, () => getPhoto("adele@contoso.com")));
    expect(statuses(five)).toEqual([200, 200, 200, 200, 429]);
    const refused = five.find((r) => r.status === 429)!;
    expectGraphError(
      refused,
      429,
      "ApplicationThrottled",
      "Application is over its MailboxConcurrency limit.",
    );
    expect(refused.headers.get("retry-after")).toBe("1");
  });

  it("counts each mailbox and each app on its own", async () => {
    await throttling({});
    await slowPhotos(400);
    const eight = await Promise.all([
      ...Array.from({ length: 4 }, () => getPhoto("adele@contoso.com")),
      ...Array.from({ length: 4 }, () => getPhoto("alex@contoso.com")),
      getPhoto("adele@contoso.com", "app-b"),
    ]);
    expect(statuses(eight)).toEqual(Array(9).fill(200));
  });

  it("is off unless throttling is enabled", async () => {
    await slowPhotos(400);
    const five = await Promise.all(Array.from({ length: 5 }, () => getPhoto("adele@contoso.com")));
    expect(statuses(five)).toEqual(Array(5).fill(200));
  });

  it("allows 10,000 requests per mailbox in 10 minutes (lowered here to 3 per minute)", async () => {
    await throttling({ outlookRequestLimit: 3, outlookRequestWindowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await getPhoto("adele@contoso.com")).status).toBe(200);
    const fourth = await getPhoto("adele@contoso.com");
    expectGraphError(fourth, 429, "ApplicationThrottled");
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(50);
    expect((await getPhoto("alex@contoso.com")).status).toBe(200);
  });

  it("allows 150 MB of uploads per mailbox in 5 minutes (lowered here to 100 bytes)", async () => {
    await throttling({ outlookUploadBytes: 100 });
    const upload = () =>
      raw(em, "PUT", "/v1.0/users/adele@contoso.com/photo/$value", {
        token: "app-a",
        body: PNG_1PX,
        headers: { "Content-Type": "image/png" },
      });
    expect(PNG_1PX.length).toBe(70);
    expect((await upload()).status).toBe(200);
    expectGraphError(
      await upload(),
      429,
      "ApplicationThrottled",
      "Application is over its MailboxUpload limit.",
    );
  });

  it("runs at most 4 of a batch's photo requests at once, so a batch of 8 for one mailbox is not throttled", async () => {
    await throttling({});
    await slowPhotos(400);
    const res = await raw(em, "POST", "/v1.0/$batch", {
      token: "app-a",
      body: {
        requests: Array.from({ length: 8 }, (_, i) => ({
          id: String(i),
          method: "GET",
          url: "/users/adele@contoso.com/photo",
        })),
      },
    });
    expect(res.status).toBe(200);
    expect(statuses(res.json.responses)).toEqual(Array(8).fill(200));
    // The same eight as direct requests at once: four get through, four are throttled.
    const direct = await Promise.all(Array.from({ length: 8 }, () => getPhoto("adele@contoso.com")));
    expect(statuses(direct)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
  });
});

describe("OutlookThrottle (the counting, with a fixed clock)", () => {
  const limiter = (overrides: Partial<typeof OUTLOOK_DEFAULTS> = {}, enabled = true) =>
    new OutlookThrottle(() => ({ enabled, ...OUTLOOK_DEFAULTS, ...overrides }));
  const refusal = (enter: () => unknown): GraphHttpError => {
    try {
      enter();
    } catch (err) {
      return err as GraphHttpError;
    }
    throw new Error("not refused");
  };

  it("admits 4 at once per app and mailbox, and another once one ends", () => {
    const outlook = limiter();
    const ends = Array.from({ length: 4 }, () => outlook.enter("app", "adele", 0, 0));
    expect(refusal(() => outlook.enter("app", "adele", 0, 0)).status).toBe(429);
    outlook.enter("app", "alex", 0, 0);
    outlook.enter("other-app", "adele", 0, 0);
    ends[0]!();
    ends[0]!(); // ending twice frees one slot only
    outlook.enter("app", "ADELE", 0, 0);
    expect(refusal(() => outlook.enter("app", "adele", 0, 0)).message).toBe(
      "Application is over its MailboxConcurrency limit.",
    );
  });

  it("counts requests and uploaded bytes in sliding windows, with Retry-After until room frees", () => {
    const outlook = limiter({
      outlookRequestLimit: 2,
      outlookRequestWindowMs: 10_000,
      outlookUploadBytes: 100,
    });
    outlook.enter("app", "adele", 0, 0)();
    outlook.enter("app", "adele", 60, 4_000)();
    const full = refusal(() => outlook.enter("app", "adele", 0, 6_000));
    expect([full.code, full.headers["Retry-After"]]).toEqual(["ApplicationThrottled", "4"]);
    outlook.enter("app", "adele", 0, 10_000)();
    expect(refusal(() => outlook.enter("app", "alex", 101, 0)).message).toBe(
      "Application is over its MailboxUpload limit.",
    );
  });

  it("admits everything while throttling is off", () => {
    const outlook = limiter({}, false);
    for (let i = 0; i < 10; i++) expect(() => outlook.enter("app", "adele", 1e9, 0)).not.toThrow();
  });
});
