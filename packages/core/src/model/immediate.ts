/**
 * {@linkcode immediate} and {@linkcode settledNow}: how the model's
 * synchronous calls (readSync, writeSync, transactSync, waitNamedPipeSync)
 * reuse its asynchronous ones.
 *
 * A call the model completes at once returns a promise made by
 * `immediate`, whose value can then be read without waiting. A synchronous
 * call that would have to wait cannot be served: the model runs in the
 * caller's thread, so nothing could complete the call while that thread
 * waited (on Windows another thread or process would). Such a call is
 * withdrawn, as a cancelled one is, and fails with an Error that says so,
 * instead of hanging the thread for ever.
 *
 * @module
 */

/**
 * The promise {@linkcode immediate} made last, with its value: a call that
 * completes at once makes it just before it returns it, so
 * {@linkcode settledNow} finds it here right after the call. One slot, not
 * a WeakMap keyed by promise: a WeakMap's entries keep their values (a
 * read's bytes) alive until a full collection, so a long transfer on the
 * model held hundreds of MiB of finished reads (the http load suite's 1 GiB
 * each way: about 600 MiB under `deno test`, against 200 without them).
 */
let last: { promise: Promise<unknown>; value: unknown } | undefined;

/**
 * A promise already resolved with `value`, whose value
 * {@linkcode settledNow} can read at once.
 *
 * @example
 * ```ts
 * import { immediate, settledNow } from "./immediate.ts";
 * settledNow("ReadFile", undefined, () => immediate(3)); // 3
 * ```
 */
export function immediate<T>(value: T): Promise<T> {
  const promise = Promise.resolve(value);
  last = { promise, value };
  return promise;
}

/**
 * Runs a model call for a synchronous caller: its value when it completed at
 * once; a failure it threw at once as it is. A call that pends is withdrawn
 * (its signal aborted) and this throws an Error, because nothing could
 * complete it while the calling thread waits.
 *
 * @example
 * ```ts
 * import { settledNow } from "./immediate.ts";
 * try {
 *   settledNow("ReadFile", String.raw`\\.\pipe\x`, () => new Promise(() => {}));
 * } catch (err) {
 *   (err as Error).message; // "ReadFile would wait on \\.\pipe\x: ..."
 * }
 * ```
 */
export function settledNow<T>(
  call: string,
  pipeName: string | undefined,
  begin: (signal: AbortSignal) => Promise<T>,
): T {
  const controller = new AbortController();
  last = undefined;
  const promise = begin(controller.signal);
  const settled = last as { promise: Promise<unknown>; value: unknown } | undefined;
  last = undefined;
  if (settled?.promise === promise) return settled.value as T;
  controller.abort();
  promise.catch(() => {}); // withdrawn: its ERROR_OPERATION_ABORTED goes nowhere
  const where = pipeName === undefined ? "an anonymous pipe" : pipeName;
  throw new Error(
    `${call} would wait on ${where}: the model runs in the calling thread, so nothing could complete ` +
      "a synchronous call while it waits (use the asynchronous call, or a real kernel)",
  );
}
