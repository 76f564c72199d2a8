// Structural rules for .github/workflows, as pure functions: each returns the problems it finds, so
// the tests can show every rule passing on the real workflows and failing on a broken copy.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  "continue-on-error"?: unknown;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: unknown };
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: Step[];
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: string | { group: string; "cancel-in-progress"?: unknown };
  jobs: Record<string, Job>;
}

/** A workflow file: its text (for grep-like rules) and its parsed document. */
export interface WorkflowFile {
  text: string;
  doc: Workflow;
}

export type Workflows = Record<string, WorkflowFile>;

export const WORKFLOW_DIR = join(import.meta.dirname, "..", "..", ".github", "workflows");

export function loadWorkflows(dir: string = WORKFLOW_DIR): Workflows {
  const result: Workflows = {};
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(join(dir, file), "utf8");
    result[file] = { text, doc: parse(text) as Workflow };
  }
  return result;
}

/** A parsed copy that a test may break without touching the real documents. */
export function cloneWorkflows(workflows: Workflows): Workflows {
  return structuredClone(workflows);
}

export const DESIRED_STATE_PATHS = ["profiles/**", "photos/**", "roster.yaml"];
export const PLAN_MARKER = "<!-- roster-plan -->";
export const FORK_CONDITION = "github.event.pull_request.head.repo.full_name == github.repository";

/**
 * The only actions allowed, each pinned to one commit: a tag can be moved to other code, a commit
 * cannot. The tag that commit had is written beside it (`uses: actions/checkout@<sha> # v4.2.2`).
 * Upgrading an action means changing the SHA and the comment in the workflows and here.
 */
export const PINNED_ACTIONS: Record<string, { sha: string; tag: string }> = {
  "actions/checkout": { sha: "11bd71901bbe5b1630ceea73d27597364c9af683", tag: "v4.2.2" },
  "actions/setup-node": { sha: "49933ea5288caeca8642d1e84afbd3f7d6820020", tag: "v4.4.0" },
  "actions/github-script": { sha: "60a0d83039c74a4aee543508d2ffcb1c3799cdea", tag: "v7.0.1" },
  "actions/upload-artifact": { sha: "ea165f8d65b6e75b540449e92b4886f43607fa02", tag: "v4.6.2" },
  "actions/download-artifact": { sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093", tag: "v4.3.0" },
  "actions/cache": { sha: "5a3ec84eff668545956fd18022155c47e93e2684", tag: "v4.2.3" },
};

/** Repository variables the workflows may read (README, "Setting up Azure and GitHub"). */
export const KNOWN_VARIABLES = [
  "AZURE_TENANT_ID",
  "ROSTER_PLAN_CLIENT_ID",
  "ROSTER_DRIFT_CLIENT_ID",
  "ROSTER_APPLY_CLIENT_ID",
  "ROSTER_GRAPH_URL",
];

/** Where every job that talks to Graph sends its token: Microsoft Graph, unless the variable says otherwise. */
export const GRAPH_URL = "vars.ROSTER_GRAPH_URL || 'https://graph.microsoft.com'";

/**
 * The app each job that signs in uses, by the variable holding its client id, and the federated
 * credential subject that app trusts (README, "Federated credentials"). One app per job:
 * - roster-plan: pull-request plans, whose code anyone who can push a branch controls, so it holds
 *   no permission to read authentication methods;
 * - roster-drift: read-only too, authentication methods included, for code on main only;
 * - roster-apply: the write app, for the production environment only.
 */
export const SIGN_IN: Record<string, { variable: string; app: string; subject: string }> = {
  "plan.yml/plan": {
    variable: "ROSTER_PLAN_CLIENT_ID",
    app: "roster-plan",
    subject: "repo:ORG/REPO:pull_request",
  },
  "drift.yml/plan": {
    variable: "ROSTER_DRIFT_CLIENT_ID",
    app: "roster-drift",
    subject: "repo:ORG/REPO:ref:refs/heads/main",
  },
  "apply.yml/apply": {
    variable: "ROSTER_APPLY_CLIENT_ID",
    app: "roster-apply",
    subject: "repo:ORG/REPO:environment:production",
  },
};

/** The one job that may write to the repository: it pushes the apply record (refs/notes/roster). */
export const CONTENTS_WRITE_JOBS = ["apply.yml/record"];

/** Least privilege, job by job: exactly these scopes, nothing more. */
export const EXPECTED_PERMISSIONS: Record<string, Record<string, string>> = {
  "plan.yml/validate": { contents: "read" },
  "plan.yml/plan": { contents: "read", "id-token": "write", "pull-requests": "write" },
  "apply.yml/apply": { contents: "read", "id-token": "write" },
  "apply.yml/record": { contents: "write" },
  "drift.yml/plan": { contents: "read", "id-token": "write" },
  "drift.yml/issue": { issues: "write" },
  "ci.yml/test": { contents: "read" },
};

/** A GitHub expression, `${{ … }}`, as the workflows write it. */
export const expression = (e: string) => `\${{ ${e} }}`;

export const allJobs = (workflows: Workflows): [string, Job][] =>
  Object.entries(workflows).flatMap(([file, { doc }]) =>
    Object.entries(doc.jobs ?? {}).map(([id, job]): [string, Job] => [`${file}/${id}`, job]),
  );

export const stepsOf = (job: Job | undefined): Step[] => job?.steps ?? [];
const permissionsOf = (job: Job): Record<string, string> =>
  typeof job.permissions === "object" ? job.permissions : {};

/** Whether the job signs in to Entra ID: it sets AZURE_CLIENT_ID for @azure/identity. */
export function signsIn(job: Job): boolean {
  return "AZURE_CLIENT_ID" in (job.env ?? {}) || stepsOf(job).some((s) => "AZURE_CLIENT_ID" in (s.env ?? {}));
}

function concurrencyOf(c: Job["concurrency"]): { group: string; cancel: unknown } | undefined {
  if (c === undefined) return undefined;
  if (typeof c === "string") return { group: c, cancel: undefined };
  return { group: c.group, cancel: c["cancel-in-progress"] };
}

const onKeys = (doc: Workflow): string[] => Object.keys(doc.on ?? {}).sort();
const triggerPaths = (doc: Workflow, event: string): string[] =>
  [...((doc.on?.[event] as { paths?: string[] } | null)?.paths ?? [])].sort();
const sameSet = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const findRun = (job: Job | undefined, pattern: RegExp): Step | undefined =>
  stepsOf(job).find((s) => typeof s.run === "string" && pattern.test(s.run));
const findUses = (job: Job | undefined, action: string): Step[] =>
  stepsOf(job).filter((s) => s.uses?.split("@")[0] === action);

// npm's commands that install packages (with their aliases), and whether they follow the lockfile.
const NPM_INSTALL =
  /\bnpm\s+(ci|clean-install|ic|install-clean|isntall-clean|install|i|in|ins|inst|insta|instal|isnt|isnta|isntal|isntall|add|install-test|it|install-ci-test|cit)\b[^\n;&|]*/g;
/** A command line that runs roster (not a message that names it). */
const rosterRun = (commands: string) =>
  new RegExp(`\\b(?:npx(?:\\s+--no-install)?\\s+roster|node\\s+\\S*dist/bin\\.js)\\s+(?:${commands})\\b`);
const ROSTER_RUN = rosterRun("validate|plan|apply");

/** Rules every workflow follows. */
export function checkAll(workflows: Workflows): string[] {
  const problems: string[] = [];
  for (const name of ["plan.yml", "apply.yml", "drift.yml", "ci.yml"]) {
    if (!workflows[name]) problems.push(`${name}: missing`);
  }
  for (const [file, { doc, text }] of Object.entries(workflows)) {
    const top = doc.permissions;
    const topOk =
      top !== undefined &&
      typeof top === "object" &&
      (Object.keys(top).length === 0 || (Object.keys(top).length === 1 && top.contents === "read"));
    if (!topOk) problems.push(`${file}: top-level permissions must be {} or { contents: read }`);
    if ("pull_request_target" in (doc.on ?? {}))
      problems.push(`${file}: pull_request_target runs fork code with secrets`);
    for (const match of text.matchAll(/\bvars\.([A-Za-z0-9_]+)/g)) {
      if (!KNOWN_VARIABLES.includes(match[1]!)) problems.push(`${file}: unknown variable vars.${match[1]}`);
    }
  }
  for (const [key, job] of allJobs(workflows)) {
    const perms = job.permissions;
    if (perms === undefined || typeof perms !== "object") {
      problems.push(`${key}: no per-job permissions map`);
      continue;
    }
    if (perms.contents === "write" && !CONTENTS_WRITE_JOBS.includes(key))
      problems.push(`${key}: contents: write`);
    const idToken = perms["id-token"] === "write";
    if (idToken !== signsIn(job))
      problems.push(
        idToken
          ? `${key}: id-token: write but the job does not sign in`
          : `${key}: signs in without id-token: write`,
      );
    const expected = EXPECTED_PERMISSIONS[key];
    if (!expected) problems.push(`${key}: no expected permissions listed for this job`);
    else if (JSON.stringify(Object.entries(perms).sort()) !== JSON.stringify(Object.entries(expected).sort()))
      problems.push(`${key}: permissions ${JSON.stringify(perms)}, expected ${JSON.stringify(expected)}`);
    for (const step of stepsOf(job)) {
      if (!step.uses) continue;
      const [action, ref] = step.uses.split("@");
      const pinned = PINNED_ACTIONS[action!];
      if (pinned === undefined) problems.push(`${key}: action ${step.uses} is not on the allowed list`);
      else if (ref !== pinned.sha)
        problems.push(
          `${key}: ${action} must be pinned to the commit ${pinned.sha} (${pinned.tag}), found @${ref}` +
            (/^[0-9a-f]{40}$/.test(ref ?? "") ? "" : ": a tag or branch can be moved to other code"),
        );
      if (
        action === "actions/setup-node" &&
        (String(step.with?.["node-version"]) !== "20" || step.with?.cache !== "npm")
      )
        problems.push(`${key}: setup-node must use node-version 20 with cache: npm`);
      if (action === "actions/checkout" && step.with?.["persist-credentials"] !== false)
        problems.push(`${key}: checkout must set persist-credentials: false`);
    }
  }
  problems.push(...checkPinComments(workflows));
  for (const [key, job] of allJobs(workflows)) problems.push(...checkInstall(key, job));
  for (const [key, job] of allJobs(workflows))
    problems.push(...checkSignIn(key, job), ...checkGraphUrl(key, job));
  return problems;
}

/**
 * roster plan and apply get the Graph URL from the workflow (--graph-url), never from roster.yaml,
 * which a pull request can change: the token goes to Microsoft Graph whatever the repository says.
 */
function checkGraphUrl(key: string, job: Job): string[] {
  const steps = stepsOf(job).filter((s) => rosterRun("plan|apply").test(s.run ?? ""));
  if (steps.length === 0) return [];
  const problems: string[] = [];
  if (job.env?.ROSTER_GRAPH_URL !== expression(GRAPH_URL))
    problems.push(`${key}: the job must set ROSTER_GRAPH_URL: ${expression(GRAPH_URL)}`);
  for (const s of steps)
    if (!s.run!.includes('--graph-url "$ROSTER_GRAPH_URL"'))
      problems.push(
        `${key}: roster must be given --graph-url "$ROSTER_GRAPH_URL" (roster.yaml, which a pull request can change, must not decide where the token goes)`,
      );
  return problems;
}

/** Each job signs in as its own app (SIGN_IN), named on the job, where these rules read it. */
function checkSignIn(key: string, job: Job): string[] {
  const problems: string[] = [];
  const clientId = String(job.env?.AZURE_CLIENT_ID ?? "");
  const expected = SIGN_IN[key];
  if (clientId.includes("ROSTER_APPLY_CLIENT_ID") && key !== "apply.yml/apply")
    problems.push(`${key}: only the apply job may sign in as the write app`);
  for (const s of stepsOf(job))
    if (s.env && ("AZURE_CLIENT_ID" in s.env || "AZURE_TENANT_ID" in s.env))
      problems.push(`${key}: a step sets AZURE_CLIENT_ID or AZURE_TENANT_ID: set them on the job`);
  const wanted = expression(`vars.${expected?.variable}`);
  if (expected && clientId !== wanted)
    problems.push(
      `${key}: must sign in as ${expected.app} (AZURE_CLIENT_ID: ${wanted}), found ${JSON.stringify(clientId)}`,
    );
  if (!expected && signsIn(job)) problems.push(`${key}: signs in, but SIGN_IN names no app for this job`);
  if (signsIn(job) && job.env?.AZURE_TENANT_ID !== expression("vars.AZURE_TENANT_ID"))
    problems.push(`${key}: AZURE_TENANT_ID must come from vars.AZURE_TENANT_ID`);
  return problems;
}

/**
 * Every `uses:` line names its pinned tag in a comment, so a reader (and a review of an upgrade)
 * sees which release the SHA is: `uses: actions/checkout@<sha> # v4.2.2`. YAML drops comments, so
 * this reads the text.
 */
function checkPinComments(workflows: Workflows): string[] {
  const problems: string[] = [];
  for (const [file, { text }] of Object.entries(workflows)) {
    text.split("\n").forEach((line, index) => {
      const match = /^\s*(?:-\s+)?uses:\s*(\S+?)@(\S+)\s*(.*)$/.exec(line);
      if (!match) return;
      const [, action, ref, rest] = match;
      const pinned = PINNED_ACTIONS[action!];
      if (!pinned || ref !== pinned.sha) return; // reported with the job above
      if (rest!.trim() !== `# ${pinned.tag}`)
        problems.push(
          `${file}:${index + 1}: ${action}@${ref} needs the comment "# ${pinned.tag}" naming its tag, found ${JSON.stringify(rest!.trim())}`,
        );
    });
  }
  return problems;
}

/**
 * Installing runs no package's code: every install is `npm ci --ignore-scripts` (exactly the
 * lockfile, whose integrity hashes npm checks; no preinstall/install/postinstall/prepare script),
 * followed by the one build roster needs, `npm run build`, before roster runs. `npx` never
 * downloads: `--no-install` runs the repository's own `roster` bin or fails.
 */
function checkInstall(key: string, job: Job): string[] {
  const problems: string[] = [];
  const steps = stepsOf(job);
  // position of the first match: [step index, offset in its script]
  const first = (pattern: RegExp): [number, number] | undefined => {
    for (const [i, s] of steps.entries()) {
      const at = (s.run ?? "").search(pattern);
      if (at >= 0) return [i, at];
    }
    return undefined;
  };
  const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  for (const s of steps) {
    for (const [command, verb] of (s.run ?? "").matchAll(NPM_INSTALL)) {
      const line = command.trim();
      if (!/^(ci|clean-install|ic|install-clean|isntall-clean)$/.test(verb!))
        problems.push(`${key}: "${line}": install exactly the lockfile with npm ci --ignore-scripts`);
      else if (!/\s--ignore-scripts\b/.test(line))
        problems.push(
          `${key}: "${line}" runs packages' install scripts in a job with the workflow's tokens: pass --ignore-scripts (then npm run build)`,
        );
    }
    for (const match of (s.run ?? "").matchAll(/\bnpx\b(?!\s+--no-install\b)[^\n]*/g))
      problems.push(
        `${key}: "${match[0].trim()}" without --no-install may download a package from the registry and run it`,
      );
  }
  const install = first(/\bnpm\s+ci\b/);
  const roster = first(ROSTER_RUN);
  if (install && roster) {
    const build = first(/\bnpm\s+run\s+build\b/);
    if (!build || !before(install, build) || !before(build, roster))
      problems.push(
        `${key}: npm run build must come after npm ci --ignore-scripts and before roster runs (no prepare script builds dist/)`,
      );
  }
  return problems;
}

/**
 * Every push to a pull request plans again, so the sticky comment is never an older commit's plan:
 * no paths or paths-ignore filter (a push changing only src/, the lockfile or a workflow changes
 * the plan too), and the default activity types, or a list that keeps synchronize (a push).
 */
function checkPlansEveryPush(doc: Workflow): string[] {
  const problems: string[] = [];
  const trigger = (doc.on?.pull_request ?? {}) as Record<string, unknown>;
  for (const filter of ["paths", "paths-ignore"])
    if (trigger[filter] !== undefined)
      problems.push(
        `plan.yml: pull_request ${filter} filter ${JSON.stringify(trigger[filter])}: a push it skips (one changing only src/, the lockfile or a workflow) would leave the previous plan comment up`,
      );
  const types = trigger.types as string[] | undefined;
  if (types !== undefined && !["opened", "synchronize", "reopened"].every((t) => types.includes(t)))
    problems.push(
      `plan.yml: pull_request types ${JSON.stringify(types)} must include opened, synchronize and reopened (synchronize is a push)`,
    );
  return problems;
}

export function checkPlanWorkflow(workflows: Workflows): string[] {
  const file = workflows["plan.yml"];
  if (!file) return ["plan.yml: missing"];
  const { doc, text } = file;
  const problems: string[] = [];
  if (!sameSet(onKeys(doc), ["pull_request"]))
    problems.push(`plan.yml: triggers ${onKeys(doc)}, expected pull_request`);
  problems.push(...checkPlansEveryPush(doc));
  if (/\bsecrets\s*\.|\bsecrets\s*\[|secrets:\s*inherit/.test(text)) problems.push("plan.yml: uses secrets");
  const concurrency = concurrencyOf(doc.concurrency);
  if (!concurrency?.group.includes("github.event.pull_request.number") || concurrency.cancel !== true)
    problems.push("plan.yml: needs concurrency per pull request with cancel-in-progress: true");

  const validate = doc.jobs.validate;
  if (!validate) problems.push("plan.yml: no validate job");
  else {
    if (validate.if !== undefined)
      problems.push("plan.yml/validate: must run for every pull request, forks too");
    if (signsIn(validate)) problems.push("plan.yml/validate: must not sign in");
    if (!findRun(validate, /^npm ci\b/m)) problems.push("plan.yml/validate: no npm ci");
    if (!findRun(validate, /\bnpx (--no-install )?roster validate\b/))
      problems.push("plan.yml/validate: no roster validate");
  }

  for (const [id, job] of Object.entries(doc.jobs)) {
    if (!signsIn(job) && permissionsOf(job)["id-token"] !== "write") continue;
    if (!String(job.if ?? "").includes(FORK_CONDITION))
      problems.push(`plan.yml/${id}: a job with credentials must exclude forks (${FORK_CONDITION})`);
    if (job.environment !== undefined)
      problems.push(`plan.yml/${id}: no environment (the OIDC subject must stay pull_request)`);
  }

  const plan = doc.jobs.plan;
  if (!plan) return [...problems, "plan.yml: no plan job"];
  if (!findRun(plan, /^npm ci\b/m)) problems.push("plan.yml/plan: no npm ci");
  const planStep = findRun(plan, /\broster plan\b/);
  if (planStep && !/\s--no-auth-methods\b/.test(planStep.run ?? ""))
    problems.push(
      "plan.yml/plan: roster plan must pass --no-auth-methods: the pull request's code runs with this job's token, and roster-plan may not read authentication methods",
    );
  const flags = [
    "--changed-since HEAD^1",
    "--out plan.json",
    "--html plan.html",
    "--format markdown",
    "--detailed-exitcode",
    "> plan.md",
  ];
  if (!planStep || flags.some((f) => !planStep.run!.includes(f)))
    problems.push(`plan.yml/plan: the plan step must run roster plan ${flags.join(" ")}`);
  else {
    if (!/set \+e/.test(planStep.run!) || !/exitcode=\$code/.test(planStep.run!))
      problems.push("plan.yml/plan: the plan step must record the exit code instead of failing");
    const steps = stepsOf(plan);
    const last = steps[steps.length - 1];
    if (
      !last ||
      last === planStep ||
      !/steps\.plan\.outputs\.exitcode != '0'/.test(last.if ?? "") ||
      !/steps\.plan\.outputs\.exitcode != '2'/.test(last.if ?? "") ||
      !/exit 1/.test(last.run ?? "")
    )
      problems.push("plan.yml/plan: the last step must fail the job when the exit code is neither 0 nor 2");
  }
  // HEAD^1 is the merge commit's base: it must be fetched with it.
  const checkout = findUses(plan, "actions/checkout")[0];
  if (Number(checkout?.with?.["fetch-depth"] ?? 1) < 2)
    problems.push("plan.yml/plan: checkout needs fetch-depth: 2 for --changed-since HEAD^1 (the base)");
  const comment = findUses(plan, "actions/github-script").find((s) =>
    String(s.with?.script ?? "").includes(PLAN_MARKER),
  );
  if (!comment) problems.push(`plan.yml/plan: no github-script step using the marker ${PLAN_MARKER}`);
  else {
    const script = String(comment.with?.script);
    for (const call of ["listComments", "updateComment", "createComment", "github-actions[bot]"])
      if (!script.includes(call)) problems.push(`plan.yml/plan: the comment script does not use ${call}`);
    const token = comment.with?.["github-token"];
    if (token !== undefined && token !== `\${{ github.token }}`)
      problems.push("plan.yml/plan: the comment must be posted with the job's own github.token");
    if (!String(comment.if ?? "").includes("!cancelled()"))
      problems.push("plan.yml/plan: the comment must be posted even when the plan failed");
  }
  if (!findRun(plan, /GITHUB_STEP_SUMMARY/)) problems.push("plan.yml/plan: no job summary");
  const upload = findUses(plan, "actions/upload-artifact");
  for (const file of ["plan.json", "plan.html"])
    if (!upload.some((s) => String(s.with?.path ?? "").includes(file)))
      problems.push(`plan.yml/plan: ${file} is not uploaded as an artifact`);
  // The comment links reviewers to the artifact (plan.html): the upload comes first and hands
  // its URL to the comment.
  const planUpload = upload.find((s) => String(s.with?.path ?? "").includes("plan.html"));
  if (comment && planUpload) {
    const steps = stepsOf(plan);
    if (steps.indexOf(planUpload) > steps.indexOf(comment))
      problems.push("plan.yml/plan: the artifact must be uploaded before the comment links to it");
    if (!String(planUpload.if ?? "").includes("!cancelled()"))
      problems.push("plan.yml/plan: the artifact must be uploaded even when the plan failed");
    const url = String(comment.env?.ARTIFACT_URL ?? "");
    if (planUpload.id === undefined || !url.includes(`steps.${planUpload.id}.outputs.artifact-url`))
      problems.push("plan.yml/plan: the comment needs ARTIFACT_URL from the upload step's artifact-url");
    if (!String(comment.with?.script ?? "").includes("process.env.ARTIFACT_URL"))
      problems.push("plan.yml/plan: the comment script does not link to the artifact (ARTIFACT_URL)");
  }
  return problems;
}

export function checkApplyWorkflow(workflows: Workflows): string[] {
  const file = workflows["apply.yml"];
  if (!file) return ["apply.yml: missing"];
  const { doc } = file;
  const problems: string[] = [];
  if (!sameSet(onKeys(doc), ["push", "workflow_dispatch"]))
    problems.push(`apply.yml: triggers ${onKeys(doc)}, expected push and workflow_dispatch`);
  const push = doc.on?.push as { branches?: string[] } | undefined;
  if (!sameSet(push?.branches ?? [], ["main"])) problems.push("apply.yml: push must be limited to main");
  if (!sameSet(triggerPaths(doc, "push"), DESIRED_STATE_PATHS)) problems.push("apply.yml: push paths");
  const apply = doc.jobs.apply;
  if (!apply) return [...problems, "apply.yml: no apply job"];
  const environment = typeof apply.environment === "string" ? apply.environment : apply.environment?.name;
  if (environment !== "production") problems.push("apply.yml/apply: environment must be production");
  if (apply.if?.trim() !== "github.ref == 'refs/heads/main'")
    problems.push("apply.yml/apply: must only run for refs/heads/main");
  const concurrency = concurrencyOf(apply.concurrency) ?? concurrencyOf(doc.concurrency);
  if (!concurrency?.group.includes("vars.AZURE_TENANT_ID"))
    problems.push("apply.yml/apply: concurrency group must be per tenant (vars.AZURE_TENANT_ID)");
  if (concurrency?.cancel !== false) problems.push("apply.yml/apply: cancel-in-progress must be false");
  problems.push(...checkTipOfMain(apply));
  const step = findRun(apply, rosterRun("apply"));
  if (!step?.run?.includes("--auto-approve") || !step.run.includes("--report apply-report.json"))
    problems.push("apply.yml/apply: must run roster apply --auto-approve --report apply-report.json");
  problems.push(...checkApplyRecord(doc, apply, step));
  const upload = findUses(apply, "actions/upload-artifact").find((s) =>
    String(s.with?.path ?? "").includes("apply-report.json"),
  );
  if (!upload) problems.push("apply.yml/apply: apply-report.json is not uploaded");
  else if (!String(upload.if ?? "").includes("always()"))
    problems.push("apply.yml/apply: the report must be uploaded even when apply fails");
  return problems;
}

/** What the apply job checks out: the commit pushed, or for a manual run the tip of main. */
export const APPLY_CHECKOUT_REF =
  "github.event_name == 'workflow_dispatch' && 'refs/heads/main' || github.sha";

/**
 * Only the tip of main is applied. A re-run checks out its original commit, which after newer
 * merges would put their values back: the job compares its checkout (git rev-parse HEAD) with the
 * tip of main (git ls-remote), first thing after the checkout, and fails the job otherwise. A
 * manual run checks out refs/heads/main, so it applies the tip whenever it is run or re-run.
 */
function checkTipOfMain(apply: Job): string[] {
  const problems: string[] = [];
  const steps = stepsOf(apply);
  const checkout = findUses(apply, "actions/checkout")[0];
  if (checkout?.with?.ref !== expression(APPLY_CHECKOUT_REF))
    problems.push(
      `apply.yml/apply: the checkout must take the tip of main for a manual run (ref: ${expression(APPLY_CHECKOUT_REF)})`,
    );
  const tip = steps.find(
    (s) => /git\s+rev-parse\s+HEAD/.test(s.run ?? "") && /ls-remote\b.*refs\/heads\/main/.test(s.run ?? ""),
  );
  if (!tip)
    return [
      ...problems,
      "apply.yml/apply: no step refuses a commit that is not the tip of main (git rev-parse HEAD against git ls-remote … refs/heads/main): a re-run of an old run would undo the merges since",
    ];
  if (checkout === undefined || steps[steps.indexOf(checkout) + 1] !== tip)
    problems.push(
      "apply.yml/apply: the tip-of-main check must be the first step after the checkout, before anything is installed or applied",
    );
  const run = tip.run!;
  if (tip.if !== undefined || tip["continue-on-error"] !== undefined)
    problems.push(
      "apply.yml/apply: the tip-of-main check must always run and fail the job (no if:, no continue-on-error)",
    );
  if (!/::error\b/.test(run) || !/GITHUB_STEP_SUMMARY/.test(run) || !/exit 1/.test(run))
    problems.push(
      "apply.yml/apply: the tip-of-main check must say why in an ::error annotation and the job summary, and exit 1",
    );
  return problems;
}

/**
 * The apply record: `roster apply --git-note` in the apply job (with a git identity, and the
 * environment named for the record), and a separate job without Azure credentials that pushes
 * refs/notes/roster, even after a failed apply, and never anything else or by force.
 */
function checkApplyRecord(doc: Workflow, apply: Job, applyStep: Step | undefined): string[] {
  const problems: string[] = [];
  if (!applyStep?.run?.includes("--git-note"))
    problems.push("apply.yml/apply: roster apply must pass --git-note");
  const steps = stepsOf(apply);
  const identity = steps.findIndex((s) => /git config user\.name/.test(s.run ?? ""));
  if (identity < 0 || !applyStep || identity > steps.indexOf(applyStep))
    problems.push("apply.yml/apply: must configure a git identity before roster apply");
  const environment = typeof apply.environment === "string" ? apply.environment : apply.environment?.name;
  if (apply.env?.ROSTER_ENVIRONMENT !== environment)
    problems.push("apply.yml/apply: ROSTER_ENVIRONMENT must name the job's environment");
  const record = doc.jobs.record;
  if (!record) return [...problems, "apply.yml: no record job pushes the apply record"];
  if (signsIn(record) || record.environment !== undefined || permissionsOf(record)["id-token"] !== undefined)
    problems.push("apply.yml/record: must hold no Azure credentials and no environment");
  if (!String(record.needs ?? "").includes("apply") || !/\balways\(\)/.test(record.if ?? ""))
    problems.push("apply.yml/record: must run after the apply job, also when it failed (always())");
  const pushes = stepsOf(record)
    .flatMap((s) => (s.run ?? "").split("\n"))
    // `git push` or a wrapper such as `remote_git push`
    .filter((line) => /(^|\s|_)git\s+push\b/.test(line));
  if (
    pushes.length === 0 ||
    pushes.some(
      (line) => !/ refs\/notes\/roster:refs\/notes\/roster\b/.test(line) || /--force|-f\b| \+refs/.test(line),
    )
  )
    problems.push("apply.yml/record: must push only refs/notes/roster, never forced");
  return problems;
}

export function checkDriftWorkflow(workflows: Workflows): string[] {
  const file = workflows["drift.yml"];
  if (!file) return ["drift.yml: missing"];
  const { doc } = file;
  const problems: string[] = [];
  if (!sameSet(onKeys(doc), ["schedule", "workflow_dispatch"]))
    problems.push(`drift.yml: triggers ${onKeys(doc)}, expected schedule and workflow_dispatch`);
  const schedule = doc.on?.schedule as { cron?: string }[] | undefined;
  const cron = schedule?.[0]?.cron ?? "";
  // daily: fixed minute and hour, every day of month, month and week
  if (schedule?.length !== 1 || !/^\d{1,2} \d{1,2} \* \* \*$/.test(cron))
    problems.push(`drift.yml: schedule must be one daily cron, found ${JSON.stringify(schedule)}`);
  const plan = doc.jobs.plan;
  const step = findRun(plan, /\broster plan\b/);
  // The drift check compares the whole tenant: never a part of it.
  if (step?.run?.includes("--changed-since"))
    problems.push("drift.yml/plan: must read the whole tenant, not --changed-since");
  if (!step?.run?.includes("--detailed-exitcode") || !step.run.includes("--format markdown"))
    problems.push("drift.yml/plan: must run roster plan --detailed-exitcode --format markdown");
  if (step?.run && /--no-auth-methods/.test(step.run))
    problems.push("drift.yml/plan: the drift check must read authentication methods (no --no-auth-methods)");
  if (plan?.if?.trim() !== "github.ref == 'refs/heads/main'")
    problems.push("drift.yml/plan: must only run on refs/heads/main (the federated subject)");
  if (!plan?.outputs?.exitcode?.includes("steps.plan.outputs.exitcode"))
    problems.push("drift.yml/plan: must expose the exit code as a job output");
  for (const [id, job] of Object.entries(doc.jobs)) {
    const perms = permissionsOf(job);
    if (perms.issues === "write" && (perms["id-token"] === "write" || signsIn(job)))
      problems.push(`drift.yml/${id}: issues: write and Azure credentials in one job`);
  }
  const issue = Object.values(doc.jobs).find((job) => permissionsOf(job).issues === "write");
  if (!issue) return [...problems, "drift.yml: no job manages the drift issue"];
  if (!issue.if?.includes("needs.plan.outputs.exitcode == '0'") || !issue.if.includes("exitcode == '2'"))
    problems.push("drift.yml: the issue job must run on exit 0 and 2 only");
  const script = String(
    findUses(issue, "actions/github-script").find((s) => s.with?.script)?.with?.script ?? "",
  );
  for (const needle of [
    'LABEL = "drift"',
    "<!-- roster-drift -->",
    "listForRepo",
    'state: "closed"',
    "issues.create(",
  ])
    if (!script.includes(needle)) problems.push(`drift.yml: the issue script does not contain ${needle}`);
  return problems;
}

export function checkCiWorkflow(workflows: Workflows): string[] {
  const file = workflows["ci.yml"];
  if (!file) return ["ci.yml: missing"];
  const { doc } = file;
  const problems: string[] = [];
  if (!sameSet(onKeys(doc), ["pull_request", "push"]))
    problems.push("ci.yml: triggers must be push and pull_request");
  const runs = Object.values(doc.jobs).flatMap((job) => stepsOf(job).map((s) => s.run ?? ""));
  if (!runs.some((r) => r.trim() === "bash .ci/run")) problems.push("ci.yml: no step runs bash .ci/run");
  return problems;
}

export function checkEverything(workflows: Workflows): string[] {
  return [
    ...checkAll(workflows),
    ...checkPlanWorkflow(workflows),
    ...checkApplyWorkflow(workflows),
    ...checkDriftWorkflow(workflows),
    ...checkCiWorkflow(workflows),
  ];
}
