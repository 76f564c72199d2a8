// Perceptual hashes of tenant photos by `@odata.mediaEtag`, kept in a small JSON file between runs
// (and between CI runs through the Actions cache), so a plan downloads only photos that changed.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { PhotoHashCache } from "./read.js";

/** Beyond this many entries the oldest are dropped: a cache, not an archive. */
const MAX_ENTRIES = 200_000;

export interface FilePhotoCache extends PhotoHashCache {
  save(): Promise<void>;
}

export async function openPhotoCache(path: string): Promise<FilePhotoCache> {
  let entries = new Map<string, string>();
  try {
    const data = JSON.parse(await readFile(path, "utf8")) as {
      version?: number;
      hashes?: Record<string, string>;
    };
    if (data.version === 1 && data.hashes) entries = new Map(Object.entries(data.hashes));
  } catch {
    // Missing or unreadable: start empty; the cache only saves requests.
  }
  let changed = false;
  return {
    get: (etag) => entries.get(etag),
    set: (etag, hash) => {
      entries.delete(etag);
      entries.set(etag, hash);
      changed = true;
    },
    async save() {
      if (!changed) return;
      const kept = [...entries].slice(-MAX_ENTRIES);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify({ version: 1, hashes: Object.fromEntries(kept) })}\n`);
    },
  };
}

/** A cache that remembers nothing (tests, `--no-cache`). */
export function memoryPhotoCache(): PhotoHashCache {
  const entries = new Map<string, string>();
  return { get: (etag) => entries.get(etag), set: (etag, hash) => void entries.set(etag, hash) };
}
