/**
 * {@linkcode afterThisTask}: a callback on a later turn of the event loop,
 * in every runtime winpipe supports.
 *
 * @module
 */

/**
 * Runs `callback` once the current task and its microtasks are over, after
 * timers and I/O that were ready: `setImmediate`, which Deno 2, Bun and Node
 * all have (Deno's type library does not declare it). Not `setTimeout(0)`,
 * which waits 1-2 ms. Reading `setImmediate` makes Deno load its
 * implementation (11 ms under Wine, once per process), so it is read when
 * this module loads, not on a first call that something waits for.
 *
 * @example
 * ```ts
 * import { afterThisTask } from "@winpipe/core/internal";
 * await new Promise<void>((resolve) => afterThisTask(resolve)); // a later turn
 * ```
 */
export const afterThisTask: (callback: () => void) => unknown =
  (globalThis as unknown as { setImmediate: (callback: () => void) => unknown }).setImmediate;
