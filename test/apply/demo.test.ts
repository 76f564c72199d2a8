// Applying the demo plan: every kind of change lands as planned, nothing else is touched, and a
// second plan finds nothing to do.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.js";
import { demoToken } from "../helpers/demo-apps.js";
import {
  type Demo,
  type DumpedUser,
  emails,
  phones,
  requestLog,
  startDemo,
  userOf,
  users,
  writes,
} from "./helpers.js";

let demo: Demo;
let before: Map<string, DumpedUser>;
let after: Map<string, DumpedUser>;
let plan: { users: { userPrincipalName: string; id: string; changes: { path: string }[] }[] };
let report: ApplyReport;
let summaryMarkdown: string;
let applied: { code: number; out: string; err: string };
let replan: { code: number; out: string; err: string };
let log: Awaited<ReturnType<typeof requestLog>>;

const get = (map: Map<string, DumpedUser>, upn: string) => map.get(upn.toLowerCase()) as DumpedUser;

const bytesOf = (dataUri: unknown) => Buffer.from(String(dataUri).split(",")[1] ?? "", "base64");

/**
 * How far apart two pictures look: the mean absolute difference of their 16×16 grey thumbnails,
 * 0 to 255. An oracle of its own (sharp's resize, no hash), so the test does not judge the planner's
 * photo comparison with the planner's own perceptualHash and threshold.
 */
async function lookApart(a: Buffer, b: Buffer): Promise<number> {
  const thumb = (image: Buffer) =>
    sharp(image).rotate().resize(16, 16, { fit: "fill" }).greyscale().raw().toBuffer();
  const [x, y] = [await thumb(a), await thumb(b)];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

beforeAll(async () => {
  demo = await startDemo();
  before = await users(demo.em);
  const planned = await demo.roster(["plan", "--out", "plan.json", "--detailed-exitcode"]);
  expect(planned.code).toBe(2);
  plan = JSON.parse(await readFile(join(demo.work, "plan.json"), "utf8"));
  const stepSummary = join(demo.work, "step-summary.md");
  applied = await demo.roster(["apply", "plan.json", "--auto-approve", "--report", "report.json"], {
    env: { ROSTER_ACCESS_TOKEN: demoToken("roster-apply"), GITHUB_STEP_SUMMARY: stepSummary },
  });
  log = await requestLog(demo.em);
  after = await users(demo.em);
  report = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
  summaryMarkdown = await readFile(stepSummary, "utf8");
  replan = await demo.roster(["plan", "--detailed-exitcode"]);
});

afterAll(async () => {
  await demo?.close();
});

describe("roster apply of the demo plan", () => {
  it("exits 0 and a second plan shows no changes", () => {
    expect(applied.err).not.toContain("internal error");
    expect(applied.code).toBe(0);
    expect(applied.out).toContain("Apply complete: 15 changes applied to 12 users.");
    expect(replan.out).toContain("No changes.");
    expect(replan.code).toBe(0);
  });

  it("converges: the same plan applied again writes nothing and says so", async () => {
    const again = await demo.roster(["apply", "plan.json", "--auto-approve"]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain(
      "Apply complete: nothing to write; the tenant already holds all 15 planned changes.",
    );
    expect(again.out).not.toMatch(/Sensitive changes/);
  });

  it("writes attributes as planned, employeeOrgData whole, extension attributes by key", () => {
    expect(get(after, "AdeleV@contoso.com").jobTitle).toBe("Account Executive");
    expect(get(after, "ChristieC@contoso.com").mobilePhone ?? null).toBeNull();
    expect(get(after, "DiegoS@contoso.com").officeLocation).toBe("Building 18/2100");
    expect(get(after, "PattiF@contoso.com").employeeOrgData).toEqual({
      division: "Corporate",
      costCenter: "1100",
    });
    expect(get(after, "EmilyB@contoso.com").onPremisesExtensionAttributes).toMatchObject({
      extensionAttribute1: "badge-7715",
    });
    expect(get(after, "MeganB@contoso.com").jobTitle).toBe("Chief Executive Officer");
  });

  it("sets and replaces managers", () => {
    expect(get(before, "CameronW@contoso.com").manager).toBeUndefined();
    expect(get(after, "CameronW@contoso.com").manager).toBe("AllanD@contoso.com");
    expect(get(after, "JoniS@contoso.com").manager).toBe("LidiaH@contoso.com");
  });

  it("uploads, replaces and removes photos", async () => {
    expect(get(before, "DebraB@contoso.com").photo).toBeUndefined();
    const debra = get(after, "DebraB@contoso.com").photo;
    expect(debra).toMatch(/^data:image\/jpeg;base64,/);
    expect(get(after, "IsaiahL@contoso.com").photo).toBeUndefined();
    const lynne = get(after, "LynneR@contoso.com").photo;
    expect(lynne).not.toBe(get(before, "LynneR@contoso.com").photo);
    const wanted = await readFile(join(demo.dir, "photos", "lynne.robbins.jpg"));
    // Re-encoded twice (roster's upload, the emulator's store), the repository's photo is what the
    // tenant now shows; the photo it replaced was another picture.
    expect(await lookApart(bytesOf(lynne), wanted)).toBeLessThan(3);
    expect(await lookApart(bytesOf(get(before, "LynneR@contoso.com").photo), wanted)).toBeGreaterThan(20);
    // The normalized upload: fitted within 648 px (the emulator keeps its own re-encoding).
    const meta = await sharp(bytesOf(debra)).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(648);
  });

  it("updates authentication methods in place and adds the missing one, without duplicates", () => {
    const adele = get(after, "AdeleV@contoso.com");
    expect(phones(adele).find((m) => m.phoneType === "office")?.phoneNumber).toBe("+1 4255550121");
    expect(emails(adele).map((m) => m.emailAddress)).toEqual(["adele.vance@personal.example"]);
    const johanna = get(after, "JohannaL@contoso.com");
    expect(phones(johanna).find((m) => m.phoneType === "alternateMobile")?.phoneNumber).toBe("+1 2065550161");
    for (const user of after.values()) {
      const types = phones(user).map((m) => m.phoneType);
      expect(new Set(types).size).toBe(types.length);
      expect(emails(user).length).toBeLessThanOrEqual(1);
    }
    // Updated in place: PATCH on the method, never a delete and re-create.
    const authWrites = writes(log).filter((r) => r.path.includes("/authentication/"));
    expect(authWrites.map((r) => r.method).sort()).toEqual(["PATCH", "PATCH", "POST"]);
  });

  it("leaves the synced user, the unmanaged users and everyone outside the plan untouched", () => {
    const planned = new Set(
      plan.users.filter((u) => u.changes.length > 0).map((u) => u.userPrincipalName.toLowerCase()),
    );
    expect(planned.has("pradeepg@contoso.com")).toBe(false);
    for (const [upn, user] of before) {
      if (planned.has(upn)) continue;
      expect(after.get(upn), upn).toEqual(user);
    }
    for (const upn of ["breakglass@contoso.com", "svc-scanner@contoso.com", "conf-room-a@contoso.com"])
      expect(after.get(upn)).toEqual(before.get(upn));
    const plannedIds = new Set(plan.users.filter((u) => u.changes.length > 0).map((u) => u.id.toLowerCase()));
    for (const write of writes(log)) expect(plannedIds.has(userOf(write.path)), write.path).toBe(true);
  });

  it("changes on planned users only the planned properties", () => {
    const touched: Record<string, string[]> = {};
    for (const user of plan.users) {
      touched[user.userPrincipalName.toLowerCase()] = user.changes.map((c) => c.path.split(".")[0] as string);
    }
    for (const [upn, paths] of Object.entries(touched)) {
      const was = before.get(upn) as DumpedUser;
      const now = after.get(upn) as DumpedUser;
      const changed = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter(
        (key) => JSON.stringify(was[key]) !== JSON.stringify(now[key]),
      );
      const allowed = new Set(paths.map((p) => (p === "authentication" ? "authentication" : p)));
      for (const key of changed) expect(allowed.has(key), `${upn}: ${key}`).toBe(true);
    }
  });

  it("batches the profile writes and sends photos and authentication methods alone", () => {
    const patches = log.filter((r) => r.method === "PATCH" && /^\/users\/[^/]+$/.test(r.path));
    expect(patches.length).toBe(6);
    expect(patches.every((r) => r.inBatch)).toBe(true);
    expect(log.filter((r) => r.path.endsWith("/manager/$ref")).every((r) => r.inBatch)).toBe(true);
    expect(
      log.filter((r) => r.path.endsWith("/photo/$value") && r.method !== "GET").every((r) => !r.inBatch),
    ).toBe(true);
  });

  it("writes a JSON report and a markdown job summary", () => {
    expect(report.formatVersion).toBe(1);
    expect(report.generator).toMatch(/^roster /);
    expect(report.plan.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(report.plan.file).toBe("plan.json");
    expect(report.outcome).toBe("applied");
    expect(report.summary).toMatchObject({ changes: 15, applied: 15, failed: 0, stale: 0, skipped: 1 });
    expect(report.requests.total).toBeGreaterThan(0);
    expect(report.requests.byMethod.PUT).toBe(2);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));
    const adele = report.users.find((u) => u.userPrincipalName === "AdeleV@contoso.com");
    expect(adele?.changes.map((c) => c.status)).toEqual(["applied", "applied", "applied"]);
    // Authentication values never appear whole in the report.
    const text = JSON.stringify(report);
    expect(text).not.toContain("4255550121");
    expect(text).not.toContain("adele.vance@personal.example");
    expect(summaryMarkdown).toContain("### roster apply: ✅");
    expect(summaryMarkdown).not.toContain("adele.vance@personal.example");
  });
});
