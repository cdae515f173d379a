/**
 * {@linkcode concatBytes}: parts copied into one new array.
 *
 * @module
 */

/**
 * Copies `parts` (`total` bytes together) into one new array, in order: how a
 * message read in parts or a buffered HTTP head becomes one buffer. Always copies, even a single part; a caller that may keep a single
 * part as it is checks that first.
 *
 * @example
 * ```ts
 * import { concatBytes } from "@winpipe/core/internal";
 * concatBytes([new Uint8Array([1, 2]), new Uint8Array([3])], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
