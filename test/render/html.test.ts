import { describe, expect, it } from "vitest";
import { type PlanPictures, renderHtml } from "../../src/render/html.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import type { OrgPerson } from "../../src/render/org-chart.js";
import { EMAIL_AFTER, PHONE_AFTER, plan, samplePlan } from "./plans.js";

// A 1×1 JPEG is not needed: the view only checks the data URL's shape.
const JPEG = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";
const PNG = "data:image/png;base64,iVBORw0KGgo=";

const person = (id: string, displayName: string, managerId: string | null): [string, OrgPerson] => [
  id,
  { id, displayName, userPrincipalName: `${id}@contoso.com`, managerId },
];

/** The opening tags of `name` in `page`. */
const tags = (page: string, name: string) => page.match(new RegExp(`<${name}\\b[^>]*>`, "g")) ?? [];

describe("renderHtml", () => {
  const sample = samplePlan();
  const adeleId = sample.users[0]!.id;
  const alexId = sample.users[1]!.id;
  const pictures: PlanPictures = {
    photos: new Map([
      [adeleId, { current: { kind: "none" }, desired: { kind: "image", dataUrl: JPEG } }],
      [alexId, { current: { kind: "image", dataUrl: PNG }, desired: { kind: "none" } }],
    ]),
    people: new Map([
      person(adeleId, "Adele Vance", "a1"),
      person("a1", "Alex Wilber", "m1"),
      person("m1", "Megan Bowen", null),
      person(alexId, "Alex W. (synced)", "m1"),
    ]),
    notes: [
      "Photos are pictured for the first 1 of 2 photo changes; the others are listed without pictures.",
    ],
  };
  const page = renderHtml(sample, pictures);

  it("is one self-contained document: a strict CSP, no script, nothing but data: URLs", () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1];
    expect(csp).toMatch(
      /^default-src 'none'; img-src data:; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'$/,
    );
    expect(tags(page, "script")).toEqual([]);
    expect(tags(page, "link")).toEqual([]);
    // Every src or href is a data: URL or a fragment on this page.
    const urls = [...page.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((u) => !u!.startsWith("data:") && !u!.startsWith("#"))).toEqual([]);
    expect(page).not.toMatch(/url\(/);
  });

  it("states the plan's own numbers in the summary", () => {
    expect(page).toContain(
      '<div><dt>changes</dt><dd>12</dd></div><div><dt>users with changes</dt><dd>3</dd></div><div class="attention"><dt>sensitive</dt><dd>5</dd></div>',
    );
    expect(page).toContain(
      '<p class="breakdown">5 attribute changes · 2 manager changes · 2 photo changes · 3 authentication method changes<br>20 managed users · 3 unmanaged (never changed)</p>',
    );
  });

  it("has real headings: the outcome, the summary, the changes and one per user", () => {
    expect(tags(page, "h1")).toHaveLength(1);
    expect(page).toContain("<h1>roster plan: 2 errors, 12 changes to 3 users</h1>");
    expect(page).toContain('<h2 id="summary">Summary</h2>');
    expect(page).toContain('<h2 id="changes">Changes by user</h2>');
    expect(tags(page, "h3")).toHaveLength(3);
    expect(page).toContain(
      '<h3 id="user-1-h"><span class="sym" aria-hidden="true">~</span> <code>AdeleV@contoso.com</code> <span class="display-name">Adele Vance</span></h3>',
    );
  });

  it("shows photos side by side at the same size, with alt text naming the person and the side", () => {
    expect(tags(page, "img")).toEqual([
      `<img src="${JPEG}" alt="new photo of Adele Vance" width="240" height="240">`,
      `<img src="${PNG}" alt="current photo of Alex W. (synced)" width="240" height="240">`,
    ]);
    // The empty sides are frames of their own, labelled for screen readers and in words.
    expect(page).toContain(
      '<div class="empty" role="img" aria-label="no current photo of Adele Vance"><span>No photo yet</span></div>',
    );
    expect(page).toContain('aria-label="no new photo of Alex W. (synced)"><span>No photo: removed</span>');
    expect(page).toContain("<figcaption>Photo of Adele Vance: a photo is added.</figcaption>");
    expect(page).toContain("Photos are pictured for the first 1 of 2 photo changes");
  });

  it("says so where a photo is not pictured, and never embeds anything but a JPEG or PNG data URL", () => {
    const hostile: PlanPictures = {
      ...pictures,
      photos: new Map([
        [adeleId, { current: { kind: "none" }, desired: { kind: "image", dataUrl: 'x" onerror="alert(1)' } }],
      ]),
    };
    const shown = renderHtml(sample, hostile);
    expect(tags(shown, "img")).toEqual([]);
    expect(shown).not.toContain("onerror");
    expect(shown).toContain("new photo of Adele Vance: Not shown");
    // Alex's removal has no pictures at all: the current side says it is not pictured.
    expect(shown).toContain("<span>Not shown: not pictured in this page (see the note at the top)</span>");
  });

  it("draws an org chart naming the people for every manager change", () => {
    expect(tags(page, "svg")).toHaveLength(2);
    const first = page.slice(page.indexOf("<svg"), page.indexOf("</svg>"));
    for (const name of ["Adele Vance", "Alex Wilber", "Megan Bowen"])
      expect(first).toContain(`>${name}</text>`);
    // Adele moves up to her manager's manager: the two chains meet at Megan, the new manager.
    expect(first).toMatch(
      /<g class="node new-manager"[^>]*><title>Megan Bowen, m1@contoso.com, new manager<\/title>/,
    );
    // Grady (not read) is named by the UPN the plan has; his new side has no manager.
    const second = page.slice(page.lastIndexOf("<svg"), page.lastIndexOf("</svg>"));
    expect(second).toContain(">GradyA@contoso.com</text>");
    expect(second).toContain(">Alex Wilber</text>");
    expect(second).toContain(">after · no manager<");
    // Nobody read at all: every box still names someone, by the UPNs in the plan, never by id.
    const unread = renderHtml(sample);
    const chart = unread.slice(unread.indexOf("<svg"), unread.indexOf("</svg>"));
    for (const upn of ["AdeleV@contoso.com", "AlexW@contoso.com", "MeganB@contoso.com"])
      expect(chart).toContain(`>${upn}</text>`);
    expect(chart).not.toMatch(/>(a1|m1)<\/text>/);
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="org-chart" role="img"');
    expect(page).toContain('aria-labelledby="chart1-title chart1-desc"');
    expect(page).toContain('aria-labelledby="chart2-title chart2-desc"');
  });

  it("masks authentication methods exactly as the markdown view does", () => {
    const markdown = renderMarkdown(sample);
    for (const shown of [
      '"+1 ••••••••10"',
      '"+1 ••••••••11"',
      '"a•••@personal.example"',
      '"+1 ••••••••77"',
    ]) {
      expect(markdown).toContain(shown);
      expect(page).toContain(shown.replaceAll('"', "&quot;"));
    }
    expect(page).not.toContain(PHONE_AFTER);
    expect(page).not.toContain(EMAIL_AFTER);
  });

  it("marks sensitive changes in words, not colour alone", () => {
    expect(page).toContain("⚠ 5 sensitive changes</h2>");
    expect(page).toContain('<strong class="tag">⚠ sensitive (authentication method)</strong>');
    expect(page).toContain('<strong class="tag">⚠ sensitive (UPN rename)</strong>');
    expect(page).toMatch(/<td class="action remove"><span class="sym" aria-hidden="true">-<\/span> remove/);
    expect(page).toContain("@media print");
  });

  it("escapes every value from the repository and the tenant", () => {
    const evil = '<img src=x onerror=alert(1)>"&\u202e';
    const hostile = plan({
      users: [
        {
          upn: `${evil}@contoso.com`,
          file: `profiles/${evil}.yaml`,
          roles: [evil],
          changes: [{ path: "jobTitle", before: evil, after: `</code></td><script>alert(1)</script>` }],
          skipped: [{ path: "department", before: null, after: evil, reason: evil }],
        },
      ],
      errors: [{ message: evil, userPrincipalName: evil }],
      warnings: [{ message: evil }],
    });
    const shown = renderHtml(hostile);
    expect(tags(shown, "script")).toEqual([]);
    expect(tags(shown, "img")).toEqual([]);
    expect(shown).not.toContain("onerror=alert(1)>");
    expect(shown).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&amp;\\u{202e}");
    expect(shown).not.toContain("\u202e");
  });

  it("renders an empty plan with no users section", () => {
    const empty = renderHtml(plan());
    expect(empty).toContain("<h1>roster plan: no changes</h1>");
    expect(empty).not.toContain("Changes by user");
    expect(tags(empty, "svg")).toEqual([]);
  });
});
