import { describe, expect, it } from "vitest";
import { isPrivilegedTarget, UNRESTRICTED_ROLES } from "../src/privileged-roles.js";

describe("isPrivilegedTarget (who can perform sensitive actions)", () => {
  it("leaves users with no role, or only roles every admin may act on, to the app", () => {
    expect(isPrivilegedTarget([])).toBe(false);
    expect(isPrivilegedTarget([...UNRESTRICTED_ROLES])).toBe(false);
    expect(isPrivilegedTarget(["password administrator", " Usage Summary Reports Reader "])).toBe(false);
  });

  it.each([
    "Global Administrator",
    "Privileged Authentication Administrator",
    "Privileged Role Administrator",
    "Authentication Administrator",
    "User Administrator",
    "Helpdesk Administrator",
    "Groups Administrator",
    "Security Administrator",
    "Exchange Administrator",
    "Global Reader",
    "Contoso Custom Role",
  ])("puts a user holding %j beyond the app (also next to a reader role)", (role) => {
    expect(isPrivilegedTarget([role])).toBe(true);
    expect(isPrivilegedTarget(["Directory Readers", role])).toBe(true);
  });
});
