import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  HASH_BITS,
  hashDistance,
  hashFromPixels,
  perceptualHash,
  SAME_PHOTO_MAX_DISTANCE,
  samePhoto,
} from "../../src/photos/hash.js";
import { normalizePhoto, PhotoError } from "../../src/photos/normalize.js";
import { distinctImages, svg } from "./images.js";

const HEX16 = /^[0-9a-f]{16}$/;
/** What Graph might give back for one upload: its renditions, re-encoded at various qualities. */
const SIZES = [96, 120, 240, 360, 648];
const QUALITIES = [60, 75, 85, 95];

/** 32×32 pixels p(x, y) = 128 + amplitude · cos((2x+1)uπ/64) · cos((2y+1)vπ/64) style patterns. */
function pattern(f: (x: number, y: number) => number): Uint8Array {
  const pixels = new Uint8Array(32 * 32);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) pixels[y * 32 + x] = Math.round(f(x, y));
  return pixels;
}
const wave = (k: number, i: number) => Math.cos(((2 * i + 1) * k * Math.PI) / 64);

describe("hashFromPixels", () => {
  it("hashes a flat image to the DC bit alone, and a black one to zero", () => {
    expect(hashFromPixels(pattern(() => 128))).toBe("8000000000000000");
    expect(hashFromPixels(pattern(() => 0))).toBe("0000000000000000");
  });

  it("numbers bits row by row: frequency (u down, v across) is bit 8u + v, most significant first", () => {
    // A horizontal cosine (varying with x) is coefficient (0, 1): bit 1.
    expect(hashFromPixels(pattern((x) => 128 + 100 * wave(1, x)))).toBe("c000000000000000");
    // Its negative leaves bit 1 at 0.
    expect(hashFromPixels(pattern((x) => 128 - 100 * wave(1, x)))).toBe("8000000000000000");
    // A vertical cosine (varying with y) is coefficient (1, 0): bit 8.
    expect(hashFromPixels(pattern((_, y) => 128 + 100 * wave(1, y)))).toBe("8080000000000000");
    // Coefficient (7, 7) is bit 63.
    expect(hashFromPixels(pattern((x, y) => 128 + 100 * wave(7, x) * wave(7, y)))).toBe("8000000000000001");
    // Frequencies above 7 are not part of the hash.
    expect(hashFromPixels(pattern((x) => 128 + 100 * wave(9, x)))).toBe("8000000000000000");
  });

  it("ignores coefficients in the dead zone", () => {
    // One column a grey level brighter: coefficients (0, 1..7) of about 1.4, noise for the hash.
    expect(hashFromPixels(pattern((x) => (x === 0 ? 129 : 128)))).toBe("8000000000000000");
    // Twenty levels brighter: about 28 each, so bits 1 to 7 are set.
    expect(hashFromPixels(pattern((x) => (x === 0 ? 148 : 128)))).toBe("ff00000000000000");
  });

  it("refuses anything but 32×32 pixels", () => {
    expect(() => hashFromPixels(new Uint8Array(31 * 32))).toThrow(RangeError);
  });
});

describe("hashDistance", () => {
  it("counts differing bits", () => {
    expect(hashDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hashDistance("0000000000000000", "ffffffffffffffff")).toBe(HASH_BITS);
    expect(hashDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hashDistance("f0f0f0f0f0f0f0f0", "f0f0f0f0f0f0f0f1")).toBe(1);
    expect(hashDistance("0123456789abcdef", "fedcba9876543210")).toBe(HASH_BITS);
    expect(hashDistance("0123456789ABCDEF", "0123456789abcdef")).toBe(0);
  });

  it("refuses strings that are not hashes", () => {
    expect(() => hashDistance("0123", "0123")).toThrow(TypeError);
    expect(() => hashDistance("0123456789abcdeg", "0123456789abcdef")).toThrow(TypeError);
    expect(() => hashDistance("0123456789abcdef0", "0123456789abcdef")).toThrow(TypeError);
  });

  it("samePhoto applies SAME_PHOTO_MAX_DISTANCE", () => {
    const base = "0000000000000000";
    const flip = (bits: number) => (2n ** BigInt(bits) - 1n).toString(16).padStart(16, "0");
    expect(samePhoto(base, flip(SAME_PHOTO_MAX_DISTANCE))).toBe(true);
    expect(samePhoto(base, flip(SAME_PHOTO_MAX_DISTANCE + 1))).toBe(false);
  });
});

describe("perceptualHash", () => {
  let images: Map<string, Buffer>;
  let hashes: Map<string, string>;

  beforeAll(async () => {
    images = await distinctImages(648);
    hashes = new Map();
    for (const [name, image] of images) hashes.set(name, await perceptualHash(image));
  });

  it("is 16 hex digits, and the same for the same bytes", async () => {
    expect(images.size).toBeGreaterThanOrEqual(12);
    for (const [name, image] of images) {
      expect(hashes.get(name)).toMatch(HEX16);
      expect(await perceptualHash(image)).toBe(hashes.get(name));
    }
  });

  // The measurement behind SAME_PHOTO_MAX_DISTANCE: every image against its own re-encoded and
  // resized copies, and against every other image. The threshold must sit clear of both.
  it("keeps the same photo close and different photos far, with SAME_PHOTO_MAX_DISTANCE in between", async () => {
    const same: number[] = [];
    for (const [name, image] of images) {
      const hash = hashes.get(name)!;
      for (const size of SIZES) {
        for (const quality of QUALITIES) {
          const copy = await sharp(image).resize(size, size).jpeg({ quality }).toBuffer();
          const distance = hashDistance(hash, await perceptualHash(copy));
          expect(distance, `${name} at ${size} px, quality ${quality}`).toBeLessThanOrEqual(
            SAME_PHOTO_MAX_DISTANCE,
          );
          same.push(distance);
        }
      }
    }
    const different: number[] = [];
    const names = [...hashes.keys()];
    for (const [i, a] of names.entries()) {
      for (const b of names.slice(i + 1)) {
        const distance = hashDistance(hashes.get(a)!, hashes.get(b)!);
        expect(distance, `${a} vs ${b}`).toBeGreaterThan(SAME_PHOTO_MAX_DISTANCE);
        different.push(distance);
      }
    }
    const worstSame = Math.max(...same);
    const closestDifferent = Math.min(...different);
    // Margin on both sides (figures at the time of writing: worst same 3, closest different 17).
    expect(worstSame + 4).toBeLessThanOrEqual(SAME_PHOTO_MAX_DISTANCE);
    expect(closestDifferent - 4).toBeGreaterThanOrEqual(SAME_PHOTO_MAX_DISTANCE);
    const median = different.sort((a, b) => a - b)[Math.floor(different.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(24);
  });

  it("matches the photo after normalizePhoto and Graph's re-encoding into a small rendition", async () => {
    for (const [name, image] of images) {
      const uploaded = await normalizePhoto(image, { maxPixels: 648, quality: 90 });
      // Like the emulator and Graph: a stored re-encode, served as a 96×96 rendition.
      const stored = await sharp(uploaded.jpeg).jpeg({ quality: 85 }).toBuffer();
      const rendition = await sharp(stored).resize(96, 96).jpeg({ quality: 75 }).toBuffer();
      const distance = hashDistance(hashes.get(name)!, await perceptualHash(rendition));
      expect(distance, name).toBeLessThanOrEqual(3);
    }
  });

  it("matches across formats (PNG, WebP, JPEG) and aspect-preserving resizes", async () => {
    for (const [name, image] of images) {
      const hash = hashes.get(name)!;
      const webp = await sharp(image).webp({ quality: 70 }).toBuffer();
      const wide = await sharp(image).resize(1296, 648, { fit: "fill" }).jpeg().toBuffer();
      const wideThumbnail = await sharp(wide).resize(120, 60).jpeg({ quality: 70 }).toBuffer();
      expect(hashDistance(hash, await perceptualHash(webp)), `${name} as WebP`).toBeLessThanOrEqual(3);
      expect(
        hashDistance(await perceptualHash(wide), await perceptualHash(wideThumbnail)),
        name,
      ).toBeLessThanOrEqual(3);
    }
  });

  it("sees the photo as it is displayed: upright by its EXIF orientation", async () => {
    const upright = images.get("avatar")!;
    // Stored turned 90° anticlockwise, tagged "rotate 90° clockwise to display" (orientation 6).
    const stored = await sharp(upright).rotate(-90).jpeg({ quality: 90 }).toBuffer();
    const tagged = await sharp(stored).withMetadata({ orientation: 6 }).toBuffer();
    expect(hashDistance(hashes.get("avatar")!, await perceptualHash(tagged))).toBeLessThanOrEqual(3);
    expect(hashDistance(hashes.get("avatar")!, await perceptualHash(stored))).toBeGreaterThan(
      SAME_PHOTO_MAX_DISTANCE,
    );
  });

  it("stays stable for mirror-symmetric pictures (the dead zone at work)", async () => {
    // Symmetric images have many zero coefficients; without the dead zone, re-encoding flipped up
    // to 30 bits of this radial gradient's hash.
    const symmetric = await sharp(
      svg(
        648,
        `<defs><radialGradient id="g"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#203080"/></radialGradient></defs><rect width="100" height="100" fill="url(#g)"/><circle cx="50" cy="50" r="12" fill="#a03020"/>`,
      ),
    )
      .png()
      .toBuffer();
    const hash = await perceptualHash(symmetric);
    for (const size of SIZES) {
      for (const quality of QUALITIES) {
        const copy = await sharp(symmetric).resize(size, size).jpeg({ quality }).toBuffer();
        expect(
          hashDistance(hash, await perceptualHash(copy)),
          `${size} px, quality ${quality}`,
        ).toBeLessThanOrEqual(3);
      }
    }
  });

  it("hashes transparent pixels as white, as they are uploaded", async () => {
    const transparent = await sharp(svg(300, `<circle cx="40" cy="40" r="30" fill="#204080"/>`))
      .png()
      .toBuffer();
    const onWhite = await sharp(
      svg(
        300,
        `<rect width="100" height="100" fill="#ffffff"/><circle cx="40" cy="40" r="30" fill="#204080"/>`,
      ),
    )
      .png()
      .toBuffer();
    const onBlack = await sharp(
      svg(
        300,
        `<rect width="100" height="100" fill="#000000"/><circle cx="40" cy="40" r="30" fill="#204080"/>`,
      ),
    )
      .jpeg()
      .toBuffer();
    const hash = await perceptualHash(transparent);
    expect(hashDistance(hash, await perceptualHash(onWhite))).toBe(0);
    expect(hashDistance(hash, await perceptualHash(onBlack))).toBeGreaterThan(SAME_PHOTO_MAX_DISTANCE);
  });

  it("refuses bytes that are not a usable image", async () => {
    const err = await perceptualHash(Buffer.from("not an image")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).reason).toBe("notAnImage");
    const jpeg = await sharp(images.get("circle")!).jpeg().toBuffer();
    const cut = await perceptualHash(jpeg.subarray(0, jpeg.length >> 1)).catch((e: unknown) => e);
    expect((cut as PhotoError).reason).toBe("truncated");
  });
});
