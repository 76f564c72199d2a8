// The emulator's own bounded concurrency (it shares no helper with roster): loading a state file
// decodes many photos, and decoding them all at once would hold every image in memory together.

/** Runs `task` for every item, at most `limit` at a time; rejects with the first failure. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.values();
  const worker = async (): Promise<void> => {
    for (const item of queue) await task(item);
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
