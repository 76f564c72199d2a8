// The README's pipeline sections match the workflows: the rules of readme.ts pass on the real
// README, and each fails on a copy broken the way a stale README would be.
import { describe, expect, it } from "vitest";
import { checkReadme, loadReadme, section, tableRows } from "./readme.js";

const readme = loadReadme();

describe("README pipeline sections", () => {
  it("match the workflows", () => {
    expect(checkReadme(readme)).toEqual([]);
  });

  it("reads tables without their header rows, keeping escaped pipes in a cell", () => {
    const text = "| a | b |\n|---|:-:|\n| `x` | y \\| z |\n| 1 | 2 |\n";
    expect(tableRows(text)).toEqual([
      ["`x`", "y \\| z"],
      ["1", "2"],
    ]);
  });

  it("takes a section up to the next heading of its level", () => {
    const text = "## A\none\n### A.1\ntwo\n## B\nthree\n";
    expect(section(text, "## A")).toBe("one\n### A.1\ntwo");
    expect(section(text, "### A.1")).toBe("two");
    expect(section(text, "## C")).toBe("");
  });

  const replaced = (from: string, to: string) => {
    expect(readme).toContain(from);
    return readme.replace(from, to);
  };
  const cases: [string, () => string, RegExp][] = [
    [
      "the drift check still signing in as roster-plan (as before issue 16)",
      () =>
        replaced(
          "| `drift.yml` / plan | daily, manual (on `main`) | `roster-drift`",
          "| `drift.yml` / plan | daily, manual (on `main`) | `roster-plan`",
        ),
      /^README workflow table: drift\.yml\/plan signs in as "`roster-plan`.*", expected roster-drift$/,
    ],
    [
      "a job's permissions listed wrong",
      () =>
        replaced(
          "`contents: read`, `id-token: write`, `pull-requests: write`",
          "`contents: read`, `pull-requests: write`",
        ),
      /^README workflow table: plan\.yml\/plan lists \["contents: read","pull-requests: write"\], expected/,
    ],
    [
      "a job missing from the table",
      () => replaced("| `ci.yml` / test | push to `main`, pull request | — | `contents: read` |\n", ""),
      /^README workflow table: jobs .*, the workflows have .*"ci\.yml\/test"/,
    ],
    [
      "a job that does not sign in shown with an app",
      () =>
        replaced(
          "| `drift.yml` / issue | after the plan, exit 0 or 2 | — |",
          "| `drift.yml` / issue | after the plan, exit 0 or 2 | `roster-plan` |",
        ),
      /^README workflow table: drift\.yml\/issue signs in as "`roster-plan`", expected —$/,
    ],
    [
      "roster-plan keeping its credential for main (as before issue 16)",
      () => replaced("| `roster-drift` | `github-main` |", "| `roster-plan` | `github-main` |"),
      /^README federated credentials: roster-plan has \["repo:ORG\/REPO:pull_request","repo:ORG\/REPO:ref:refs\/heads\/main"\], expected exactly repo:ORG\/REPO:pull_request$/,
    ],
    [
      "a variable the workflows read left undocumented",
      () => replaced("| `ROSTER_DRIFT_CLIENT_ID` |", "| `ROSTER_DRIFTCLIENT_ID` |"),
      /^README variables: .*"ROSTER_DRIFTCLIENT_ID".*, the workflows read/,
    ],
    [
      "an app missing from the app table",
      () => replaced("| `roster-drift` | `drift.yml` only |", "| roster drift | `drift.yml` only |"),
      /^README app table: apps/,
    ],
    [
      "an action the workflows use missing from the allow-list",
      () => replaced("`actions/download-artifact` and `actions/cache`", "and `actions/download-artifact`"),
      /^README allowed actions: .*, the workflows use .*"actions\/cache"/,
    ],
  ];

  it.each(cases)("catches %s", (_name, broken, expected) => {
    const problems = checkReadme(broken());
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });
});
