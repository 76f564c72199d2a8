// A throttling mode modelled on Graph's published identity-service limits (graph-contract §7.2):
// per app+tenant (each app of the state counts on its own), a resource-unit budget per 10 s (3,500 / 5,000 / 8,000 by tenant size) and a
// write budget of 3,000 per 150 s, in sliding windows. Each directory request is charged its RU
// cost (`x-ms-resource-unit`); once a budget is spent the request gets 429 with `Retry-After`
// set to when enough budget frees up. Off by default; limits and windows can be lowered for tests.
import { OUTLOOK_DEFAULTS, type OutlookLimits } from "./outlook.js";
import { GraphHttpError } from "./types.js";

/** The identity budgets below, and Outlook's photo limits (outlook.ts), switched on together. */
export interface ThrottleConfig extends OutlookLimits {
  enabled: boolean;
  ruLimit: number;
  ruWindowMs: number;
  writeLimit: number;
  writeWindowMs: number;
}

const NUMBER_KEYS = [
  "ruLimit",
  "ruWindowMs",
  "writeLimit",
  "writeWindowMs",
  ...(Object.keys(OUTLOOK_DEFAULTS) as (keyof OutlookLimits)[]),
] as const;

/** Requests the throttle charges: the identity service's paths, not photos or auth methods. */
export interface Charge {
  ru: number;
  write: boolean;
}

export function defaultThrottleConfig(userCount: number): ThrottleConfig {
  const ruLimit = userCount < 50 ? 3500 : userCount <= 500 ? 5000 : 8000;
  return {
    enabled: false,
    ruLimit,
    ruWindowMs: 10_000,
    writeLimit: 3000,
    writeWindowMs: 150_000,
    ...OUTLOOK_DEFAULTS,
  };
}

/** RU cost of one request (§7.2): collection GET 2, other GET 1, writes 1 + a write; modifiers. */
export function chargeFor(
  method: string,
  segments: readonly string[],
  query: URLSearchParams,
): Charge | undefined {
  const [first, , third] = segments;
  if (first !== "users" && first !== "directoryRoles") return undefined;
  if (third === "photo" || third === "photos" || third === "authentication") return undefined;
  if (method !== "GET") return { ru: 1, write: true };
  const collection =
    segments.length === 1 || (segments.length === 2 && segments[1] === "delta") || segments[2] === "members";
  let ru = collection ? 2 : 1;
  if (query.has("$select")) ru -= 1;
  if (query.has("$expand")) ru += 1;
  const top = Number(query.get("$top"));
  if (query.has("$top") && top < 20) ru -= 1;
  return { ru: Math.max(1, ru), write: false };
}

interface Budget {
  ruLog: { at: number; cost: number }[];
  writeLog: number[];
}

export class Throttle {
  /** Spent budgets by app id. */
  private budgets = new Map<string, Budget>();

  constructor(
    public config: ThrottleConfig,
    private readonly tenantId: () => string,
  ) {}

  configure(input: unknown): ThrottleConfig {
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw new Error("the throttling settings must be a JSON object");
    const next = { ...this.config };
    for (const [key, value] of Object.entries(input)) {
      if (key === "enabled") {
        if (typeof value !== "boolean") throw new Error("enabled must be true or false");
        next.enabled = value;
      } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
          throw new Error(`${key} must be a positive integer`);
        next[key as (typeof NUMBER_KEYS)[number]] = value;
      } else {
        throw new Error(`unknown field '${key}' (expected enabled, ${NUMBER_KEYS.join(", ")})`);
      }
    }
    this.config = next;
    this.budgets.clear();
    return next;
  }

  /** Charges `appId`'s request, returning the headers to add; throws 429 when a budget is spent. */
  charge(charge: Charge, appId: string, now = Date.now()): Record<string, string> {
    const headers: Record<string, string> = { "x-ms-resource-unit": String(charge.ru) };
    if (!this.config.enabled) return headers;
    const { ruLimit, ruWindowMs, writeLimit, writeWindowMs } = this.config;
    const budget = this.budgets.get(appId) ?? { ruLog: [], writeLog: [] };
    this.budgets.set(appId, budget);
    budget.ruLog = budget.ruLog.filter((e) => now - e.at < ruWindowMs);
    budget.writeLog = budget.writeLog.filter((at) => now - at < writeWindowMs);
    const ruUsed = budget.ruLog.reduce((sum, e) => sum + e.cost, 0);
    if (ruUsed + charge.ru > ruLimit) {
      const wait = this.ruRetryAfter(budget, charge.ru, now);
      throw this.throttled(wait, "ReadWrite", "ResourceUnitLimitExceeded", appId);
    }
    if (charge.write && budget.writeLog.length + 1 > writeLimit) {
      const oldest = budget.writeLog[0] ?? now;
      throw this.throttled(oldest + writeWindowMs - now, "Write", "WriteLimitExceeded", appId);
    }
    budget.ruLog.push({ at: now, cost: charge.ru });
    if (charge.write) budget.writeLog.push(now);
    const usage = Math.max(
      (ruUsed + charge.ru) / ruLimit,
      charge.write ? budget.writeLog.length / writeLimit : 0,
    );
    if (usage > 0.8) headers["x-ms-throttle-limit-percentage"] = usage.toFixed(1);
    return headers;
  }

  /** Time until the oldest charges leave the window and `cost` fits again. */
  private ruRetryAfter(budget: Budget, cost: number, now: number): number {
    let used = budget.ruLog.reduce((sum, e) => sum + e.cost, 0);
    for (const entry of budget.ruLog) {
      used -= entry.cost;
      if (used + cost <= this.config.ruLimit) return entry.at + this.config.ruWindowMs - now;
    }
    return this.config.ruWindowMs;
  }

  private throttled(waitMs: number, limit: string, information: string, appId: string): GraphHttpError {
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return new GraphHttpError(429, "TooManyRequests", "Please retry again later.", {
      "Retry-After": String(retryAfter),
      "x-ms-throttle-scope": `Tenant_Application/${limit}/${appId}/${this.tenantId()}`,
      "x-ms-throttle-information": information,
    });
  }
}
