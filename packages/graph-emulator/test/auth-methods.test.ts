import { describe, expect, it } from "vitest";
import {
  authMethodsFromState,
  EMAIL_METHOD_ID,
  handleAuthMethodsRequest,
  isPrivilegedTarget,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
} from "../src/auth-methods.js";
import type { EmulatorRequest, StoredUser } from "../src/types.js";
import { CALLER, expectGraphError, graphError, makeUser, ORIGIN, USER_ID } from "./handler-harness.js";

const MOBILE = "3179e48a-750b-4051-897c-87b9720928f7";
const ALTERNATE = "b6332ec1-7057-4abe-9331-3d72feddfe41";
const OFFICE = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
const CONTEXT = `${ORIGIN}/v1.0/$metadata#users('${USER_ID}')/authentication`;

interface CallOptions {
  body?: unknown;
  query?: string;
  key?: string;
}

function call(user: StoredUser, method: string, path: string, options: CallOptions = {}) {
  const rest = path.split("/");
  const key = options.key ?? USER_ID;
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
  const req: EmulatorRequest = {
    method,
    path: `/users/${key}/${path}`,
    segments: ["users", key, ...rest],
    query: new URLSearchParams(options.query ?? ""),
    headers: options.body === undefined ? {} : { "content-type": "application/json" },
    body,
    origin: ORIGIN,
    inBatch: false,
    caller: CALLER,
  };
  return handleAuthMethodsRequest(req, user, rest);
}

function addPhone(user: StoredUser, phoneType: string, phoneNumber: string) {
  return call(user, "POST", "authentication/phoneMethods", { body: { phoneNumber, phoneType } });
}

describe("well-known ids", () => {
  it("match Graph's fixed ids per phone type, for email and for password", () => {
    expect(PHONE_METHOD_IDS).toEqual({ mobile: MOBILE, alternateMobile: ALTERNATE, office: OFFICE });
    expect(EMAIL_METHOD_ID).toBe("3ddfcfc8-9383-446f-83cc-3ab9be4be18f");
    expect(PASSWORD_METHOD_ID).toBe("28c10230-6103-485e-b985-444c60001490");
  });
});

describe("phone methods", () => {
  it("lists none for a new user, with the collection's @odata.context", async () => {
    expect(await call(makeUser(), "GET", "authentication/phoneMethods")).toEqual({
      status: 200,
      body: { "@odata.context": `${CONTEXT}/phoneMethods`, value: [] },
    });
  });

  it("creates a mobile with 201, the fixed id, a Location and the number", async () => {
    const user = makeUser();
    const response = await addPhone(user, "mobile", "+1 4255550100");
    expect(response).toEqual({
      status: 201,
      headers: { Location: `${ORIGIN}/v1.0/users/${USER_ID}/authentication/phoneMethods/${MOBILE}` },
      body: {
        "@odata.context": `${CONTEXT}/phoneMethods/$entity`,
        id: MOBILE,
        phoneNumber: "+1 4255550100",
        phoneType: "mobile",
        smsSignInState: "notAllowedByPolicy",
      },
    });
    expect(user.phoneMethods).toEqual([
      { id: MOBILE, phoneNumber: "+1 4255550100", phoneType: "mobile", smsSignInState: "notAllowedByPolicy" },
    ]);
  });

  it("reads a number back differently from how it was sent: the trunk prefix goes", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+44 07777777777");
    const body = (await call(user, "GET", `authentication/phoneMethods/${MOBILE}`)).body;
    expect(body).toMatchObject({ phoneNumber: "+44 7777777777" });
  });

  it.each(["+1 5555551234", "+1 5555551234x123"])(
    "accepts Microsoft's own example %j as it is (the length is checked, not the numbering plan)",
    async (phoneNumber) => {
      const user = makeUser();
      expect((await addPhone(user, "office", phoneNumber)).status).toBe(201);
      expect(user.phoneMethods[0]?.phoneNumber).toBe(phoneNumber);
    },
  );

  it("keeps an extension", async () => {
    const user = makeUser();
    await addPhone(user, "office", "+1 4255550100x123");
    expect(user.phoneMethods[0]?.phoneNumber).toBe("+1 4255550100x123");
  });

  it("uses each type's fixed id and lists phones in type order", async () => {
    const user = makeUser();
    await addPhone(user, "office", "+1 4255550199");
    await addPhone(user, "mobile", "+1 2065555555");
    await addPhone(user, "alternateMobile", "+1 2065555556");
    const list = (await call(user, "GET", "authentication/phoneMethods")).body as { value: unknown[] };
    expect(list.value).toEqual([
      { id: MOBILE, phoneNumber: "+1 2065555555", phoneType: "mobile", smsSignInState: "notAllowedByPolicy" },
      {
        id: ALTERNATE,
        phoneNumber: "+1 2065555556",
        phoneType: "alternateMobile",
        smsSignInState: "notSupported",
      },
      { id: OFFICE, phoneNumber: "+1 4255550199", phoneType: "office", smsSignInState: "notSupported" },
    ]);
  });

  it.each([
    ["no plus", "1 4255550100"],
    ["no space after the country code", "+14255550100"],
    ["a wrong country-code split", "+14 255550100"],
    ["too short", "+1 425555"],
    ["letters", "+1 425-CALL-NOW"],
    ["an unknown country code", "+999 123456789"],
    ["dashes inside the number", "+1 425-555-0100"],
    ["parentheses and spaces inside the number", "+1 (206) 555 5554"],
    ["two spaces after the country code", "+1  4255550100"],
    ["an upper-case extension mark", "+1 4255550100X12"],
    ["a spelled-out extension", "+1 4255550100 ext 12"],
    ["empty", ""],
  ])("refuses a number with %s (%j) with 400 badRequest", async (_, phoneNumber) => {
    const user = makeUser();
    await expectGraphError(addPhone(user, "mobile", phoneNumber), 400, "badRequest");
    expect(user.phoneMethods).toEqual([]);
  });

  it.each([
    [{ phoneType: "mobile" }],
    [{ phoneNumber: 4255550100, phoneType: "mobile" }],
    [{ phoneNumber: "+1 4255550100" }],
    [{ phoneNumber: "+1 4255550100", phoneType: "pager" }],
    [{ phoneNumber: "+1 4255550100", phoneType: "mobile", smsSignInState: "ready" }],
    [{ phoneNumber: "+1 4255550100", phoneType: "mobile", id: MOBILE }],
    [{ phoneNumber: "+1 4255550100", phoneType: "mobile", nickname: "work" }],
  ])("refuses the body %j with 400", async (body) => {
    await expectGraphError(
      call(makeUser(), "POST", "authentication/phoneMethods", { body }),
      400,
      "badRequest",
    );
  });

  it("accepts the type's own @odata.type in the body", async () => {
    const body = {
      "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
      phoneNumber: "+1 4255550100",
      phoneType: "mobile",
    };
    expect((await call(makeUser(), "POST", "authentication/phoneMethods", { body })).status).toBe(201);
  });

  it.each(["not json", "[1, 2]", "null"])(
    "refuses the malformed body %j with 400 BadRequest",
    async (body) => {
      await expectGraphError(
        call(makeUser(), "POST", "authentication/phoneMethods", { body }),
        400,
        "BadRequest",
      );
    },
  );

  it("refuses a second phone of the same type", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    const error = await graphError(addPhone(user, "mobile", "+1 4255550101"));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: "badRequest" });
    expect(error.message).toContain("already has a 'mobile'");
    expect(user.phoneMethods.map((m) => m.phoneNumber)).toEqual(["+1 4255550100"]);
  });

  it("refuses an alternateMobile until the user has a mobile", async () => {
    const user = makeUser();
    await addPhone(user, "office", "+1 4255550100");
    await expectGraphError(addPhone(user, "alternateMobile", "+1 4255550101"), 400, "badRequest");
    await addPhone(user, "mobile", "+1 4255550102");
    expect((await addPhone(user, "alternateMobile", "+1 4255550101")).status).toBe(201);
  });

  it("gets one phone by id with the entity @odata.context", async () => {
    const user = makeUser();
    await addPhone(user, "office", "+1 4255550100");
    expect(await call(user, "GET", `authentication/phoneMethods/${OFFICE}`)).toEqual({
      status: 200,
      body: {
        "@odata.context": `${CONTEXT}/phoneMethods/$entity`,
        id: OFFICE,
        phoneNumber: "+1 4255550100",
        phoneType: "office",
        smsSignInState: "notSupported",
      },
    });
  });

  it.each([
    ["a fixed id the user does not have", MOBILE],
    ["an id that is not a phone method", "00000000-0000-0000-0000-000000000000"],
  ])("answers %s with 404 itemNotFound", async (_, id) => {
    const user = makeUser();
    await addPhone(user, "office", "+1 4255550100");
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { phoneNumber: "+1 4255550111" } : undefined;
      await expectGraphError(
        call(user, method, `authentication/phoneMethods/${id}`, { body }),
        404,
        "itemNotFound",
      );
    }
  });

  it("updates the number with PATCH (204) and stores it canonically", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    const response = await call(user, "PATCH", `authentication/phoneMethods/${MOBILE}`, {
      body: { phoneNumber: "+44 07700900123", phoneType: "mobile" },
    });
    expect(response).toEqual({ status: 204 });
    expect(user.phoneMethods[0]?.phoneNumber).toBe("+44 7700900123");
  });

  it("refuses a PATCH that changes the type or sends a bad number, and keeps the phone", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    const path = `authentication/phoneMethods/${MOBILE}`;
    await expectGraphError(call(user, "PATCH", path, { body: { phoneType: "office" } }), 400, "badRequest");
    await expectGraphError(call(user, "PATCH", path, { body: { phoneNumber: "425" } }), 400, "badRequest");
    expect(user.phoneMethods).toEqual([
      expect.objectContaining({ phoneType: "mobile", phoneNumber: "+1 4255550100" }),
    ]);
  });

  it("refuses to delete the mobile while an alternateMobile exists, then deletes in order", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    await addPhone(user, "alternateMobile", "+1 4255550101");
    await expectGraphError(call(user, "DELETE", `authentication/phoneMethods/${MOBILE}`), 400, "badRequest");
    expect(await call(user, "DELETE", `authentication/phoneMethods/${ALTERNATE}`)).toEqual({ status: 204 });
    expect(await call(user, "DELETE", `authentication/phoneMethods/${MOBILE}`)).toEqual({ status: 204 });
    expect(user.phoneMethods).toEqual([]);
  });

  it("refuses to delete the phone that is the user's default sign-in method, and allows updating it", async () => {
    const user = makeUser({ defaultMethod: "sms" });
    await addPhone(user, "mobile", "+1 4255550100");
    await addPhone(user, "office", "+1 4255550199");
    const refused = await graphError(call(user, "DELETE", `authentication/phoneMethods/${MOBILE}`));
    expect({ status: refused.status, code: refused.code, message: refused.message }).toEqual({
      status: 400,
      code: "badRequest",
      message:
        "The 'mobile' phone method is the user's default sign-in method (sms) and can't be deleted; have the user change their default authentication method, then delete the number.",
    });
    const path = `authentication/phoneMethods/${MOBILE}`;
    expect(await call(user, "PATCH", path, { body: { phoneNumber: "+1 4255550111" } })).toEqual({
      status: 204,
    });
    expect(await call(user, "DELETE", `authentication/phoneMethods/${OFFICE}`)).toEqual({ status: 204 });
    user.defaultMethod = "voiceOffice";
    expect(await call(user, "DELETE", path)).toEqual({ status: 204 });
  });

  it.each(["$top=1", "$select=phoneNumber", "$filter=phoneType eq 'mobile'"])(
    "refuses the query option %s on the list",
    async (query) => {
      await expectGraphError(
        call(makeUser(), "GET", "authentication/phoneMethods", { query }),
        400,
        "badRequest",
      );
    },
  );
});

describe("email methods", () => {
  it("creates the single email method with 201 and its fixed id", async () => {
    const user = makeUser();
    const response = await call(user, "POST", "authentication/emailMethods", {
      body: { emailAddress: "adele.vance@personal.example" },
    });
    expect(response).toEqual({
      status: 201,
      headers: { Location: `${ORIGIN}/v1.0/users/${USER_ID}/authentication/emailMethods/${EMAIL_METHOD_ID}` },
      body: {
        "@odata.context": `${CONTEXT}/emailMethods/$entity`,
        id: EMAIL_METHOD_ID,
        emailAddress: "adele.vance@personal.example",
      },
    });
    expect((await call(user, "GET", "authentication/emailMethods")).body).toEqual({
      "@odata.context": `${CONTEXT}/emailMethods`,
      value: [{ id: EMAIL_METHOD_ID, emailAddress: "adele.vance@personal.example" }],
    });
  });

  it("refuses a second email method", async () => {
    const user = makeUser();
    await call(user, "POST", "authentication/emailMethods", { body: { emailAddress: "a@example.com" } });
    await expectGraphError(
      call(user, "POST", "authentication/emailMethods", { body: { emailAddress: "b@example.com" } }),
      400,
      "badRequest",
    );
    expect(user.emailMethods.map((m) => m.emailAddress)).toEqual(["a@example.com"]);
  });

  it.each([["not-an-address"], ["two@@example.com"], ["spaces in@example.com"], [42]])(
    "refuses the address %j",
    async (emailAddress) => {
      const body = { emailAddress };
      await expectGraphError(
        call(makeUser(), "POST", "authentication/emailMethods", { body }),
        400,
        "badRequest",
      );
    },
  );

  it("gets, updates (204) and deletes (204) by the fixed id", async () => {
    const user = makeUser();
    await call(user, "POST", "authentication/emailMethods", { body: { emailAddress: "a@example.com" } });
    const path = `authentication/emailMethods/${EMAIL_METHOD_ID}`;
    expect((await call(user, "GET", path)).body).toEqual({
      "@odata.context": `${CONTEXT}/emailMethods/$entity`,
      id: EMAIL_METHOD_ID,
      emailAddress: "a@example.com",
    });
    expect(await call(user, "PATCH", path, { body: { emailAddress: "c@example.com" } })).toEqual({
      status: 204,
    });
    expect(user.emailMethods[0]?.emailAddress).toBe("c@example.com");
    await expectGraphError(call(user, "PATCH", path, { body: {} }), 400, "badRequest");
    expect(await call(user, "DELETE", path)).toEqual({ status: 204 });
    expect(user.emailMethods).toEqual([]);
    await expectGraphError(call(user, "GET", path), 404, "itemNotFound");
  });
});

describe("the methods overview", () => {
  it("lists phones, email and the password method with their @odata.type", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    await call(user, "POST", "authentication/emailMethods", { body: { emailAddress: "a@example.com" } });
    const response = await call(user, "GET", "authentication/methods", { key: "adele@contoso.com" });
    expect(response.body).toEqual({
      "@odata.context": `${ORIGIN}/v1.0/$metadata#users('adele%40contoso.com')/authentication/methods`,
      value: [
        {
          "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
          id: MOBILE,
          phoneNumber: "+1 4255550100",
          phoneType: "mobile",
          smsSignInState: "notAllowedByPolicy",
        },
        {
          "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
          id: EMAIL_METHOD_ID,
          emailAddress: "a@example.com",
        },
        {
          "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
          id: PASSWORD_METHOD_ID,
          password: null,
          createdDateTime: null,
        },
      ],
    });
  });

  it("honours $select, gets one method by id, and is read-only", async () => {
    const user = makeUser();
    await addPhone(user, "mobile", "+1 4255550100");
    const selected = await call(user, "GET", "authentication/methods", { query: "$select=id" });
    expect((selected.body as { value: unknown[] }).value).toEqual([
      { "@odata.type": "#microsoft.graph.phoneAuthenticationMethod", id: MOBILE },
      { "@odata.type": "#microsoft.graph.passwordAuthenticationMethod", id: PASSWORD_METHOD_ID },
    ]);
    const one = await call(user, "GET", `authentication/methods/${PASSWORD_METHOD_ID}`);
    expect(one.body).toMatchObject({
      "@odata.context": `${CONTEXT}/methods/$entity`,
      id: PASSWORD_METHOD_ID,
    });
    await expectGraphError(
      call(user, "DELETE", `authentication/methods/${MOBILE}`),
      405,
      "Request_BadRequest",
    );
    await expectGraphError(
      call(user, "GET", "authentication/methods", { query: "$top=1" }),
      400,
      "badRequest",
    );
  });
});

describe("privileged users", () => {
  it.each([
    ["Global Administrator"],
    ["Privileged Authentication Administrator"],
    ["Helpdesk Administrator"],
  ])("refuses every write for a %s with 403 Authorization_RequestDenied, and allows reads", async (role) => {
    const user = makeUser({
      roles: [role],
      phoneMethods: [
        { id: MOBILE, phoneNumber: "+1 4255550100", phoneType: "mobile", smsSignInState: "ready" },
      ],
      emailMethods: [{ id: EMAIL_METHOD_ID, emailAddress: "a@example.com" }],
    });
    const writes: [string, string, unknown][] = [
      ["POST", "authentication/phoneMethods", { phoneNumber: "+1 4255550199", phoneType: "office" }],
      ["PATCH", `authentication/phoneMethods/${MOBILE}`, { phoneNumber: "+1 4255550101" }],
      ["DELETE", `authentication/phoneMethods/${MOBILE}`, undefined],
      ["PATCH", `authentication/emailMethods/${EMAIL_METHOD_ID}`, { emailAddress: "b@example.com" }],
      ["DELETE", `authentication/emailMethods/${EMAIL_METHOD_ID}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const error = await graphError(call(user, method, path, { body }));
      expect({ status: error.status, code: error.code, message: error.message }).toEqual({
        status: 403,
        code: "Authorization_RequestDenied",
        message: "Insufficient privileges to complete the operation.",
      });
    }
    expect(user.phoneMethods).toHaveLength(1);
    expect(user.emailMethods).toHaveLength(1);
    expect((await call(user, "GET", "authentication/phoneMethods")).status).toBe(200);
  });

  it("lets the app manage a user who holds only a reader role", async () => {
    const user = makeUser({ roles: ["Directory Readers"] });
    expect((await addPhone(user, "mobile", "+1 4255550100")).status).toBe(201);
  });

  it("classifies roles case-insensitively", () => {
    expect(isPrivilegedTarget([])).toBe(false);
    expect(isPrivilegedTarget(["reports reader", "Guest Inviter"])).toBe(false);
    expect(isPrivilegedTarget(["Reports Reader", "User Administrator"])).toBe(true);
  });
});

describe("routing", () => {
  it.each([
    ["PUT", "authentication/phoneMethods"],
    ["DELETE", "authentication/phoneMethods"],
    ["POST", `authentication/phoneMethods/${MOBILE}`],
    ["PUT", "authentication/emailMethods"],
    ["POST", "authentication/methods"],
  ])("answers %s %s with Graph's 405", async (method, path) => {
    const error = await graphError(call(makeUser(), method, path, { body: {} }));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 405,
      code: "Request_BadRequest",
      message: "Specified HTTP method is not allowed for the request target.",
    });
  });

  it("answers an unknown segment with 400 naming it", async () => {
    const error = await graphError(call(makeUser(), "GET", "authentication/fido2Methods"));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 400,
      code: "BadRequest",
      message: "Resource not found for the segment 'fido2Methods'.",
    });
    await expectGraphError(
      call(makeUser(), "GET", `authentication/phoneMethods/${MOBILE}/x`),
      400,
      "BadRequest",
    );
  });
});

describe("authMethodsFromState", () => {
  it("returns nothing for a user without an authentication object", () => {
    expect(authMethodsFromState(undefined)).toEqual({ phoneMethods: [], emailMethods: [] });
  });

  it("canonicalises numbers, fills in fixed ids and states, and orders phones by type", () => {
    const state = {
      phoneMethods: [
        { phoneNumber: "+1 425 555 0101", phoneType: "alternateMobile" },
        { phoneNumber: "+14255550100", phoneType: "mobile", id: MOBILE, smsSignInState: "ready" },
      ],
      emailMethods: [{ emailAddress: "a@example.com" }],
    };
    expect(authMethodsFromState(state)).toEqual({
      phoneMethods: [
        { id: MOBILE, phoneNumber: "+1 4255550100", phoneType: "mobile", smsSignInState: "ready" },
        {
          id: ALTERNATE,
          phoneNumber: "+1 4255550101",
          phoneType: "alternateMobile",
          smsSignInState: "notSupported",
        },
      ],
      emailMethods: [{ id: EMAIL_METHOD_ID, emailAddress: "a@example.com" }],
    });
  });

  it("reads the default sign-in method, which a phone-based one needs its phone for", () => {
    const phones = [{ phoneNumber: "+1 4255550100", phoneType: "mobile" }];
    expect(authMethodsFromState({ phoneMethods: phones, defaultMethod: "voiceMobile" }).defaultMethod).toBe(
      "voiceMobile",
    );
    expect(authMethodsFromState({ defaultMethod: "push" }).defaultMethod).toBe("push");
    expect(() => authMethodsFromState({ phoneMethods: phones, defaultMethod: "voiceOffice" })).toThrow(
      "defaultMethod voiceOffice needs a 'office' phone method",
    );
    expect(() => authMethodsFromState({ defaultMethod: "fax" })).toThrow(
      'defaultMethod must be one of push, oath, sms, voiceMobile, voiceAlternateMobile, voiceOffice; got "fax"',
    );
  });

  it.each([
    ["not an object", "mobile", /the authentication value must be an object/],
    ["an unknown key", { phones: [] }, /unknown property 'phones'/],
    ["a list that is not an array", { phoneMethods: {} }, /phoneMethods must be an array/],
    [
      "a bad number",
      { phoneMethods: [{ phoneNumber: "555-0100", phoneType: "mobile" }] },
      /\[0\]\.phoneNumber/,
    ],
    [
      "a bad type",
      { phoneMethods: [{ phoneNumber: "+1 4255550100", phoneType: "fax" }] },
      /\[0\]\.phoneType/,
    ],
    [
      "a wrong fixed id",
      { phoneMethods: [{ phoneNumber: "+1 4255550100", phoneType: "mobile", id: OFFICE }] },
      /\[0\]\.id must be 3179e48a/,
    ],
    [
      "two mobiles",
      {
        phoneMethods: [
          { phoneNumber: "+1 4255550100", phoneType: "mobile" },
          { phoneNumber: "+1 4255550101", phoneType: "mobile" },
        ],
      },
      /already has a 'mobile'/,
    ],
    [
      "an alternateMobile without a mobile",
      { phoneMethods: [{ phoneNumber: "+1 4255550100", phoneType: "alternateMobile" }] },
      /'alternateMobile'.*'mobile'/,
    ],
    [
      "two email methods",
      { emailMethods: [{ emailAddress: "a@example.com" }, { emailAddress: "b@example.com" }] },
      /at most one email/,
    ],
    ["a bad email address", { emailMethods: [{ emailAddress: "nope" }] }, /\[0\]\.emailAddress/],
    ["a wrong email id", { emailMethods: [{ emailAddress: "a@example.com", id: MOBILE }] }, /\[0\]\.id/],
  ])("throws a clear Error for %s", (_, state, message) => {
    expect(() => authMethodsFromState(state)).toThrow(message);
  });
});
