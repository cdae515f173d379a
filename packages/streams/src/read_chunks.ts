/**
 * {@linkcode ChunkReads}: the reads of a byte stream whose every chunk is
 * handed over to be kept.
 *
 * @module
 */
import type { PipeConnection, PipeReader, ReadData } from "@winpipe/core";
import { keepBytes } from "@winpipe/core/internal";
import { readSomeOwned } from "./read_some.ts";
import { READ_SIZES, ReadSize } from "./read_size.ts";

/**
 * How big the reads are, and what becomes of their memory, when the reader
 * keeps each chunk (a default reader of a byte readable, a Node Duplex):
 * each read asks for `chunkSize` bytes or, without one, for the size
 * {@linkcode ReadSize} adapts within {@linkcode READ_SIZES}, and is read
 * with `readOwned` (@winpipe/core/internal) into memory the backend hands
 * over, and kept as `keepBytes` (@winpipe/core/internal) keeps it: a chunk
 * that fills more than half of that memory is the memory itself (the
 * kernel's copy is the only one; the rest of it zeroed). A smaller one is
 * copied out, so that a 4-byte chunk does not keep 256 KiB alive, and the
 * read's memory goes back to the backend for the next read. Before, every read went into
 * a buffer of the stream's and was copied there from the backend's; under
 * Wine that copy into fresh memory cost bun.exe about a sixth of a 256 KiB
 * read's throughput (docs/benchmarks.md, "The default reader's chunks
 * without a copy").
 *
 * @example
 * ```ts
 * import { ChunkReads } from "./read_chunks.ts";
 * const reads = new ChunkReads(undefined); // adaptive: 64 KiB to 256 KiB
 * reads.size; // 65536
 * const read = { bytes: new Uint8Array(65536), messageComplete: true };
 * reads.chunk(read) === read.bytes; // true: handed over as it is, and the next read asks for 128 KiB
 * reads.size; // 131072
 * const short = { bytes: new Uint8Array(new ArrayBuffer(131072), 0, 100), messageComplete: true };
 * reads.chunk(short).buffer.byteLength; // 100: copied out of the 128 KiB
 * ```
 */
export class ChunkReads {
  readonly #size: ReadSize;

  /** `chunkSize`: the size of every read; undefined, the size adapts. */
  constructor(chunkSize: number | undefined) {
    this.#size = chunkSize === undefined
      ? new ReadSize(READ_SIZES.min, READ_SIZES.max)
      : new ReadSize(chunkSize, chunkSize);
  }

  /** How many bytes the next read asks for. */
  get size(): number {
    return this.#size.next;
  }

  /** The chunk a read of {@linkcode ChunkReads.size} bytes delivered (more than 0 bytes). */
  chunk(read: ReadData): Uint8Array<ArrayBuffer> {
    this.#size.update(read.bytes.length);
    return keepBytes(read);
  }

  /**
   * The next chunk of `handle` (a read of {@linkcode ChunkReads.size} bytes, kept), or null at the end of the
   * data (with `emptyEnds`, also at a read of 0 bytes: see readSome).
   */
  read(
    handle: PipeConnection | PipeReader,
    signal: AbortSignal,
    emptyEnds = false,
  ): Promise<Uint8Array<ArrayBuffer> | null> {
    return readSomeOwned(handle, this.size, signal, emptyEnds).then((read) => read === null ? null : this.chunk(read));
  }
}
