/**
 * {@linkcode keepBytes}: the bytes of a read in memory the caller can keep
 * and hand on.
 *
 * @module
 */
import type { ReadData } from "./port.ts";

/**
 * The bytes of `read` in memory that holds nothing else, for a caller that
 * keeps them or hands them on (a stream's chunk, a whole message). When they
 * fill more than half of the buffer the backend read them into, that buffer
 * itself, with the rest of it zeroed: a backend reuses its buffers (kernel32
 * keeps them in a pool), so without that the chunk's `buffer` would show
 * what an earlier read or write of the process left there, another
 * connection's data included. Otherwise a copy, and the read's buffer goes
 * back to its backend (`release`), so that a 4-byte chunk does not keep
 * 256 KiB alive.
 *
 * @example
 * ```ts
 * import { keepBytes } from "@winpipe/core/internal";
 * const memory = new Uint8Array(8).fill(0xee); // an earlier use left 0xee here
 * memory.set([1, 2, 3, 4, 5]);
 * const kept = keepBytes({ bytes: memory.subarray(0, 5), messageComplete: true });
 * kept.buffer === memory.buffer; // true: handed over, not copied
 * new Uint8Array(kept.buffer); // Uint8Array [1, 2, 3, 4, 5, 0, 0, 0]
 * const small = keepBytes({ bytes: memory.subarray(0, 2), messageComplete: true });
 * small.buffer.byteLength; // 2: copied out
 * ```
 */
export function keepBytes(read: ReadData): Uint8Array<ArrayBuffer> {
  const { bytes } = read;
  const memory = bytes.buffer;
  if (bytes.byteOffset === 0 && bytes.length * 2 > memory.byteLength) {
    if (bytes.length < memory.byteLength) new Uint8Array(memory, bytes.length).fill(0);
    return bytes;
  }
  const copy = bytes.slice();
  read.release?.();
  return copy;
}
