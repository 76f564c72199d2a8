// The desired photos as roster will upload them: each file normalized, then hashed. Hashing the
// normalized JPEG (not the raw file) compares like with like: Graph stores a re-encoded copy.
import { readFile } from "node:fs/promises";
import type { DesiredState } from "../desired/types.js";
import { mapLimit } from "../util/map-limit.js";
import { perceptualHash } from "./hash.js";
import { type NormalizedPhoto, type NormalizeOptions, normalizePhoto } from "./normalize.js";

/** Photos decoded at once; sharp runs each on libuv's thread pool. */
const CONCURRENCY = 4;

export async function prepareDesiredPhoto(
  absolutePath: string,
  options: NormalizeOptions,
): Promise<NormalizedPhoto & { hash: string }> {
  const normalized = await normalizePhoto(await readFile(absolutePath), options);
  return { ...normalized, hash: await perceptualHash(normalized.jpeg) };
}

/** Perceptual hash of every photo file a profile uses, by repository path. */
export async function hashDesiredPhotos(state: DesiredState): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const profile of state.profiles) {
    if (profile.photo?.kind === "file") files.set(profile.photo.path, profile.photo.absolutePath);
  }
  const entries = [...files];
  const hashes = await mapLimit(entries, CONCURRENCY, async ([, absolutePath]) => {
    return (await prepareDesiredPhoto(absolutePath, state.config.photos)).hash;
  });
  return new Map(entries.map(([path], i) => [path, hashes[i] as string]));
}
