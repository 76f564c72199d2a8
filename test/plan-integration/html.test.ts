// `roster plan --format html` and `--html`: what each flag writes where, and which Graph reads the
// page adds: current photos only of users whose photo changes, people only of the manager changes'
// branches (and the photo users' names), all in `$batch` calls.
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import type { Plan } from "../../src/plan/types.js";
import { demoToken } from "../helpers/demo-apps.js";
import { testdir } from "../helpers/testdir.js";
import { call, clearRequestLog, type LoggedRequest, requestLog, useDemoTenant } from "./helpers.js";

const demo = useDemoTenant();

async function plan(args: string[], cwd: string) {
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: demoToken("roster-drift") }, cwd });
  const code = await main(
    [
      "node",
      "roster",
      "plan",
      "--dir",
      demo.dir,
      "--graph-url",
      demo.em.origin,
      "--ca-cert",
      demo.em.caPath,
      ...args,
    ],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function idOf(upn: string): Promise<string> {
  return ((await call(demo.em, "GET", `/v1.0/users/${upn}?$select=id`)).json as { id: string }).id;
}

describe("roster plan --format html", () => {
  let run: Awaited<ReturnType<typeof plan>>;
  let out: string;
  let log: LoggedRequest[];

  beforeAll(async () => {
    out = await testdir({});
    await clearRequestLog(demo.em);
    run = await plan(["--format", "html", "--out", "plan.html", "--detailed-exitcode"], out);
    log = await requestLog(demo.em);
  });

  it("writes the page to --out (relative to the working directory), and nothing to stdout", async () => {
    expect(run.err).not.toMatch(/internal error|^error:/m);
    expect(run.code).toBe(2);
    expect(run.out).toBe("");
    expect(run.err).toContain("wrote the HTML plan to plan.html\n");
    const page = await readFile(join(out, "plan.html"), "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain("<h1>roster plan: 15 changes to 12 users</h1>");
    expect(page.match(/<img /g)).toHaveLength(4);
    expect(page.match(/<svg /g)).toHaveLength(2);
  });

  it("downloads the current photo only of users whose photo is replaced or removed, at 240×240", async () => {
    const photoReads = log.filter((r) => /\/photos?\//.test(r.path) && r.path.endsWith("/$value"));
    const sized = photoReads.filter((r) => r.path.includes("/photos/240x240/")).map((r) => r.path);
    const ids = { isaiah: await idOf("IsaiahL@contoso.com"), lynne: await idOf("LynneR@contoso.com") };
    expect(sized.sort()).toEqual(
      [`/users/${ids.isaiah}/photos/240x240/$value`, `/users/${ids.lynne}/photos/240x240/$value`].sort(),
    );
    expect(photoReads.filter((r) => r.path.includes("/photos/240x240/")).every((r) => r.inBatch)).toBe(true);
  });

  it("reads the moved users and their new managers with their manager chains, batched", async () => {
    const people = log.filter((r) => /^\/users\/[^/]+$/.test(r.path));
    expect(people.every((r) => r.inBatch)).toBe(true);
    const byId = new Map<string, string>();
    for (const upn of [
      "JoniS@contoso.com",
      "CameronW@contoso.com",
      "LidiaH@contoso.com",
      "AllanD@contoso.com",
      "DebraB@contoso.com",
      "IsaiahL@contoso.com",
      "LynneR@contoso.com",
    ])
      byId.set(await idOf(upn), upn);
    const reads = people
      .map((r) => {
        const levels = /\$levels=(\d+)/.exec(decodeURIComponent(r.query))?.[1] ?? "-";
        return `${byId.get(r.path.slice("/users/".length)) ?? r.path} ${levels}`;
      })
      .sort();
    expect(reads).toEqual([
      "AllanD@contoso.com 2",
      "CameronW@contoso.com 3",
      "DebraB@contoso.com -",
      "IsaiahL@contoso.com -",
      "JoniS@contoso.com 3",
      "LidiaH@contoso.com 2",
      "LynneR@contoso.com -",
    ]);
  });
});

describe("--out and --html beside the other formats", () => {
  it("--out writes the JSON plan and --html the page, while stdout gets the markdown", async () => {
    const out = await testdir({});
    const run = await plan(["--format", "markdown", "--out", "plan.json", "--html", "plan.html"], out);
    expect(run.code).toBe(0);
    expect(run.out.startsWith("<!-- roster-plan -->\n### roster plan: 15 changes to 12 users")).toBe(true);
    const saved = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
    expect(saved.summary.usersWithChanges).toBe(12);
    expect(await readFile(join(out, "plan.html"), "utf8")).toContain(
      "<h1>roster plan: 15 changes to 12 users</h1>",
    );
  });

  it("--format html without --out prints the page", async () => {
    const out = await testdir({});
    const run = await plan(["--format", "html"], out);
    expect(run.code).toBe(0);
    expect(run.out.startsWith("<!doctype html>")).toBe(true);
    expect(run.out).toContain('alt="new photo of Lynne Robbins"');
  });

  it("without --html, the other formats read nothing for pictures", async () => {
    const out = await testdir({});
    await clearRequestLog(demo.em);
    const run = await plan(["--format", "text"], out);
    expect(run.code).toBe(0);
    const log = await requestLog(demo.em);
    expect(log.filter((r) => r.path.includes("/photos/240x240/") || /^\/users\/[^/]+$/.test(r.path))).toEqual(
      [],
    );
  });

  it("refuses --html with --format html, and a .json --out for the page, before reading the tenant", async () => {
    const out = await testdir({});
    await clearRequestLog(demo.em);
    const both = await plan(["--format", "html", "--out", "a.html", "--html", "b.html"], out);
    expect(both.code).toBe(1);
    expect(both.err).toBe(
      "error: --html adds a page beside another --format; with --format html the page goes to --out\n" +
        "hint: use `--format html --out plan.html`, or `--out plan.json --html plan.html` for both files\n",
    );
    const json = await plan(["--format", "html", "--out", "plan.json"], out);
    expect(json.code).toBe(1);
    expect(json.err).toContain(
      "error: --format html writes the HTML page to --out, not a JSON plan: plan.json\n",
    );
    expect(await requestLog(demo.em)).toEqual([]);
    expect(await exists(join(out, "plan.json"))).toBe(false);
    expect(await exists(join(out, "a.html"))).toBe(false);
  });
});
