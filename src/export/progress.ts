// Progress of `roster export` on stderr, step by step (listing users, photos, authentication
// methods, files): a bar redrawn in place on a terminal; in CI and pipes, plain greppable lines, one
// when a step starts, one per tenth of it, one when it ends. No timers: the reads finish steadily.
import type { Io } from "../io.js";

export interface StepProgress {
  /** Starts a step; `total` undefined when unknown (the listing pages through an unknown number). */
  step(name: string, total?: number): void;
  advance(count?: number): void;
  /** Ends the current step. */
  done(): void;
}

const BAR_WIDTH = 30;
/** Without a total, a line per this many items. */
const LINE_EVERY_UNKNOWN = 1000;

export function createStepProgress(io: Io): StepProgress {
  let name = "";
  let total: number | undefined;
  let count = 0;
  let lastLine = 0;
  let open = false;
  const status = () => `${name}: ${count}${total === undefined ? "" : `/${total}`}`;

  const draw = () => {
    if (total === undefined || total === 0) io.stderr(`\r${status()}`);
    else {
      const filled = Math.round((Math.min(count, total) / total) * BAR_WIDTH);
      io.stderr(`\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${status()}`);
    }
  };
  const maybeLine = () => {
    const every = total === undefined ? LINE_EVERY_UNKNOWN : Math.max(1, Math.ceil(total / 10));
    if (Math.floor(count / every) > Math.floor(lastLine / every)) {
      lastLine = count;
      io.stderr(`export: ${status()}\n`);
    }
  };

  return {
    step(stepName, stepTotal) {
      if (open) this.done();
      name = stepName;
      total = stepTotal;
      count = 0;
      lastLine = 0;
      open = true;
      if (io.isTty) draw();
      else io.stderr(`export: ${name}${total === undefined ? "" : ` (${total})`}\n`);
    },
    advance(by = 1) {
      count += by;
      if (io.isTty) draw();
      else maybeLine();
    },
    done() {
      if (!open) return;
      open = false;
      if (io.isTty) {
        draw();
        io.stderr("\n");
      } else if (lastLine !== count) io.stderr(`export: ${status()}\n`);
    },
  };
}
