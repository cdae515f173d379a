/**
 * {@linkcode isPeerGone}: the errors of a write whose other end has gone.
 *
 * @module
 */
import { ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED } from "./pipe_error_codes.ts";
import { isPipeError } from "./errors.ts";

/**
 * Whether `err` says that the other end of the pipe has gone: a write to
 * an end whose peer closed (ERROR_NO_DATA), a call on a broken pipe
 * (ERROR_BROKEN_PIPE), or on an instance its server disconnected
 * (ERROR_PIPE_NOT_CONNECTED). Adapters turn these into their runtime's
 * "broken pipe" (Deno's BrokenPipe), and a server takes them for a client
 * that left.
 *
 * @example
 * ```ts
 * import { ERROR_NO_DATA, PipeError } from "@winpipe/core";
 * import { isPeerGone } from "@winpipe/core/internal";
 * isPeerGone(new PipeError(ERROR_NO_DATA, "WriteFile")); // true
 * isPeerGone(new TypeError("not a pipe error")); // false
 * ```
 */
export function isPeerGone(err: unknown): boolean {
  return isPipeError(err, ERROR_NO_DATA) || isPipeError(err, ERROR_BROKEN_PIPE) ||
    isPipeError(err, ERROR_PIPE_NOT_CONNECTED);
}
