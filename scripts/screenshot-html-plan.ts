// Regenerates docs/html-plan.png, the README's picture of the HTML plan: the demo's plan against
// the demo tenant, opened in headless Chromium (Debian's package, see test/helpers/chromium.ts),
// and three parts of the page stacked: the header with the summary, a photo change, a manager change.
//   npx tsx scripts/screenshot-html-plan.ts
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEmulator } from "@roster/graph-emulator";
import sharp from "sharp";
import { main } from "../src/cli.js";
import { captureIo } from "../src/io.js";
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM } from "../test/helpers/chromium.js";

const root = join(import.meta.dirname, "..");
const target = join(root, "docs", "html-plan.png");
if (!HAS_CHROMIUM) throw new Error(NO_CHROMIUM);

const emulator = await startEmulator({ statePath: join(root, "demo", "tenant.json") });
const work = await mkdtemp(join(tmpdir(), "roster-screenshot-"));
const browser = await launchChromium({ width: 980, height: 800 });
try {
  await writeFile(join(work, "ca.pem"), emulator.caPem);
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "demo" }, cwd: work });
  const args = ["--dir", root, "--graph-url", emulator.origin, "--ca-cert", join(work, "ca.pem")];
  const code = await main(["node", "roster", "plan", ...args, "--format", "html", "--out", "plan.html"], io);
  if (code !== 0) throw new Error(`roster plan exited ${code}: ${io.err()}`);

  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(join(work, "plan.html")).href, { waitUntil: "load" });
  const section = (upn: string) => page.locator("section.user", { hasText: upn });
  const parts = [
    await page.locator("header").screenshot(),
    await page.locator("section", { has: page.locator("#summary") }).screenshot(),
    await section("LynneR@contoso.com").screenshot(),
    await section("JoniS@contoso.com").screenshot(),
  ];
  const gap = 16;
  const margin = 24;
  const sizes = await Promise.all(parts.map((p) => sharp(p).metadata()));
  const width = Math.max(...sizes.map((s) => s.width ?? 0)) + 2 * margin;
  const height = sizes.reduce((sum, s) => sum + (s.height ?? 0), 0) + gap * (parts.length - 1) + 2 * margin;
  let top = margin;
  const composites = parts.map((input, i) => {
    const placed = { input, left: margin, top };
    top += (sizes[i]?.height ?? 0) + gap;
    return placed;
  });
  const collage = await sharp({ create: { width, height, channels: 3, background: "#ffffff" } })
    .composite(composites)
    .png()
    .toBuffer();
  const png = await sharp(collage)
    .resize({ width: Math.min(width, 900) })
    .png({ palette: true, quality: 90, compressionLevel: 9 })
    .toBuffer();
  await writeFile(target, png);
  const meta = await sharp(await readFile(target)).metadata();
  console.log(`wrote ${target}: ${meta.width}×${meta.height}, ${Math.round(png.length / 1024)} KB`);
} finally {
  await browser.close();
  await emulator.close();
  await rm(work, { recursive: true, force: true });
}
