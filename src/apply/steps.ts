// From a planned user to the Graph writes that carry out its changes (graph-contract §1–§4):
//   - one PATCH /users/{id} with every attribute (employeeOrgData whole, extension attributes by
//     sub-key, a UPN rename included), and the manager `$ref` PUT/DELETE: both batchable;
//   - the photo PUT of the normalized JPEG (or DELETE): its own request, never in a batch (§3.5);
//   - authentication methods updated in place (PATCH), created (POST) or deleted, mobile and
//     alternateMobile chained in the order Graph requires (§4.1); office and email independent.
import { join } from "node:path";
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import type { HttpMethod } from "../graph/index.js";
import { preparePhotoFile } from "../photos/prepare.js";
import { actualMethod, authKind, canonicalAuthValue } from "../plan/diff-auth.js";
import type { Change, PlannedUser } from "../plan/types.js";
import type { ActualUser } from "../tenant/types.js";

export interface WriteStep {
  /** Indices into the planned user's `changes` that this one request carries. */
  changes: number[];
  method: HttpMethod;
  /** Version-relative: `/users/{id}/manager/$ref`. */
  url: string;
  body?: unknown;
  /** Builds a binary body when the step runs (the normalized photo), so few are held at once. */
  prepare?: () => Promise<Buffer>;
  contentType?: string;
  /** For an authentication-method POST: what to look for when its outcome is unknown. */
  creates?: { collection: "phoneMethods" | "emailMethods"; phoneType?: string; value: string };
}

export interface UserWork {
  user: PlannedUser;
  /** PATCH and manager: independent, batchable, idempotent. */
  batch: WriteStep[];
  /** Photo, office phone, email: one request each, independent of each other. */
  direct: WriteStep[];
  /** mobile / alternateMobile: run in this order, stopping at the first failure. */
  chain: WriteStep[];
  /** Changes that cannot be turned into a request, with why. */
  invalid: Map<number, string>;
}

export interface StepContext {
  state: DesiredState;
  /** The profile of a tenant user, by lower-cased object id (the pairing of src/tenant/pairing.ts). */
  profileOfUser: ReadonlyMap<string, DesiredProfile>;
  /** `https://graph.microsoft.com/v1.0`: the base of `@odata.id` references. */
  serviceRoot: string;
}

const COLLECTIONS = new Set(["businessPhones", "otherMails"]);

/** Builds the writes for the changes at `indices` (the ones still to apply). */
export function buildUserWork(
  user: PlannedUser,
  indices: readonly number[],
  actual: ActualUser | undefined,
  context: StepContext,
): UserWork {
  const work: UserWork = { user, batch: [], direct: [], chain: [], invalid: new Map() };
  const chosen = indices.map((index) => ({ index, change: user.changes[index] as Change }));
  const base = `/users/${encodeURIComponent(user.id)}`;

  const attributes = chosen.filter((c) => c.change.kind === "attribute");
  if (attributes.length > 0) {
    const body: Record<string, unknown> = {};
    const included: number[] = [];
    for (const { index, change } of attributes) {
      const problem = addAttribute(body, change, actual);
      if (problem) work.invalid.set(index, problem);
      else included.push(index);
    }
    if (included.length > 0) work.batch.push({ changes: included, method: "PATCH", url: base, body });
  }

  for (const { index, change } of chosen) {
    if (change.kind === "manager") {
      const after = change.after as { id: string } | null;
      work.batch.push(
        after
          ? {
              changes: [index],
              method: "PUT",
              url: `${base}/manager/$ref`,
              body: { "@odata.id": `${context.serviceRoot}/users/${after.id}` },
            }
          : { changes: [index], method: "DELETE", url: `${base}/manager/$ref` },
      );
    } else if (change.kind === "photo") {
      const profile = context.profileOfUser.get(user.id.toLowerCase());
      const step = photoStep(index, change, base, profile, context.state);
      if (typeof step === "string") work.invalid.set(index, step);
      else work.direct.push(step);
    }
  }

  const auth = chosen.filter((c) => c.change.kind === "authMethod");
  const order = (c: Change): number => {
    const kind = authKind(c);
    // Graph: mobile before alternateMobile when adding; alternateMobile removed before mobile.
    if (c.action === "remove") return kind === "alternateMobile" ? 2 : 3;
    return kind === "mobile" ? 0 : 1;
  };
  for (const { index, change } of auth.sort((a, b) => order(a.change) - order(b.change))) {
    const step = authStep(index, change, actual, base);
    if (typeof step === "string") work.invalid.set(index, step);
    else if (["mobile", "alternateMobile"].includes(authKind(change))) work.chain.push(step);
    else work.direct.push(step);
  }
  return work;
}

/** Adds one attribute change to the PATCH body; returns a problem when it cannot. */
function addAttribute(body: Record<string, unknown>, change: Change, actual: ActualUser | undefined) {
  const [top, sub] = change.path.split(".") as [string, string | undefined];
  if (sub === undefined) {
    body[top] = change.after === null && COLLECTIONS.has(top) ? [] : change.after;
    return undefined;
  }
  if (top === "employeeOrgData") {
    // Graph replaces the whole object: the sub-key roster does not manage keeps the tenant's value.
    if (!actual) return "the current employeeOrgData could not be read";
    if (body.employeeOrgData === undefined) {
      const current = (actual.properties.employeeOrgData ?? {}) as Record<string, unknown>;
      body.employeeOrgData = { division: current.division ?? null, costCenter: current.costCenter ?? null };
    }
  } else {
    body[top] ??= {};
  }
  (body[top] as Record<string, unknown>)[sub] = change.after;
  return undefined;
}

function photoStep(
  index: number,
  change: Change,
  base: string,
  profile: DesiredProfile | undefined,
  state: DesiredState,
): WriteStep | string {
  const url = `${base}/photo/$value`;
  if (change.after === null) return { changes: [index], method: "DELETE", url };
  const file = (change.after as { file?: string }).file;
  // Upload only the file the repository names for this user, never a path taken from the plan alone.
  const photo = profile?.photo;
  if (photo?.kind !== "file" || photo.path !== file)
    return `the repository does not name ${file ?? "this photo"} for this user`;
  const absolutePath = join(state.root, photo.path);
  return {
    changes: [index],
    method: "PUT",
    url,
    contentType: "image/jpeg",
    prepare: async () => (await preparePhotoFile(absolutePath, state.config.photos)).jpeg,
  };
}

function authStep(
  index: number,
  change: Change,
  actual: ActualUser | undefined,
  base: string,
): WriteStep | string {
  const kind = authKind(change);
  const collection = kind === "email" ? "emailMethods" : "phoneMethods";
  const url = `${base}/authentication/${collection}`;
  const existing = actual?.authentication ? actualMethod(actual.authentication, kind) : undefined;
  const methodId = existing?.id ?? change.methodId;
  if (change.action !== "add" && !methodId) return `no ${kind} method id to update or delete`;
  if (change.action === "remove") return { changes: [index], method: "DELETE", url: `${url}/${methodId}` };
  const value = typeof change.after === "string" ? canonicalAuthValue(kind, change.after) : "";
  if (value === "") return "no value to write";
  const sent = kind === "email" ? (change.after as string).trim() : value;
  const field = kind === "email" ? { emailAddress: sent } : { phoneNumber: sent };
  if (change.action === "update") {
    // Update in place: deleting and re-adding would briefly leave the user without the method.
    return { changes: [index], method: "PATCH", url: `${url}/${methodId}`, body: field };
  }
  return {
    changes: [index],
    method: "POST",
    url,
    body: kind === "email" ? field : { ...field, phoneType: kind },
    creates: { collection, ...(kind === "email" ? {} : { phoneType: kind }), value },
  };
}
