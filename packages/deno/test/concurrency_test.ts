/**
 * The concurrency suite of `@winpipe/testing` against the kernel32
 * backend: error codes stay right while Deno runs `nonblocking` calls on
 * other threads. Deno's blocking pool is small (4 threads per CPU on
 * Windows), so the starvation case makes more flushes wait than it has
 * threads. Run under the Wine test bed (docs/windows-test-bed.md).
 *
 * @module
 */
import { concurrencySuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

concurrencySuite(() => new Kernel32(), {
  register: windowsRegister,
  pendingDelayMs: PENDING_DELAY_MS,
  waitingFlushes: 4 * navigator.hardwareConcurrency + 4,
  flushStartMs: 100,
});
