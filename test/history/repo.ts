// Temporary git repositories for the history tests: every commit with a fixed author, committer
// and date, so commit ids and output are the same on every run. Git runs with no global or system
// configuration (no signing, no hooks, no templates from the machine).
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** No configuration from the machine running the tests. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
};
for (const [key, value] of Object.entries(GIT_ENV)) process.env[key] = value;

export interface Who {
  name: string;
  email: string;
}

export const MEGAN: Who = { name: "Megan Bowen", email: "meganb@contoso.com" };
export const ALEX: Who = { name: "Alex Wilber", email: "alexw@contoso.com" };
export const GITHUB: Who = { name: "GitHub", email: "noreply@github.com" };

export interface CommitOptions {
  author?: Who;
  committer?: Who;
  /** ISO date; the committer date too unless `committedAt`. */
  date: string;
  committedAt?: string;
}

export class TestRepo {
  private constructor(readonly dir: string) {}

  static async create(): Promise<TestRepo> {
    const dir = await mkdtemp(join(tmpdir(), "roster-history-"));
    made.push(dir);
    const repo = new TestRepo(dir);
    repo.git("init", "-q", "-b", "main");
    await repo.write({ "roster.yaml": "tenant: contoso.onmicrosoft.com\n" });
    return repo;
  }

  /** Makes an existing folder (e.g. a copy of the example repository) a repository. */
  static init(dir: string): TestRepo {
    const repo = new TestRepo(dir);
    repo.git("init", "-q", "-b", "main");
    return repo;
  }

  /** Another folder for a clone; removed after the tests. */
  static async emptyDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "roster-history-clone-"));
    made.push(dir);
    return dir;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      encoding: "utf8",
      env: { ...process.env, ...GIT_ENV },
    });
  }

  /** Runs git as `who` at `date` (author and committer). */
  gitAs(options: CommitOptions, ...args: string[]): string {
    const author = options.author ?? MEGAN;
    const committer = options.committer ?? author;
    return execFileSync(
      "git",
      ["-c", `user.name=${committer.name}`, "-c", `user.email=${committer.email}`, ...args],
      {
        cwd: this.dir,
        encoding: "utf8",
        env: {
          ...process.env,
          ...GIT_ENV,
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_AUTHOR_DATE: options.date,
          GIT_COMMITTER_NAME: committer.name,
          GIT_COMMITTER_EMAIL: committer.email,
          GIT_COMMITTER_DATE: options.committedAt ?? options.date,
        },
      },
    );
  }

  /** Writes files (null deletes one) without committing. */
  async write(files: Record<string, string | null>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) {
        await rm(join(this.dir, path), { force: true });
      } else {
        await mkdir(dirname(join(this.dir, path)), { recursive: true });
        await writeFile(join(this.dir, path), content);
      }
    }
  }

  /** Writes the files, stages everything and commits; returns the commit id. */
  async commit(
    message: string,
    files: Record<string, string | null>,
    options: CommitOptions,
  ): Promise<string> {
    await this.write(files);
    this.git("add", "-A");
    this.gitAs(options, "commit", "-q", "--allow-empty", "-m", message);
    return this.head();
  }

  head(): string {
    return this.git("rev-parse", "HEAD").trim();
  }

  /** Appends a note under refs/notes/roster, as `roster apply --git-note` does. */
  note(commit: string, text: string, date: string): void {
    execFileSync(
      "git",
      [
        "-c",
        "user.name=roster-apply",
        "-c",
        "user.email=apply@example.com",
        "notes",
        "--ref",
        "roster",
        "append",
        "-F",
        "-",
        commit,
      ],
      {
        cwd: this.dir,
        input: text,
        env: { ...process.env, ...GIT_ENV, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
      },
    );
  }
}

/** Runs the real CLI (`roster <args>`) in-process; cwd is the repository unless given. */
export async function roster(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: options.cwd, env: options.env ?? {} });
  const code = await main(["node", "roster", ...args], io);
  return { code, out: io.out(), err: io.err() };
}
