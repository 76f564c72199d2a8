import { describe, expect, it } from "vitest";
import { folderOfDepartment, stemOfUpn, uniqueStems } from "../../src/export/names.js";

describe("stemOfUpn", () => {
  it("takes the local part, lower-cased", () => {
    expect(stemOfUpn("AdeleV@contoso.com")).toBe("adelev");
    expect(stemOfUpn("adele.vance@contoso.com")).toBe("adele.vance");
  });

  it("drops a guest's #EXT# marker and keeps the home address readable", () => {
    expect(stemOfUpn("ada_fabrikam.com#EXT#@contoso.onmicrosoft.com")).toBe("ada_fabrikam.com");
    expect(stemOfUpn("Ada_Fabrikam.com#ext#@contoso.onmicrosoft.com")).toBe("ada_fabrikam.com");
  });

  it("replaces what Windows, macOS, shells or URLs stumble on", () => {
    expect(stemOfUpn("o'brien@contoso.com")).toBe("o-brien");
    expect(stemOfUpn("a!b^c~d#e@contoso.com")).toBe("a-b-c-d-e");
    expect(stemOfUpn('x<y>z:"q|w?e*@contoso.com')).toBe("x-y-z--q-w-e-");
  });

  it("never gives a dot-file, a trailing dot, a Windows device name or the defaults file", () => {
    expect(stemOfUpn(".hidden@contoso.com")).toBe("hidden");
    expect(stemOfUpn("trailing.@contoso.com")).toBe("trailing");
    expect(stemOfUpn("con@contoso.com")).toBe("con_");
    expect(stemOfUpn("NUL.ops@contoso.com")).toBe("nul_.ops");
    expect(stemOfUpn("com1@contoso.com")).toBe("com1_");
    expect(stemOfUpn("console@contoso.com")).toBe("console");
    expect(stemOfUpn("_defaults@contoso.com")).toBe("_defaults_");
    expect(stemOfUpn("...@contoso.com")).toBe("user");
  });
});

describe("Windows device names with an extension", () => {
  // Windows reads `nul.txt` (and `NUL .txt`, `nul..txt`) as the device NUL: the name must change
  // before its first dot, not at its end (`nul.txt_.yaml` is still NUL).
  it("puts the mark right after the device name, whatever follows and in any case", () => {
    expect(stemOfUpn("nul.txt@contoso.com")).toBe("nul_.txt");
    expect(stemOfUpn("con.yaml@contoso.com")).toBe("con_.yaml");
    expect(stemOfUpn("COM1.x@contoso.com")).toBe("com1_.x");
    expect(stemOfUpn("lpt9.y@contoso.com")).toBe("lpt9_.y");
    expect(stemOfUpn("Aux.a.b@contoso.com")).toBe("aux_.a.b");
    expect(stemOfUpn("nul..txt@contoso.com")).toBe("nul_..txt");
    expect(stemOfUpn("prn.@contoso.com")).toBe("prn_");
  });

  it("a department folder named like a device", () => {
    expect(folderOfDepartment("Con")).toBe("con_");
    expect(folderOfDepartment("LPT1")).toBe("lpt1_");
  });

  it("leaves names that only start like a device alone", () => {
    expect(stemOfUpn("nulla.txt@contoso.com")).toBe("nulla.txt");
    expect(stemOfUpn("com10.x@contoso.com")).toBe("com10.x");
    expect(stemOfUpn("con-ops.x@contoso.com")).toBe("con-ops.x");
  });
});

describe("folderOfDepartment", () => {
  it("joins lower-case words with hyphens, accents dropped, other scripts kept", () => {
    expect(folderOfDepartment("Research and Development")).toBe("research-and-development");
    expect(folderOfDepartment("R&D")).toBe("r-d");
    expect(folderOfDepartment("Recherche et Développement")).toBe("recherche-et-developpement");
    expect(folderOfDepartment("  Sales / EMEA  ")).toBe("sales-emea");
    expect(folderOfDepartment("営業")).toBe("営業");
    expect(folderOfDepartment("Aux")).toBe("aux_");
    expect(folderOfDepartment("???")).toBe("department");
  });
});

describe("uniqueStems", () => {
  const u = (id: string, userPrincipalName: string) => ({ id, userPrincipalName });

  it("keeps the plain stem where it is unique", () => {
    const stems = uniqueStems([u("1", "AdeleV@contoso.com"), u("2", "AlexW@contoso.com")], new Set());
    expect([...stems]).toEqual([
      ["1", "adelev"],
      ["2", "alexw"],
    ]);
  });

  it("gives every user of a shared stem its domain, case-insensitively", () => {
    const stems = uniqueStems(
      [u("1", "Sam@contoso.com"), u("2", "sam@fabrikam.com"), u("3", "pat@contoso.com")],
      new Set(),
    );
    expect(stems.get("1")).toBe("sam-contoso.com");
    expect(stems.get("2")).toBe("sam-fabrikam.com");
    expect(stems.get("3")).toBe("pat");
  });

  it("falls back to the object id where the domain does not tell them apart", () => {
    const stems = uniqueStems(
      [
        u("aaaaaaaa-0000-4000-8000-000000000001", "o'brien@contoso.com"),
        u("bbbbbbbb-0000-4000-8000-000000000002", "o!brien@contoso.com"),
      ],
      new Set(),
    );
    expect(stems.get("aaaaaaaa-0000-4000-8000-000000000001")).toBe("o-brien-aaaaaaaa");
    expect(stems.get("bbbbbbbb-0000-4000-8000-000000000002")).toBe("o-brien-bbbbbbbb");
  });

  it("uses the whole id when even the first eight characters are shared", () => {
    const stems = uniqueStems(
      [
        u("aaaaaaaa-0000-4000-8000-000000000001", "x'y@contoso.com"),
        u("aaaaaaaa-0000-4000-8000-000000000002", "x~y@contoso.com"),
      ],
      new Set(),
    );
    expect(stems.get("aaaaaaaa-0000-4000-8000-000000000001")).toBe(
      "x-y-aaaaaaaa-0000-4000-8000-000000000001",
    );
    expect(stems.get("aaaaaaaa-0000-4000-8000-000000000002")).toBe(
      "x-y-aaaaaaaa-0000-4000-8000-000000000002",
    );
  });

  it("steps around stems other profiles already use", () => {
    const stems = uniqueStems([u("1", "adelev@contoso.com")], new Set(["adelev"]));
    expect(stems.get("1")).toBe("adelev-contoso.com");
  });

  it("does not depend on the order of the users", () => {
    const users = [
      u("1", "Sam@contoso.com"),
      u("2", "sam@fabrikam.com"),
      u("3", "sam-contoso.com@contoso.com"),
      u("4", "pat@contoso.com"),
    ];
    const forward = uniqueStems(users, new Set());
    const backward = uniqueStems([...users].reverse(), new Set());
    expect(Object.fromEntries(backward)).toEqual(Object.fromEntries(forward));
    expect(new Set(forward.values()).size).toBe(4);
    expect(forward.get("3")).toBe("sam-contoso.com");
    expect(forward.get("1")).toBe("sam-1");
    expect(forward.get("2")).toBe("sam-fabrikam.com");
  });
});
