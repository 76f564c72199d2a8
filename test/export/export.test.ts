// `roster export` against the emulator: the round trip (export, validate exits 0, plan shows no
// changes) on the demo tenant and on a generated one, byte-identical re-exports, file names, and
// files that differ left alone unless --force.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { userIdFromUpn } from "@roster/graph-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testdir } from "../helpers/testdir.js";
import { distinctImages } from "../photos/images.js";
import { demoState, type Emulator, emulator } from "../plan-integration/helpers.js";
import { fileHashes, generatedTenant, roster } from "./helpers.js";

const DEMO_CONFIG = [
  "tenant: contoso.onmicrosoft.com",
  "protected: [breakglass@contoso.com]",
  "ownedElsewhere: [employeeId]",
  "",
].join("\n");

describe("roster export: the demo tenant", () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await emulator(await demoState());
  });
  afterAll(async () => em.close());

  it("leaves out a user protected by object id, as by UPN", async () => {
    const adele = userIdFromUpn("AdeleV@contoso.com");
    const dir = await testdir({ "roster.yaml": `tenant: contoso.onmicrosoft.com\nprotected: [${adele}]\n` });
    const exported = await roster(em, dir, ["export", "--no-photos"]);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.err).toContain("not exported: AdeleV@contoso.com (protected in roster.yaml)");
    const files = await readdir(join(dir, "profiles"), { recursive: true });
    expect(files.some((f) => String(f).includes("adelev"))).toBe(false);
  });

  it("round trip: export, validate exits 0, plan shows no changes", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    const exported = await roster(em, dir, ["export", "--auth-methods"]);
    expect(exported.err).toContain("warning: --auth-methods writes users' authentication phone numbers");
    expect(exported.out).toBe(
      "exported 27 users\nprofiles: 27 new, 0 unchanged\nphotos: 21 new, 0 unchanged; 6 without a photo\n",
    );
    expect(exported.err).toContain("not exported: breakglass@contoso.com (protected in roster.yaml)");
    expect(exported.code).toBe(0);

    const validated = await roster(undefined, dir, ["validate"]);
    expect(validated.out).toBe("");
    expect(validated.err).toMatch(/^valid: 27 profiles, 0 errors, 0 warnings/);
    expect(validated.code).toBe(0);

    const planned = await roster(em, dir, ["plan", "--detailed-exitcode"]);
    expect(planned.out).toContain("No changes. The tenant matches the repository.");
    expect(planned.code).toBe(0);
  });

  it("writes one file per user, by department, with the id pinned and photos named for the default rule", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    expect((await roster(em, dir, ["export"])).code).toBe(0);
    expect(await readFile(join(dir, "profiles/sales/adelev.yaml"), "utf8")).toBe(
      [
        "userPrincipalName: AdeleV@contoso.com",
        "id: 503ee239-9b7a-5792-8632-427e7e79164e",
        "displayName: Adele Vance",
        "jobTitle: Sales Associate",
        "department: Sales",
        "officeLocation: Building 18/2100",
        "employeeOrgData:",
        "  division: Commercial",
        '  costCenter: "3100"',
        "businessPhones: [+1 425 555 0121]",
        "mobilePhone: +1 425 555 0171",
        // Another user's extensionAttribute1 is set: every profile manages it, Adele's is empty.
        "onPremisesExtensionAttributes:",
        "  extensionAttribute1: null",
        "manager: AlexW@contoso.com",
        "",
      ].join("\n"),
    );
    const synced = await readFile(join(dir, "profiles/engineering/pradeepg.yaml"), "utf8");
    expect(synced.split("\n").slice(0, 4)).toEqual([
      "# Synced from on-premises AD, which masters displayName, jobTitle, department, officeLocation,",
      "# employeeOrgData, businessPhones, mobilePhone and onPremisesExtensionAttributes: change those in",
      "# AD (roster's plan skips changes to them for this user).",
      "",
    ]);
    const photos = await readdir(join(dir, "photos"));
    expect(photos).toContain("adelev.jpg");
    expect(photos.every((name) => name.endsWith(".jpg"))).toBe(true);
    // Authentication methods only with --auth-methods.
    expect(await readFile(join(dir, "profiles/engineering/gradya.yaml"), "utf8")).not.toContain(
      "authentication",
    );
  });

  it("a second export changes no byte, and says so", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    expect((await roster(em, dir, ["export", "--auth-methods"])).code).toBe(0);
    const first = await fileHashes(dir);
    const again = await roster(em, dir, ["export", "--auth-methods"]);
    expect(again.out).toBe(
      "exported 27 users\nprofiles: 0 new, 27 unchanged\nphotos: 0 new, 21 unchanged; 6 without a photo\n",
    );
    expect(await fileHashes(dir)).toEqual(first);
    expect(Object.keys(first).length).toBe(1 + 27 + 21);
  });

  it("leaves a file that differs alone and lists it; --force overwrites it", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    await roster(em, dir, ["export"]);
    const file = join(dir, "profiles/sales/adelev.yaml");
    const edited = (await readFile(file, "utf8")).replace("Sales Associate", "Head of Sales");
    await writeFile(file, edited);
    await writeFile(join(dir, "photos/alexw.jpg"), await readFile(join(dir, "photos/adelev.jpg")));

    const kept = await roster(em, dir, ["export"]);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain("profiles: 0 new, 26 unchanged, 1 left alone (they differ)");
    expect(kept.out).toContain("photos: 0 new, 20 unchanged, 1 left alone (they differ)");
    expect(kept.err).toContain(
      "left alone: 2 files that differ from the tenant (--force overwrites them):\n  photos/alexw.jpg\n  profiles/sales/adelev.yaml\n",
    );
    expect(await readFile(file, "utf8")).toBe(edited);

    const forced = await roster(em, dir, ["export", "--force"]);
    expect(forced.out).toContain("profiles: 0 new, 26 unchanged, 1 overwritten");
    expect(await readFile(file, "utf8")).toContain("jobTitle: Sales Associate");
    expect((await roster(em, dir, ["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  it("keeps a user's existing profile where it is, found by id", async () => {
    const dir = await testdir({
      "roster.yaml": DEMO_CONFIG,
      "profiles/people/adele.yaml":
        "userPrincipalName: old-upn@contoso.com\nid: 503ee239-9b7a-5792-8632-427e7e79164e\n",
    });
    const run = await roster(em, dir, ["export", "--no-photos", "--force"]);
    expect(run.code).toBe(0);
    expect(await readFile(join(dir, "profiles/people/adele.yaml"), "utf8")).toMatch(
      /^userPrincipalName: AdeleV@contoso.com\nid: 503ee239-9b7a-5792-8632-427e7e79164e\n/,
    );
    await expect(readFile(join(dir, "profiles/sales/adelev.yaml"))).rejects.toThrow("ENOENT");
    await expect(readdir(join(dir, "photos"))).rejects.toThrow("ENOENT");
  });

  it("--filter narrows the export within roster.yaml's scope; --group-by none keeps profiles/ flat", async () => {
    const dir = await testdir({
      "roster.yaml": `${DEMO_CONFIG}scope: { filter: "accountEnabled eq true" }\n`,
    });
    const run = await roster(em, dir, [
      "export",
      "--filter",
      "department eq 'Retail'",
      "--group-by",
      "none",
      "--attributes",
      "displayName,manager",
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^exported 7 users\n/);
    const files = (await readdir(join(dir, "profiles"))).sort();
    expect(files).toEqual([
      "alland.yaml",
      "cameronw.yaml",
      "debrab.yaml",
      "emilyb.yaml",
      "enricoc.yaml",
      "irvins.yaml",
      "raulr.yaml",
    ]);
    expect(await readFile(join(dir, "profiles/debrab.yaml"), "utf8")).toMatch(
      /^userPrincipalName: DebraB@contoso.com\nid: [0-9a-f-]{36}\ndisplayName: Debra Berger\nmanager: \S+@contoso.com\n$/,
    );
    expect((await roster(undefined, dir, ["validate"])).code).toBe(0);
    expect((await roster(em, dir, ["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  it("a filter Graph refuses: the hint names --filter (and roster.yaml's scope.filter) and Graph's message", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    const run = await roster(em, dir, ["export", "--filter", "departmnt eq 'Retail'"]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /\nerror: GET \/users\?\S+: 400 Request_BadRequest: Could not find a property named 'departmnt'/,
    );
    expect(run.err).toContain(
      `\nhint: Graph refused the filter (--filter "departmnt eq 'Retail'"): Could not find a property named 'departmnt' on type 'microsoft.graph.user'. Check it against Graph's $filter syntax for users, e.g. --filter "department eq 'Retail'" (strings in single quotes)\n`,
    );
    await expect(readdir(join(dir, "profiles"))).rejects.toThrow("ENOENT");

    const scoped = await testdir({
      "roster.yaml": `${DEMO_CONFIG}scope: { filter: "accountEnabled eq true" }\n`,
    });
    const joined = await roster(em, scoped, ["export", "--filter", "department eq Retail"]);
    expect(joined.code).toBe(1);
    expect(joined.err).toContain(
      `\nhint: Graph refused the filter (--filter "department eq Retail", joined with roster.yaml's scope.filter "accountEnabled eq true"): Invalid filter clause: expected a literal but found 'Retail'.`,
    );
  });

  it("writes the tenant's value for every key a _defaults.yaml sets, so the first plan stays empty", async () => {
    const dir = await testdir({
      "roster.yaml": DEMO_CONFIG,
      "profiles/_defaults.yaml": 'city: Nowhere\nemployeeOrgData:\n  division: "Default Division"\n',
      // Every user under sales/ has a usageLocation, so this one can be written over.
      "profiles/sales/_defaults.yaml": "department: Marketing\ncompanyName: Default Ltd\nusageLocation: GB\n",
    });
    const exported = await roster(em, dir, ["export", "--no-photos"]);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.err).not.toContain("the first plan will change it");
    // The attribute selection is the default one: city, usageLocation and companyName are written
    // only because a defaults file above the profile sets them.
    const adele = await readFile(join(dir, "profiles/sales/adelev.yaml"), "utf8");
    expect(adele).toContain("\ndepartment: Sales\n");
    expect(adele).toMatch(/\nusageLocation: US\n/);
    expect(adele).toMatch(/\ncity: /);
    expect(adele).toMatch(/\ncompanyName: /);
    expect(adele).toMatch(/\nemployeeOrgData:\n( {2}\w+: .*\n)* {2}division: /);

    const validated = await roster(undefined, dir, ["validate"]);
    expect(validated.code, validated.err).toBe(0);
    const planned = await roster(em, dir, ["plan", "--detailed-exitcode"]);
    expect(planned.out).toContain("No changes. The tenant matches the repository.");
    expect(planned.code).toBe(0);
  });

  it("warns, naming the defaults file, where the tenant's value cannot be written over a default", async () => {
    // Two demo users have no usageLocation, which Graph cannot clear: no profile can say "none".
    const dir = await testdir({
      "roster.yaml": DEMO_CONFIG,
      "profiles/_defaults.yaml": "usageLocation: GB\n",
    });
    const exported = await roster(em, dir, ["export", "--no-photos"]);
    expect(exported.code).toBe(0);
    const warned = exported.err.split("\n").filter((line) => line.includes("_defaults.yaml"));
    expect(warned).toEqual([
      "warning: conf-room-a@contoso.com: usageLocation: profiles/_defaults.yaml sets it, and the tenant's value could not be written over it: the first plan will change it to the default",
      "warning: svc-scanner@contoso.com: usageLocation: profiles/_defaults.yaml sets it, and the tenant's value could not be written over it: the first plan will change it to the default",
    ]);
  });

  it("needs roster.yaml, and says how to get one", async () => {
    const dir = await testdir({});
    const run = await roster(em, dir, ["export"]);
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      "roster.yaml:1:1: roster.yaml not found: is --dir the repository root?\n" +
        "error: roster export needs a valid roster.yaml naming the tenant\n" +
        "hint: run `roster init` to create the repository, or --dir to point at it\n",
    );
  });

  it("refuses an attribute that is not a profile key before signing in", async () => {
    const dir = await testdir({ "roster.yaml": DEMO_CONFIG });
    const run = await roster(em, dir, ["export", "--attributes", "jobtitle"]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /^error: --attributes jobtitle: not a profile key \(did you mean `jobTitle`\?\)\n/,
    );
    await expect(readdir(join(dir, "profiles"))).rejects.toThrow("ENOENT");
  });
});

describe("roster export: a generated tenant of 1,000 users", () => {
  let em: Emulator;
  let dir: string;
  let exported: Awaited<ReturnType<typeof roster>>;
  beforeAll(async () => {
    const images = [...(await distinctImages(96)).values()];
    em = await emulator(generatedTenant(1000, images));
    dir = await testdir({ "roster.yaml": "tenant: contoso.onmicrosoft.com\n" });
    exported = await roster(em, dir, ["export", "--auth-methods", "--attributes", "all"]);
  }, 120_000);
  afterAll(async () => em.close());

  it("exports everyone, with photos and authentication methods", () => {
    expect(exported.code).toBe(0);
    expect(exported.out).toBe(
      "exported 1000 users\nprofiles: 1000 new, 0 unchanged\nphotos: 333 new, 0 unchanged; 667 without a photo\n",
    );
  });

  it("validates and plans no change", async () => {
    const validated = await roster(undefined, dir, ["validate"]);
    expect(validated.out).toBe("");
    expect(validated.code).toBe(0);
    const planned = await roster(em, dir, ["plan", "--detailed-exitcode"]);
    expect(planned.out).toContain("No changes. The tenant matches the repository.");
    expect(planned.code).toBe(0);
  }, 120_000);

  it("gives colliding and unsafe local parts safe, unique names", async () => {
    const all = (await readdir(join(dir, "profiles"), { recursive: true }))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.split("/").at(-1) as string);
    expect(all).toHaveLength(1000);
    const wanted = [
      "sam-contoso.com.yaml",
      "sam-fabrikam.com.yaml",
      "con_.yaml",
      "nul_.ops.yaml",
      "_defaults_.yaml",
      "a-b-c.yaml",
      "guest12_partner.example.yaml",
    ];
    for (const name of wanted) expect(all, name).toContain(name);
    expect(all.filter((f) => f.startsWith("o-brien-"))).toHaveLength(2);
    expect(new Set(all.map((f) => f.toLowerCase())).size).toBe(all.length);
  });

  it("writes the values that need it quoted, and reads back the same", async () => {
    const text = await readFile(join(dir, "profiles/retail/user00009.yaml"), "utf8");
    expect(text).toContain("\njobTitle: null\n");
    const titled = await readFile(join(dir, "profiles/r-d/sam-contoso.com.yaml"), "utf8");
    expect(titled).toContain('\njobTitle: "No"\n');
    expect(titled).toContain('\nemployeeHireDate: "2011-02-15T00:00:00Z"\n');
  });

  it("a second export changes no byte", async () => {
    const before = await fileHashes(dir);
    const again = await roster(em, dir, ["export", "--auth-methods", "--attributes", "all"]);
    expect(again.out).toBe(
      "exported 1000 users\nprofiles: 0 new, 1000 unchanged\nphotos: 0 new, 333 unchanged; 667 without a photo\n",
    );
    expect(await fileHashes(dir)).toEqual(before);
  }, 120_000);
});
