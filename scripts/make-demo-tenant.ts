// Writes demo/tenant.json: the emulator state the demo starts from. It is the example profiles as a
// tenant would hold them, then drifted on purpose so that the first plan shows every kind of
// change roster makes and every reason it skips one. Its apps hold the README's permissions.
// Deterministic: run it again after editing profiles/ or the README's permission table
// (`npx tsx scripts/make-demo-tenant.ts`) and commit the result.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TenantState } from "@roster/graph-emulator";
import { loadDesiredState } from "../src/desired/load.js";
import type { DesiredProfile } from "../src/desired/types.js";
import { canonicalPhoneNumber } from "../src/entra/phone.js";
import { readmePermissions } from "./readme-permissions.js";

const root = join(import.meta.dirname, "..");
type StateUser = TenantState["users"][number];

/** The tenant user that matches a profile exactly (what `roster apply` converges to). */
function userFromProfile(profile: DesiredProfile): StateUser {
  const user: Record<string, unknown> = { userPrincipalName: profile.userPrincipalName.value };
  for (const [path, { value }] of profile.attributes) {
    const [top, sub] = path.split(".") as [string, string | undefined];
    if (sub) user[top] = { ...((user[top] as object | undefined) ?? {}), [sub]: value };
    else if (value !== null) user[top] = value;
  }
  user.mail ??= profile.userPrincipalName.value;
  if (profile.manager?.value) user.manager = profile.manager.value;
  if (profile.photo?.kind === "file") user.photo = `../${profile.photo.path}`;
  const phoneMethods = (["mobile", "alternateMobile", "office"] as const).flatMap((phoneType) => {
    const value = profile.authentication[phoneType]?.value;
    return value ? [{ phoneType, phoneNumber: canonicalPhoneNumber(value) as string }] : [];
  });
  const email = profile.authentication.email?.value;
  user.authentication = { phoneMethods, emailMethods: email ? [{ emailAddress: email }] : [] };
  return user as StateUser;
}

const { state, diagnostics } = await loadDesiredState(root);
if (!state || diagnostics.some((d) => d.severity === "error")) throw new Error("profiles/ does not validate");
const users = new Map(
  state.profiles.map((p) => [p.userPrincipalName.value.toLowerCase(), userFromProfile(p)]),
);
const edit = (upn: string, change: (user: StateUser & Record<string, unknown>) => void) => {
  const user = users.get(upn.toLowerCase());
  if (!user) throw new Error(`no profile for ${upn}`);
  change(user as StateUser & Record<string, unknown>);
};
const phones = (u: Record<string, unknown>) =>
  (u.authentication as { phoneMethods: { phoneType: string; phoneNumber: string }[] }).phoneMethods;

// Attributes: a changed title, a missing office, a value the profile clears, a cost centre, a badge.
edit("AdeleV@contoso.com", (u) => {
  u.jobTitle = "Sales Associate";
});
edit("DiegoS@contoso.com", (u) => {
  delete u.officeLocation;
});
edit("ChristieC@contoso.com", (u) => {
  u.mobilePhone = "+44 20 7946 0999";
});
edit("PattiF@contoso.com", (u) => {
  u.employeeOrgData = { division: "Finance", costCenter: "9999" };
});
edit("EmilyB@contoso.com", (u) => {
  u.onPremisesExtensionAttributes = { extensionAttribute1: "badge-0000" };
});
// Managers: a wrong one and a missing one.
edit("JoniS@contoso.com", (u) => {
  u.manager = "AlexW@contoso.com";
});
edit("CameronW@contoso.com", (u) => {
  delete u.manager;
});
// Photos: one missing, one of somebody else, one the profile says must go.
edit("DebraB@contoso.com", (u) => {
  delete u.photo;
});
edit("LynneR@contoso.com", (u) => {
  u.photo = "../photos/diego.siciliani.jpg";
});
edit("IsaiahL@contoso.com", (u) => {
  u.photo = "../photos/ben.walters.jpg";
});
// Authentication methods: the same number written differently (no change), another office number,
// a missing e-mail method, a different alternate mobile.
edit("AdeleV@contoso.com", (u) => {
  for (const m of phones(u)) if (m.phoneType === "office") m.phoneNumber = "+1 4255550100";
  (u.authentication as { emailMethods: unknown[] }).emailMethods = [];
});
edit("JohannaL@contoso.com", (u) => {
  for (const m of phones(u)) if (m.phoneType === "alternateMobile") m.phoneNumber = "+1 4255550199";
});
// A user synced from on-premises AD whose title differs: skipped, with the reason.
edit("PradeepG@contoso.com", (u) => {
  u.onPremisesSyncEnabled = true;
  u.jobTitle = "Engineer (AD)";
});
// A Global Administrator: a title change is planned as sensitive; a phone change is skipped.
edit("MeganB@contoso.com", (u) => {
  u.roles = ["Global Administrator"];
  u.jobTitle = "Chief Executive";
});

const unmanaged: StateUser[] = [
  {
    userPrincipalName: "breakglass@contoso.com",
    displayName: "Break Glass",
    roles: ["Global Administrator"],
  },
  { userPrincipalName: "svc-scanner@contoso.com", displayName: "Scanner service account" },
  { userPrincipalName: "conf-room-a@contoso.com", displayName: "Conference Room A" },
] as StateUser[];

// A user whose mobile is their default sign-in method: Graph would refuse to delete it.
edit("GradyA@contoso.com", (u) => {
  (u.authentication as { defaultMethod?: string }).defaultMethod = "sms";
});

// The three app registrations of the README, with exactly the permissions its table lists, so the
// demo runs with least-privileged tokens (ROSTER_ACCESS_TOKEN = the app's token).
const permissions = await readmePermissions(root);
const tenant: TenantState = {
  tenant: { id: "c0d1e2f3-0000-4000-8000-000000000001", domains: ["contoso.com", "contoso.onmicrosoft.com"] },
  apps: [
    { displayName: "roster-plan", token: "roster-plan-demo", permissions: permissions["roster-plan"] },
    { displayName: "roster-drift", token: "roster-drift-demo", permissions: permissions["roster-drift"] },
    { displayName: "roster-apply", token: "roster-apply-demo", permissions: permissions["roster-apply"] },
  ],
  users: [...users.values(), ...unmanaged],
};
await writeFile(join(root, "demo", "tenant.json"), `${JSON.stringify(tenant, null, 2)}\n`);
console.log(`demo/tenant.json: ${tenant.users.length} users`);
