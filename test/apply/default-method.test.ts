// Graph refuses to delete the phone that is a user's default sign-in method
// (phoneauthenticationmethod-delete), and v1.0 offers no call to change that default. apply reports
// the refusal with what a person has to do, and carries out the user's other changes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { profileRepo } from "../plan-integration/helpers.js";
import { type Demo, phones, startDemo, users } from "./helpers.js";

let demo: Demo | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe("deleting the phone that is the user's default sign-in method", () => {
  it("fails with what to do, while the user's other changes go through", async () => {
    demo = await startDemo({
      state: {
        tenant: { domains: ["contoso.com", "contoso.onmicrosoft.com"] },
        users: [
          {
            userPrincipalName: "adele@contoso.com",
            jobTitle: "Clerk",
            authentication: {
              phoneMethods: [
                { phoneType: "mobile", phoneNumber: "+1 4255550110" },
                { phoneType: "office", phoneNumber: "+1 4255550100" },
              ],
              defaultMethod: "sms",
            },
          },
        ],
      },
      dir: await profileRepo([
        {
          userPrincipalName: "adele@contoso.com",
          jobTitle: "Retail Manager",
          authentication: { mobile: null, office: null },
        },
      ]),
    });
    const summary = join(demo.work, "summary.md");
    const run = await demo.roster(["apply", "--auto-approve", "--report", "report.json"], {
      env: { ROSTER_ACCESS_TOKEN: "any", GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    const failed = run.out.split("\n").filter((line) => line.startsWith("FAILED"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      /^FAILED adele@contoso\.com authentication\.mobile: null: DELETE \/users\/[0-9a-f-]+\/authentication\/phoneMethods\/3179e48a-750b-4051-897c-87b9720928f7: 400 badRequest: The 'mobile' phone method is the user's default sign-in method \(sms\) and can't be deleted; .* \(Graph does not delete the phone that is the user's default sign-in method: change the user's default sign-in method first .*, then run apply again\)$/,
    );
    expect(run.out).toMatch(/^applied adele@contoso\.com jobTitle: "Retail Manager"$/m);
    expect(run.out).toMatch(/^applied adele@contoso\.com authentication\.office/m);
    const adele = (await users(demo.em)).get("adele@contoso.com");
    expect(adele?.jobTitle).toBe("Retail Manager");
    expect(phones(adele).map((p) => p.phoneType)).toEqual(["mobile"]);
    expect(run.err).not.toMatch(/\bat .*\.ts:\d+/);
    // The JSON report and the job summary carry the same advice.
    const report = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
    const mobile = report.users[0].changes.find((c: { path: string }) => c.path === "authentication.mobile");
    expect(mobile.error.hint).toMatch(
      /^Graph does not delete the phone that is the user's default sign-in method/,
    );
    expect(await readFile(summary, "utf8")).toContain("change the user's default sign-in method first");
  });
});
