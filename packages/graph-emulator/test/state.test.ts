import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { userIdFromUpn } from "../src/ids.js";
import { dumpState, type RunningEmulator, type StateUser } from "../src/index.js";
import { loadState, loadStateFile, StateError } from "../src/state.js";
import { raw, start } from "./helpers.js";

const expectStateError = async (state: unknown, message: string) => {
  const error = await loadState(state, os.tmpdir()).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(StateError);
  expect((error as Error).message).toBe(message);
};

describe("state loading", () => {
  it("derives ids from the UPN, the same on every load", async () => {
    const state = { users: [{ userPrincipalName: "Adele@Contoso.com" }] };
    const a = await loadState(state, os.tmpdir());
    const b = await loadState(state, os.tmpdir());
    expect(a.all()[0]!.props.id).toBe(b.all()[0]!.props.id);
    expect(a.all()[0]!.props.id).toBe(userIdFromUpn("adele@contoso.com"));
    // The UPNs' domain, and the initial domain every tenant has.
    expect(a.tenant.domains).toEqual(["contoso.com", "contoso.onmicrosoft.com"]);
  });

  it("refuses bad state with messages that name the user", async () => {
    await expectStateError([], "the state must be a JSON object with a `users` array");
    await expectStateError({ users: {} }, "`users` must be an array");
    await expectStateError({ users: [], extra: 1 }, "unknown top-level key 'extra'");
    await expectStateError(
      { users: [{ userPrincipalName: "nope" }] },
      "users[0]: userPrincipalName must be an address like name@domain",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "josé@x.com" }] },
      "users[0] (josé@x.com): userPrincipalName: only A-Z a-z 0-9 ' . - _ ! # ^ ~ may come before the @ (no accents, no spaces)",
    );
    await expectStateError(
      {
        users: [
          { userPrincipalName: "a@x.com", mail: "a@x.com" },
          { userPrincipalName: "b@x.com", proxyAddresses: ["SMTP:b@x.com", "smtp:A@x.com"] },
        ],
      },
      "users[1] (b@x.com): proxyAddresses: smtp:A@x.com is also an address of users[0] (a@x.com)",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", proxyAddresses: ["a@x.com"] }] },
      "users[0] (a@x.com): proxyAddresses: 'a@x.com' must be type:address, e.g. SMTP:adele@contoso.com",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", id: "42" }] },
      "users[0] (a@x.com): id must be a GUID",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com" }, { userPrincipalName: "A@X.com" }] },
      "users[1] (A@X.com): duplicate userPrincipalName A@X.com",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", jobTitle: 3 }] },
      "users[0] (a@x.com): 'jobTitle' must be a string",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", jobTitle: "" }] },
      "users[0] (a@x.com): 'jobTitle' holds an empty string, which Graph never stores (use null)",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", employeeOrgData: { division: "" } }] },
      "users[0] (a@x.com): 'employeeOrgData' holds an empty string, which Graph never stores (use null)",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", manager: "b@x.com" }] },
      "users[0] (a@x.com): manager 'b@x.com' is not a user in the state",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", manager: "a@x.com" }] },
      "users[0] (a@x.com): a user cannot be their own manager",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", roles: "Global Administrator" }] },
      "users[0] (a@x.com): roles must be an array of role names",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", photo: "missing.jpg" }] },
      "users[0] (a@x.com): cannot read photo missing.jpg: ENOENT",
    );
    await expectStateError({ tenant: { id: "x" }, users: [] }, "`tenant.id` must be a GUID");
    const authError = await loadState(
      { users: [{ userPrincipalName: "a@x.com", authentication: { phoneMethods: "x" } }] },
      os.tmpdir(),
    ).catch((e: Error) => e);
    expect((authError as Error).message).toMatch(/^users\[0\] \(a@x\.com\): authentication: /);
  });

  it("refuses bad groups and eligible roles with messages that name the group or user", async () => {
    const users = [{ userPrincipalName: "a@x.com" }, { userPrincipalName: "b@x.com" }];
    const group = (extra: Record<string, unknown>) => ({
      users,
      groups: [{ displayName: "Admins", members: ["a@x.com"], ...extra }],
    });
    await expectStateError({ users, groups: {} }, "`groups` must be an array");
    await expectStateError(
      { users, groups: [{ members: [] }] },
      "groups[0]: displayName must be a non-empty string",
    );
    await expectStateError(group({ owner: [] }), "groups[0] (Admins): unknown group key 'owner'");
    await expectStateError(
      group({ owners: "b@x.com" }),
      "groups[0] (Admins): owners must be an array of userPrincipalNames",
    );
    await expectStateError(
      group({ owners: ["c@x.com"] }),
      "groups[0] (Admins): owners: 'c@x.com' is not a user in the state",
    );
    await expectStateError(group({ id: "42" }), "groups[0] (Admins): id must be a GUID");
    await expectStateError(
      group({ members: "a@x.com" }),
      "groups[0] (Admins): members must be an array of userPrincipalNames",
    );
    await expectStateError(
      group({ members: ["c@x.com"] }),
      "groups[0] (Admins): members: 'c@x.com' is not a user in the state",
    );
    await expectStateError(
      group({ members: ["a@x.com", "A@X.com"] }),
      "groups[0] (Admins): members: 'A@X.com' is listed more than once",
    );
    await expectStateError(
      group({ roles: "Global Administrator" }),
      "groups[0] (Admins): roles must be an array of role names",
    );
    await expectStateError(
      group({ eligibleRoles: ["User Administrator", "user administrator"] }),
      "groups[0] (Admins): eligibleRoles names a role more than once",
    );
    await expectStateError(
      {
        users,
        groups: [
          { displayName: "Admins", members: ["a@x.com"] },
          { displayName: "admins", members: ["b@x.com"] },
        ],
      },
      "groups[1] (admins): duplicate group displayName admins",
    );
    await expectStateError(
      { users, groups: [{ id: userIdFromUpn("a@x.com"), displayName: "Admins", members: [] }] },
      `groups[0] (Admins): duplicate id ${userIdFromUpn("a@x.com")}`,
    );
    // Role-assignable groups cannot nest groups: naming a group (by name or id) as a member is refused.
    await expectStateError(
      {
        users,
        groups: [
          { displayName: "Inner", members: ["a@x.com"] },
          { displayName: "Outer", members: ["b@x.com", "Inner"] },
        ],
      },
      "groups[1] (Outer): members: 'Inner' is a group; a role-assignable group cannot have groups as members",
    );
    await expectStateError(
      {
        users,
        groups: [
          { displayName: "Outer", members: ["6f1c2a4e-0000-4000-8000-00000000aa09"] },
          { id: "6f1c2a4e-0000-4000-8000-00000000aa09", displayName: "Inner", members: ["a@x.com"] },
        ],
      },
      "groups[0] (Outer): members: '6f1c2a4e-0000-4000-8000-00000000aa09' is a group; a role-assignable group cannot have groups as members",
    );
    await expectStateError(
      { users: [{ userPrincipalName: "a@x.com", eligibleRoles: [""] }] },
      "users[0] (a@x.com): eligibleRoles must be an array of role names",
    );
    await expectStateError(
      { tenant: { pimLicensed: "no" }, users: [] },
      "`tenant.pimLicensed` must be true or false",
    );
  });

  it("dumps groups, eligible roles and an unlicensed tenant so that the dump loads back the same", async () => {
    const state = {
      tenant: { domains: ["x.com"], pimLicensed: false },
      users: [
        { userPrincipalName: "a@x.com", eligibleRoles: ["Global Administrator"] },
        { userPrincipalName: "b@x.com", roles: ["Reports Reader"] },
      ],
      groups: [
        {
          displayName: "Helpdesk admins",
          members: ["A@x.com", "b@x.com"],
          roles: ["Helpdesk Administrator"],
          eligibleRoles: ["User Administrator"],
        },
        {
          id: "6f1c2a4e-0000-4000-8000-00000000aa02",
          displayName: "Empty",
          members: [],
          owners: ["a@x.com"],
        },
      ],
    };
    const store = await loadState(state, os.tmpdir());
    expect(store.tenant.pimLicensed).toBe(false);
    const dumped = dumpState(store);
    expect(dumped.tenant?.pimLicensed).toBe(false);
    expect(dumped.users.map((u) => u.eligibleRoles)).toEqual([["Global Administrator"], undefined]);
    expect(dumped.groups).toEqual([
      {
        id: store.groups()[0]!.id,
        displayName: "Helpdesk admins",
        members: ["a@x.com", "b@x.com"],
        roles: ["Helpdesk Administrator"],
        eligibleRoles: ["User Administrator"],
      },
      { id: "6f1c2a4e-0000-4000-8000-00000000aa02", displayName: "Empty", members: [], owners: ["a@x.com"] },
    ]);
    const again = await loadState(dumped, os.tmpdir());
    expect(dumpState(again)).toEqual(dumped);
    // The id of a group without one is derived from its name, the same on every load.
    expect((await loadState(state, os.tmpdir())).groups()[0]!.id).toBe(store.groups()[0]!.id);
    // A licensed tenant (the default) writes no pimLicensed key; a state without groups no groups key.
    const plain = dumpState(await loadState({ users: [{ userPrincipalName: "a@x.com" }] }, os.tmpdir()));
    expect(plain.tenant).not.toHaveProperty("pimLicensed");
    expect(plain).not.toHaveProperty("groups");
  });

  it("names the file when it cannot be read or parsed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "roster-state-"));
    const file = path.join(dir, "tenant.json");
    await expect(loadStateFile(file)).rejects.toThrow(`cannot read ${file}: ENOENT`);
    await writeFile(file, "{ users: ");
    await expect(loadStateFile(file)).rejects.toThrow(`${file} is not valid JSON`);
    await writeFile(file, JSON.stringify({ users: [{ userPrincipalName: "a@x.com", bogus: 1 }] }));
    await expect(loadStateFile(file)).rejects.toThrow(
      `${file}: users[0] (a@x.com): unknown user property 'bogus'`,
    );
  });

  it("loads photos relative to the state file and dumps them as data URIs that load back", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "roster-state-"));
    await mkdir(path.join(dir, "pics"));
    await sharp({ create: { width: 300, height: 200, channels: 3, background: "#3366cc" } })
      .png()
      .toFile(path.join(dir, "pics", "adele.png"));
    const file = path.join(dir, "tenant.json");
    await writeFile(
      file,
      JSON.stringify({
        users: [
          {
            userPrincipalName: "adele@contoso.com",
            photo: "pics/adele.png",
            roles: ["Global Administrator"],
          },
        ],
      }),
    );
    const store = await loadStateFile(file);
    const photo = store.all()[0]!.photo!;
    expect([photo.width, photo.height]).toEqual([300, 200]);
    expect(photo.jpeg.subarray(0, 2).toString("hex")).toBe("ffd8");
    const dumped = dumpState(store);
    expect(dumped.users[0]!.photo).toMatch(/^data:image\/jpeg;base64,/);
    const again = await loadState(dumped, os.tmpdir());
    expect(again.all()[0]!.photo!.width).toBe(300);
    expect(again.all()[0]!.roles).toEqual(["Global Administrator"]);
  });
});

describe("scale: 100,000 users", () => {
  let em: RunningEmulator | undefined;
  afterAll(async () => {
    await em?.close();
  });

  // How fast is measured by `npm run bench`, never asserted here: a loaded CI machine would flake.
  // The paging contract is what a client may rely on: follow @odata.nextLink verbatim until there is
  // none (the $skiptoken inside is opaque, and nothing here reads it).
  it("holds them all and serves every one exactly once through 999-user pages and nextLinks", async () => {
    const users: StateUser[] = Array.from({ length: 100_000 }, (_, i) => ({
      userPrincipalName: `user${i}@contoso.com`,
      displayName: `User ${i}`,
      jobTitle: "Engineer",
      department: `Dept ${i % 50}`,
      ...(i > 0 ? { manager: `user${Math.floor(i / 10)}@contoso.com` } : {}),
    }));
    em = await start({ users });

    const seen = new Set<string>();
    const pageSizes: number[] = [];
    let path: string | undefined = "/v1.0/users?$select=id,userPrincipalName&$top=999";
    while (path !== undefined) {
      const page = (await raw(em, "GET", path)).json as {
        value: { id: string; userPrincipalName: string }[];
        "@odata.nextLink"?: string;
      };
      pageSizes.push(page.value.length);
      for (const user of page.value) seen.add(user.userPrincipalName);
      const next = page["@odata.nextLink"];
      if (next !== undefined) expect(next.startsWith(`${em.origin}/v1.0/users?`)).toBe(true);
      path = next?.slice(em.origin.length);
      expect(pageSizes.length).toBeLessThanOrEqual(101);
    }
    // 100 full pages of 999, then the last 100.
    expect(pageSizes).toEqual([...Array.from({ length: 100 }, () => 999), 100]);
    expect(seen.size).toBe(100_000);
    expect(seen.has("user0@contoso.com") && seen.has("user99999@contoso.com")).toBe(true);

    const lookup = await raw(
      em,
      "GET",
      `/v1.0/users?$filter=${encodeURIComponent("userPrincipalName eq 'user99999@contoso.com'")}&$select=id`,
    );
    expect(lookup.json.value).toHaveLength(1);

    const expanded = await raw(
      em,
      "GET",
      "/v1.0/users?$select=id&$expand=manager($select=id,userPrincipalName)&$top=100",
    );
    expect(expanded.json.value[1].manager.userPrincipalName).toBe("user0@contoso.com");
  }, 60_000);
});
