// Runs the writes. PATCH and manager writes of all users go out in `$batch` calls of 20 (the
// client sends several at once, bounded by its in-flight limit); photos and authentication methods
// go one request each, users in parallel, each user's mobile/alternateMobile chain in order.
//
// Faults (graph-contract §7, §8): the client already retries 429/503/504 with Retry-After, and
// dropped connections for idempotent requests. On top of that:
//   - a POST that creates a method is not idempotent: when its outcome is unknown (no response,
//     5xx gateway), the user's methods are re-read, and it counts as applied if the method is there
//     with the wanted value, or is sent again if not;
//   - a DELETE answered 404 is done (a retry of a delete that landed, or already gone);
//   - a 404 on a just-written object is retried shortly (replication lag);
//   - whatever still failed transiently is tried again in a later round, up to `maxRounds`.
// One user's failure never stops the others. Nothing is read back to "verify" (§8).

import type { GraphClient, GraphRequestError } from "../graph/index.js";
import { isGraphRequestError } from "../graph/index.js";
import { canonicalAuthValue } from "../plan/diff-auth.js";
import { mapLimit } from "../util/map-limit.js";
import { failureOf, type WriteFailure } from "./report.js";
import type { UserWork, WriteStep } from "./steps.js";

export type StepResult = { ok: true; note?: string } | { ok: false; error: WriteFailure; transient: boolean };

export interface ExecuteOptions {
  graph: Pick<GraphClient, "batch" | "get" | "post" | "patch" | "put" | "delete">;
  /** Called once per user when all of its writes have a final result. */
  onUserDone?: (work: UserWork, failed: boolean) => void;
  /** Rounds for transient failures; default 3. */
  maxRounds?: number;
  /** Users' photo and authentication writes in progress at once; default 8. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ExecuteResult {
  results: Map<WriteStep, StepResult>;
  /** Chain steps never sent because an earlier step of the chain failed. */
  notAttempted: Map<WriteStep, WriteStep>;
}

/** Statuses after which a retry later may succeed. 404 only for writes that are not deletes. */
const TRANSIENT_STATUSES = new Set([0, 404, 408, 429, 500, 502, 503, 504]);
/** Statuses after which a POST may or may not have landed. */
const UNKNOWN_OUTCOME = new Set([0, 500, 502, 504]);
const NOT_FOUND_RETRIES = 2;
const NOT_FOUND_DELAY_MS = 300;
const POST_ATTEMPTS = 3;
const ROUND_DELAY_MS = 500;

interface Task {
  work: UserWork;
  steps: WriteStep[];
}

export async function executeWork(
  works: readonly UserWork[],
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRounds = options.maxRounds ?? 3;
  const results = new Map<WriteStep, StepResult>();
  const notAttempted = new Map<WriteStep, WriteStep>();
  const remaining = new Map(works.map((w) => [w, w.batch.length + w.direct.length + w.chain.length]));
  const failedUsers = new Set<UserWork>();
  const settle = (work: UserWork, count: number, failed: boolean) => {
    if (failed) failedUsers.add(work);
    const left = (remaining.get(work) ?? 0) - count;
    remaining.set(work, left);
    if (left === 0) options.onUserDone?.(work, failedUsers.has(work));
  };
  for (const work of works) if (remaining.get(work) === 0) options.onUserDone?.(work, false);

  let batch = works.flatMap((work) => work.batch.map((step) => ({ work, step })));
  let tasks: Task[] = works.flatMap((work) => [
    ...work.direct.map((step) => ({ work, steps: [step] })),
    ...(work.chain.length > 0 ? [{ work, steps: work.chain }] : []),
  ]);

  for (let round = 1; round <= maxRounds && (batch.length > 0 || tasks.length > 0); round++) {
    if (round > 1) await sleep(ROUND_DELAY_MS * (round - 1));
    const last = round === maxRounds;
    const retryBatch: typeof batch = [];
    const retryTasks: Task[] = [];
    const runBatchRound = async () => {
      const answers = await runBatchSteps(
        options.graph,
        batch.map((b) => b.step),
      );
      batch.forEach(({ work, step }, i) => {
        const result = answers[i] as StepResult;
        results.set(step, result);
        if (!result.ok && result.transient && !last) retryBatch.push({ work, step });
        else settle(work, 1, !result.ok);
      });
    };
    const runTask = async (task: Task) => {
      for (const [i, step] of task.steps.entries()) {
        const result = await runDirectStep(options.graph, step, sleep);
        results.set(step, result);
        if (result.ok) {
          settle(task.work, 1, false);
          continue;
        }
        if (result.transient && !last) {
          retryTasks.push({ work: task.work, steps: task.steps.slice(i) });
          return;
        }
        const rest = task.steps.slice(i + 1);
        for (const skipped of rest) notAttempted.set(skipped, step);
        settle(task.work, 1 + rest.length, true);
        return;
      }
    };
    await Promise.all([runBatchRound(), mapLimit(tasks, options.concurrency ?? 8, runTask)]);
    batch = retryBatch;
    tasks = retryTasks;
  }
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
    const error = answer.error as GraphRequestError;
    return { ok: false, error: failureOf(error), transient: isTransient(error) };
  });
}

async function runDirectStep(
  graph: ExecuteOptions["graph"],
  step: WriteStep,
  sleep: (ms: number) => Promise<void>,
): Promise<StepResult> {
  let body = step.body;
  if (step.prepare) {
    try {
      body = await step.prepare();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        transient: false,
        error: { status: 0, code: "PhotoError", message, method: step.method, path: step.url },
      };
    }
  }
  let notFound = 0;
  let posts = 0;
  let uncertain = false;
  for (;;) {
    if (step.method === "POST") posts++;
    const response = await send(graph, step, body);
    if (response.ok)
      return uncertain ? { ok: true, note: "sent again after an unknown outcome" } : { ok: true };
    const error = response.error;
    if (step.method === "DELETE" && error.status === 404) return { ok: true, note: "already absent" };
    if (step.creates && error.status === 400) {
      // Graph refuses a second method of a type: that may be our own POST of an earlier attempt or
      // round whose answer was lost. Look before calling it a failure.
      const found = await methodExists(graph, step);
      if (found === true) return { ok: true, note: "confirmed after an unknown outcome" };
      return { ok: false, error: failureOf(error), transient: found === undefined };
    }
    if (step.creates && UNKNOWN_OUTCOME.has(error.status)) {
      // The POST may have landed: look before sending it again (never create a duplicate).
      uncertain = true;
      const found = await methodExists(graph, step);
      if (found === true) return { ok: true, note: "confirmed after an unknown outcome" };
      if (found === false && posts < POST_ATTEMPTS) continue;
      return { ok: false, error: failureOf(error), transient: true };
    }
    if (error.status === 404 && notFound < NOT_FOUND_RETRIES) {
      // Just-written objects can read as missing for a moment (graph-contract §8).
      await sleep(NOT_FOUND_DELAY_MS * 2 ** notFound);
      notFound++;
      continue;
    }
    return { ok: false, error: failureOf(error), transient: isTransient(error) };
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

function isTransient(error: { status: number; code: string; method: string }): boolean {
  if (error.code === "Directory_ConcurrencyViolation") return true;
  if (error.status === 404) return error.method !== "DELETE";
  return TRANSIENT_STATUSES.has(error.status);
}
