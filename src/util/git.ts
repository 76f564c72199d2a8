// The commit a plan or apply report was made from, for auditors; null outside a git checkout.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function gitState(dir: string): Promise<{ commit: string | null; dirty: boolean }> {
  try {
    const { stdout: head } = await run("git", ["rev-parse", "HEAD"], { cwd: dir });
    const { stdout: status } = await run(
      "git",
      ["status", "--porcelain", "--", "roster.yaml", "profiles", "photos"],
      { cwd: dir },
    );
    return { commit: head.trim(), dirty: status.trim() !== "" };
  } catch {
    return { commit: null, dirty: false };
  }
}
