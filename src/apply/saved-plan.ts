// Reading a plan saved by `roster plan --out`: JSON, and a document of schema/plan.schema.json.
import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import type { Plan } from "../plan/types.js";
import { planDocumentErrors } from "../source/schema.js";

export async function readSavedPlan(path: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    const why =
      err instanceof SyntaxError
        ? `not JSON: ${err.message}`
        : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new UsageError(`cannot read the plan ${path}: ${why}`);
  }
  const problems = planDocumentErrors(data);
  if (problems.length > 0) {
    throw new UsageError(`${path} is not a roster plan: ${problems.slice(0, 5).join("; ")}`);
  }
  return data as Plan;
}
