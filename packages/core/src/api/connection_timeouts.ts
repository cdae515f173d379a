/**
 * Timeouts of a connection, so that a slow or silent peer does not hold it
 * forever: an idle timeout (nothing read or written for a while closes the
 * connection) and a per-read timeout (a read that gets no data in time
 * fails, the connection stays).
 *
 * @module
 */
import { abortError } from "../errors.ts";
import { requireInteger } from "../validate.ts";
import { refTimer, unrefTimer } from "./signals.ts";

/** The longest delay setTimeout keeps (a longer one fires at once). */
const LONGEST_TIMER_MS = 0x7fffffff;

/**
 * The timeout options of connections (connect) and of the instances a server hands out (createServer, createNamedPipe).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\timeouts`;
 * using server = createServer(name, { idleTimeout: 60_000 }); // each accepted connection closes after a minute of silence
 * await using client = await connect(name, { readTimeout: 10 });
 * await client.read(new Uint8Array(16)).catch((err) => err.name); // "TimeoutError": nothing came within 10 ms
 * ```
 */
export interface ConnectionTimeoutOptions {
  /**
   * Close the connection once nothing was read or written on it for this
   * many ms: operations pending then reject with a DOMException named
   * "TimeoutError", then the handle is closed (an instance of a server goes
   * back to it). Counted from the connection (for a server instance, from
   * its client's arrival as `accept`, `connect` or `tryConnect` reports it:
   * a client can open an instance before any ConnectNamedPipe, and an
   * instance of `createNamedPipe` on which neither is called has no idle
   * clock) and from each completed read or write. A single
   * write that waits longer than this for the reader counts as idle. Default
   * Infinity: no idle timeout.
   */
  idleTimeout?: number;
  /**
   * Each read (`read`, `tryRead`, `readMessage` until the first part of the
   * message, `transact` until its reply starts, and so the reads of
   * `readable`) that gets no data within this many ms is cancelled and
   * rejects with a DOMException named "TimeoutError"; nothing is lost and
   * the connection stays open. It composes with the call's own `signal`
   * (the first to fire wins, as with `AbortSignal.any`). Default Infinity.
   */
  readTimeout?: number;
}

/** Validated timeouts, in ms; Infinity where there is none. */
export interface ConnectionTimeouts {
  readonly idle: number;
  readonly read: number;
}

function timeoutOption(value: unknown, what: string): number {
  if (value === undefined || value === Infinity) return Infinity;
  return requireInteger(value, what, 1, LONGEST_TIMER_MS);
}

/** Validates the timeout options; undefined when neither is set (the connection then pays nothing for them). */
export function connectionTimeouts(options: ConnectionTimeoutOptions): ConnectionTimeouts | undefined {
  const idle = timeoutOption(options.idleTimeout, "idleTimeout");
  const read = timeoutOption(options.readTimeout, "readTimeout");
  return idle === Infinity && read === Infinity ? undefined : { idle, read };
}

function timeoutError(message: string): DOMException {
  return new DOMException(message, "TimeoutError");
}

/**
 * The deadlines of one connection. Each operation runs with a signal that
 * aborts at the first of its caller's signal, the idle timeout and (for
 * reads) the read timeout; the listeners and timers it adds are removed
 * when it settles, so that a long-lived connection accumulates nothing.
 */
export class ConnectionDeadlines {
  readonly #timeouts: ConnectionTimeouts;
  readonly #pipeName: string | undefined;
  readonly #onIdle: () => void;
  readonly #idle = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;
  #stopped = false;

  /** `onIdle` closes the connection, once the idle timeout fired and the operations it aborted have settled. */
  constructor(timeouts: ConnectionTimeouts, pipeName: string | undefined, onIdle: () => void) {
    this.#timeouts = timeouts;
    this.#pipeName = pipeName;
    this.#onIdle = onIdle;
  }

  /** Starts the idle clock (a client: now; a server instance: when its client arrived). */
  start(): void {
    if (this.#stopped || this.#timer !== undefined || this.#timeouts.idle === Infinity) return;
    this.#lastActivity = performance.now();
    this.#schedule(this.#timeouts.idle);
  }

  /** Something was read or written: the idle clock starts again (a timestamp, no timer is reset). */
  activity(): void {
    this.#lastActivity = performance.now();
  }

  /** The connection is closed: no timer is left behind. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), ms);
    // The idle clock keeps the process alive only while an operation waits on it.
    if (this.#inFlight.size === 0) unrefTimer(this.#timer);
  }

  #check(): void {
    if (this.#stopped) return;
    const quiet = performance.now() - this.#lastActivity;
    if (quiet < this.#timeouts.idle) {
      this.#schedule(Math.ceil(this.#timeouts.idle - quiet));
      return;
    }
    this.#timer = undefined;
    const where = this.#pipeName === undefined ? "" : `"${this.#pipeName}": `;
    this.#idle.abort(
      timeoutError(`${where}nothing was read or written for ${this.#timeouts.idle} ms (idleTimeout); closed`),
    );
    // Close once the aborted operations have settled, so that each reports the timeout, not a closed handle.
    void Promise.allSettled([...this.#inFlight]).then(() => this.#onIdle());
  }

  /**
   * Runs `operation` with a signal that aborts at the first of `signal`,
   * the idle timeout and, when `read` is true, the read timeout; `what`
   * names it in the read timeout's message.
   */
  async run<T>(
    what: string,
    signal: AbortSignal | undefined,
    read: boolean,
    operation: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#idle.signal.aborted) throw abortError(this.#idle.signal);
    if (signal?.aborted) throw abortError(signal);
    const linked = new AbortController();
    const sources = [this.#idle.signal, ...(signal ? [signal] : [])];
    const follow = () => linked.abort(sources.find((source) => source.aborted)!.reason);
    for (const source of sources) source.addEventListener("abort", follow, { once: true });
    const readTimer = read && this.#timeouts.read !== Infinity
      ? setTimeout(() => {
        const where = this.#pipeName === undefined ? what : `${what} "${this.#pipeName}"`;
        linked.abort(timeoutError(`${where}: no data within ${this.#timeouts.read} ms (readTimeout)`));
      }, this.#timeouts.read)
      : undefined;
    const running = operation(linked.signal);
    this.#inFlight.add(running);
    if (this.#inFlight.size === 1 && this.#timer !== undefined) refTimer(this.#timer);
    try {
      const result = await running;
      this.activity();
      return result;
    } finally {
      clearTimeout(readTimer);
      for (const source of sources) source.removeEventListener("abort", follow);
      this.#inFlight.delete(running);
      if (this.#inFlight.size === 0 && this.#timer !== undefined) unrefTimer(this.#timer);
    }
  }
}
