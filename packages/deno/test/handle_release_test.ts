/**
 * The handle release suite of `@winpipe/testing` against the kernel32
 * backend: a max-instances-1 pipe is created, used and closed 1000 times and
 * the live handle count comes back to where it started. Run under the Wine
 * test bed (docs/windows-test-bed.md).
 *
 * @module
 */
import { handleReleaseSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

handleReleaseSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS });
