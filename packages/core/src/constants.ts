/**
 * Win32 constants used by the pipe API, under their documented names.
 *
 * The values come from the Windows SDK headers (winbase.h, winnt.h,
 * winerror.h). They are exported so that code written against the
 * Microsoft documentation reads the same here.
 *
 * @example
 * ```ts
 * import { PIPE_TYPE_MESSAGE, PIPE_READMODE_MESSAGE } from "@winpipe/core";
 * const pipeMode = PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE; // 6
 * ```
 * @module
 */

/**
 * dwOpenMode: the pipe is inbound only (client writes, server reads).
 *
 * @example
 * ```ts
 * import { PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const server = kernel.createNamedPipe({
 *   name: String.raw`\\.\pipe\inbound`,
 *   openMode: PIPE_ACCESS_INBOUND, // clients write, the server reads
 *   pipeMode: PIPE_TYPE_BYTE,
 *   maxInstances: 1,
 *   outBufferSize: 4096,
 *   inBufferSize: 4096,
 *   defaultTimeout: 0,
 *   inheritable: false,
 * });
 * kernel.close(server);
 * ```
 */
export const PIPE_ACCESS_INBOUND = 0x00000001;
/**
 * dwOpenMode: the pipe is outbound only (server writes, client reads).
 *
 * @example
 * ```ts
 * import { createWinpipe, PIPE_ACCESS_OUTBOUND } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // The public API says it with a word: access "outbound" is PIPE_ACCESS_OUTBOUND.
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\outbound`, { access: "outbound" });
 * PIPE_ACCESS_OUTBOUND; // 2
 * ```
 */
export const PIPE_ACCESS_OUTBOUND = 0x00000002;
/**
 * dwOpenMode: the pipe is bidirectional.
 *
 * @example
 * ```ts
 * import { PIPE_ACCESS_DUPLEX, PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND } from "@winpipe/core";
 * PIPE_ACCESS_DUPLEX === (PIPE_ACCESS_INBOUND | PIPE_ACCESS_OUTBOUND); // true
 * ```
 */
export const PIPE_ACCESS_DUPLEX = 0x00000003;
/**
 * dwOpenMode: fail with ERROR_ACCESS_DENIED if an instance of this name already exists.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // createServer sets it on its first instance unless `firstInstance: false`.
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\mine`); // a second createServer of this name fails: ERROR_ACCESS_DENIED
 * ```
 */
export const FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
/**
 * dwOpenMode / dwFlagsAndAttributes: the handle is opened for overlapped I/O.
 *
 * @example
 * ```ts
 * import { FILE_FLAG_OVERLAPPED } from "@winpipe/core";
 * // The kernel32 layer adds it to every named pipe it creates or opens; the port leaves it out.
 * (0x00000003 | FILE_FLAG_OVERLAPPED) >>> 0; // 1073741827
 * ```
 */
export const FILE_FLAG_OVERLAPPED = 0x40000000;
/**
 * dwOpenMode: write-through mode (only matters for remote byte pipes).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // The public API sets it with `writeThrough: true`.
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\through`, { writeThrough: true });
 * ```
 */
export const FILE_FLAG_WRITE_THROUGH = 0x80000000;

/**
 * dwPipeMode: data is written as a stream of bytes (default).
 *
 * @example
 * ```ts
 * import { createWinpipe, PIPE_TYPE_BYTE } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // `type: "byte"`, the default of createServer, is PIPE_TYPE_BYTE.
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\stream`, { type: "byte" });
 * PIPE_TYPE_BYTE; // 0
 * ```
 */
export const PIPE_TYPE_BYTE = 0x00000000;
/**
 * dwPipeMode: data is written as a stream of messages.
 *
 * @example
 * ```ts
 * import { createWinpipe, PIPE_TYPE_MESSAGE, type PipeKernel } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel: PipeKernel = createModelKernel();
 * const { createNamedPipe } = createWinpipe(kernel);
 * using instance = createNamedPipe(String.raw`\\.\pipe\typed`, { type: "message" });
 * (kernel.getInfo(instance.kernelHandle).flags & PIPE_TYPE_MESSAGE) !== 0; // true
 * instance.info().type; // "message"
 * ```
 */
export const PIPE_TYPE_MESSAGE = 0x00000004;
/**
 * dwPipeMode / lpMode: data is read as a stream of bytes (default).
 *
 * @example
 * ```ts
 * import { PIPE_READMODE_BYTE, PIPE_WAIT } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * kernel.getState(read).mode === (PIPE_READMODE_BYTE | PIPE_WAIT); // true: the defaults
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export const PIPE_READMODE_BYTE = 0x00000000;
/**
 * dwPipeMode / lpMode: data is read as a stream of messages.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // The public API says `readMode: "message"`; a byte-type pipe refuses it (ERROR_INVALID_PARAMETER).
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\messages`, { type: "message", readMode: "message" });
 * ```
 */
export const PIPE_READMODE_MESSAGE = 0x00000002;
/**
 * dwPipeMode / lpMode: blocking mode (default).
 *
 * @example
 * ```ts
 * import { PIPE_NOWAIT, PIPE_WAIT } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * kernel.setState(read, PIPE_NOWAIT); // a read of the empty pipe now fails with ERROR_NO_DATA
 * kernel.setState(read, PIPE_WAIT); // and waits again
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export const PIPE_WAIT = 0x00000000;
/**
 * dwPipeMode / lpMode: nonblocking mode (LAN Manager 2.0 compatibility).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // The public API says `wait: "nonblocking"`.
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * pipe.reader.setState({ wait: "nonblocking" });
 * pipe.reader.state().wait; // "nonblocking"
 * ```
 */
export const PIPE_NOWAIT = 0x00000001;
/**
 * dwPipeMode: remote clients may connect (default).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // The public API rejects remote clients by default; `rejectRemoteClients: false` accepts them.
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\shared`, { rejectRemoteClients: false });
 * ```
 */
export const PIPE_ACCEPT_REMOTE_CLIENTS = 0x00000000;
/**
 * dwPipeMode: connections from remote clients are refused.
 *
 * @example
 * ```ts
 * import { PIPE_REJECT_REMOTE_CLIENTS, PIPE_TYPE_MESSAGE } from "@winpipe/core";
 * const pipeMode = PIPE_TYPE_MESSAGE | PIPE_REJECT_REMOTE_CLIENTS; // 12
 * ```
 */
export const PIPE_REJECT_REMOTE_CLIENTS = 0x00000008;
/**
 * nMaxInstances: as many instances as system resources allow.
 *
 * @example
 * ```ts
 * import { createWinpipe, PIPE_UNLIMITED_INSTANCES, type PipeKernel } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel: PipeKernel = createModelKernel();
 * const { createNamedPipe } = createWinpipe(kernel);
 * using instance = createNamedPipe(String.raw`\\.\pipe\many`); // maxInstances "unlimited" is the default
 * kernel.getInfo(instance.kernelHandle).maxInstances === PIPE_UNLIMITED_INSTANCES; // true
 * instance.info().maxInstances; // "unlimited"
 * ```
 */
export const PIPE_UNLIMITED_INSTANCES = 255;

/**
 * GetNamedPipeInfo lpFlags: the handle is the client end (no bit set).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * pipe.writer.info().end; // "client": an anonymous pipe's write end is its client end
 * ```
 */
export const PIPE_CLIENT_END = 0x00000000;
/**
 * GetNamedPipeInfo lpFlags: the handle is the server end.
 *
 * @example
 * ```ts
 * import { PIPE_SERVER_END } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * (kernel.getInfo(read).flags & PIPE_SERVER_END) !== 0; // true: the read end is the server end
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export const PIPE_SERVER_END = 0x00000001;

/**
 * Access right: read data.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // `access: "read"` opens the client with GENERIC_READ (and FILE_WRITE_ATTRIBUTES, to set its read mode).
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\news`, { access: "outbound" });
 * await using reader = await connect(String.raw`\\.\pipe\news`, { access: "read" });
 * ```
 */
export const GENERIC_READ = 0x80000000;
/**
 * Access right: write data.
 *
 * @example
 * ```ts
 * import { GENERIC_READ, GENERIC_WRITE } from "@winpipe/core";
 * // What `access: "duplex"` (the default of connect) asks CreateFile for:
 * (GENERIC_READ | GENERIC_WRITE) >>> 0; // 3221225472
 * ```
 */
export const GENERIC_WRITE = 0x40000000;
/**
 * Access right: read attributes (GetNamedPipeHandleState needs it).
 *
 * @example
 * ```ts
 * import { FILE_READ_ATTRIBUTES, GENERIC_WRITE } from "@winpipe/core";
 * // What `access: "write"` asks CreateFile for: write, and read the handle's state.
 * (GENERIC_WRITE | FILE_READ_ATTRIBUTES) >>> 0; // 1073741952
 * ```
 */
export const FILE_READ_ATTRIBUTES = 0x00000080;
/**
 * Access right: write attributes (SetNamedPipeHandleState needs it).
 *
 * @example
 * ```ts
 * import { FILE_WRITE_ATTRIBUTES, GENERIC_READ } from "@winpipe/core";
 * // What `access: "read"` asks CreateFile for: read, and change the handle's read mode.
 * (GENERIC_READ | FILE_WRITE_ATTRIBUTES) >>> 0; // 2147483904
 * ```
 */
export const FILE_WRITE_ATTRIBUTES = 0x00000100;

/**
 * WaitNamedPipe nTimeOut: use the server's default timeout.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // `timeout: "default"` waits the server's defaultTimeout (NMPWAIT_USE_DEFAULT_WAIT).
 * const { createServer, waitNamedPipe } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\patient`, { defaultTimeout: 1000 });
 * await waitNamedPipe(String.raw`\\.\pipe\patient`, { timeout: "default" }); // true: an instance listens
 * ```
 */
export const NMPWAIT_USE_DEFAULT_WAIT = 0x00000000;
/**
 * WaitNamedPipe nTimeOut: wait until an instance is available.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // `timeout: Infinity`, the default of waitNamedPipe and connect, is NMPWAIT_WAIT_FOREVER.
 * const { createServer, waitNamedPipe } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\forever`);
 * await waitNamedPipe(String.raw`\\.\pipe\forever`); // true
 * ```
 */
export const NMPWAIT_WAIT_FOREVER = 0xffffffff;
/**
 * CallNamedPipe nTimeOut: do not wait for a busy pipe.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // `timeout: 0` does not wait for a busy pipe (NMPWAIT_NOWAIT).
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\now`, { maxInstances: 1 });
 * await using first = await connect(String.raw`\\.\pipe\now`);
 * await connect(String.raw`\\.\pipe\now`, { timeout: 0 }).catch((err) => err.codeName); // "ERROR_PIPE_BUSY"
 * ```
 */
export const NMPWAIT_NOWAIT = 0x00000001;

/**
 * CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can neither identify nor impersonate the client.
 *
 * @example
 * ```ts
 * import { SECURITY_ANONYMOUS } from "@winpipe/core";
 * // connect opens pipes with SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION unless told otherwise
 * SECURITY_ANONYMOUS >>> 0; // 0
 * ```
 */
export const SECURITY_ANONYMOUS = 0x00000000;
/**
 * CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can identify the client (read its token) but not act as it.
 *
 * @example
 * ```ts
 * import { SECURITY_IDENTIFICATION } from "@winpipe/core";
 * // connect opens pipes with SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION unless told otherwise
 * SECURITY_IDENTIFICATION; // 65536
 * ```
 */
export const SECURITY_IDENTIFICATION = 0x00010000;
/**
 * CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can act as the client on the local machine.
 *
 * @example
 * ```ts
 * import { SECURITY_IMPERSONATION } from "@winpipe/core";
 * // connect opens pipes with SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION unless told otherwise
 * SECURITY_IMPERSONATION >>> 0; // 131072
 * ```
 */
export const SECURITY_IMPERSONATION = 0x00020000;
/**
 * CreateFile dwFlagsAndAttributes (with SECURITY_SQOS_PRESENT): the server can act as the client on other machines too.
 *
 * @example
 * ```ts
 * import { SECURITY_DELEGATION } from "@winpipe/core";
 * // connect opens pipes with SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION unless told otherwise
 * SECURITY_DELEGATION >>> 0; // 196608
 * ```
 */
export const SECURITY_DELEGATION = 0x00030000;

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
 * Win32 error: the requested operation requires elevation
 *
 * @example
 * ```ts
 * import { ERROR_ELEVATION_REQUIRED, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_ELEVATION_REQUIRED, "CreateProcessW").message;
 * // 'CreateProcessW: the operation requires elevation (run as administrator) (ERROR_ELEVATION_REQUIRED, os error 740)'
 * ```
 */
export const ERROR_ELEVATION_REQUIRED = 740;
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
 * Win32 error: an attempt was made to reference a token that does not exist
 *
 * @example
 * ```ts
 * import { ERROR_NO_TOKEN, errorName } from "@winpipe/core";
 * errorName(ERROR_NO_TOKEN); // "ERROR_NO_TOKEN"
 * ```
 */
export const ERROR_NO_TOKEN = 1008;
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
 * Win32 error: this program is blocked by group policy
 *
 * @example
 * ```ts
 * import { ERROR_ACCESS_DISABLED_BY_POLICY, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_ACCESS_DISABLED_BY_POLICY, "CreateProcessW").message;
 * // 'CreateProcessW: the program is blocked by group policy (ERROR_ACCESS_DISABLED_BY_POLICY, os error 1260)'
 * ```
 */
export const ERROR_ACCESS_DISABLED_BY_POLICY = 1260;
/**
 * Win32 error: this security ID may not be assigned as the owner of this object
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_OWNER, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_OWNER); // "ERROR_INVALID_OWNER"
 * ```
 */
export const ERROR_INVALID_OWNER = 1307;
/**
 * Win32 error: a required privilege is not held by the client
 *
 * @example
 * ```ts
 * import { ERROR_PRIVILEGE_NOT_HELD, errorName } from "@winpipe/core";
 * errorName(ERROR_PRIVILEGE_NOT_HELD); // "ERROR_PRIVILEGE_NOT_HELD"
 * ```
 */
export const ERROR_PRIVILEGE_NOT_HELD = 1314;
/**
 * Win32 error: the user name or password is incorrect
 *
 * @example
 * ```ts
 * import { ERROR_LOGON_FAILURE, PipeError } from "@winpipe/core";
 * new PipeError(ERROR_LOGON_FAILURE, "CreateFileW", { pipeName: String.raw`\\server\pipe\app` }).message;
 * // 'CreateFileW "\\server\pipe\app": the host refused the logon (user name or password incorrect) (ERROR_LOGON_FAILURE, os error 1326)'
 * ```
 */
export const ERROR_LOGON_FAILURE = 1326;
/**
 * Win32 error: no mapping between account names and security IDs was done
 *
 * @example
 * ```ts
 * import { ERROR_NONE_MAPPED, errorName } from "@winpipe/core";
 * errorName(ERROR_NONE_MAPPED); // "ERROR_NONE_MAPPED"
 * ```
 */
export const ERROR_NONE_MAPPED = 1332;
/**
 * Win32 error: the access control list (ACL) structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_ACL, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_ACL); // "ERROR_INVALID_ACL"
 * ```
 */
export const ERROR_INVALID_ACL = 1336;
/**
 * Win32 error: the security ID structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_SID, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_SID); // "ERROR_INVALID_SID"
 * ```
 */
export const ERROR_INVALID_SID = 1337;
/**
 * Win32 error: the security descriptor structure is invalid
 *
 * @example
 * ```ts
 * import { ERROR_INVALID_SECURITY_DESCR, errorName } from "@winpipe/core";
 * errorName(ERROR_INVALID_SECURITY_DESCR); // "ERROR_INVALID_SECURITY_DESCR"
 * ```
 */
export const ERROR_INVALID_SECURITY_DESCR = 1338;
/**
 * Win32 error: either a required impersonation level was not provided, or the provided impersonation level is invalid
 *
 * @example
 * ```ts
 * import { ERROR_BAD_IMPERSONATION_LEVEL, errorName } from "@winpipe/core";
 * errorName(ERROR_BAD_IMPERSONATION_LEVEL); // "ERROR_BAD_IMPERSONATION_LEVEL"
 * ```
 */
export const ERROR_BAD_IMPERSONATION_LEVEL = 1346;
/**
 * Win32 error: cannot open an anonymous level security token
 *
 * @example
 * ```ts
 * import { ERROR_CANT_OPEN_ANONYMOUS, errorName } from "@winpipe/core";
 * errorName(ERROR_CANT_OPEN_ANONYMOUS); // "ERROR_CANT_OPEN_ANONYMOUS"
 * ```
 */
export const ERROR_CANT_OPEN_ANONYMOUS = 1347;
/**
 * Win32 error: unable to impersonate using a named pipe until data has been read from that pipe
 *
 * @example
 * ```ts
 * import { ERROR_CANNOT_IMPERSONATE, errorName } from "@winpipe/core";
 * errorName(ERROR_CANNOT_IMPERSONATE); // "ERROR_CANNOT_IMPERSONATE"
 * ```
 */
export const ERROR_CANNOT_IMPERSONATE = 1368;
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
