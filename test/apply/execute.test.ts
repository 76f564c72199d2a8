// The write logic without a server: request shapes and order, and what happens when Graph's answer
// is lost (an unknown outcome), a delete finds nothing, or a chain step fails.
import { describe, expect, it } from "vitest";
import { type ExecuteOptions, executeWork } from "../../src/apply/execute.js";
import { buildUserWork, type UserWork } from "../../src/apply/steps.js";
import type { DesiredState } from "../../src/desired/types.js";
import { GraphRequestError } from "../../src/graph/index.js";
import type { Change, PlannedUser } from "../../src/plan/types.js";
import type { ActualUser } from "../../src/tenant/types.js";

const source = { file: "profiles/a.yaml", line: 1, col: 1 };
const state = {
  root: "/repo",
  profiles: [],
  config: { photos: { maxPixels: 648, quality: 90 } },
} as unknown as DesiredState;
const context = { state, serviceRoot: "https://graph.example/v1.0", profileOfUser: new Map() };

function change(partial: Partial<Change> & Pick<Change, "kind" | "path" | "action">): Change {
  return { before: null, after: null, source, sensitive: false, ...partial };
}

function plannedUser(changes: Change[]): PlannedUser {
  return {
    userPrincipalName: "a@contoso.com",
    id: "u1",
    file: "profiles/a.yaml",
    roles: [],
    onPremisesSyncEnabled: false,
    changes,
    skipped: [],
  };
}

const actual: ActualUser = {
  id: "u1",
  userPrincipalName: "a@contoso.com",
  onPremisesSyncEnabled: false,
  previouslySynced: false,
  properties: { employeeOrgData: { division: "Stores", costCenter: "1" } },
  roles: [],
  authentication: {
    phoneMethods: [{ id: "m-mobile", phoneType: "mobile", phoneNumber: "+1 4255550100" }],
    emailMethods: [],
  },
};

const all = (user: PlannedUser) => user.changes.map((_, i) => i);

function graphError(method: string, path: string, status: number, code = `HTTP${status}`) {
  return new GraphRequestError({ method, path, status, code, message: "boom", requestId: "rid-1" });
}

/** A fake Graph: records every write and answers from `answer` (throw to fail). */
function fakeGraph(answer: (method: string, path: string, body: unknown) => unknown) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const write = (method: string) => async (path: string, body?: unknown) => {
    calls.push({ method, path, body });
    return answer(method, path, body);
  };
  const graph = {
    post: write("POST"),
    patch: write("PATCH"),
    put: write("PUT"),
    delete: async (path: string) => {
      calls.push({ method: "DELETE", path, body: undefined });
      await answer("DELETE", path, undefined);
    },
    get: write("GET") as never,
    batch: async (items: readonly { method: string; url: string; body?: unknown }[]) =>
      Promise.all(
        items.map(async (item) => {
          calls.push({ method: item.method, path: item.url, body: item.body });
          try {
            await answer(item.method, item.url, item.body);
            return { status: 204, ok: true, headers: {}, body: undefined, attempts: 1 };
          } catch (error) {
            const e = error as GraphRequestError;
            return {
              status: e.status,
              ok: false,
              headers: {},
              body: undefined,
              error: e,
              errorCode: e.code,
              attempts: 1,
            };
          }
        }),
      ),
  };
  return { calls, graph: graph as unknown as ExecuteOptions["graph"] };
}

describe("buildUserWork", () => {
  it("puts every attribute in one PATCH, employeeOrgData whole and extension attributes by key", () => {
    const user = plannedUser([
      change({ kind: "attribute", path: "jobTitle", action: "update", before: "A", after: "B" }),
      change({
        kind: "attribute",
        path: "employeeOrgData.costCenter",
        action: "update",
        before: "1",
        after: "2",
      }),
      change({
        kind: "attribute",
        path: "onPremisesExtensionAttributes.extensionAttribute3",
        action: "add",
        after: "x",
      }),
      change({ kind: "attribute", path: "businessPhones", action: "remove", before: ["+1 1"], after: null }),
    ]);
    const work = buildUserWork(user, all(user), actual, context);
    expect(work.batch).toEqual([
      {
        changes: [0, 1, 2, 3],
        method: "PATCH",
        url: "/users/u1",
        body: {
          jobTitle: "B",
          employeeOrgData: { division: "Stores", costCenter: "2" },
          onPremisesExtensionAttributes: { extensionAttribute3: "x" },
          businessPhones: [],
        },
      },
    ]);
  });

  it("references the manager by the service root and removes it with DELETE $ref", () => {
    const set = plannedUser([
      change({
        kind: "manager",
        path: "manager",
        action: "add",
        after: { id: "m1", userPrincipalName: "m@x" },
      }),
    ]);
    expect(buildUserWork(set, [0], actual, context).batch[0]).toMatchObject({
      method: "PUT",
      url: "/users/u1/manager/$ref",
      body: { "@odata.id": "https://graph.example/v1.0/users/m1" },
    });
    const remove = plannedUser([
      change({ kind: "manager", path: "manager", action: "remove", before: { id: "m1" } }),
    ]);
    expect(buildUserWork(remove, [0], actual, context).batch[0]).toMatchObject({ method: "DELETE" });
  });

  it("orders phone methods as Graph requires and updates in place", () => {
    const user = plannedUser([
      change({
        kind: "authMethod",
        path: "authentication.alternateMobile",
        action: "add",
        after: "+1 4255550199",
      }),
      change({
        kind: "authMethod",
        path: "authentication.mobile",
        action: "update",
        after: "+1 425 555 0101",
        methodId: "m-mobile",
      }),
      change({ kind: "authMethod", path: "authentication.email", action: "add", after: "a@b.example" }),
    ]);
    const work = buildUserWork(user, all(user), actual, context);
    expect(work.chain.map((s) => [s.method, s.url, s.body])).toEqual([
      ["PATCH", "/users/u1/authentication/phoneMethods/m-mobile", { phoneNumber: "+1 4255550101" }],
      [
        "POST",
        "/users/u1/authentication/phoneMethods",
        { phoneNumber: "+1 4255550199", phoneType: "alternateMobile" },
      ],
    ]);
    expect(work.direct.map((s) => [s.method, s.url, s.body])).toEqual([
      ["POST", "/users/u1/authentication/emailMethods", { emailAddress: "a@b.example" }],
    ]);
  });

  it("removes alternateMobile before mobile", () => {
    const withAlternate = {
      ...actual,
      authentication: {
        phoneMethods: [
          { id: "m-mobile", phoneType: "mobile" as const, phoneNumber: "+1 4255550100" },
          { id: "m-alt", phoneType: "alternateMobile" as const, phoneNumber: "+1 4255550101" },
        ],
        emailMethods: [],
      },
    };
    const user = plannedUser([
      change({ kind: "authMethod", path: "authentication.mobile", action: "remove", before: "x" }),
      change({ kind: "authMethod", path: "authentication.alternateMobile", action: "remove", before: "y" }),
    ]);
    const work = buildUserWork(user, all(user), withAlternate, context);
    expect(work.chain.map((s) => s.url.split("/").pop())).toEqual(["m-alt", "m-mobile"]);
  });

  it("refuses to upload a photo the repository does not name for the user", () => {
    const user = plannedUser([
      change({ kind: "photo", path: "photo", action: "add", after: { file: "../../etc/passwd", hash: "0" } }),
    ]);
    const work = buildUserWork(user, [0], actual, context);
    expect(work.direct).toEqual([]);
    expect(work.invalid.get(0)).toContain("does not name");
  });
});

function emailAdd(): UserWork {
  const user = plannedUser([
    change({ kind: "authMethod", path: "authentication.email", action: "add", after: "a@b.example" }),
  ]);
  return buildUserWork(user, [0], actual, context);
}

describe("executeWork", () => {
  it("counts a POST whose answer was lost as applied when the method is there, without sending it again", async () => {
    const { graph, calls } = fakeGraph((method, path) => {
      if (method === "POST") throw graphError("POST", path, 0, "ECONNRESET");
      return { value: [{ id: "e1", emailAddress: "A@b.example" }] };
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(results.get(work.direct[0]!)).toEqual({ ok: true, note: "confirmed after an unknown outcome" });
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET"]);
  });

  it("sends a POST again when the re-read shows it did not land", async () => {
    let posts = 0;
    const { graph, calls } = fakeGraph((method, path) => {
      if (method === "POST" && posts++ === 0) throw graphError("POST", path, 504, "GatewayTimeout");
      return { value: [] };
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(results.get(work.direct[0]!)?.ok).toBe(true);
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET", "POST"]);
  });

  it("fails a POST refused outright, with Graph's code and request id, after one look, and does not retry it", async () => {
    const { graph, calls } = fakeGraph((method, path) => {
      if (method === "GET") return { value: [] };
      throw graphError(method, path, 400, "badRequest");
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(results.get(work.direct[0]!)).toMatchObject({
      ok: false,
      error: { status: 400, code: "badRequest", requestId: "rid-1" },
    });
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET"]);
  });

  it("counts a create refused as a duplicate as done when the method is there: an earlier POST whose answer was lost landed", async () => {
    const { graph, calls } = fakeGraph((method, path) => {
      if (method === "GET") return { value: [{ id: "e1", emailAddress: "a@b.example" }] };
      throw graphError(method, path, 400, "badRequest");
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(results.get(work.direct[0]!)).toEqual({ ok: true, note: "confirmed after an unknown outcome" });
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET"]);
  });

  it("counts a DELETE answered 404 as done", async () => {
    const user = plannedUser([
      change({ kind: "photo", path: "photo", action: "remove", before: { etag: "x" } }),
    ]);
    const work = buildUserWork(user, [0], actual, context);
    const { graph } = fakeGraph((method, path) => {
      throw graphError(method, path, 404, "ImageNotFound");
    });
    const { results } = await executeWork([work], { graph });
    expect(results.get(work.direct[0]!)).toEqual({ ok: true, note: "already absent" });
  });

  it("leaves retrying to the client: a write the client gave up on fails once; a chain stops at its first failure", async () => {
    const user = plannedUser([
      change({ kind: "attribute", path: "jobTitle", action: "update", before: "A", after: "B" }),
      change({ kind: "authMethod", path: "authentication.mobile", action: "update", after: "+1 4255550101" }),
      change({
        kind: "authMethod",
        path: "authentication.alternateMobile",
        action: "add",
        after: "+1 4255550199",
      }),
    ]);
    const work = buildUserWork(user, all(user), actual, context);
    const { graph, calls } = fakeGraph((method, path) => {
      // What the client returns once its own retries are spent.
      if (path === "/users/u1") throw graphError(method, path, 503, "serviceNotAvailable");
      if (path.includes("phoneMethods/")) throw graphError(method, path, 403, "Authorization_RequestDenied");
      return undefined;
    });
    const done: boolean[] = [];
    const { results, notAttempted } = await executeWork([work], {
      graph,
      onUserDone: (_w, failed) => done.push(failed),
    });
    expect(results.get(work.batch[0]!)).toMatchObject({ ok: false, error: { status: 503 } });
    expect(calls.filter((c) => c.path === "/users/u1")).toHaveLength(1);
    expect(results.get(work.chain[0]!)).toMatchObject({
      ok: false,
      error: { code: "Authorization_RequestDenied" },
    });
    expect(notAttempted.get(work.chain[1]!)).toBe(work.chain[0]);
    expect(results.has(work.chain[1]!)).toBe(false);
    expect(calls.some((c) => c.method === "POST")).toBe(false);
    expect(done).toEqual([true]);
  });
});
