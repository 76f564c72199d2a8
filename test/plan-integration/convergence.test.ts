// Convergence, as a property: whatever drift a tenant has, writing the plan's attribute and manager
// changes to it (straight through the emulator's Graph API, not `roster apply`) leaves nothing for
// the next plan to change, however Graph stores the values.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TenantState } from "@roster/graph-emulator";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Change, Plan } from "../../src/plan/types.js";
import { call, demoState, type Emulator, emulator, exampleRepo, runPlan, stateUser } from "./helpers.js";

/** Writes a plan's attribute and manager changes the way Graph expects them. */
async function applyDirectly(em: Emulator, plan: Plan): Promise<void> {
  for (const user of plan.users) {
    const attributes = user.changes.filter((c) => c.kind === "attribute");
    if (attributes.length > 0)
      await call(em, "PATCH", `/v1.0/users/${user.id}`, await patchBody(em, user.id, attributes));
    const manager = user.changes.find((c) => c.kind === "manager");
    if (manager?.after === null) await call(em, "DELETE", `/v1.0/users/${user.id}/manager/$ref`);
    else if (manager) {
      const { id } = manager.after as { id: string };
      await call(em, "PUT", `/v1.0/users/${user.id}/manager/$ref`, {
        "@odata.id": `https://graph.microsoft.com/v1.0/users/${id}`,
      });
    }
  }
}

/** `employeeOrgData` is replaced whole by a PATCH: send the tenant's other sub-keys along. */
async function patchBody(em: Emulator, id: string, changes: Change[]): Promise<Record<string, unknown>> {
  const { json } = await call(em, "GET", `/v1.0/users/${id}?$select=employeeOrgData`);
  const current = (json as { employeeOrgData?: Record<string, unknown> | null }).employeeOrgData ?? {};
  const body: Record<string, unknown> = {};
  for (const change of changes) {
    const [top, sub] = change.path.split(".") as [string, string | undefined];
    if (!sub) body[top] = change.after;
    else {
      const base = top === "employeeOrgData" ? { ...current } : {};
      body[top] = { ...base, ...(body[top] as object | undefined), [sub]: change.after };
    }
  }
  return body;
}

const writtenChanges = (plan: Plan | undefined) =>
  (plan?.users ?? []).flatMap((u) =>
    u.changes
      .filter((c) => c.kind === "attribute" || c.kind === "manager")
      .map(
        (c) => `${u.userPrincipalName} ${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`,
      ),
  );

const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,./&()-]{0,24}$/);
const phone = fc.integer({ min: 0, max: 9999 }).map((n) => `+1 425 555 ${String(n).padStart(4, "0")}`);

/** One drift of one user: a property changed, cleared or dropped, or the manager moved. */
const edit = fc.oneof(
  fc.record({
    key: fc.constantFrom("jobTitle", "department", "officeLocation", "city", "displayName"),
    value: fc.option(text),
  }),
  fc.record({ key: fc.constant("mobilePhone"), value: fc.option(phone) }),
  fc.record({ key: fc.constant("businessPhones"), value: fc.option(phone.map((p) => [p])) }),
  fc.record({
    key: fc.constantFrom("employeeOrgData.costCenter", "employeeOrgData.division"),
    value: fc.option(text),
  }),
  fc.record({
    key: fc.constant("onPremisesExtensionAttributes.extensionAttribute1"),
    value: fc.option(text),
  }),
  fc.record({ key: fc.constant("streetAddress"), value: fc.option(text) }), // never managed: no change
  fc.record({ key: fc.constant("manager"), value: fc.option(fc.nat()) }),
);

function drift(base: TenantState, edits: { user: number; key: string; value: unknown }[]): TenantState {
  const state = structuredClone(base);
  const upns = state.users.map((u) => u.userPrincipalName);
  for (const { user: index, key, value } of edits) {
    const user = stateUser(state, upns[index % upns.length] as string);
    const [top, sub] = key.split(".") as [string, string | undefined];
    if (key === "manager") {
      if (value === null) delete user.manager;
      else {
        // Anyone but the user: the emulator, like Graph, does not check for cycles.
        const target = upns[(value as number) % upns.length] as string;
        if (target !== user.userPrincipalName) user.manager = target;
      }
    } else if (sub) {
      const object = { ...((user[top] as Record<string, unknown> | undefined) ?? {}) };
      if (value === null) delete object[sub];
      else object[sub] = value;
      user[top] = object;
    } else if (value === null) delete user[top];
    else user[top] = value;
  }
  return state;
}

describe("convergence", () => {
  let em: Emulator;
  let dir: string;
  let base: TenantState;

  beforeAll(async () => {
    // Photos play no part here: leave them out of both sides, which keeps each run fast.
    base = await demoState();
    for (const user of base.users) delete user.photo;
    em = await emulator(base);
    dir = await exampleRepo();
    await rm(join(dir, "photos"), { recursive: true });
    for (const file of ["profiles/executive/megan.bowen.yaml", "profiles/executive/isaiah.langer.yaml"]) {
      const text = await readFile(join(dir, file), "utf8");
      await writeFile(join(dir, file), text.replace(/^photo: .*\n/m, ""));
    }
  });
  afterAll(async () => {
    await em?.close();
  });

  it("applying a plan's attribute and manager changes leaves the next plan without any", async () => {
    let written = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.nat(), edit).map(([user, e]) => ({ user, key: e.key, value: e.value as unknown })),
          { minLength: 1, maxLength: 25 },
        ),
        async (edits) => {
          await call(em, "PUT", "/_emulator/state", drift(base, edits));
          const first = await runPlan(em, dir);
          expect(first.code, first.err).toBe(0);
          const plan = first.plan as Plan;
          expect(plan.errors).toEqual([]);
          for (const u of plan.users) {
            expect(u.changes.map((c) => c.path)).not.toContain("streetAddress");
            expect(u.skipped.map((c) => c.path)).not.toContain("streetAddress");
          }

          written += writtenChanges(plan).length;
          await applyDirectly(em, plan);
          const second = await runPlan(em, dir);
          expect(second.code, second.err).toBe(0);
          expect(writtenChanges(second.plan)).toEqual([]);
          // What roster would not write is still reported, unchanged.
          const skipped = (p: Plan | undefined) =>
            (p?.users ?? []).flatMap((u) => u.skipped.map((s) => `${u.userPrincipalName} ${s.path}`));
          expect(skipped(second.plan)).toEqual(skipped(plan));
        },
      ),
      { numRuns: 10 },
    );
    // The drift was real: the runs planned (and wrote) attribute and manager changes.
    expect(written).toBeGreaterThan(10);
  }, 60_000);
});
