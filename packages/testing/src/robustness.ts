/**
 * {@linkcode robustnessSuites}: the robustness suites together, as a
 * backend runs them.
 *
 * @module
 */
import { bufferOwnershipSuite } from "./buffers.ts";
import { errorWordingSuite } from "./error_wording.ts";
import type { KernelFactory, SuiteOptions } from "./harness.ts";
import { immediateFailureSuite } from "./immediate_failures.ts";
import { messageEndingSuite } from "./message_endings.ts";
import { nonblockingWriteSuite } from "./nonblocking_write.ts";
import { serverNameSuite } from "./server_name.ts";

/**
 * Registers the robustness suites: buffer ownership while operations are
 * pending, a server's name between accepts, nonblocking writes, messages
 * whose writer dies midway, the wording of errors, and calls that fail at
 * once rejecting rather than throwing.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { robustnessSuites } from "@winpipe/testing";
 * const names: string[] = [];
 * robustnessSuites(() => createModelKernel(), { register: (name) => void names.push(name), pendingDelayMs: 5 });
 * names.length > 10; // true
 * ```
 */
export function robustnessSuites(factory: KernelFactory, options: SuiteOptions): void {
  bufferOwnershipSuite(factory, options);
  serverNameSuite(factory, options);
  nonblockingWriteSuite(factory, options);
  messageEndingSuite(factory, options);
  errorWordingSuite(factory, options);
  immediateFailureSuite(factory, options);
}
