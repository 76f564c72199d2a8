// Commander wiring only: parse flags, call the command, map its result to an exit code.
import { Command, CommanderError, Option } from "commander";
import type { ApplyFlags } from "./commands/apply.js";
import type { AuditFlags } from "./commands/audit.js";
import type { EmulatorFlags } from "./commands/emulator.js";
import type { ExportFlags } from "./commands/export.js";
import type { HistoryFlags } from "./commands/history.js";
import type { InitFlags } from "./commands/init.js";
import type { PlanFlags } from "./commands/plan.js";
import { isRosterError } from "./errors.js";
import { type Io, processIo } from "./io.js";
import { escapeInvisible } from "./util/text.js";
import { VERSION } from "./version.js";

/** Parses argv (`node roster …`) and runs the command; resolves to the process exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("roster")
    .description("Entra ID user profiles, photos and authentication contact methods as code")
    .version(VERSION, "-V, --version", "print roster's version (for bug reports)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command("version")
    .description("print roster's version (for bug reports)")
    .action(() => io.stdout(`${VERSION}\n`));

  program
    .command("validate")
    .description("check profiles/, photos/ and roster.yaml offline")
    .option("--dir <dir>", "repository root", io.cwd)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options: { dir: string; format: "text" | "json" }) => {
      const { runValidate } = await import("./commands/validate.js");
      exitCode = await runValidate(options, io);
    });

  const connectionOptions = (command: Command) =>
    command
      .option("--dir <dir>", "repository root", io.cwd)
      .option(
        "--graph-url <url>",
        "Graph service root without the version (default: ROSTER_GRAPH_URL, roster.yaml)",
      )
      .option(
        "--ca-cert <file>",
        "extra CA certificate (PEM) to trust, e.g. the emulator's (default: ROSTER_CA_CERT)",
      );

  connectionOptions(program.command("plan"))
    .description("read the tenant, diff it against the repository, print the plan")
    .option(
      "--out <file>",
      "also write the plan as JSON (for `roster apply <file>`); with --format html, the page",
    )
    .option("--html <file>", "also write the plan as a self-contained HTML page (photos, org charts)")
    .addOption(
      new Option("--format <format>", "output format")
        .choices(["text", "markdown", "json", "html"])
        .default("text"),
    )
    .option("--detailed-exitcode", "exit 2 when there are changes (0 none, 1 error)")
    .option(
      "--changed-since <ref>",
      "read only the users whose profile, _defaults.yaml or photo changed since this git commit (pull requests: the base)",
    )
    .option(
      "--no-auth-methods",
      "leave authentication methods out (pull-request plans: their app holds no permission to read them)",
    )
    .action(async (options: PlanFlags) => {
      const { runPlan } = await import("./commands/plan.js");
      exitCode = await runPlan(options, io);
    });

  connectionOptions(program.command("apply"))
    .description("apply a saved plan (refusing changes the tenant no longer matches), or plan and apply")
    .argument("[plan]", "a plan saved with `roster plan --out` (default: plan now)")
    .option("--auto-approve", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--allow-mass-change", "allow changing more users than limits.maxUsersChanged")
    .option("--report <file>", "also write the apply report as JSON")
    .option(
      "--changed-since <ref>",
      "plan and apply only the users whose profile, _defaults.yaml or photo changed since this git commit (on merge: HEAD^1)",
    )
    .option("--git-note", "record the outcome in a git note (refs/notes/roster) on the applied commit")
    .action(async (planFile: string | undefined, options: ApplyFlags) => {
      const { runApply } = await import("./commands/apply.js");
      exitCode = await runApply(planFile, options, io);
    });

  program
    .command("init")
    .description("scaffold a tenant repository: roster.yaml, profiles/, photos/, workflows, package.json")
    .argument("[dir]", "the new repository's folder (default: the current directory)")
    .option("--tenant <tenant>", "the tenant's domain or id, for roster.yaml")
    .option(
      "--pin <spec>",
      "how package.json pins roster: roster's tarball (copied into vendor/), a git URL with a tag, an npm alias",
    )
    .action(async (dir: string | undefined, options: InitFlags) => {
      const { runInit } = await import("./commands/init.js");
      exitCode = await runInit(dir, options, io);
    });

  connectionOptions(program.command("export"))
    .description("write profiles/ and photos/ from the tenant, so that a plan right after is empty")
    .option("--filter <odata>", "only the users this OData $filter selects (within roster.yaml's scope)")
    .option(
      "--attributes <list>",
      "profile keys to write, comma-separated: `default`, `all`, keys, object.subKey",
      "default",
    )
    .addOption(
      new Option("--group-by <grouping>", "sub-folders of profiles/")
        .choices(["department", "none"])
        .default("department"),
    )
    .option("--photos", "write users' photos to photos/ (the default)")
    .option("--no-photos", "leave photos out")
    .option("--auth-methods", "also write authentication methods (personal data: they go into git)")
    .option("--force", "overwrite files that differ from the tenant (default: leave them, and list them)")
    .action(async (options: ExportFlags) => {
      const { runExportCommand } = await import("./commands/export.js");
      exitCode = await runExportCommand(options, io);
    });

  program
    .command("history")
    .description("one user's attribute-level history from git: who changed what, approval, when applied")
    .argument("<user>", "a userPrincipalName, or a profile file (profiles/….yaml)")
    .option("--dir <dir>", "repository root", io.cwd)
    .option("--since <date>", "only changes merged on or after this date (2026-01-31 or ISO 8601)")
    .option("--json", "print JSON (schema/history.schema.json)")
    .action(async (user: string, options: HistoryFlags) => {
      const { runHistory } = await import("./commands/history.js");
      exitCode = await runHistory(user, options, io);
    });

  program
    .command("audit")
    .description("desired-state changes merged into the branch: pull request, approval, apply status")
    .option("--dir <dir>", "repository root", io.cwd)
    .option("--since <date>", "only changes merged on or after this date (2026-01-31 or ISO 8601)")
    .option("--json", "print JSON (schema/audit.schema.json)")
    .action(async (options: AuditFlags) => {
      const { runAudit } = await import("./commands/audit.js");
      exitCode = await runAudit(options, io);
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
    .option("--any-token", "accept any token with every permission, even if the state file declares apps")
    .action(async (options: EmulatorFlags) => {
      const { runEmulatorCommand } = await import("./commands/emulator.js");
      exitCode = await runEmulatorCommand(options, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    return reportFailure(err, io);
  }
  return exitCode;
}

/**
 * An error a user can cause (any RosterError) becomes one line on stderr, with its hint, and its
 * exit code; anything else is a bug, printed with its stack so it can be reported.
 */
function reportFailure(err: unknown, io: Io): number {
  if (isRosterError(err)) {
    // Messages quote files, flags and Graph's answers, all of which a pull request can shape.
    io.stderr(`error: ${escapeInvisible(err.describe())}\n`);
    if (err.hint) io.stderr(`hint: ${escapeInvisible(err.hint)}\n`);
    return err.exitCode;
  }
  io.stderr(
    `internal error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
