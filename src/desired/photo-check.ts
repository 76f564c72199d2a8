// Offline checks of the photo files profiles point at: present, inside the repository, a real and
// complete image, within the limits. Sizes are checked before anything is decoded.
import { lstat, realpath } from "node:fs/promises";
import { relative, sep } from "node:path";
import sharp, { type Metadata } from "sharp";
import { type Diagnostic, error, fileStart } from "../diagnostics.js";
import type { DesiredProfile } from "./types.js";

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
export const MAX_PHOTO_PIXELS = 100_000_000;
const SUPPORTED_FORMATS = new Set(["jpeg", "png", "webp"]);

export async function checkPhoto(root: string, profile: DesiredProfile): Promise<Diagnostic[]> {
  const photo = profile.photo;
  if (photo?.kind !== "file") return [];
  // Where the file cannot be found, point at the reference; where its content is wrong, at the file.
  const notFound = (message: string) => [error(photo.source, `${photo.path}: ${message}`)];
  const fail = (message: string) => [error(fileStart(photo.path), `${message} (photo of ${profile.file})`)];

  let info: import("node:fs").Stats;
  try {
    info = await lstat(photo.absolutePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return notFound(
      code === "ENOENT" ? "photo file not found" : `cannot read photo (${code ?? String(err)})`,
    );
  }
  if (info.isSymbolicLink()) {
    try {
      const target = await realpath(photo.absolutePath);
      const inside = relative(await realpath(root), target);
      if (inside.startsWith(`..${sep}`) || inside === ".." || inside.startsWith(sep)) {
        return fail("symbolic link pointing outside the repository");
      }
      info = await lstat(target);
    } catch {
      return notFound("symbolic link to a file that does not exist");
    }
  }
  if (!info.isFile()) return fail("not a file");
  if (info.size > MAX_PHOTO_BYTES) {
    return fail(
      `${(info.size / 1024 / 1024).toFixed(1)} MB is over the ${MAX_PHOTO_BYTES / 1024 / 1024} MB limit`,
    );
  }

  let metadata: Metadata;
  try {
    metadata = await sharp(photo.absolutePath).metadata();
  } catch {
    return fail("not an image roster can read (JPEG, PNG or WebP)");
  }
  if (!metadata.format || !SUPPORTED_FORMATS.has(metadata.format)) {
    return fail(`${metadata.format ?? "unknown"} images are not supported; use JPEG, PNG or WebP`);
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (pixels > MAX_PHOTO_PIXELS) {
    return fail(
      `${metadata.width}×${metadata.height} is over the ${MAX_PHOTO_PIXELS / 1_000_000} megapixel limit`,
    );
  }
  try {
    // A full decode, shrunk on load, is what finds a file cut short.
    await sharp(photo.absolutePath, { failOn: "truncated", limitInputPixels: MAX_PHOTO_PIXELS })
      .resize(32, 32, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (err) {
    return fail(`damaged or truncated image (${err instanceof Error ? err.message : String(err)})`);
  }
  return [];
}
