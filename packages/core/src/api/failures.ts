/**
 * How the public API reads the failure of a kernel call: an abort caused by
 * the caller's signal becomes its AbortError, and a Win32 code becomes a
 * behaviour from the one table of errors.ts.
 *
 * @module
 */
import { ERROR_OPERATION_ABORTED } from "../constants.ts";
import { abortError, errorBehaviour, isPipeError, type PipeCall } from "../errors.ts";

/**
 * Runs a kernel call; an ERROR_OPERATION_ABORTED caused by `signal` becomes
 * the signal's AbortError.
 */
export async function cancellable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw abortError(signal);
  try {
    return await run();
  } catch (err) {
    if (signal?.aborted && isPipeError(err, ERROR_OPERATION_ABORTED)) throw abortError(signal, err);
    throw err;
  }
}

/** The behaviour of an error thrown by a kernel call, or "fail" for non-Win32 errors. */
export function behaviourOf(call: PipeCall, err: unknown): string {
  return isPipeError(err) ? errorBehaviour(call, err.code) : "fail";
}
