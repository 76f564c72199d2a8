import { describe, expect, it } from "vitest";
import { serializePlan } from "../../src/plan/document.js";
import { render } from "../../src/render/index.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { renderText } from "../../src/render/text.js";
import { EMAIL_AFTER, PHONE_AFTER, plan, samplePlan } from "./plans.js";

/** The digits of a number in order, whatever grouping or masking sits between them. */
function digitsOf(number: string): RegExp {
  return new RegExp(number.replace(/\D/g, "").split("").join("[^0-9]{0,3}"));
}

describe("views for people", () => {
  const secretsPlan = plan({
    users: [
      {
        upn: "AdeleV@contoso.com",
        changes: [
          { path: "authentication.mobile", before: "+1 ••••••••10", after: PHONE_AFTER },
          { path: "authentication.alternateMobile", before: null, after: "+44 7700 900123" },
          { path: "authentication.email", before: "o•••@old.example", after: EMAIL_AFTER },
        ],
      },
      {
        upn: "GradyA@contoso.com",
        roles: ["Global Administrator"],
        skipped: [
          {
            path: "authentication.office",
            before: null,
            after: "+49 30 901820",
            reason: "the user holds an admin role",
          },
        ],
      },
    ],
  });
  const outputs = {
    text: renderText(secretsPlan, { color: false }),
    colour: renderText(secretsPlan, { color: true }),
    markdown: renderMarkdown(secretsPlan),
    json: serializePlan(secretsPlan),
  };

  it.each(Object.entries(outputs))("%s masks every authentication value", (_, output) => {
    for (const number of [PHONE_AFTER, "+44 7700 900123", "+49 30 901820"]) {
      expect(output).not.toMatch(digitsOf(number));
    }
    expect(output).not.toContain(EMAIL_AFTER);
    expect(output).not.toMatch(/adele\.vance@/i);
    expect(output).toContain("+1 ••••••••11");
    expect(output).toContain("+44 ••••••••23");
    expect(output).toContain("a•••@personal.example");
  });

  it("shows a skipped authentication value masked too (markdown lists skipped values)", () => {
    expect(outputs.markdown).toContain('`"+49 ••••••20"`');
  });

  it("checks for the full values in a way that would find them (in the plan held in memory)", () => {
    expect(JSON.stringify(secretsPlan)).toMatch(digitsOf("+44 7700 900123"));
    expect(JSON.stringify(secretsPlan)).toMatch(digitsOf("+49 30 901820"));
  });
});

describe("render", () => {
  it("dispatches on the format", () => {
    const p = samplePlan();
    expect(render(p, "text")).toBe(renderText(p, { color: false }));
    expect(render(p, "text", { color: true })).toBe(renderText(p, { color: true }));
    expect(render(p, "markdown", { maxLength: 5000, artifactHint: "the artifact" })).toBe(
      renderMarkdown(p, { maxLength: 5000, artifactHint: "the artifact" }),
    );
    expect(render(p, "json")).toBe(serializePlan(p));
  });
});
