/**
 * Deterministic pseudo-random inputs for tests and benchmarks (xorshift32), so that every
 * failure reproduces from its seed. Not for anything that needs real randomness.
 */

/** A seeded xorshift32 generator returning floats in [0, 1); the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** A seeded generator of integers in `[0, max)`. */
export function seededInt(seed: number): (max: number) => number {
  const next = seededRandom(seed);
  return (max) => Math.floor(next() * max);
}

/** `n` bytes drawn from `rand`. */
export function randomBytes(rand: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** `n` deterministic bytes from a fresh xorshift32 stream seeded with `seed` (default `n + 1`). */
export function seededBytes(n: number, seed = n + 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s;
  }
  return out;
}
