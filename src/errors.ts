// One family for every error a user can cause (a bad flag, file, credential, permission or tenant):
// each carries the one line to print, an optional hint saying what to do, and the exit code. The
// CLI prints any RosterError as `error: …` / `hint: …` without a stack trace; anything else is a
// bug and is reported as one.

export interface RosterErrorOptions {
  /** What to do about it: which flag, file, permission or command. */
  hint?: string;
  /** Process exit code; 1 unless a command documents another. */
  exitCode?: number;
  cause?: unknown;
}

export class RosterError extends Error {
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, options: RosterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }

  /** The one line a user reads after `error: `; subclasses add what they know (ids, status). */
  describe(): string {
    return this.message;
  }
}

/** Bad input to a command: a flag, a plan file, a repository that does not validate. */
export class UsageError extends RosterError {}

export function isRosterError(value: unknown): value is RosterError {
  return value instanceof RosterError;
}
