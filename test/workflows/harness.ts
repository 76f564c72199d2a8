// Runs pieces of the workflows outside GitHub: `run:` scripts under bash with a stub `npx`, and
// actions/github-script scripts with a fake Octokit that keeps issues and comments in memory.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ShellResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the script wrote to $GITHUB_OUTPUT, as key=value pairs. */
  outputs: Record<string, string>;
  /** The arguments each `npx` call received, one array per call. */
  npxCalls: string[][];
  cwd: string;
}

/**
 * Runs a `run:` script the way a `shell: bash` step does (`bash --noprofile --norc -eo pipefail`),
 * with a stub `npx` first on PATH that records its arguments, prints `stubStdout` and exits `stubExit`.
 * It runs in a fresh folder, or in `cwd` (e.g. a git checkout the step expects).
 */
export function runStep(
  script: string,
  options: { stubExit?: number; stubStdout?: string; env?: Record<string, string>; cwd?: string } = {},
): ShellResult {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), "roster-wf-"));
  const bin = mkdtempSync(join(tmpdir(), "roster-wf-bin-"));
  const calls = join(cwd, ".npx-calls");
  writeFileSync(join(cwd, ".stub-stdout"), options.stubStdout ?? "");
  writeFileSync(
    join(bin, "npx"),
    [
      "#!/usr/bin/env bash",
      `printf '%s\\x1f' "$@" >> ${JSON.stringify(calls)}`,
      `printf '\\n' >> ${JSON.stringify(calls)}`,
      `cat ${JSON.stringify(join(cwd, ".stub-stdout"))}`,
      `exit ${options.stubExit ?? 0}`,
      "",
    ].join("\n"),
  );
  chmodSync(join(bin, "npx"), 0o755);
  const outputFile = join(cwd, ".github-output");
  writeFileSync(outputFile, "");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd,
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: cwd,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: join(cwd, ".step-summary"),
      ...options.env,
    },
  });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  let npxCalls: string[][] = [];
  try {
    npxCalls = readFileSync(calls, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split("\x1f").filter((a) => a !== ""));
  } catch {
    // npx never called
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outputs, npxCalls, cwd };
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string };
  html_url?: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason?: string;
  labels: string[];
  user: { login: string };
  pull_request?: object;
  comments: string[];
  updated: number;
}

type Params = Record<string, unknown>;
type Handler = (params: Params) => Promise<{ data: unknown }>;

/** Just enough of Octokit (`github.rest.issues.*`, `github.paginate`) for the two workflow scripts. */
export class FakeGitHub {
  readonly calls: { method: string; params: Params }[] = [];
  comments: FakeComment[] = [];
  issues: FakeIssue[] = [];
  labels = new Set<string>();
  #nextId = 1000;
  #clock = 0;

  readonly rest: { issues: Record<string, Handler> } = {
    issues: {
      listComments: this.#record("listComments", async () => ({ data: this.comments })),
      createComment: this.#record("createComment", async (p) => {
        const number = p.issue_number as number;
        const issue = this.issues.find((i) => i.number === number);
        if (issue) {
          issue.comments.push(p.body as string);
          return { data: { id: this.#nextId++ } };
        }
        const comment = {
          id: this.#nextId++,
          body: p.body as string,
          user: { login: "github-actions[bot]" },
        };
        this.comments.push(comment);
        return { data: { ...comment, html_url: `https://github.example/c/${comment.id}` } };
      }),
      updateComment: this.#record("updateComment", async (p) => {
        const comment = this.comments.find((c) => c.id === p.comment_id);
        if (!comment) throw Object.assign(new Error("Not Found"), { status: 404 });
        comment.body = p.body as string;
        return { data: comment };
      }),
      listForRepo: this.#record("listForRepo", async (p) => {
        const wanted = String(p.labels ?? "")
          .split(",")
          .filter(Boolean);
        const data = this.issues
          .filter((i) => p.state === "all" || i.state === (p.state ?? "open"))
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.updated - a.updated);
        return { data };
      }),
      update: this.#record("update", async (p) => {
        const issue = this.issues.find((i) => i.number === p.issue_number);
        if (!issue) throw Object.assign(new Error("Not Found"), { status: 404 });
        if (typeof p.body === "string") issue.body = p.body;
        if (p.state === "open" || p.state === "closed") issue.state = p.state;
        if (typeof p.state_reason === "string") issue.state_reason = p.state_reason;
        issue.updated = ++this.#clock;
        return { data: issue };
      }),
      create: this.#record("create", async (p) => {
        const labels = (p.labels as string[]) ?? [];
        const issue: FakeIssue = {
          number: this.issues.length + 1,
          title: p.title as string,
          body: p.body as string,
          state: "open",
          labels,
          user: { login: "github-actions[bot]" },
          comments: [],
          updated: ++this.#clock,
        };
        this.issues.push(issue);
        return { data: issue };
      }),
      getLabel: this.#record("getLabel", async (p) => {
        if (!this.labels.has(p.name as string)) throw Object.assign(new Error("Not Found"), { status: 404 });
        return { data: { name: p.name } };
      }),
      createLabel: this.#record("createLabel", async (p) => {
        this.labels.add(p.name as string);
        return { data: { name: p.name } };
      }),
    },
  };

  async paginate(method: Handler, params: Params): Promise<unknown[]> {
    return (await method(params)).data as unknown[];
  }

  addIssue(issue: Partial<FakeIssue> & { body: string }): FakeIssue {
    const full: FakeIssue = {
      number: this.issues.length + 1,
      title: "an issue",
      state: "open",
      labels: ["drift"],
      user: { login: "github-actions[bot]" },
      comments: [],
      updated: ++this.#clock,
      ...issue,
    };
    this.issues.push(full);
    return full;
  }

  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  #record(method: string, handler: Handler): Handler {
    return async (params) => {
      this.calls.push({ method, params });
      return handler(params);
    };
  }
}

export interface FakeCore {
  info: (message: string) => void;
  setFailed: (message: string) => void;
  failed: string[];
  logged: string[];
}

export function fakeCore(): FakeCore {
  const core: FakeCore = {
    failed: [],
    logged: [],
    info: (m) => void core.logged.push(m),
    setFailed: (m) => void core.failed.push(m),
  };
  return core;
}

export const REPO = { owner: "contoso", repo: "people" };

export function fakeContext(payload: Record<string, unknown> = {}) {
  return { repo: REPO, runId: 4242, serverUrl: "https://github.com", payload };
}

/**
 * Runs an actions/github-script `script` as the action does: the body of an async function with
 * `require`, `github`, `context` and `core` in scope. Environment variables come from `env`.
 */
export async function runGithubScript(
  script: string,
  scope: { github: FakeGitHub; context: ReturnType<typeof fakeContext>; core: FakeCore },
  env: Record<string, string>,
): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  const fn = new AsyncFunction("require", "github", "context", "core", script);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await fn(createRequire(import.meta.url), scope.github, scope.context, scope.core);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
