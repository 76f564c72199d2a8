import { describe, expect, it } from "vitest";
import {
  branchOf,
  describeBranch,
  layoutBranch,
  type OrgPerson,
  orgChartSvg,
} from "../../src/render/org-chart.js";

/** A directory from `id: [name, managerId]` (undefined manager = not read). */
function people(entries: Record<string, [string, string | null | undefined]>): Map<string, OrgPerson> {
  return new Map(
    Object.entries(entries).map(([id, [name, managerId]]) => [
      id,
      { id, displayName: name, userPrincipalName: `${id}@contoso.com`, managerId },
    ]),
  );
}

const manager = (id: string) => ({ userPrincipalName: `${id}@contoso.com`, id });

// megan (top) <- alex <- joni; megan <- lidia; megan <- irvin <- allan
const org = people({
  megan: ["Megan Bowen", null],
  alex: ["Alex Wilber", "megan"],
  lidia: ["Lidia Holloway", "megan"],
  irvin: ["Irvin Sayers", "megan"],
  allan: ["Allan Deyoung", "irvin"],
  joni: ["Joni Sherman", "alex"],
});

describe("branchOf", () => {
  it("walks the tenant's chain before and the new manager's chain after, two levels above each", () => {
    const branch = branchOf("JONI", { before: manager("alex"), after: manager("allan") }, org, new Map());
    expect(branch.before).toEqual({ ids: ["joni", "alex", "megan"], moreAbove: false });
    expect(branch.after).toEqual({ ids: ["joni", "allan", "irvin", "megan"], moreAbove: false });
  });

  it("marks a chain cut at two levels, or ending where nothing was read, as having more above", () => {
    const deep = people({
      a: ["A", "b"],
      b: ["B", "c"],
      c: ["C", "d"],
      d: ["D", "e"],
      e: ["E", null],
      x: ["X", undefined],
    });
    const branch = branchOf("p", { before: manager("a"), after: manager("x") }, deep, new Map());
    expect(branch.before).toEqual({ ids: ["p", "a", "b", "c"], moreAbove: true });
    expect(branch.after).toEqual({ ids: ["p", "x"], moreAbove: true });
  });

  it("uses the manager this plan sets for anyone above the new manager", () => {
    // The plan also moves Lidia under Irvin: after the plan, Joni's chain runs through Irvin.
    const planned = new Map([["lidia", "irvin"]]);
    const branch = branchOf("joni", { before: manager("alex"), after: manager("lidia") }, org, planned);
    expect(branch.after.ids).toEqual(["joni", "lidia", "irvin", "megan"]);
    expect(branch.before.ids).toEqual(["joni", "alex", "megan"]);
  });

  it("draws a person without a manager on one side alone, and ends a loop in the data, saying where", () => {
    const looped = people({ a: ["A", "b"], b: ["B", "a"] });
    const branch = branchOf("p", { before: null, after: manager("a") }, looped, new Map());
    expect(branch.before).toEqual({ ids: ["p"], moreAbove: false });
    expect(branch.after).toEqual({ ids: ["p", "a", "b"], moreAbove: false, loop: "a" });
  });

  it("a person made their own manager is a loop, not a person without a manager", () => {
    const branch = branchOf(
      "p",
      { before: null, after: manager("p") },
      people({ p: ["P", null] }),
      new Map(),
    );
    expect(branch.after).toEqual({ ids: ["p"], moreAbove: false, loop: "p" });
  });
});

describe("layoutBranch", () => {
  it("draws the managers both chains share once, on top, with both people on the bottom row", () => {
    const branch = branchOf("joni", { before: manager("alex"), after: manager("lidia") }, org, new Map());
    const layout = layoutBranch(branch);
    expect(layout.rows).toBe(3);
    const at = (key: string) => layout.nodes.find((n) => n.key === key);
    expect(at("s0")).toMatchObject({ id: "megan", col: 0.5, row: 0 });
    expect(at("before1")).toMatchObject({ id: "alex", role: "old-manager", col: 0, row: 1 });
    expect(at("after1")).toMatchObject({ id: "lidia", role: "new-manager", col: 1, row: 1 });
    expect(at("before0")).toMatchObject({ id: "joni", role: "person-before", row: 2 });
    expect(at("after0")).toMatchObject({ id: "joni", role: "person-after", row: 2 });
    expect(layout.edges).toEqual([
      { from: "before1", to: "before0", kind: "before" },
      { from: "s0", to: "before1", kind: "before" },
      { from: "after1", to: "after0", kind: "after" },
      { from: "s0", to: "after1", kind: "after" },
    ]);
  });

  it("keeps two chains that never meet side by side, each with its own top", () => {
    const apart = people({ a: ["A", "b"], b: ["B", undefined], x: ["X", null] });
    const layout = layoutBranch(
      branchOf("p", { before: manager("a"), after: manager("x") }, apart, new Map()),
    );
    expect(layout.nodes.filter((n) => n.col === 0.5)).toEqual([]);
    expect(layout.rows).toBe(3);
    expect(layout.more).toEqual(["before2"]);
  });
});

describe("orgChartSvg: manager loops", () => {
  it("says a loop in words above the top of the chain and in the description (A -> B -> A)", () => {
    const looped = people({ p: ["Pat Doe", null], a: ["Ann Ark", "b"], b: ["Bob Bay", "a"] });
    const branch = branchOf("p", { before: null, after: manager("a") }, looped, new Map());
    const svg = orgChartSvg(branch, looped, { idPrefix: "c9" });
    expect(svg).toContain(
      '<text class="loop" x="401" y="56" text-anchor="middle"><title>↺ manager loop: reports to Ann Ark</title>↺ manager loop: reports to Ann Ark</text>',
    );
    expect(describeBranch(branch, looped)).toBe(
      "Before: Pat Doe has no manager. After: Pat Doe reports to Ann Ark, who reports to Bob Bay, who reports to Ann Ark again: a manager loop.",
    );
    expect(svg).toContain(
      '<desc id="c9-desc">Before: Pat Doe has no manager. After: Pat Doe reports to Ann Ark, who reports to Bob Bay, who reports to Ann Ark again: a manager loop.</desc>',
    );
  });

  it("a self-manager: the person's own box says so", () => {
    const self = people({ p: ["Pat Doe", "q"], q: ["Quinn Q", null] });
    const branch = branchOf("p", { before: manager("q"), after: manager("p") }, self, new Map());
    const svg = orgChartSvg(branch, self, { idPrefix: "c8" });
    expect(svg).toContain(">↺ manager loop: reports to themself</text>");
    expect(describeBranch(branch, self)).toBe(
      "Before: Pat Doe reports to Quinn Q. After: Pat Doe reports to themself: a manager loop.",
    );
  });
});

describe("orgChartSvg", () => {
  it("names every person, says which box is which in words, and describes the move", () => {
    const branch = branchOf("joni", { before: manager("alex"), after: manager("lidia") }, org, new Map());
    const svg = orgChartSvg(branch, org, { idPrefix: "c1" });
    for (const name of ["Joni Sherman", "Alex Wilber", "Lidia Holloway", "Megan Bowen"])
      expect(svg).toContain(`>${name}</text>`);
    for (const caption of [">current manager<", ">new manager<", ">before<", ">after<", ">moves<"])
      expect(svg).toContain(caption);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="c1-title c1-desc"');
    expect(describeBranch(branch, org)).toBe(
      "Before: Joni Sherman reports to Alex Wilber, who reports to Megan Bowen. After: Joni Sherman reports to Lidia Holloway, who reports to Megan Bowen.",
    );
  });

  it("escapes names from the tenant and falls back to the UPN, then the id", () => {
    const hostile = new Map<string, OrgPerson>([
      [
        "p",
        {
          id: "p",
          displayName: '<script>alert("x")</script>',
          userPrincipalName: "p@contoso.com",
          managerId: "m",
        },
      ],
      ["m", { id: "m", displayName: null, userPrincipalName: "m&m@contoso.com", managerId: null }],
    ]);
    const svg = orgChartSvg(
      branchOf("p", { before: manager("m"), after: null }, hostile, new Map()),
      hostile,
      {
        idPrefix: "c2",
      },
    );
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain(">m&amp;m@contoso.com</text>");
    expect(svg).toContain(">after · no manager<");
    const unknown = orgChartSvg(
      branchOf("q", { before: null, after: manager("zz") }, new Map(), new Map()),
      new Map(),
      {
        idPrefix: "c3",
        personUpn: "q@contoso.com",
      },
    );
    expect(unknown).toContain(">q@contoso.com</text>");
    expect(unknown).toContain(">zz</text>");
  });
});
