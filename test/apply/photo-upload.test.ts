// What apply sends Graph for a photo, read from the bytes the emulator recorded as they arrived
// (it stores its own re-encoding, as Graph does, so the stored photo cannot tell). The repository's
// photo is a phone picture as people have them: 1600×1200 pixels stored sideways with an EXIF
// orientation tag, a GPS position and over a megabyte. The upload must be the normalised JPEG:
// upright, fitted inside 648 pixels (roster.yaml photos.maxPixels), with no EXIF or GPS.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../helpers/random.js";
import { copyRepo, type Demo, startDemo, users } from "./helpers.js";

const WIDTH = 1600;
const HEIGHT = 1200;

/**
 * The top-left quadrant red, the rest blue, with seeded noise so the file is as large as a camera's;
 * tagged orientation 6 ("rotate 90° clockwise to display"), so upright the red quadrant is top right.
 */
async function sidewaysPhoneJpeg(): Promise<Buffer> {
  const random = mulberry32(17);
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const red = x < WIDTH / 2 && y < HEIGHT / 2;
      const noise = Math.floor(random() * 60) - 30;
      const offset = (y * WIDTH + x) * 3;
      raw[offset] = (red ? 220 : 30) + noise;
      raw[offset + 1] = 60 + noise;
      raw[offset + 2] = (red ? 30 : 220) + noise;
    }
  }
  return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Copyright: "roster test" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "47/1 38/1 0/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "122/1 7/1 0/1",
      },
    })
    .toBuffer();
}

/** The mean colour of a box given in fractions of the image. */
async function meanColour(jpeg: Buffer, left: number, top: number): Promise<{ r: number; b: number }> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const [x0, x1] = [Math.floor(info.width * left), Math.floor(info.width * (left + 0.2))];
  const [y0, y1] = [Math.floor(info.height * top), Math.floor(info.height * (top + 0.2))];
  let r = 0;
  let b = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const offset = (y * info.width + x) * info.channels;
      r += data[offset]!;
      b += data[offset + 2]!;
      n++;
    }
  }
  return { r: r / n, b: b / n };
}

let demo: Demo;
let original: Buffer;
let uploads: { contentType: string; bytes: Buffer }[];

beforeAll(async () => {
  original = await sidewaysPhoneJpeg();
  const dir = await copyRepo();
  // Debra has no photo in the demo tenant, so the plan uploads hers.
  await writeFile(join(dir, "photos", "debra.berger.jpg"), original);
  demo = await startDemo({ dir });
  const applied = await demo.roster(["apply", "--auto-approve"]);
  expect(applied.code, applied.err).toBe(0);
  const debra = (await users(demo.em)).get("debrab@contoso.com")!;
  uploads = demo.em.context.photoUploads.all().filter((upload) => upload.userId === debra.id);
});

afterAll(async () => {
  await demo?.close();
});

describe("the photo apply uploads", () => {
  it("is the original as a phone stores it: sideways, tagged, located, over a megabyte", async () => {
    const meta = await sharp(original).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([1600, 1200, 6]);
    expect(meta.exif?.toString("latin1")).toContain("roster test");
    expect(original.length).toBeGreaterThan(1_000_000);
  });

  it("is one JPEG, upright and fitted inside 648 pixels", async () => {
    expect(uploads).toHaveLength(1);
    const [upload] = uploads;
    expect(upload!.contentType).toBe("image/jpeg");
    const meta = await sharp(upload!.bytes).metadata();
    expect(meta.format).toBe("jpeg");
    // 1200×1600 upright, scaled by 648/1600.
    expect([meta.width, meta.height]).toEqual([486, 648]);
    expect(meta.orientation).toBeUndefined();
    // Turned as displayed: the red quadrant is now top right, the top left is blue.
    const topRight = await meanColour(upload!.bytes, 0.65, 0.1);
    const topLeft = await meanColour(upload!.bytes, 0.15, 0.1);
    expect(topRight.r).toBeGreaterThan(180);
    expect(topRight.b).toBeLessThan(70);
    expect(topLeft.r).toBeLessThan(70);
    expect(topLeft.b).toBeGreaterThan(180);
  });

  it("carries no EXIF, GPS, ICC or XMP, and is a fraction of the original's size", async () => {
    const [upload] = uploads;
    const meta = await sharp(upload!.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(upload!.bytes.includes(Buffer.from("Exif\0"))).toBe(false);
    expect(upload!.bytes.includes(Buffer.from("roster test"))).toBe(false);
    expect(upload!.bytes.length).toBeLessThan(400_000);
    expect(upload!.bytes.length).toBeLessThan(original.length / 2);
  });
});
