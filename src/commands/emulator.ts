// `roster emulator`: starts the emulator, prints `listening on ORIGIN` and `certificate: PATH`
// (the first two stdout lines, which scripts and the demo parse), and runs until SIGINT/SIGTERM.
// Bad options or a bad state file end with one clear line on stderr and exit code 1.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type RunningEmulator, StateError, startEmulator } from "@roster/graph-emulator";
import type { Io } from "../io.js";

/** The flags as commander hands them over: strings, checked here. */
export interface EmulatorFlags {
  port: string;
  host: string;
  state?: string;
  latency: string;
  certOut?: string;
  http?: boolean;
  /** Accept any token with every permission, even when the state file declares apps. */
  anyToken?: boolean;
}

export async function runEmulatorCommand(
  options: EmulatorFlags,
  io: Io,
  stop?: AbortSignal,
): Promise<number> {
  const port = wholeNumber(options.port, 65_535);
  const latencyMs = wholeNumber(options.latency, 600_000);
  if (port === undefined) return fail(io, `--port must be a number from 0 to 65535, not '${options.port}'`);
  if (latencyMs === undefined)
    return fail(io, `--latency must be a whole number of milliseconds, not '${options.latency}'`);

  let emulator: RunningEmulator;
  try {
    const certOut = options.http
      ? undefined
      : path.resolve(
          io.cwd,
          options.certOut ?? path.join(await mkdtemp(path.join(os.tmpdir(), "roster-emulator-")), "ca.pem"),
        );
    emulator = await startEmulator({
      port,
      host: options.host,
      http: Boolean(options.http),
      latencyMs,
      anyToken: Boolean(options.anyToken),
      ...(options.state ? { statePath: path.resolve(io.cwd, options.state) } : {}),
      ...(certOut ? { certOut } : {}),
      onInternalError: (err) =>
        io.stderr(`emulator: internal error: ${(err as Error)?.message ?? String(err)}\n`),
    });
  } catch (err) {
    if (err instanceof StateError) return fail(io, `invalid state file: ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") return fail(io, `port ${port} is already in use on ${options.host}`);
    return fail(io, (err as Error).message);
  }

  io.stdout(`listening on ${emulator.origin}\n`);
  io.stdout(`certificate: ${emulator.certPath ?? "none (plain HTTP)"}\n`);
  io.stderr(
    `emulator: ${emulator.context.store.size} users; Graph at ${emulator.origin}/v1.0; controls at ${emulator.origin}/_emulator/\n`,
  );
  io.stderr(`emulator: ${tokensLine(emulator, Boolean(options.anyToken))}\n`);

  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    stop?.addEventListener("abort", done, { once: true });
  });
  await emulator.close();
  return 0;
}

/** Which tokens the emulator accepts: the state's apps, or any. */
function tokensLine(emulator: RunningEmulator, anyToken: boolean): string {
  const apps = emulator.context.store.apps;
  if (anyToken || apps.length === 0) return "any non-empty token may do anything";
  return `tokens: ${apps.map((app) => `${app.token} (${app.displayName})`).join(", ")}; --any-token accepts any`;
}

function wholeNumber(raw: string, max: number): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= max ? value : undefined;
}

function fail(io: Io, message: string): number {
  io.stderr(`roster emulator: ${message}\n`);
  return 1;
}
