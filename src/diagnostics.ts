// Problems found in the desired state, in the spirit of Terraform's tfdiags: nothing throws for
// bad input; every check returns diagnostics that carry the file and 1-based line and column.
import { compareNatural, escapeInvisible } from "./util/text.js";

export type Severity = "error" | "warning";

/** A position in a repository file; `file` is relative to the repository root, with `/`. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic extends SourcePosition {
  severity: Severity;
  message: string;
}

export function error(at: SourcePosition, message: string): Diagnostic {
  return { severity: "error", file: at.file, line: at.line, col: at.col, message };
}

export function warning(at: SourcePosition, message: string): Diagnostic {
  return { severity: "warning", file: at.file, line: at.line, col: at.col, message };
}

/** The position of a whole file (used when the problem is the file itself). */
export function fileStart(file: string): SourcePosition {
  return { file, line: 1, col: 1 };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorted by file, line, column; errors before warnings at the same place. Duplicates removed. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.severity}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compareNatural(a.file, b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}

/**
 * `path/to/file.yaml:LINE:COL: message` (warnings say so). Always one line: file names and messages
 * quote repository content (a YAML key may hold a newline and `::stop-commands::`), so control
 * characters are written as `\u{…}` and no line of ours can become a GitHub workflow command.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const prefix = d.severity === "warning" ? "warning: " : "";
  return escapeInvisible(`${d.file}:${d.line}:${d.col}: ${prefix}${d.message}`);
}

// GitHub workflow commands escape data and property values differently.
function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `::error file=…,line=…,col=…::message`, the annotation GitHub Actions shows on the diff. */
export function formatAnnotation(d: Diagnostic): string {
  return `::${d.severity} file=${escapeProperty(d.file)},line=${d.line},col=${d.col}::${escapeData(d.message)}`;
}

/** GitHub shows at most 10 annotations of each severity per step; the rest stay in the log. */
export const ANNOTATIONS_PER_SEVERITY = 10;

export function formatAnnotations(diagnostics: readonly Diagnostic[]): string[] {
  const lines: string[] = [];
  for (const severity of ["error", "warning"] as const) {
    const ofSeverity = diagnostics.filter((d) => d.severity === severity);
    lines.push(...ofSeverity.slice(0, ANNOTATIONS_PER_SEVERITY).map(formatAnnotation));
    const rest = ofSeverity.length - ANNOTATIONS_PER_SEVERITY;
    if (rest > 0) lines.push(`::notice::${rest} more ${severity}s are listed in the log only`);
  }
  return lines;
}
