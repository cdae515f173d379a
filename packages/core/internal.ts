/**
 * `@winpipe/core/internal`: what winpipe's own packages share with core
 * beyond its public API. Not a stable interface: it changes with core, and
 * only @winpipe/* packages of the same version should import it (as
 * nats.js does with `@nats-io/nats-core/internal`).
 *
 * - Option validation and waiting helpers, so that `@winpipe/streams` and
 *   the other packages check options and poll exactly as core does, with
 *   one copy of each.
 * - The reference model's inner classes, which the differential test of
 *   `@winpipe/testing` inspects to leave out the shapes where Wine is known
 *   to differ from Windows.
 *
 * @example
 * ```ts
 * import { requireInteger } from "@winpipe/core/internal";
 * requireInteger(5, "chunkSize", 1, 10); // 5
 * ```
 *
 * @module
 */
export {
  isDetached,
  requireBoolean,
  requireBytes,
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  requireString,
  show,
  validateBufferSize,
  validateMaxInstances,
  validateTimeout,
} from "./src/validate.ts";
export { Backoff, delay, untilAborted } from "./src/api/signals.ts";
export { onBeforeClose, readOwned, writeOwned } from "./src/api/pipe_handle.ts";
export { concatBytes } from "./src/concat_bytes.ts";
export { isPeerGone } from "./src/peer_gone.ts";
export { type EndOfStreamHandle, writeEndOfStream } from "./src/end_of_stream.ts";
export { win32PipePath } from "./src/win32_path.ts";
export { upcase } from "./src/upcase.ts";
export { bytesOf, requireAttached } from "./src/chunk_bytes.ts";
export { isBatchFile, windowsBatchCommandLine } from "./src/process/batch_command_line.ts";
export { isSharedArrayBuffer, isSharedMemory } from "./src/shared_memory.ts";
export { keepBytes } from "./src/keep_bytes.ts";
export { startCall } from "./src/start_call.ts";
export { afterThisTask } from "./src/after_this_task.ts";
export { behaviourOf, cancellable } from "./src/api/failures.ts";
export { type Access, clientAccess, serverAccess } from "./src/model/access.ts";
export { DUPLEX, INBOUND, OUTBOUND } from "./src/model/directions.ts";
export { HandleRecord, type ModelHandle } from "./src/model/handle_record.ts";
export { type ClientContext, type InstanceState, NamedPipe, PipeEnd, PipeInstance } from "./src/model/instance.ts";
export { ModelKernel } from "./src/model/kernel.ts";
export { PendingOperation } from "./src/model/operation.ts";
export { DataQueue } from "./src/model/queue.ts";
