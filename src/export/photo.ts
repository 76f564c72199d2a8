// A tenant photo as `roster export` keeps it: a JPEG in photos/. Graph stores and serves JPEG, which
// is written as Graph returned it; anything else it may hold (PNG, WebP) is converted the way roster
// uploads photos (src/photos/normalize.ts). A photo already in the repository that shows the same
// picture (perceptual hash, as the plan compares) counts as unchanged even where its bytes differ.

import { perceptualHash, samePhoto } from "../photos/hash.js";
import type { NormalizeOptions } from "../photos/normalize.js";
import { inspectPhoto, normalizePhoto, PhotoError } from "../photos/normalize.js";

export type PhotoFile = { jpeg: Buffer } | { refused: string };

/** The JPEG to write for a tenant photo, or why there is none (e.g. Graph's 1×1 GIF placeholder). */
export async function photoFile(bytes: Buffer, options: NormalizeOptions): Promise<PhotoFile> {
  try {
    const metadata = await inspectPhoto(bytes);
    if (metadata.format === "jpeg") return { jpeg: bytes };
    return { jpeg: (await normalizePhoto(bytes, options)).jpeg };
  } catch (error) {
    if (error instanceof PhotoError) return { refused: error.message };
    throw error;
  }
}

/** Whether an existing photo file shows the same picture as `jpeg` (false when it is no image). */
export async function showsSamePicture(existing: Buffer, jpeg: Buffer): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([perceptualHash(existing), perceptualHash(jpeg)]);
    return samePhoto(a, b);
  } catch (error) {
    if (error instanceof PhotoError) return false;
    throw error;
  }
}
