import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { profileYaml } from "../../src/export/emit.js";

describe("profileYaml", () => {
  it("writes keys in the order given, a single business phone on one line, objects as blocks", () => {
    const text = profileYaml({
      userPrincipalName: "AdeleV@contoso.com",
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      displayName: "Adele Vance",
      employeeOrgData: { division: "Stores", costCenter: "4401" },
      businessPhones: ["+1 425 555 0109"],
      otherMails: [],
      mobilePhone: null,
      manager: "AlexW@contoso.com",
    });
    expect(text).toBe(
      [
        "userPrincipalName: AdeleV@contoso.com",
        "id: 87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName: Adele Vance",
        "employeeOrgData:",
        "  division: Stores",
        '  costCenter: "4401"',
        "businessPhones: [+1 425 555 0109]",
        "otherMails: []",
        "mobilePhone: null",
        "manager: AlexW@contoso.com",
        "",
      ].join("\n"),
    );
  });

  it("quotes only what YAML 1.2 or YAML 1.1 would read as something else", () => {
    const values = {
      va: "No",
      vb: "on",
      vc: "2014-01-01T00:00:00Z",
      vd: "1:20",
      ve: "+14255550109",
      vf: "null",
      vg: "  padded ",
      vh: "a #hash",
      vi: "key: value",
      vj: "*star",
      vk: "",
      vl: "line one\nline two",
      vm: "O'Brien & Sons (UK), Ltd.",
      vn: "Building 20/3100",
      vo: "0o17",
    };
    const text = profileYaml(values);
    expect(text).toBe(
      [
        'va: "No"',
        'vb: "on"',
        'vc: "2014-01-01T00:00:00Z"',
        'vd: "1:20"',
        've: "+14255550109"',
        'vf: "null"',
        'vg: "  padded "',
        'vh: "a #hash"',
        'vi: "key: value"',
        'vj: "*star"',
        'vk: ""',
        'vl: "line one\\nline two"',
        "vm: O'Brien & Sons (UK), Ltd.",
        "vn: Building 20/3100",
        'vo: "0o17"',
        "",
      ].join("\n"),
    );
    expect(parse(text, { version: "1.2" })).toEqual(values);
    expect(parse(text, { version: "1.1" })).toEqual(values);
  });

  it("puts a comment above the profile", () => {
    expect(profileYaml({ userPrincipalName: "a@contoso.com" }, [" first line", " second line"])).toBe(
      "# first line\n# second line\n\nuserPrincipalName: a@contoso.com\n",
    );
  });

  it("gives the same bytes for the same profile", () => {
    const data = { userPrincipalName: "a@contoso.com", jobTitle: "Yes", businessPhones: ["+1 425 555 0100"] };
    expect(profileYaml(data)).toBe(profileYaml(structuredClone(data)));
  });
});
