/**
 * The Win32 error codes of pipes and of overlapped I/O (winerror.h), part of
 * `@winpipe/core`'s constants.
 *
 * @example
 * ```ts
 * import { ERROR_BROKEN_PIPE, errorName } from "@winpipe/core";
 * errorName(ERROR_BROKEN_PIPE); // "ERROR_BROKEN_PIPE"
 * ```
 * @module
 */

/**
 * Win32 error: the pipe has been ended
 *
 * @example
 * ```ts
 * import { ERROR_BROKEN_PIPE, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("read", ERROR_BROKEN_PIPE); // "end-of-data"
 * errorBehaviour("transact", ERROR_BROKEN_PIPE); // "fail"
 * new PipeError(ERROR_BROKEN_PIPE, "TransactNamedPipe", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'TransactNamedPipe "\\.\pipe\app": the pipe has been ended (ERROR_BROKEN_PIPE, os error 109)'
 * ```
 */
export const ERROR_BROKEN_PIPE = 109;
/**
 * Win32 error: the semaphore timeout period has expired
 *
 * @example
 * ```ts
 * import { ERROR_SEM_TIMEOUT, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_SEM_TIMEOUT, "WaitNamedPipeW", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'WaitNamedPipeW "\\.\pipe\app": the wait timed out (ERROR_SEM_TIMEOUT, os error 121)'
 * ```
 */
export const ERROR_SEM_TIMEOUT = 121;
/**
 * Win32 error: the pipe is local (GetNamedPipeClientComputerName on a local client)
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_LOCAL, errorName } from "@winpipe/core";
 * errorName(ERROR_PIPE_LOCAL); // "ERROR_PIPE_LOCAL"
 * ```
 */
export const ERROR_PIPE_LOCAL = 229;
/**
 * Win32 error: the pipe state is invalid
 *
 * @example
 * ```ts
 * import { ERROR_BAD_PIPE, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_BAD_PIPE, "PeekNamedPipe", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'PeekNamedPipe "\\.\pipe\app": the pipe state is invalid (ERROR_BAD_PIPE, os error 230)'
 * ```
 */
export const ERROR_BAD_PIPE = 230;
/**
 * Win32 error: all pipe instances are busy
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_BUSY, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("open", ERROR_PIPE_BUSY); // "busy"
 * new PipeError(ERROR_PIPE_BUSY, "CreateFileW", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'CreateFileW "\\.\pipe\app": all pipe instances are busy (ERROR_PIPE_BUSY, os error 231)'
 * ```
 */
export const ERROR_PIPE_BUSY = 231;
/**
 * Win32 error: the pipe is being closed
 *
 * @example
 * ```ts
 * import { ERROR_NO_DATA, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("read", ERROR_NO_DATA); // "no-data"
 * errorBehaviour("connect", ERROR_NO_DATA); // "client-gone"
 * errorBehaviour("write", ERROR_NO_DATA); // "fail"
 * new PipeError(ERROR_NO_DATA, "WriteFile", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'WriteFile "\\.\pipe\app": the pipe is being closed (ERROR_NO_DATA, os error 232)'
 * ```
 */
export const ERROR_NO_DATA = 232;
/**
 * Win32 error: no process is on the other end of the pipe
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_NOT_CONNECTED, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("read", ERROR_PIPE_NOT_CONNECTED); // "end-of-data"
 * errorBehaviour("write", ERROR_PIPE_NOT_CONNECTED); // "fail"
 * new PipeError(ERROR_PIPE_NOT_CONNECTED, "WriteFile", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'WriteFile "\\.\pipe\app": no process is on the other end of the pipe (ERROR_PIPE_NOT_CONNECTED, os error 233)'
 * ```
 */
export const ERROR_PIPE_NOT_CONNECTED = 233;
/**
 * Win32 error: more data is available
 *
 * @example
 * ```ts
 * import { ERROR_MORE_DATA, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("read", ERROR_MORE_DATA); // "partial-message"
 * errorBehaviour("write", ERROR_MORE_DATA); // "fail"
 * new PipeError(ERROR_MORE_DATA, "ReadFile", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ReadFile "\\.\pipe\app": more data is available (ERROR_MORE_DATA, os error 234)'
 * ```
 */
export const ERROR_MORE_DATA = 234;
/**
 * Win32 error: there is a process on the other end of the pipe
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_CONNECTED, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("connect", ERROR_PIPE_CONNECTED); // "connected"
 * new PipeError(ERROR_PIPE_CONNECTED, "ConnectNamedPipe", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ConnectNamedPipe "\\.\pipe\app": there is a process on the other end of the pipe (ERROR_PIPE_CONNECTED, os error 535)'
 * ```
 */
export const ERROR_PIPE_CONNECTED = 535;
/**
 * Win32 error: waiting for a process to open the other end of the pipe
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_LISTENING, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("connect", ERROR_PIPE_LISTENING); // "listening"
 * new PipeError(ERROR_PIPE_LISTENING, "ReadFile", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ReadFile "\\.\pipe\app": waiting for a process to open the other end of the pipe (ERROR_PIPE_LISTENING, os error 536)'
 * ```
 */
export const ERROR_PIPE_LISTENING = 536;
/**
 * Win32 error: handles to objects have been automatically closed as a result of the requested operation
 *
 * @example
 * ```ts
 * import { ERROR_HANDLES_CLOSED, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_HANDLES_CLOSED, "ConnectNamedPipe", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ConnectNamedPipe "\\.\pipe\app": handles were closed automatically as a result of the operation (ERROR_HANDLES_CLOSED, os error 676)'
 * ```
 */
export const ERROR_HANDLES_CLOSED = 676;
/**
 * Win32 error: the I/O operation was aborted
 *
 * @example
 * ```ts
 * import { ERROR_OPERATION_ABORTED, errorBehaviour, PipeError } from "@winpipe/core";
 * errorBehaviour("read", ERROR_OPERATION_ABORTED); // "aborted"
 * new PipeError(ERROR_OPERATION_ABORTED, "ReadFile", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ReadFile "\\.\pipe\app": the operation was aborted (ERROR_OPERATION_ABORTED, os error 995)'
 * ```
 */
export const ERROR_OPERATION_ABORTED = 995;
/**
 * Win32 error: overlapped I/O event is not in a signaled state
 *
 * @example
 * ```ts
 * import { ERROR_IO_INCOMPLETE, errorName } from "@winpipe/core";
 * errorName(ERROR_IO_INCOMPLETE); // "ERROR_IO_INCOMPLETE"
 * ```
 */
export const ERROR_IO_INCOMPLETE = 996;
/**
 * Win32 error: overlapped I/O is in progress
 *
 * @example
 * ```ts
 * import { ERROR_IO_PENDING, errorBehaviour } from "@winpipe/core";
 * errorBehaviour("read", ERROR_IO_PENDING); // "pending"
 * ```
 */
export const ERROR_IO_PENDING = 997;
