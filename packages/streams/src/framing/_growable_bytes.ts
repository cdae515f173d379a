/**
 * {@linkcode GrowableBytes}: the bytes a decoder holds across chunks (not
 * exported by mod.ts).
 *
 * @module
 */

/**
 * Bytes gathered across chunks (a partial line, a header block) in one
 * buffer that grows as needed, never beyond `capacity` bytes: the decoders
 * check their limits before appending, so this is where their memory bound
 * shows.
 */
export class GrowableBytes {
  readonly #capacity: number;
  #buffer = new Uint8Array(0);
  #length = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many bytes are held. */
  get length(): number {
    return this.#length;
  }

  /** The bytes held: a view that is valid until the next append or clear. */
  view(): Uint8Array<ArrayBuffer> {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Appends a copy of `bytes`. Throws a RangeError past the capacity (a decoder checked its limit wrongly). */
  append(bytes: Uint8Array): void {
    const needed = this.#length + bytes.length;
    if (needed > this.#capacity) {
      throw new RangeError(`GrowableBytes: ${needed} bytes exceed the capacity of ${this.#capacity}`);
    }
    if (needed > this.#buffer.length) {
      // Doubling keeps appends amortised O(1); the capacity caps the last step.
      const grown = new Uint8Array(Math.min(this.#capacity, Math.max(needed, this.#buffer.length * 2, 256)));
      grown.set(this.view());
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#length);
    this.#length = needed;
  }

  /** Forgets the bytes held. A buffer that grew large is dropped, so that one long line does not pin its memory. */
  clear(): void {
    this.#length = 0;
    if (this.#buffer.length > 64 * 1024) this.#buffer = new Uint8Array(0);
  }
}
