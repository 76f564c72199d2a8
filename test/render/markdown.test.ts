import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.js";
import { DEFAULT_MAX_LENGTH, MARKDOWN_MARKER, renderMarkdown } from "../../src/render/markdown.js";
import { code, text } from "../../src/render/md.js";
import { EMAIL_AFTER, PHONE_AFTER, plan, samplePlan, type UserSpec } from "./plans.js";

/** GitHub refuses an issue or pull-request comment longer than this (its API's 65,536 characters). */
const GITHUB_COMMENT_LIMIT = 65_536;
/**
 * The longest footer the plan workflow adds below the markdown (the commit, the outcome, the run
 * and artifact URLs for GitHub's longest owner and repository names), worked out in
 * test/workflows/workflows.test.ts, where the workflow's script is run with those names.
 */
const PLAN_WORKFLOW_FOOTER_MAX = 765;

/**
 * The marker the plan workflow searches its sticky comment for, read from the workflow itself
 * (`const MARKER = "…"` in .github/workflows/plan.yml), not from roster's constant.
 */
function workflowMarker(): string {
  const workflow = readFileSync(
    join(import.meta.dirname, "..", "..", ".github", "workflows", "plan.yml"),
    "utf8",
  );
  const found = /const MARKER = "([^"]+)";/.exec(workflow);
  if (!found?.[1]) throw new Error('plan.yml declares no `const MARKER = "…";`');
  return found[1];
}

/** A line with its code spans removed, following CommonMark: a run of n backticks closes at the next run of n. */
function withoutCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const open = /^`+/.exec(line.slice(i));
    if (!open) {
      out += line[i];
      i += 1;
      continue;
    }
    const fence = open[0];
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`, "g");
    close.lastIndex = i + fence.length;
    const end = close.exec(line);
    if (end) {
      out += "CODE";
      i = end.index + fence.length;
    } else {
      out += fence;
      i += fence.length;
    }
  }
  return out;
}

/** GFM table cells: split on pipes that no backslash escapes. */
function cellCount(row: string): number {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/).length;
}

/** The HTML tags a renderer of this markdown would see outside code spans (`\<` is no tag). */
function htmlTags(markdown: string): string[] {
  return markdown
    .split("\n")
    .flatMap((line) => withoutCodeSpans(line).match(/(?<!\\)<\/?[a-z!][^ >]*/gi) ?? []);
}

/** Text outside code, where GitHub would turn `@name` into a notification. */
function outsideCode(line: string): string {
  return withoutCodeSpans(line).replace(/<code>.*?<\/code>/g, "CODE");
}

describe("renderMarkdown", () => {
  const markdown = renderMarkdown(samplePlan());

  it("starts with the marker the plan workflow looks for, on a line of its own", () => {
    const marker = workflowMarker();
    expect(marker).toBe("<!-- roster-plan -->");
    expect(markdown.startsWith(`${marker}\n`)).toBe(true);
    expect(renderMarkdown(plan()).startsWith(`${marker}\n`)).toBe(true);
  });

  it("starts with the sticky-comment marker and a title naming the outcome", () => {
    expect(markdown.split("\n").slice(0, 2)).toEqual([
      MARKDOWN_MARKER,
      "### roster plan: ⚠ 2 errors, 12 changes to 3 users",
    ]);
    expect(renderMarkdown(plan()).split("\n")[1]).toBe("### roster plan: No changes");
    const clean = { ...samplePlan(), errors: [] };
    clean.summary = { ...clean.summary, errors: 0 };
    expect(renderMarkdown(clean).split("\n")[1]).toBe("### roster plan: 12 changes to 3 users");
  });

  it("puts the summary table first, then the sensitive callout, errors, warnings and users", () => {
    const order = [
      "| Plan | Count |",
      "| Sensitive changes | 5 |",
      "| Unmanaged users (never changed) | 3 |",
      "> [!WARNING]",
      "#### ⛔ Errors (2)",
      "#### ⚠️ Warnings (1)",
      "#### Changes by user",
      "<details><summary><code>~ AdeleV@contoso.com</code>",
    ].map((needle) => markdown.indexOf(needle));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("lists every sensitive change with why it is sensitive", () => {
    expect(markdown).toContain("> **5 sensitive changes**");
    expect(markdown).toContain(
      "> - `GradyA@contoso.com` (admin roles: Global Administrator): `userPrincipalName` (UPN rename), `manager` (admin user)",
    );
    expect(markdown).toContain("`authentication.office` (authentication method)");
    expect(
      renderMarkdown(
        plan({ users: [{ upn: "a@contoso.com", changes: [{ path: "jobTitle", before: "A", after: "B" }] }] }),
      ),
    ).not.toContain("[!WARNING]");
  });

  it("lists errors and warnings with their positions", () => {
    expect(markdown).toContain(
      "- `profiles/ghost.yaml:1:20` `Ghost@contoso.com`: the user does not exist in the tenant",
    );
    expect(markdown).toContain("- internal: photo metadata unavailable");
    expect(markdown).toContain(
      "- `profiles/sales/adele.vance.yaml:9:1`: `employeeId` is owned elsewhere \\(HR provisioning\\): not planned",
    );
  });

  it("gives each user a collapsible section with a table of changes and the skipped ones", () => {
    expect(markdown.match(/<details>/g)).toHaveLength(3);
    expect(markdown.match(/<\/details>/g)).toHaveLength(3);
    expect(markdown).toContain(
      '| ~ update ⚠️ **sensitive** | `authentication.mobile` | `"+1 ••••••••10"` | `"+1 ••••••••11"` | `profiles/sales/adele.vance.yaml:8:1` |',
    );
    expect(markdown).toContain(
      "| + add | `photo` | `null` | `photos/adele.jpg` | `profiles/sales/adele.vance.yaml:7:1` |",
    );
    expect(markdown).toContain(
      "| - remove ⚠️ **sensitive** | `manager` | `AlexW@contoso.com` | `null` | `profiles/gradya.yaml:3:1` |",
    );
    expect(markdown).toContain(
      '- `officeLocation`: `"Building 1"` → `"18/2111"`: mastered by on-premises AD for this synced user; change it there',
    );
  });

  it("masks every authentication value, in changes and in skipped changes", () => {
    const digits = (n: string) => new RegExp(n.replace(/\D/g, "").split("").join("[^0-9]{0,3}"));
    for (const output of [markdown]) {
      expect(output).not.toMatch(digits(PHONE_AFTER));
      expect(output).not.toMatch(digits("+1 4255550177")); // the skipped admin's number
      expect(output).not.toContain(EMAIL_AFTER);
      expect(output).not.toMatch(/adele\.vance@/i);
    }
    expect(markdown).toContain('`"a•••@personal.example"`');
  });
});

describe("markdown escaping", () => {
  const hostile = plan({
    users: [
      {
        upn: "<img src=x onerror=alert(1)>@contoso.com",
        file: "profiles/a|b`c<i>.yaml",
        roles: ["<b>Admin</b>"],
        changes: [
          { path: "jobTitle", before: "a|b", after: "x`y``z" },
          { path: "department", before: null, after: "<script>alert(1)</script>" },
          { path: "officeLocation", before: "line1\nline2", after: "`" },
          { path: "employeeOrgData.division", before: null, after: "\\|" },
        ],
        skipped: [
          {
            path: "city",
            before: null,
            after: "</details><script>",
            reason: "ping @org/team <b>now</b> | *x*",
          },
        ],
      },
    ],
    errors: [
      {
        message: "manager <script>x</script> | `a|b` @everyone\n# heading",
        userPrincipalName: "a|b@contoso.com",
      },
    ],
  });
  const markdown = renderMarkdown(hostile);
  const lines = markdown.split("\n");

  it("keeps every table row at its column count", () => {
    const rows = lines.filter((line) => line.startsWith("|"));
    expect(rows.length).toBeGreaterThan(8);
    const changeRows = rows.filter((row) => cellCount(row) !== 2);
    expect(changeRows.map(cellCount)).toEqual(Array(changeRows.length).fill(5));
    expect(markdown).toContain(
      '| `jobTitle` | `"a\\|b"` | ```"x`y``z"``` | ``profiles/a\\|b`c<i>.yaml:2:1`` |',
    );
    // The newline stays JSON's two characters `\n`: no row is split.
    expect(markdown).toContain('| `officeLocation` | `"line1\\nline2"` | ``"`"`` |');
    expect(markdown).toContain('`"\\\\\\|"`');
  });

  it("lets no HTML through except its own details, summary and code tags", () => {
    const allowed = new Set(["<!--", "<details", "</details", "<summary", "</summary", "<code", "</code"]);
    expect(htmlTags(markdown).filter((tag) => !allowed.has(tag))).toEqual([]);
    expect(markdown).toContain("<code>~ &lt;img src=x onerror=alert(1)&gt;@contoso.com</code>");
    expect(markdown).toContain("admin roles: &lt;b&gt;Admin&lt;/b&gt;");
    // The value `</details>` stays inside its code span: the only closing tag is the section's own.
    expect(lines.filter((line) => line.startsWith("<details>"))).toHaveLength(1);
    expect(lines.filter((line) => line === "</details>")).toHaveLength(1);
  });

  it("adds no lines and pings nobody", () => {
    expect(lines.filter((line) => line.startsWith("#")).map((line) => line.slice(0, 12))).toEqual([
      "### roster p",
      "#### ⛔ Error",
      "#### Changes",
    ]);
    const mentions = lines.flatMap((line) => outsideCode(line).match(/(?<![\w@\\])@\w/g) ?? []);
    expect(mentions).toEqual([]);
    expect(markdown).toContain("ping `@org/team` \\<b\\>now\\</b\\> \\| \\*x\\*");
  });

  it("writes code spans that read back exactly", () => {
    expect(code("plain")).toBe("`plain`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x")).toBe("`` `x ``");
    expect(code(" x ")).toBe("`  x  `");
    expect(code("a|b", { inTable: true })).toBe("`a\\|b`");
    expect(code("a|b")).toBe("`a|b`");
    expect(text("1. not a list")).toBe("1\\. not a list");
    expect(text("- not a list")).toBe("\\- not a list");
  });
});

describe("markdown size", () => {
  function bigPlan(users: number): Plan {
    const specs: UserSpec[] = Array.from({ length: users }, (_, i) => ({
      upn: `user${String(i).padStart(4, "0")}@contoso.com`,
      changes: [
        { path: "jobTitle", before: `Old title ${i}`, after: `New title ${i}` },
        { path: "officeLocation", before: null, after: `Building ${i}` },
        ...(i % 10 === 0 ? [{ path: "authentication.mobile", before: null, after: PHONE_AFTER }] : []),
      ],
    }));
    return plan({
      users: specs,
      errors: [
        { message: "the user does not exist in the tenant", userPrincipalName: "Ghost@contoso.com" },
        { message: "protected user breakglass@contoso.com cannot be changed" },
      ],
    });
  }

  it("keeps 2,000 users under the comment limit, with summary, errors and callout, naming the omitted", () => {
    const markdown = renderMarkdown(bigPlan(2000), { artifactHint: "the plan.json artifact of this run" });
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    // GitHub's limit, with room left for the workflow's longest footer: the plan is posted whole.
    expect(DEFAULT_MAX_LENGTH).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - PLAN_WORKFLOW_FOOTER_MAX);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - PLAN_WORKFLOW_FOOTER_MAX);
    expect(markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2_000);
    expect(
      markdown.startsWith(`${MARKDOWN_MARKER}\n### roster plan: ⚠ 2 errors, 4200 changes to 2000 users\n`),
    ).toBe(true);
    expect(markdown).toContain("| **Total changes** | 4200 |");
    expect(markdown).toContain("> **200 sensitive changes**");
    expect(markdown).toContain("the user does not exist in the tenant");
    expect(markdown).toContain("protected user breakglass@contoso.com cannot be changed");
    const shown = markdown.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(50);
    expect(shown).toBeLessThan(2000);
    expect(markdown).toContain(
      `**${2000 - shown} of 2000 users omitted** below to keep this comment under GitHub's size limit. The full plan is in the plan.json artifact of this run.`,
    );
    // Dropped from the end: the first users are there, the last are not.
    expect(markdown).toContain("user0000@contoso.com</code>");
    expect(markdown).not.toContain("user1999@contoso.com</code>");
    expect(markdown.match(/<\/details>/g)?.length).toBe(shown);
    // The callout is bounded too, and says how many users it could not list.
    expect(markdown).toMatch(/> - …and \d+ more users: see the plan\.json artifact of this run\./);
  });

  it("says nothing about omitted users when everything fits", () => {
    const markdown = renderMarkdown(bigPlan(20));
    expect(markdown.match(/<details>/g)).toHaveLength(20);
    expect(markdown).not.toContain("omitted");
  });

  it("honours a smaller maxLength, and bounds even thousands of errors", () => {
    const errors = Array.from({ length: 5000 }, (_, i) => ({
      message: `profile ${i} is broken in some way`,
    }));
    const p = { ...bigPlan(300), errors };
    p.summary = { ...p.summary, errors: errors.length };
    for (const maxLength of [10_000, 30_000, DEFAULT_MAX_LENGTH]) {
      const markdown = renderMarkdown(p, { maxLength });
      expect(markdown.length).toBeLessThanOrEqual(maxLength);
      expect(markdown).toContain("| Errors | 5000 |");
      expect(markdown).toContain("- profile 0 is broken in some way");
      expect(markdown).toMatch(/- …and \d+ more: see the JSON plan/);
    }
    expect(renderMarkdown(p, { maxLength: 400 }).length).toBeLessThanOrEqual(400);
  });
});
