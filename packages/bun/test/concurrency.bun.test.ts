/**
 * The concurrency suite of `@winpipe/testing` against the Bun kernel32
 * backend: error codes stay right while waiting calls run in workers
 * (through the completion port's worker and the pool's). The pool has 16
 * workers at most, so the starvation case makes 20 flushes wait; the
 * completion port has its own worker, so reads still complete. Run under the
 * Wine test bed (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import { concurrencySuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

concurrencySuite(() => new Kernel32(), {
  register: windowsRegister,
  pendingDelayMs: PENDING_DELAY_MS,
  waitingFlushes: 20,
  flushStartMs: 300,
});
