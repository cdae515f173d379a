/**
 * {@linkcode ReadSize}: how much a byte stream's next read asks for.
 *
 * @module
 */

/**
 * The sizes a byte readable's reads adapt between when no `chunkSize` was
 * given: they start at `min` (libuv's 64 KiB) and double, up to `max`,
 * while reads keep filling their buffer (a writer that is ahead: fewer,
 * larger ReadFiles, each one kernel operation), and halve when a read
 * returns a quarter of its buffer or less (the pipe ran dry: a pending read
 * holds little memory again). Measured in docs/benchmarks.md ("Streams:
 * larger writes and reads while data waits", and "A read size that holds"
 * for the quarter).
 */
export const READ_SIZES = { min: 64 * 1024, max: 256 * 1024 } as const;

/**
 * The size of the next read of a byte stream: fixed, or adapting to how
 * full the previous reads came back (within `min` and `max`).
 *
 * @example
 * ```ts
 * import { ReadSize } from "./read_size.ts";
 * const size = new ReadSize(65536, 262144);
 * size.next; // 65536
 * size.update(65536); // the read filled its buffer
 * size.next; // 131072
 * size.update(65536); // half of it: the writer's writes are 64 KiB, the size holds
 * size.next; // 131072
 * size.update(100); // the pipe ran dry
 * size.next; // 65536
 * ```
 */
export class ReadSize {
  readonly #min: number;
  readonly #max: number;
  #next: number;

  constructor(min: number, max: number) {
    this.#min = min;
    this.#max = max;
    this.#next = min;
  }

  /** How many bytes the next read asks for. */
  get next(): number {
    return this.#next;
  }

  /**
   * Learns from a read of `next` bytes that returned `bytesRead`. It halves
   * at a quarter, not at half: halving at half, a writer of 64 KiB writes
   * made the size swing between 64 and 128 KiB, and every other read took a
   * fresh 128 KiB buffer for 64 KiB.
   */
  update(bytesRead: number): void {
    if (bytesRead >= this.#next) this.#next = Math.min(this.#max, this.#next * 2);
    else if (bytesRead * 4 <= this.#next) this.#next = Math.max(this.#min, this.#next / 2);
  }
}
