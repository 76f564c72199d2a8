import { truncate } from "node:fs/promises";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { loadDesiredState } from "../../src/desired/load.js";
import { validateRepository } from "../../src/desired/validate.js";
import { captureIo } from "../../src/io.js";
import { firstInvalidUtf8Byte } from "../../src/source/yaml.js";
import { closest } from "../../src/util/suggest.js";
import { MINIMAL_CONFIG, testdir } from "../helpers/testdir.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = captureIo({ env });
  const code = await main(["node", "roster", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** A PNG whose header claims `width`×`height`: enough for the size check, far too small to decode. */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(16))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("inputs too large to read", () => {
  it("refuses a 50 MB profile without reading it", async () => {
    const dir = await testdir({ "roster.yaml": MINIMAL_CONFIG, "profiles/huge.yaml": "" });
    await truncate(join(dir, "profiles/huge.yaml"), 50 * 1024 * 1024);
    const result = await run(["validate", "--dir", dir]);
    expect(result.out).toBe("profiles/huge.yaml:1:1: file is 50.0 MB; profile files are limited to 1.0 MB\n");
    expect(result.code).toBe(1);
  });

  it("refuses a photo over 20 MB before decoding it", async () => {
    const dir = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\n",
      "photos/a.jpg": "",
    });
    await truncate(join(dir, "photos/a.jpg"), 21 * 1024 * 1024);
    const result = await run(["validate", "--dir", dir]);
    expect(result.out).toBe("photos/a.jpg:1:1: 21.0 MB is over the 20 MB limit (photo of profiles/a.yaml)\n");
    expect(result.code).toBe(1);
  });

  it("refuses a photo over 100 megapixels from its header alone", async () => {
    const dir = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\n",
      "photos/a.png": pngHeader(20_000, 10_000),
    });
    const result = await run(["validate", "--dir", dir]);
    expect(result.out).toBe(
      "photos/a.png:1:1: 20000×10000 is over the 100 megapixel limit (photo of profiles/a.yaml)\n",
    );
    expect(result.code).toBe(1);
  });
});

describe("output formats", () => {
  it("adds GitHub annotations inside Actions, escaping what GitHub would misread", async () => {
    const result = await run(["validate", "--dir", join(fixtures, "manager-cycle")], {
      GITHUB_ACTIONS: "true",
    });
    const annotations = result.out.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations).toHaveLength(3);
    expect(annotations[0]).toBe(
      "::error file=profiles/a.yaml,line=2,col=10::manager cycle: a@contoso.com -> b@contoso.com -> c@contoso.com -> a@contoso.com",
    );
  });

  it("annotates warnings too, and only inside Actions", async () => {
    const dir = join(fixtures, "owned-elsewhere");
    const inActions = await run(["validate", "--dir", dir], { GITHUB_ACTIONS: "true" });
    expect(inActions.code).toBe(0);
    expect(inActions.out.split("\n").filter((l) => l.startsWith("::"))).toEqual([
      "::warning file=profiles/_defaults.yaml,line=1,col=13::`department` is owned elsewhere (roster.yaml ownedElsewhere): it is never planned",
      "::warning file=profiles/a.yaml,line=2,col=13::`employeeId` is owned elsewhere (roster.yaml ownedElsewhere): it is never planned",
    ]);
    const outside = await run(["validate", "--dir", dir]);
    expect(outside.out).not.toContain("::");
  });

  it("caps annotations at 10 per severity and says how many were left in the log", async () => {
    const files: Record<string, string> = { "roster.yaml": MINIMAL_CONFIG };
    for (let i = 0; i < 12; i++)
      files[`profiles/u${i}.yaml`] = `userPrincipalName: u${i}@contoso.com\njobTitel: x\n`;
    const result = await run(["validate", "--dir", await testdir(files)], { GITHUB_ACTIONS: "true" });
    const lines = result.out.split("\n");
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(10);
    expect(lines).toContain("::notice::2 more errors are listed in the log only");
    expect(lines.filter((l) => l.includes("unknown key `jobTitel` (did you mean `jobTitle`?)"))).toHaveLength(
      22,
    );
  });

  it("prints machine-readable JSON with --format json", async () => {
    const result = await run(["validate", "--dir", join(fixtures, "unknown-manager"), "--format", "json"]);
    expect(JSON.parse(result.out)).toEqual({
      valid: true,
      profiles: 1,
      diagnostics: [
        {
          severity: "warning",
          file: "profiles/a.yaml",
          line: 2,
          col: 10,
          message:
            "manager ghost@contoso.com has no profile here; the plan checks that the user exists in the tenant",
        },
      ],
    });
    expect(result.code).toBe(0);
  });
});

describe("loading the desired state", () => {
  it("inherits _defaults.yaml, nearest folder first, the profile over all, and remembers each source", async () => {
    const { state, diagnostics } = await loadDesiredState(join(fixtures, "valid"));
    expect(diagnostics).toEqual([]);
    const adele = state?.profiles.find((p) => p.userPrincipalName.value === "AdeleV@contoso.com");
    expect(adele?.file).toBe("profiles/sales/adele.vance.yaml");
    const attr = (path: string) => {
      const sourced = adele?.attributes.get(path);
      return (
        sourced && {
          value: sourced.value,
          at: `${sourced.source.file}:${sourced.source.line}:${sourced.source.col}`,
        }
      );
    };
    expect(attr("companyName")).toEqual({ value: "Contoso", at: "profiles/_defaults.yaml:1:14" });
    expect(attr("department")).toEqual({ value: "Sales", at: "profiles/sales/_defaults.yaml:1:13" });
    expect(attr("employeeOrgData.division")).toEqual({
      value: "Sales",
      at: "profiles/sales/_defaults.yaml:2:30",
    });
    expect(attr("employeeOrgData.costCenter")).toEqual({
      value: "4401",
      at: "profiles/sales/adele.vance.yaml:4:32",
    });
    expect(attr("mobilePhone")).toEqual({ value: null, at: "profiles/sales/adele.vance.yaml:6:14" });
    expect(adele?.attributes.has("jobTitle")).toBe(false); // absent = not managed
    expect(adele?.manager?.value).toBe("alexw@contoso.com");
    expect(adele?.authentication).toMatchObject({
      mobile: { value: "+1 425 555 0110" },
      email: { value: "adele@personal.example" },
    });
    expect(adele?.photo).toMatchObject({ kind: "file", path: "photos/adele.vance.jpg" });
    const alex = state?.profiles.find((p) => p.userPrincipalName.value === "AlexW@contoso.com");
    expect(alex?.photo).toMatchObject({ kind: "none" });
    expect(alex?.attributes.get("employeeOrgData.division")?.value).toBe("Retail");
  });

  it("expands `employeeOrgData: null` to every sub-key", async () => {
    const dir = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\nemployeeOrgData: null\n",
    });
    const { state } = await loadDesiredState(dir);
    const attributes = state?.profiles[0]?.attributes;
    expect([...(attributes?.keys() ?? [])]).toEqual([
      "employeeOrgData.division",
      "employeeOrgData.costCenter",
    ]);
    expect(attributes?.get("employeeOrgData.costCenter")?.value).toBeNull();
  });

  it("validates a generated photo as a good one", async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#2a6" } })
      .jpeg()
      .toBuffer();
    const dir = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\n",
      "photos/a.jpg": jpeg,
    });
    const { diagnostics, state } = await validateRepository(dir);
    expect(diagnostics).toEqual([]);
    expect(state?.profiles[0]?.photo).toMatchObject({ kind: "file", path: "photos/a.jpg" });
  });
});

describe("robustness", () => {
  const base = {
    userPrincipalName: "AdeleV@contoso.com",
    displayName: "Adele Vance",
    jobTitle: "Retail Manager",
    businessPhones: ["+1 425 555 0109"],
    manager: "AlexW@contoso.com",
    employeeOrgData: { division: "Stores", costCenter: "4401" },
    authentication: { mobile: "+1 425 555 0110", email: "adele@personal.example" },
  };
  const anyValue = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
  );

  it("never throws on random edits to a valid profile, and always points inside the file", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            ...Object.keys(base),
            "photo",
            "usageLocation",
            "onPremisesExtensionAttributes",
            "x",
          ),
          anyValue,
          {
            maxKeys: 4,
          },
        ),
        fc.option(fc.tuple(fc.nat(), fc.string({ maxLength: 4 }))),
        async (edits, splice) => {
          let text = stringify({ ...base, ...edits });
          if (splice) {
            const at = splice[0] % (text.length + 1);
            text = text.slice(0, at) + splice[1] + text.slice(at + 1);
          }
          const dir = await testdir({ "roster.yaml": MINIMAL_CONFIG, "profiles/a.yaml": text });
          const { diagnostics } = await validateRepository(dir);
          const lines = text.split("\n").length;
          for (const d of diagnostics) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.line).toBeLessThanOrEqual(lines + 1);
            expect(d.col).toBeGreaterThanOrEqual(1);
            expect(d.message).not.toMatch(/undefined|\[object Object\]/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("finds the first byte that breaks UTF-8", () => {
    expect(firstInvalidUtf8Byte(Buffer.from("plain ascii"))).toBe(-1);
    expect(firstInvalidUtf8Byte(Buffer.from("Renée 日本 😀"))).toBe(-1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe9, 0x62]))).toBe(1); // Latin-1 é
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8Byte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // UTF-16 surrogate
    expect(firstInvalidUtf8Byte(Buffer.from([0x61, 0xe6, 0x97]))).toBe(1); // cut short
  });

  it("suggests the key that was meant", () => {
    expect(closest("JobTitle", ["jobTitle", "department"])).toBe("jobTitle");
    expect(closest("departmnet", ["jobTitle", "department"])).toBe("department");
    expect(closest("favouriteColour", ["jobTitle", "department"])).toBeUndefined();
  });
});
