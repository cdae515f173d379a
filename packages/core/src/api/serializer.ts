/**
 * {@linkcode Serializer}: operations on one handle or server that must take
 * turns (whole-message reads, accepts).
 *
 * @module
 */
import { abortError } from "../errors.ts";

/**
 * A sequence of async sections that must not interleave (whole-message
 * reads, accepts). A section starts at once, within the call, when none is
 * running; otherwise it waits for the one before it. A section that waits
 * with a `signal` gives up its turn when the signal aborts: it rejects at
 * once with the signal's reason and never runs, and the sections behind it
 * still wait for the ones before it.
 */
export class Serializer {
  #tail: Promise<unknown> = Promise.resolve();
  /** Sections running or waiting for their turn. */
  #active = 0;

  /** True when a section would start at once. */
  get idle(): boolean {
    return this.#active === 0;
  }

  run<T>(section: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const guarded = async () => {
      try {
        return await section();
      } finally {
        this.#active--;
      }
    };
    if (this.#active++ === 0) {
      const result = guarded();
      this.#tail = result.catch(() => {});
      return result;
    }
    const before = this.#tail;
    let gaveUp = false;
    return new Promise<T>((resolve, reject) => {
      const giveUp = () => {
        gaveUp = true;
        this.#active--;
        reject(abortError(signal));
      };
      if (signal?.aborted) giveUp();
      else signal?.addEventListener("abort", giveUp, { once: true });
      // The next section waits for this one's turn to end: this section's run, or the one before it if this gave up.
      this.#tail = before.then(() => {
        signal?.removeEventListener("abort", giveUp);
        if (gaveUp) return;
        const result = guarded();
        result.then(resolve, reject);
        return result.catch(() => {});
      });
    });
  }
}
