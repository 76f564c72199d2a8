// The README's pipeline tables, held to what the workflows do: the rules in checks.ts name the
// permissions, apps and variables the workflows must use (EXPECTED_PERMISSIONS, SIGN_IN,
// KNOWN_VARIABLES), and these rules check that the README tells an administrator the same.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EXPECTED_PERMISSIONS, KNOWN_VARIABLES, PINNED_ACTIONS, SIGN_IN } from "./checks.js";

export const README = join(import.meta.dirname, "..", "..", "README.md");

export function loadReadme(path: string = README): string {
  return readFileSync(path, "utf8");
}

/** The text under a heading, up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return "";
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The body rows of the markdown tables in `text` (no header rows), as trimmed cells (`\|` does not split). */
export function tableRows(text: string): string[][] {
  const separator = (l: string | undefined) => l !== undefined && /^\|[\s:|-]+\|$/.test(l);
  const lines = text.split("\n");
  return lines
    .filter((l, i) => l.startsWith("|") && !separator(l) && !separator(lines[i + 1]))
    .map((l) =>
      l
        .slice(1, l.endsWith("|") ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const sorted = (values: Iterable<string>) => [...values].sort();
const same = (a: Iterable<string>, b: Iterable<string>) =>
  JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export function checkReadme(readme: string): string[] {
  const problems: string[] = [];
  const flow = section(readme, "## How a change flows");
  const setup = section(readme, "## Setting up Azure and GitHub");
  if (!flow) problems.push('README: no section "## How a change flows"');
  if (!setup) problems.push('README: no section "## Setting up Azure and GitHub"');

  // The workflow table: one row per job, its app and exactly its token permissions.
  const jobs = new Map<string, string[]>();
  for (const row of tableRows(flow)) {
    const job = /^`([a-z]+\.yml)` \/ ([a-z-]+)$/.exec(row[0] ?? "");
    if (job) jobs.set(`${job[1]}/${job[2]}`, row);
  }
  if (!same(jobs.keys(), Object.keys(EXPECTED_PERMISSIONS)))
    problems.push(
      `README workflow table: jobs ${JSON.stringify(sorted(jobs.keys()))}, the workflows have ${JSON.stringify(sorted(Object.keys(EXPECTED_PERMISSIONS)))}`,
    );
  for (const [key, row] of jobs) {
    const expected = EXPECTED_PERMISSIONS[key];
    const listed = backticked(row[3] ?? "").filter((p) => /^[a-z-]+: (read|write)$/.test(p));
    if (
      expected &&
      !same(
        listed,
        Object.entries(expected).map(([scope, level]) => `${scope}: ${level}`),
      )
    )
      problems.push(
        `README workflow table: ${key} lists ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`,
      );
    const app = SIGN_IN[key]?.app;
    const signsInAs = row[2] ?? "";
    if (app ? !signsInAs.startsWith(`\`${app}\``) : signsInAs !== "—")
      problems.push(
        `README workflow table: ${key} signs in as ${JSON.stringify(signsInAs)}, expected ${app ?? "—"}`,
      );
  }

  // The apps, their one federated credential each, and the variables that name them.
  const apps = Object.values(SIGN_IN);
  const appRows = tableRows(section(setup, "### 1. Three app registrations")).map(
    (r) => backticked(r[0] ?? "")[0],
  );
  if (
    !same(
      appRows.filter((a) => a !== undefined),
      apps.map((a) => a.app),
    )
  )
    problems.push(
      `README app table: apps ${JSON.stringify(appRows)}, expected ${JSON.stringify(apps.map((a) => a.app))}`,
    );
  const credentials = tableRows(section(setup, "### 3. Federated credentials (no secrets)"));
  for (const { app, subject } of apps) {
    const subjects = credentials.filter((r) => r[0] === `\`${app}\``).map((r) => backticked(r[2] ?? "")[0]);
    if (JSON.stringify(subjects) !== JSON.stringify([subject]))
      problems.push(
        `README federated credentials: ${app} has ${JSON.stringify(subjects)}, expected exactly ${subject}`,
      );
  }
  const variables = tableRows(section(setup, "### 5. Repository variables")).map(
    (r) => backticked(r[0] ?? "")[0] ?? "",
  );
  if (!same(variables, KNOWN_VARIABLES))
    problems.push(
      `README variables: ${JSON.stringify(variables)}, the workflows read ${JSON.stringify(KNOWN_VARIABLES)}`,
    );

  // GitHub's allow-list of actions (Settings → Actions) names exactly the actions the workflows pin.
  const allowList = /\*Allow select actions\*: allow([^.]*)\./.exec(setup)?.[1] ?? "";
  const allowed = backticked(allowList);
  if (!same(allowed, Object.keys(PINNED_ACTIONS)))
    problems.push(
      `README allowed actions: ${JSON.stringify(sorted(allowed))}, the workflows use ${JSON.stringify(sorted(Object.keys(PINNED_ACTIONS)))}`,
    );

  // Which permissions each app holds is test/permissions.test.ts's (it reads the same tables).
  return problems;
}

export const TEMPLATE_README = join(import.meta.dirname, "..", "..", "templates", "tenant", "README.md");

const COUNTS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/**
 * The README `roster init` writes into a tenant repository (templates/tenant/README.md), held to the
 * same rules: its "Setting up Azure and GitHub" names one app per signed-in job (SIGN_IN), each with
 * its variable, its workflow and, where its credential is an environment's, that environment; as
 * many app registrations as SIGN_IN has apps; and the variables the workflows read (KNOWN_VARIABLES),
 * no other. The jobs it describes are the ones that get an OIDC token (EXPECTED_PERMISSIONS).
 */
export function checkTemplateReadme(markdown: string): string[] {
  const problems: string[] = [];
  const setup = section(markdown, "## Setting up Azure and GitHub");
  if (setup === "") return ['template README: no section "## Setting up Azure and GitHub"'];
  // A bullet with its continuation lines, as one string.
  const bullets = setup
    .split(/\n(?=- )/)
    .filter((b) => b.startsWith("- "))
    .map((b) => b.replace(/\s*\n\s*/g, " "));
  const apps = new Set(Object.values(SIGN_IN).map((s) => s.app));
  for (const [job, { variable, app, subject }] of Object.entries(SIGN_IN)) {
    const file = job.split("/")[0]!;
    if (EXPECTED_PERMISSIONS[job]?.["id-token"] !== "write")
      problems.push(`template README: ${job} signs in but gets no OIDC token (EXPECTED_PERMISSIONS)`);
    const bullet = bullets.find((b) => b.startsWith(`- \`${app}\``));
    if (!bullet) {
      problems.push(`template README: no bullet for the app ${app} (${job})`);
      continue;
    }
    for (const name of [variable, file, /environment:(\w+)/.exec(subject)?.[1]]) {
      if (name !== undefined && !bullet.includes(`\`${name}\``))
        problems.push(`template README: the bullet of ${app} does not name \`${name}\``);
    }
  }
  for (const bullet of bullets) {
    const app = /^- `(roster-[a-z]+)`/.exec(bullet)?.[1];
    if (app && !apps.has(app)) problems.push(`template README: ${app} is no app the workflows sign in as`);
  }
  const count = /\b(\w+) app registrations\b/.exec(setup.replace(/\s*\n\s*/g, " "))?.[1];
  if (COUNTS[count ?? ""] !== apps.size)
    problems.push(
      `template README: "${count} app registrations", the workflows sign in as ${apps.size} apps`,
    );
  const named = new Set([...setup.matchAll(/\b(?:AZURE|ROSTER)_[A-Z_]+\b/g)].map((m) => m[0]));
  for (const variable of named)
    if (!KNOWN_VARIABLES.includes(variable))
      problems.push(`template README: ${variable} is no variable the workflows read`);
  const needed = ["AZURE_TENANT_ID", ...Object.values(SIGN_IN).map((s) => s.variable)];
  for (const variable of needed)
    if (!named.has(variable)) problems.push(`template README: does not name the variable ${variable}`);
  return problems;
}
