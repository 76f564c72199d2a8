// Turns a profile photo file into the JPEG roster uploads: decoded by sharp, upright by its EXIF
// orientation, fitted inside `maxPixels`×`maxPixels` (never enlarged), flattened onto white,
// converted to sRGB and encoded as a baseline JPEG with every piece of metadata (EXIF, GPS, ICC,
// XMP, IPTC) dropped. The same bytes in give the same bytes out. Graph re-encodes what it stores,
// so these bytes are what roster sends, never what it compares: comparison is by perceptual hash
// (see hash.ts).
import sharp, { type Metadata, type Sharp } from "sharp";
import { RosterError } from "../errors.js";

/** Why an image was refused; stable codes for callers to branch on and print. */
export type PhotoErrorReason =
  | "notAnImage"
  | "unsupportedFormat"
  | "truncated"
  | "tooManyPixels"
  | "tooLarge";

/** A photo roster cannot use, with a `reason` code and a message fit to show an admin. */
export class PhotoError extends RosterError {
  readonly reason: PhotoErrorReason;

  constructor(reason: PhotoErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Files over this size are refused before anything is decoded (the limit `roster validate` uses). */
export const MAX_PHOTO_INPUT_BYTES = 20 * 1024 * 1024;
/** Images over this many pixels are refused from their header, before the pixels are decoded. */
export const MAX_PHOTO_INPUT_PIXELS = 100_000_000;
/** The formats a profile photo may be in (the extensions roster looks for: jpg, jpeg, png, webp). */
export const PHOTO_INPUT_FORMATS: readonly string[] = ["jpeg", "png", "webp"];

export interface NormalizeOptions {
  /** The longest side allowed, in pixels (roster.yaml `photos.maxPixels`, 648 by default). */
  maxPixels: number;
  /** JPEG quality, 1–100 (roster.yaml `photos.quality`). */
  quality: number;
  /** Refuse inputs larger than this many bytes; default {@link MAX_PHOTO_INPUT_BYTES}. */
  maxInputBytes?: number;
}

export interface NormalizedPhoto {
  /** Baseline sRGB JPEG without metadata. */
  jpeg: Buffer;
  width: number;
  height: number;
}

/**
 * Normalizes `input` (JPEG, PNG or WebP bytes) for upload. Throws {@link PhotoError} when the bytes
 * are not a usable image, and `RangeError` when the options themselves are out of range.
 */
export async function normalizePhoto(input: Buffer, options: NormalizeOptions): Promise<NormalizedPhoto> {
  const { maxPixels, quality } = options;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new RangeError(`maxPixels must be a positive integer, got ${maxPixels}`);
  }
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`quality must be an integer from 1 to 100, got ${quality}`);
  }
  await inspectPhoto(input, options.maxInputBytes);

  try {
    const { data, info } = await decoder(input)
      .resize({ width: maxPixels, height: maxPixels, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      // No keepMetadata/withMetadata: sharp drops EXIF, GPS, XMP, IPTC and the ICC profile, having
      // converted the pixels to sRGB. mozjpeg off and no progressive scans: plain, stable output.
      .jpeg({ quality, mozjpeg: false, progressive: false, chromaSubsampling: "4:2:0" })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height };
  } catch (err) {
    throw decodeFailure(err);
  }
}

/**
 * Checks what can be checked without decoding pixels: the byte size, that the header names a
 * supported format, and the pixel count. Returns the header metadata.
 */
export async function inspectPhoto(
  input: Buffer,
  maxInputBytes: number = MAX_PHOTO_INPUT_BYTES,
): Promise<Metadata> {
  if (input.length > maxInputBytes) {
    throw new PhotoError(
      "tooLarge",
      `${megabytes(input.length)} MB is over the ${megabytes(maxInputBytes)} MB limit`,
    );
  }
  if (input.length === 0) throw new PhotoError("notAnImage", "the file is empty, not an image");
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    // A file that starts like a JPEG, PNG or WebP but whose header cannot be read was cut short
    // (or damaged) early on; anything else is not an image at all.
    if (looksLikePhoto(input)) {
      throw new PhotoError("truncated", `damaged or truncated image (${messageOf(err)})`, { cause: err });
    }
    throw new PhotoError("notAnImage", "not an image (use JPEG, PNG or WebP)", { cause: err });
  }
  if (metadata.format === undefined || !PHOTO_INPUT_FORMATS.includes(metadata.format)) {
    throw new PhotoError(
      "unsupportedFormat",
      `${metadata.format ?? "unknown"} images are not supported; use JPEG, PNG or WebP`,
    );
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (pixels > MAX_PHOTO_INPUT_PIXELS) {
    throw new PhotoError(
      "tooManyPixels",
      `${metadata.width}×${metadata.height} is over the ${MAX_PHOTO_INPUT_PIXELS / 1_000_000} megapixel limit`,
    );
  }
  return metadata;
}

/**
 * A sharp pipeline over `input` with roster's decoding rules: at most 100 megapixels, truncated
 * data is an error rather than a grey bottom half, and the image is turned upright by its EXIF
 * orientation. Shared with hash.ts so both see the same pixels.
 */
export function decoder(input: Buffer): Sharp {
  // "truncated" (not sharp's default "warning"): cut-off files fail, while the harmless warnings
  // that many camera files raise (e.g. extraneous bytes before a marker) do not; the same level
  // `roster validate` uses, so a photo that validates also uploads.
  return sharp(input, { failOn: "truncated", limitInputPixels: MAX_PHOTO_INPUT_PIXELS, autoOrient: true });
}

/** Maps an error sharp raised while decoding pixels (the header having been read) to a PhotoError. */
export function decodeFailure(err: unknown): PhotoError {
  if (err instanceof PhotoError) return err;
  const detail = messageOf(err);
  if (/pixel limit/i.test(detail)) {
    return new PhotoError(
      "tooManyPixels",
      `over the ${MAX_PHOTO_INPUT_PIXELS / 1_000_000} megapixel limit (${detail})`,
      { cause: err },
    );
  }
  if (/unsupported image format/i.test(detail)) {
    return new PhotoError("notAnImage", "not an image (use JPEG, PNG or WebP)", { cause: err });
  }
  return new PhotoError("truncated", `damaged or truncated image (${detail})`, { cause: err });
}

/** Whether `input` starts with the signature of a JPEG, PNG or WebP file. */
function looksLikePhoto(input: Buffer): boolean {
  const starts = (bytes: number[], at = 0) => bytes.every((byte, i) => input[at + i] === byte);
  return (
    starts([0xff, 0xd8, 0xff]) ||
    starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ||
    (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8))
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
