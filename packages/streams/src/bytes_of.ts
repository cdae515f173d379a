/**
 * {@linkcode bytesOf}: the bytes of a chunk written to a stream.
 *
 * @module
 */
import { show } from "@winpipe/core/internal";

/**
 * A chunk as a Uint8Array over the same memory (never a copy): chunks may be
 * Uint8Arrays, other ArrayBufferViews or ArrayBuffers. Anything else is a
 * TypeError; a string gets a hint to encode it first.
 */
export function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  const hint = typeof chunk === "string" ? " (pipe text through a TextEncoderStream first)" : "";
  throw new TypeError(`Chunk must be a Uint8Array, an ArrayBufferView or an ArrayBuffer: got ${show(chunk)}${hint}`);
}
