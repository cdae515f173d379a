/**
 * {@linkcode bytesOf} and {@linkcode requireAttached}: the bytes of a chunk
 * handed to a stream or an HTTP body.
 *
 * @module
 */
import { isDetached, show } from "./validate.ts";

/**
 * A chunk as a Uint8Array over the same memory (never a copy): chunks may be
 * Uint8Arrays, other ArrayBufferViews or ArrayBuffers. Anything else is a
 * TypeError; a string gets a hint to encode it first. So is a chunk whose
 * memory was detached (transferred) after it was handed over and before it
 * was used: streams hold their chunks by reference, as every WHATWG stream
 * does, and such a chunk would otherwise pass as empty, its bytes lost
 * without a word.
 *
 * @example
 * ```ts
 * import { bytesOf } from "@winpipe/core/internal";
 * bytesOf(new Uint16Array([1])).length; // 2
 * ```
 */
export function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return requireAttached(chunk);
  if (ArrayBuffer.isView(chunk)) {
    return new Uint8Array(requireAttached(chunk).buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (chunk instanceof ArrayBuffer) return requireAttached(new Uint8Array(chunk));
  const hint = typeof chunk === "string" ? " (pipe text through a TextEncoderStream first)" : "";
  throw new TypeError(`Chunk must be a Uint8Array, an ArrayBufferView or an ArrayBuffer: got ${show(chunk)}${hint}`);
}

/**
 * `view`, unless its memory was detached (a TypeError that says what
 * happened).
 *
 * @example
 * ```ts
 * import { requireAttached } from "@winpipe/core/internal";
 * const chunk = new Uint8Array(4);
 * chunk.buffer.transfer();
 * try {
 *   requireAttached(chunk);
 * } catch (error) {
 *   error instanceof TypeError; // true
 * }
 * ```
 */
export function requireAttached<V extends ArrayBufferView>(view: V): V {
  if (view.byteLength === 0 && isDetached(view)) {
    throw new TypeError(
      "a chunk's buffer was detached (transferred) after it was written to the stream and before the stream " +
        "used it: a stream holds its chunks, so keep a chunk's memory until its write is done",
    );
  }
  return view;
}
