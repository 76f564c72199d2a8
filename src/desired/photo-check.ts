// Offline checks of the photo files profiles point at: present, inside the repository, a real and
// complete image within the limits. Size limits are checked before anything is decoded; the image
// rules themselves are the ones upload uses (src/photos/normalize.ts), so a photo that validates
// also uploads.
import { lstat, readFile, realpath } from "node:fs/promises";
import { relative, sep } from "node:path";
import { type Diagnostic, error, fileStart } from "../diagnostics.js";
import {
  decodeFailure,
  decoder,
  inspectPhoto,
  MAX_PHOTO_INPUT_BYTES,
  PhotoError,
} from "../photos/normalize.js";
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
