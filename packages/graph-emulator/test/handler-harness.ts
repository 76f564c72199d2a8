// For handler-level tests, which call a route handler directly: a user to act on, and assertions
// on the GraphHttpError a handler throws (the server would turn it into Graph's error envelope).
import { expect } from "vitest";
import { ANY_APP } from "../src/apps.js";
import { type Caller, GraphHttpError, type StoredUser } from "../src/types.js";

export const ORIGIN = "https://127.0.0.1:8443";
export const USER_ID = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
/** Handlers are called past the permission check: the caller of a state without apps. */
export const CALLER: Caller = ANY_APP;

export function makeUser(overrides: Partial<StoredUser> = {}): StoredUser {
  return {
    props: { id: USER_ID, userPrincipalName: "adele@contoso.com" },
    phoneMethods: [],
    emailMethods: [],
    roles: [],
    eligibleRoles: [],
    ...overrides,
  };
}

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
