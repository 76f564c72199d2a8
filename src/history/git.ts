// The one way roster history, audit and the apply record talk to git: the `git` binary through
// execFile with argument arrays (never a shell string), so a path or a UPN can never become a
// command. Everything git knows is read through git's own commands and output formats.
import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import { RosterError } from "../errors.js";

/** git is not installed, or not on PATH. */
export class GitNotFoundError extends RosterError {}

/** `--dir` is not inside a git work tree. */
export class NotAGitRepositoryError extends RosterError {}

/** git ran and refused; carries git's own message. */
export class GitCommandError extends RosterError {
  readonly stderr: string;
  readonly status: number | null;

  constructor(args: readonly string[], status: number | null, stderr: string) {
    const first = stderr.trim().split("\n")[0] ?? "";
    super(
      `git ${args[0] ?? ""} failed${status === null ? "" : ` (exit ${status})`}: ${first || "no message"}`,
    );
    this.stderr = stderr;
    this.status = status;
  }
}

/** Output of git commands is never trimmed by size: a big repository's log is what we asked for. */
const MAX_BUFFER = 1024 * 1024 * 1024;

export interface RunOptions {
  /** Bytes written to git's standard input (then closed). */
  input?: string | Buffer;
  /** Exit codes other than 0 that are answers, not failures (e.g. 1 of `merge-base --is-ancestor`). */
  okStatus?: readonly number[];
}

export interface RunResult<T> {
  stdout: T;
  status: number;
}

/** A repository: where to run git, and where `--dir` sits inside it. */
export class Git {
  private constructor(
    /** The directory git runs in (`--dir`). */
    readonly cwd: string,
    /** The work tree's top level. */
    readonly top: string,
    /** `--dir` relative to the top level, with a trailing `/`, or "" at the top. */
    readonly prefix: string,
  ) {}

  /** Opens the repository `--dir` belongs to, or says clearly why not. */
  static async open(dir: string): Promise<Git> {
    // A missing folder would otherwise surface as spawn's ENOENT, which reads like "no git".
    const isDir = await stat(dir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (!isDir) {
      throw new NotAGitRepositoryError(`${dir} is not a folder`, {
        hint: "point --dir at a clone of the tenant repository",
      });
    }
    let out: string;
    try {
      out = (await runGit(dir, ["rev-parse", "--show-toplevel", "--show-prefix"], {}, "utf8")).stdout;
    } catch (err) {
      if (err instanceof GitCommandError) {
        throw new NotAGitRepositoryError(`${dir} is not a git repository (${err.message})`, {
          hint: "run roster inside a clone of the tenant repository, or point --dir at one",
          cause: err,
        });
      }
      throw err;
    }
    const [top = dir, prefix = ""] = out.split("\n");
    return new Git(dir, top, prefix);
  }

  /** Runs git and returns its standard output as text. */
  async text(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await runGit(this.cwd, args, options, "utf8")).stdout;
  }

  /** Runs git and returns its standard output as bytes (object contents). */
  async bytes(args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
    return (await runGit(this.cwd, args, options, "buffer")).stdout;
  }

  /** Runs git; resolves with the exit status when it is one of `okStatus`. */
  async status(args: readonly string[], okStatus: readonly number[]): Promise<RunResult<string>> {
    return runGit(this.cwd, args, { okStatus }, "utf8");
  }

  /** A path relative to `--dir` as git names it (relative to the top level). */
  repoPath(path: string): string {
    return `${this.prefix}${path}`;
  }

  /** A path git printed (relative to the top level) relative to `--dir`, or undefined outside it. */
  dirPath(path: string): string | undefined {
    return path.startsWith(this.prefix) ? path.slice(this.prefix.length) : undefined;
  }
}

function runGit(
  cwd: string,
  args: readonly string[],
  options: RunOptions,
  encoding: "utf8",
): Promise<RunResult<string>>;
function runGit(
  cwd: string,
  args: readonly string[],
  options: RunOptions,
  encoding: "buffer",
): Promise<RunResult<Buffer>>;
function runGit(
  cwd: string,
  args: readonly string[],
  options: RunOptions,
  encoding: "utf8" | "buffer",
): Promise<RunResult<string | Buffer>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      // No pager, no colours, no locale-dependent messages, whatever the user's configuration says.
      ["-c", "core.quotePath=false", "-c", "color.ui=false", ...args],
      {
        cwd,
        encoding,
        maxBuffer: MAX_BUFFER,
        env: { ...process.env, GIT_PAGER: "cat", LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, status: 0 });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          return reject(
            new GitNotFoundError("git is not installed or not on PATH", {
              hint: "install git (https://git-scm.com/downloads); roster history, audit and --git-note use it",
            }),
          );
        }
        const status = typeof code === "number" ? code : null;
        if (status !== null && options.okStatus?.includes(status)) return resolve({ stdout, status });
        reject(new GitCommandError(args, status, stderr.toString()));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
