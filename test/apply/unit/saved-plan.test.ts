// Reading a saved plan: one line naming the file and what is wrong with it, never a stack.
import { describe, expect, it } from "vitest";
import { readSavedPlan } from "../../../src/apply/saved-plan.js";
import { UsageError } from "../../../src/errors.js";
import { testdir } from "../../helpers/testdir.js";

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
});
