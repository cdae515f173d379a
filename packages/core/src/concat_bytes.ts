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
  // An ArrayBuffer made first: a small typed array made without one may keep its bytes in the
  // engine's heap, where they move, and the result may be handed to the kernel (toNodeDuplex's
  // writev through writeOwned; docs/buffer-ownership.md, "In each runtime").
  const whole = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.length;
  }
  return whole;
}
