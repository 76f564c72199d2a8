import { describe, expect, it } from "vitest";
import { createStepProgress } from "../../src/export/progress.js";
import { captureIo } from "../../src/io.js";

describe("export progress", () => {
  it("in CI: a line when a step starts, per tenth of it, and when it ends", () => {
    const io = captureIo({ isTty: false });
    const progress = createStepProgress(io);
    progress.step("photos", 25);
    for (let i = 0; i < 25; i++) progress.advance();
    progress.step("writing profiles", 2);
    progress.advance(2);
    progress.done();
    expect(io.err()).toBe(
      [
        "export: photos (25)",
        "export: photos: 3/25",
        "export: photos: 6/25",
        "export: photos: 9/25",
        "export: photos: 12/25",
        "export: photos: 15/25",
        "export: photos: 18/25",
        "export: photos: 21/25",
        "export: photos: 24/25",
        "export: photos: 25/25",
        "export: writing profiles (2)",
        "export: writing profiles: 2/2",
        "",
      ].join("\n"),
    );
  });

  it("without a total: a line per thousand", () => {
    const io = captureIo({ isTty: false });
    const progress = createStepProgress(io);
    progress.step("listing users");
    progress.advance(999);
    progress.advance(999);
    progress.advance(2);
    progress.done();
    expect(io.err()).toBe(
      "export: listing users\nexport: listing users: 1998\nexport: listing users: 2000\n",
    );
  });

  it("on a terminal: one bar redrawn in place, ended by a newline", () => {
    const io = captureIo({ isTty: true });
    const progress = createStepProgress(io);
    progress.step("photos", 2);
    progress.advance();
    progress.advance();
    progress.done();
    const bar = (n: number) => `[${"#".repeat(n)}${".".repeat(30 - n)}]`;
    expect(io.err()).toBe(
      `\r${bar(0)} photos: 0/2\r${bar(15)} photos: 1/2\r${bar(30)} photos: 2/2\r${bar(30)} photos: 2/2\n`,
    );
  });
});
