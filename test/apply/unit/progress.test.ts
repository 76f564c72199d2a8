// Apply's progress on stderr, on a manual clock: the bar on a terminal, plain lines in CI.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../../../src/apply/progress.js";
import { captureIo } from "../../../src/io.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("createProgress", () => {
  it("redraws a 30-character bar in place on a terminal, counting failures", () => {
    let now = 1_000;
    const io = captureIo({ isTty: true });
    const progress = createProgress(4, io, { now: () => now });
    now += 2_400;
    progress.userDone(false);
    progress.userDone(true);
    progress.finish();
    expect(io.err()).toBe(
      `\r[${".".repeat(30)}] 0/4 users done (0 s)` +
        `\r[${"#".repeat(8)}${".".repeat(22)}] 1/4 users done (2 s)` +
        `\r[${"#".repeat(15)}${".".repeat(15)}] 2/4 users done, 1 with failures (2 s)` +
        `\r[${"#".repeat(15)}${".".repeat(15)}] 2/4 users done, 1 with failures (2 s)\n`,
    );
  });

  it("prints a line every 20 users and at the end in CI, and one every 5 s while waiting", () => {
    vi.useFakeTimers();
    let now = 0;
    const io = captureIo();
    const progress = createProgress(45, io, { now: () => now });
    for (let i = 0; i < 20; i++) progress.userDone(false);
    expect(io.err()).toBe("apply: 20/45 users done (0 s)\n");
    now = 5_000;
    vi.advanceTimersByTime(5_000);
    expect(io.err().split("\n").at(-2)).toBe("apply: 20/45 users done (5 s)");
    for (let i = 0; i < 19; i++) progress.userDone(i === 0);
    expect(io.err().split("\n")).toHaveLength(3);
    progress.userDone(false);
    expect(io.err().split("\n").at(-2)).toBe("apply: 40/45 users done, 1 with failures (5 s)");
    progress.finish();
    expect(io.err().split("\n").at(-2)).toBe("apply: 40/45 users done, 1 with failures (5 s)");
    for (let i = 0; i < 5; i++) progress.userDone(false);
    progress.finish();
    expect(io.err().split("\n").at(-2)).toBe("apply: 45/45 users done, 1 with failures (5 s)");
    const lines = io.err().split("\n").length;
    vi.advanceTimersByTime(60_000);
    expect(io.err().split("\n")).toHaveLength(lines);
  });

  it("prints nothing for no users", () => {
    const io = captureIo({ isTty: true });
    const progress = createProgress(0, io);
    progress.userDone(false);
    progress.finish();
    expect(io.err()).toBe("");
  });
});
