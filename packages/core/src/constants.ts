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

// The Win32 error codes (winerror.h) have a file of their own; they are
// constants of this module all the same.
export * from "./error_codes.ts";
