/**
 * Waiting with an AbortSignal: the option every call that can wait takes, a
 * delay that an abort ends, and the backoff of calls that poll (a
 * nonblocking handle gets no notice of data or room).
 *
 * @module
 */
import { abortError } from "../errors.ts";

/**
 * Options of calls that can wait.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { SignalOptions } from "@winpipe/core";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const options: SignalOptions = { signal: AbortSignal.timeout(10) };
 * await pipe.reader.read(new Uint8Array(8), options).catch((err) => err.name); // "TimeoutError"
 * ```
 */
export interface SignalOptions {
  /** Cancels the operation (CancelIoEx); it then rejects with an AbortError. */
  signal?: AbortSignal;
}

/**
 * Resolves after `ms`, or rejects when `signal` aborts.
 *
 * @example
 * ```ts
 * import { delay } from "@winpipe/core/internal";
 * await delay(1); // resolves after 1 ms
 * await delay(1000, AbortSignal.abort()).catch((err) => err.name); // "AbortError"
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Lets the process exit while `timer` is all that is left: for watchdogs,
 * which bound other work and are no work themselves. Runtime-neutral: Bun
 * and Node timers have `unref()`, Deno's are numbers for `Deno.unrefTimer`.
 */
export function unrefTimer(timer: unknown): void {
  if (typeof timer === "number") (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  else (timer as { unref?(): void } | undefined)?.unref?.();
}

/** Undoes {@linkcode unrefTimer}: the timer keeps the process alive again. */
export function refTimer(timer: unknown): void {
  if (typeof timer === "number") (globalThis as { Deno?: { refTimer?(id: number): void } }).Deno?.refTimer?.(timer);
  else (timer as { ref?(): void } | undefined)?.ref?.();
}

/**
 * `promise`, or the AbortError of `signal` as soon as it aborts (the promise itself goes on).
 *
 * @example
 * ```ts
 * import { untilAborted } from "@winpipe/core/internal";
 * const never = new Promise<void>(() => {});
 * await untilAborted(never, AbortSignal.timeout(1)).catch((err) => err.name); // "TimeoutError"
 * ```
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The waits between the tries of a call that polls: 1 ms, doubling to
 * 50 ms while nothing happens, back to 1 ms once something did.
 *
 * @example
 * ```ts
 * import { Backoff } from "@winpipe/core/internal";
 * const backoff = new Backoff();
 * await backoff.wait(undefined); // 1 ms
 * await backoff.wait(undefined); // 2 ms
 * backoff.reset(); // the next wait is 1 ms again
 * ```
 */
export class Backoff {
  /** The shortest wait, in ms. */
  static readonly MIN_MS = 1;
  /** The longest wait, in ms. */
  static readonly MAX_MS = 50;
  #next = Backoff.MIN_MS;

  /** Something happened: the next wait is the shortest again. */
  reset(): void {
    this.#next = Backoff.MIN_MS;
  }

  /**
   * Waits the next time, or `atMost` ms when that is shorter (a deadline
   * comes first), or rejects when `signal` aborts; doubles it for the time after.
   */
  async wait(signal: AbortSignal | undefined, atMost = Infinity): Promise<void> {
    const ms = this.#next;
    this.#next = Math.min(ms * 2, Backoff.MAX_MS);
    await delay(Math.min(ms, atMost), signal);
  }
}
