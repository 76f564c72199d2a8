// The emulator's profile-photo routes: `/users/{id}/photo`, `/photo/$value`, `/photos`,
// `/photos/{size}` and `/photos/{size}/$value`. Like Graph since photos moved to Entra ID, the
// emulator keeps its own re-encoded JPEG, never the uploaded bytes, so a client that compares bytes
// (instead of etags or a perceptual hash) fails here as it would against a real tenant.
// Graph sources: profilephoto-get, profilephoto-update, profilephoto-delete (learn.microsoft.com).
import { randomBytes } from "node:crypto";
import sharp, { type OutputInfo } from "sharp";
import { methodNotAllowed, segmentNotFound } from "./errors.js";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  GraphHttpError,
  type StoredPhoto,
  type StoredUser,
} from "./types.js";

/** Graph's standard square renditions (profilephoto-get). */
export const PHOTO_SIZES: readonly number[] = [48, 64, 96, 120, 240, 360, 432, 504, 648];
/** Graph refuses photos over 4 MB (profilephoto-update; corrected from 8 MB in docs PR #8706). */
export const MAX_PHOTO_BYTES = 4 * 1024 * 1024;
/**
 * Entra ID may keep any dimension; the emulator caps the long side at Graph's largest standard
 * size so that state stays small. Clients must not rely on either behaviour.
 */
const MAX_STORED_PIXELS = 648;
const JPEG_QUALITY = 85;
const UPLOAD_TYPES = new Set(["image/jpeg", "image/png"]);
const UPLOAD_FORMATS = new Set(["jpeg", "png"]);

/**
 * Re-encodes an image the way the emulator stores every photo: auto-rotated by its EXIF orientation,
 * fitted within 648×648, flattened onto white, encoded as JPEG with all metadata (EXIF, GPS, ICC)
 * stripped, and given a fresh etag. Throws when sharp cannot decode `bytes`.
 */
export async function photoFromImage(bytes: Buffer): Promise<StoredPhoto> {
  let encoded = await encodeJpeg(bytes, JPEG_QUALITY);
  // Re-encoding a JPEG that was itself made at this quality can reproduce it bit for bit (a fixed
  // point); Graph's bytes never match the upload, so step the quality to break the tie.
  if (encoded.data.equals(bytes)) encoded = await encodeJpeg(bytes, JPEG_QUALITY - 1);
  return { jpeg: encoded.data, width: encoded.info.width, height: encoded.info.height, etag: newEtag() };
}

/** What an accepted upload is told to: its content type and bytes as they arrived. */
export type UploadRecorder = (upload: { contentType: string; bytes: Buffer }) => void;

/**
 * Serves one request whose path after `/users/{id|upn}` is `rest` (starting `photo` or `photos`);
 * `recordUpload` hears of each accepted upload.
 */
export async function handlePhotoRequest(
  req: EmulatorRequest,
  user: StoredUser,
  rest: string[],
  recordUpload: UploadRecorder = () => {},
): Promise<EmulatorResponse> {
  const [resource, second, third, ...extra] = rest;
  const unexpected = extra[0];
  if (unexpected !== undefined) throw segmentNotFound(unexpected);
  if (resource === "photo") {
    if (second === undefined) return photoEntity(req, user, rest);
    if (second !== "$value") throw segmentNotFound(second);
    if (third === undefined) return photoValue(req, user, recordUpload);
    throw segmentNotFound(third);
  }
  if (resource === "photos") {
    if (second === undefined) return photoCollection(req, user, rest);
    if (third === undefined) return sizedEntity(req, user, rest, second);
    if (third === "$value") return sizedValue(req, user, second);
    throw segmentNotFound(third);
  }
  throw segmentNotFound(resource ?? "");
}

async function photoEntity(
  req: EmulatorRequest,
  user: StoredUser,
  rest: string[],
): Promise<EmulatorResponse> {
  // DELETE is documented on `photo/$value`; the bare entity accepts it too (Graph's OpenAPI lists it).
  if (req.method === "DELETE") return deletePhoto(user);
  if (req.method !== "GET") throw methodNotAllowed();
  const photo = requirePhoto(user);
  const key = userKey(req, rest);
  return {
    status: 200,
    body: {
      "@odata.context": `${req.origin}/v1.0/$metadata#users('${key}')/photo/$entity`,
      "@odata.id": `${req.origin}/v1.0/users('${key}')/photo`,
      ...photoMetadata(photo, photo.width, photo.height),
    },
  };
}

async function photoValue(
  req: EmulatorRequest,
  user: StoredUser,
  recordUpload: UploadRecorder,
): Promise<EmulatorResponse> {
  switch (req.method) {
    case "GET":
      return jpegResponse(requirePhoto(user).jpeg);
    case "PUT":
    case "PATCH":
      await uploadPhoto(req, user);
      recordUpload({ contentType: mediaType(req.headers["content-type"]), bytes: Buffer.from(req.body) });
      // profilephoto-update documents `200 OK` without a body for users (teams answer 204).
      return { status: 200 };
    case "DELETE":
      return deletePhoto(user);
    default:
      throw methodNotAllowed();
  }
}

function photoCollection(req: EmulatorRequest, user: StoredUser, rest: string[]): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  const photo = requirePhoto(user);
  return {
    status: 200,
    body: {
      "@odata.context": `${req.origin}/v1.0/$metadata#users('${userKey(req, rest)}')/photos`,
      value: availableSizes(photo).map((size) => photoMetadata(photo, size, size)),
    },
  };
}

function sizedEntity(
  req: EmulatorRequest,
  user: StoredUser,
  rest: string[],
  sizeId: string,
): EmulatorResponse {
  if (req.method !== "GET") throw methodNotAllowed();
  const photo = requirePhoto(user);
  const size = requireSize(photo, sizeId);
  return {
    status: 200,
    body: {
      "@odata.context": `${req.origin}/v1.0/$metadata#users('${userKey(req, rest)}')/photos/$entity`,
      ...photoMetadata(photo, size, size),
    },
  };
}

async function sizedValue(req: EmulatorRequest, user: StoredUser, sizeId: string): Promise<EmulatorResponse> {
  if (req.method !== "GET") throw methodNotAllowed();
  const photo = requirePhoto(user);
  const size = requireSize(photo, sizeId);
  // Renditions are square, letterboxed on white: Graph's sized photos also come back with a
  // background fill (microsoft-graph-docs-contrib issue #2566).
  const jpeg = await sharp(photo.jpeg)
    .resize({ width: size, height: size, fit: "contain", background: "#ffffff" })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
  return jpegResponse(jpeg);
}

async function uploadPhoto(req: EmulatorRequest, user: StoredUser): Promise<void> {
  // The size check comes first, as a gateway would apply it before reading the content. Graph's
  // error code for an oversized photo is undocumented (graph-contract §12.4): 413 is the HTTP status
  // the errors page lists for it, and the code below is the emulator's choice.
  if (req.body.length > MAX_PHOTO_BYTES) {
    throw new GraphHttpError(413, "RequestEntityTooLarge", "The photo exceeds the maximum size of 4 MB.");
  }
  const type = mediaType(req.headers["content-type"]);
  // Graph documents `image/jpeg`; PNG is accepted since Entra ID stores photos (office365itpros,
  // 2023-10). Anything else, including the non-standard `image/jpg`, is refused (chosen: 415).
  if (!UPLOAD_TYPES.has(type)) {
    throw new GraphHttpError(
      415,
      "UnsupportedMediaType",
      `Content type '${type || "(none)"}' is not supported for a profile photo; use image/jpeg or image/png.`,
    );
  }
  if (req.body.length === 0) {
    throw new GraphHttpError(
      400,
      "invalidRequest",
      "The request body is empty; a photo upload needs image data.",
    );
  }
  const photo = await decodeUpload(req.body);
  // A fresh etag per upload even for identical bytes: clients detect change by etag.
  while (photo.etag === user.photo?.etag) photo.etag = newEtag();
  user.photo = photo;
}

/** Only JPEG and PNG are accepted, whatever the label says; the bytes must decode completely. */
async function decodeUpload(body: Buffer): Promise<StoredPhoto> {
  try {
    const { format } = await sharp(body).metadata();
    if (UPLOAD_FORMATS.has(format ?? "")) return await photoFromImage(body);
  } catch {
    // Reported below with the same error as an unsupported format.
  }
  throw new GraphHttpError(400, "invalidRequest", "The photo is not a valid JPEG or PNG image.");
}

function deletePhoto(user: StoredUser): EmulatorResponse {
  requirePhoto(user);
  delete user.photo;
  // profilephoto-delete documents `200 OK`.
  return { status: 200 };
}

function encodeJpeg(bytes: Buffer, quality: number): Promise<{ data: Buffer; info: OutputInfo }> {
  // failOn "warning" makes a truncated or damaged image an error instead of a half-grey picture.
  return sharp(bytes, { failOn: "warning" })
    .rotate()
    .resize({ width: MAX_STORED_PIXELS, height: MAX_STORED_PIXELS, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality })
    .toBuffer({ resolveWithObject: true });
}

function photoMetadata(photo: StoredPhoto, width: number, height: number): Record<string, unknown> {
  return {
    "@odata.mediaContentType": "image/jpeg",
    "@odata.mediaEtag": photo.etag,
    id: `${width}x${height}`,
    width,
    height,
  };
}

/** A standard size is offered only if the stored photo can fill it without upscaling. */
function availableSizes(photo: StoredPhoto): number[] {
  const shortSide = Math.min(photo.width, photo.height);
  return PHOTO_SIZES.filter((size) => size <= shortSide);
}

function requireSize(photo: StoredPhoto, sizeId: string): number {
  const match = /^(\d+)x(\d+)$/i.exec(sizeId);
  const size = Number(match?.[1]);
  // Graph's 404 for a size it does not hold is not documented; the no-photo error is the closest.
  if (match === null || match[1] !== match[2] || !availableSizes(photo).includes(size)) throw imageNotFound();
  return size;
}

function requirePhoto(user: StoredUser): StoredPhoto {
  if (user.photo === undefined) throw imageNotFound();
  return user.photo;
}

function jpegResponse(jpeg: Buffer): EmulatorResponse {
  return { status: 200, headers: { "Content-Type": "image/jpeg" }, body: jpeg };
}

/** The user segment as the client wrote it, percent-encoded as Graph's `@odata.context` shows it. */
function userKey(req: EmulatorRequest, rest: string[]): string {
  const segment = req.segments[req.segments.length - rest.length - 1];
  return encodeURIComponent(segment ?? "");
}

function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Graph's etags look like `"BA09D118"` (quotes included). */
function newEtag(): string {
  return `"${randomBytes(4).toString("hex").toUpperCase()}"`;
}

/** Graph's answer when a user has no photo (msgraph-sdk-dotnet #2673, Azure-Samples b2c #23). */
function imageNotFound(): GraphHttpError {
  return new GraphHttpError(
    404,
    "ImageNotFound",
    "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.",
  );
}
