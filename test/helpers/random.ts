// Seeded randomness for tests: every random source in a test takes a seed, so a failure can be
// replayed exactly. mulberry32 is a small, well-known 32-bit generator (Tommy Ettinger's), plenty
// for picking test data; never for anything secret.

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
