/**
 * `PipeError` and the one table that maps each Win32 error code to its name,
 * its text and what winpipe does with it.
 *
 * @module
 */
import * as C from "./constants.ts";

/**
 * What winpipe does when a Win32 call reports an error code.
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_BUSY, type ErrorBehaviour, errorBehaviour } from "@winpipe/core";
 * const behaviour: ErrorBehaviour = errorBehaviour("open", ERROR_PIPE_BUSY); // "busy": connect waits and retries
 * ```
 */
export type ErrorBehaviour =
  /** A failure: thrown to the caller as a {@linkcode PipeError}. */
  | "fail"
  /** ERROR_MORE_DATA from a read: a partial message, returned as a result. */
  | "partial-message"
  /** ERROR_PIPE_CONNECTED from ConnectNamedPipe: the client is already there; success. */
  | "connected"
  /** ERROR_PIPE_BUSY from CreateFile: every instance is taken; wait and retry. */
  | "busy"
  /**
   * ERROR_BROKEN_PIPE from a read: the other end is gone and the data is
   * consumed; end of data. Also ERROR_PIPE_NOT_CONNECTED from a read: the
   * server disconnected this end (DisconnectNamedPipe), which is how a
   * server that keeps its instance ends a connection (as .NET's PipeStream
   * reads it).
   */
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

/**
 * The Win32 calls whose error codes have a meaning beyond failure.
 *
 * @example
 * ```ts
 * import { ERROR_NO_DATA, errorBehaviour, type PipeCall } from "@winpipe/core";
 * const calls: PipeCall[] = ["read", "connect", "write"];
 * calls.map((call) => errorBehaviour(call, ERROR_NO_DATA)); // ["no-data", "client-gone", "fail"]
 * ```
 */
export type PipeCall =
  | "read"
  | "write"
  | "connect"
  | "open"
  | "peek"
  | "transact"
  | "other";

/**
 * A Win32 error code's documented name and its text, worded for what the
 * call that failed was about where the meaning depends on it: `pipe` for
 * calls on pipes and pipe names, `process` for starting a program.
 */
interface ErrorEntry {
  readonly name: string;
  readonly text: string;
  readonly pipe?: string;
  readonly process?: string;
}

/** What a failed call was about, for the wording of its message. */
type Subject = "pipe" | "process";

/** The calls that find and start programs; every other call winpipe makes is about a pipe (or a handle to one). */
const PROCESS_CALLS: ReadonlySet<string> = new Set(["CreateProcessW", "SearchPathW", "GetSystemDirectoryW", "spawn"]);

/**
 * Every code the Win32 calls winpipe makes can report, with its name
 * (winerror.h) and text. A code missing here would read `ERROR_<code>` and
 * "system error": the table is checked against the calls in the tests.
 */
const ERRORS: ReadonlyMap<number, ErrorEntry> = new Map<number, ErrorEntry>([
  [C.ERROR_SUCCESS, { name: "ERROR_SUCCESS", text: "the operation completed successfully" }],
  [C.ERROR_INVALID_FUNCTION, { name: "ERROR_INVALID_FUNCTION", text: "incorrect function" }],
  [C.ERROR_FILE_NOT_FOUND, {
    name: "ERROR_FILE_NOT_FOUND",
    text: "the file does not exist",
    pipe: "the pipe does not exist",
    process: "the program was not found (check its name, and the PATH for a bare name)",
  }],
  [C.ERROR_PATH_NOT_FOUND, {
    name: "ERROR_PATH_NOT_FOUND",
    text: "the path does not exist",
    pipe: "the host of the pipe name, or its pipe share, was not found",
    process: "a directory on the path of the program or of the working directory does not exist",
  }],
  [C.ERROR_TOO_MANY_OPEN_FILES, { name: "ERROR_TOO_MANY_OPEN_FILES", text: "too many files are open" }],
  [C.ERROR_ACCESS_DENIED, { name: "ERROR_ACCESS_DENIED", text: "access is denied" }],
  [C.ERROR_INVALID_HANDLE, { name: "ERROR_INVALID_HANDLE", text: "the handle is invalid" }],
  [C.ERROR_NOT_ENOUGH_MEMORY, { name: "ERROR_NOT_ENOUGH_MEMORY", text: "not enough memory" }],
  [C.ERROR_OUTOFMEMORY, { name: "ERROR_OUTOFMEMORY", text: "not enough memory to complete the operation" }],
  [C.ERROR_GEN_FAILURE, { name: "ERROR_GEN_FAILURE", text: "a device attached to the system is not functioning" }],
  [C.ERROR_SHARING_VIOLATION, {
    name: "ERROR_SHARING_VIOLATION",
    text: "the file is in use by another process",
  }],
  [C.ERROR_NOT_SUPPORTED, { name: "ERROR_NOT_SUPPORTED", text: "the request is not supported" }],
  [C.ERROR_BAD_NETPATH, {
    name: "ERROR_BAD_NETPATH",
    text: "the network path was not found: the host does not exist or cannot be reached",
  }],
  [C.ERROR_BAD_DEV_TYPE, { name: "ERROR_BAD_DEV_TYPE", text: "the device does not support this request" }],
  [C.ERROR_NETNAME_DELETED, { name: "ERROR_NETNAME_DELETED", text: "the network name is no longer available" }],
  [C.ERROR_BAD_NET_NAME, {
    name: "ERROR_BAD_NET_NAME",
    text: "the network name cannot be found on the host",
  }],
  [C.ERROR_INVALID_PARAMETER, { name: "ERROR_INVALID_PARAMETER", text: "the parameter is incorrect" }],
  [C.ERROR_BROKEN_PIPE, { name: "ERROR_BROKEN_PIPE", text: "the pipe has been ended" }],
  [C.ERROR_SEM_TIMEOUT, { name: "ERROR_SEM_TIMEOUT", text: "the wait timed out" }],
  [C.ERROR_INSUFFICIENT_BUFFER, { name: "ERROR_INSUFFICIENT_BUFFER", text: "the buffer is too small" }],
  [C.ERROR_INVALID_NAME, {
    name: "ERROR_INVALID_NAME",
    text: "the file name, directory name or volume label syntax is incorrect",
    pipe: "the pipe name is invalid",
  }],
  [C.ERROR_PROC_NOT_FOUND, {
    name: "ERROR_PROC_NOT_FOUND",
    text: "the system's DLL does not export the function this call needs",
  }],
  [C.ERROR_BAD_PATHNAME, { name: "ERROR_BAD_PATHNAME", text: "the path is invalid" }],
  [C.ERROR_BAD_EXE_FORMAT, {
    name: "ERROR_BAD_EXE_FORMAT",
    text: "the file is not a valid Windows program",
  }],
  [C.ERROR_FILENAME_EXCED_RANGE, { name: "ERROR_FILENAME_EXCED_RANGE", text: "the file name is too long" }],
  [C.ERROR_EXE_MACHINE_TYPE_MISMATCH, {
    name: "ERROR_EXE_MACHINE_TYPE_MISMATCH",
    text: "the program is not for this machine type",
  }],
  [C.ERROR_PIPE_LOCAL, { name: "ERROR_PIPE_LOCAL", text: "the pipe is local: the client is on this machine" }],
  [C.ERROR_BAD_PIPE, { name: "ERROR_BAD_PIPE", text: "the pipe state is invalid" }],
  [C.ERROR_PIPE_BUSY, { name: "ERROR_PIPE_BUSY", text: "all pipe instances are busy" }],
  [C.ERROR_NO_DATA, { name: "ERROR_NO_DATA", text: "the pipe is being closed" }],
  [C.ERROR_PIPE_NOT_CONNECTED, {
    name: "ERROR_PIPE_NOT_CONNECTED",
    text: "no process is on the other end of the pipe",
  }],
  [C.ERROR_MORE_DATA, { name: "ERROR_MORE_DATA", text: "more data is available" }],
  [C.ERROR_DIRECTORY, {
    name: "ERROR_DIRECTORY",
    text: "the directory name is invalid",
    process: "the working directory does not exist or is not a directory",
  }],
  [C.ERROR_PIPE_CONNECTED, { name: "ERROR_PIPE_CONNECTED", text: "there is a process on the other end of the pipe" }],
  [C.ERROR_PIPE_LISTENING, {
    name: "ERROR_PIPE_LISTENING",
    text: "waiting for a process to open the other end of the pipe",
  }],
  [C.ERROR_HANDLES_CLOSED, {
    name: "ERROR_HANDLES_CLOSED",
    text: "handles were closed automatically as a result of the operation",
  }],
  [C.ERROR_ELEVATION_REQUIRED, {
    name: "ERROR_ELEVATION_REQUIRED",
    text: "the operation requires elevation (run as administrator)",
  }],
  [C.ERROR_OPERATION_ABORTED, { name: "ERROR_OPERATION_ABORTED", text: "the operation was aborted" }],
  [C.ERROR_IO_INCOMPLETE, { name: "ERROR_IO_INCOMPLETE", text: "the overlapped I/O has not completed" }],
  [C.ERROR_IO_PENDING, { name: "ERROR_IO_PENDING", text: "overlapped I/O is in progress" }],
  [C.ERROR_NOACCESS, { name: "ERROR_NOACCESS", text: "invalid access to a memory location" }],
  [C.ERROR_NO_TOKEN, { name: "ERROR_NO_TOKEN", text: "the thread has no token" }],
  [C.ERROR_NOT_FOUND, { name: "ERROR_NOT_FOUND", text: "nothing was found to cancel" }],
  [C.ERROR_NETWORK_UNREACHABLE, { name: "ERROR_NETWORK_UNREACHABLE", text: "the network location cannot be reached" }],
  [C.ERROR_ACCESS_DISABLED_BY_POLICY, {
    name: "ERROR_ACCESS_DISABLED_BY_POLICY",
    text: "the program is blocked by group policy",
  }],
  [C.ERROR_INVALID_OWNER, {
    name: "ERROR_INVALID_OWNER",
    text: "this security ID may not be assigned as the owner of the pipe",
  }],
  [C.ERROR_PRIVILEGE_NOT_HELD, { name: "ERROR_PRIVILEGE_NOT_HELD", text: "a required privilege is not held" }],
  [C.ERROR_LOGON_FAILURE, {
    name: "ERROR_LOGON_FAILURE",
    text: "the host refused the logon (user name or password incorrect)",
  }],
  [C.ERROR_NONE_MAPPED, { name: "ERROR_NONE_MAPPED", text: "no account has that name or security ID" }],
  [C.ERROR_INVALID_ACL, { name: "ERROR_INVALID_ACL", text: "the access control list is invalid" }],
  [C.ERROR_INVALID_SID, { name: "ERROR_INVALID_SID", text: "the security ID is invalid" }],
  [C.ERROR_INVALID_SECURITY_DESCR, {
    name: "ERROR_INVALID_SECURITY_DESCR",
    text: "the security descriptor is invalid",
  }],
  [C.ERROR_BAD_IMPERSONATION_LEVEL, {
    name: "ERROR_BAD_IMPERSONATION_LEVEL",
    text: "the client's impersonation level does not allow this",
  }],
  [C.ERROR_CANT_OPEN_ANONYMOUS, {
    name: "ERROR_CANT_OPEN_ANONYMOUS",
    text: "the client connected anonymously (impersonation level anonymous): its identity cannot be read",
  }],
  [C.ERROR_CANNOT_IMPERSONATE, {
    name: "ERROR_CANNOT_IMPERSONATE",
    text: "there is no client to impersonate: none is connected, or none has written yet (dynamic tracking)",
  }],
  [C.ERROR_NO_SYSTEM_RESOURCES, {
    name: "ERROR_NO_SYSTEM_RESOURCES",
    text: "insufficient system resources to complete the operation",
  }],
  [C.ERROR_TIMEOUT, { name: "ERROR_TIMEOUT", text: "the operation timed out" }],
]);

/** The text of `code` worded for `call`, or undefined for a code not in the table. */
function errorText(code: number, call: string): string | undefined {
  const entry = ERRORS.get(code);
  if (entry === undefined) return undefined;
  const subject: Subject = PROCESS_CALLS.has(call) ? "process" : "pipe";
  return entry[subject] ?? entry.text;
}

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
    case C.ERROR_PIPE_NOT_CONNECTED:
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

/**
 * Options of the {@linkcode PipeError} constructor.
 *
 * @example
 * ```ts
 * import { ERROR_BROKEN_PIPE, PipeError, type PipeErrorOptions } from "@winpipe/core";
 * const options: PipeErrorOptions = { pipeName: String.raw`\\.\pipe\app`, partialMessage: new Uint8Array([1, 2]) };
 * const err = new PipeError(ERROR_BROKEN_PIPE, "ReadFile", options);
 * err.partialMessage; // Uint8Array [1, 2]
 * ```
 */
export interface PipeErrorOptions {
  /** The pipe name the call was about, if any. */
  pipeName?: string;
  /** The underlying cause. */
  cause?: unknown;
  /** More about what happened, added to the message after the code. */
  detail?: string;
  /** The part of a message that arrived before the data ended (see {@linkcode PipeError.partialMessage}). */
  partialMessage?: Uint8Array;
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
  /**
   * When a whole-message read (readMessage, transact, callNamedPipe) ended
   * in the middle of a message because the writer was gone
   * (ERROR_BROKEN_PIPE): the bytes of the message that did arrive.
   */
  readonly partialMessage: Uint8Array | undefined;

  /**
   * An error for `code` reported by `call` (a Win32 function name, or an API
   * operation such as "connect"); the message names both, the pipe, and
   * the code's text as it reads for that call.
   */
  constructor(code: number, call: string, options: PipeErrorOptions = {}) {
    const where = options.pipeName === undefined ? call : `${call} "${options.pipeName}"`;
    const text = errorText(code, call) ?? "system error";
    const detail = options.detail === undefined ? "" : `: ${options.detail}`;
    super(`${where}: ${text} (${errorName(code)}, os error ${code})${detail}`, { cause: options.cause });
    this.name = "PipeError";
    this.code = code;
    this.codeName = errorName(code);
    this.call = call;
    this.pipeName = options.pipeName;
    this.partialMessage = options.partialMessage;
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
