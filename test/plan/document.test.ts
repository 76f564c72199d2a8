import { describe, expect, it } from "vitest";
import { serializePlan } from "../../src/plan/document.js";
import type { Plan } from "../../src/plan/types.js";
import { planDocumentErrors } from "../../src/source/schema.js";
import { EMAIL_AFTER, PHONE_AFTER, plan, samplePlan } from "../render/plans.js";

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
  it("round-trips and validates against schema/plan.schema.json", () => {
    for (const p of [samplePlan(), plan(), plan({ commit: null, dirty: true })]) {
      const json = serializePlan(p);
      expect(JSON.parse(json)).toEqual(p);
      expect(planDocumentErrors(JSON.parse(json))).toEqual([]);
    }
  });

  it("is checked by a validator that can say no", () => {
    const broken = JSON.parse(serializePlan(samplePlan()));
    delete broken.users[0].changes[6].beforeDigest; // an authentication change without its digest
    expect(planDocumentErrors(broken)).toEqual([
      "/users/0/changes/6: must have required property 'beforeDigest'",
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

  it("keeps authentication values whole: it is the document apply executes", () => {
    const json = serializePlan(samplePlan());
    expect(json).toContain(JSON.stringify(PHONE_AFTER));
    expect(json).toContain(JSON.stringify(EMAIL_AFTER));
  });
});
