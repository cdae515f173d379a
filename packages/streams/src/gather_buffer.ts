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
 * bytes over as one view and starts an empty gather; once the view's write
 * was issued (the backend copies the bytes during the call:
 * docs/buffer-ownership.md), {@linkcode GatherBuffer.recycle} gives its memory
 * back, so a steady stream of gathers allocates nothing;
 * {@linkcode GatherBuffer.release} drops it once the writer is idle.
 *
 * @example
 * ```ts
 * import { GatherBuffer } from "./gather_buffer.ts";
 * const gather = new GatherBuffer(65536);
 * gather.append(new Uint8Array([1, 2]));
 * gather.append(new Uint8Array([3]));
 * const bytes = gather.take(); // Uint8Array [1, 2, 3]
 * gather.recycle(bytes); // after the write that took `bytes` was issued
 * gather.append(new Uint8Array([4])); // reuses the recycled memory
 * gather.take(); // Uint8Array [4]
 * gather.release(); // the writer is idle: nothing kept
 * ```
 */
export class GatherBuffer {
  readonly limit: number;
  #buffer: Uint8Array<ArrayBuffer> | undefined;
  /** A taken buffer given back, used by the next gather. */
  #spare: Uint8Array<ArrayBuffer> | undefined;
  #length = 0;
  /** The length of the chunk appended last. */
  #last = 0;

  constructor(limit: number) {
    this.limit = limit;
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
      const spare = this.#spare;
      if (buffer === undefined && spare !== undefined && spare.length >= needed) {
        buffer = spare;
        this.#spare = undefined;
      } else {
        let capacity = Math.max(FIRST_CAPACITY, buffer?.length ?? 0);
        while (capacity < needed) capacity *= 2;
        const grown = new Uint8Array(Math.min(capacity, Math.max(this.limit, needed)));
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

  /** Gives back the memory of a view from {@linkcode GatherBuffer.take} that nothing reads any more. */
  recycle(bytes: Uint8Array<ArrayBuffer>): void {
    const whole = new Uint8Array(bytes.buffer);
    if (this.#spare === undefined || this.#spare.length < whole.length) this.#spare = whole;
  }

  /** Lets the memory kept for reuse go (the writer is idle): an idle stream holds no gather. */
  release(): void {
    this.#spare = undefined;
  }
}
