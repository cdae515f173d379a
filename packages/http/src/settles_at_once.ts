/**
 * {@linkcode settlesAtOnce}: whether a promise settles within the few
 * microtask turns that a value already there takes, without waiting for
 * anything else.
 *
 * @module
 */

/**
 * The microtask turns allowed. A read of a body made from a string, bytes
 * or JSON settles in 2 in Deno 2.9 and 1 in Bun 1.4, one of a Blob in 5
 * in Deno; a handler that returns at once in 1, one that awaits something
 * already there in 2.
 */
const AT_ONCE_TURNS = 8;

/**
 * Resolves true if `promise` settles (fulfilled or rejected) within a few
 * microtask turns, false otherwise, without waiting any longer: the server
 * starts its watch for a client that goes away only when it has to wait
 * for a handler or a body stream (server.ts), and chooses a body's framing
 * from what its stream has ready (body_out.ts).
 */
export async function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  for (let turn = 0; turn < AT_ONCE_TURNS && !settled; turn++) await null;
  return settled;
}
