// Seeded randomness for tests: every random source in a test takes a seed, so a failure can be
// replayed exactly. The generator is the emulator's (mulberry32, the one its fault injection uses):
// plenty for picking test data; never for anything secret.
import { beforeEach } from "vitest";

export { mulberry32 } from "@roster/graph-emulator";

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
