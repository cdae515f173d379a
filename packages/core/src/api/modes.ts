/**
 * The read and wait modes of the public API, and the mode bits they stand
 * for (dwPipeMode of CreateNamedPipe, lpMode of SetNamedPipeHandleState).
 *
 * @module
 */
import { PIPE_NOWAIT, PIPE_READMODE_MESSAGE } from "../constants.ts";

/**
 * Byte or message: a pipe's type, or a handle's read mode.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { PipeMode } from "@winpipe/core";
 * const type: PipeMode = "message";
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\modes`, { type, readMode: type });
 * ```
 */
export type PipeMode = "byte" | "message";
/**
 * Blocking (PIPE_WAIT) or nonblocking (PIPE_NOWAIT).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { WaitMode } from "@winpipe/core";
 * const wait: WaitMode = "nonblocking";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * pipe.reader.setState({ wait });
 * ```
 */
export type WaitMode = "blocking" | "nonblocking";

/** The modes the public API knows. */
export const MODES: readonly PipeMode[] = ["byte", "message"];
/** The wait modes the public API knows. */
export const WAITS: readonly WaitMode[] = ["blocking", "nonblocking"];

/** The lpMode / dwPipeMode bits of a read mode and wait mode. */
export function modeBits(readMode: PipeMode, wait: WaitMode): number {
  return (readMode === "message" ? PIPE_READMODE_MESSAGE : 0) | (wait === "nonblocking" ? PIPE_NOWAIT : 0);
}
