// Assertions for handler-level tests, which see a thrown GraphHttpError rather than an HTTP response.
import { expect } from "vitest";
import { GraphHttpError } from "../../src/emulator/types.js";

/** The GraphHttpError a handler call rejected with (fails the test if it resolved). */
export async function graphError(promise: Promise<unknown>): Promise<GraphHttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphHttpError);
  return error as GraphHttpError;
}

export async function expectGraphError(
  promise: Promise<unknown>,
  status: number,
  code: string,
): Promise<void> {
  const error = await graphError(promise);
  expect({ status: error.status, code: error.code }).toEqual({ status, code });
}
