// The README promises the apply report (`--report FILE`) names the commit it applied from, and
// whether the working tree was clean. The expected commit is read with git itself.
import { execFileSync } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRepo, type Demo, startDemo } from "./helpers.js";

let demo: Demo;
let dir: string;
let head: string;
const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Adele Vance",
      GIT_AUTHOR_EMAIL: "adelev@contoso.com",
      GIT_COMMITTER_NAME: "Adele Vance",
      GIT_COMMITTER_EMAIL: "adelev@contoso.com",
    },
  }).trim();

beforeAll(async () => {
  dir = await copyRepo();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "profiles");
  head = git("rev-parse", "HEAD");
  demo = await startDemo({ dir });
});
afterAll(async () => {
  await demo?.close();
});

describe("the apply report", () => {
  it("names the commit applied from, the plan's commit, and a clean tree", async () => {
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    const planned = await demo.roster(["plan", "--out", "plan.json"]);
    expect(planned.code, planned.err).toBe(0);
    const applied = await demo.roster(["apply", "plan.json", "--auto-approve", "--report", "report.json"]);
    expect(applied.code, applied.err).toBe(0);
    const report = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
    expect(report.git).toEqual({ commit: head, dirty: false });
    expect(report.plan.commit).toBe(head);
  });

  it("says so when a profile has uncommitted changes", async () => {
    await appendFile(join(dir, "profiles", "sales", "adele.vance.yaml"), "# an uncommitted edit\n");
    const applied = await demo.roster(["apply", "--auto-approve", "--report", "dirty.json"]);
    expect(applied.code, applied.err).toBe(0);
    const report = JSON.parse(await readFile(join(demo.work, "dirty.json"), "utf8"));
    expect(report.git).toEqual({ commit: head, dirty: true });
  });
});
