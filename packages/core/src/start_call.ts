/**
 * {@linkcode startCall}: how a waiting call that is not an async function
 * keeps the promise shape of one.
 *
 * @module
 */

/**
 * Runs the synchronous start of a waiting call and returns its promise; a
 * failure there (a closed handle, an aborted signal, a bad argument) rejects
 * at once instead of throwing. For calls written as promise chains rather
 * than async functions, which hold no suspended frame while they wait
 * (docs/kernel32.md, "What a pending read holds in the JavaScript heap").
 *
 * @example
 * ```ts
 * import { startCall } from "@winpipe/core/internal";
 * const call = startCall((): Promise<number> => {
 *   throw new RangeError("length must be at least 0");
 * });
 * await call.catch((err) => err.name); // "RangeError"
 * ```
 */
export function startCall<T>(begin: () => Promise<T>): Promise<T> {
  try {
    return begin();
  } catch (error) {
    return Promise.reject(error);
  }
}
