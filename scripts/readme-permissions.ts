// The Microsoft Graph application permissions of the three app registrations, read from the README's
// table ("Setting up Azure and GitHub", step 1), so that the README is what the demo tenant grants
// and what the tests run roster with: a permission added to roster's needs but not to the README,
// or listed in the README but not needed, fails a test.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type AppName = "roster-plan" | "roster-drift" | "roster-apply";

const PERMISSION = /`([A-Za-z]+(?:-[A-Za-z]+)?(?:\.[A-Za-z]+)+)`/g;

/**
 * Permission names in the README's table row of `app` (the third cell), in the order written; a row
 * that reads "the permissions of `other`, plus …" has the other app's first.
 */
export function tablePermissions(readme: string, app: AppName): string[] {
  const row = readme.split("\n").find((line) => line.startsWith(`| \`${app}\` |`) && line.includes(".All"));
  if (row === undefined) throw new Error(`README.md has no permission table row for ${app}`);
  const cells = row.split("|").map((cell) => cell.trim());
  const cell = cells[3] ?? "";
  const base = /^the permissions of `(roster-[a-z]+)`/.exec(cell)?.[1] as AppName | undefined;
  const own = [...cell.matchAll(PERMISSION)].map((match) => match[1] as string);
  return [...new Set([...(base ? tablePermissions(readme, base) : []), ...own])];
}

/** Permission names the README's `az ad app permission add` command grants to the app in `variable`. */
export function commandPermissions(
  readme: string,
  variable: "PLAN_APP" | "DRIFT_APP" | "APPLY_APP",
): string[] {
  const start = readme.indexOf(`az ad app permission add --id "$${variable}"`);
  if (start === -1) throw new Error(`README.md has no permission command for $${variable}`);
  const end = readme.indexOf("\n\n", start);
  const block = readme.slice(start, end === -1 ? undefined : end);
  return [...block.matchAll(/\$\(role ([^)]+)\)=Role/g)].map((match) => match[1] as string);
}

export async function readmePermissions(root: string): Promise<Record<AppName, string[]>> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  return {
    "roster-plan": tablePermissions(readme, "roster-plan"),
    "roster-drift": tablePermissions(readme, "roster-drift"),
    "roster-apply": tablePermissions(readme, "roster-apply"),
  };
}
