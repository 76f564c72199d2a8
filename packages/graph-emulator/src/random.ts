// The emulator's one source of randomness for behaviour a test may depend on (which requests a
// probabilistic fault hits): seeded, so a failing run can be replayed with the seed it printed.
// mulberry32 is a small, well-known 32-bit generator; fine for this, never for anything secret.
import { randomInt } from "node:crypto";

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

/** Seeds are unsigned 32-bit integers. */
export function isSeed(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** A fresh seed, for when the caller names none (it is still reported, so it can be replayed). */
export function newSeed(): number {
  return randomInt(0, 0xffff_ffff);
}
