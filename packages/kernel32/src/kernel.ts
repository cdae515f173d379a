/**
 * {@linkcode Kernel32Kernel}: winpipe's kernel port over kernel32.dll (and
 * ntdll.dll where the Win32 call has no form that can wait without a
 * thread), written once for every runtime over a {@linkcode Win32Binding}.
 *
 * A pipe handle this process does I/O on is opened with
 * FILE_FLAG_OVERLAPPED and associated with the process's one completion
 * port, unless it was asked for as a synchronous handle (then its
 * asynchronous calls run in another thread, io.ts); io.ts says how a call waits without blocking the event loop and how
 * its error code stays right under concurrency, completion_port.ts how the
 * completions come back, and docs/buffer-ownership.md which memory the
 * kernel gets. The calls without an overlapped form have their own files
 * (wait_named_pipe.ts, anonymous_pipe.ts). docs/kernel32.md describes the
 * layer as a whole.
 *
 * @module
 */
import { ERROR_INVALID_HANDLE, ERROR_OPERATION_ABORTED, errorBehaviour, PipeError } from "@winpipe/core";
import type {
  AnonymousPipeHandles,
  CreateNamedPipeParams,
  HandleState,
  OpenPipeParams,
  PeekResult,
  PipeDirectoryEntry,
  PipeInfo,
  PipeKernel,
  ReadData,
  SyncReadResult,
} from "@winpipe/core";
import { isSharedMemory, requireOptions, show, startCall } from "@winpipe/core/internal";
import { createAnonymousPipe } from "./anonymous_pipe.ts";
import type { Win32Binding } from "./binding.ts";
import { Kernel32Handle } from "./handle.ts";
import { completionCode, EMPTY, io, offThreadCall, readData } from "./io.ts";
import { listPipeDirectory } from "./pipe_directory.ts";
import { Kernel32Processes } from "./process.ts";
import { Kernel32Security } from "./security.ts";
import { type Session, sessionOf } from "./session.ts";
import { ioStatusBlock, STATUS_END_OF_FILE, struct, wideString } from "./structs.ts";
import { waitNamedPipe } from "./wait_named_pipe.ts";
import { createNamedPipeNative, openPipeNative } from "./named_pipe_open.ts";
import { readSyncOn, transactSyncOn, writeSyncOn } from "./sync_io.ts";
import { FSCTL_PIPE_LISTEN, FSCTL_PIPE_TRANSCEIVE } from "./win32_constants.ts";
import { check, duplicateNative } from "./win32.ts";

/** ConvertStringSecurityDescriptorToSecurityDescriptorW StringSDRevision. */

/**
 * Options of {@linkcode Kernel32Kernel.setWaitOptions}.
 *
 * @example
 * ```ts ignore
 * import type { WaitOptions } from "@winpipe/kernel32";
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * const options: WaitOptions = { pollWindowMicros: 500 };
 * kernel32.setWaitOptions(options);
 * ```
 */
export interface WaitOptions {
  /**
   * How long the main thread polls the completion port after an operation
   * pends (or a completion arrives) before another thread waits, in
   * microseconds; 0: never poll.
   */
  pollWindowMicros: number;
}

/**
 * The kernel port over kernel32.dll, for any runtime that provides a
 * {@linkcode Win32Binding}. Loading is lazy: constructing one off Windows
 * does nothing, and `liveHandles()` works; every other method throws the
 * binding's Error saying kernel32 is only available on Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32Kernel } from "@winpipe/kernel32";
 * import { denoBinding } from "@winpipe/deno"; // or bunBinding from "@winpipe/bun"
 * const kernel = new Kernel32Kernel(denoBinding);
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const { bytes } = await kernel.read(read, 8); // Uint8Array [1, 2, 3]
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class Kernel32Kernel implements PipeKernel<Kernel32Handle> {
  /** The binding's name, e.g. "kernel32-deno" or "kernel32-bun". */
  readonly name: string;
  readonly #binding: Win32Binding;
  readonly #live = new Set<Kernel32Handle>();
  /**
   * Child processes whose standard handles are pipe ends, and pipe ends
   * adopted from a parent: see process.ts.
   */
  readonly processes: Kernel32Processes;
  /** Access control and identity: descriptors, peer ids, impersonation (security.ts). */
  readonly security: Kernel32Security;

  /** A kernel over `binding`; nothing is loaded until its first call. */
  constructor(binding: Win32Binding) {
    this.#binding = binding;
    this.name = binding.name;
    this.processes = new Kernel32Processes({
      session: () => this.#session,
      native: (handle, call) => this.#handle(handle, call),
      adopt: (native, overlapped) => {
        for (const handle of this.#live) {
          if (!handle.closed && handle.unsafeHandle === native) {
            throw new Error(`winpipe: handle ${native} is already open as a ${this.name} handle object`);
          }
        }
        const session = this.#session;
        if (overlapped) session.port.associate(native, "CreateIoCompletionPort", undefined);
        return new Kernel32Handle(native, undefined, overlapped, session.lib, this.#live);
      },
    });
    this.security = new Kernel32Security({
      session: () => this.#session,
      native: (handle, call) => this.#handle(handle, call),
    });
  }

  /** The process's session; loads the libraries on first use (throws off Windows). */
  get #session(): Session {
    return sessionOf(this.#binding.load());
  }

  #handle(handle: Kernel32Handle, call: string): number {
    if (!(handle instanceof Kernel32Handle)) {
      throw new TypeError(`${call}: the handle was not made by the kernel32 backend`);
    }
    if (handle.closed) throw new PipeError(ERROR_INVALID_HANDLE, call, { pipeName: handle.pipeName });
    return handle.unsafeHandle;
  }

  /** The checks every waiting call starts with; returns the native handle. */
  #start(handle: Kernel32Handle, call: string, signal: AbortSignal | undefined): number {
    if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName });
    return this.#handle(handle, call);
  }

  /**
   * A handle object for a new native handle. A new overlapped handle is
   * associated with the completion port first (a duplicate shares its
   * original's association: `call` undefined); if that fails the handle is
   * closed and the error thrown as `call`'s.
   */
  #wrap(
    session: Session,
    native: number,
    pipeName: string | undefined,
    overlapped: boolean,
    call: string | undefined,
  ): Kernel32Handle {
    if (overlapped && call !== undefined) {
      try {
        session.port.associate(native, call, pipeName);
      } catch (err) {
        session.lib.kernel32.CloseHandle(native);
        throw err;
      }
    }
    return new Kernel32Handle(native, pipeName, overlapped, session.lib, this.#live);
  }

  // --- immediate calls ------------------------------------------------------

  /** [CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe), with overlapped ends where it can (anonymous_pipe.ts). */
  createPipe(bufferSize: number, inheritRead: boolean, inheritWrite: boolean): AnonymousPipeHandles<Kernel32Handle> {
    const session = this.#session;
    return createAnonymousPipe(
      session,
      bufferSize,
      inheritRead,
      inheritWrite,
      (native, overlapped) => this.#wrap(session, native, undefined, overlapped, "CreatePipe"),
    );
  }

  /**
   * [CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew),
   * with FILE_FLAG_OVERLAPPED added to dwOpenMode unless
   * `params.synchronous` (a synchronous handle is not associated with the
   * completion port; its asynchronous calls run in another thread); a security
   * descriptor given as SDDL is converted with
   * [ConvertStringSecurityDescriptorToSecurityDescriptorW](https://learn.microsoft.com/en-us/windows/win32/api/sddl/nf-sddl-convertstringsecuritydescriptortosecuritydescriptorw)
   * and freed (LocalFree) once the call has returned.
   */
  createNamedPipe(params: CreateNamedPipeParams): Kernel32Handle {
    const session = this.#session;
    const native = createNamedPipeNative(session.lib, params);
    return this.#wrap(session, native, params.name, !params.synchronous, "CreateNamedPipeW");
  }

  /**
   * [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)(name,
   * access, 0, sa, OPEN_EXISTING, FILE_FLAG_OVERLAPPED (unless
   * `params.synchronous`) | SECURITY_SQOS_PRESENT | the impersonation
   * level): by default SECURITY_IDENTIFICATION, so the server may identify
   * the client but not impersonate it. Static tracking: the server gets the
   * client's identity as it opens the pipe.
   */
  openPipe(params: OpenPipeParams): Kernel32Handle {
    const session = this.#session;
    const native = openPipeNative(session.lib, params);
    return this.#wrap(session, native, params.name, !params.synchronous, "CreateFileW");
  }

  /**
   * [DuplicateHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-duplicatehandle)
   * within this process, same access. The copy shares the original's file
   * object (and so its overlapped mode and completion port).
   */
  duplicate(handle: Kernel32Handle, inheritable: boolean): Kernel32Handle {
    const native = this.#handle(handle, "DuplicateHandle");
    const session = this.#session;
    const copy = duplicateNative(session.lib, native, inheritable, handle.pipeName);
    return this.#wrap(session, copy, handle.pipeName, handle.overlapped, undefined);
  }

  /** [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle); idempotent. */
  close(handle: Kernel32Handle): void {
    handle.close();
  }

  /**
   * [PeekNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-peeknamedpipe).
   * lpBytesLeftThisMessage is normalised to 0 on byte pipes, where kernel32
   * reports `0 - bytesRead` as a DWORD (a count larger than what is
   * available).
   */
  peek(handle: Kernel32Handle, buffer?: Uint8Array): PeekResult {
    const native = this.#handle(handle, "PeekNamedPipe");
    const { lib, dwords, dword } = this.#session;
    dwords.fill(0);
    const data = buffer === undefined ? null : buffer.byteLength === 0 ? EMPTY : buffer;
    const ok = lib.kernel32.PeekNamedPipe(native, data, buffer?.length ?? 0, dword[0], dword[1], dword[2]);
    check(lib, ok, "PeekNamedPipe", handle.pipeName);
    const left = dwords[2] > dwords[1] ? 0 : dwords[2];
    return { bytesRead: dwords[0], bytesAvailable: dwords[1], bytesLeftInMessage: left };
  }

  /** [GetNamedPipeHandleStateW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipehandlestatew)(lpState, lpCurInstances). */
  getState(handle: Kernel32Handle): HandleState {
    const call = "GetNamedPipeHandleStateW";
    const native = this.#handle(handle, call);
    const { lib, dwords, dword } = this.#session;
    dwords.fill(0);
    check(
      lib,
      lib.kernel32.GetNamedPipeHandleStateW(native, dword[0], dword[1], null, null, null, 0),
      call,
      handle.pipeName,
    );
    return { mode: dwords[0], currentInstances: dwords[1] };
  }

  /** [SetNamedPipeHandleState](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-setnamedpipehandlestate)(lpMode). */
  setState(handle: Kernel32Handle, mode: number): void {
    const call = "SetNamedPipeHandleState";
    const native = this.#handle(handle, call);
    const { lib, dwords, dword } = this.#session;
    dwords[0] = mode;
    check(lib, lib.kernel32.SetNamedPipeHandleState(native, dword[0], null, null), call, handle.pipeName);
  }

  /** [GetNamedPipeInfo](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-getnamedpipeinfo). */
  getInfo(handle: Kernel32Handle): PipeInfo {
    const call = "GetNamedPipeInfo";
    const native = this.#handle(handle, call);
    const { lib, dwords, dword } = this.#session;
    dwords.fill(0);
    check(lib, lib.kernel32.GetNamedPipeInfo(native, dword[0], dword[1], dword[2], dword[3]), call, handle.pipeName);
    return { flags: dwords[0], outBufferSize: dwords[1], inBufferSize: dwords[2], maxInstances: dwords[3] };
  }

  /** [DisconnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-disconnectnamedpipe). */
  disconnect(handle: Kernel32Handle): void {
    const call = "DisconnectNamedPipe";
    const native = this.#handle(handle, call);
    const { lib } = this.#session;
    check(lib, lib.kernel32.DisconnectNamedPipe(native), call, handle.pipeName);
  }

  /** [CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func)(handle, NULL). */
  cancelIo(handle: Kernel32Handle): void {
    const call = "CancelIoEx";
    const native = this.#handle(handle, call);
    const { lib } = this.#session;
    check(lib, lib.kernel32.CancelIoEx(native, null), call, handle.pipeName);
  }

  // --- synchronous calls (sync_io.ts): in the calling thread, into the caller's memory

  /**
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * into `buffer`, waiting in the calling thread. ERROR_MORE_DATA is a
   * partial message.
   */
  readSync(handle: Kernel32Handle, buffer: Uint8Array): SyncReadResult {
    return readSyncOn(this.#session, this.#handle(handle, "ReadFile"), handle, buffer);
  }

  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)
   * of `data`, waiting in the calling thread; returns the bytes written.
   */
  writeSync(handle: Kernel32Handle, data: Uint8Array): number {
    return writeSyncOn(this.#session, this.#handle(handle, "WriteFile"), handle, data);
  }

  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe)
   * of `input`, the reply read into `reply`, waiting in the calling thread.
   */
  transactSync(handle: Kernel32Handle, input: Uint8Array, reply: Uint8Array): SyncReadResult {
    return transactSyncOn(this.#session, this.#handle(handle, "TransactNamedPipe"), handle, input, reply);
  }

  /**
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)(name,
   * timeout) itself, in the calling thread.
   */
  waitNamedPipeSync(name: string, timeout: number): void {
    const { lib } = this.#session;
    check(lib, lib.kernel32.WaitNamedPipeW(wideString(name), timeout >>> 0), "WaitNamedPipeW", name);
  }

  /** NtQueryDirectoryFile on `\\.\pipe\`, as pipe_directory.ts does it. */
  listPipes(): PipeDirectoryEntry[] {
    return listPipeDirectory(this.#session);
  }

  /**
   * How this process waits for operations that pend (one completion port
   * per process: every kernel over the same binding shares it). With a
   * window above 0, the main thread polls the port between turns of the
   * event loop for that long after an operation pends or a completion
   * arrives, before handing the wait to another thread; polling backs off
   * by itself while it finds nothing. 0 turns polling off. Default
   * `DEFAULT_POLL_WINDOW_MICROS` (1000). docs/benchmarks.md has the
   * measurements.
   *
   * @example
   * ```ts ignore
   * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
   * kernel32.setWaitOptions({ pollWindowMicros: 0 }); // every wait on another thread, no polling
   * ```
   */
  setWaitOptions(options: WaitOptions): void {
    const opts = requireOptions<WaitOptions>(options);
    const window = opts.pollWindowMicros;
    if (typeof window !== "number" || !Number.isFinite(window) || window < 0) {
      throw new RangeError(`pollWindowMicros must be a finite number >= 0: got ${show(window)}`);
    }
    this.#session.port.configure({ windowMicros: window });
  }

  /** How many handles this kernel opened and has not closed yet. */
  liveHandles(): number {
    return this.#live.size;
  }

  // --- calls that can wait --------------------------------------------------

  /**
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * into a buffer of `length` bytes this layer owns (from its pool); the
   * bytes are handed over once read, with `release` to give the buffer back.
   * Into `into` itself when its memory is shared (nothing JavaScript does
   * can take it away while the read is pending): no copy to make.
   */
  read(handle: Kernel32Handle, length: number, signal?: AbortSignal, into?: Uint8Array): Promise<ReadData> {
    // A promise chain, not an async function: no suspended frame per pending read (see io.ts).
    return startCall(() => {
      const call = "ReadFile";
      const native = this.#start(handle, call, signal);
      const session = this.#session;
      const shared = length > 0 && into !== undefined && into.length >= length && isSharedMemory(into);
      const data = length === 0
        ? EMPTY
        : shared
        ? into!.subarray(0, length) as Uint8Array<ArrayBuffer>
        : session.buffers.take(length);
      return io(session, handle, native, call, [data], signal, {
        synchronous: (lib, native, iosb) =>
          lib.offThread("NtReadFile", native, 0, null, null, iosb, data, length, null, null),
        overlapped: (lib, native, overlapped) => lib.kernel32.ReadFile(native, data, length, null, overlapped),
      }).then((done) => {
        // ReadFile on a synchronous handle turns end of file into success with 0 bytes.
        if (!handle.overlapped && done.status === STATUS_END_OF_FILE) {
          if (data !== EMPTY && !shared) session.buffers.give(data);
          return { bytes: struct(0), messageComplete: true };
        }
        return readData(session, done, data, "read", call, handle, !shared);
      });
    });
  }

  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile),
   * from a copy of `data` this layer owns until the kernel is done with it,
   * or from `data` itself when the caller hands it over (`owned`) or its
   * memory is shared (nothing JavaScript does can take it away meanwhile).
   */
  write(handle: Kernel32Handle, data: Uint8Array, signal?: AbortSignal, owned = false): Promise<number> {
    // A promise chain, not an async function: no suspended frame per pending write (see io.ts).
    return startCall(() => {
      const call = "WriteFile";
      const native = this.#start(handle, call, signal);
      const session = this.#session;
      const length = data.length;
      // Memory handed over is nobody else's until this settles (the port's contract), and shared memory stays
      // where it is whatever JavaScript does: neither needs a copy.
      const copied = length > 0 && !owned && !isSharedMemory(data);
      const bytes = length === 0 ? EMPTY : copied ? session.buffers.take(length) : data as Uint8Array<ArrayBuffer>;
      if (copied) bytes.set(data);
      return io(session, handle, native, call, [bytes], signal, {
        synchronous: (lib, native, iosb) =>
          lib.offThread("NtWriteFile", native, 0, null, null, iosb, bytes, length, null, null),
        overlapped: (lib, native, overlapped) => lib.kernel32.WriteFile(native, bytes, length, null, overlapped),
      }).then((done) => {
        // The kernel is done with the copy (memory handed over goes back to its owner as this settles).
        if (copied) session.buffers.give(bytes);
        const code = completionCode(session, done);
        if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
        return done.information;
      });
    });
  }

  /** [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe); ERROR_PIPE_CONNECTED resolves. */
  async connect(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "ConnectNamedPipe";
    const native = this.#start(handle, call, signal);
    const session = this.#session;
    const done = await io(session, handle, native, call, [], signal, {
      synchronous: (lib, native, iosb) =>
        lib.offThread("NtFsControlFile", native, 0, null, null, iosb, FSCTL_PIPE_LISTEN, null, 0, null, 0),
      overlapped: (lib, native, overlapped) => lib.kernel32.ConnectNamedPipe(native, overlapped),
    });
    const code = completionCode(session, done);
    if (code !== 0 && errorBehaviour("connect", code) !== "connected") {
      throw new PipeError(code, call, { pipeName: handle.pipeName });
    }
  }

  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe),
   * from a copy of `input` and into a reply buffer of `replyLength` bytes,
   * both this layer's own.
   */
  async transact(
    handle: Kernel32Handle,
    input: Uint8Array,
    replyLength: number,
    signal?: AbortSignal,
  ): Promise<ReadData> {
    const call = "TransactNamedPipe";
    const native = this.#start(handle, call, signal);
    const session = this.#session;
    const requestLength = input.length;
    const request = requestLength === 0 ? EMPTY : session.buffers.take(requestLength);
    if (requestLength > 0) request.set(input);
    const reply = replyLength === 0 ? EMPTY : session.buffers.take(replyLength);
    const done = await io(session, handle, native, call, [request, reply], signal, {
      synchronous: (lib, native, iosb) =>
        lib.offThread(
          "NtFsControlFile",
          native,
          0,
          null,
          null,
          iosb,
          FSCTL_PIPE_TRANSCEIVE,
          request,
          requestLength,
          reply,
          replyLength,
        ),
      overlapped: (lib, native, overlapped) =>
        lib.kernel32.TransactNamedPipe(native, request, requestLength, reply, replyLength, null, overlapped),
    });
    if (request !== EMPTY) session.buffers.give(request);
    return readData(session, done, reply, "transact", call, handle);
  }

  /**
   * [FlushFileBuffers](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers),
   * as its own call NtFlushBuffersFile run off the main thread (it has no
   * overlapped form). An abort cancels it with CancelIoEx on its
   * IO_STATUS_BLOCK, which Wine matches; where the kernel finds nothing to
   * cancel (Windows waits for a flush on a kernel-side status block), the
   * promise still rejects with ERROR_OPERATION_ABORTED at once and the flush
   * ends in the background when the pipe drains or closes.
   */
  async flush(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "FlushFileBuffers";
    const native = this.#start(handle, call, signal);
    const session = this.#session;
    const iosb = ioStatusBlock();
    const start = () => session.lib.offThread("NtFlushBuffersFile", native, iosb);
    const done = await offThreadCall(session, handle, call, iosb, [], start, signal, true);
    const code = session.dosError(done.status);
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
  }

  /** [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew), as wait_named_pipe.ts does it. */
  async waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void> {
    await waitNamedPipe(this.#session, name, timeout, signal);
  }
}
