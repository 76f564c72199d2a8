// Generates the example tenant's profile photos in photos/: abstract avatars drawn by sharp from SVG
// shapes (no text, so no fonts are needed; never pictures of real people). Deterministic: each
// picture is seeded by its profile's file stem, so running it again rewrites the same bytes.
//
//   npx tsx scripts/generate-example-photos.ts
//
// Every avatar's perceptual hash (src/photos/hash.ts) is kept at least MIN_DISTANCE bits from all
// the others, so the demo never mistakes one person's photo for another's: a candidate that comes
// out too close is redrawn with the next variant of its seed.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "@roster/graph-emulator";
import sharp from "sharp";
import { hashDistance, perceptualHash, SAME_PHOTO_MAX_DISTANCE } from "../src/photos/hash.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PHOTOS = join(ROOT, "photos");
/** Twice the same-photo threshold: far enough apart to be clearly different people. */
const MIN_DISTANCE = 2 * SAME_PHOTO_MAX_DISTANCE;
const MAX_VARIANTS = 50;

interface PhotoSpec {
  /** Path under photos/. */
  file: string;
  size: number;
  format: "jpeg" | "png" | "webp";
  /** Store the picture turned and tagged with this EXIF orientation (6: rotate 90° clockwise to display). */
  orientation?: 6;
}

// One entry per profile that has a photo. Not here, on purpose: isaiah.langer (`photo: null`) and
// pradeep.gupta, henrietta.mueller and raul.razo (no photo: theirs is left alone in the tenant).
const PHOTOS_TO_MAKE: PhotoSpec[] = [
  { file: "executive/megan-bowen-2025.jpg", size: 600, format: "jpeg" }, // named by `photo:` in her profile
  { file: "patti.fernandez.jpg", size: 480, format: "jpeg" },
  { file: "ben.walters.jpg", size: 400, format: "jpeg" },
  { file: "lidia.holloway.jpg", size: 540, format: "jpeg" },
  { file: "johanna.lorenz.jpg", size: 420, format: "jpeg" },
  { file: "grady.archie.jpg", size: 480, format: "jpeg", orientation: 6 },
  { file: "lee.gu.png", size: 320, format: "png" },
  { file: "miriam.graham.webp", size: 500, format: "webp" },
  { file: "joni.sherman.jpg", size: 360, format: "jpeg" },
  { file: "alex.wilber.jpg", size: 560, format: "jpeg" },
  { file: "adele.vance.jpg", size: 480, format: "jpeg" },
  { file: "diego.siciliani.jpg", size: 400, format: "jpeg" },
  { file: "lynne.robbins.jpg", size: 360, format: "jpeg" },
  { file: "christie.cline.jpg", size: 440, format: "jpeg" },
  { file: "nestor.wilke.jpg", size: 300, format: "jpeg" },
  { file: "irvin.sayers.jpg", size: 520, format: "jpeg" },
  { file: "allan.deyoung.png", size: 300, format: "png" },
  { file: "debra.berger.jpg", size: 460, format: "jpeg" },
  { file: "emily.braun.jpg", size: 380, format: "jpeg" },
  { file: "cameron.white.jpg", size: 420, format: "jpeg" },
  { file: "enrico.cattaneo.jpg", size: 340, format: "jpeg" },
];

/** FNV-1a of a string: the seed of a file's picture. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

const hsl = (hue: number, saturation: number, lightness: number) =>
  `hsl(${Math.round(hue) % 360},${Math.round(saturation)}%,${Math.round(lightness)}%)`;

/** An abstract avatar in a 100×100 space: a gradient and a few shapes, placed off-centre. */
function drawing(seed: number): string {
  const next = mulberry32(seed);
  const between = (low: number, high: number) => low + next() * (high - low);
  const hue = between(0, 360);
  const accent = hue + between(120, 240);
  const parts: string[] = [];
  const [x1, y1] = [between(0, 0.5), between(0, 0.5)];
  parts.push(
    `<defs><linearGradient id="bg" x1="${x1.toFixed(2)}" y1="${y1.toFixed(2)}" x2="${between(0.5, 1).toFixed(2)}" y2="${between(0.5, 1).toFixed(2)}">`,
    `<stop offset="0" stop-color="${hsl(hue, between(40, 80), between(15, 45))}"/>`,
    `<stop offset="1" stop-color="${hsl(hue + between(20, 70), between(40, 80), between(55, 85))}"/>`,
    "</linearGradient></defs>",
    `<rect width="100" height="100" fill="url(#bg)"/>`,
  );
  const shapes = 3 + Math.floor(next() * 3);
  for (let i = 0; i < shapes; i++) {
    const colour = hsl(
      i % 2 === 0 ? accent + between(-30, 30) : hue + between(-40, 40),
      between(35, 90),
      between(20, 85),
    );
    const [cx, cy] = [between(10, 90), between(10, 90)];
    const kind = Math.floor(next() * 4);
    if (kind === 0) {
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${between(10, 32).toFixed(1)}" fill="${colour}"/>`,
      );
    } else if (kind === 1) {
      const [w, h] = [between(15, 55), between(15, 55)];
      parts.push(
        `<rect x="${(cx - w / 2).toFixed(1)}" y="${(cy - h / 2).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="${between(0, 8).toFixed(1)}" fill="${colour}" transform="rotate(${between(-45, 45).toFixed(0)} ${cx.toFixed(1)} ${cy.toFixed(1)})"/>`,
      );
    } else if (kind === 2) {
      const points = [0, 1, 2]
        .map(() => `${(cx + between(-35, 35)).toFixed(1)},${(cy + between(-35, 35)).toFixed(1)}`)
        .join(" ");
      parts.push(`<polygon points="${points}" fill="${colour}"/>`);
    } else {
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${between(12, 30).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${between(4, 10).toFixed(1)}"/>`,
      );
    }
  }
  return parts.join("");
}

async function render(spec: PhotoSpec, variant: number): Promise<{ upright: Buffer; file: Buffer }> {
  const body = drawing(seedOf(`${spec.file}#${variant}`));
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.size}" height="${spec.size}" viewBox="0 0 100 100">${body}</svg>`,
  );
  const upright = await sharp(svg).png().toBuffer();
  let image = sharp(upright);
  if (spec.orientation === 6) {
    // Stored a quarter turn anticlockwise, tagged "rotate 90° clockwise to display", as phones do.
    image = sharp(await sharp(upright).rotate(-90).png().toBuffer()).withMetadata({ orientation: 6 });
  }
  const file =
    spec.format === "png"
      ? await image.png({ compressionLevel: 9 }).toBuffer()
      : spec.format === "webp"
        ? await image.webp({ quality: 80 }).toBuffer()
        : await image.jpeg({ quality: 82, mozjpeg: false }).toBuffer();
  return { upright, file };
}

async function main(): Promise<void> {
  const made: { file: string; hash: string; bytes: number }[] = [];
  for (const spec of PHOTOS_TO_MAKE) {
    let chosen: { file: Buffer; hash: string } | undefined;
    for (let variant = 0; variant < MAX_VARIANTS && chosen === undefined; variant++) {
      const { file } = await render(spec, variant);
      const hash = await perceptualHash(file);
      if (made.every((other) => hashDistance(hash, other.hash) >= MIN_DISTANCE)) chosen = { file, hash };
    }
    if (chosen === undefined)
      throw new Error(`no variant of ${spec.file} is ${MIN_DISTANCE} bits from the others`);
    const path = join(PHOTOS, spec.file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, chosen.file);
    made.push({ file: spec.file, hash: chosen.hash, bytes: chosen.file.length });
  }
  let closest = Number.POSITIVE_INFINITY;
  for (const [i, a] of made.entries()) {
    for (const b of made.slice(i + 1)) closest = Math.min(closest, hashDistance(a.hash, b.hash));
  }
  const total = made.reduce((sum, photo) => sum + photo.bytes, 0);
  for (const photo of made) {
    process.stderr.write(`photos/${photo.file}  ${(photo.bytes / 1024).toFixed(0)} KB  ${photo.hash}\n`);
  }
  process.stderr.write(
    `${made.length} photos, ${(total / 1024).toFixed(0)} KB in all; closest pair of hashes ${closest} bits apart\n`,
  );
}

await main();
