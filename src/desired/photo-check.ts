// Offline checks of the photo files profiles point at: present, inside the repository, a real and
// complete image within the limits. Size limits are checked before anything is decoded; the image
// rules themselves are the ones upload uses (src/photos/normalize.ts), so a photo that validates
// also uploads.
import { lstat, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { type Diagnostic, error, fileStart } from "../diagnostics.js";
import {
  decodeFailure,
  decoder,
  inspectPhoto,
  MAX_PHOTO_INPUT_BYTES,
  PhotoError,
} from "../photos/normalize.js";
import { PHOTOS_DIR } from "./load.js";
import type { DesiredProfile } from "./types.js";

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
  // Every path is resolved, not only a final symbolic link: a linked folder inside photos/, or
  // photos/ itself a link, would otherwise let a profile upload a file from anywhere.
  let target: string;
  try {
    target = await realpath(photo.absolutePath);
  } catch {
    return notFound("symbolic link to a file that does not exist");
  }
  const photosDir = await realpath(join(root, PHOTOS_DIR)).catch(() => undefined);
  const repository = await realpath(root);
  if (!photosDir || !isInside(repository, photosDir) || !isInside(photosDir, target)) {
    return fail(
      `resolves outside ${PHOTOS_DIR}/ of the repository (${PHOTOS_DIR}/ or a folder in it is a symbolic link)`,
    );
  }
  info = await lstat(target);
  if (!info.isFile()) return fail("not a file");
  // Checked on the file's size so that a huge file is never read into memory.
  if (info.size > MAX_PHOTO_INPUT_BYTES) {
    return fail(
      `${(info.size / 1024 / 1024).toFixed(1)} MB is over the ${MAX_PHOTO_INPUT_BYTES / 1024 / 1024} MB limit`,
    );
  }
  try {
    const bytes = await readFile(photo.absolutePath);
    await inspectPhoto(bytes);
    // A full decode, shrunk on load, is what finds a file cut short.
    await decoder(bytes)
      .resize(32, 32, { fit: "inside" })
      .raw()
      .toBuffer()
      .catch((err: unknown) => {
        throw decodeFailure(err);
      });
  } catch (err) {
    if (err instanceof PhotoError) return fail(err.message);
    throw err;
  }
  return [];
}

/** Whether `path` is `folder` or lies below it (both resolved, without symbolic links). */
function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, path);
  return inside === "" || (!inside.startsWith("..") && !isAbsolute(inside));
}
