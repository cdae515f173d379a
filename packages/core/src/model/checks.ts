/**
 * The checks every model call starts with, and how it fails.
 *
 * @module
 */
import { ERROR_OPERATION_ABORTED, ERROR_PIPE_NOT_CONNECTED } from "../constants.ts";
import { PipeError } from "../errors.ts";
import type { PipeEnd, PipeInstance } from "./instance.ts";

/** The PipeError of a failed model call. */
export function failure(code: number, call: string, pipeName: string | undefined): PipeError {
  return new PipeError(code, call, { pipeName });
}

/** The pipe name of anything passed as a handle, for error messages. */
export function pipeNameOf(handle: unknown): string | undefined {
  if (typeof handle !== "object" || handle === null) return undefined;
  const name = (handle as { pipeName?: unknown }).pipeName;
  return typeof name === "string" ? name : undefined;
}

/** A signal that is already aborted rejects without issuing the call (port convention). */
export function checkNotAborted(signal: AbortSignal | undefined, call: string, handle: unknown): void {
  if (signal?.aborted) throw failure(ERROR_OPERATION_ABORTED, call, pipeNameOf(handle));
}

/** The instance of an end a disconnect has not cut off (B14: ERROR_PIPE_NOT_CONNECTED). */
export function attachedInstance(end: PipeEnd, call: string): PipeInstance {
  if (end.instance === undefined) throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName);
  return end.instance;
}
