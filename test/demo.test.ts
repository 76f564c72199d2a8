// `npm run demo` as a new user runs it: a child process, the real emulator, the real CLI.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

it("npm run demo plans, applies and ends with an empty plan", async () => {
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", "tsx", join(root, "scripts", "demo.ts")],
    {
      cwd: root,
      env: { ...process.env, ROSTER_ACCESS_TOKEN: "", GITHUB_STEP_SUMMARY: "" },
      timeout: 120_000,
    },
  );
  const steps = stdout.split("\n").filter((line) => line.startsWith("=== "));
  expect(steps.map((s) => s.replace(/:.*/, ""))).toEqual([
    "=== 1. validate the repository offline",
    "=== 2. plan against the tenant",
    "=== 3. apply the saved plan",
    "=== 4. plan again",
  ]);
  expect(stdout).toContain(
    "Plan: 15 changes to 12 users (4 sensitive), 1 skipped; 25 managed users, 3 unmanaged.",
  );
  expect(stdout).toContain("Apply complete: 15 changes applied to 12 users.");
  expect(stdout.split("=== 4.")[1]).toContain("No changes. 1 skipped; 25 managed users, 3 unmanaged.");
  expect(stderr).not.toContain("did not converge");
}, 150_000);
