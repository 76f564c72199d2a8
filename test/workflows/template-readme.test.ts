// The README `roster init` writes into a tenant repository names the same apps, variables and
// workflows as the rules the workflows are held to (checks.ts); a stale copy fails.
import { describe, expect, it } from "vitest";
import { checkTemplateReadme, loadReadme, TEMPLATE_README } from "./readme.js";

const template = loadReadme(TEMPLATE_README);

/** The template's setup section as it was with two apps (before the drift app of issue 16). */
const TWO_APPS = `## Setting up Azure and GitHub

The workflows sign in with two app registrations through GitHub's OIDC token, without secrets:
\`roster-plan\` (read-only: pull requests and the drift check) and \`roster-apply\` (write: only jobs
in the \`production\` environment). Create them, their federated credentials for this repository,
the \`production\` environment and the repository variables \`AZURE_TENANT_ID\`,
\`ROSTER_PLAN_CLIENT_ID\` and \`ROSTER_APPLY_CLIENT_ID\` as roster's README describes.
`;

describe("the tenant repository's README (templates/tenant/README.md)", () => {
  it("names the three apps, their variables, workflows and environment as the workflows use them", () => {
    expect(checkTemplateReadme(template)).toEqual([]);
  });

  it("fails on the two-app text it had before", () => {
    expect(checkTemplateReadme(TWO_APPS)).toEqual([
      "template README: no bullet for the app roster-plan (plan.yml/plan)",
      "template README: no bullet for the app roster-drift (drift.yml/plan)",
      "template README: no bullet for the app roster-apply (apply.yml/apply)",
      'template README: "two app registrations", the workflows sign in as 3 apps',
      "template README: does not name the variable ROSTER_DRIFT_CLIENT_ID",
    ]);
  });

  it("fails on an app bullet without its variable, on an unknown variable and on an unknown app", () => {
    const broken = template
      .replace(
        "- `roster-drift` (variable `ROSTER_DRIFT_CLIENT_ID`)",
        "- `roster-drift` (variable `ROSTER_DRIFT_ID`)",
      )
      .replace("- `roster-apply`", "- `roster-write`");
    expect(broken).not.toBe(template);
    expect(checkTemplateReadme(broken)).toEqual([
      "template README: the bullet of roster-drift does not name `ROSTER_DRIFT_CLIENT_ID`",
      "template README: no bullet for the app roster-apply (apply.yml/apply)",
      "template README: roster-write is no app the workflows sign in as",
      "template README: ROSTER_DRIFT_ID is no variable the workflows read",
    ]);
  });
});
