// Which users roster treats as admins, from the labels the tenant reader gives their roles.
import { describe, expect, it } from "vitest";
import {
  isEligibleOnly,
  isPrivilegedTarget,
  roleAssignableGroupLabel,
  roleLabel,
} from "../../src/entra/roles.js";

describe("role labels", () => {
  it("say how the role is held", () => {
    expect(roleLabel("Global Administrator")).toBe("Global Administrator");
    expect(roleLabel("Global Administrator", { eligible: true })).toBe("Global Administrator (eligible)");
    expect(roleLabel("Helpdesk Administrator", { group: "Tier 1" })).toBe(
      "Helpdesk Administrator (through group Tier 1)",
    );
    expect(roleLabel("Directory Readers", { eligible: true, group: "Readers" })).toBe(
      "Directory Readers (eligible) (through group Readers)",
    );
    expect(roleAssignableGroupLabel("member", "Spare")).toBe("member of role-assignable group Spare");
    expect(roleAssignableGroupLabel("owner", "Spare")).toBe("owner of role-assignable group Spare");
  });
});

describe("privileged targets", () => {
  it.each([
    [["Global Administrator"], true],
    [["Global Administrator (eligible)"], true],
    [["Helpdesk Administrator (through group Tier 1)"], true],
    // Microsoft protects every member of a role-assignable group, whatever the group's role.
    [["Directory Readers (through group Readers)"], true],
    [["Directory Readers (eligible) (through group Readers)"], true],
    // ... and every member and owner of one that holds no role at all.
    [["member of role-assignable group Spare"], true],
    [["owner of role-assignable group Spare"], true],
    [["Directory Readers", "owner of role-assignable group Spare"], true],
    [["Directory Readers"], false],
    [["directory readers (eligible)"], false],
    [["Password Administrator", "Reports Reader (eligible)"], false],
    [["Reports Reader", "Custom Role (eligible)"], true],
    [[], false],
  ])("%j: %s", (roles, privileged) => {
    expect(isPrivilegedTarget(roles)).toBe(privileged);
  });

  it("are eligible-only when every privileged role is one they may only activate", () => {
    expect(isEligibleOnly(["Global Administrator (eligible)", "Directory Readers"])).toBe(true);
    expect(isEligibleOnly(["Global Administrator (eligible)", "Helpdesk Administrator"])).toBe(false);
    expect(isEligibleOnly(["Global Administrator (eligible) (through group G)"])).toBe(false);
    expect(isEligibleOnly(["Directory Readers (eligible)"])).toBe(false);
    expect(isEligibleOnly(["Global Administrator (eligible)", "owner of role-assignable group G"])).toBe(
      false,
    );
    expect(isEligibleOnly([])).toBe(false);
  });
});
