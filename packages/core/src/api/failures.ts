/**
 * How the public API reads the failure of a kernel call: an abort caused by
 * the caller's signal becomes its AbortError, and a Win32 code becomes a
 * behaviour from the one table of errors.ts.
 *
 * @module
 */
import { ERROR_OPERATION_ABORTED } from "../constants.ts";
import { abortError, errorBehaviour, isPipeError, type PipeCall } from "../errors.ts";
import { startCall } from "../start_call.ts";

/**
 * Runs a kernel call; an ERROR_OPERATION_ABORTED caused by `signal` becomes
 * the signal's AbortError.
 *
 * @example
 * ```ts
 * import { ERROR_OPERATION_ABORTED, PipeError } from "@winpipe/core";
 * import { cancellable } from "@winpipe/core/internal";
 * const ac = new AbortController();
 * const call = cancellable(ac.signal, () => {
 *   ac.abort(); // what the kernel reports for the cancelled call:
 *   return Promise.reject(new PipeError(ERROR_OPERATION_ABORTED, "ReadFile"));
 * });
 * await call.catch((err) => err.name); // "AbortError"
 * ```
 */
export function cancellable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  // Without a signal there is nothing to translate: the call's own promise, and no suspended frame
  // held while it is pending (a server's memory per connection, docs/kernel32.md).
  if (signal === undefined) return startCall(run);
  return cancellableBy(signal, run);
}

function cancellableBy<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  // A promise chain, not an async function: one promise per call instead of a frame and two.
  return startCall(run).then(undefined, (err) => {
    throw signal.aborted && isPipeError(err, ERROR_OPERATION_ABORTED) ? abortError(signal, err) : err;
  });
}

/**
 * The behaviour of an error thrown by a kernel call, or "fail" for non-Win32 errors.
 *
 * @example
 * ```ts
 * import { ERROR_MORE_DATA, PipeError } from "@winpipe/core";
 * import { behaviourOf } from "@winpipe/core/internal";
 * behaviourOf("read", new PipeError(ERROR_MORE_DATA, "ReadFile")); // "partial-message"
 * behaviourOf("read", new TypeError("not a Win32 failure")); // "fail"
 * ```
 */
export function behaviourOf(call: PipeCall, err: unknown): string {
  return isPipeError(err) ? errorBehaviour(call, err.code) : "fail";
}
