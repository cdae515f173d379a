/**
 * {@linkcode EventLoopTurns}: promises that resolve on a later turn of the
 * event loop, cheaply, so that polling the completion port between turns
 * lets timers, other I/O and other tasks run.
 *
 * Each runtime has its own cheapest fair turn, measured under Wine 10
 * (docs/benchmarks.md, "Cheaper polling phases"):
 *
 * - Deno: `setImmediate`, 4.6 µs a turn. A MessageChannel message costs 6.8
 *   µs, and a fresh channel for each polling phase 36 µs; a chain of
 *   channel messages also held back a 5 ms timer until 27 ms, where the
 *   same chain of `setImmediate` turns let it run at 6.5 ms.
 * - Bun: a MessageChannel message, 3.5 µs, where `setImmediate` costs 59
 *   µs. A port with a listener keeps the process alive, so the completion
 *   port's one channel has a listener only during a polling phase (4.3 µs
 *   a phase, where making and closing a channel for each phase cost 17
 *   µs).
 *
 * `setTimeout(0)` is no option in either: it is clamped to 1-2 ms.
 *
 * @module
 */
import { afterThisTask } from "@winpipe/core/internal";

/**
 * How a runtime turns its event loop most cheaply (see the module
 * documentation); each binding names its own.
 *
 * @example
 * ```ts
 * import type { EventLoopTurnKind } from "@winpipe/kernel32";
 * const deno: EventLoopTurnKind = "setImmediate";
 * const bun: EventLoopTurnKind = "MessageChannel";
 * ```
 */
export type EventLoopTurnKind = "setImmediate" | "MessageChannel";

/**
 * Turns of the event loop for the polling phases of one completion port:
 * between `open()` and `close()`, {@linkcode EventLoopTurns.next} resolves
 * after the runtime has run whatever else was ready. One `next()` at a
 * time; after `close()` a pending one never resolves, so await none.
 *
 * @example
 * ```ts
 * import { EventLoopTurns } from "./event_loop_turn.ts";
 * const turns = new EventLoopTurns("MessageChannel");
 * turns.open();
 * await turns.next(); // timers and I/O that were ready have had their turn
 * turns.close(); // the process may exit again
 * ```
 */
export class EventLoopTurns {
  /** MessageChannel turns: one channel for every phase; none for `setImmediate` turns. */
  readonly #channel: MessageChannel | undefined;
  #resolve: (() => void) | undefined;
  readonly #deliver = () => {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.();
  };

  constructor(kind: EventLoopTurnKind) {
    // A channel without a listener keeps no Bun process alive (it does keep a Deno one: Deno uses setImmediate).
    this.#channel = kind === "MessageChannel" ? new MessageChannel() : undefined;
  }

  /** Starts a phase (MessageChannel: the port listens, which keeps the process alive). */
  open(): void {
    if (this.#channel !== undefined) this.#channel.port1.onmessage = this.#deliver;
  }

  /** Resolves on a later turn of the event loop. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#channel === undefined) {
        afterThisTask(resolve);
      } else {
        this.#resolve = resolve;
        this.#channel.port2.postMessage(null);
      }
    });
  }

  /** Ends the phase: nothing of it keeps the process alive any more. */
  close(): void {
    if (this.#channel === undefined) return;
    this.#resolve = undefined;
    this.#channel.port1.onmessage = null;
  }
}
