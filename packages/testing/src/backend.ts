/**
 * The backend suites: runtime-agnostic tests of a kernel32 backend's own
 * machinery, beyond the conformance suite's per-behaviour cases. Each goes
 * through the {@linkcode PipeKernel} port and the public API of
 * `createWinpipe` bound to it, so the Deno and Bun backends run the same
 * bodies:
 *
 * - {@linkcode abortSuite}: an AbortSignal cancels one pending operation.
 * - {@linkcode concurrencySuite}: error codes stay right under concurrency.
 * - {@linkcode eventLoopSuite}: waiting calls never block the event loop.
 * - {@linkcode handleReleaseSuite}: handles are released, round after round.
 * - {@linkcode synchronousHandleSuite}: named pipe ends opened without
 *   FILE_FLAG_OVERLAPPED.
 *
 * {@linkcode exitChildWorkload} is the body of the child process of each
 * backend's exit test.
 *
 * @example
 * ```ts ignore
 * import { abortSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * abortSuite(() => new Kernel32(), { register, pendingDelayMs: 150 });
 * ```
 *
 * @module
 */
export type { ConcurrencySuiteOptions, HandleReleaseSuiteOptions } from "./backend/helpers.ts";
export { abortSuite } from "./backend/abort.ts";
export { concurrencySuite } from "./backend/concurrency.ts";
export { eventLoopSuite } from "./backend/event_loop.ts";
export { handleReleaseSuite } from "./backend/handle_release.ts";
export { synchronousHandleSuite } from "./backend/synchronous_handles.ts";
export { exitChildWorkload } from "./backend/exit_child.ts";
