// Deterministic faults, one of each kind apply must handle, and a write Graph refuses for good.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { userIdFromUpn } from "@roster/graph-emulator";
import { describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.js";
import { control, requestLog, startDemo } from "./helpers.js";

describe("apply with faults that fire a known number of times", () => {
  it("re-reads before re-sending a lost create, lets the client ride out throttling, counts a retried delete done", async () => {
    const demo = await startDemo();
    try {
      const adele = userIdFromUpn("AdeleV@contoso.com");
      const fault = (spec: Record<string, unknown>) => control(demo.em, "POST", "/_emulator/faults", spec);
      await fault({ method: "POST", path: "/authentication/emailMethods$", drop: true, count: 1 });
      // Throttled five times: the client's sixth and last attempt gets through; apply adds none.
      await fault({ method: "PATCH", path: `^/users/${adele}$`, status: 429, retryAfter: 0, count: 5 });
      await fault({ method: "DELETE", path: "/photo/\\$value$", drop: true, count: 1 });
      await fault({ method: "PATCH", path: "/phoneMethods/", status: 504, count: 1 });

      const result = await demo.roster(["apply", "--auto-approve"]);
      expect(result.code, `${result.out}\n${result.err}`).toBe(0);
      const log = await requestLog(demo.em);
      const email = log.filter((r) =>
        [adele, "AdeleV@contoso.com"].some((key) => r.path === `/users/${key}/authentication/emailMethods`),
      );
      // The planning read (batched, by UPN), the lost POST, the check, the POST again: one method created.
      expect(email.map((r) => `${r.method} ${r.status}${r.inBatch ? " batch" : ""}`)).toEqual([
        "GET 200 batch",
        "POST 0",
        "GET 200",
        "POST 201",
      ]);
      const patches = log.filter((r) => r.method === "PATCH" && r.path === `/users/${adele}`);
      expect(patches.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 204]);
      expect(log.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([0, 200]);
      expect((await demo.roster(["plan", "--detailed-exitcode"])).code).toBe(0);
    } finally {
      await demo.close();
    }
  });

  it("rides out a 500 and a 502 on writes that repeat harmlessly, and a 404 of replication lag", async () => {
    const demo = await startDemo();
    try {
      const fault = (spec: Record<string, unknown>) => control(demo.em, "POST", "/_emulator/faults", spec);
      await fault({ method: "PATCH", path: "^/users/[^/]+$", status: 500, count: 1 });
      await fault({ method: "PUT", path: "/photo/\\$value$", status: 502, count: 1 });
      await fault({ method: "PUT", path: "/manager/\\$ref$", status: 404, count: 1 });
      const result = await demo.roster(["apply", "--auto-approve"]);
      expect(result.code, `${result.out}\n${result.err}`).toBe(0);
      const log = await requestLog(demo.em);
      // Each fault fired once and the same request went through on the client's next attempt.
      const tried = (method: string, path: RegExp) =>
        log.filter((r) => r.method === method && path.test(r.path)).map((r) => r.status);
      expect(tried("PATCH", /^\/users\/[^/]+$/)).toContain(500);
      expect(tried("PUT", /\/photo\/\$value$/).slice(0, 2)).toEqual([502, 200]);
      expect(tried("PUT", /\/manager\/\$ref$/).slice(0, 2)).toEqual([404, 204]);
      expect((await demo.roster(["plan", "--detailed-exitcode"])).code).toBe(0);
    } finally {
      await demo.close();
    }
  });

  it("reports a refused write with Graph's code and request id, applies the rest, exits 1", async () => {
    const demo = await startDemo();
    try {
      const debra = userIdFromUpn("DebraB@contoso.com");
      await control(demo.em, "POST", "/_emulator/faults", {
        method: "PUT",
        path: `^/users/${debra}/photo`,
        status: 403,
      });
      const result = await demo.roster(["apply", "--auto-approve", "--report", "report.json"]);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        /^FAILED DebraB@contoso\.com photo: photos\/debra\.berger\.jpg: PUT \/users\/[^ ]+\/photo\/\$value: 403 Authorization_RequestDenied: .*request-id [0-9a-f-]{36}.*\(grant the app the Microsoft Graph application permission ProfilePhoto\.ReadWrite\.All /m,
      );
      const report: ApplyReport = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
      expect(report.outcome).toBe("partial");
      expect(report.summary).toMatchObject({ applied: 14, failed: 1, usersFailed: 1 });
      const failed = report.users.flatMap((u) => u.changes).find((c) => c.status === "failed");
      expect(failed?.error).toMatchObject({ status: 403, code: "Authorization_RequestDenied" });
      expect(failed?.error?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      // Only the refused photo is left: the next plan shows exactly that.
      await control(demo.em, "DELETE", "/_emulator/faults");
      const replan = await demo.roster(["plan", "--detailed-exitcode"]);
      expect(replan.code).toBe(2);
      expect(replan.out).toContain("Plan: 1 change to 1 user");
    } finally {
      await demo.close();
    }
  });

  it("names the permission to grant when a batched read is refused", async () => {
    const demo = await startDemo();
    try {
      await control(demo.em, "POST", "/_emulator/faults", {
        method: "GET",
        path: "/authentication/phoneMethods$",
        status: 403,
      });
      const result = await demo.roster(["plan"]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^error: reading the authentication methods of \S+ failed: HTTP 403 Authorization_RequestDenied$/m,
      );
      expect(result.err).toMatch(
        /^hint: grant the app the Microsoft Graph application permission UserAuthMethod-Phone\.Read\.All /m,
      );
    } finally {
      await demo.close();
    }
  });
});
