// `npm run demo` as a new user runs it: a child process, the real emulator, the real CLI.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { testdir } from "./helpers/testdir.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

it("npm run demo runs the pipeline: the pull request's plan, the apply on merge, an empty drift check", async () => {
  const out = await testdir({});
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", "tsx", join(root, "scripts", "demo.ts")],
    {
      cwd: root,
      env: { ...process.env, ROSTER_ACCESS_TOKEN: "", GITHUB_STEP_SUMMARY: "", ROSTER_DEMO_OUT: out },
      timeout: 120_000,
    },
  );
  // The first plan, as a page to open in a browser.
  expect(stdout).toContain(
    `The plan as a page: open ${relative(root, join(out, "plan.html"))} in a browser.`,
  );
  expect(await readFile(join(out, "plan.html"), "utf8")).toContain(
    "<h1>roster plan: 12 changes to 11 users</h1>",
  );
  const steps = stdout.split("\n").filter((line) => line.startsWith("=== "));
  expect(steps.map((s) => s.replace(/:.*/, ""))).toEqual([
    "=== 1. validate the repository offline",
    "=== 2. the pull request's plan",
    "=== 3. the apply on merge",
    "=== 4. the drift check",
  ]);
  // The pull request's plan leaves the 31 authentication methods out (its app may not read them)...
  expect(stdout.split("=== 3.")[0]).toContain(
    "Plan: 12 changes to 11 users (1 sensitive), 32 skipped; 25 managed users, 3 unmanaged.",
  );
  // ...the apply plans them in full.
  expect(stdout.split("=== 3.")[1]).toContain(
    "Plan: 15 changes to 12 users (4 sensitive), 1 skipped; 25 managed users, 3 unmanaged.",
  );
  expect(stdout).toContain("Apply complete: 15 changes applied to 12 users.");
  expect(stdout.split("=== 4.")[1]).toContain("No changes. 1 skipped; 25 managed users, 3 unmanaged.");
  expect(stderr).not.toContain("did not converge");
}, 150_000);
