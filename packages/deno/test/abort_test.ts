/**
 * The abort suite of `@winpipe/testing` against the kernel32 backend:
 * an AbortSignal cancels one pending operation (CancelIoEx with its
 * OVERLAPPED, or its IO_STATUS_BLOCK). Flushes and reads on synchronous
 * handles wait on Deno's blocking pool. Run under the Wine test bed
 * (docs/windows-test-bed.md).
 *
 * @module
 */
import { abortSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

abortSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS });
