// Fault injection (`POST /_emulator/faults`): by method and a regular expression on the path after
// /v1.0, fail a request with a status (and `Retry-After`), delay it, or drop the connection, every
// time, with a probability, or for a number of times. Batch items are matched like direct requests.
// Which requests a probabilistic fault hits comes from a seeded generator (random.ts): the same
// seed and the same order of requests give the same faults.
import { randomUUID } from "node:crypto";
import { isSeed, mulberry32, newSeed } from "./random.js";
import { GraphHttpError } from "./types.js";

export interface FaultSpec {
  method: string;
  path: string;
  status?: number;
  retryAfter?: number;
  probability: number;
  count?: number;
  latencyMs?: number;
  drop: boolean;
}

interface Fault extends FaultSpec {
  id: string;
  pattern: RegExp;
  /** Times it may still fire; undefined = unlimited. */
  remaining: number | undefined;
}

/** What a firing fault does to one request. */
export interface FaultEffect {
  latencyMs: number;
  drop: boolean;
  error?: GraphHttpError;
}

const CODES: Record<number, [string, string]> = {
  400: ["BadRequest", "The request is invalid (injected fault)."],
  401: ["InvalidAuthenticationToken", "Access token has expired or is not yet valid."],
  403: ["Authorization_RequestDenied", "Insufficient privileges to complete the operation."],
  404: [
    "Request_ResourceNotFound",
    "Resource does not exist or one of its queried reference-property objects are not present.",
  ],
  409: [
    "Directory_ConcurrencyViolation",
    "Error due to concurrent requests being made to the tenant. Please wait briefly and retry.",
  ],
  429: ["TooManyRequests", "Please retry again later."],
  500: ["generalException", "An internal server error occurred (injected fault)."],
  502: ["BadGateway", "Bad gateway (injected fault)."],
  503: ["serviceNotAvailable", "The service is temporarily unavailable. Please retry later."],
  504: ["GatewayTimeout", "The gateway timed out (injected fault)."],
};

export function injectedError(status: number, retryAfter?: number): GraphHttpError {
  const [code, message] = CODES[status] ?? ["generalException", `Injected fault with status ${status}.`];
  return new GraphHttpError(
    status,
    code,
    message,
    retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
  );
}

export class Faults {
  private faults: Fault[] = [];
  private currentSeed: number;
  private random: () => number;

  constructor(seed: number = newSeed()) {
    if (!isSeed(seed)) throw new Error(`the fault seed must be an integer from 0 to 4294967295, not ${seed}`);
    this.currentSeed = seed;
    this.random = mulberry32(seed);
  }

  /** The seed of the probabilistic choices made since the last `reseed` (or since the start). */
  get seed(): number {
    return this.currentSeed;
  }

  /** Restarts the probabilistic choices from `seed`. */
  reseed(seed: number): void {
    if (!isSeed(seed)) throw new Error(`the fault seed must be an integer from 0 to 4294967295, not ${seed}`);
    this.currentSeed = seed;
    this.random = mulberry32(seed);
  }

  /** Validates a fault body from the control API; throws an Error whose message explains the problem. */
  add(input: unknown): string {
    const spec = parseFaultSpec(input);
    const id = randomUUID();
    this.faults.push({ ...spec, id, pattern: new RegExp(spec.path), remaining: spec.count });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  list(): (FaultSpec & { id: string; remaining: number | null })[] {
    return this.faults.map(({ pattern: _pattern, remaining, ...spec }) => ({
      ...spec,
      remaining: remaining ?? null,
    }));
  }

  /** The effect of the first fault that fires for this request, consuming one of its count. */
  take(method: string, path: string, random: () => number = this.random): FaultEffect | undefined {
    for (const fault of this.faults) {
      if (fault.method !== "*" && fault.method !== method) continue;
      if (!fault.pattern.test(path)) continue;
      if (fault.remaining === 0) continue;
      if (fault.probability < 1 && random() >= fault.probability) continue;
      if (fault.remaining !== undefined) fault.remaining -= 1;
      return {
        latencyMs: fault.latencyMs ?? 0,
        drop: fault.drop,
        ...(fault.status === undefined ? {} : { error: injectedError(fault.status, fault.retryAfter) }),
      };
    }
    return undefined;
  }
}

function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new Error("the fault must be a JSON object");
  const raw = input as Record<string, unknown>;
  const known = ["method", "path", "status", "retryAfter", "probability", "count", "latencyMs", "drop"];
  const extra = Object.keys(raw).find((k) => !known.includes(k));
  if (extra) throw new Error(`unknown field '${extra}' (expected ${known.join(", ")})`);
  const method = raw.method ?? "*";
  if (typeof method !== "string" || !/^(\*|[A-Z]+)$/.test(method))
    throw new Error('method must be an upper-case HTTP method or "*"');
  const pathPattern = raw.path ?? "";
  if (typeof pathPattern !== "string") throw new Error("path must be a regular expression string");
  try {
    new RegExp(pathPattern);
  } catch (err) {
    throw new Error(`path is not a valid regular expression: ${(err as Error).message}`);
  }
  const status = optionalInt(raw.status, "status", 400, 599);
  const retryAfter = optionalInt(raw.retryAfter, "retryAfter", 0, 86_400);
  const count = optionalInt(raw.count, "count", 1, Number.MAX_SAFE_INTEGER);
  const latencyMs = optionalInt(raw.latencyMs, "latencyMs", 0, 600_000);
  const probability = raw.probability ?? 1;
  if (typeof probability !== "number" || !(probability > 0 && probability <= 1)) {
    throw new Error("probability must be a number in (0, 1]");
  }
  const drop = raw.drop ?? false;
  if (typeof drop !== "boolean") throw new Error("drop must be true or false");
  if (status === undefined && !drop && !latencyMs)
    throw new Error("a fault needs an effect: status, latencyMs or drop");
  if (retryAfter !== undefined && status === undefined) throw new Error("retryAfter needs a status");
  return {
    method,
    path: pathPattern,
    probability,
    drop,
    ...(status === undefined ? {} : { status }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(count === undefined ? {} : { count }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
  };
}

function optionalInt(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
