/**
 * The synchronous handle suite of `@winpipe/testing` against the Deno
 * kernel32 backend: named pipe ends opened without FILE_FLAG_OVERLAPPED.
 * Run under the Wine test bed (docs/windows-test-bed.md).
 *
 * @module
 */
import { synchronousHandleSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { windowsRegister } from "./util.ts";

synchronousHandleSuite(() => new Kernel32(), { register: windowsRegister });
