// Reading a saved plan: one line naming the file and what is wrong with it, never a stack.
import { describe, expect, it } from "vitest";
import { readSavedPlan } from "../../../src/apply/saved-plan.js";
import { UsageError } from "../../../src/errors.js";
import { serializePlan } from "../../../src/plan/document.js";
import { testdir } from "../../helpers/testdir.js";
import { samplePlan } from "../../render/plans.js";

describe("readSavedPlan", () => {
  it("refuses a missing file, a file that is not JSON, and JSON that is not a plan, naming the file", async () => {
    const dir = await testdir({ "broken.json": "{ nope", "other.json": '{"hello": 1}' });
    await expect(readSavedPlan(`${dir}/missing.json`)).rejects.toThrow(
      new UsageError(`cannot read the plan ${dir}/missing.json: ENOENT`),
    );
    await expect(readSavedPlan(`${dir}/broken.json`)).rejects.toThrow(
      /^cannot read the plan .*broken\.json: not JSON: /,
    );
    const error = (await readSavedPlan(`${dir}/other.json`).catch((e: unknown) => e)) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^.*other\.json is not a roster plan: /);
    // At most five problems are listed.
    expect(error.message.split(": ").slice(1).join(": ").split("; ").length).toBeLessThanOrEqual(5);
  });

  it("lists the first five problems of JSON that is not a plan, word for word", async () => {
    const dir = await testdir({ "other.json": '{"hello": 1}' });
    await expect(readSavedPlan(`${dir}/other.json`)).rejects.toThrow(
      new UsageError(
        `${dir}/other.json is not a roster plan: /: must have required property 'formatVersion'; /: must have required property 'generator'; /: must have required property 'createdAt'; /: must have required property 'tenant'; /: must have required property 'tenantId'`,
      ),
    );
  });

  it("reads a plan as roster plan --out writes it", async () => {
    const document = serializePlan(samplePlan());
    const dir = await testdir({ "plan.json": document });
    expect(await readSavedPlan(`${dir}/plan.json`)).toEqual(JSON.parse(document));
  });
});
