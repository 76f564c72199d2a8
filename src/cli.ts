// Commander wiring only: parse flags, call the command, map its result to an exit code.
import { Command, CommanderError, Option } from "commander";
import { type Io, processIo } from "./io.js";

/** Parses argv (`node roster …`) and runs the command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("roster")
    .description("Entra ID user profiles, photos and authentication contact methods as code")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command("validate")
    .description("check profiles/, photos/ and roster.yaml offline")
    .option("--dir <dir>", "repository root", io.cwd)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options: { dir: string; format: "text" | "json" }) => {
      const { runValidate } = await import("./commands/validate.js");
      exitCode = await runValidate(options, io);
    });

  program
    .command("emulator")
    .description("run a local Microsoft Graph-compatible tenant (HTTPS on loopback)")
    .option("--port <port>", "port (0 = any free port)", "0")
    .option("--host <host>", "address to listen on (loopback only)", "127.0.0.1")
    .option("--state <file>", "tenant state file (JSON)")
    .option("--latency <ms>", "extra latency per request in milliseconds", "0")
    .option("--cert-out <file>", "where to write the certificate (PEM) clients must trust")
    .option("--http", "serve plain HTTP instead of HTTPS")
    .action(async (options: EmulatorCliOptions) => {
      const { runEmulatorCommand } = await import("./emulator/command.js");
      exitCode = await runEmulatorCommand(options, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    throw err;
  }
  return exitCode;
}

export interface EmulatorCliOptions {
  port: string;
  host: string;
  state?: string;
  latency: string;
  certOut?: string;
  http?: boolean;
}
