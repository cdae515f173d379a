/**
 * The robustness suites of `@winpipe/testing` against the Bun kernel32
 * backend: buffer ownership while operations are pending, a server's name
 * between accepts, nonblocking writes, messages whose writer dies midway,
 * and the wording of errors. Run under the Wine test bed
 * (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import { robustnessSuites } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

robustnessSuites(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS });
