// Generated tenants and matching repositories for `npm run bench`: deterministic (a seeded PRNG),
// written to a temporary folder, never to the repository. A tenant of N users where
//   - a third have a manager (always someone listed before them: no cycles),
//   - a share have a profile photo (the same picture in the repository and the tenant),
//   - a share are synced from on-premises AD (their AD-mastered changes are skipped, not written),
//   - a share have authentication contact methods,
//   - 1 % differ from their profile (a job title), the change set a plan finds and apply writes.
// Every user has a profile; profiles sit in one folder per department with a `_defaults.yaml`.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { mulberry32, type StateUser, type TenantState } from "@roster/graph-emulator";
import sharp from "sharp";

export interface TenantSpec {
  users: number;
  /** Share of users with a profile photo (0 = a repository without photos/). */
  photoShare: number;
  syncedShare: number;
  authShare: number;
  /** Share of users whose tenant job title differs from the profile. */
  changedShare: number;
  seed: number;
}

export const TENANT_ID = "c0d1e2f3-0000-4000-8000-000000000001";
export const DEPARTMENTS = ["Engineering", "Sales", "Retail", "Finance", "Legal", "Support"];
const GIVEN = [
  "Adele",
  "Alex",
  "Allan",
  "Christie",
  "Debra",
  "Diego",
  "Emily",
  "Enrico",
  "Grady",
  "Henrietta",
  "Irvin",
  "Isaiah",
  "Johanna",
  "Joni",
  "Lee",
  "Lidia",
  "Lynne",
  "Megan",
  "Miriam",
  "Nestor",
  "Patti",
  "Pradeep",
  "Raul",
  "Yolanda",
  "Zrinka",
  "Bianca",
  "Carlos",
  "Fatima",
  "Hiro",
  "Kwame",
  "Olga",
  "Quentin",
  "Ursula",
  "Victor",
  "Wanda",
  "Xavier",
];
const SURNAMES = [
  "Vance",
  "Wilber",
  "Deyoung",
  "Cline",
  "Berg",
  "Siciliani",
  "Braun",
  "Gonzalez",
  "Archie",
  "Cerrato",
  "Mueller",
  "Langer",
  "Lauer",
  "Sherman",
  "Gu",
  "Holloway",
  "Robbins",
  "Bowen",
  "Hunter",
  "Wilke",
  "Fernandez",
  "Gupta",
  "Okafor",
  "Tanaka",
  "Novak",
  "Petrov",
  "Quispe",
  "Rahman",
  "Silva",
  "Young",
];

export interface GeneratedUser {
  upn: string;
  stem: string;
  department: string;
  givenName: string;
  surname: string;
  jobTitle: string;
  officeLocation: string;
  phone: string;
  costCenter: string;
  badge: string;
  manager?: number;
  photo?: number;
  synced: boolean;
  auth?: { mobile: string; email: string };
  /** The tenant's job title differs from the profile's. */
  changed: boolean;
}

export interface Generated {
  spec: TenantSpec;
  users: GeneratedUser[];
  state: TenantState;
}

/** The users, their tenant state and nothing on disk yet. */
export function generateTenant(spec: TenantSpec): Generated {
  const random = mulberry32(spec.seed); // the same tenant on every run
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const users: GeneratedUser[] = [];
  for (let i = 0; i < spec.users; i++) {
    const givenName = pick(GIVEN);
    const surname = pick(SURNAMES);
    const stem = `${givenName}.${surname}${i}`.toLowerCase();
    const user: GeneratedUser = {
      upn: `${givenName}.${surname}${i}@contoso.com`,
      stem,
      department: DEPARTMENTS[i % DEPARTMENTS.length] as string,
      givenName,
      surname,
      jobTitle: `Title ${i % 50}`,
      officeLocation: `Building ${i % 30}`,
      phone: `+1 425 555 ${String(i % 10000).padStart(4, "0")}`,
      costCenter: String(1000 + (i % 90)),
      badge: `badge-${i}`,
      synced: random() < spec.syncedShare,
      changed: random() < spec.changedShare,
    };
    if (i > 0 && i % 3 === 0) user.manager = Math.floor(random() * i);
    if (random() < spec.photoShare) user.photo = i % PHOTO_VARIANTS;
    if (random() < spec.authShare)
      user.auth = {
        mobile: `+1 206 555 ${String(i % 10000).padStart(4, "0")}`,
        email: `${stem}@personal.example`,
      };
    users.push(user);
  }
  return { spec, users, state: tenantState(users) };
}

function tenantState(users: readonly GeneratedUser[]): TenantState {
  return {
    tenant: { id: TENANT_ID, domains: ["contoso.com", "contoso.onmicrosoft.com"] },
    users: users.map((u) => {
      const state: StateUser & Record<string, unknown> = {
        userPrincipalName: u.upn,
        displayName: `${u.givenName} ${u.surname}`,
        givenName: u.givenName,
        surname: u.surname,
        jobTitle: u.changed ? `${u.jobTitle} (old)` : u.jobTitle,
        department: u.department,
        companyName: "Contoso",
        usageLocation: "US",
        officeLocation: u.officeLocation,
        businessPhones: [u.phone],
        employeeOrgData: { division: u.department, costCenter: u.costCenter },
        onPremisesExtensionAttributes: { extensionAttribute1: u.badge },
      };
      if (u.synced) state.onPremisesSyncEnabled = true;
      if (u.manager !== undefined) state.manager = (users[u.manager] as GeneratedUser).upn;
      if (u.photo !== undefined) state.photo = `photos/${photoName(u.photo)}`;
      if (u.auth)
        state.authentication = {
          phoneMethods: [{ phoneNumber: u.auth.mobile, phoneType: "mobile" }],
          emailMethods: [{ emailAddress: u.auth.email }],
        };
      return state;
    }),
  };
}

/** Distinct pictures; users share them (each user still has a photo of their own in the tenant). */
const PHOTO_VARIANTS = 16;
const photoName = (variant: number) => `variant-${variant}.jpg`;

/** Small distinct JPEGs: a colour field with a block whose place depends on the variant. */
async function photoBytes(variant: number): Promise<Buffer> {
  const size = 120;
  const block = await sharp({
    create: {
      width: 40,
      height: 40,
      channels: 3,
      background: { r: 255 - variant * 9, g: 40, b: variant * 15 },
    },
  })
    .png()
    .toBuffer();
  return sharp({
    create: { width: size, height: size, channels: 3, background: { r: variant * 15, g: 120, b: 200 } },
  })
    .composite([{ input: block, left: (variant % 4) * 20, top: Math.floor(variant / 4) * 20 }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The tenant state file, with its pictures beside it (`photos/variant-N.jpg`). */
export async function writeTenant(dir: string, generated: Generated): Promise<string> {
  await mkdir(join(dir, "photos"), { recursive: true });
  for (let v = 0; v < PHOTO_VARIANTS; v++)
    await writeFile(join(dir, "photos", photoName(v)), await photoBytes(v));
  const file = join(dir, "tenant.json");
  await writeFile(file, JSON.stringify(generated.state));
  return file;
}

/** The profile of one user, as YAML. */
export function profileYaml(
  user: GeneratedUser,
  users: readonly GeneratedUser[],
  jobTitle = user.jobTitle,
): string {
  const lines = [
    `userPrincipalName: ${user.upn}`,
    `displayName: ${user.givenName} ${user.surname}`,
    `givenName: ${user.givenName}`,
    `surname: ${user.surname}`,
    `jobTitle: ${jobTitle}`,
    `officeLocation: ${user.officeLocation}`,
    `businessPhones: ["${user.phone}"]`,
    `employeeOrgData: { costCenter: "${user.costCenter}" }`,
    `onPremisesExtensionAttributes: { extensionAttribute1: ${user.badge} }`,
  ];
  if (user.manager !== undefined) lines.push(`manager: ${(users[user.manager] as GeneratedUser).upn}`);
  if (user.auth)
    lines.push("authentication:", `  mobile: "${user.auth.mobile}"`, `  email: ${user.auth.email}`);
  return `${lines.join("\n")}\n`;
}

/** The profile file of a user, repository-relative. */
export const profilePath = (user: GeneratedUser) =>
  `profiles/${user.department.toLowerCase()}/${user.stem}.yaml`;

/** roster.yaml, profiles/ (one folder per department, each with `_defaults.yaml`) and photos/. */
export async function writeRepository(dir: string, generated: Generated): Promise<void> {
  const { users } = generated;
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "roster.yaml"),
    "tenant: contoso.onmicrosoft.com\nlimits: { maxUsersChanged: 100000 }\n",
  );
  await mkdir(join(dir, "profiles"), { recursive: true });
  await writeFile(join(dir, "profiles", "_defaults.yaml"), "companyName: Contoso\nusageLocation: US\n");
  for (const department of DEPARTMENTS) {
    await mkdir(join(dir, "profiles", department.toLowerCase()), { recursive: true });
    await writeFile(
      join(dir, "profiles", department.toLowerCase(), "_defaults.yaml"),
      `department: ${department}\nemployeeOrgData: { division: ${department} }\n`,
    );
  }
  const pictures = new Map<number, Buffer>();
  if (users.some((u) => u.photo !== undefined)) await mkdir(join(dir, "photos"), { recursive: true });
  const CHUNK = 512;
  for (let start = 0; start < users.length; start += CHUNK) {
    await Promise.all(
      users.slice(start, start + CHUNK).map(async (user) => {
        await writeFile(join(dir, profilePath(user)), profileYaml(user, users));
        if (user.photo === undefined) return;
        let bytes = pictures.get(user.photo);
        if (!bytes) {
          bytes = await photoBytes(user.photo);
          pictures.set(user.photo, bytes);
        }
        await writeFile(join(dir, "photos", `${user.stem}.jpg`), bytes);
      }),
    );
  }
}
