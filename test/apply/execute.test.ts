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

describe("buildUserWork, each kind word for word", () => {
  it("writes every change it is given and only those, with one index per manager step", () => {
    const user = plannedUser([
      change({ kind: "attribute", path: "jobTitle", action: "update", before: "A", after: "B" }),
      change({ kind: "manager", path: "manager", action: "remove", before: { id: "m0" }, after: null }),
      change({ kind: "attribute", path: "department", action: "add", after: "Sales" }),
      change({
        kind: "manager",
        path: "manager",
        action: "add",
        after: { id: "m1", userPrincipalName: "m@x" },
      }),
    ]);
    const work = buildUserWork(user, [1, 2], actual, context);
    expect(work.batch).toEqual([
      { changes: [2], method: "PATCH", url: "/users/u1", body: { department: "Sales" } },
      { changes: [1], method: "DELETE", url: "/users/u1/manager/$ref" },
    ]);
    expect(buildUserWork(user, [3], actual, context).batch).toEqual([
      {
        changes: [3],
        method: "PUT",
        url: "/users/u1/manager/$ref",
        body: { "@odata.id": "https://graph.example/v1.0/users/m1" },
      },
    ]);
    expect(buildUserWork(user, [], actual, context)).toMatchObject({ batch: [], direct: [], chain: [] });
  });

  it("clears a collection with [] and any other attribute with null", () => {
    const user = plannedUser([
      change({ kind: "attribute", path: "otherMails", action: "remove", before: ["a@x"], after: null }),
      change({ kind: "attribute", path: "jobTitle", action: "remove", before: "A", after: null }),
    ]);
    expect(buildUserWork(user, all(user), actual, context).batch[0]?.body).toEqual({
      otherMails: [],
      jobTitle: null,
    });
  });

  it("keeps the tenant's other employeeOrgData key, null when it has none, and refuses when it was not read", () => {
    const cost = plannedUser([
      change({ kind: "attribute", path: "employeeOrgData.costCenter", action: "add", after: "7" }),
    ]);
    const bare = { ...actual, properties: {} };
    expect(buildUserWork(cost, [0], bare, context).batch[0]?.body).toEqual({
      employeeOrgData: { division: null, costCenter: "7" },
    });
    const division = plannedUser([
      change({ kind: "attribute", path: "employeeOrgData.division", action: "update", after: "Online" }),
    ]);
    expect(buildUserWork(division, [0], actual, context).batch[0]?.body).toEqual({
      employeeOrgData: { division: "Online", costCenter: "1" },
    });
    const work = buildUserWork(cost, [0], undefined, context);
    expect(work.batch).toEqual([]);
    expect([...work.invalid]).toEqual([[0, "the current employeeOrgData could not be read"]]);
  });

  it("uploads the photo the repository names for the user as a JPEG, and deletes one", () => {
    const named = {
      ...context,
      state: { ...state, root: "/repo" } as DesiredState,
      profileOfUser: new Map([
        ["u1", { photo: { kind: "file", path: "photos/a.jpg", absolutePath: "/repo/photos/a.jpg", source } }],
      ]) as unknown as typeof context.profileOfUser,
    };
    const user = plannedUser([
      change({ kind: "photo", path: "photo", action: "add", after: { file: "photos/a.jpg", hash: "0" } }),
      change({ kind: "photo", path: "photo", action: "remove", before: { etag: "e" }, after: null }),
    ]);
    const upload = buildUserWork({ ...user, id: "U1" }, [0], actual, named).direct;
    expect(upload.map((s) => [s.changes, s.method, s.url, s.contentType, typeof s.prepare])).toEqual([
      [[0], "PUT", "/users/U1/photo/$value", "image/jpeg", "function"],
    ]);
    expect(buildUserWork(user, [1], actual, context).direct).toEqual([
      { changes: [1], method: "DELETE", url: "/users/u1/photo/$value" },
    ]);
    const other = plannedUser([
      change({ kind: "photo", path: "photo", action: "add", after: { file: "photos/b.jpg", hash: "0" } }),
    ]);
    expect([...buildUserWork(other, [0], actual, named).invalid]).toEqual([
      [0, "the repository does not name photos/b.jpg for this user"],
    ]);
    const noFile = plannedUser([
      change({ kind: "photo", path: "photo", action: "add", after: { hash: "0" } }),
    ]);
    expect([...buildUserWork(noFile, [0], actual, named).invalid]).toEqual([
      [0, "the repository does not name this photo for this user"],
    ]);
  });

  it("writes each method as Graph wants it, and refuses what it cannot write", () => {
    const none = { ...actual, authentication: { phoneMethods: [], emailMethods: [] } };
    const user = plannedUser([
      change({
        kind: "authMethod",
        path: "authentication.email",
        action: "add",
        after: "  Adele@Personal.example ",
      }),
      change({
        kind: "authMethod",
        path: "authentication.office",
        action: "add",
        after: "+1 (425) 555-0100",
      }),
      change({ kind: "authMethod", path: "authentication.office", action: "update", after: "+1 4255550100" }),
      change({
        kind: "authMethod",
        path: "authentication.email",
        action: "remove",
        before: "x",
        methodId: "e9",
      }),
      change({ kind: "authMethod", path: "authentication.mobile", action: "add", after: "  " }),
      change({ kind: "authMethod", path: "authentication.mobile", action: "add", after: 7 }),
    ]);
    const work = buildUserWork(user, all(user), none, context);
    expect(work.direct).toEqual([
      {
        changes: [0],
        method: "POST",
        url: "/users/u1/authentication/emailMethods",
        body: { emailAddress: "Adele@Personal.example" },
        creates: { collection: "emailMethods", value: "adele@personal.example" },
      },
      {
        changes: [1],
        method: "POST",
        url: "/users/u1/authentication/phoneMethods",
        body: { phoneNumber: "+1 4255550100", phoneType: "office" },
        creates: { collection: "phoneMethods", phoneType: "office", value: "+1 4255550100" },
      },
      { changes: [3], method: "DELETE", url: "/users/u1/authentication/emailMethods/e9" },
    ]);
    // In Graph's order: mobile adds come first.
    expect([...work.invalid]).toEqual([
      [4, "no value to write"],
      [5, "no value to write"],
      [2, "no office method id to update or delete"],
    ]);
    // The tenant's method id wins over the plan's, and no tenant methods read leaves the plan's.
    const update = plannedUser([
      change({
        kind: "authMethod",
        path: "authentication.mobile",
        action: "update",
        after: "+1 4255550101",
        methodId: "stale-id",
      }),
    ]);
    expect(buildUserWork(update, [0], actual, context).chain[0]?.url).toBe(
      "/users/u1/authentication/phoneMethods/m-mobile",
    );
    expect(buildUserWork(update, [0], { ...actual, authentication: undefined }, context).chain[0]?.url).toBe(
      "/users/u1/authentication/phoneMethods/stale-id",
    );
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

/** A fake Graph for hand-made steps: records each call with its options, answers from `answer`. */
function recordingGraph(answer: (method: string, path: string) => unknown) {
  const calls: { method: string; path: string; body?: unknown; options?: unknown }[] = [];
  const write = (method: string) => async (path: string, body?: unknown, options?: unknown) => {
    calls.push({ method, path, body, options });
    return answer(method, path);
  };
  const graph = {
    post: write("POST"),
    patch: write("PATCH"),
    put: write("PUT"),
    delete: async (path: string, options?: unknown) => {
      calls.push({ method: "DELETE", path, options });
      return answer("DELETE", path);
    },
    get: async (path: string) => {
      calls.push({ method: "GET", path });
      return answer("GET", path);
    },
    batch: async (items: readonly { method: string; url: string; body?: unknown }[]) =>
      Promise.all(
        items.map(async (item) => {
          calls.push({ method: `batch ${item.method}`, path: item.url, options: item });
          try {
            await answer(item.method, item.url);
            return { status: 204, ok: true, headers: {}, body: undefined, attempts: 1 };
          } catch (error) {
            const e = error as GraphRequestError;
            return { status: e.status, ok: false, headers: {}, body: undefined, error: e, attempts: 1 };
          }
        }),
      ),
  };
  return { calls, graph: graph as unknown as ExecuteOptions["graph"] };
}

function workOf(steps: Partial<Pick<UserWork, "batch" | "direct" | "chain">>): UserWork {
  return {
    user: plannedUser([]),
    batch: steps.batch ?? [],
    direct: steps.direct ?? [],
    chain: steps.chain ?? [],
    invalid: new Map(),
  };
}

describe("executeWork, each answer", () => {
  it("sends batched writes as idempotent, with a body only where the step has one; a batched DELETE answered 404 is done, a PUT is not", async () => {
    const patch = { changes: [0], method: "PATCH" as const, url: "/users/u1", body: { jobTitle: "B" } };
    const unset = { changes: [1], method: "DELETE" as const, url: "/users/u1/manager/$ref" };
    const set = {
      changes: [0],
      method: "PUT" as const,
      url: "/users/u2/manager/$ref",
      body: { "@odata.id": "x" },
    };
    const { graph, calls } = recordingGraph((method, path) => {
      if (path.endsWith("$ref")) throw graphError(method, path, 404, "Request_ResourceNotFound");
      return undefined;
    });
    const first = workOf({ batch: [patch, unset] });
    const second = workOf({ batch: [set] });
    const { results } = await executeWork([first, second], { graph });
    expect(calls.map((c) => c.options)).toEqual([
      { method: "PATCH", url: "/users/u1", body: { jobTitle: "B" }, idempotent: true },
      { method: "DELETE", url: "/users/u1/manager/$ref", idempotent: true },
      { method: "PUT", url: "/users/u2/manager/$ref", body: { "@odata.id": "x" }, idempotent: true },
    ]);
    expect(results.get(patch)).toEqual({ ok: true });
    expect(results.get(unset)).toEqual({ ok: true, note: "already absent" });
    expect(results.get(set)).toMatchObject({
      ok: false,
      error: { status: 404, code: "Request_ResourceNotFound" },
    });
  });

  it("sends direct writes with their content type, idempotent except a POST", async () => {
    const photo = {
      changes: [0],
      method: "PUT" as const,
      url: "/users/u1/photo/$value",
      prepare: async () => Buffer.from("jpeg"),
      contentType: "image/jpeg",
    };
    const office = {
      changes: [1],
      method: "PATCH" as const,
      url: "/users/u1/authentication/phoneMethods/o1",
      body: {},
    };
    const email = {
      changes: [2],
      method: "POST" as const,
      url: "/users/u1/authentication/emailMethods",
      body: { emailAddress: "a@b.example" },
    };
    const { graph, calls } = recordingGraph(() => undefined);
    const { results } = await executeWork([workOf({ direct: [photo, office, email] })], {
      graph,
      concurrency: 1,
    });
    expect(calls.map((c) => [c.method, c.path, c.options])).toEqual([
      ["PUT", "/users/u1/photo/$value", { contentType: "image/jpeg", idempotent: true }],
      ["PATCH", "/users/u1/authentication/phoneMethods/o1", { idempotent: true }],
      ["POST", "/users/u1/authentication/emailMethods", { idempotent: false }],
    ]);
    expect(calls[0]?.body).toEqual(Buffer.from("jpeg"));
    expect([photo, office, email].map((s) => results.get(s))).toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
  });

  it("fails a photo that cannot be prepared without sending anything", async () => {
    const photo = {
      changes: [0],
      method: "PUT" as const,
      url: "/users/u1/photo/$value",
      prepare: async () => {
        throw new Error("photos/a.jpg: unsupported image format");
      },
      contentType: "image/jpeg",
    };
    const { graph, calls } = recordingGraph(() => undefined);
    const { results } = await executeWork([workOf({ direct: [photo] })], { graph });
    expect(results.get(photo)).toEqual({
      ok: false,
      error: {
        status: 0,
        code: "PhotoError",
        message: "photos/a.jpg: unsupported image format",
        method: "PUT",
        path: "/users/u1/photo/$value",
      },
    });
    expect(calls).toEqual([]);
  });

  it("names the default sign-in method when Graph refuses to delete a phone, and only for a phone", async () => {
    const phone = {
      changes: [0],
      method: "DELETE" as const,
      url: "/users/u1/authentication/phoneMethods/m1",
    };
    const mail = { changes: [1], method: "DELETE" as const, url: "/users/u1/authentication/emailMethods/e1" };
    const { graph } = recordingGraph((method, path) => {
      throw graphError(method, path, 400, "badRequest");
    });
    const { results } = await executeWork([workOf({ direct: [phone, mail] })], { graph });
    expect(results.get(phone)).toMatchObject({
      ok: false,
      error: {
        status: 400,
        code: "badRequest",
        hint: "Graph does not delete the phone that is the user's default sign-in method: change the user's default sign-in method first (the user at https://mysignins.microsoft.com/security-info, or an admin in the Entra admin center: the user's Authentication methods), then run apply again",
      },
    });
    const plain = results.get(mail);
    expect(plain).toMatchObject({ ok: false, error: { status: 400, code: "badRequest" } });
    expect(plain?.ok === false && plain.error.hint).toBeFalsy();
  });

  it("sends a create at most 3 times while each answer is lost and the method is not there, looking after each", async () => {
    const { graph, calls } = recordingGraph((method, path) => {
      if (method === "GET") return { value: [] };
      throw graphError(method, path, 500, "generalException");
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(calls.map((c) => c.method)).toEqual(["POST", "GET", "POST", "GET", "POST", "GET"]);
    expect(results.get(work.direct[0]!)).toMatchObject({
      ok: false,
      error: { status: 500, code: "generalException" },
    });
  });

  it("says a create was sent again after an unknown outcome; stops when the methods cannot be read", async () => {
    let posts = 0;
    const again = recordingGraph((method, path) => {
      if (method === "POST" && posts++ === 0) throw graphError("POST", path, 502, "badGateway");
      return { value: [] };
    });
    const work = emailAdd();
    const sent = await executeWork([work], { graph: again.graph });
    expect(sent.results.get(work.direct[0]!)).toEqual({
      ok: true,
      note: "sent again after an unknown outcome",
    });

    const unreadable = recordingGraph((method, path) => {
      throw graphError(
        method,
        path,
        method === "GET" ? 403 : 504,
        method === "GET" ? "forbidden" : "gatewayTimeout",
      );
    });
    const stopped = await executeWork([work], { graph: unreadable.graph });
    expect(unreadable.calls.map((c) => c.method)).toEqual(["POST", "GET"]);
    expect(stopped.results.get(work.direct[0]!)).toMatchObject({ ok: false, error: { status: 504 } });
  });

  it("looks for a lost create by its phone type and Graph's form of the number", async () => {
    const mobileAdd = {
      changes: [0],
      method: "POST" as const,
      url: "/users/u1/authentication/phoneMethods",
      body: { phoneType: "mobile", phoneNumber: "+1 4255550101" },
      creates: { collection: "phoneMethods" as const, phoneType: "mobile", value: "+1 4255550101" },
    };
    const listing = (phoneType: string, phoneNumber: string) =>
      recordingGraph((method, path) => {
        if (method === "GET") return { value: [{ id: "p1", phoneType, phoneNumber }] };
        throw graphError(method, path, 0, "ECONNRESET");
      });
    const same = listing("mobile", "+1 (425) 555-0101");
    const found = await executeWork([workOf({ chain: [mobileAdd] })], { graph: same.graph });
    expect(found.results.get(mobileAdd)).toEqual({ ok: true, note: "confirmed after an unknown outcome" });
    expect(same.calls.map((c) => [c.method, c.path])).toEqual([
      ["POST", "/users/u1/authentication/phoneMethods"],
      ["GET", "/users/u1/authentication/phoneMethods"],
    ]);
    // The same number as an alternate mobile is not the mobile that was sent.
    const other = listing("alternateMobile", "+1 4255550101");
    const missing = await executeWork([workOf({ chain: [mobileAdd] })], { graph: other.graph });
    expect(other.calls.filter((c) => c.method === "POST")).toHaveLength(3);
    expect(missing.results.get(mobileAdd)?.ok).toBe(false);
  });

  it("reports each user done once, after all of their writes, and a user without writes at once", async () => {
    const patch = { changes: [0], method: "PATCH" as const, url: "/users/u1", body: {} };
    const photo = { changes: [1], method: "DELETE" as const, url: "/users/u1/photo/$value" };
    const mobile = {
      changes: [2],
      method: "PATCH" as const,
      url: "/users/u1/authentication/phoneMethods/m1",
      body: {},
    };
    const alternate = {
      changes: [3],
      method: "DELETE" as const,
      url: "/users/u1/authentication/phoneMethods/a1",
    };
    const busy = workOf({ batch: [patch], direct: [photo], chain: [mobile, alternate] });
    const idle = workOf({});
    const { graph } = recordingGraph((method, path) => {
      if (path.endsWith("/a1")) throw graphError(method, path, 403, "Authorization_RequestDenied");
      return undefined;
    });
    const done: [UserWork, boolean][] = [];
    const { results, notAttempted } = await executeWork([busy, idle], {
      graph,
      onUserDone: (work, failed) => done.push([work, failed]),
    });
    expect(done).toEqual([
      [idle, false],
      [busy, true],
    ]);
    expect(results.get(mobile)).toEqual({ ok: true });
    expect(notAttempted.size).toBe(0);
  });

  it("fails a create refused for a reason other than a lost answer or a duplicate at once, without looking", async () => {
    const { graph, calls } = recordingGraph((method, path) => {
      throw graphError(method, path, 403, "Authorization_RequestDenied");
    });
    const work = emailAdd();
    const { results } = await executeWork([work], { graph });
    expect(calls.map((c) => c.method)).toEqual(["POST"]);
    expect(results.get(work.direct[0]!)).toMatchObject({ ok: false, error: { status: 403 } });
  });

  it("lets an error that is not Graph's through", async () => {
    const patch = { changes: [0], method: "PATCH" as const, url: "/users/u1", body: {} };
    const { graph } = recordingGraph(() => {
      throw new TypeError("a bug");
    });
    await expect(executeWork([workOf({ direct: [patch] })], { graph })).rejects.toThrow("a bug");
  });
});
