// Perceptual hash of a photo, to tell whether the photo Graph stores is the one a profile asks for.
// Graph re-encodes every upload (and serves smaller renditions), so bytes never match; a DCT hash
// of a small grayscale thumbnail survives re-encoding, resizing and quality changes while telling
// different pictures apart. The algorithm is the classic DCT pHash (as described by Neal Krawetz,
// "Looks like it", and implemented by phash.org and Python's imagehash):
//   1. decode (upright by EXIF, alpha flattened onto white, as normalize.ts does), convert to
//      grayscale and resize to 32×32, ignoring the aspect ratio;
//   2. 2-D DCT-II (orthonormal) of the 32×32 luma, keeping the top-left 8×8 (lowest frequencies);
//   3. coefficients smaller than DEAD_ZONE are set to 0 (see below);
//   4. threshold = median of the 63 coefficients other than the DC term (the DC term, the mean
//      brightness, is far larger than the rest and would skew it);
//   5. bit = coefficient > threshold for all 64, row by row, most significant bit first, written
//      as 16 lower-case hex digits (the DC bit is 1 for anything but a black image).
// Two hashes are compared by Hamming distance (0..64).
//
// The dead zone: an image that is mirror-symmetric, or varies along one axis only, has many low
// coefficients that are exactly zero, and so a median at zero. Re-encoding then nudges those
// zeros by a few units either side of the median and flips their bits at random (measured: up to
// 30 of 64 bits for a symmetric radial gradient). Rounding |c| < 8 to zero keeps them at 0. 8
// is a cosine pattern of half a grey level in amplitude, so real detail is never lost.
// Such images still carry few bits (a plain left-to-right gradient hashes to a000000000000000):
// pHash is made for photographs, and two near-empty hashes can be close for different pictures.
import { decodeFailure, decoder, inspectPhoto } from "./normalize.js";

/**
 * Largest Hamming distance at which two hashes are taken to be the same photo.
 *
 * Measured by test/photos/hash.test.ts on 13 distinct generated 648 px images (3 gradients,
 * 7 shape drawings including an abstract avatar, 3 smooth-noise images; test/photos/images.ts):
 * - same image, re-encoded as JPEG at quality 60/75/85/95 and resized to 96/120/240/360/648 px
 *   (260 copies): distance 0 in 161, 1 in 52, 2 in 42, 3 in 5; never more than 3. Through
 *   normalizePhoto, a re-encode at quality 85 and a 96 px rendition (Graph's path): 0–2;
 * - different images (78 pairs): smallest 17, 10th percentile 26, median 31, largest 44
 *   (unrelated 64-bit hashes average 32).
 * 10 leaves a margin of 7 on both sides (3 → 10 → 17) and is pHash's customary threshold for 64
 * bits. The test keeps both margins at 4 or more.
 */
export const SAME_PHOTO_MAX_DISTANCE = 10;

/** Bits in a hash, and the hex digits that hold them. */
export const HASH_BITS = 64;
const HASH_HEX_DIGITS = HASH_BITS / 4;
const HASH_PATTERN = /^[0-9a-f]{16}$/;

const SIZE = 32;
const LOW = 8;
/** DCT coefficients smaller than this (in 8-bit grey levels, orthonormal scale) count as 0. */
const DEAD_ZONE = 8;

/** COS[u][x] = c(u) · cos((2x + 1) u π / 2N): rows u = 0..7 of the orthonormal 32-point DCT-II. */
const COS: Float64Array[] = Array.from({ length: LOW }, (_, u) => {
  const scale = u === 0 ? Math.sqrt(1 / SIZE) : Math.sqrt(2 / SIZE);
  return Float64Array.from(
    { length: SIZE },
    (_, x) => scale * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE)),
  );
});

/**
 * The 64-bit DCT perceptual hash of an image (JPEG, PNG or WebP bytes) as 16 hex digits.
 * Throws {@link PhotoError} (from normalize.ts) when the bytes are not a usable image.
 */
export async function perceptualHash(image: Buffer): Promise<string> {
  await inspectPhoto(image);
  let pixels: Buffer;
  try {
    pixels = await decoder(image)
      .flatten({ background: "#ffffff" })
      .greyscale()
      .resize(SIZE, SIZE, { fit: "fill" })
      .raw()
      .toBuffer();
  } catch (err) {
    throw decodeFailure(err);
  }
  return hashFromPixels(pixels);
}

/** The hash of 32×32 8-bit grayscale pixels, row-major (exported for tests). */
export function hashFromPixels(pixels: Uint8Array): string {
  if (pixels.length !== SIZE * SIZE)
    throw new RangeError(`expected ${SIZE * SIZE} pixels, got ${pixels.length}`);
  // Separable DCT, low frequencies only: first along each row (x → v), then down the columns (y → u).
  const rows = new Float64Array(SIZE * LOW); // rows[y * LOW + v]
  for (let y = 0; y < SIZE; y++) {
    for (let v = 0; v < LOW; v++) {
      const basis = COS[v]!;
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += basis[x]! * pixels[y * SIZE + x]!;
      rows[y * LOW + v] = sum;
    }
  }
  const coefficients: number[] = []; // coefficients[u * LOW + v], 64 of them
  for (let u = 0; u < LOW; u++) {
    const basis = COS[u]!;
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += basis[y]! * rows[y * LOW + v]!;
      coefficients.push(Math.abs(sum) < DEAD_ZONE ? 0 : sum);
    }
  }
  const ac = coefficients.slice(1).sort((a, b) => a - b); // 63 values: the median is the 32nd
  const median = ac[(ac.length - 1) / 2]!;
  let hex = "";
  for (let i = 0; i < HASH_BITS; i += 4) {
    let nibble = 0;
    for (let bit = 0; bit < 4; bit++) nibble = (nibble << 1) | (coefficients[i + bit]! > median ? 1 : 0);
    hex += nibble.toString(16);
  }
  return hex;
}

/** Hamming distance between two hashes from {@link perceptualHash}: 0 (same) to 64. */
export function hashDistance(a: string, b: string): number {
  const left = parseHash(a);
  const right = parseHash(b);
  let distance = 0;
  for (let i = 0; i < HASH_HEX_DIGITS; i++) {
    let diff = left[i]! ^ right[i]!;
    while (diff !== 0) {
      distance += diff & 1;
      diff >>= 1;
    }
  }
  return distance;
}

/** Whether two hashes are close enough to be the same photo ({@link SAME_PHOTO_MAX_DISTANCE}). */
export function samePhoto(a: string, b: string): boolean {
  return hashDistance(a, b) <= SAME_PHOTO_MAX_DISTANCE;
}

function parseHash(hash: string): number[] {
  const normalized = hash.toLowerCase();
  if (!HASH_PATTERN.test(normalized)) {
    throw new TypeError(`not a perceptual hash (16 hex digits expected): ${JSON.stringify(hash)}`);
  }
  return [...normalized].map((digit) => Number.parseInt(digit, 16));
}
