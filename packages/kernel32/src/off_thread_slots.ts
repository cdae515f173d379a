/**
 * {@linkcode OffThreadSlots}: how many NT calls wait off the main thread at
 * once (flushes, and I/O on synchronous handles), and the queue of those
 * waiting for a slot.
 *
 * @module
 */

/**
 * The binding's `offThreadSlots` bounds how many such calls wait at once,
 * so that calls waiting for something this process must do (a flush
 * waiting for a reader here) can never take every thread and starve the
 * completion port.
 */
export class OffThreadSlots {
  readonly #limit: number;
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Takes a slot: undefined when one was free, otherwise a promise that
   * resolves when one is, or rejects with `abortError()` if `signal` aborts
   * first.
   */
  take(signal: AbortSignal | undefined, abortError: () => Error): Promise<void> | undefined {
    if (this.#running < this.#limit) {
      this.#running++;
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", abort);
        this.#running++;
        resolve();
      };
      const abort = () => {
        const at = this.#queue.indexOf(grant);
        if (at >= 0) this.#queue.splice(at, 1);
        reject(abortError());
      };
      this.#queue.push(grant);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }

  /** Gives a slot back when its call has returned. */
  release(): void {
    this.#running--;
    this.#queue.shift()?.();
  }
}
