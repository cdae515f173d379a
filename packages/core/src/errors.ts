/**
 * `PipeError` and the one table that maps each Win32 error code to its name,
 * its text and what winpipe does with it.
 *
 * @module
 */
import * as C from "./constants.ts";

/** What winpipe does when a Win32 call reports an error code. */
export type ErrorBehaviour =
  /** A failure: thrown to the caller as a {@linkcode PipeError}. */
  | "fail"
  /** ERROR_MORE_DATA from a read: a partial message, returned as a result. */
  | "partial-message"
  /** ERROR_PIPE_CONNECTED from ConnectNamedPipe: the client is already there; success. */
  | "connected"
  /** ERROR_PIPE_BUSY from CreateFile: every instance is taken; wait and retry. */
  | "busy"
  /** ERROR_BROKEN_PIPE from a read: the other end is gone and the data is consumed; end of data. */
  | "end-of-data"
  /** ERROR_NO_DATA from a nonblocking read: nothing to read right now. */
  | "no-data"
  /** ERROR_PIPE_LISTENING from a nonblocking ConnectNamedPipe: still waiting for a client. */
  | "listening"
  /**
   * ERROR_NO_DATA from ConnectNamedPipe: a client connected and already closed
   * its end. Its data is still readable, so the connection is handed over.
   */
  | "client-gone"
  /** ERROR_OPERATION_ABORTED: the operation was cancelled. */
  | "aborted"
  /** ERROR_IO_PENDING: overlapped I/O started and will complete later. */
  | "pending";

/** The Win32 calls whose error codes have a meaning beyond failure. */
export type PipeCall =
  | "read"
  | "write"
  | "connect"
  | "open"
  | "peek"
  | "transact"
  | "other";

interface ErrorEntry {
  readonly name: string;
  readonly text: string;
}

const ERRORS: ReadonlyMap<number, ErrorEntry> = new Map([
  [C.ERROR_SUCCESS, { name: "ERROR_SUCCESS", text: "the operation completed successfully" }],
  [C.ERROR_INVALID_FUNCTION, { name: "ERROR_INVALID_FUNCTION", text: "incorrect function" }],
  [C.ERROR_FILE_NOT_FOUND, { name: "ERROR_FILE_NOT_FOUND", text: "the pipe does not exist" }],
  [C.ERROR_ACCESS_DENIED, { name: "ERROR_ACCESS_DENIED", text: "access is denied" }],
  [C.ERROR_INVALID_HANDLE, { name: "ERROR_INVALID_HANDLE", text: "the handle is invalid" }],
  [C.ERROR_NOT_ENOUGH_MEMORY, { name: "ERROR_NOT_ENOUGH_MEMORY", text: "not enough memory" }],
  [C.ERROR_NOT_SUPPORTED, { name: "ERROR_NOT_SUPPORTED", text: "the request is not supported" }],
  [C.ERROR_INVALID_PARAMETER, { name: "ERROR_INVALID_PARAMETER", text: "the parameter is incorrect" }],
  [C.ERROR_BROKEN_PIPE, { name: "ERROR_BROKEN_PIPE", text: "the pipe has been ended" }],
  [C.ERROR_SEM_TIMEOUT, { name: "ERROR_SEM_TIMEOUT", text: "the wait timed out" }],
  [C.ERROR_INVALID_NAME, { name: "ERROR_INVALID_NAME", text: "the pipe name is invalid" }],
  [C.ERROR_BAD_PIPE, { name: "ERROR_BAD_PIPE", text: "the pipe state is invalid" }],
  [C.ERROR_PIPE_BUSY, { name: "ERROR_PIPE_BUSY", text: "all pipe instances are busy" }],
  [C.ERROR_NO_DATA, { name: "ERROR_NO_DATA", text: "the pipe is being closed" }],
  [C.ERROR_PIPE_NOT_CONNECTED, {
    name: "ERROR_PIPE_NOT_CONNECTED",
    text: "no process is on the other end of the pipe",
  }],
  [C.ERROR_MORE_DATA, { name: "ERROR_MORE_DATA", text: "more data is available" }],
  [C.ERROR_PIPE_CONNECTED, { name: "ERROR_PIPE_CONNECTED", text: "there is a process on the other end of the pipe" }],
  [C.ERROR_PIPE_LISTENING, {
    name: "ERROR_PIPE_LISTENING",
    text: "waiting for a process to open the other end of the pipe",
  }],
  [C.ERROR_OPERATION_ABORTED, { name: "ERROR_OPERATION_ABORTED", text: "the operation was aborted" }],
  [C.ERROR_IO_PENDING, { name: "ERROR_IO_PENDING", text: "overlapped I/O is in progress" }],
  [C.ERROR_NOT_FOUND, { name: "ERROR_NOT_FOUND", text: "nothing was found to cancel" }],
]);

/**
 * The documented name of a Win32 error code, or `ERROR_<code>` for codes
 * winpipe does not know by name.
 *
 * @example
 * ```ts
 * import { errorName } from "@winpipe/core";
 * errorName(231); // "ERROR_PIPE_BUSY"
 * ```
 */
export function errorName(code: number): string {
  return ERRORS.get(code)?.name ?? `ERROR_${code}`;
}

/**
 * What winpipe does with `code` when `call` reports it. This is the one place
 * where Win32 error codes turn into behaviour; backends and the public API
 * both ask it.
 *
 * @example
 * ```ts
 * import { errorBehaviour, ERROR_MORE_DATA } from "@winpipe/core";
 * errorBehaviour("read", ERROR_MORE_DATA); // "partial-message"
 * ```
 */
export function errorBehaviour(call: PipeCall, code: number): ErrorBehaviour {
  switch (code) {
    case C.ERROR_MORE_DATA:
      return call === "read" || call === "transact" ? "partial-message" : "fail";
    case C.ERROR_PIPE_CONNECTED:
      return call === "connect" ? "connected" : "fail";
    case C.ERROR_PIPE_BUSY:
      return call === "open" ? "busy" : "fail";
    case C.ERROR_BROKEN_PIPE:
      return call === "read" ? "end-of-data" : "fail";
    case C.ERROR_NO_DATA:
      if (call === "read") return "no-data";
      return call === "connect" ? "client-gone" : "fail";
    case C.ERROR_PIPE_LISTENING:
      return call === "connect" ? "listening" : "fail";
    case C.ERROR_OPERATION_ABORTED:
      return "aborted";
    case C.ERROR_IO_PENDING:
      return "pending";
    default:
      return "fail";
  }
}

/** Options of the {@linkcode PipeError} constructor. */
export interface PipeErrorOptions {
  /** The pipe name the call was about, if any. */
  pipeName?: string;
  /** The underlying cause. */
  cause?: unknown;
}

/**
 * A Win32 call failed. Carries the Win32 error code, its documented name,
 * the operation and the pipe name.
 *
 * @example
 * ```ts
 * import { PipeError, ERROR_PIPE_BUSY } from "@winpipe/core";
 * const err = new PipeError(ERROR_PIPE_BUSY, "connect", { pipeName: String.raw`\\.\pipe\x` });
 * err.message; // 'connect "\\.\pipe\x": all pipe instances are busy (ERROR_PIPE_BUSY, os error 231)'
 * err.codeName; // "ERROR_PIPE_BUSY"
 * ```
 */
export class PipeError extends Error {
  /** The Win32 error code, e.g. 231. */
  readonly code: number;
  /** The documented name of {@linkcode PipeError.code}, e.g. "ERROR_PIPE_BUSY". */
  readonly codeName: string;
  /** The operation that failed, e.g. "connect" or "ReadFile". */
  readonly call: string;
  /** The pipe name the operation was about, if any. */
  readonly pipeName: string | undefined;

  constructor(code: number, call: string, options: PipeErrorOptions = {}) {
    const entry = ERRORS.get(code);
    const where = options.pipeName === undefined ? call : `${call} "${options.pipeName}"`;
    const text = entry?.text ?? "system error";
    super(`${where}: ${text} (${errorName(code)}, os error ${code})`, { cause: options.cause });
    this.name = "PipeError";
    this.code = code;
    this.codeName = errorName(code);
    this.call = call;
    this.pipeName = options.pipeName;
  }
}

/**
 * True when `err` is a {@linkcode PipeError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { isPipeError, PipeError, ERROR_BROKEN_PIPE } from "@winpipe/core";
 * isPipeError(new PipeError(ERROR_BROKEN_PIPE, "ReadFile"), ERROR_BROKEN_PIPE); // true
 * ```
 */
export function isPipeError(err: unknown, code?: number): err is PipeError {
  return err instanceof PipeError && (code === undefined || err.code === code);
}

/**
 * The error an aborted operation rejects with: the signal's reason when it
 * has one, otherwise a DOMException named "AbortError". The Win32 error that
 * reported the cancellation (ERROR_OPERATION_ABORTED) is kept as `cause`
 * when the reason is the default one.
 *
 * @example
 * ```ts
 * import { abortError } from "@winpipe/core";
 * const ac = new AbortController();
 * ac.abort();
 * (abortError(ac.signal) as DOMException).name; // "AbortError"
 * ```
 */
export function abortError(signal: AbortSignal | undefined, cause?: unknown): unknown {
  const reason = signal?.reason;
  if (reason !== undefined && !(reason instanceof DOMException && reason.name === "AbortError")) {
    return reason;
  }
  const err = new DOMException("The operation was aborted", "AbortError");
  if (cause !== undefined) Object.defineProperty(err, "cause", { value: cause, configurable: true });
  return err;
}
