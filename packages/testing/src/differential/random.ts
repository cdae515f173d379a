/**
 * Seeded randomness for the differential test: the same seed gives the same sequence on every runtime.
 *
 * @module
 */

/**
 * mulberry32: a small, fast 32-bit PRNG. Returns a function that yields
 * numbers in [0, 1), the same series for the same seed on every runtime.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "@winpipe/testing";
 * const next = mulberry32(42);
 * const a = next();
 * mulberry32(42)() === a; // true
 * ```
 */
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
 * A seeded random source with the helpers the generator needs.
 *
 * @example
 * ```ts
 * import { Random } from "@winpipe/testing";
 * const random = new Random(7);
 * const size = random.int(0, 1024); // 0..1024, both included
 * const mode = random.pick(["byte", "message"] as const);
 * const big = random.chance(0.1); // true one time in ten
 * ```
 */
export class Random {
  readonly #next: () => number;

  /** A source whose series is fixed by `seed` (any 32-bit integer). */
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** A number in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)];
  }

  /** One of the values, with probability proportional to its weight (weights <= 0 never win). */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) if (w > 0) total += w;
    let x = this.#next() * total;
    for (const [value, w] of entries) {
      if (w <= 0) continue;
      if (x < w) return value;
      x -= w;
    }
    // Rounding: the last entry with a positive weight.
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i][1] > 0) return entries[i][0];
    throw new Error("Random.weighted: no entry has a positive weight");
  }
}
