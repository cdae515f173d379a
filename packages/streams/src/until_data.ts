/**
 * {@linkcode untilData}: reading from a nonblocking handle, which has no
 * notice of data, by polling.
 *
 * @module
 */
import { errorBehaviour, isPipeError } from "@winpipe/core";
import { Backoff, startCall } from "@winpipe/core/internal";

/** True when `err` is ERROR_NO_DATA from a read: a nonblocking handle with nothing to read. */
function isNoData(err: unknown): boolean {
  return isPipeError(err) && errorBehaviour("read", err.code) === "no-data";
}

/**
 * Runs `attempt` until it stops failing with ERROR_NO_DATA, waiting the
 * backoff of core's pollers between tries (1 ms doubling to 50 ms). A
 * blocking handle never reports ERROR_NO_DATA and runs `attempt` once.
 */
export function untilData<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  // The first attempt is a promise chain, not an async function: a stream's every read goes through
  // here, and on a blocking handle the first attempt is the only one.
  return startCall(attempt).then(undefined, (err) => {
    if (!isNoData(err)) throw err;
    return retry(attempt, signal);
  });
}

/** {@linkcode untilData} after a first ERROR_NO_DATA: waits out the backoff before each try. */
async function retry<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  const backoff = new Backoff();
  for (;;) {
    await backoff.wait(signal);
    try {
      return await attempt();
    } catch (err) {
      if (!isNoData(err)) throw err;
    }
  }
}
