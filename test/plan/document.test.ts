import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planDigest, serializePlan } from "../../src/plan/document.js";
import { maskAuthValue } from "../../src/plan/mask.js";
import type { Plan } from "../../src/plan/types.js";
import { planDocumentErrors } from "../../src/source/schema.js";
import { EMAIL_AFTER, PHONE_AFTER, plan, samplePlan } from "../render/plans.js";

/** JSON.stringify replacer that masks authentication values as the plan document does. */
function maskedAuth(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (
    (key === "before" || key === "after") &&
    typeof this.path === "string" &&
    this.path.startsWith("authentication.")
  ) {
    return maskAuthValue(this.path, value);
  }
  return value;
}

/** The same plan with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

describe("serializePlan", () => {
  it("round-trips (but for masked authentication values) and validates against schema/plan.schema.json", () => {
    for (const p of [samplePlan(), plan(), plan({ commit: null, dirty: true })]) {
      const json = serializePlan(p);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(p, maskedAuth)));
      expect(planDocumentErrors(JSON.parse(json))).toEqual([]);
    }
  });

  it("is checked by a validator that can say no", () => {
    const broken = JSON.parse(serializePlan(samplePlan()));
    broken.users[0].changes[0].beforeDigest = "sha256:0"; // a digest on an attribute, and unkeyed
    expect(planDocumentErrors(broken)).toEqual([
      "/users/0/changes/0/beforeDigest: boolean schema is false",
      '/users/0/changes/0/beforeDigest: must match pattern "^hmac-sha256:[0-9a-f]{64}$"',
    ]);
  });

  it("writes 2-space JSON with a trailing newline, in the schema's key order whatever the build order", () => {
    const json = serializePlan(samplePlan());
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.split("\n").slice(0, 7)).toEqual([
      "{",
      '  "formatVersion": 2,',
      '  "generator": "roster 0.1.0",',
      '  "createdAt": "2025-01-15T09:30:00.000Z",',
      '  "tenant": "contoso.onmicrosoft.com",',
      '  "tenantId": "c0d1e2f3-0000-4000-8000-000000000001",',
      '  "graphUrl": "https://graph.microsoft.com",',
    ]);
    expect(serializePlan(reversedKeys(samplePlan()) as Plan)).toBe(json);
    const position = JSON.stringify(JSON.parse(json).users[0].changes[0].source);
    expect(position).toBe('{"file":"profiles/sales/adele.vance.yaml","line":2,"col":1}');
  });

  it("holds authentication values only masked, on both sides (plan files are uploaded as artifacts)", () => {
    const json = serializePlan(samplePlan());
    // The in-memory plan holds them whole (apply writes them); the document never does.
    expect(JSON.stringify(samplePlan())).toContain(PHONE_AFTER.replace(/\D/g, "").slice(1));
    expect(json.replace(/\D/g, "")).not.toContain(PHONE_AFTER.replace(/\D/g, "").slice(1));
    expect(json).not.toContain(EMAIL_AFTER);
    expect(json).toContain('"a•••@personal.example"');
  });
});

describe("serializePlan, keys the schema does not name", () => {
  it("writes them after the known keys, in alphabetical order whatever the build order", () => {
    const p = plan();
    const value = { zeta: 1, costCenter: "CC-1", alpha: 2, division: "Retail" };
    const withValue = {
      ...p,
      users: [
        {
          userPrincipalName: "AdeleV@contoso.com",
          id: "id-adele",
          file: "profiles/adele.yaml",
          roles: [],
          onPremisesSyncEnabled: false,
          changes: [
            {
              kind: "attribute",
              action: "add",
              path: "employeeOrgData",
              before: null,
              after: value,
              source: { file: "profiles/adele.yaml", line: 3, col: 1 },
              sensitive: false,
            },
          ],
          skipped: [],
        },
      ],
    } as Plan;
    const after = JSON.parse(serializePlan(withValue)).users[0].changes[0].after;
    expect(Object.keys(after)).toEqual(["alpha", "costCenter", "division", "zeta"]);
  });
});

describe("planDigest", () => {
  it("is sha256: and the hex SHA-256 of the document exactly as written", () => {
    const p = samplePlan();
    const bytes = serializePlan(p);
    const digest = planDigest(p);
    expect(digest).toBe(`sha256:${createHash("sha256").update(bytes, "utf8").digest("hex")}`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planDigest(reversedKeys(p) as Plan)).toBe(digest);
    expect(planDigest({ ...p, createdAt: "2025-01-15T09:30:00.001Z" })).not.toBe(digest);
  });
});
