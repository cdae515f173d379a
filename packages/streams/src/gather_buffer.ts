/**
 * {@linkcode GatherBuffer}: the bytes a writable has accepted but not yet
 * handed to WriteFile, copied into one buffer that is reused.
 *
 * @module
 */

/** The first capacity of a gather; it doubles as bytes come, up to its limit. */
const FIRST_CAPACITY = 4096;

/**
 * Chunks copied end to end into one buffer of at most `limit` bytes, so that
 * they go to the kernel as one write. {@linkcode GatherBuffer.take} hands the
 * bytes over as one view and starts an empty gather; the view's memory is
 * the kernel's while its write is pending (the writable hands it over:
 * `writeOwned`, docs/buffer-ownership.md), and once that write has settled
 * {@linkcode GatherBuffer.recycle} gives it back (up to `spares` buffers are
 * kept), so a steady stream of gathers allocates nothing;
 * {@linkcode GatherBuffer.release} drops them once the writer is idle. Each
 * buffer is an ArrayBuffer of its own, as memory handed to the kernel must be.
 *
 * @example
 * ```ts
 * import { GatherBuffer } from "./gather_buffer.ts";
 * const gather = new GatherBuffer(65536, 2);
 * gather.append(new Uint8Array([1, 2]));
 * gather.append(new Uint8Array([3]));
 * const bytes = gather.take(); // Uint8Array [1, 2, 3]
 * gather.recycle(bytes); // after the write that took `bytes` has settled
 * gather.append(new Uint8Array([4])); // reuses the recycled memory
 * gather.take(); // Uint8Array [4]
 * gather.release(); // the writer is idle: nothing kept
 * ```
 */
export class GatherBuffer {
  readonly limit: number;
  #buffer: Uint8Array<ArrayBuffer> | undefined;
  /** How many given-back buffers are kept. */
  readonly #keep: number;
  /** Taken buffers given back, for the next gathers. */
  #spares: Uint8Array<ArrayBuffer>[] = [];
  #length = 0;
  /** The length of the chunk appended last. */
  #last = 0;

  /** `spares`: how many given-back buffers to keep (the writes that may be pending at once). */
  constructor(limit: number, spares: number) {
    this.limit = limit;
    this.#keep = spares;
  }

  /** How many bytes are gathered. */
  get length(): number {
    return this.#length;
  }

  /** Whether `bytes` more still fit within the limit. */
  fits(bytes: number): boolean {
    return this.#length + bytes <= this.limit;
  }

  /**
   * Whether the gather is as full as the producer will make it: one more
   * chunk of the size appended last would not fit.
   */
  get full(): boolean {
    return this.#length > 0 && !this.fits(this.#last);
  }

  /** Copies `bytes` after what is gathered; the caller checked that they fit. */
  append(bytes: Uint8Array): void {
    this.#last = bytes.length;
    const needed = this.#length + bytes.length;
    let buffer = this.#buffer;
    if (buffer === undefined || buffer.length < needed) {
      // The spare given back last is the one the kernel read last: the likeliest still in the CPU's caches.
      const spare = buffer === undefined ? this.#spares.findLastIndex((spare) => spare.length >= needed) : -1;
      if (spare >= 0) {
        buffer = this.#spares.splice(spare, 1)[0];
      } else {
        let capacity = Math.max(FIRST_CAPACITY, buffer?.length ?? 0);
        while (capacity < needed) capacity *= 2;
        const grown = new Uint8Array(new ArrayBuffer(Math.min(capacity, Math.max(this.limit, needed))));
        if (buffer !== undefined) grown.set(buffer.subarray(0, this.#length));
        buffer = grown;
      }
      this.#buffer = buffer;
    }
    buffer.set(bytes, this.#length);
    this.#length = needed;
  }

  /** The gathered bytes as one view; the gather is empty afterwards and no longer touches the view. */
  take(): Uint8Array<ArrayBuffer> {
    const bytes = this.#buffer!.subarray(0, this.#length);
    this.#buffer = undefined;
    this.#length = 0;
    return bytes;
  }

  /**
   * Gives back the memory of a view from {@linkcode GatherBuffer.take} that
   * nothing uses any more (its write has settled). Beyond `spares` kept, the
   * smallest goes (the larger a spare, the more gathers it can take).
   */
  recycle(bytes: Uint8Array<ArrayBuffer>): void {
    const spares = this.#spares;
    spares.push(new Uint8Array(bytes.buffer));
    if (spares.length > this.#keep) {
      let smallest = 0;
      for (let i = 1; i < spares.length; i++) if (spares[i].length < spares[smallest].length) smallest = i;
      spares.splice(smallest, 1);
    }
  }

  /** Lets the memory kept for reuse go (the writer is idle): an idle stream holds no gather. */
  release(): void {
    this.#spares = [];
  }
}
