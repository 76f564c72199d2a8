import { describe, expect, it } from "vitest";
import { parseAttributes } from "../../src/export/attributes.js";
import { schemas } from "../../src/source/schema.js";

const keys = schemas().profileKeys;
const parse = (list: string | undefined, ownedElsewhere: string[] = []) =>
  parseAttributes(list, keys, { ownedElsewhere });

describe("parseAttributes", () => {
  it("defaults to the design's profile, in the schema's key order", () => {
    const selection = parse(undefined);
    expect(selection.keys).toEqual([
      "displayName",
      "jobTitle",
      "department",
      "officeLocation",
      "employeeOrgData",
      "businessPhones",
      "mobilePhone",
      "onPremisesExtensionAttributes",
      "manager",
    ]);
    expect([...selection.wholeObjects].sort()).toEqual(["employeeOrgData", "onPremisesExtensionAttributes"]);
    expect(selection.subKeys.size).toBe(0);
  });

  it("adds keys to the default and leaves out what roster.yaml says is owned elsewhere", () => {
    const selection = parse("default,givenName,surname", ["department"]);
    expect(selection.keys).toEqual([
      "displayName",
      "givenName",
      "surname",
      "jobTitle",
      "officeLocation",
      "employeeOrgData",
      "businessPhones",
      "mobilePhone",
      "onPremisesExtensionAttributes",
      "manager",
    ]);
    expect(selection.ownedElsewhere).toEqual(["department"]);
  });

  it("`all` is every profile key but the per-person ones with their own flags", () => {
    const selection = parse("all", ["employeeId"]);
    expect(selection.keys).not.toContain("userPrincipalName");
    expect(selection.keys).not.toContain("photo");
    expect(selection.keys).not.toContain("authentication");
    expect(selection.keys).not.toContain("employeeId");
    expect(selection.keys).toContain("employeeHireDate");
    expect(selection.keys).toContain("manager");
    expect(selection.keys).toHaveLength(keys.length - 5);
  });

  it("takes sub-keys, kept in Graph's order and written for everyone", () => {
    const selection = parse(
      "jobTitle,onPremisesExtensionAttributes.extensionAttribute3,onPremisesExtensionAttributes.extensionAttribute1",
    );
    expect(selection.keys).toEqual(["jobTitle", "onPremisesExtensionAttributes"]);
    expect(selection.wholeObjects.size).toBe(0);
    expect(selection.subKeys.get("onPremisesExtensionAttributes")).toEqual([
      "extensionAttribute1",
      "extensionAttribute3",
    ]);
  });

  it("refuses what is not a profile key, with a suggestion", () => {
    expect(() => parse("jobtitle")).toThrow(
      "--attributes jobtitle: not a profile key (did you mean `jobTitle`?)",
    );
    expect(() => parse("employeeOrgData.division,employeeOrgData.costcentre")).toThrow(
      "`employeeOrgData` has no sub-key `costcentre` (did you mean `costCenter`?)",
    );
    expect(() => parse("jobTitle.x")).toThrow("`jobTitle` has no sub-keys");
    expect(() => parse(" , ")).toThrow("--attributes names no attribute");
  });

  it("points per-person keys at their flags and refuses a key owned elsewhere", () => {
    expect(() => parse("photo")).toThrow("--no-photos");
    expect(() => parse("authentication")).toThrow("--auth-methods");
    expect(() => parse("id")).toThrow("always exported");
    expect(() => parse("employeeId", ["employeeId"])).toThrow(
      "roster.yaml says `employeeId` is owned elsewhere",
    );
  });
});
