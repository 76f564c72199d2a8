// Plumbing for the `roster export` tests: the CLI run in-process against an emulator, a generated
// tenant with what real tenants hold (managers, photos, synced users, guests, authentication
// methods, awkward names and values), and the bytes of a repository's files.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { StateUser, TenantState } from "@roster/graph-emulator";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { demoToken } from "../helpers/demo-apps.js";
import type { Emulator } from "../plan-integration/helpers.js";

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** `roster <command> --dir DIR [connection flags] ...args`, in-process. */
export async function roster(em: Emulator | undefined, dir: string, args: string[]): Promise<Run> {
  // Export reads what a full plan reads (authentication methods too): the demo's drift app.
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: demoToken("roster-drift") }, cwd: dir });
  const connection = em ? ["--graph-url", em.origin, "--ca-cert", em.caPath] : [];
  const code = await main(["node", "roster", ...args, "--dir", dir, ...connection], io);
  return { code, out: io.out(), err: io.err() };
}

/** Every file under `dir` (but .roster-cache) -> sha256 of its bytes. */
export async function fileHashes(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.name === ".roster-cache") continue;
      if (entry.isDirectory()) await walk(path);
      else
        hashes[relative(dir, path)] = createHash("sha256")
          .update(await readFile(path))
          .digest("hex");
    }
  };
  await walk(dir);
  return hashes;
}

const DEPARTMENTS = ["Sales", "R&D", "Recherche et Développement", "Retail", "Con", ""];
const TITLES = ["Engineer", "No", "Yes", "Sales Manager: EMEA", "O'Brien & Sons liaison", "2024-01-01"];

/**
 * `n` users (n ≥ 40): a management tree, a photo for every third (one of `images`), every seventh
 * synced from on-premises AD, every thirteenth a guest, authentication methods for every fourth, a
 * Global Administrator, and local parts that collide or that file systems refuse.
 */
export function generatedTenant(n: number, images: readonly Buffer[]): TenantState {
  const awkward = [
    "Sam@contoso.com",
    "sam@fabrikam.com",
    "o'brien@contoso.com",
    "o!brien@contoso.com",
    "con@contoso.com",
    "nul.ops@contoso.com",
    "_defaults@contoso.com",
    "a^b~c@contoso.com",
  ];
  const upns = Array.from({ length: n }, (_, i) => {
    if (i > 0 && i <= awkward.length) return awkward[i - 1] as string;
    if (i % 13 === 12) return `guest${i}_partner.example#EXT#@contoso.onmicrosoft.com`;
    return `user${String(i).padStart(5, "0")}@contoso.com`;
  });
  const users = upns.map((upn, i): StateUser => {
    const user: StateUser = {
      userPrincipalName: upn,
      displayName: `User ${i}`,
      givenName: i % 5 === 0 ? null : `Given${i}`,
      surname: `Surname ${i}`,
      jobTitle: i % 9 === 0 ? null : (TITLES[i % TITLES.length] as string),
      officeLocation: i % 4 === 0 ? null : `Building ${i % 40}/${1000 + i}`,
      businessPhones: i % 3 === 0 ? [] : [`+1 425 555 ${String(i % 10000).padStart(4, "0")}`],
      mobilePhone: i % 2 === 0 ? null : `+44 7700 ${String(900000 + i)}`,
      employeeOrgData:
        i % 6 === 0 ? null : { division: `Division ${i % 3}`, costCenter: String(4400 + (i % 50)) },
      employeeHireDate: i % 8 === 0 ? null : `20${String(10 + (i % 15))}-0${1 + (i % 9)}-15T00:00:00Z`,
      city: i % 10 === 0 ? null : "Redmond",
      usageLocation: i % 11 === 0 ? null : "US",
      preferredLanguage: "en-US",
    };
    const department = DEPARTMENTS[i % DEPARTMENTS.length] as string;
    if (department !== "") user.department = department;
    if (i % 17 === 3) user.onPremisesExtensionAttributes = { extensionAttribute4: `badge-${i}` };
    if (i > 0) user.manager = upns[Math.floor((i - 1) / 6)] as string;
    if (i % 7 === 5) user.onPremisesSyncEnabled = true;
    if (i % 13 === 12) user.userType = "Guest";
    if (i % 3 === 1)
      user.photo = `data:image/png;base64,${(images[i % images.length] as Buffer).toString("base64")}`;
    if (i % 4 === 2) {
      user.authentication = {
        phoneMethods: [
          { phoneType: "mobile", phoneNumber: `+1 42555${String(10000 + i).slice(-5)}` },
          ...(i % 8 === 2 ? [{ phoneType: "office", phoneNumber: "+1 4255550100" }] : []),
        ],
        emailMethods: i % 12 === 2 ? [{ emailAddress: `user${i}@personal.example` }] : [],
      };
    }
    if (i === 7) user.roles = ["Global Administrator"];
    return user;
  });
  return { tenant: { domains: ["contoso.com", "fabrikam.com", "contoso.onmicrosoft.com"] }, users };
}
