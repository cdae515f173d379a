/**
 * {@linkcode Serializer}: whole-message reads on one handle take turns.
 *
 * @module
 */

/**
 * A sequence of async sections that must not interleave (whole-message
 * reads). A section starts at once, within the call, when none is running;
 * otherwise it waits for the one before it.
 */
export class Serializer {
  #tail: Promise<unknown> = Promise.resolve();
  #running = 0;

  /** True when a section would start at once. */
  get idle(): boolean {
    return this.#running === 0;
  }

  run<T>(section: () => Promise<T>): Promise<T> {
    const guarded = async () => {
      this.#running++;
      try {
        return await section();
      } finally {
        this.#running--;
      }
    };
    const result = this.#running === 0 ? guarded() : this.#tail.then(guarded, guarded);
    this.#tail = result.catch(() => {});
    return result;
  }
}
