// The streams and environment a command runs with: the real process in production, captured
// buffers in tests, so every command can be exercised in-process.

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** True when stdout is a terminal: progress bars only then. */
  isTty: boolean;
  /** Colours: on a terminal, never with NO_COLOR set (https://no-color.org). */
  color: boolean;
  /** True when stdin is a terminal a person can answer prompts on (absent: never). */
  stdinIsTty?: boolean;
  /** Asks a question on the terminal and resolves to the answer line (absent: no terminal). */
  prompt?: (question: string) => Promise<string>;
}

/** Colours on a terminal, unless NO_COLOR is set to anything but "" (https://no-color.org). */
export function colorWanted(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTty: Boolean(process.stdout.isTTY),
    color: colorWanted(Boolean(process.stdout.isTTY), process.env),
    stdinIsTty: Boolean(process.stdin.isTTY),
    prompt: async (question) => {
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** An Io whose output is collected, for tests. */
export function captureIo(overrides: Partial<Io> = {}): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    cwd: process.cwd(),
    isTty: false,
    color: false,
    ...overrides,
    out: () => out,
    err: () => err,
  };
}
