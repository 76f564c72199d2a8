// Progress on stderr while apply writes: a bar redrawn in place on a terminal; in CI plain lines,
// one per 20 users finished and one every few seconds while requests are still out (so a long
// Retry-After never looks like a hang).
import type { Io } from "../io.js";

export interface Progress {
  userDone(failed: boolean): void;
  finish(): void;
}

export interface ProgressOptions {
  intervalMs?: number;
  everyUsers?: number;
  now?: () => number;
}

const BAR_WIDTH = 30;

export function createProgress(total: number, io: Io, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let done = 0;
  let failed = 0;
  let lastLineAt = 0;
  const status = () => {
    const seconds = Math.round((now() - started) / 1000);
    return `${done}/${total} users done${failed > 0 ? `, ${failed} with failures` : ""} (${seconds} s)`;
  };
  if (total === 0) return { userDone() {}, finish() {} };

  if (io.isTty) {
    const draw = () => {
      const filled = Math.round((done / total) * BAR_WIDTH);
      io.stderr(`\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${status()}`);
    };
    draw();
    return {
      userDone(wasFailed) {
        done++;
        if (wasFailed) failed++;
        draw();
      },
      finish() {
        draw();
        io.stderr("\n");
      },
    };
  }

  const line = () => io.stderr(`apply: ${status()}\n`);
  const timer = setInterval(line, options.intervalMs ?? 5000);
  timer.unref();
  return {
    userDone(wasFailed) {
      done++;
      if (wasFailed) failed++;
      if (done - lastLineAt >= (options.everyUsers ?? 20)) {
        lastLineAt = done;
        line();
      }
    },
    finish() {
      clearInterval(timer);
      if (lastLineAt !== done) line();
    },
  };
}
