// Test and demo controls under /_emulator/ (no token; the server only listens on loopback):
//   GET|PUT  /_emulator/state        dump / replace the tenant (state-file JSON)
//   GET|PUT  /_emulator/apps         {"apps": [...]}: the app registrations and their permissions
//   GET|DELETE /_emulator/requests   the log of Graph requests, batch items included
//   GET|POST|DELETE /_emulator/faults  list / inject / clear faults
//   GET|PUT  /_emulator/seed         {"seed": N}: the seed of probabilistic faults (PUT restarts them)
//   GET|PUT  /_emulator/consistency  {"staleReadMs": N}: reads of a changed user see the old values
//   GET|PUT  /_emulator/throttling   {"enabled", "ruLimit", "ruWindowMs", "writeLimit", "writeWindowMs",
//                                    "outlookConcurrency", "outlookRequestLimit", … (outlook.ts)}
//   GET|PUT  /_emulator/latency      {"latencyMs": N}: extra latency for every Graph request
//   GET|DELETE /_emulator/connections  {"opened": N}: connections (TLS sessions) accepted / reset
import { dumpApps, readApps } from "./apps.js";
import type { EmulatorContext } from "./context.js";
import { isSeed } from "./random.js";
import { dumpState, loadState } from "./state.js";
import type { EmulatorResponse } from "./types.js";

export interface ControlRequest {
  method: string;
  /** Segments after `_emulator`. */
  segments: string[];
  body: Buffer;
  /** Directory that relative photo paths in a PUT state resolve against. */
  baseDir: string;
}

function error(status: number, code: string, message: string): EmulatorResponse {
  return { status, body: { error: { code, message } } };
}

function readJson(body: Buffer): { ok: true; value: unknown } | { ok: false; response: EmulatorResponse } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false, response: error(400, "InvalidJson", "The request body must be JSON.") };
  }
}

export async function handleControl(ctx: EmulatorContext, req: ControlRequest): Promise<EmulatorResponse> {
  const [name, ...rest] = req.segments;
  if (name === undefined || rest.length > 0)
    return error(404, "NotFound", `Unknown emulator control route '/_emulator/${req.segments.join("/")}'.`);
  const route = `${req.method} ${name}`;
  switch (route) {
    case "GET state":
      return { status: 200, body: dumpState(ctx.store) };
    case "PUT state": {
      const json = readJson(req.body);
      if (!json.ok) return json.response;
      try {
        ctx.replaceStore(await loadState(json.value, req.baseDir));
      } catch (err) {
        return error(400, "InvalidState", (err as Error).message);
      }
      return { status: 200, body: { users: ctx.store.size } };
    }
    case "GET apps":
      return { status: 200, body: { apps: dumpApps(ctx.store.apps) } };
    case "PUT apps": {
      const json = readJson(req.body);
      if (!json.ok) return json.response;
      try {
        ctx.store.replaceApps(readApps((json.value as { apps?: unknown } | null)?.apps));
      } catch (err) {
        return error(400, "InvalidApps", (err as Error).message);
      }
      return { status: 200, body: { apps: dumpApps(ctx.store.apps) } };
    }
    case "GET requests":
      return { status: 200, body: { requests: ctx.log.all() } };
    case "DELETE requests":
      ctx.log.clear();
      return { status: 204 };
    case "GET faults":
      return { status: 200, body: { faults: ctx.faults.list() } };
    case "POST faults": {
      const json = readJson(req.body);
      if (!json.ok) return json.response;
      try {
        return { status: 201, body: { id: ctx.faults.add(json.value) } };
      } catch (err) {
        return error(400, "InvalidFault", (err as Error).message);
      }
    }
    case "DELETE faults":
      ctx.faults.clear();
      return { status: 204 };
    case "GET seed":
      return { status: 200, body: { seed: ctx.faults.seed } };
    case "PUT seed": {
      const json = readJson(req.body);
      if (!json.ok) return json.response;
      const seed = (json.value as Record<string, unknown> | null)?.seed;
      const keys = typeof json.value === "object" && json.value !== null ? Object.keys(json.value) : [];
      if (!isSeed(seed) || keys.length !== 1)
        return error(
          400,
          "InvalidSetting",
          'The body must be {"seed": N} with N an integer from 0 to 4294967295.',
        );
      ctx.faults.reseed(seed);
      return { status: 200, body: { seed } };
    }
    case "GET consistency":
      return { status: 200, body: { staleReadMs: ctx.staleReadMs } };
    case "PUT consistency":
      return setNumber(req.body, "staleReadMs", (ms) => {
        ctx.staleReadMs = ms;
      });
    case "GET latency":
      return { status: 200, body: { latencyMs: ctx.latencyMs } };
    case "PUT latency":
      return setNumber(req.body, "latencyMs", (ms) => {
        ctx.latencyMs = ms;
      });
    case "GET connections":
      return { status: 200, body: { opened: ctx.connections.opened } };
    case "DELETE connections":
      ctx.connections.opened = 0;
      return { status: 204 };
    case "GET throttling":
      return { status: 200, body: ctx.throttle.config };
    case "PUT throttling": {
      const json = readJson(req.body);
      if (!json.ok) return json.response;
      try {
        const config = ctx.throttle.configure(json.value);
        ctx.outlook.reset();
        return { status: 200, body: config };
      } catch (err) {
        return error(400, "InvalidThrottling", (err as Error).message);
      }
    }
    default:
      return error(404, "NotFound", `Unknown emulator control route '${req.method} /_emulator/${name}'.`);
  }
}

function setNumber(body: Buffer, field: string, apply: (value: number) => void): EmulatorResponse {
  const json = readJson(body);
  if (!json.ok) return json.response;
  const value = (json.value as Record<string, unknown> | null)?.[field];
  const keys = typeof json.value === "object" && json.value !== null ? Object.keys(json.value) : [];
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > 3_600_000 ||
    keys.length !== 1
  ) {
    return error(
      400,
      "InvalidSetting",
      `The body must be {"${field}": N} with N a whole number of milliseconds.`,
    );
  }
  apply(value);
  return { status: 200, body: { [field]: value } };
}
