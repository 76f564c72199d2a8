import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { handlePhotoRequest, MAX_PHOTO_BYTES, photoFromImage } from "../src/photo.js";
import type { EmulatorRequest, StoredUser } from "../src/types.js";
import { CALLER, expectGraphError, graphError, makeUser, ORIGIN, USER_ID } from "./handler-harness.js";

const NOT_FOUND_MESSAGE =
  "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.";

interface CallOptions {
  body?: Buffer;
  contentType?: string;
  /** The user segment as the client wrote it (id or UPN). */
  key?: string;
}

function makeRequest(method: string, rest: string[], options: CallOptions = {}): EmulatorRequest {
  const key = options.key ?? USER_ID;
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  return {
    method,
    path: `/users/${key}/${rest.join("/")}`,
    segments: ["users", key, ...rest],
    query: new URLSearchParams(),
    headers,
    body: options.body ?? Buffer.alloc(0),
    origin: ORIGIN,
    inBatch: false,
    caller: CALLER,
  };
}

function call(user: StoredUser, method: string, path: string, options: CallOptions = {}) {
  const rest = path.split("/");
  return handlePhotoRequest(makeRequest(method, rest, options), user, rest);
}

function upload(user: StoredUser, body: Buffer, contentType = "image/jpeg", method = "PUT") {
  return call(user, method, "photo/$value", { body, contentType });
}

function solid(width: number, height: number, format: "jpeg" | "png" = "jpeg", colour = "#3366cc") {
  const image = sharp({ create: { width, height, channels: 3, background: colour } });
  return (format === "jpeg" ? image.jpeg({ quality: 90 }) : image.png()).toBuffer();
}

/** A left-to-right red ramp with a vertical green ramp: every re-encoding changes some pixels. */
function gradient(width: number, height: number, format: "jpeg" | "png" = "png") {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      raw[offset] = Math.round((255 * x) / (width - 1));
      raw[offset + 1] = Math.round((255 * y) / (height - 1));
      raw[offset + 2] = 128;
    }
  }
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  return (format === "jpeg" ? image.jpeg({ quality: 92 }) : image.png()).toBuffer();
}

function bodyOf(response: { body?: unknown }): Buffer {
  expect(Buffer.isBuffer(response.body)).toBe(true);
  return response.body as Buffer;
}

describe("a user without a photo", () => {
  const paths = ["photo", "photo/$value", "photos", "photos/48x48", "photos/48x48/$value"];

  it.each(paths)("answers GET %s with Graph's 404 ImageNotFound", async (path) => {
    const error = await graphError(call(makeUser(), "GET", path));
    expect(error.status).toBe(404);
    expect(error.code).toBe("ImageNotFound");
    expect(error.message).toBe(NOT_FOUND_MESSAGE);
  });

  it.each(["photo", "photo/$value"])("answers DELETE %s with 404 ImageNotFound", async (path) => {
    await expectGraphError(call(makeUser(), "DELETE", path), 404, "ImageNotFound");
  });
});

describe("uploading a photo", () => {
  let jpeg: Buffer;
  let png: Buffer;
  beforeAll(async () => {
    jpeg = await gradient(300, 300, "jpeg");
    png = await gradient(320, 240, "png");
  });

  it("answers PUT with 200 and no body, and stores a JPEG whose bytes differ from the upload", async () => {
    const user = makeUser();
    const response = await upload(user, jpeg);
    expect(response).toEqual({ status: 200 });
    const stored = bodyOf(await call(user, "GET", "photo/$value"));
    expect(stored.equals(jpeg)).toBe(false);
    const meta = await sharp(stored).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: "jpeg",
      width: 300,
      height: 300,
    });
  });

  it("serves the bytes as image/jpeg", async () => {
    const user = makeUser();
    await upload(user, jpeg);
    const response = await call(user, "GET", "photo/$value");
    expect(response.status).toBe(200);
    expect(response.headers).toEqual({ "Content-Type": "image/jpeg" });
  });

  it("keeps the picture: the stored photo is close to the upload, pixel for pixel", async () => {
    const user = makeUser();
    await upload(user, png, "image/png");
    const sent = await sharp(png).raw().toBuffer();
    const stored = await sharp(bodyOf(await call(user, "GET", "photo/$value")))
      .raw()
      .toBuffer();
    expect(stored.length).toBe(sent.length);
    let total = 0;
    for (let i = 0; i < sent.length; i++) total += Math.abs((sent[i] ?? 0) - (stored[i] ?? 0));
    expect(total / sent.length).toBeLessThan(3);
  });

  it("accepts PNG and PATCH, and still stores JPEG", async () => {
    const user = makeUser();
    expect(await upload(user, png, "image/png", "PATCH")).toEqual({ status: 200 });
    const meta = await sharp(bodyOf(await call(user, "GET", "photo/$value"))).metadata();
    expect(meta.format).toBe("jpeg");
    expect(user.photo).toMatchObject({ width: 320, height: 240 });
  });

  it("reports the metadata in Graph's shape, with the request's origin and user key", async () => {
    const user = makeUser();
    await upload(user, png, "image/png");
    const response = await call(user, "GET", "photo", { key: "adele@contoso.com" });
    expect(response).toEqual({
      status: 200,
      body: {
        "@odata.context": `${ORIGIN}/v1.0/$metadata#users('adele%40contoso.com')/photo/$entity`,
        "@odata.id": `${ORIGIN}/v1.0/users('adele%40contoso.com')/photo`,
        "@odata.mediaContentType": "image/jpeg",
        "@odata.mediaEtag": user.photo?.etag,
        id: "320x240",
        width: 320,
        height: 240,
      },
    });
    expect(user.photo?.etag).toMatch(/^"[0-9A-F]{8}"$/);
  });

  it("gives every upload a new etag, even for the same bytes", async () => {
    const user = makeUser();
    const etags = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await upload(user, jpeg);
      etags.add(
        String(((await call(user, "GET", "photo")).body as Record<string, unknown>)["@odata.mediaEtag"]),
      );
    }
    expect(etags.size).toBe(5);
  });

  it("caps the long side at 648 pixels, keeping the aspect ratio", async () => {
    const user = makeUser();
    await upload(user, await solid(1000, 800, "png"), "image/png");
    expect(user.photo).toMatchObject({ width: 648, height: 518 });
    const body = (await call(user, "GET", "photo")).body as Record<string, unknown>;
    expect(body.id).toBe("648x518");
  });

  it("applies the EXIF orientation and strips EXIF and GPS metadata", async () => {
    const sent = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#884422" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Copyright: "roster test" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "47/1 38/1 0/1" },
      })
      .toBuffer();
    const sentMeta = await sharp(sent).metadata();
    expect(sentMeta.orientation).toBe(6);
    expect(sentMeta.exif?.toString("latin1")).toContain("roster test");

    const user = makeUser();
    await upload(user, sent);
    const storedMeta = await sharp(bodyOf(await call(user, "GET", "photo/$value"))).metadata();
    expect({ width: storedMeta.width, height: storedMeta.height }).toEqual({ width: 200, height: 300 });
    expect(storedMeta.orientation).toBeUndefined();
    expect(storedMeta.exif).toBeUndefined();
    expect(storedMeta.icc).toBeUndefined();
  });
});

describe("the record of uploads", () => {
  it("hands the recorder each accepted upload's bytes as sent, and nothing of a refused one", async () => {
    const recorded: { contentType: string; bytes: Buffer }[] = [];
    const record = (upload: { contentType: string; bytes: Buffer }) => recorded.push(upload);
    const user = makeUser();
    const sent = await gradient(120, 80, "png");
    const put = (body: Buffer, contentType: string) =>
      handlePhotoRequest(
        makeRequest("PUT", ["photo", "$value"], { body, contentType }),
        user,
        ["photo", "$value"],
        record,
      );
    await put(sent, "Image/PNG; charset=binary");
    await expectGraphError(put(Buffer.from("not an image"), "image/jpeg"), 400, "invalidRequest");
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.contentType).toBe("image/png");
    expect(recorded[0]?.bytes.equals(sent)).toBe(true);
    // The stored photo is the emulator's re-encoding, not what was sent.
    expect(user.photo?.jpeg.equals(sent)).toBe(false);
  });
});

describe("refused uploads", () => {
  it("refuses more than 4 MB with 413, and accepts the photo again once it is smaller", async () => {
    const side = 1300;
    const noise = await sharp(randomBytes(side * side * 3), {
      raw: { width: side, height: side, channels: 3 },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.length).toBeGreaterThan(MAX_PHOTO_BYTES);
    const user = makeUser();
    await expectGraphError(upload(user, noise, "image/png"), 413, "RequestEntityTooLarge");
    expect(user.photo).toBeUndefined();
  });

  it.each([["image/gif"], ["image/jpg"], ["application/octet-stream"]])(
    "refuses Content-Type %s with 415",
    async (contentType) => {
      await expectGraphError(
        upload(makeUser(), await solid(64, 64), contentType),
        415,
        "UnsupportedMediaType",
      );
    },
  );

  it("refuses an upload without a Content-Type with 415", async () => {
    const body = await solid(64, 64);
    await expectGraphError(call(makeUser(), "PUT", "photo/$value", { body }), 415, "UnsupportedMediaType");
  });

  it("accepts a Content-Type with parameters and in another case", async () => {
    expect(await upload(makeUser(), await solid(64, 64), "Image/JPEG; charset=binary")).toEqual({
      status: 200,
    });
  });

  it("refuses an empty body with 400", async () => {
    await expectGraphError(upload(makeUser(), Buffer.alloc(0)), 400, "invalidRequest");
  });

  it("refuses a truncated JPEG with 400 and keeps the previous photo", async () => {
    const user = makeUser();
    await upload(user, await solid(100, 100));
    const before = user.photo;
    const whole = await gradient(400, 400, "jpeg");
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    await expectGraphError(upload(user, truncated), 400, "invalidRequest");
    expect(user.photo).toBe(before);
  });

  it("refuses bytes that are not an image, and WebP labelled as PNG, with 400", async () => {
    await expectGraphError(upload(makeUser(), Buffer.from("definitely not a photo")), 400, "invalidRequest");
    const webp = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#00ff00" } })
      .webp()
      .toBuffer();
    await expectGraphError(upload(makeUser(), webp, "image/png"), 400, "invalidRequest");
  });
});

describe("sized photos", () => {
  it("lists the standard sizes that fit inside the photo: all but 648 for a 504×504 upload", async () => {
    const user = makeUser();
    await upload(user, await solid(504, 504));
    const response = await call(user, "GET", "photos");
    const body = response.body as { "@odata.context": string; value: Record<string, unknown>[] };
    expect(body["@odata.context"]).toBe(`${ORIGIN}/v1.0/$metadata#users('${USER_ID}')/photos`);
    expect(body.value.map((item) => item.id)).toEqual([
      "48x48",
      "64x64",
      "96x96",
      "120x120",
      "240x240",
      "360x360",
      "432x432",
      "504x504",
    ]);
    expect(body.value[0]).toEqual({
      "@odata.mediaContentType": "image/jpeg",
      "@odata.mediaEtag": user.photo?.etag,
      id: "48x48",
      width: 48,
      height: 48,
    });
  });

  it("limits the sizes by the short side of a non-square photo", async () => {
    const user = makeUser();
    await upload(user, await solid(400, 250));
    const body = (await call(user, "GET", "photos")).body as { value: { width: number }[] };
    expect(body.value.map((item) => item.width)).toEqual([48, 64, 96, 120, 240]);
  });

  it("lists no size for a photo smaller than 48 pixels, yet still serves the photo", async () => {
    const user = makeUser();
    await upload(user, await solid(40, 40));
    expect(((await call(user, "GET", "photos")).body as { value: unknown[] }).value).toEqual([]);
    expect((await call(user, "GET", "photo")).status).toBe(200);
  });

  it("serves one size's metadata and a square JPEG of that size", async () => {
    const user = makeUser();
    await upload(user, await gradient(360, 240));
    const meta = await call(user, "GET", "photos/96x96");
    expect(meta.body).toEqual({
      "@odata.context": `${ORIGIN}/v1.0/$metadata#users('${USER_ID}')/photos/$entity`,
      "@odata.mediaContentType": "image/jpeg",
      "@odata.mediaEtag": user.photo?.etag,
      id: "96x96",
      width: 96,
      height: 96,
    });
    const bytes = bodyOf(await call(user, "GET", "photos/96X96/$value"));
    const info = await sharp(bytes).metadata();
    expect({ format: info.format, width: info.width, height: info.height }).toEqual({
      format: "jpeg",
      width: 96,
      height: 96,
    });
  });

  it.each([
    ["648x648", "bigger than the photo"],
    ["50x50", "not a standard size"],
    ["96x48", "not square"],
    ["large", "not a size"],
  ])("answers %s (%s) with 404 ImageNotFound", async (size) => {
    const user = makeUser();
    await upload(user, await solid(504, 504));
    await expectGraphError(call(user, "GET", `photos/${size}`), 404, "ImageNotFound");
    await expectGraphError(call(user, "GET", `photos/${size}/$value`), 404, "ImageNotFound");
  });
});

describe("deleting a photo", () => {
  it.each(["photo/$value", "photo"])("DELETE %s answers 200 and removes the photo", async (path) => {
    const user = makeUser();
    await upload(user, await solid(100, 100));
    expect(await call(user, "DELETE", path)).toEqual({ status: 200 });
    await expectGraphError(call(user, "GET", "photo"), 404, "ImageNotFound");
  });
});

describe("routing", () => {
  it.each([
    ["POST", "photo/$value"],
    ["PUT", "photo"],
    ["PATCH", "photo"],
    ["PUT", "photos"],
    ["DELETE", "photos/48x48"],
    ["PUT", "photos/48x48/$value"],
  ])("answers %s %s with Graph's 405", async (method, path) => {
    const user = makeUser();
    await upload(user, await solid(100, 100));
    const error = await graphError(
      call(user, method, path, { body: await solid(64, 64), contentType: "image/jpeg" }),
    );
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 405,
      code: "Request_BadRequest",
      message: "Specified HTTP method is not allowed for the request target.",
    });
  });

  it.each([
    ["photo/thumbnail", "thumbnail"],
    ["photo/$value/extra", "extra"],
    ["photos/48x48/raw", "raw"],
  ])("answers an unknown segment in %s with 400 naming it", async (path, segment) => {
    const error = await graphError(call(makeUser(), "GET", path));
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 400,
      code: "BadRequest",
      message: `Resource not found for the segment '${segment}'.`,
    });
  });
});

describe("photoFromImage", () => {
  it("re-encodes to JPEG and reports dimensions and a quoted hexadecimal etag", async () => {
    const photo = await photoFromImage(await gradient(200, 100));
    expect((await sharp(photo.jpeg).metadata()).format).toBe("jpeg");
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 200, height: 100 });
    expect(photo.etag).toMatch(/^"[0-9A-F]{8}"$/);
  });

  it("never hands back the bytes it was given, even for its own output", async () => {
    // A solid colour re-encoded at the same quality is a JPEG fixed point: the guard must break it.
    const first = await photoFromImage(await solid(120, 120));
    const second = await photoFromImage(first.jpeg);
    expect(second.jpeg.equals(first.jpeg)).toBe(false);
    expect(second.etag).not.toBe(first.etag);
  });

  it("throws on bytes that are not an image", async () => {
    await expect(photoFromImage(Buffer.from("nope"))).rejects.toThrow();
  });
});
