/**
 * The abort suite of `@winpipe/testing` against the Bun kernel32
 * backend: an AbortSignal cancels one pending operation (CancelIoEx with its
 * OVERLAPPED, or its IO_STATUS_BLOCK). Flushes and reads on synchronous
 * handles are calls running in a worker. Run under the Wine test bed
 * (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import { abortSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

abortSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS });
