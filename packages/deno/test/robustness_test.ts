/**
 * The robustness suites of `@winpipe/testing` against the Deno kernel32
 * backend: buffer ownership while operations are pending, a server's name
 * between accepts, nonblocking writes, messages whose writer dies midway,
 * and the wording of errors. Run under the Wine test bed
 * (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import {
  bufferOwnershipSuite,
  errorWordingSuite,
  messageEndingSuite,
  nonblockingWriteSuite,
  serverNameSuite,
} from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { PENDING_DELAY_MS, windowsRegister } from "./util.ts";

const options = { register: windowsRegister, pendingDelayMs: PENDING_DELAY_MS };
bufferOwnershipSuite(() => new Kernel32(), options);
serverNameSuite(() => new Kernel32(), options);
nonblockingWriteSuite(() => new Kernel32(), options);
messageEndingSuite(() => new Kernel32(), options);
errorWordingSuite(() => new Kernel32(), options);
