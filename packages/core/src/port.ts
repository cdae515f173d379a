/**
 * The kernel port: the one seam between winpipe's semantics and a platform.
 *
 * A backend (the in-memory model, kernel32 through Deno FFI, kernel32
 * through bun:ffi) implements {@linkcode PipeKernel}. Its methods mirror the
 * Win32 calls one to one, with these conventions:
 *
 * - Immediate calls (create, open, close, peek, state, info, disconnect,
 *   cancel) are synchronous and throw a {@linkcode PipeError} on failure.
 * - Calls that can wait (read, write, connect, transact, flush,
 *   waitNamedPipe) return promises and take an optional AbortSignal. They
 *   never block the event loop. A call that the kernel fails at once
 *   rejects at once; a call that pends settles when the kernel completes it.
 *   Aborting the signal cancels that one operation (CancelIoEx with its
 *   OVERLAPPED); the promise then rejects with a PipeError whose code is
 *   ERROR_OPERATION_ABORTED (the public API turns that into an AbortError).
 *   A signal that is already aborted rejects without issuing the call.
 * - ERROR_MORE_DATA from read/transact is a result (`messageComplete: false`),
 *   not an error. ERROR_PIPE_CONNECTED from connect is success.
 * - Every other failure is a PipeError with the Win32 code, the Win32
 *   function name as `call` (e.g. "ReadFile", "CreateNamedPipeW") and the
 *   handle's pipe name when it has one.
 * - Arguments have been validated by the caller (see validate.ts); a backend
 *   passes them to the kernel as they are.
 * - Access control and identity (security descriptors, who is on the other
 *   end, impersonation) are the optional capability
 *   {@linkcode PipeKernel.security}, immediate calls all of them.
 * - Memory: no call keeps a pointer to the caller's memory once it has
 *   returned its promise. `write` and `transact` read their input during
 *   the call (a backend whose kernel may use it later copies it into memory
 *   it owns); `read` and `transact` deliver what they read in a new
 *   Uint8Array that the backend allocated for the operation and hands over
 *   when the kernel is done with it (see docs/buffer-ownership.md). So
 *   nothing JavaScript does with its own buffers meanwhile (transfer,
 *   resize, postMessage) can make the kernel write into freed memory.
 *
 * @module
 */

import type { SecurityKernel } from "./port_security.ts";
import type { ProcessKernel } from "./port_process.ts";

/**
 * A kernel handle as a backend represents it. The public API treats it as
 * opaque apart from these fields.
 *
 * @example
 * ```ts
 * import type { KernelHandle, PipeKernel } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel: PipeKernel = createModelKernel();
 * const handle: KernelHandle = kernel.createPipe(0, false, false).read;
 * handle.pipeName; // undefined: anonymous
 * kernel.close(handle);
 * handle.closed; // true
 * ```
 */
export interface KernelHandle {
  /** The pipe name it was created or opened with; undefined for anonymous pipes. */
  readonly pipeName: string | undefined;
  /** True once {@linkcode PipeKernel.close} ran on it. */
  readonly closed: boolean;
}

/**
 * Parameters of CreateNamedPipeW.
 *
 * @example
 * ```ts
 * import { type CreateNamedPipeParams, PIPE_ACCESS_DUPLEX, PIPE_READMODE_MESSAGE, PIPE_TYPE_MESSAGE } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const params: CreateNamedPipeParams = {
 *   name: String.raw`\\.\pipe\port`,
 *   openMode: PIPE_ACCESS_DUPLEX,
 *   pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
 *   maxInstances: 1,
 *   outBufferSize: 4096,
 *   inBufferSize: 4096,
 *   defaultTimeout: 0,
 *   inheritable: false,
 * };
 * const kernel = createModelKernel();
 * kernel.close(kernel.createNamedPipe(params));
 * ```
 */
export interface CreateNamedPipeParams {
  /** lpName: the full name, `\\.\pipe\NAME` (validated). */
  name: string;
  /**
   * dwOpenMode: PIPE_ACCESS_* | FILE_FLAG_FIRST_PIPE_INSTANCE |
   * FILE_FLAG_WRITE_THROUGH. FILE_FLAG_OVERLAPPED is the backend's own
   * business and is not set here (see `synchronous`).
   */
  openMode: number;
  /** dwPipeMode: PIPE_TYPE_* | PIPE_READMODE_* | PIPE_WAIT/PIPE_NOWAIT | PIPE_*_REMOTE_CLIENTS. */
  pipeMode: number;
  /** nMaxInstances: 1..255, where 255 (PIPE_UNLIMITED_INSTANCES) means unlimited. */
  maxInstances: number;
  /** nOutBufferSize in bytes. */
  outBufferSize: number;
  /** nInBufferSize in bytes. */
  inBufferSize: number;
  /** nDefaultTimeOut in milliseconds for WaitNamedPipe(NMPWAIT_USE_DEFAULT_WAIT); 0 means 50. */
  defaultTimeout: number;
  /** bInheritHandle of the security attributes. */
  inheritable: boolean;
  /**
   * lpSecurityDescriptor of the security attributes, as SDDL (kernel32:
   * ConvertStringSecurityDescriptorToSecurityDescriptorW). Undefined for
   * NULL: the system's default descriptor for pipes. Only the first
   * instance of a name sets it; a later instance is checked against it
   * (FILE_CREATE_PIPE_INSTANCE).
   */
  securityDescriptor?: string;
  /**
   * True: the instance is opened without FILE_FLAG_OVERLAPPED, a
   * synchronous handle (see {@linkcode OpenPipeParams.synchronous}).
   * Undefined or false: the backend's default.
   */
  synchronous?: boolean;
}

/**
 * Parameters of CreateFileW(OPEN_EXISTING) on a pipe name.
 *
 * @example
 * ```ts
 * import { GENERIC_READ, GENERIC_WRITE, type OpenPipeParams } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const params: OpenPipeParams = { name: String.raw`\\.\pipe\nobody`, access: GENERIC_READ | GENERIC_WRITE, inheritable: false };
 * try {
 *   kernel.openPipe(params);
 * } catch (err) {
 *   (err as Error).message; // 'CreateFileW "\\.\pipe\nobody": the pipe does not exist (ERROR_FILE_NOT_FOUND, os error 2)'
 * }
 * ```
 */
export interface OpenPipeParams {
  /** lpFileName: the full pipe name (validated). */
  name: string;
  /** dwDesiredAccess: GENERIC_READ | GENERIC_WRITE | FILE_WRITE_ATTRIBUTES | FILE_READ_ATTRIBUTES. */
  access: number;
  /** bInheritHandle of the security attributes. */
  inheritable: boolean;
  /**
   * The impersonation level the server gets (dwFlagsAndAttributes, always
   * with SECURITY_SQOS_PRESENT and static tracking): SECURITY_ANONYMOUS,
   * SECURITY_IDENTIFICATION, SECURITY_IMPERSONATION or SECURITY_DELEGATION.
   * Undefined: SECURITY_IDENTIFICATION.
   */
  securityQos?: number;
  /**
   * True: the handle is opened without FILE_FLAG_OVERLAPPED, a synchronous
   * handle. A synchronous call on it is the plain call a C program makes,
   * waiting in its thread; a backend runs an asynchronous call on it in
   * another thread. Windows serializes the I/O of such a handle
   * ([CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew),
   * FILE_FLAG_OVERLAPPED). The model has no threads and ignores it.
   * Undefined or false: the backend's default.
   */
  synchronous?: boolean;
}

/**
 * What ReadFile / TransactNamedPipe delivered.
 *
 * @example
 * ```ts
 * import type { ReadData } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const data: ReadData = await kernel.read(read, 16);
 * data.bytes; // Uint8Array [1, 2, 3]: the caller's to keep
 * data.messageComplete; // true
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface ReadData {
  /**
   * The bytes read, in memory the backend allocated for this operation and
   * now hands over to the caller: nothing else refers to it. The rest of
   * that memory (`bytes.buffer` beyond `bytes`) may hold what an earlier
   * operation left there (kernel32 reuses its buffers): a caller that hands
   * `bytes` on to a user keeps them with `keepBytes` (@winpipe/core/internal).
   */
  bytes: Uint8Array<ArrayBuffer>;
  /**
   * False when the kernel reported ERROR_MORE_DATA: the buffer held only
   * part of a message and the rest is still in the pipe. Always true in byte
   * read mode.
   */
  messageComplete: boolean;
  /**
   * Gives the memory of `bytes` back to the backend for reuse, when a
   * backend keeps buffers (kernel32 does). Optional to call: a caller that
   * keeps `bytes` does not. After it, nothing may use `bytes` again.
   */
  release?: () => void;
}

/**
 * What a synchronous ReadFile or TransactNamedPipe read into the caller's
 * buffer.
 *
 * @example
 * ```ts
 * import type { SyncReadResult } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * kernel.writeSync(write, new Uint8Array([1, 2, 3]));
 * const result: SyncReadResult = kernel.readSync(read, new Uint8Array(16));
 * result; // { bytesRead: 3, messageComplete: true }
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface SyncReadResult {
  /** lpNumberOfBytesRead: bytes copied into the buffer. */
  bytesRead: number;
  /** False when the kernel reported ERROR_MORE_DATA (the rest of the message is still in the pipe). */
  messageComplete: boolean;
}

/**
 * Result of PeekNamedPipe.
 *
 * @example
 * ```ts
 * import type { PeekResult } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const counts: PeekResult = kernel.peek(read); // no buffer: counts only
 * counts.bytesAvailable; // 3
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface PeekResult {
  /** lpBytesRead: bytes copied into the buffer (0 without a buffer). */
  bytesRead: number;
  /** lpTotalBytesAvail: bytes that can be read from the pipe. */
  bytesAvailable: number;
  /**
   * lpBytesLeftThisMessage: bytes left in the current message after the
   * copied ones; 0 on byte pipes (kernel32 reports `0 - bytesRead` as a
   * DWORD there, which backends normalise to 0).
   */
  bytesLeftInMessage: number;
}

/**
 * Result of GetNamedPipeHandleStateW (the fields that are defined for local pipes).
 *
 * @example
 * ```ts
 * import { type HandleState, PIPE_NOWAIT } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * const state: HandleState = kernel.getState(read);
 * (state.mode & PIPE_NOWAIT) === 0; // true: blocking
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface HandleState {
  /** lpState: PIPE_READMODE_MESSAGE and PIPE_NOWAIT bits. */
  mode: number;
  /** lpCurInstances: current number of instances of the pipe. */
  currentInstances: number;
}

/**
 * Result of GetNamedPipeInfo.
 *
 * @example
 * ```ts
 * import type { PipeInfo } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * const info: PipeInfo = kernel.getInfo(read);
 * info.inBufferSize; // 4096: CreatePipe's size 0
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface PipeInfo {
  /** lpFlags: PIPE_SERVER_END and PIPE_TYPE_MESSAGE bits. */
  flags: number;
  /** lpOutBufferSize. */
  outBufferSize: number;
  /** lpInBufferSize. */
  inBufferSize: number;
  /** lpMaxInstances (255 = unlimited). */
  maxInstances: number;
}

/**
 * One name of the pipe file system's directory (`\\.\pipe\`), as
 * NtQueryDirectoryFile reports it there in a FILE_DIRECTORY_INFORMATION.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { PipeDirectoryEntry } from "@winpipe/core";
 * const kernel = createModelKernel();
 * const server = kernel.createNamedPipe({
 *   name: String.raw`\\.\pipe\entry`,
 *   openMode: 3,
 *   pipeMode: 0,
 *   maxInstances: 4,
 *   outBufferSize: 0,
 *   inBufferSize: 0,
 *   defaultTimeout: 0,
 *   inheritable: false,
 * });
 * const entries: PipeDirectoryEntry[] = kernel.listPipes();
 * entries.find((e) => e.name === "entry"); // { name: "entry", currentInstances: 1, maxInstances: 4 }
 * kernel.close(server);
 * ```
 */
export interface PipeDirectoryEntry {
  /** FileName: the name after `\\.\pipe\`, spelled as its first instance was created. */
  name: string;
  /** EndOfFile, which the pipe file system sets to the current number of instances. */
  currentInstances: number;
  /** AllocationSize, which it sets to the maximum number of instances; 255 (PIPE_UNLIMITED_INSTANCES) for unlimited. */
  maxInstances: number;
}

/**
 * The two ends of an anonymous pipe.
 *
 * @example
 * ```ts
 * import type { AnonymousPipeHandles, PipeKernel } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel: PipeKernel = createModelKernel();
 * const pipe: AnonymousPipeHandles = kernel.createPipe(4096, false, false);
 * kernel.close(pipe.read);
 * kernel.close(pipe.write);
 * ```
 */
export interface AnonymousPipeHandles<H extends KernelHandle = KernelHandle> {
  /** The read end: read-only access. */
  read: H;
  /** The write end: write-only access. */
  write: H;
}

/**
 * The narrow interface each backend implements. Methods mirror the Win32
 * calls of the same meaning; see the module documentation for the
 * conventions they all follow.
 *
 * @example
 * ```ts
 * import type { PipeKernel } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel: PipeKernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const { bytes } = await kernel.read(read, 8); // Uint8Array [1, 2, 3]
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export interface PipeKernel<H extends KernelHandle = KernelHandle> {
  /** A short name for messages and test labels, e.g. "model" or "kernel32-deno". */
  readonly name: string;

  /**
   * [CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe)(&read,
   * &write, sa{bInheritHandle}, nSize) with per-end inheritance.
   */
  createPipe(bufferSize: number, inheritRead: boolean, inheritWrite: boolean): AnonymousPipeHandles<H>;
  /** [CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew). */
  createNamedPipe(params: CreateNamedPipeParams): H;
  /**
   * [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)(name,
   * access, 0, sa, OPEN_EXISTING, ...): a client handle, in byte read mode and
   * blocking.
   */
  openPipe(params: OpenPipeParams): H;
  /**
   * [DuplicateHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-duplicatehandle)
   * into the current process, same access, with the given
   * inheritability. Duplicates refer to the same pipe end: read mode, wait
   * mode and pending I/O are shared (cancelIo through one cancels I/O
   * started through another).
   */
  duplicate(handle: H, inheritable: boolean): H;
  /**
   * [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle).
   * Idempotent: closing a closed handle does nothing.
   */
  close(handle: H): void;

  /**
   * [PeekNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-peeknamedpipe);
   * copies up to `buffer.length` bytes when a buffer is given.
   */
  peek(handle: H, buffer?: Uint8Array): PeekResult;
  /**
   * [GetNamedPipeHandleStateW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipehandlestatew)
   * (state and current instances).
   */
  getState(handle: H): HandleState;
  /**
   * [SetNamedPipeHandleState](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-setnamedpipehandlestate)(lpMode)
   * with the given PIPE_READMODE_* | PIPE_WAIT/NOWAIT value.
   */
  setState(handle: H, mode: number): void;
  /** [GetNamedPipeInfo](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-getnamedpipeinfo). */
  getInfo(handle: H): PipeInfo;
  /** [DisconnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-disconnectnamedpipe). */
  disconnect(handle: H): void;
  /**
   * [CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func)(handle,
   * NULL): cancels every pending operation on the handle; ERROR_NOT_FOUND if
   * none.
   */
  cancelIo(handle: H): void;

  /**
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * of up to `length` bytes into a buffer the backend owns while
   * the operation is pending. Resolves with the bytes read and whether the
   * message is complete.
   *
   * `into` (at least `length` bytes) is the caller's buffer for the bytes.
   * A backend may read into it directly when its memory is shared
   * (`isSharedMemory` of @winpipe/core/internal: nothing JavaScript does
   * can take that memory away while the read is pending); the result's
   * `bytes` are then a view of `into` from its start, with no `release`.
   * Otherwise the bytes are in the backend's memory, as without it.
   */
  read(handle: H, length: number, signal?: AbortSignal, into?: Uint8Array): Promise<ReadData>;
  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile).
   * Resolves with the bytes written (fewer than asked only in
   * nonblocking mode). `data` is read during the call only, unless the
   * caller hands it over (`owned`): then nothing else reads or changes its
   * memory until the returned promise settles, that memory is an ArrayBuffer
   * of its own (never a small typed array a garbage collector may move), and
   * a backend may give it to the kernel as it is instead of a copy. So may
   * it `data` in shared memory (`isSharedMemory` of
   * @winpipe/core/internal), owned or not: its contents may change while
   * the write is pending, but not its memory.
   */
  write(handle: H, data: Uint8Array, signal?: AbortSignal, owned?: boolean): Promise<number>;
  /**
   * [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe).
   * ERROR_PIPE_CONNECTED resolves.
   */
  connect(handle: H, signal?: AbortSignal): Promise<void>;
  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe):
   * writes `input` as one message (read during the call
   * only) and reads up to `replyLength` bytes of the reply, delivered as
   * {@linkcode PipeKernel.read} delivers.
   */
  transact(handle: H, input: Uint8Array, replyLength: number, signal?: AbortSignal): Promise<ReadData>;
  /**
   * [FlushFileBuffers](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers):
   * resolves once the other end has read everything written.
   */
  flush(handle: H, signal?: AbortSignal): Promise<void>;
  /**
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)(name,
   * timeout): timeout in ms, NMPWAIT_USE_DEFAULT_WAIT or NMPWAIT_WAIT_FOREVER.
   */
  waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void>;

  // The synchronous calls: each blocks the calling thread (and so the event
  // loop) until the kernel is done, and uses the caller's memory directly, as
  // no pointer outlives the call. A kernel that cannot wait in the calling
  // thread (the model: nothing else could complete the call meanwhile) throws
  // an Error instead of waiting.

  /**
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * into `buffer`, waiting in the calling thread. ERROR_MORE_DATA is a
   * result (`messageComplete: false`); every other failure throws a
   * PipeError.
   */
  readSync(handle: H, buffer: Uint8Array): SyncReadResult;
  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)
   * of `data`, waiting in the calling thread; returns the bytes written.
   */
  writeSync(handle: H, data: Uint8Array): number;
  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe)
   * of `input`, with the reply read into `reply`, waiting in the calling
   * thread.
   */
  transactSync(handle: H, input: Uint8Array, reply: Uint8Array): SyncReadResult;
  /**
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)(name,
   * timeout), waiting in the calling thread.
   */
  waitNamedPipeSync(name: string, timeout: number): void;

  /**
   * NtQueryDirectoryFile(FileDirectoryInformation) on the pipe file
   * system's root, `\\.\pipe\`: every pipe name that exists on this
   * machine, in the order the file system lists them. No pipe is opened, so
   * no server sees a client.
   */
  listPipes(): PipeDirectoryEntry[];

  /** How many handles this kernel has opened and not yet closed (for leak checks). */
  liveHandles(): number;

  /** Child processes with pipe ends as their handles, when the kernel can start them (kernel32: yes; the model: no). */
  readonly processes?: ProcessKernel<H>;

  /** Access control and identity: security descriptors, who is on the other end, impersonation (kernel32 and the model). */
  readonly security?: SecurityKernel<H>;
}

// The optional capabilities have files of their own; they are part of the port.
export * from "./port_security.ts";
export * from "./port_process.ts";
