// Each workflow's header comment lists the Graph application permissions of the app it signs in
// as; those lists must be the README's permission table (scripts/readme-permissions.ts reads it),
// so that a permission added to the README is not left out of the file an administrator reads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AppName, tablePermissions } from "../../scripts/readme-permissions.js";

const ROOT = join(import.meta.dirname, "..", "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/**
 * The permission names of the comment block that starts "# Graph application permissions of
 * `app`": its indented `#   ` lines that follow.
 */
function commentPermissions(workflow: string, app: AppName): string[] {
  const lines = workflow.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`# Graph application permissions of \`${app}\``));
  if (start < 0) throw new Error(`no permission comment for ${app}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("#   ")) break;
    block.push(line);
  }
  return [
    ...block.join("\n").matchAll(/\b[A-Z][A-Za-z]*(?:-[A-Za-z]+)?(?:\.[A-Za-z]+)*\.(?:All|Directory)\b/g),
  ].map((match) => match[0]);
}

const WORKFLOWS: [string, AppName][] = [
  ["plan.yml", "roster-plan"],
  ["apply.yml", "roster-apply"],
  ["drift.yml", "roster-drift"],
];

describe("the permissions each workflow's comment lists", () => {
  it.each(WORKFLOWS)("%s names exactly the README's permissions of its app", (file, app) => {
    const workflow = readFileSync(join(ROOT, ".github", "workflows", file), "utf8");
    expect(commentPermissions(workflow, app).sort()).toEqual(tablePermissions(readme, app).sort());
  });

  it("reads every name of the block, and only the block", () => {
    const workflow = [
      "# Graph application permissions of `roster-plan` (README):",
      "#   Organization.Read.All, User.Read.All (also the photos),",
      "#   GroupMember.Read.All",
      "# RoleManagement.Read.Directory is outside the block",
    ].join("\n");
    expect(commentPermissions(workflow, "roster-plan")).toEqual([
      "Organization.Read.All",
      "User.Read.All",
      "GroupMember.Read.All",
    ]);
  });
});
