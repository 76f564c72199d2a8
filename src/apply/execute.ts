// Runs the writes. PATCH and manager writes of all users go out in `$batch` calls of 20 (the
// client sends several at once, bounded by its in-flight limit); photos and authentication methods
// go one request each, users in parallel, each user's mobile/alternateMobile chain in order.
//
// Retrying is the Graph client's job alone (429/503/504 with Retry-After, dropped connections of
// idempotent requests, Directory_ConcurrencyViolation). Apply adds only what the client cannot
// know (graph-contract §7, §8):
//   - a POST that creates a method is not idempotent: when its outcome is unknown (no response,
//     5xx gateway), the user's methods are re-read, and it counts as applied if the method is there
//     with the wanted value, or is sent again if not;
//   - a create refused as a duplicate is checked the same way (our own lost POST may have landed);
//   - a DELETE answered 404 is done (already gone).
// One user's failure never stops the others. Nothing is read back to "verify" (§8).

import type { GraphClient, GraphRequestError } from "../graph/index.js";
import { isGraphRequestError } from "../graph/index.js";
import { canonicalAuthValue } from "../plan/diff-auth.js";
import { mapLimit } from "../util/map-limit.js";
import { failureOf, type WriteFailure } from "./report.js";
import type { UserWork, WriteStep } from "./steps.js";

export type StepResult = { ok: true; note?: string } | { ok: false; error: WriteFailure };

export interface ExecuteOptions {
  graph: Pick<GraphClient, "batch" | "get" | "post" | "patch" | "put" | "delete">;
  /** Called once per user when all of its writes have a final result. */
  onUserDone?: (work: UserWork, failed: boolean) => void;
  /** Users' photo and authentication writes in progress at once; default 8. */
  concurrency?: number;
}

export interface ExecuteResult {
  results: Map<WriteStep, StepResult>;
  /** Chain steps never sent because an earlier step of the chain failed. */
  notAttempted: Map<WriteStep, WriteStep>;
}

/**
 * Graph refuses to delete the phone that is the user's default sign-in (MFA) method, and v1.0 has no
 * call to change that default: a person has to, then the next apply deletes the number.
 */
export const DEFAULT_METHOD_HINT =
  "Graph does not delete the phone that is the user's default sign-in method: change the user's default sign-in method first (the user at https://mysignins.microsoft.com/security-info, or an admin in the Entra admin center: the user's Authentication methods), then run apply again";

const PHONE_METHOD_URL = /\/authentication\/phoneMethods\/[^/]+$/;

/** Statuses after which a POST may or may not have landed. */
const UNKNOWN_OUTCOME = new Set([0, 500, 502, 504]);
/** Sends of one create at most, counting those whose outcome was unknown. */
const POST_ATTEMPTS = 3;

export async function executeWork(
  works: readonly UserWork[],
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const results = new Map<WriteStep, StepResult>();
  const notAttempted = new Map<WriteStep, WriteStep>();
  const remaining = new Map(works.map((w) => [w, w.batch.length + w.direct.length + w.chain.length]));
  const failedUsers = new Set<UserWork>();
  /** Counts `steps` of `work` as finished (`failed` when any of them did not go through). */
  const settle = (work: UserWork, steps: number, failed: boolean) => {
    if (failed) failedUsers.add(work);
    const left = (remaining.get(work) ?? 0) - steps;
    remaining.set(work, left);
    if (left === 0) options.onUserDone?.(work, failedUsers.has(work));
  };
  for (const work of works) if (remaining.get(work) === 0) options.onUserDone?.(work, false);

  const batched = works.flatMap((work) => work.batch.map((step) => ({ work, step })));
  const tasks = works.flatMap((work) => [
    ...work.direct.map((step) => ({ work, steps: [step] })),
    ...(work.chain.length > 0 ? [{ work, steps: work.chain }] : []),
  ]);
  const runBatched = async () => {
    const answers = await runBatchSteps(
      options.graph,
      batched.map((b) => b.step),
    );
    batched.forEach(({ work, step }, i) => {
      const result = answers[i] as StepResult;
      results.set(step, result);
      settle(work, 1, !result.ok);
    });
  };
  const runTask = async ({ work, steps }: { work: UserWork; steps: WriteStep[] }) => {
    for (const [i, step] of steps.entries()) {
      const result = await runDirectStep(options.graph, step);
      results.set(step, result);
      if (result.ok) {
        settle(work, 1, false);
        continue;
      }
      // A chain stops at its first failure: Graph's order rules make the rest pointless.
      const rest = steps.slice(i + 1);
      for (const skipped of rest) notAttempted.set(skipped, step);
      settle(work, 1 + rest.length, true);
      return;
    }
  };
  await Promise.all([runBatched(), mapLimit(tasks, options.concurrency ?? 8, runTask)]);
  return { results, notAttempted };
}

async function runBatchSteps(
  graph: ExecuteOptions["graph"],
  steps: readonly WriteStep[],
): Promise<StepResult[]> {
  if (steps.length === 0) return [];
  // Every batched write is idempotent: a PATCH of absolute values, a `$ref` PUT or DELETE.
  const answers = await graph.batch(
    steps.map((step) => ({
      method: step.method,
      url: step.url,
      ...(step.body === undefined ? {} : { body: step.body }),
      idempotent: true,
    })),
  );
  return answers.map((answer, i) => {
    const step = steps[i] as WriteStep;
    if (answer.ok) return { ok: true };
    if (step.method === "DELETE" && answer.status === 404) return { ok: true, note: "already absent" };
    return { ok: false, error: failureOf(answer.error as GraphRequestError) };
  });
}

async function runDirectStep(graph: ExecuteOptions["graph"], step: WriteStep): Promise<StepResult> {
  let body = step.body;
  if (step.prepare) {
    try {
      body = await step.prepare();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: { status: 0, code: "PhotoError", message, method: step.method, path: step.url },
      };
    }
  }
  let posts = 0;
  let uncertain = false;
  for (;;) {
    if (step.method === "POST") posts++;
    const response = await send(graph, step, body);
    if (response.ok)
      return uncertain ? { ok: true, note: "sent again after an unknown outcome" } : { ok: true };
    const error = response.error;
    if (step.method === "DELETE" && error.status === 404) return { ok: true, note: "already absent" };
    if (step.method === "DELETE" && error.status === 400 && PHONE_METHOD_URL.test(step.url)) {
      // apply deletes an alternateMobile before its mobile, so the rule left that Graph enforces
      // on a phone's deletion is the default sign-in method's (phoneauthenticationmethod-delete).
      return { ok: false, error: { ...failureOf(error), hint: DEFAULT_METHOD_HINT } };
    }
    if (step.creates && error.status === 400) {
      // Graph refuses a second method of a type: that may be our own POST of an earlier attempt
      // whose answer was lost. Look before calling it a failure.
      const found = await methodExists(graph, step);
      if (found === true) return { ok: true, note: "confirmed after an unknown outcome" };
      return { ok: false, error: failureOf(error) };
    }
    if (step.creates && UNKNOWN_OUTCOME.has(error.status)) {
      // The POST may have landed: look before sending it again (never create a duplicate).
      uncertain = true;
      const found = await methodExists(graph, step);
      if (found === true) return { ok: true, note: "confirmed after an unknown outcome" };
      if (found === false && posts < POST_ATTEMPTS) continue;
      return { ok: false, error: failureOf(error) };
    }
    return { ok: false, error: failureOf(error) };
  }
}

async function send(
  graph: ExecuteOptions["graph"],
  step: WriteStep,
  body: unknown,
): Promise<{ ok: true } | { ok: false; error: GraphRequestError }> {
  // PATCH of absolute values, PUT and DELETE repeat harmlessly; a POST that creates does not.
  const options = {
    ...(step.contentType ? { contentType: step.contentType } : {}),
    idempotent: step.method !== "POST",
  };
  try {
    switch (step.method) {
      case "POST":
        await graph.post(step.url, body, options);
        break;
      case "PATCH":
        await graph.patch(step.url, body, options);
        break;
      case "PUT":
        await graph.put(step.url, body, options);
        break;
      case "DELETE":
        await graph.delete(step.url, options);
        break;
      default:
        throw new Error(`unexpected write method ${step.method}`);
    }
    return { ok: true };
  } catch (error) {
    if (isGraphRequestError(error)) return { ok: false, error };
    throw error;
  }
}

/** Whether the method a POST creates is there with the wanted value; undefined if unreadable. */
async function methodExists(graph: ExecuteOptions["graph"], step: WriteStep): Promise<boolean | undefined> {
  const wanted = step.creates;
  if (!wanted) return undefined;
  const user = step.url.split("/authentication/")[0];
  try {
    const list = await graph.get<{ value?: Record<string, unknown>[] }>(
      `${user}/authentication/${wanted.collection}`,
    );
    const kind = wanted.collection === "emailMethods" ? "email" : "mobile";
    return (list?.value ?? []).some((method) => {
      if (wanted.phoneType && method.phoneType !== wanted.phoneType) return false;
      const value = method.emailAddress ?? method.phoneNumber;
      return typeof value === "string" && canonicalAuthValue(kind, value) === wanted.value;
    });
  } catch {
    return undefined;
  }
}
