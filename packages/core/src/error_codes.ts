/**
 * The Win32 error codes the pipe calls report, under their winerror.h
 * names: files, names, handles and memory here, pipes and overlapped I/O
 * in pipe_error_codes.ts, security and identity in
 * security_error_codes.ts (`@winpipe/core` exports them with the other constants;
 * `errorName(code)` gives a code's name, `PipeError` its wording).
 *
 * @example
 * ```ts
 * import { ERROR_PIPE_BUSY, errorName } from "@winpipe/core";
 * errorName(ERROR_PIPE_BUSY); // "ERROR_PIPE_BUSY"
 * ```
 * @module
 */

/**
 * Win32 error: the operation completed successfully
 *
 * @example
 * ```ts
 * import { ERROR_SUCCESS, errorName } from "@winpipe/core";
 * errorName(ERROR_SUCCESS); // "ERROR_SUCCESS"
 * ```
 */
export const ERROR_SUCCESS = 0;
/**
 * Win32 error: incorrect function (ConnectNamedPipe on a client handle)
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_FUNCTION, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_INVALID_FUNCTION, "ConnectNamedPipe", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'ConnectNamedPipe "\\.\pipe\app": incorrect function (ERROR_INVALID_FUNCTION, os error 1)'
 * ```
 */
export const ERROR_INVALID_FUNCTION = 1;
/**
 * Win32 error: the system cannot find the file specified
 *
 * @example
 * ```ts
 * import { ERROR_FILE_NOT_FOUND, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_FILE_NOT_FOUND, "CreateFileW", { pipeName: String.raw`\\.\pipe\missing` }).message;
 * // 'CreateFileW "\\.\pipe\missing": the pipe does not exist (ERROR_FILE_NOT_FOUND, os error 2)'
 * ```
 */
export const ERROR_FILE_NOT_FOUND = 2;
/**
 * Win32 error: the system cannot find the path specified
 *
 * @example
 * ```ts
 * import { ERROR_PATH_NOT_FOUND, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_PATH_NOT_FOUND, "CreateFileW", { pipeName: String.raw`\\nohost\pipe\app` }).message;
 * // 'CreateFileW "\\nohost\pipe\app": the host of the pipe name, or its pipe share, was not found (ERROR_PATH_NOT_FOUND, os error 3)'
 * ```
 */
export const ERROR_PATH_NOT_FOUND = 3;
/**
 * Win32 error: the system cannot open the file (too many open files)
 *
 * @example
 * ```ts
 * import { ERROR_TOO_MANY_OPEN_FILES, errorName } from "@winpipe/core";
 * errorName(ERROR_TOO_MANY_OPEN_FILES); // "ERROR_TOO_MANY_OPEN_FILES"
 * ```
 */
export const ERROR_TOO_MANY_OPEN_FILES = 4;
/**
 * Win32 error: access is denied
 *
 * @example
 * ```ts
 * import { ERROR_ACCESS_DENIED, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_ACCESS_DENIED, "CreateNamedPipeW", { pipeName: String.raw`\\.\pipe\taken` }).message;
 * // 'CreateNamedPipeW "\\.\pipe\taken": access is denied (ERROR_ACCESS_DENIED, os error 5)'
 * ```
 */
export const ERROR_ACCESS_DENIED = 5;
/**
 * Win32 error: the handle is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_HANDLE, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_INVALID_HANDLE, "GetFileType").message;
 * // 'GetFileType: the handle is invalid (ERROR_INVALID_HANDLE, os error 6)'
 * ```
 */
export const ERROR_INVALID_HANDLE = 6;
/**
 * Win32 error: not enough memory resources
 *
 * @example
 * ```ts
 * import { ERROR_NOT_ENOUGH_MEMORY, errorName } from "@winpipe/core";
 * errorName(ERROR_NOT_ENOUGH_MEMORY); // "ERROR_NOT_ENOUGH_MEMORY"
 * ```
 */
export const ERROR_NOT_ENOUGH_MEMORY = 8;
/**
 * Win32 error: not enough memory resources are available to complete this operation
 *
 * @example
 * ```ts
 * import { ERROR_OUTOFMEMORY, errorName } from "@winpipe/core";
 * errorName(ERROR_OUTOFMEMORY); // "ERROR_OUTOFMEMORY"
 * ```
 */
export const ERROR_OUTOFMEMORY = 14;
/**
 * Win32 error: a device attached to the system is not functioning
 *
 * @example
 * ```ts
 * import { ERROR_GEN_FAILURE, errorName } from "@winpipe/core";
 * errorName(ERROR_GEN_FAILURE); // "ERROR_GEN_FAILURE"
 * ```
 */
export const ERROR_GEN_FAILURE = 31;
/**
 * Win32 error: the process cannot access the file because another process is using it
 *
 * @example
 * ```ts
 * import { ERROR_SHARING_VIOLATION, errorName } from "@winpipe/core";
 * errorName(ERROR_SHARING_VIOLATION); // "ERROR_SHARING_VIOLATION"
 * ```
 */
export const ERROR_SHARING_VIOLATION = 32;
/**
 * Win32 error: the request is not supported
 *
 * @example
 * ```ts
 * import { ERROR_NOT_SUPPORTED, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_NOT_SUPPORTED, "DisconnectNamedPipe").message;
 * // 'DisconnectNamedPipe: the request is not supported (ERROR_NOT_SUPPORTED, os error 50)'
 * ```
 */
export const ERROR_NOT_SUPPORTED = 50;
/**
 * Win32 error: the network path was not found
 *
 * @example
 * ```ts
 * import { ERROR_BAD_NETPATH, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_BAD_NETPATH, "CreateFileW", { pipeName: String.raw`\\nohost\pipe\app` }).message;
 * // 'CreateFileW "\\nohost\pipe\app": the network path was not found: the host does not exist or cannot be reached (ERROR_BAD_NETPATH, os error 53)'
 * ```
 */
export const ERROR_BAD_NETPATH = 53;
/**
 * Win32 error: the request does not fit the device (what Wine 10's pipe file system answers a directory query)
 *
 * @example
 * ```ts
 * import { ERROR_BAD_DEV_TYPE, errorName } from "@winpipe/core";
 * errorName(ERROR_BAD_DEV_TYPE); // "ERROR_BAD_DEV_TYPE"
 * ```
 */
export const ERROR_BAD_DEV_TYPE = 66;
/**
 * Win32 error: the specified network name is no longer available
 *
 * @example
 * ```ts
 * import { ERROR_NETNAME_DELETED, errorName } from "@winpipe/core";
 * errorName(ERROR_NETNAME_DELETED); // "ERROR_NETNAME_DELETED"
 * ```
 */
export const ERROR_NETNAME_DELETED = 64;
/**
 * Win32 error: the network name cannot be found
 *
 * @example
 * ```ts
 * import { ERROR_BAD_NET_NAME, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_BAD_NET_NAME, "CreateFileW", { pipeName: String.raw`\\server\pipe\app` }).message;
 * // 'CreateFileW "\\server\pipe\app": the network name cannot be found on the host (ERROR_BAD_NET_NAME, os error 67)'
 * ```
 */
export const ERROR_BAD_NET_NAME = 67;
/**
 * Win32 error: the parameter is incorrect
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_PARAMETER, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_INVALID_PARAMETER, "SetNamedPipeHandleState", { pipeName: String.raw`\\.\pipe\bytes` }).message;
 * // 'SetNamedPipeHandleState "\\.\pipe\bytes": the parameter is incorrect (ERROR_INVALID_PARAMETER, os error 87)'
 * ```
 */
export const ERROR_INVALID_PARAMETER = 87;
/**
 * Win32 error: the data area passed to a system call is too small
 *
 * @example
 * ```ts
 * import { ERROR_INSUFFICIENT_BUFFER, errorName } from "@winpipe/core";
 * errorName(ERROR_INSUFFICIENT_BUFFER); // "ERROR_INSUFFICIENT_BUFFER"
 * ```
 */
export const ERROR_INSUFFICIENT_BUFFER = 122;
/**
 * Win32 error: the file name, directory name or volume label syntax is incorrect
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_NAME, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_INVALID_NAME, "CreateNamedPipeW", { pipeName: String.raw`\\.\pipe\a\b` }).message;
 * // 'CreateNamedPipeW "\\.\pipe\a\b": the pipe name is invalid (ERROR_INVALID_NAME, os error 123)'
 * ```
 */
export const ERROR_INVALID_NAME = 123;
/**
 * Win32 error: the specified procedure could not be found (a DLL does not export a function)
 *
 * @example
 * ```ts
 * import { ERROR_PROC_NOT_FOUND, errorName } from "@winpipe/core";
 * errorName(ERROR_PROC_NOT_FOUND); // "ERROR_PROC_NOT_FOUND"
 * ```
 */
export const ERROR_PROC_NOT_FOUND = 127;
/**
 * Win32 error: the specified path is invalid
 *
 * @example
 * ```ts
 * import { ERROR_BAD_PATHNAME, errorName } from "@winpipe/core";
 * errorName(ERROR_BAD_PATHNAME); // "ERROR_BAD_PATHNAME"
 * ```
 */
export const ERROR_BAD_PATHNAME = 161;
/**
 * Win32 error: the file is not a valid Windows application
 *
 * @example
 * ```ts
 * import { ERROR_BAD_EXE_FORMAT, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_BAD_EXE_FORMAT, "CreateProcessW").message;
 * // 'CreateProcessW: the file is not a valid Windows program (ERROR_BAD_EXE_FORMAT, os error 193)'
 * ```
 */
export const ERROR_BAD_EXE_FORMAT = 193;
/**
 * Win32 error: the file name or extension is too long
 *
 * @example
 * ```ts
 * import { ERROR_FILENAME_EXCED_RANGE, errorName } from "@winpipe/core";
 * errorName(ERROR_FILENAME_EXCED_RANGE); // "ERROR_FILENAME_EXCED_RANGE"
 * ```
 */
export const ERROR_FILENAME_EXCED_RANGE = 206;
/**
 * Win32 error: the program is not for this machine type
 *
 * @example
 * ```ts
 * import { ERROR_EXE_MACHINE_TYPE_MISMATCH, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_EXE_MACHINE_TYPE_MISMATCH, "CreateProcessW").message;
 * // 'CreateProcessW: the program is not for this machine type (ERROR_EXE_MACHINE_TYPE_MISMATCH, os error 216)'
 * ```
 */
export const ERROR_EXE_MACHINE_TYPE_MISMATCH = 216;
/**
 * Win32 error: the directory name is invalid
 *
 * @example
 * ```ts
 * import { ERROR_DIRECTORY, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_DIRECTORY, "CreateProcessW").message;
 * // 'CreateProcessW: the working directory does not exist or is not a directory (ERROR_DIRECTORY, os error 267)'
 * ```
 */
export const ERROR_DIRECTORY = 267;
/**
 * Win32 error: invalid access to memory location
 *
 * @example
 * ```ts
 * import { ERROR_NOACCESS, errorName } from "@winpipe/core";
 * errorName(ERROR_NOACCESS); // "ERROR_NOACCESS"
 * ```
 */
export const ERROR_NOACCESS = 998;
/**
 * Win32 error: element not found (CancelIoEx found nothing to cancel)
 *
 * @example
 * ```ts
 * import { ERROR_NOT_FOUND, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_NOT_FOUND, "CancelIoEx", { pipeName: String.raw`\\.\pipe\app` }).message;
 * // 'CancelIoEx "\\.\pipe\app": nothing was found to cancel (ERROR_NOT_FOUND, os error 1168)'
 * ```
 */
export const ERROR_NOT_FOUND = 1168;
/**
 * Win32 error: the network location cannot be reached
 *
 * @example
 * ```ts
 * import { ERROR_NETWORK_UNREACHABLE, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_NETWORK_UNREACHABLE, "CreateFileW", { pipeName: String.raw`\\server\pipe\app` }).message;
 * // 'CreateFileW "\\server\pipe\app": the network location cannot be reached (ERROR_NETWORK_UNREACHABLE, os error 1231)'
 * ```
 */
export const ERROR_NETWORK_UNREACHABLE = 1231;
/**
 * Win32 error: insufficient system resources exist to complete the requested service
 *
 * @example
 * ```ts
 * import { ERROR_NO_SYSTEM_RESOURCES, errorName } from "@winpipe/core";
 * errorName(ERROR_NO_SYSTEM_RESOURCES); // "ERROR_NO_SYSTEM_RESOURCES"
 * ```
 */
export const ERROR_NO_SYSTEM_RESOURCES = 1450;
/**
 * Win32 error: this operation returned because the timeout period expired
 *
 * @example
 * ```ts
 * import { ERROR_TIMEOUT, errorName } from "@winpipe/core";
 * errorName(ERROR_TIMEOUT); // "ERROR_TIMEOUT"
 * ```
 */
export const ERROR_TIMEOUT = 1460;

export * from "./pipe_error_codes.ts";
export * from "./security_error_codes.ts";
