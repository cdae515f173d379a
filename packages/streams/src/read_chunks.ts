/**
 * {@linkcode ChunkReads}: the memory of a byte stream's reads when each
 * chunk read is handed over to be kept.
 *
 * @module
 */
import { READ_SIZES, ReadSize } from "./read_size.ts";

/**
 * Buffers for reads whose chunks their reader keeps (a default reader of a
 * byte readable, a Node Duplex): each read fills a buffer of `chunkSize`
 * bytes, or, without one, of the size {@linkcode ReadSize} adapts within
 * {@linkcode READ_SIZES}. A chunk that filled more than half of its
 * buffer is handed over as it is; a smaller one is copied out, so that a
 * 4-byte chunk does not keep 256 KiB alive, and its buffer serves the next
 * read of the same size. Memory a chunk was copied into is fresh memory,
 * which costs about as much as a fresh buffer (tens of µs per 64 KiB,
 * docs/benchmarks.md); reusing the buffer saves the other.
 *
 * @example
 * ```ts
 * import { ChunkReads } from "./read_chunks.ts";
 * const reads = new ChunkReads(undefined); // adaptive: 64 KiB to 256 KiB
 * const first = reads.target(); // 64 KiB, fresh
 * reads.chunk(first, 65536).buffer === first.buffer; // true: handed over, the next read asks for 128 KiB
 * const second = reads.target();
 * reads.chunk(second, 65536).buffer === second.buffer; // false: copied out
 * reads.target() === second; // true: the next read of 128 KiB reuses it
 * ```
 */
export class ChunkReads {
  readonly #size: ReadSize;
  /** The buffer of a read whose bytes were copied out: the next read's, if it asks for its size. */
  #spare: Uint8Array<ArrayBuffer> | undefined;

  /** `chunkSize`: the size of every read; undefined, the size adapts. */
  constructor(chunkSize: number | undefined) {
    this.#size = chunkSize === undefined
      ? new ReadSize(READ_SIZES.min, READ_SIZES.max)
      : new ReadSize(chunkSize, chunkSize);
  }

  /** The buffer the next read fills: the spare if it has the size asked for, else a fresh one. */
  target(): Uint8Array<ArrayBuffer> {
    const length = this.#size.next;
    const spare = this.#spare;
    this.#spare = undefined;
    return spare?.length === length ? spare : new Uint8Array(length);
  }

  /** The chunk of `bytesRead` (> 0) bytes a read put at the start of `target` (from {@linkcode ChunkReads.target}). */
  chunk(target: Uint8Array<ArrayBuffer>, bytesRead: number): Uint8Array<ArrayBuffer> {
    this.#size.update(bytesRead);
    if (bytesRead * 2 > target.length) return target.subarray(0, bytesRead);
    this.#spare = target;
    return target.slice(0, bytesRead);
  }
}
