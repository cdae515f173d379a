/**
 * Option checks of the HTTP layer: bad values throw a TypeError or a
 * RangeError before anything is created.
 *
 * @module
 */

/** An integer option in `[min, max]`, or `fallback` when it is undefined. */
export function integerOption(value: unknown, what: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer: got ${typeof value === "number" ? value : typeof value}`);
  }
  if (value < min || value > max) throw new RangeError(`${what} must be between ${min} and ${max}: got ${value}`);
  return value;
}

/** A duration in ms: a non-negative integer or Infinity (no limit); `fallback` when undefined. */
export function msOption(value: unknown, what: string, fallback: number): number {
  if (value === Infinity) return Infinity;
  return integerOption(value, what, 0, 0x7fffffff, fallback);
}
