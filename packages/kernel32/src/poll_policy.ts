/**
 * {@linkcode PollPolicy}: when the main thread polls the completion port
 * itself instead of handing the wait to another thread, and for how long.
 *
 * A completion that reaches JavaScript through the off-thread waiter costs
 * two thread hand-overs (the waiter wakes, then wakes the event loop); under
 * Wine each is a round of wineserver requests worth about 100 µs of latency
 * (docs/benchmarks.md). A completion found by the main thread's own
 * GetQueuedCompletionStatusEx with a zero time-out costs neither. So while
 * completions keep arriving soon after operations pend (a request/reply
 * exchange, a busy server) the port is polled between turns of the event
 * loop; once none has arrived for a whole window the wait goes back to the
 * off-thread waiter, and nothing runs while nothing happens.
 *
 * Adaptive: a polling phase that found nothing at all cost a window of busy
 * CPU for no gain, so after such misses the next phases are skipped (1, 3,
 * 7, ... up to 63 operations that pend), and polling comes back with the
 * first phase that finds something.
 *
 * @module
 */

/** How the completion port waits; see {@linkcode PollPolicy}. */
export interface PollSettings {
  /**
   * How long the main thread keeps polling after the last completion it
   * found (or after the operation that started the phase pended), in
   * microseconds. 0 turns polling off: every wait goes to the off-thread
   * waiter at once.
   */
  windowMicros: number;
}

/**
 * The default window. Measured under Wine 10 on 2 CPUs (docs/benchmarks.md):
 * a 64-byte reply arrives 150-400 µs after its request, so a shorter window
 * misses most round trips.
 *
 * @example
 * ```ts
 * import { DEFAULT_POLL_WINDOW_MICROS } from "@winpipe/kernel32";
 * DEFAULT_POLL_WINDOW_MICROS; // 1000: what kernel32.setWaitOptions starts from
 * ```
 */
export const DEFAULT_POLL_WINDOW_MICROS = 1000;

/** Operations skipped after the most consecutive misses: 2^6 - 1. */
const MAX_SKIP_SHIFT = 6;

/**
 * The decisions of one completion port: whether an operation that pended
 * starts a polling phase, and when a phase is over.
 *
 * @example
 * ```ts
 * import { PollPolicy } from "./poll_policy.ts";
 * const policy = new PollPolicy({ windowMicros: 500 });
 * policy.shouldPoll(); // true
 * policy.phaseEnded(0); // a phase that found nothing: the next operation goes straight to the waiter
 * policy.shouldPoll(); // false
 * policy.shouldPoll(); // true (probing again)
 * ```
 */
export class PollPolicy {
  #windowMs: number;
  /** Consecutive phases that found nothing. */
  #misses = 0;
  /** Operations that pend without polling before the next phase may start. */
  #skip = 0;

  constructor(settings: PollSettings) {
    this.#windowMs = settings.windowMicros / 1000;
  }

  /** The window in milliseconds (performance.now() units); 0 when polling is off. */
  get windowMs(): number {
    return this.#windowMs;
  }

  /** Changes the settings; the history of hits and misses is kept. */
  configure(settings: PollSettings): void {
    this.#windowMs = settings.windowMicros / 1000;
  }

  /** Whether an operation that has just pended (with no phase running) should start a polling phase. */
  shouldPoll(): boolean {
    if (this.#windowMs <= 0) return false;
    if (this.#skip > 0) {
      this.#skip--;
      return false;
    }
    return true;
  }

  /** Whether a phase whose last completion (or start) was at `since` is over at `now` (both in ms). */
  expired(since: number, now: number): boolean {
    return now - since >= this.#windowMs;
  }

  /** Records how many completions a phase found; a phase that found none backs polling off. */
  phaseEnded(found: number): void {
    if (found > 0) {
      this.#misses = 0;
      this.#skip = 0;
      return;
    }
    this.#misses = Math.min(this.#misses + 1, MAX_SKIP_SHIFT);
    this.#skip = 2 ** this.#misses - 1;
  }
}
