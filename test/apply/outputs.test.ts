// What a finished apply writes besides stdout may fail (a full disk, a vanished folder): the result
// lines are printed anyway, the exit code is the apply's, the failure is one line on stderr.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoToken } from "../helpers/demo-apps.js";
import { type Demo, startDemo } from "./helpers.js";

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => {
  await demo?.close();
});

describe("outputs after an apply", () => {
  it("prints the results and keeps the apply's exit code when the job summary cannot be written", async () => {
    const result = await demo.roster(["apply", "--auto-approve"], {
      env: { ROSTER_ACCESS_TOKEN: demoToken("roster-apply"), GITHUB_STEP_SUMMARY: "/no/such/dir/summary.md" },
    });
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^Apply complete: 15 changes applied to 12 users\.$/m);
    expect(result.err).toMatch(
      /^error: could not write \$GITHUB_STEP_SUMMARY \/no\/such\/dir\/summary\.md \(ENOENT\); the apply itself is reported above$/m,
    );
    expect(result.err).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("the photo-hash cache", () => {
  it("only warns when it cannot be saved (a file where its folder should be)", async () => {
    const { writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const fresh = await startDemo();
    try {
      await writeFile(join(fresh.dir, ".roster-cache"), "not a folder");
      const result = await fresh.roster(["plan"]);
      expect(result.code, result.err).toBe(0);
      expect(result.err).toMatch(
        /^warning: could not save the photo-hash cache \.roster-cache\/photo-hashes\.json \((EEXIST|ENOTDIR)\); the next plan downloads the photos again$/m,
      );
    } finally {
      await fresh.close();
    }
  });
});
