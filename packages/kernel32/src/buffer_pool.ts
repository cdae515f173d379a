/**
 * {@linkcode BufferPool}: the data buffers the kernel32 layer hands to the
 * kernel, kept for reuse between operations: a write's copy once the write
 * has completed, a read's buffer once its reader has copied the bytes out
 * and called `release`. Why (V8's cost of large fresh buffers) and what it
 * bought: docs/kernel32.md ("Memory the kernel writes later"); which memory
 * the kernel gets: docs/buffer-ownership.md.
 *
 * @module
 */

/** The smallest buffer made: smaller requests share its size class. */
const MIN_CAPACITY = 64;
/** Buffers larger than this are not kept. */
const MAX_POOLED = 16 * 1024 * 1024;
/** Free buffers of one size class are kept up to this many bytes in all... */
const BYTES_PER_CLASS = 1024 * 1024;
/** ...but at least this many buffers (the large classes)... */
const MIN_PER_CLASS = 4;
/** ...and at most this many (the small ones). */
const MAX_PER_CLASS = 64;

/**
 * Free buffers by capacity (powers of two from 64 bytes to 16 MiB): up to
 * 1 MiB of each class, at least four and at most 64 buffers, so that
 * operations started together (a batch of completions whose continuations
 * each start the next read, writes to several pipes at once) find their
 * buffers again instead of each beyond the fourth making a fresh one. A
 * buffer is in the pool only while no operation and no caller uses it.
 */
export class BufferPool {
  readonly #free = new Map<number, Uint8Array<ArrayBuffer>[]>();

  /** A buffer of at least `length` bytes, each backed by an ArrayBuffer of its own. */
  take(length: number): Uint8Array<ArrayBuffer> {
    const capacity = capacityFor(length);
    const reused = this.#free.get(capacity)?.pop();
    return reused ?? new Uint8Array(new ArrayBuffer(capacity));
  }

  /** Gives `buffer` (from {@linkcode BufferPool.take}) back; nothing may use it afterwards. */
  give(buffer: Uint8Array<ArrayBuffer>): void {
    const capacity = buffer.buffer.byteLength;
    if (capacity > MAX_POOLED || capacity !== capacityFor(capacity)) return;
    let free = this.#free.get(capacity);
    if (free === undefined) this.#free.set(capacity, free = []);
    if (free.length < keptOf(capacity)) free.push(new Uint8Array(buffer.buffer));
  }
}

/** How many free buffers of size class `capacity` are kept. */
function keptOf(capacity: number): number {
  return Math.min(MAX_PER_CLASS, Math.max(MIN_PER_CLASS, BYTES_PER_CLASS / capacity));
}

/** The size class of `length`: the next power of two, at least 64; exact above 16 MiB. */
function capacityFor(length: number): number {
  if (length <= MIN_CAPACITY) return MIN_CAPACITY;
  if (length > MAX_POOLED) return length;
  return 2 ** Math.ceil(Math.log2(length));
}
