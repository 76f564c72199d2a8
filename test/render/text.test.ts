import { describe, expect, it } from "vitest";
import { renderText } from "../../src/render/text.js";
import { plan, samplePlan } from "./plans.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes is the point
const ANSI = /\x1b\[[0-9;]*m/;

describe("renderText", () => {
  it("prints a Terraform-like plan: header, one block per user, messages, summary", () => {
    expect(renderText(samplePlan(), { color: false }).split("\n")).toEqual([
      "roster plan for contoso.onmicrosoft.com (tenant c0d1e2f3-0000-4000-8000-000000000001, commit 0123456789ab)",
      "",
      "~ AdeleV@contoso.com (profiles/sales/adele.vance.yaml)",
      '    ~ jobTitle: "Retail Manager" -> "Store Manager"',
      '    + officeLocation: "18/2111"',
      '    - mobilePhone: "+1 425 555 0199" -> null',
      '    ~ department: "Retail" -> "Sales" (from profiles/sales/_defaults.yaml:2:13)',
      "    ~ manager: AlexW@contoso.com -> MeganB@contoso.com",
      "    + photo: photos/adele.jpg",
      '    ~ authentication.mobile: "+1 ••••••••10" -> "+1 ••••••••11" (sensitive)',
      '    + authentication.email: "a•••@personal.example" (sensitive)',
      '    - authentication.office: "+1 ••••••••00" -> null (sensitive)',
      "",
      "~ AlexW@contoso.com (profiles/alexw.yaml)",
      "    - photo: (current photo) -> null",
      "    # skipped officeLocation: mastered by on-premises AD for this synced user; change it there",
      "",
      "~ GradyA@contoso.com (profiles/gradya.yaml) [admin roles: Global Administrator]",
      '    ~ userPrincipalName: "GradyA@contoso.com" -> "Grady.Archie@contoso.com" (sensitive)',
      "    - manager: AlexW@contoso.com -> null (sensitive)",
      "    # skipped authentication.mobile: the user holds an admin role: Graph refuses app changes to their authentication methods",
      "",
      "Error: profiles/ghost.yaml:1:20: Ghost@contoso.com: the user does not exist in the tenant",
      "Error: internal: photo metadata unavailable",
      "Warning: profiles/sales/adele.vance.yaml:9:1: `employeeId` is owned elsewhere (HR provisioning): not planned",
      "",
      "Plan: 12 changes to 3 users (5 sensitive), 2 skipped; 20 managed users, 3 unmanaged.",
      "2 errors, 1 warning.",
      "",
    ]);
  });

  it("says so when there is nothing to do", () => {
    const text = renderText(plan({ managedUsers: 20, commit: null }), { color: false });
    expect(text).toBe(
      "roster plan for contoso.onmicrosoft.com (tenant c0d1e2f3-0000-4000-8000-000000000001, no git commit)\n\nNo changes. The tenant matches the repository.\n",
    );
  });

  it("does not claim the tenant matches when changes were skipped", () => {
    const text = renderText(
      plan({
        dirty: true,
        managedUsers: 4,
        unmanagedUsers: 1,
        users: [
          {
            upn: "AlexW@contoso.com",
            synced: true,
            skipped: [{ path: "jobTitle", before: "A", after: "B", reason: "mastered by on-premises AD" }],
          },
        ],
      }),
      { color: false },
    );
    expect(text.split("\n")).toEqual([
      "roster plan for contoso.onmicrosoft.com (tenant c0d1e2f3-0000-4000-8000-000000000001, commit 0123456789ab, uncommitted changes)",
      "",
      "# AlexW@contoso.com (profiles/alexw.yaml)",
      "    # skipped jobTitle: mastered by on-premises AD",
      "",
      "No changes. 1 skipped; 4 managed users, 1 unmanaged.",
      "",
    ]);
  });

  it("colours only when asked: green add, yellow update, red remove, bold headers", () => {
    const plain = renderText(samplePlan(), { color: false });
    const coloured = renderText(samplePlan(), { color: true });
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toContain('\x1b[32m+\x1b[0m officeLocation: "18/2111"');
    expect(coloured).toContain('\x1b[33m~\x1b[0m jobTitle: "Retail Manager" -> "Store Manager"');
    expect(coloured).toContain("\x1b[31m-\x1b[0m mobilePhone:");
    expect(coloured).toContain("\x1b[1mroster plan for contoso.onmicrosoft.com");
    expect(coloured).toContain("\x1b[1;31mError:\x1b[0m");
    // Colour adds escapes and nothing else.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, "")).toBe(plain);
  });

  it("cannot be made to emit terminal escapes or extra lines by a value from the repository", () => {
    const text = renderText(
      plan({
        users: [
          {
            upn: "Evil\x1b]0;owned\x07@contoso.com",
            changes: [
              { path: "jobTitle", before: null, after: "\x1b[2J\u009b31mred\u202eevil\nsecond line" },
            ],
            skipped: [{ path: "department", before: null, after: "x", reason: "because\nError: fake" }],
          },
        ],
        errors: [{ message: "bad\rvalue" }],
      }),
      { color: false },
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text.split("\n").filter((line) => line.startsWith("Error:"))).toEqual([
      "Error: bad\\u{000d}value",
    ]);
    expect(text).toContain("# skipped department: because\\u{000a}Error: fake");
  });
});
