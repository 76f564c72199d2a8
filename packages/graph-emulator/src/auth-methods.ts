// The emulator's authentication contact methods: `/users/{id}/authentication/phoneMethods`,
// `/emailMethods` and the read-only `/methods` overview. Documented rules are enforced (fixed ids,
// one phone per type, `alternateMobile` needs `mobile`, no type change, delete order, one email);
// Graph does not document the status and code of a broken rule, so those follow graph-contract §4.4
// (400 `badRequest`) and unknown method ids answer 404 `itemNotFound`.
// Graph sources: phoneauthenticationmethod, authentication-post-phonemethods,
// phoneauthenticationmethod-update/-delete, authentication-post-emailmethods, and the tutorial
// https://learn.microsoft.com/graph/authenticationmethods-get-started (ids, shapes, contexts).
import {
  authRuleError,
  defaultMethodViolation,
  EMAIL_METHOD_ID,
  isEmailAddress,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
  PHONE_TYPES,
  phoneAdditionViolation,
  smsSignInStateFor,
  sortPhones,
} from "./auth-rules.js";
import { insufficientPrivileges, methodNotAllowed, segmentNotFound } from "./errors.js";
import { readGraphPhoneNumber } from "./phone-number.js";
import { isPrivilegedUser } from "./privileged-roles.js";
import {
  type EmailMethod,
  type EmulatorRequest,
  type EmulatorResponse,
  GraphHttpError,
  type PhoneMethod,
  type PhoneType,
  type StoredUser,
} from "./types.js";

export { EMAIL_METHOD_ID, isPrivilegedTarget, PASSWORD_METHOD_ID, PHONE_METHOD_IDS } from "./auth-rules.js";
export { authMethodsFromState } from "./auth-state.js";

type Body = Record<string, unknown>;

/** Serves one request whose path after `/users/{id|upn}` is `rest` (starting `authentication`). */
export async function handleAuthMethodsRequest(
  req: EmulatorRequest,
  user: StoredUser,
  rest: string[],
): Promise<EmulatorResponse> {
  const [root, collection, id, ...extra] = rest;
  const unexpected = extra[0];
  if (root !== "authentication") throw segmentNotFound(root ?? "");
  if (unexpected !== undefined) throw segmentNotFound(unexpected);
  if (collection === undefined) {
    throw new GraphHttpError(
      501,
      "NotImplemented",
      "The emulator serves only the phone, email and methods lists.",
    );
  }
  const ctx = {
    req,
    user,
    base: `${req.origin}/v1.0/$metadata#users('${userKey(req, rest)}')/authentication`,
  };
  switch (collection) {
    case "phoneMethods":
      return id === undefined ? phoneCollection(ctx) : phoneItem(ctx, id);
    case "emailMethods":
      return id === undefined ? emailCollection(ctx) : emailItem(ctx, id);
    case "methods":
      return methodsOverview(ctx, id);
    default:
      throw segmentNotFound(collection);
  }
}

interface Context {
  req: EmulatorRequest;
  user: StoredUser;
  /** `…/$metadata#users('{key}')/authentication`, the stem of every `@odata.context`. */
  base: string;
}

function phoneCollection({ req, user, base }: Context): EmulatorResponse {
  if (req.method === "GET") {
    rejectQueryOptions(req);
    return { status: 200, body: { "@odata.context": `${base}/phoneMethods`, value: user.phoneMethods } };
  }
  if (req.method !== "POST") throw methodNotAllowed();
  requireWriteAccess(user);
  const body = readBody(
    req,
    "phoneAuthenticationMethod",
    ["phoneNumber", "phoneType"],
    ["id", "smsSignInState"],
  );
  const phoneType = readPhoneType(body.phoneType);
  const phoneNumber = readPhoneNumber(body.phoneNumber);
  const violation = phoneAdditionViolation(user.phoneMethods, phoneType);
  if (violation !== undefined) throw authRuleError(violation);
  const method: PhoneMethod = {
    id: PHONE_METHOD_IDS[phoneType],
    phoneNumber,
    phoneType,
    smsSignInState: smsSignInStateFor(phoneType),
  };
  user.phoneMethods = sortPhones([...user.phoneMethods, method]);
  return created(req, user, `phoneMethods/${method.id}`, {
    "@odata.context": `${base}/phoneMethods/$entity`,
    ...method,
  });
}

function phoneItem({ req, user, base }: Context, id: string): EmulatorResponse {
  const method = user.phoneMethods.find((candidate) => candidate.id === id);
  switch (req.method) {
    case "GET":
      rejectQueryOptions(req);
      return {
        status: 200,
        body: { "@odata.context": `${base}/phoneMethods/$entity`, ...requireMethod(method, id) },
      };
    case "PATCH": {
      requireWriteAccess(user);
      const existing = requireMethod(method, id);
      const body = readBody(
        req,
        "phoneAuthenticationMethod",
        ["phoneNumber", "phoneType"],
        ["id", "smsSignInState"],
      );
      // phoneauthenticationmethod-update: the type may be repeated but never changed.
      if (body.phoneType !== undefined && readPhoneType(body.phoneType) !== existing.phoneType) {
        throw authRuleError(
          "A phone method's phoneType cannot be changed; add the new type, then delete the old one.",
        );
      }
      if (body.phoneNumber !== undefined) existing.phoneNumber = readPhoneNumber(body.phoneNumber);
      return { status: 204 };
    }
    case "DELETE": {
      requireWriteAccess(user);
      const existing = requireMethod(method, id);
      if (
        existing.phoneType === "mobile" &&
        user.phoneMethods.some((m) => m.phoneType === "alternateMobile")
      ) {
        throw authRuleError(
          "The 'mobile' phone method cannot be deleted while an 'alternateMobile' one exists; update the mobile number instead.",
        );
      }
      const isDefault = defaultMethodViolation(user.defaultMethod, existing.phoneType);
      if (isDefault !== undefined) throw authRuleError(isDefault);
      user.phoneMethods = user.phoneMethods.filter((candidate) => candidate !== existing);
      return { status: 204 };
    }
    default:
      throw methodNotAllowed();
  }
}

function emailCollection({ req, user, base }: Context): EmulatorResponse {
  if (req.method === "GET") {
    rejectQueryOptions(req);
    return { status: 200, body: { "@odata.context": `${base}/emailMethods`, value: user.emailMethods } };
  }
  if (req.method !== "POST") throw methodNotAllowed();
  requireWriteAccess(user);
  const body = readBody(req, "emailAuthenticationMethod", ["emailAddress"], ["id"]);
  const emailAddress = readEmailAddress(body.emailAddress);
  // authentication-post-emailmethods: "A user may only have one email authentication method."
  if (user.emailMethods.length > 0) {
    throw authRuleError(
      "The user already has an email authentication method; update it instead of adding one.",
    );
  }
  const method: EmailMethod = { id: EMAIL_METHOD_ID, emailAddress };
  user.emailMethods = [method];
  return created(req, user, `emailMethods/${method.id}`, {
    "@odata.context": `${base}/emailMethods/$entity`,
    ...method,
  });
}

function emailItem({ req, user, base }: Context, id: string): EmulatorResponse {
  const method = user.emailMethods.find((candidate) => candidate.id === id);
  switch (req.method) {
    case "GET":
      rejectQueryOptions(req);
      return {
        status: 200,
        body: { "@odata.context": `${base}/emailMethods/$entity`, ...requireMethod(method, id) },
      };
    case "PATCH": {
      requireWriteAccess(user);
      const existing = requireMethod(method, id);
      const body = readBody(req, "emailAuthenticationMethod", ["emailAddress"], ["id"]);
      if (body.emailAddress === undefined) throw authRuleError("The request must set 'emailAddress'.");
      existing.emailAddress = readEmailAddress(body.emailAddress);
      return { status: 204 };
    }
    case "DELETE":
      requireWriteAccess(user);
      requireMethod(method, id);
      user.emailMethods = [];
      return { status: 204 };
    default:
      throw methodNotAllowed();
  }
}

/** `GET /authentication/methods[/{id}]`: every method with its `@odata.type`, password included. */
function methodsOverview({ req, user, base }: Context, id: string | undefined): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  // Graph's own response tip recommends `$select` here, so it is honoured; other options are refused.
  const select = req.query
    .get("$select")
    ?.split(",")
    .map((name) => name.trim());
  rejectQueryOptions(req, ["$select"]);
  const all: Body[] = [
    ...user.phoneMethods.map((m) => ({ "@odata.type": "#microsoft.graph.phoneAuthenticationMethod", ...m })),
    ...user.emailMethods.map((m) => ({ "@odata.type": "#microsoft.graph.emailAuthenticationMethod", ...m })),
    // Every cloud account has a password method under this tenant-wide id (the tutorial above).
    {
      "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
      id: PASSWORD_METHOD_ID,
      password: null,
      createdDateTime: null,
    },
  ];
  const shown = all.map((method) => (select === undefined ? method : pick(method, select)));
  if (id === undefined) return { status: 200, body: { "@odata.context": `${base}/methods`, value: shown } };
  const method = requireMethod(
    shown.find((_, index) => all[index]?.id === id),
    id,
  );
  return { status: 200, body: { "@odata.context": `${base}/methods/$entity`, ...method } };
}

/** `$select` keeps the named properties; `@odata.type` always stays, as on Graph. */
function pick(method: Body, names: readonly string[]): Body {
  return Object.fromEntries(
    Object.entries(method).filter(([key]) => key === "@odata.type" || names.includes(key)),
  );
}

function created(req: EmulatorRequest, user: StoredUser, path: string, body: Body): EmulatorResponse {
  const location = `${req.origin}/v1.0/users/${user.props.id}/authentication/${path}`;
  return { status: 201, headers: { Location: location }, body };
}

/**
 * The emulated app holds `UserAuthenticationMethod.ReadWrite.All` but no directory role, so, as an
 * Authentication Administrator could not, it may not change the methods of a privileged user.
 */
function requireWriteAccess(user: StoredUser): void {
  if (isPrivilegedUser(user)) throw insufficientPrivileges();
}

/**
 * authentication-list-phonemethods: "This method does not support optional query parameters";
 * the emulator refuses them rather than silently ignoring them (chosen; Graph's answer is not shown).
 */
function rejectQueryOptions(req: EmulatorRequest, allowed: readonly string[] = []): void {
  for (const name of req.query.keys()) {
    if (name.startsWith("$") && !allowed.includes(name))
      throw authRuleError(`Query option '${name}' is not supported on this resource.`);
  }
}

/** Parses a JSON object body, refusing read-only properties and properties the type does not have. */
function readBody(req: EmulatorRequest, type: string, writable: string[], readOnly: string[]): Body {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new GraphHttpError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
  const body = parsed as Body;
  for (const key of Object.keys(body)) {
    if (key === "@odata.type" && body[key] === `#microsoft.graph.${type}`) continue;
    if (readOnly.includes(key)) throw authRuleError(`The property '${key}' is read-only and cannot be set.`);
    if (!writable.includes(key)) {
      throw authRuleError(
        `The property '${key}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type.`,
      );
    }
  }
  return body;
}

function readPhoneType(value: unknown): PhoneType {
  const found = PHONE_TYPES.find((type) => type === value);
  if (found === undefined) {
    throw authRuleError(
      `phoneType must be one of ${PHONE_TYPES.join(", ")}; got ${JSON.stringify(value ?? null)}.`,
    );
  }
  return found;
}

function readPhoneNumber(value: unknown): string {
  const reading = typeof value === "string" ? readGraphPhoneNumber(value) : { problem: "it is not a string" };
  if ("problem" in reading) {
    throw authRuleError(
      `Invalid phone number ${JSON.stringify(value ?? null)} (${reading.problem}): use the format '+{country code} {number}x{extension}', e.g. '+1 5555551234' or '+1 5555551234x123'.`,
    );
  }
  return reading.canonical;
}

function readEmailAddress(value: unknown): string {
  if (typeof value !== "string" || !isEmailAddress(value)) {
    throw authRuleError(`Invalid email address ${JSON.stringify(value ?? null)}.`);
  }
  return value;
}

function requireMethod<T>(method: T | undefined, id: string): T {
  if (method === undefined) {
    throw new GraphHttpError(
      404,
      "itemNotFound",
      `The authentication method '${id}' was not found for this user.`,
    );
  }
  return method;
}

/** The user segment as the client wrote it, percent-encoded as Graph's `@odata.context` shows it. */
function userKey(req: EmulatorRequest, rest: string[]): string {
  return encodeURIComponent(req.segments[req.segments.length - rest.length - 1] ?? "");
}
