// Generated test images for the photo tests: distinct pictures (gradients, shapes, stripes, smooth
// noise) drawn by sharp from SVG and raw pixels, so no fixture files and no fonts are needed.
// Every drawing is deliberately asymmetric, as photos are: an image that is mirror-symmetric or
// varies along one axis only (a plain left-to-right gradient, vertical stripes) has most of its
// low DCT coefficients at zero, so its perceptual hash carries only a few bits (see hash.ts).
import sharp from "sharp";
import { mulberry32 } from "../helpers/random.js";

/** An SVG document of `size`×`size` user units with `body` inside. */
export function svg(size: number, body: string): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100" preserveAspectRatio="none">${body}</svg>`,
  );
}

/** Smooth value noise (a coarse random grid blown up bicubically) with fine grain on top, as PNG. */
export async function noise(seed: number, size: number, cells: number, grain: number): Promise<Buffer> {
  const next = mulberry32(seed);
  const coarse = Buffer.alloc(cells * cells * 3);
  for (let i = 0; i < coarse.length; i++) coarse[i] = Math.floor(next() * 256);
  const smooth = await sharp(coarse, { raw: { width: cells, height: cells, channels: 3 } })
    .resize(size, size, { kernel: "cubic" })
    .raw()
    .toBuffer();
  for (let i = 0; i < smooth.length; i++) {
    smooth[i] = Math.max(0, Math.min(255, smooth[i]! + Math.round((next() - 0.5) * grain)));
  }
  return sharp(smooth, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** Drawings in a 100×100 coordinate space; each is a different picture. */
const DRAWINGS: Record<string, string> = {
  "gradient-linear": `<defs><linearGradient id="g" x1="0.1" y1="0.2" x2="0.8" y2="0.95"><stop offset="0" stop-color="#102040"/><stop offset="0.6" stop-color="#c08040"/><stop offset="1" stop-color="#f8f0d0"/></linearGradient></defs><rect width="100" height="100" fill="url(#g)"/>`,
  "gradient-radial": `<defs><radialGradient id="g" cx="0.3" cy="0.35" r="0.8"><stop offset="0" stop-color="#ffffff"/><stop offset="0.5" stop-color="#6080c0"/><stop offset="1" stop-color="#101830"/></radialGradient></defs><rect width="100" height="100" fill="url(#g)"/>`,
  "gradient-crossed": `<defs><linearGradient id="a" x1="1" y1="0" x2="0.2" y2="1"><stop offset="0" stop-color="#208040"/><stop offset="1" stop-color="#e0f0e0"/></linearGradient><radialGradient id="b" cx="0.75" cy="0.7" r="0.35"><stop offset="0" stop-color="#400010"/><stop offset="1" stop-color="#400010" stop-opacity="0"/></radialGradient></defs><rect width="100" height="100" fill="url(#a)"/><rect width="100" height="100" fill="url(#b)"/>`,
  circle: `<rect width="100" height="100" fill="#e8d8c0"/><circle cx="38" cy="44" r="27" fill="#803020"/>`,
  squares: `<rect width="100" height="100" fill="#202830"/><rect x="55" y="8" width="37" height="33" fill="#f0c040"/><rect x="12" y="58" width="28" height="32" fill="#60a0e0"/>`,
  triangle: `<rect width="100" height="100" fill="#f4f4f4"/><polygon points="8,92 63,6 95,70" fill="#306030"/>`,
  stripes: `<rect width="100" height="100" fill="#fafafa"/><g transform="rotate(-25 50 50)"><rect x="-40" y="-20" width="30" height="140" fill="#502070"/><rect x="20" y="-20" width="12" height="140" fill="#502070"/><rect x="52" y="-20" width="22" height="140" fill="#502070"/></g>`,
  blocks: `<rect width="100" height="100" fill="#d0d0c8"/><rect width="33" height="40" fill="#303030"/><rect x="66" y="0" width="34" height="25" fill="#909090"/><rect x="33" y="40" width="40" height="35" fill="#505050"/><rect x="0" y="75" width="25" height="25" fill="#707070"/><rect x="80" y="60" width="20" height="40" fill="#181818"/>`,
  rings: `<rect width="100" height="100" fill="#102020"/><circle cx="65" cy="40" r="34" fill="none" stroke="#40c0b0" stroke-width="9"/><circle cx="65" cy="40" r="14" fill="#e0f0a0"/>`,
  avatar: `<rect width="100" height="100" fill="#4a7ab0"/><circle cx="80" cy="14" r="22" fill="#8fb4dc"/><circle cx="46" cy="38" r="18" fill="#f2d6b8"/><ellipse cx="42" cy="100" rx="38" ry="34" fill="#e0a050"/>`,
};

/** A named set of distinct test images, as PNG bytes of `size`×`size` pixels. */
export async function distinctImages(size = 648): Promise<Map<string, Buffer>> {
  const images = new Map<string, Buffer>();
  for (const [name, body] of Object.entries(DRAWINGS)) {
    images.set(name, await sharp(svg(size, body)).png().toBuffer());
  }
  images.set("noise-a", await noise(1, size, 6, 40));
  images.set("noise-b", await noise(2, size, 5, 40));
  images.set("noise-c", await noise(3, size, 8, 60));
  return images;
}
