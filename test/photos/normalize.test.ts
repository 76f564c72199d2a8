import sharp, { type Sharp } from "sharp";
import { describe, expect, it } from "vitest";
import {
  MAX_PHOTO_INPUT_PIXELS,
  type NormalizeOptions,
  normalizePhoto,
  PhotoError,
  type PhotoErrorReason,
} from "../../src/photos/normalize.js";
import { svg } from "./images.js";

const OPTIONS: NormalizeOptions = { maxPixels: 648, quality: 90 };

/** A `width`×`height` image whose left half is red and right half blue, as a JPEG. */
function halves(width: number, height: number): Sharp {
  const left = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#0000ff"/><rect width="${width / 2}" height="${height}" fill="#ff0000"/></svg>`,
  );
  return sharp(left);
}

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

function expectColour(actual: number[], expected: number[], tolerance = 8): void {
  expect(actual).toHaveLength(3);
  for (const [i, value] of expected.entries()) {
    expect(Math.abs(actual[i]! - value), `channel ${i} of [${actual}] vs [${expected}]`).toBeLessThanOrEqual(
      tolerance,
    );
  }
}

async function reasonOf(promise: Promise<unknown>): Promise<PhotoErrorReason> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PhotoError);
  return (err as PhotoError).reason;
}

/** CRC-32 as PNG uses it (kept here rather than zlib.crc32, which needs Node 20.15). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG with a header claiming `width`×`height` and an empty image data stream: nothing to decode. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), // zlib of nothing
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("normalizePhoto: orientation", () => {
  // Stored 400×300, left half red. Orientation 6 means "rotate 90° clockwise to display", so the
  // stored left edge becomes the top; orientation 8 (90° anticlockwise) puts it at the bottom.
  it.each([
    { orientation: 6, top: [255, 0, 0], bottom: [0, 0, 255] },
    { orientation: 8, top: [0, 0, 255], bottom: [255, 0, 0] },
  ])("turns an EXIF orientation $orientation photo upright", async ({ orientation, top, bottom }) => {
    const input = await halves(400, 300).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
    const stored = await sharp(input).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([400, 300, orientation]);

    const out = await normalizePhoto(input, OPTIONS);

    expect([out.width, out.height]).toEqual([300, 400]);
    const meta = await sharp(out.jpeg).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([300, 400, undefined]);
    expectColour(await pixel(out.jpeg, 150, 60), top);
    expectColour(await pixel(out.jpeg, 150, 340), bottom);
  });

  it("leaves an orientation 1 photo as it is", async () => {
    const input = await halves(400, 300).jpeg().withMetadata({ orientation: 1 }).toBuffer();
    const out = await normalizePhoto(input, OPTIONS);
    expect([out.width, out.height]).toEqual([400, 300]);
    expectColour(await pixel(out.jpeg, 60, 150), [255, 0, 0]);
    expectColour(await pixel(out.jpeg, 340, 150), [0, 0, 255]);
  });
});

describe("normalizePhoto: metadata", () => {
  it("strips EXIF (GPS included), XMP and the ICC profile", async () => {
    const input = await halves(320, 240)
      .jpeg()
      .withExif({
        IFD0: { Copyright: "Contoso secret", Artist: "someone" },
        IFD3: {
          GPSLatitudeRef: "N",
          GPSLatitude: "47/1 38/1 0/1",
          GPSLongitudeRef: "W",
          GPSLongitude: "122/1 7/1 0/1",
        },
      })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
      .withIccProfile("p3")
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(input.includes("Contoso secret")).toBe(true);

    const out = await normalizePhoto(input, OPTIONS);

    const after = await sharp(out.jpeg).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(out.jpeg.includes("Exif\0\0")).toBe(false);
    expect(out.jpeg.includes("Contoso secret")).toBe(false);
  });

  it("converts a photo with an ICC profile to sRGB before dropping the profile", async () => {
    const colour = [200, 60, 60];
    const flat = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 60, b: 60 } },
    })
      .withIccProfile("p3") // converts the pixels to Display P3 and tags them
      .png()
      .toBuffer();
    // Read without its profile, the stored pixels are visibly different from the sRGB colour:
    // dropping the profile without converting would change the colour.
    const raw = await sharp(flat, { ignoreIcc: true }).raw().toBuffer();
    expect(Math.abs(raw[0]! - colour[0]!) + Math.abs(raw[1]! - colour[1]!)).toBeGreaterThan(10);

    const out = await normalizePhoto(flat, OPTIONS);

    expect((await sharp(out.jpeg).metadata()).icc).toBeUndefined();
    expectColour(await pixel(out.jpeg, 32, 32), colour, 4);
  });

  it("is a baseline sRGB JPEG, the same bytes every time", async () => {
    const input = await halves(500, 500).png().toBuffer();
    const first = await normalizePhoto(input, OPTIONS);
    const second = await normalizePhoto(input, OPTIONS);
    expect(first.jpeg.equals(second.jpeg)).toBe(true);
    const meta = await sharp(first.jpeg).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.space).toBe("srgb");
    expect(meta.channels).toBe(3);
    expect(meta.isProgressive).toBe(false);
  });

  it("encodes at the quality it is given", async () => {
    const input = await sharp(
      svg(
        400,
        `<defs><radialGradient id="g" cx="0.3" cy="0.4"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#248"/></radialGradient></defs><rect width="100" height="100" fill="url(#g)"/><circle cx="70" cy="60" r="20" fill="#c40"/>`,
      ),
    )
      .png()
      .toBuffer();
    const low = await normalizePhoto(input, { maxPixels: 648, quality: 40 });
    const high = await normalizePhoto(input, { maxPixels: 648, quality: 95 });
    expect(low.jpeg.length).toBeLessThan(high.jpeg.length * 0.7);
  });
});

describe("normalizePhoto: size", () => {
  it.each([
    { input: [2000, 1000], maxPixels: 648, output: [648, 324] },
    { input: [1000, 2000], maxPixels: 648, output: [324, 648] },
    { input: [900, 900], maxPixels: 648, output: [648, 648] },
    { input: [648, 648], maxPixels: 648, output: [648, 648] },
    { input: [300, 200], maxPixels: 648, output: [300, 200] }, // never enlarged
    { input: [800, 600], maxPixels: 96, output: [96, 72] },
  ])("fits $input inside $maxPixels px as $output", async ({ input, maxPixels, output }) => {
    const [width, height] = input as [number, number];
    const image = await halves(width, height).png().toBuffer();
    const out = await normalizePhoto(image, { maxPixels, quality: 85 });
    expect([out.width, out.height]).toEqual(output);
    const meta = await sharp(out.jpeg).metadata();
    expect([meta.width, meta.height]).toEqual(output);
  });

  it("refuses options out of range", async () => {
    const image = await halves(64, 64).png().toBuffer();
    await expect(normalizePhoto(image, { maxPixels: 0, quality: 90 })).rejects.toThrow(RangeError);
    await expect(normalizePhoto(image, { maxPixels: 648, quality: 101 })).rejects.toThrow(RangeError);
    await expect(normalizePhoto(image, { maxPixels: 648, quality: 0 })).rejects.toThrow(RangeError);
  });
});

describe("normalizePhoto: input formats", () => {
  it.each(["png", "webp", "jpeg"] as const)("accepts %s", async (format) => {
    const input = await halves(400, 200).toFormat(format).toBuffer();
    expect((await sharp(input).metadata()).format).toBe(format);
    const out = await normalizePhoto(input, OPTIONS);
    expect((await sharp(out.jpeg).metadata()).format).toBe("jpeg");
    expect([out.width, out.height]).toEqual([400, 200]);
    expectColour(await pixel(out.jpeg, 50, 100), [255, 0, 0]);
    expectColour(await pixel(out.jpeg, 350, 100), [0, 0, 255]);
  });

  it("flattens transparency onto white", async () => {
    const input = await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="100" height="100" fill="#008000"/></svg>`,
      ),
    )
      .png()
      .toBuffer();
    expect((await sharp(input).metadata()).hasAlpha).toBe(true);
    const out = await normalizePhoto(input, OPTIONS);
    expectColour(await pixel(out.jpeg, 50, 50), [0, 128, 0]);
    expectColour(await pixel(out.jpeg, 150, 50), [255, 255, 255]);
  });
});

describe("normalizePhoto: refused input", () => {
  it("refuses bytes that are not an image", async () => {
    expect(
      await reasonOf(normalizePhoto(Buffer.from("userPrincipalName: AdeleV@contoso.com\n"), OPTIONS)),
    ).toBe("notAnImage");
    expect(await reasonOf(normalizePhoto(Buffer.alloc(0), OPTIONS))).toBe("notAnImage");
  });

  it.each([0.05, 0.5, 0.9])("refuses a JPEG cut off at %s of its length as truncated", async (fraction) => {
    const whole = await halves(600, 400).jpeg({ quality: 90 }).toBuffer();
    await expect(normalizePhoto(whole, OPTIONS)).resolves.toBeDefined();
    const cut = whole.subarray(0, Math.floor(whole.length * fraction));
    expect(await reasonOf(normalizePhoto(cut, OPTIONS))).toBe("truncated");
  });

  it("refuses a truncated PNG", async () => {
    const whole = await halves(600, 400).png().toBuffer();
    const cut = whole.subarray(0, whole.length - 40);
    expect(await reasonOf(normalizePhoto(cut, OPTIONS))).toBe("truncated");
  });

  it("refuses images over 100 megapixels from their header, without decoding them", async () => {
    const over = pngHeaderOnly(10_001, 10_000);
    expect(10_001 * 10_000).toBeGreaterThan(MAX_PHOTO_INPUT_PIXELS);
    const err = await normalizePhoto(over, OPTIONS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).reason).toBe("tooManyPixels");
    expect((err as PhotoError).message).toBe("10001×10000 is over the 100 megapixel limit");
    // Exactly at the limit, the header passes and decoding then finds no pixel data.
    expect(await reasonOf(normalizePhoto(pngHeaderOnly(10_000, 10_000), OPTIONS))).toBe("truncated");
  });

  it("refuses files over the byte limit before decoding", async () => {
    const image = await halves(300, 300).png().toBuffer();
    const err = await normalizePhoto(image, { ...OPTIONS, maxInputBytes: image.length - 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).reason).toBe("tooLarge");
    await expect(normalizePhoto(image, { ...OPTIONS, maxInputBytes: image.length })).resolves.toBeDefined();
    // The default limit is 20 MB.
    const huge = Buffer.concat([image, Buffer.alloc(20 * 1024 * 1024)]);
    expect(await reasonOf(normalizePhoto(huge, OPTIONS))).toBe("tooLarge");
  });

  it.each([
    ["gif", () => halves(64, 64).gif().toBuffer()],
    ["tiff", () => halves(64, 64).tiff().toBuffer()],
    ["svg", async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
  ])("refuses %s images as unsupported", async (format, make) => {
    const input = await make();
    expect((await sharp(input).metadata()).format).toBe(format);
    const err = await normalizePhoto(input, OPTIONS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoError);
    expect((err as PhotoError).reason).toBe("unsupportedFormat");
    expect((err as PhotoError).message).toBe(`${format} images are not supported; use JPEG, PNG or WebP`);
  });
});
