/**
 * {@linkcode isSharedMemory}: whether a view's memory is a
 * SharedArrayBuffer's, the one kind of JavaScript memory a pending
 * operation may use as it is (docs/buffer-ownership.md, "Shared memory");
 * {@linkcode isSharedArrayBuffer}: the brand check under it.
 *
 * @module
 */

/**
 * The intrinsics, taken when this module loads: a subclass, or a prototype
 * or global changed later, cannot stand in for them.
 */
const bufferOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "buffer")!.get!;
const Shared = globalThis.SharedArrayBuffer as SharedArrayBufferConstructor | undefined;
const sharedByteLength = Shared === undefined
  ? undefined
  : Object.getOwnPropertyDescriptor(Shared.prototype, "byteLength")!.get!;

/**
 * True when the memory under `view` is a SharedArrayBuffer's. JavaScript
 * cannot detach, shrink, move or free that memory while anything refers to
 * it (a growable one only grows, in place), so the kernel may read from or
 * write into it while an operation is pending, with no copy. Its contents
 * may still change meanwhile: other threads share it.
 *
 * The test is the engine's own: the view's buffer as the intrinsic
 * `%TypedArray%.prototype.buffer` getter returns it, checked by
 * `SharedArrayBuffer.prototype.byteLength`, which throws for anything else.
 * A subclass that overrides `buffer`, or an ArrayBuffer given
 * SharedArrayBuffer's prototype, is not taken for shared memory.
 *
 * @example
 * ```ts
 * import { isSharedMemory } from "@winpipe/core/internal";
 * isSharedMemory(new Uint8Array(new SharedArrayBuffer(8))); // true
 * isSharedMemory(new Uint8Array(8)); // false
 * ```
 */
export function isSharedMemory(view: Uint8Array): boolean {
  return isSharedArrayBuffer(bufferOf.call(view));
}

/**
 * True when `value` is a SharedArrayBuffer, by the engine's brand check
 * (WebIDL's IsSharedArrayBuffer): `SharedArrayBuffer.prototype.byteLength`
 * throws for anything else, an object given its prototype included. False
 * where the runtime has no SharedArrayBuffer.
 *
 * @example
 * ```ts
 * import { isSharedArrayBuffer } from "@winpipe/core/internal";
 * isSharedArrayBuffer(new SharedArrayBuffer(8)); // true
 * isSharedArrayBuffer(new ArrayBuffer(8)); // false
 * ```
 */
export function isSharedArrayBuffer(value: unknown): boolean {
  // A cheap filter first: only what looks shared pays for the brand check (which throws when it is not).
  if (sharedByteLength === undefined || !(value instanceof Shared!)) return false;
  try {
    sharedByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}
