// A saved plan applied after someone edited the tenant: the users whose planned `before` no longer
// holds are refused, all of their changes, and everyone else is applied.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.js";
import { control, type Demo, type DumpedUser, emails, phones, startDemo, users } from "./helpers.js";

let demo: Demo;
let before: Map<string, DumpedUser>;
let after: Map<string, DumpedUser>;
let result: { code: number; out: string; err: string };
let report: ApplyReport;

const ALTERNATE_MOBILE_ID = "b6332ec1-7057-4abe-9331-3d72feddfe41";

beforeAll(async () => {
  demo = await startDemo();
  expect((await demo.roster(["plan", "--out", "plan.json"])).code).toBe(0);
  // Someone edits two touched users in the admin center after the plan was reviewed.
  await control(demo.em, "PATCH", "/v1.0/users/AdeleV@contoso.com", { jobTitle: "Regional Sales Lead" });
  await control(
    demo.em,
    "PATCH",
    `/v1.0/users/JohannaL@contoso.com/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
    { phoneNumber: "+1 2065550177" },
  );
  before = await users(demo.em);
  result = await demo.roster(["apply", "plan.json", "--auto-approve", "--report", "report.json"]);
  after = await users(demo.em);
  report = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
});

afterAll(async () => {
  await demo?.close();
});

describe("roster apply of a stale plan", () => {
  it("exits 1 and names the stale users", () => {
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^Stale: AdeleV@contoso\.com: jobTitle is now "Regional Sales Lead", the plan expected "Sales Associate"/m,
    );
    expect(result.out).toMatch(/^Stale: JohannaL@contoso\.com: authentication\.alternateMobile/m);
    expect(result.out).toMatch(/^STALE AdeleV@contoso\.com authentication\.email/m);
  });

  it("applies none of a stale user's changes, not even the ones still current", () => {
    const adele = after.get("adelev@contoso.com");
    expect(adele).toEqual(before.get("adelev@contoso.com"));
    expect(adele?.jobTitle).toBe("Regional Sales Lead");
    expect(emails(adele)).toEqual([]);
    expect(
      phones(after.get("johannal@contoso.com")).find((m) => m.phoneType === "alternateMobile")?.phoneNumber,
    ).toBe("+1 2065550177");
  });

  it("applies the other users", () => {
    expect(after.get("cameronw@contoso.com")?.manager).toBe("AllanD@contoso.com");
    expect(after.get("debrab@contoso.com")?.photo).toBeDefined();
    expect(after.get("pattif@contoso.com")?.employeeOrgData).toEqual({
      division: "Corporate",
      costCenter: "1100",
    });
  });

  it("reports stale changes with the reason and the rest as applied", () => {
    expect(report.outcome).toBe("partial");
    const adele = report.users.find((u) => u.userPrincipalName === "AdeleV@contoso.com");
    expect(adele?.changes.map((c) => c.status)).toEqual(["stale", "stale", "stale"]);
    expect(adele?.changes[0]?.reason).toContain("Regional Sales Lead");
    expect(report.summary).toMatchObject({ stale: 4, applied: 11, failed: 0, usersStale: 2 });
  });

  it("a second run of the same plan refuses the same users and writes nothing new", async () => {
    const again = await demo.roster(["apply", "plan.json", "--auto-approve"]);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/^Stale: AdeleV@contoso\.com/m);
    // What the first run applied is already so in the tenant: counted applied, not stale.
    expect(again.out).toMatch(
      /^applied CameronW@contoso\.com manager: AllanD@contoso\.com \(already so in the tenant\)$/m,
    );
    expect(await users(demo.em)).toEqual(after);
  });
});
