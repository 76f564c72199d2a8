// `roster validate`: offline checks; results on stdout, annotations inside GitHub Actions.
import { resolve } from "node:path";
import { validateRepository } from "../desired/validate.js";
import { formatAnnotations, formatDiagnostic, hasErrors } from "../diagnostics.js";
import type { Io } from "../io.js";

export interface ValidateOptions {
  dir: string;
  format: "text" | "json";
}

export async function runValidate(options: ValidateOptions, io: Io): Promise<number> {
  const root = resolve(io.cwd, options.dir);
  const started = Date.now();
  const { state, diagnostics } = await validateRepository(root);
  const failed = hasErrors(diagnostics);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;

  if (options.format === "json") {
    io.stdout(
      `${JSON.stringify({ valid: !failed, profiles: state?.profiles.length ?? 0, diagnostics }, null, 2)}\n`,
    );
  } else {
    for (const d of diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
    if (io.env.GITHUB_ACTIONS === "true")
      for (const line of formatAnnotations(diagnostics)) io.stdout(`${line}\n`);
    const profiles = state?.profiles.length ?? 0;
    const summary = `${profiles} profile${profiles === 1 ? "" : "s"}, ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
    io.stderr(`${failed ? "invalid" : "valid"}: ${summary} (${Date.now() - started} ms)\n`);
  }
  return failed ? 1 : 0;
}
