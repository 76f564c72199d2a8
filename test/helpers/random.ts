// Seeded randomness for tests: every random source in a test takes a seed, so a failure can be
// replayed exactly. mulberry32 is a small, well-known 32-bit generator (Tommy Ettinger's), plenty
// for picking test data; never for anything secret.
import { beforeEach } from "vitest";

/** A generator of floats in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed a test file uses: `ROSTER_TEST_SEED` when set (to replay a failure), else the file's
 * fixed default, so every run makes the same choices.
 */
export function testSeed(fixedDefault: number): number {
  const given = process.env.ROSTER_TEST_SEED;
  if (given === undefined || given === "") return fixedDefault;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
    throw new Error(`ROSTER_TEST_SEED must be an integer from 0 to 4294967295, not ${given}`);
  return seed;
}

/** Prints the seed next to every failing test of the file, with how to run it again with it. */
export function printSeedOnFailure(what: string, seed: number): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(`${what} used seed ${seed}; replay with ROSTER_TEST_SEED=${seed}`);
    });
  });
}
