import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator, type TenantState } from "../src/index.js";
import { loadState } from "../src/state.js";
import { expectGraphError, raw, start } from "./helpers.js";

const PNG_1PX = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** One app per token, each holding the permissions named in its token (`a+b` = both). */
function appsFor(tokens: string[]): TenantState["apps"] {
  return tokens.map((token) => ({ token, permissions: token === "none" ? [] : token.split("+") }));
}

const TOKENS = [
  "none",
  "User.Read.All",
  "User.ReadWrite.All",
  "User.ReadUpdate.All",
  "User-Phone.ReadWrite.All",
  "User-Mail.ReadWrite.All",
  "User.ReadUpdate.All+User-Phone.ReadWrite.All",
  "User.EnableDisableAccount.All",
  "User.EnableDisableAccount.All+User.Read.All",
  "ProfilePhoto.Read.All",
  "ProfilePhoto.ReadWrite.All",
  "UserAuthMethod-Phone.Read.All",
  "UserAuthMethod-Phone.ReadWrite.All",
  "UserAuthMethod-Email.Read.All",
  "UserAuthMethod-Email.ReadWrite.All",
  "UserAuthenticationMethod.Read.All",
  "RoleManagement.Read.Directory",
  "Organization.Read.All",
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "GroupMember.Read.All",
  "RoleEligibilitySchedule.Read.Directory",
];

const GROUP_ID = "6f1c2a4e-0000-4000-8000-00000000aa01";

let em: RunningEmulator;
beforeAll(async () => {
  em = await start({
    tenant: { id: "c0d1e2f3-0000-4000-8000-000000000009", domains: ["contoso.com"] },
    apps: appsFor(TOKENS),
    users: [
      {
        userPrincipalName: "adele@contoso.com",
        displayName: "Adele Vance",
        photo: `data:image/png;base64,${PNG_1PX.toString("base64")}`,
        authentication: {
          phoneMethods: [{ phoneType: "mobile", phoneNumber: "+1 4255550110" }],
          emailMethods: [{ emailAddress: "adele@personal.example" }],
        },
        roles: ["Reports Reader"],
      },
      { userPrincipalName: "alex@contoso.com", displayName: "Alex Wilber", manager: "adele@contoso.com" },
      { userPrincipalName: "grace@contoso.com", displayName: "Grace Taylor" },
    ],
    groups: [
      {
        id: GROUP_ID,
        displayName: "Helpdesk admins",
        members: ["grace@contoso.com"],
        roles: ["Helpdesk Administrator"],
        eligibleRoles: ["User Administrator"],
      },
    ],
  });
});
afterAll(async () => {
  await em.close();
});

const DENIED = ["Authorization_RequestDenied", "Insufficient privileges to complete the operation."] as const;
const ADELE = "/v1.0/users/adele@contoso.com";
const ALEX = "/v1.0/users/alex@contoso.com";

describe("app registrations", () => {
  it("refuses a token no app of the state holds with 401, and a missing token as before", async () => {
    expectGraphError(
      await raw(em, "GET", "/v1.0/users", { token: "forged" }),
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure.",
    );
    expectGraphError(await raw(em, "GET", "/v1.0/users", { token: null }), 401, "InvalidAuthenticationToken");
  });

  it("lets any token do anything when the state declares no apps", async () => {
    const open = await start({ users: [{ userPrincipalName: "adele@contoso.com" }] });
    try {
      expect((await raw(open, "GET", "/v1.0/directoryRoles", { token: "anything" })).status).toBe(200);
      expect((await raw(open, "PATCH", ADELE, { token: "x", body: { mobilePhone: "+1 1" } })).status).toBe(
        204,
      );
    } finally {
      await open.close();
    }
  });

  it("ignores the apps when started with anyToken (a quick local try of a demo state)", async () => {
    const open = await startEmulator({ state: { apps: appsFor(["none"]), users: [] }, anyToken: true });
    try {
      expect((await raw(open, "GET", "/v1.0/organization", { token: "local" })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

// [method, path, body, the least privileged permission that allows it, one that does not]
const ROUTES: [string, string, unknown, string, string][] = [
  ["GET", "/v1.0/users?$select=id", undefined, "User.Read.All", "ProfilePhoto.Read.All"],
  ["GET", `${ADELE}?$select=id`, undefined, "User.Read.All", "RoleManagement.Read.Directory"],
  ["GET", "/v1.0/users/delta?$select=id", undefined, "User.Read.All", "Organization.Read.All"],
  ["GET", `${ALEX}/manager`, undefined, "User.Read.All", "ProfilePhoto.Read.All"],
  [
    "PUT",
    `${ALEX}/manager/$ref`,
    { "@odata.id": "https://graph.microsoft.com/v1.0/users/adele@contoso.com" },
    "User.ReadWrite.All",
    "User.ReadUpdate.All",
  ],
  ["DELETE", `${ALEX}/manager/$ref`, undefined, "User.ReadWrite.All", "User.ReadUpdate.All"],
  ["GET", `${ADELE}/photo`, undefined, "ProfilePhoto.Read.All", "UserAuthMethod-Phone.Read.All"],
  ["GET", `${ADELE}/photo/$value`, undefined, "User.Read.All", "Directory.Read.All"],
  ["GET", `${ADELE}/photos`, undefined, "ProfilePhoto.Read.All", "Organization.Read.All"],
  [
    "GET",
    `${ADELE}/authentication/phoneMethods`,
    undefined,
    "UserAuthMethod-Phone.Read.All",
    "UserAuthMethod-Email.Read.All",
  ],
  [
    "GET",
    `${ADELE}/authentication/phoneMethods`,
    undefined,
    "UserAuthenticationMethod.Read.All",
    "User.ReadWrite.All",
  ],
  [
    "PATCH",
    `${ADELE}/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7`,
    { phoneNumber: "+1 4255550111" },
    "UserAuthMethod-Phone.ReadWrite.All",
    "UserAuthMethod-Phone.Read.All",
  ],
  [
    "GET",
    `${ADELE}/authentication/emailMethods`,
    undefined,
    "UserAuthMethod-Email.Read.All",
    "UserAuthMethod-Phone.Read.All",
  ],
  [
    "POST",
    `${ALEX}/authentication/emailMethods`,
    { emailAddress: "alex@personal.example" },
    "UserAuthMethod-Email.ReadWrite.All",
    "UserAuthMethod-Phone.ReadWrite.All",
  ],
  [
    "GET",
    `${ADELE}/authentication/methods`,
    undefined,
    "UserAuthenticationMethod.Read.All",
    "UserAuthMethod-Phone.Read.All",
  ],
  [
    "GET",
    "/v1.0/directoryRoles?$expand=members($select=id)",
    undefined,
    "RoleManagement.Read.Directory",
    "User.ReadWrite.All",
  ],
  [
    "GET",
    "/v1.0/organization?$select=id,verifiedDomains",
    undefined,
    "Organization.Read.All",
    "User.Read.All",
  ],
  ["GET", "/v1.0/organization", undefined, "Directory.Read.All", "RoleManagement.Read.Directory"],
  ["DELETE", `${ADELE}/photo/$value`, undefined, "ProfilePhoto.ReadWrite.All", "ProfilePhoto.Read.All"],
  [
    "GET",
    `/v1.0/groups/${GROUP_ID}/members`,
    undefined,
    "GroupMember.Read.All",
    "RoleManagement.Read.Directory",
  ],
  [
    "GET",
    `/v1.0/groups/${GROUP_ID}/members/microsoft.graph.user?$select=id`,
    undefined,
    "Directory.Read.All",
    "User.Read.All",
  ],
  [
    "GET",
    "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances",
    undefined,
    "RoleEligibilitySchedule.Read.Directory",
    "Directory.Read.All",
  ],
  [
    "GET",
    "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$expand=principal",
    undefined,
    "RoleManagement.Read.Directory",
    "User.Read.All",
  ],
];

describe("each route needs the application permissions Microsoft documents for it", () => {
  it.each(ROUTES)(
    "%s %s: allowed with its permission, 403 with another",
    async (method, path, body, allowed, other) => {
      const denied = await raw(em, method, path, { token: other, ...(body === undefined ? {} : { body }) });
      expectGraphError(denied, 403, ...DENIED);
      const granted = await raw(em, method, path, {
        token: allowed,
        ...(body === undefined ? {} : { body }),
      });
      expect(granted.status, granted.text).toBeLessThan(300);
    },
  );

  it("does not take Directory.ReadWrite.All for a group's members: group-list-members does not list it", async () => {
    expectGraphError(
      await raw(em, "GET", `/v1.0/groups/${GROUP_ID}/members`, { token: "Directory.ReadWrite.All" }),
      403,
      ...DENIED,
    );
  });

  it("needs a permission to upload a photo", async () => {
    const put = (token: string) =>
      raw(em, "PUT", `${ADELE}/photo/$value`, {
        token,
        body: PNG_1PX,
        headers: { "Content-Type": "image/png" },
      });
    expectGraphError(await put("User.ReadUpdate.All"), 403, ...DENIED);
    expect((await put("ProfilePhoto.ReadWrite.All")).status).toBe(200);
    expect((await put("User.ReadWrite.All")).status).toBe(200);
  });
});

describe("PATCH /users/{id}: the permission of each property sent", () => {
  const patch = (token: string, body: unknown) => raw(em, "PATCH", ALEX, { token, body });

  it("updates ordinary properties with User.ReadUpdate.All, but not phones or otherMails", async () => {
    expect((await patch("User.ReadUpdate.All", { jobTitle: "Analyst" })).status).toBe(204);
    expectGraphError(await patch("User.ReadUpdate.All", { mobilePhone: "+1 425 555 0101" }), 403, ...DENIED);
    expectGraphError(await patch("User.ReadUpdate.All", { otherMails: ["a@b.example"] }), 403, ...DENIED);
    expectGraphError(await patch("User.Read.All", { jobTitle: "Analyst" }), 403, ...DENIED);
  });

  it("updates phones with User-Phone.ReadWrite.All alone, otherMails with User-Mail.ReadWrite.All", async () => {
    expect((await patch("User-Phone.ReadWrite.All", { businessPhones: ["+1 425 555 0100"] })).status).toBe(
      204,
    );
    expectGraphError(
      await patch("User-Phone.ReadWrite.All", { businessPhones: [], jobTitle: "Analyst" }),
      403,
      ...DENIED,
    );
    expect((await patch("User-Mail.ReadWrite.All", { otherMails: ["alex@personal.example"] })).status).toBe(
      204,
    );
    const both = await patch("User.ReadUpdate.All+User-Phone.ReadWrite.All", {
      mobilePhone: null,
      jobTitle: "Lead",
    });
    expect(both.status).toBe(204);
    expect(
      (await patch("User.ReadWrite.All", { mobilePhone: "+1 425 555 0102", jobTitle: "Head" })).status,
    ).toBe(204);
  });

  it("answers a property named like Object's own members as an unknown property, not a 500", async () => {
    for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      const response = await patch("User.ReadWrite.All", JSON.parse(`{"${name}": "x"}`));
      expect(response.status, name).toBe(400);
    }
  });

  it("updates accountEnabled only with the documented combination or User.ReadWrite.All", async () => {
    expectGraphError(await patch("User.EnableDisableAccount.All", { accountEnabled: false }), 403, ...DENIED);
    expect(
      (await patch("User.EnableDisableAccount.All+User.Read.All", { accountEnabled: false })).status,
    ).toBe(204);
    expect((await patch("User.ReadWrite.All", { accountEnabled: true })).status).toBe(204);
  });
});

describe("$batch", () => {
  it("checks every item on its own: an outer 200 with the denied item's 403 inside", async () => {
    const res = await raw(em, "POST", "/v1.0/$batch", {
      token: "User.Read.All",
      body: {
        requests: [
          { id: "user", method: "GET", url: "/users/adele@contoso.com?$select=id" },
          { id: "phones", method: "GET", url: "/users/adele@contoso.com/authentication/phoneMethods" },
          { id: "photo", method: "GET", url: "/users/adele@contoso.com/photo" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(
      (res.json.responses as { id: string; status: number; body: { error?: { code: string } } }[]).map(
        (r) => [r.id, [r.status, r.body?.error?.code]],
      ),
    );
    expect(byId).toEqual({
      user: [200, undefined],
      phones: [403, "Authorization_RequestDenied"],
      photo: [200, undefined],
    });
  });
});

describe("$batch: groups and eligibilities", () => {
  it("checks a group's members and the eligibilities per item, like the other reads", async () => {
    const batch = (token: string) =>
      raw(em, "POST", "/v1.0/$batch", {
        token,
        body: {
          requests: [
            { id: "members", method: "GET", url: `/groups/${GROUP_ID}/members?$select=id` },
            {
              id: "eligible",
              method: "GET",
              url: "/roleManagement/directory/roleEligibilityScheduleInstances?$expand=principal",
            },
            { id: "roles", method: "GET", url: "/directoryRoles?$expand=members($select=id)" },
          ],
        },
      });
    const statuses = async (token: string) => {
      const res = await batch(token);
      expect(res.status).toBe(200);
      return Object.fromEntries(
        (res.json.responses as { id: string; status: number }[]).map((r) => [r.id, r.status]),
      );
    };
    expect(await statuses("GroupMember.Read.All")).toEqual({ members: 200, eligible: 403, roles: 403 });
    expect(await statuses("RoleEligibilitySchedule.Read.Directory")).toEqual({
      members: 403,
      eligible: 200,
      roles: 403,
    });
    expect(await statuses("RoleManagement.Read.Directory")).toEqual({
      members: 403,
      eligible: 200,
      roles: 200,
    });
  });
});

describe("apps in the state file", () => {
  const load = (apps: unknown) => loadState({ apps, users: [] }, os.tmpdir());

  it("refuses unknown permission names, duplicate tokens and unknown keys, naming the entry", async () => {
    await expect(load([{ token: "t", permissions: ["User.Readd.All"] }])).rejects.toThrow(
      /^apps\[0\]\.permissions: 'User\.Readd\.All' is not a permission any emulated route needs \(known: .*User\.Read\.All/,
    );
    await expect(
      load([
        { token: "t", permissions: [] },
        { token: "t", permissions: [] },
      ]),
    ).rejects.toThrow("apps[1].token is used by another app");
    await expect(load([{ token: "t", permissions: [], secret: "x" }])).rejects.toThrow(
      "apps[0] has an unknown property 'secret'",
    );
    await expect(load({ token: "t" })).rejects.toThrow("`apps` must be an array of app registrations");
  });

  it("dumps the apps so that a dump loads back", async () => {
    const dumped = (await raw(em, "GET", "/_emulator/state")).json as TenantState;
    expect(dumped.apps?.find((app) => app.token === "Organization.Read.All")).toMatchObject({
      token: "Organization.Read.All",
      permissions: ["Organization.Read.All"],
    });
    expect((await loadState(dumped, os.tmpdir())).apps).toHaveLength(TOKENS.length);
  });
});

describe("PUT /_emulator/apps", () => {
  it("grants and revokes permissions while the emulator runs, without reloading the tenant", async () => {
    const open = await start({ users: [{ userPrincipalName: "adele@contoso.com" }] });
    try {
      const put = (apps: unknown) => raw(open, "PUT", "/_emulator/apps", { body: { apps } });
      expect((await put([{ token: "t", permissions: ["Organization.Read.All"] }])).status).toBe(200);
      expectGraphError(await raw(open, "GET", "/v1.0/users", { token: "t" }), 403, ...DENIED);
      await put([{ token: "t", permissions: ["User.Read.All"] }]);
      expect((await raw(open, "GET", "/v1.0/users", { token: "t" })).status).toBe(200);
      expect((await put([{ token: "t", permissions: ["User.Rad.All"] }])).json.error.code).toBe(
        "InvalidApps",
      );
      expect((await raw(open, "GET", "/_emulator/apps")).json.apps[0].permissions).toEqual(["User.Read.All"]);
      await put([]);
      expect((await raw(open, "GET", "/v1.0/directoryRoles", { token: "anything" })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
