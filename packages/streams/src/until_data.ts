/**
 * {@linkcode untilData}: reading from a nonblocking handle, which has no
 * notice of data, by polling.
 *
 * @module
 */
import { errorBehaviour, isPipeError } from "@winpipe/core";
import { Backoff } from "@winpipe/core/internal";

/** True when `err` is ERROR_NO_DATA from a read: a nonblocking handle with nothing to read. */
function isNoData(err: unknown): boolean {
  return isPipeError(err) && errorBehaviour("read", err.code) === "no-data";
}

/**
 * Runs `attempt` until it stops failing with ERROR_NO_DATA, waiting the
 * backoff of core's pollers between tries (1 ms doubling to 50 ms). A
 * blocking handle never reports ERROR_NO_DATA and runs `attempt` once.
 */
export async function untilData<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  let backoff: Backoff | undefined; // made at the first ERROR_NO_DATA: a blocking handle's reads never need one
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNoData(err)) throw err;
    }
    await (backoff ??= new Backoff()).wait(signal);
  }
}
