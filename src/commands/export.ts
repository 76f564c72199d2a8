// `roster export`: write profiles/ and photos/ from the tenant (bootstrap), so that `roster plan`
// right after finds nothing to change. Signs in as plan does (roster.yaml's tenant, proven); the
// profiles need not validate yet. Results on stdout, progress and warnings on stderr. Exit 0, or 1
// on an error (nothing is half-written: files are written only after every read succeeded, photos
// excepted, which are kept as they arrive).
import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { formatDiagnostic } from "../diagnostics.js";
import { UsageError } from "../errors.js";
import { parseAttributes } from "../export/attributes.js";
import type { GroupBy } from "../export/layout.js";
import { createStepProgress } from "../export/progress.js";
import { type ExportReport, runExport } from "../export/run.js";
import type { WriteOutcome } from "../export/write.js";
import { GraphRequestError } from "../graph/errors.js";
import type { Io } from "../io.js";
import { connect, type SessionFlags } from "../session/session.js";
import { schemas } from "../source/schema.js";
import { plural } from "../util/text.js";

export interface ExportFlags extends SessionFlags {
  filter?: string;
  attributes?: string;
  groupBy: GroupBy;
  /** `--photos` / `--no-photos`; undefined (neither given) means yes. */
  photos?: boolean;
  authMethods?: boolean;
  force?: boolean;
}

/** Warnings listed one by one up to this many; the rest are counted. */
const LISTED = 20;

export async function runExportCommand(flags: ExportFlags, io: Io): Promise<number> {
  const root = resolve(io.cwd, flags.dir);
  const { config, diagnostics } = await loadConfig(root);
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!config)
    throw new UsageError("roster export needs a valid roster.yaml naming the tenant", {
      hint: "run `roster init` to create the repository, or --dir to point at it",
    });
  const attributes = parseAttributes(flags.attributes, schemas().profileKeys, config);
  if (flags.filter !== undefined && flags.filter.trim() === "")
    throw new UsageError("--filter is empty", {
      hint: "give an OData filter, e.g. \"userType eq 'Member'\"",
    });
  if (flags.authMethods)
    io.stderr(
      "warning: --auth-methods writes users' authentication phone numbers and e-mail addresses into " +
        "profiles/: personal data, kept in git history for good. Keep the repository private and its " +
        "readers few.\n",
    );

  const session = await connect(config, flags, io);
  try {
    const started = Date.now();
    const report = await runExport(
      session.graph,
      {
        root,
        config,
        attributes,
        ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
        groupBy: flags.groupBy,
        photos: flags.photos !== false,
        authMethods: Boolean(flags.authMethods),
        force: Boolean(flags.force),
      },
      createStepProgress(io),
    ).catch((error: unknown) => {
      throw filterRefused(error, flags.filter, config.scope.filter) ?? error;
    });
    printWarnings(report, io);
    io.stdout(summary(report, flags.photos !== false));
    io.stderr(
      `exported with ${session.requests.total} Graph requests in ${Date.now() - started} ms\n` +
        "next: roster validate, then roster plan (it should show no changes)\n",
    );
    return 0;
  } finally {
    session.graph.close();
  }
}

/**
 * Graph's 400 to the user listing when it carries a `$filter`: the filter is the likely culprit, so
 * the hint names where it came from (`--filter`, roster.yaml's `scope.filter`) and Graph's words.
 */
function filterRefused(
  error: unknown,
  flag: string | undefined,
  scope: string | undefined,
): UsageError | undefined {
  if (!(error instanceof GraphRequestError) || error.status !== 400) return undefined;
  if (!error.path.startsWith("/users?") || !error.path.includes("$filter=")) return undefined;
  const sources = [
    ...(flag !== undefined ? [`--filter ${JSON.stringify(flag)}`] : []),
    ...(scope !== undefined && scope.trim() !== ""
      ? [`roster.yaml's scope.filter ${JSON.stringify(scope)}`]
      : []),
  ];
  return new UsageError(error.describe(), {
    hint: `Graph refused the filter (${sources.join(", joined with ")}): ${error.message} Check it against Graph's $filter syntax for users, e.g. --filter "department eq 'Retail'" (strings in single quotes)`,
    cause: error,
  });
}

function printWarnings(report: ExportReport, io: Io): void {
  if (report.ownedElsewhere.length > 0)
    io.stderr(
      `not exported: ${report.ownedElsewhere.join(", ")} (owned elsewhere, roster.yaml ownedElsewhere)\n`,
    );
  if (report.protectedSkipped.length > 0)
    io.stderr(`not exported: ${report.protectedSkipped.join(", ")} (protected in roster.yaml)\n`);
  for (const w of report.warnings.slice(0, LISTED))
    io.stderr(`warning: ${w.userPrincipalName}: ${w.message}\n`);
  if (report.warnings.length > LISTED)
    io.stderr(`warning: ${plural(report.warnings.length - LISTED, "more value")} left out (not listed)\n`);
  for (const file of report.photos.otherFile.slice(0, LISTED))
    io.stderr(`left alone: ${file} is already the profile's photo; no .jpg written beside it\n`);
  for (const file of report.photos.namedInProfile.slice(0, LISTED))
    io.stderr(`left alone: ${file} names its own photo with \`photo:\`; no photo written for it\n`);
  if (report.skippedFiles.length > 0) {
    io.stderr(
      `left alone: ${plural(report.skippedFiles.length, "file")} that differ from the tenant (--force overwrites them):\n`,
    );
    for (const file of report.skippedFiles.slice(0, LISTED)) io.stderr(`  ${file}\n`);
    if (report.skippedFiles.length > LISTED)
      io.stderr(`  … and ${report.skippedFiles.length - LISTED} more\n`);
  }
}

function summary(report: ExportReport, photos: boolean): string {
  const counts = (c: Record<WriteOutcome, number>) =>
    [
      `${c.written} new`,
      `${c.unchanged} unchanged`,
      ...(c.overwritten ? [`${c.overwritten} overwritten`] : []),
      ...(c.skipped ? [`${c.skipped} left alone (they differ)`] : []),
    ].join(", ");
  const lines = [`exported ${plural(report.users, "user")}`, `profiles: ${counts(report.profiles)}`];
  if (photos) {
    const p = report.photos;
    lines.push(
      `photos: ${counts(p)}; ${p.none} without a photo${p.otherFile.length ? `, ${p.otherFile.length} kept as another file` : ""}${p.refused.length ? `, ${p.refused.length} refused` : ""}${p.namedInProfile.length ? `, ${p.namedInProfile.length} named by their profile's photo: key` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
