// Photo files as roster will upload them: each normalized, then hashed. Hashing the normalized JPEG
// (not the raw file) compares like with like: Graph stores a re-encoded copy.
import { readFile } from "node:fs/promises";
import { mapLimit } from "../util/map-limit.js";
import { perceptualHash } from "./hash.js";
import { type NormalizedPhoto, type NormalizeOptions, normalizePhoto } from "./normalize.js";

/** Photos decoded at once; sharp runs each on libuv's thread pool. */
const CONCURRENCY = 4;

export async function preparePhotoFile(
  absolutePath: string,
  options: NormalizeOptions,
): Promise<NormalizedPhoto & { hash: string }> {
  const normalized = await normalizePhoto(await readFile(absolutePath), options);
  return { ...normalized, hash: await perceptualHash(normalized.jpeg) };
}

/** Perceptual hash of each photo file, keyed as `files` is (repository path -> absolute path). */
export async function hashPhotoFiles(
  files: ReadonlyMap<string, string>,
  options: NormalizeOptions,
): Promise<Map<string, string>> {
  const entries = [...files];
  const hashes = await mapLimit(
    entries,
    CONCURRENCY,
    async ([, absolutePath]) => (await preparePhotoFile(absolutePath, options)).hash,
  );
  return new Map(entries.map(([path], i) => [path, hashes[i] as string]));
}
