/**
 * The event loop suite of `@winpipe/testing` against the kernel32
 * backend: waiting calls never block Deno's event loop. Run under the Wine
 * test bed (docs/windows-test-bed.md).
 *
 * @module
 */
import { eventLoopSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

eventLoopSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS });
