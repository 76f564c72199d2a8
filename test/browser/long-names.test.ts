// A display name of 200 characters without a space (tenants hold such names) must wrap inside the
// HTML plan, in the user's heading and in every figure caption, not overflow the page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PlanPictures, renderHtml } from "../../src/render/html.js";
import type { OrgPerson } from "../../src/render/org-chart.js";
import { type Browser, HAS_CHROMIUM, launchChromium, NO_CHROMIUM } from "../helpers/chromium.js";
import { samplePlan } from "../render/plans.js";

const LONG = "W".repeat(200);
const JPEG = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";

const person = (id: string, displayName: string, managerId: string | null): [string, OrgPerson] => [
  id,
  { id, displayName, userPrincipalName: `${id}@contoso.com`, managerId },
];

describe(`long unbroken names in the HTML plan${HAS_CHROMIUM ? "" : ` (${NO_CHROMIUM})`}`, () => {
  let browser: Browser | undefined;
  let sizes: { what: string; scrollWidth: number; clientWidth: number }[] = [];

  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    const sample = samplePlan();
    const adeleId = sample.users[0]!.id;
    const alexId = sample.users[1]!.id;
    const pictures: PlanPictures = {
      photos: new Map([[adeleId, { current: { kind: "none" }, desired: { kind: "image", dataUrl: JPEG } }]]),
      people: new Map([
        person(adeleId, `Adele${LONG}`, "a1"),
        person("a1", `Alex${LONG}`, "m1"),
        person("m1", `Megan${LONG}`, null),
        person(alexId, `Synced${LONG}`, "m1"),
      ]),
      notes: [],
    };
    browser = await launchChromium({ width: 900, height: 900 });
    const page = await browser.context.newPage();
    await page.setContent(renderHtml(sample, pictures), { waitUntil: "load" });
    sizes = await page.$$eval("h3:has(.display-name), figcaption, html", (all) =>
      all.map((element) => ({
        what: `${element.tagName.toLowerCase()}: ${(element.textContent ?? "").slice(0, 40)}`,
        scrollWidth: element.scrollWidth,
        clientWidth: element.clientWidth,
      })),
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!HAS_CHROMIUM)("wraps them in the headings and captions: nothing wider than its box", () => {
    // The page, two user headings with a display name, and at least a photo and an org-chart caption.
    expect(sizes.filter((s) => s.what.startsWith("h3")).length).toBe(2);
    expect(sizes.filter((s) => s.what.startsWith("figcaption")).length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size.scrollWidth, size.what).toBeLessThanOrEqual(size.clientWidth);
  });
});
