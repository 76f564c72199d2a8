// The demo's HTML plan as a reviewer opens it: `roster plan --format html` against the demo tenant,
// the file loaded in headless Chromium, the DOM checked, nothing allowed to leave the page, and a
// screenshot kept in test-artifacts/ (git-ignored) for a person to look at.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { type Browser, HAS_CHROMIUM, launchChromium, NO_CHROMIUM } from "../helpers/chromium.js";
import { demoToken } from "../helpers/demo-apps.js";
import { testdir } from "../helpers/testdir.js";
import { demoState, type Emulator, emulator, exampleRepo, REPO_ROOT } from "../plan-integration/helpers.js";

const ARTIFACTS = join(REPO_ROOT, "test-artifacts");

describe(`the demo's HTML plan in Chromium${HAS_CHROMIUM ? "" : ` (${NO_CHROMIUM})`}`, () => {
  let em: Emulator | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let pageUrl: string;
  /** Every URL the page asked for, and the console's complaints (a CSP violation shows there). */
  const requested: string[] = [];
  const refused: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    em = await emulator(await demoState());
    const dir = await exampleRepo();
    const out = await testdir({});
    const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: demoToken("roster-drift") }, cwd: out });
    const code = await main(
      ["node", "roster", "plan", "--dir", dir, "--graph-url", em.origin, "--ca-cert", em.caPath].concat([
        "--format",
        "html",
        "--out",
        "plan.html",
      ]),
      io,
    );
    if (code !== 0) throw new Error(`roster plan failed (${code}): ${io.err()}`);
    pageUrl = pathToFileURL(join(out, "plan.html")).href;

    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await page.route("**", async (route) => {
      const url = route.request().url();
      if (url === pageUrl || url.startsWith("data:")) return route.continue();
      refused.push(url);
      return route.abort();
    });
    await page.goto(pageUrl, { waitUntil: "load" });
  });
  afterAll(async () => {
    await browser?.close();
    await em?.close();
  });

  it.skipIf(!HAS_CHROMIUM)("loads nothing but itself and data: URLs, and breaks no CSP rule", () => {
    expect(refused).toEqual([]);
    expect(requested.filter((url) => url !== pageUrl && !url.startsWith("data:"))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it.skipIf(!HAS_CHROMIUM)(
    "shows every photo change as two frames of one size, each photo loaded",
    async () => {
      const figures = await page.$$eval("figure.photos", (all) =>
        all.map((figure) => ({
          caption: figure.querySelector("figcaption")?.textContent,
          frames: [...figure.querySelectorAll(".frame")].map((frame) => {
            const box = frame.getBoundingClientRect();
            return `${box.width}x${box.height}`;
          }),
          images: [...figure.querySelectorAll("img")].map((img) => {
            const box = img.getBoundingClientRect();
            return {
              alt: img.alt,
              loaded: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
              natural: Math.max(img.naturalWidth, img.naturalHeight),
              shown: `${box.width}x${box.height}`,
            };
          }),
          empty: [...figure.querySelectorAll(".empty")].map((e) => e.getAttribute("aria-label")),
        })),
      );
      expect(figures.map((f) => f.caption)).toEqual([
        "Photo of Debra Berger: a photo is added.",
        "Photo of Isaiah Langer: the photo is removed.",
        "Photo of Lynne Robbins: the photo is replaced.",
      ]);
      for (const figure of figures) expect(figure.frames).toEqual(["242x242", "242x242"]);
      const images = figures.flatMap((f) => f.images);
      expect(images.map((i) => i.alt)).toEqual([
        "new photo of Debra Berger",
        "current photo of Isaiah Langer",
        "current photo of Lynne Robbins",
        "new photo of Lynne Robbins",
      ]);
      for (const image of images) {
        expect(image.loaded).toBe(true);
        expect(image.shown).toBe("240x240");
        expect(image.natural).toBeLessThanOrEqual(240);
      }
      expect(figures.map((f) => f.empty)).toEqual([
        ["no current photo of Debra Berger"],
        ["no new photo of Isaiah Langer"],
        [],
      ]);
    },
  );

  it.skipIf(!HAS_CHROMIUM)("draws an org chart naming the people of every manager change", async () => {
    const managerRows = await page.$$eval(
      "table.changes td:nth-child(2) code",
      (cells) => cells.filter((c) => c.textContent === "manager").length,
    );
    const charts = await page.$$eval("figure.org svg", (svgs) =>
      svgs.map((svg) => ({
        label: svg.getAttribute("aria-labelledby"),
        names: [...svg.querySelectorAll(".node .name")].map((t) => t.textContent).sort(),
        width: svg.getBoundingClientRect().width,
      })),
    );
    expect(charts).toHaveLength(managerRows);
    expect(charts.map((c) => c.names)).toEqual([
      // The person twice: where they are now (before) and where the plan puts them (after).
      ["Allan Deyoung", "Cameron White", "Cameron White", "Irvin Sayers", "Megan Bowen"],
      ["Alex Wilber", "Joni Sherman", "Joni Sherman", "Lidia Holloway", "Megan Bowen"],
    ]);
    for (const chart of charts) expect(chart.width).toBeGreaterThan(300);
  });

  it.skipIf(!HAS_CHROMIUM)("has one h1, a heading per user, and prints without the index", async () => {
    expect(await page.locator("h1").allTextContents()).toEqual(["roster plan: 15 changes to 12 users"]);
    expect(await page.locator("h3").count()).toBe(13);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "html-plan.png"), fullPage: true });
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("nav.toc").isVisible()).toBe(false);
    await writeFile(join(ARTIFACTS, "html-plan.pdf"), await page.pdf({ format: "A4" }));
    await page.emulateMedia({ media: "screen" });
    expect(await page.locator("nav.toc").isVisible()).toBe(true);
  });
});
