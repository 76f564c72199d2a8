// An SMTP address belongs to one directory object: Graph refuses a `mail` that another object holds
// in its proxyAddresses. The plan finds out first, reading the holders of just the addresses it
// would write, and reports each clash as an error that names both users.
import { afterEach, describe, expect, it } from "vitest";
import { clearRequestLog, type Emulator, emulator, profileRepo, requestLog, runPlan } from "./helpers.js";

const tenant = {
  tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
  users: [
    { userPrincipalName: "adele@contoso.com", mail: "adele@contoso.com" },
    {
      userPrincipalName: "alex@contoso.com",
      mail: "alex@contoso.com",
      proxyAddresses: ["SMTP:alex@contoso.com", "smtp:sales@contoso.com"],
    },
    { userPrincipalName: "diego@contoso.com" },
    { userPrincipalName: "megan@contoso.com" },
    { userPrincipalName: "nestor@contoso.com", mail: "nestor@contoso.com" },
  ],
};

let em: Emulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

describe("a mail another user holds", () => {
  it("is a plan error naming both users; a free address is planned; reading costs one batch", async () => {
    em = await emulator(tenant);
    const dir = await profileRepo([
      { userPrincipalName: "adele@contoso.com", mail: "Sales@contoso.com" },
      { userPrincipalName: "diego@contoso.com", mail: "diego@contoso.com" },
      { userPrincipalName: "nestor@contoso.com", mail: "nestor@contoso.com" },
    ]);
    await clearRequestLog(em);
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(1);
    expect(run.plan?.errors).toEqual([
      expect.objectContaining({
        userPrincipalName: "adele@contoso.com",
        message:
          "adele@contoso.com cannot get mail Sales@contoso.com: it is already an address of alex@contoso.com (proxyAddresses), and Graph gives an address to one object only; remove it from alex@contoso.com first, or choose another",
        source: expect.objectContaining({ file: "profiles/p00000.yaml" }),
      }),
    ]);
    expect(
      run.plan?.users.flatMap((u) => u.changes.map((c) => [u.userPrincipalName, c.path, c.after])),
    ).toEqual([["diego@contoso.com", "mail", "diego@contoso.com"]]);
    // Two new addresses, one filtered read each, in one $batch; nestor's unchanged mail costs nothing.
    const holders = (await requestLog(em)).filter(
      (r) => r.path === "/users" && r.query.includes("proxyAddresses"),
    );
    expect(holders.map((r) => [r.inBatch, r.query.match(/'smtp:[^']*'/)?.[0]])).toEqual([
      [true, "'smtp:sales@contoso.com'"],
      [true, "'smtp:diego@contoso.com'"],
    ]);
  });

  it("is a plan error when two profiles would both get the same new mail", async () => {
    em = await emulator(tenant);
    const dir = await profileRepo([
      { userPrincipalName: "diego@contoso.com", mail: "team@contoso.com" },
      { userPrincipalName: "megan@contoso.com", mail: "Team@contoso.com" },
    ]);
    const run = await runPlan(em, dir);
    expect(run.code).toBe(1);
    expect(run.plan?.errors.map((e) => e.message)).toEqual([
      "diego@contoso.com and megan@contoso.com would all get mail team@contoso.com; an address belongs to one user only",
      "megan@contoso.com and diego@contoso.com would all get mail Team@contoso.com; an address belongs to one user only",
    ]);
    expect(run.plan?.users).toEqual([]);
  });

  it("reads nothing more when no profile changes a mail", async () => {
    em = await emulator(tenant);
    const dir = await profileRepo([{ userPrincipalName: "nestor@contoso.com", mail: "NESTOR@contoso.com" }]);
    await clearRequestLog(em);
    const run = await runPlan(em, dir);
    expect(run.code, run.err).toBe(0);
    expect((await requestLog(em)).filter((r) => r.query.includes("proxyAddresses"))).toEqual([]);
  });
});
