/**
 * {@linkcode Kernel32Kernel}: winpipe's kernel port over kernel32.dll (and
 * ntdll.dll where the Win32 call has no form that can wait without a
 * thread), written once for every runtime over a {@linkcode Win32Binding}.
 *
 * How it waits without blocking the event loop, and how it gets error codes
 * right under concurrency (GetLastError is per thread):
 *
 * - Every pipe handle this process does I/O on is opened with
 *   FILE_FLAG_OVERLAPPED. ReadFile, WriteFile, ConnectNamedPipe and
 *   TransactNamedPipe are issued on the main thread with an OVERLAPPED (32
 *   bytes of an ArrayBuffer, kept referenced until the I/O completes) and
 *   GetLastError is read at once, on the same thread.
 * - If the call completed at once (the common case when data or room is
 *   there) the result is taken at once: no thread hop.
 * - If it returned ERROR_IO_PENDING, the completion arrives at the
 *   process's one I/O completion port, with which every overlapped handle
 *   is associated (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: nothing is queued
 *   for I/O that completed at once). While any operation is pending, one
 *   GetQueuedCompletionStatusEx waits off the main thread (the binding's
 *   `offThread`: Deno's `nonblocking` FFI, a Worker under Bun) and removes
 *   up to 64 completions at a time; the outcome of each is read on the main
 *   thread from its OVERLAPPED (Internal is the NTSTATUS, InternalHigh the
 *   byte count) and converted with RtlNtStatusToDosError, as
 *   GetOverlappedResult does, without touching any thread's last error.
 *   One waiter serves any number of pending operations, and none runs once
 *   nothing is pending, so nothing keeps the process alive after its pipes
 *   are closed.
 * - An AbortSignal cancels that one operation with CancelIoEx(handle,
 *   &itsOverlapped); the kernel then completes it with
 *   ERROR_OPERATION_ABORTED (or with its real result if it finished first).
 * - FlushFileBuffers has no overlapped form: NtFlushBuffersFile (what
 *   FlushFileBuffers calls) runs off the main thread and returns its
 *   NTSTATUS.
 * - WaitNamedPipeW has no overlapped form either: its own call,
 *   NtFsControlFile(FSCTL_PIPE_WAIT) on the pipe file system's root, is
 *   issued on an asynchronous handle associated with the completion port,
 *   and completes and is cancelled like the I/O above.
 * - Anonymous pipes: CreatePipe's handles cannot do overlapped I/O, so
 *   createPipe makes the pipe the way CreatePipe itself does
 *   (NtCreateNamedPipeFile for the read end, NtOpenFile for the write end,
 *   a unique name, one instance, nSize or 4096 bytes each way, the same
 *   access rights) but opens the ends this process uses for overlapped I/O.
 *   An end made inheritable (for a child process, which expects a
 *   synchronous handle) is opened synchronous; I/O on such an end from this
 *   process runs NtReadFile / NtWriteFile / NtFsControlFile off the main
 *   thread, and their NTSTATUS is their return value.
 * - Data buffers are this backend's own (from its pool, buffer_pool.ts): a
 *   read goes into one that is handed over once the kernel is done with
 *   it, a write or a transaction's request is copied into one first, so no
 *   pending operation ever holds a pointer to memory that JavaScript could
 *   detach, resize or free (docs/buffer-ownership.md).
 * - Memory the kernel writes after a call has returned (the OVERLAPPED, the
 *   data buffers, the IO_STATUS_BLOCK of an off-thread call) is held in the
 *   operation's record, which the pending table references until the
 *   kernel is done with it: a garbage collection in the meantime cannot
 *   free or move it. (A reference that only a `void x` statement keeps is
 *   not enough: JavaScriptCore drops such variables from closures.)
 *
 * See docs/deno-backend.md and docs/bun-backend.md for the measurements
 * behind these choices.
 *
 * @module
 */
import {
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_NAME,
  ERROR_IO_PENDING,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  FILE_FLAG_OVERLAPPED,
  FILE_READ_ATTRIBUTES,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
} from "../constants.ts";
import { errorBehaviour, PipeError } from "../errors.ts";
import type {
  AnonymousPipeHandles,
  CreateNamedPipeParams,
  HandleState,
  KernelHandle,
  OpenPipeParams,
  PeekResult,
  PipeInfo,
  PipeKernel,
  ReadData,
} from "../port.ts";
import type { Win32Binding, Win32Library } from "./binding.ts";
import { BufferPool } from "./buffer_pool.ts";
import { Kernel32Processes } from "./process.ts";
import { duplicateNative, FILE_SHARE_READ_WRITE, INFINITE, keepUntilHere, OPEN_EXISTING } from "./win32.ts";
import {
  handleAt,
  hex8,
  information,
  ioStatusBlock,
  objectAttributes,
  OVERLAPPED_ENTRY_OVERLAPPED,
  OVERLAPPED_ENTRY_SIZE,
  OVERLAPPED_SIZE,
  pipeWaitRequest,
  securityAttributes,
  STATUS_END_OF_FILE,
  STATUS_OBJECT_NAME_COLLISION,
  STATUS_PENDING,
  struct,
  validHandle,
  wideString,
} from "./structs.ts";

// ---------------------------------------------------------------------------
// Constants that are the backend's own business (not part of the public API).

/** CreateFileW dwFlagsAndAttributes: the impersonation level below is given. */
const SECURITY_SQOS_PRESENT = 0x00100000;
/** CreateFileW dwFlagsAndAttributes: the server may identify the client but not impersonate it. */
const SECURITY_IDENTIFICATION = 0x00010000;
/** SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE. */
const SKIP_PORT_AND_EVENT = 0x1 | 0x2;
/** Completions removed per GetQueuedCompletionStatusEx call. */
const ENTRIES = 64;
/** NtOpenFile DesiredAccess: SYNCHRONIZE. */
const SYNCHRONIZE = 0x00100000;
/** NtOpenFile ShareAccess: FILE_SHARE_READ. */
const FILE_SHARE_READ = 0x1;
/** NtCreateNamedPipeFile CreateDisposition: create, fail if the name exists. */
const FILE_CREATE = 2;
/** CreateOptions / OpenOptions: synchronous I/O (the handle is not overlapped). */
const FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
/** OpenOptions: the object must not be a directory. */
const FILE_NON_DIRECTORY_FILE = 0x40;
/** FILE_GENERIC_WRITE: what GENERIC_WRITE means for a file (CreatePipe's write end). */
const FILE_GENERIC_WRITE = 0x120116;
/** FSCTL_PIPE_LISTEN: ConnectNamedPipe's control code. */
const FSCTL_PIPE_LISTEN = 0x00110008;
/** FSCTL_PIPE_WAIT: WaitNamedPipeW's control code. */
const FSCTL_PIPE_WAIT = 0x00110018;
/** FSCTL_PIPE_TRANSCEIVE: TransactNamedPipe's control code. */
const FSCTL_PIPE_TRANSCEIVE = 0x0011c017;
/** INVALID_HANDLE_VALUE, the FileHandle that makes CreateIoCompletionPort create a port. */
const INVALID_HANDLE_VALUE = -1;

/**
 * What is passed for an empty buffer: some runtimes (Bun) refuse a pointer to
 * an empty typed array, so a zero length goes with this one byte, which the
 * kernel never touches.
 */
const EMPTY = struct(1);

/** A buffer argument of an immediate call (the kernel is done with it when the call returns): `EMPTY` for an empty one. */
function nonEmpty(view: Uint8Array): Uint8Array {
  return view.byteLength === 0 ? EMPTY : view;
}

// ---------------------------------------------------------------------------
// Handles.

/**
 * A kernel32 pipe handle: the native HANDLE in a private field, an
 * idempotent {@linkcode Kernel32Handle.close} and `Symbol.dispose`.
 *
 * @example
 * ```ts ignore
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * using pipe = kernel32.createPipe(0, false, false).read; // closed at the end of the scope
 * pipe.unsafeHandle; // the HANDLE as a number
 * ```
 */
export class Kernel32Handle implements KernelHandle {
  #native: number | null;
  readonly #runtime: Runtime;
  readonly #live: Set<Kernel32Handle>;
  /** The pipe name it was created or opened with; undefined for anonymous pipes. */
  readonly pipeName: string | undefined;
  /** True when the handle was opened with FILE_FLAG_OVERLAPPED. */
  readonly overlapped: boolean;

  /** @internal Use the {@linkcode Kernel32Kernel} methods to make handles. */
  constructor(
    native: number,
    pipeName: string | undefined,
    overlapped: boolean,
    runtime: Runtime,
    live: Set<Kernel32Handle>,
  ) {
    this.#native = native;
    this.pipeName = pipeName;
    this.overlapped = overlapped;
    this.#runtime = runtime;
    this.#live = live;
    live.add(this);
  }

  /** True once {@linkcode Kernel32Handle.close} ran. */
  get closed(): boolean {
    return this.#native === null;
  }

  /**
   * The native HANDLE value. Unsafe: it is only valid until the handle is
   * closed, after which Windows may give the same value to another object.
   * Throws once the handle is closed.
   */
  get unsafeHandle(): number {
    if (this.#native === null) throw new Error("winpipe: the handle is closed");
    return this.#native;
  }

  /**
   * CloseHandle. Idempotent: a second call does nothing. Operations in
   * flight on the handle are completed by the kernel (a pipe read then fails
   * with ERROR_BROKEN_PIPE, for example).
   */
  close(): void {
    const native = this.#native;
    if (native === null) return;
    this.#native = null;
    this.#live.delete(this);
    const { kernel32 } = this.#runtime.lib;
    if (!kernel32.CloseHandle(native)) {
      throw new PipeError(kernel32.GetLastError(), "CloseHandle", { pipeName: this.pipeName });
    }
  }

  /** Closes the handle (`using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}

// ---------------------------------------------------------------------------
// Operations in flight.

/**
 * One overlapped operation: its OVERLAPPED (also used as an IO_STATUS_BLOCK:
 * Internal is the status, InternalHigh the information) and every buffer the
 * kernel may still read or write, referenced until the kernel has completed
 * the operation.
 */
class PendingOp {
  /** OVERLAPPED: Internal, InternalHigh, Offset, OffsetHigh, hEvent (x64: 32 bytes); hEvent stays NULL. */
  readonly overlapped: Uint8Array<ArrayBuffer> = struct(OVERLAPPED_SIZE);
  readonly view: DataView = new DataView(this.overlapped.buffer);
  /** The OVERLAPPED's address: what the completion packet names. */
  readonly address: number;
  /** The memory the kernel may use until the operation completes. */
  readonly keep: unknown[];
  /** Settles once the completion has been seen. */
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor(lib: Win32Library, keep: unknown[]) {
    this.address = lib.addressOf(this.overlapped);
    this.keep = keep;
    // As kernel32 does before each overlapped call: in flight until the kernel says otherwise.
    this.view.setUint32(0, STATUS_PENDING, true);
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** OVERLAPPED.Internal: the NTSTATUS (STATUS_PENDING while in flight). */
  get status(): number {
    return this.view.getUint32(0, true);
  }

  /** OVERLAPPED.InternalHigh: bytes transferred. */
  get information(): number {
    return Number(this.view.getBigUint64(8, true));
  }
}

/** How a waiting call ended: an NTSTATUS, or a Win32 code when the call reported one at once. */
interface Completion {
  /** The NTSTATUS (when `code` is undefined). */
  status: number;
  /** The Win32 code GetLastError gave right after a call that completed at once (0: success). */
  code?: number;
  /** Bytes transferred. */
  information: number;
}

/**
 * What one process (one loaded library) shares between every kernel made
 * over it: the I/O completion port and its one waiter, the handle to the
 * pipe file system of WaitNamedPipe, the anonymous pipe serial, the
 * off-thread slots and the scratch out-parameters of immediate calls.
 */
class Runtime {
  readonly lib: Win32Library;
  #port: number | undefined;
  readonly #pending = new Map<number, PendingOp>();
  readonly #entries = struct(ENTRIES * OVERLAPPED_ENTRY_SIZE);
  readonly #entryView = new DataView(this.#entries.buffer);
  readonly #removed = new Uint32Array(new ArrayBuffer(4));
  #waiting = false;
  /** The asynchronous handle to `\??\PIPE\` of WaitNamedPipe, opened on first use (not a pipe handle, not counted). */
  localPipeDevice: number | undefined;
  anonymousSerial = 0;
  /**
   * The data buffers handed to the kernel: this backend's own, taken for an
   * operation and given back when nothing uses them (buffer_pool.ts).
   */
  readonly buffers = new BufferPool();
  /** Scratch DWORDs for the out parameters of immediate calls (main thread only, never kept). */
  readonly dwords = new Uint32Array(new ArrayBuffer(32));
  readonly dword: readonly Uint32Array<ArrayBuffer>[] = Array.from(
    { length: 8 },
    (_, i) => this.dwords.subarray(i, i + 1),
  );
  /** Off-thread calls running, and those waiting for a slot. */
  #offThreadRunning = 0;
  readonly #offThreadQueue: (() => void)[] = [];

  constructor(lib: Win32Library) {
    this.lib = lib;
  }

  /** The Win32 error code for an NTSTATUS (0 for STATUS_SUCCESS), as kernel32 would set it. */
  dosError(status: number): number {
    return status === 0 ? 0 : this.lib.ntdll.RtlNtStatusToDosError(status | 0);
  }

  // --- the completion port ---------------------------------------------------

  /** The port, made on first use. */
  #getPort(call: string): number {
    if (this.#port === undefined) {
      const { kernel32 } = this.lib;
      const port = validHandle(kernel32.CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 1));
      if (port === undefined) throw new PipeError(kernel32.GetLastError(), call);
      this.#port = port;
    }
    return this.#port;
  }

  /**
   * Associates an overlapped handle with the port and asks for no packet
   * when I/O completes at once. Throws a PipeError naming `call` on failure.
   */
  associate(native: number, call: string, pipeName: string | undefined): void {
    const { kernel32 } = this.lib;
    const port = this.#getPort(call);
    if (validHandle(kernel32.CreateIoCompletionPort(native, port, 0, 0)) === undefined) {
      throw new PipeError(kernel32.GetLastError(), call, { pipeName });
    }
    if (!kernel32.SetFileCompletionNotificationModes(native, SKIP_PORT_AND_EVENT)) {
      throw new PipeError(kernel32.GetLastError(), call, { pipeName });
    }
  }

  /** Waits for the completion of an operation that returned ERROR_IO_PENDING. */
  wait(op: PendingOp): Promise<void> {
    this.#pending.set(op.address, op);
    if (!this.#waiting) {
      this.#run().catch((err) => {
        // The waiter itself failed (it should not): fail what it was waiting for rather than hang.
        for (const pending of this.#pending.values()) pending.reject(err);
        this.#pending.clear();
      });
    }
    return op.done;
  }

  /** The waiter: one GetQueuedCompletionStatusEx at a time, for as long as anything is pending. */
  async #run(): Promise<void> {
    this.#waiting = true;
    try {
      const port = this.#getPort("GetQueuedCompletionStatusEx");
      while (this.#pending.size > 0) {
        const ok = await this.lib.offThread(
          "GetQueuedCompletionStatusEx",
          port,
          this.#entries,
          ENTRIES,
          this.#removed,
          INFINITE,
          0,
        );
        if (!ok) {
          // Nothing removed; the reason is in the other thread's last error. Try again shortly.
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        for (let i = 0; i < this.#removed[0]; i++) {
          const at = i * OVERLAPPED_ENTRY_SIZE + OVERLAPPED_ENTRY_OVERLAPPED;
          const op = this.#pending.get(Number(this.#entryView.getBigUint64(at, true)));
          if (op !== undefined) this.#check(op, 0);
        }
      }
    } finally {
      this.#waiting = false;
    }
  }

  /**
   * Settles `op` if its status is final. A packet for an OVERLAPPED that
   * still reads STATUS_PENDING is a stale one (a packet of an earlier
   * operation at the same address), or, should a kernel ever queue the
   * packet before storing the status, an early one: look again shortly,
   * while still waiting for its own packet.
   */
  #check(op: PendingOp, attempt: number): void {
    if (this.#pending.get(op.address) !== op) return;
    if (op.status !== STATUS_PENDING) {
      this.#pending.delete(op.address);
      op.resolve();
      if (this.#pending.size === 0 && this.#waiting && attempt > 0) {
        // Settled outside the waiter: wake it, or it would wait (and keep the process alive) for nothing.
        this.lib.kernel32.PostQueuedCompletionStatus(this.#port!, 0, 0, null);
      }
      return;
    }
    if (attempt < 10) {
      // Unref'd: a recheck never keeps the process alive (a real completion still arrives through the port).
      this.lib.unrefTimer(setTimeout(() => this.#check(op, attempt + 1), 1 << attempt));
    }
  }

  // --- off-thread calls -------------------------------------------------------

  /**
   * Takes a slot for an off-thread NT call: undefined when one was free,
   * otherwise a promise that resolves when one is, or rejects with
   * `abortError()` if `signal` aborts first. The binding's
   * `offThreadSlots` bounds how many such calls wait at once, so that calls
   * waiting for something this process must do (a flush waiting for a
   * reader here) can never take every thread and starve the completion port.
   */
  offThreadSlot(signal: AbortSignal | undefined, abortError: () => Error): Promise<void> | undefined {
    if (this.#offThreadRunning < this.lib.offThreadSlots) {
      this.#offThreadRunning++;
      return undefined;
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", abort);
        this.#offThreadRunning++;
        resolve();
      };
      const abort = () => {
        const at = this.#offThreadQueue.indexOf(grant);
        if (at >= 0) this.#offThreadQueue.splice(at, 1);
        reject(abortError());
      };
      this.#offThreadQueue.push(grant);
      signal?.addEventListener("abort", abort, { once: true });
    });
  }

  /** Gives a slot back when its call has returned. */
  releaseOffThreadSlot(): void {
    this.#offThreadRunning--;
    this.#offThreadQueue.shift()?.();
  }
}

/** One runtime state per loaded library (one per process and runtime). */
const runtimes = new WeakMap<Win32Library, Runtime>();

function runtimeOf(lib: Win32Library): Runtime {
  let runtime = runtimes.get(lib);
  if (runtime === undefined) {
    runtime = new Runtime(lib);
    runtimes.set(lib, runtime);
  }
  return runtime;
}

// ---------------------------------------------------------------------------
// The kernel.

/**
 * The kernel port over kernel32.dll, for any runtime that provides a
 * {@linkcode Win32Binding}. Loading is lazy: constructing one off Windows
 * does nothing, and `liveHandles()` works; every other method throws the
 * binding's Error saying kernel32 is only available on Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32Kernel } from "@winpipe/core/kernel32";
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
   * adopted from a parent: see `process.ts`.
   */
  readonly processes: Kernel32Processes;

  constructor(binding: Win32Binding) {
    this.#binding = binding;
    this.name = binding.name;
    this.processes = new Kernel32Processes({
      lib: () => this.#runtime.lib,
      native: (handle, call) => this.#handle(handle, call),
      adopt: (native, overlapped) => {
        for (const handle of this.#live) {
          if (!handle.closed && handle.unsafeHandle === native) {
            throw new Error(`winpipe: handle ${native} is already open as a ${this.name} handle object`);
          }
        }
        const runtime = this.#runtime;
        if (overlapped) runtime.associate(native, "CreateIoCompletionPort", undefined);
        return new Kernel32Handle(native, undefined, overlapped, runtime, this.#live);
      },
      offThreadSlot: () => this.#runtime.offThreadSlot(undefined, () => new Error("unreachable: no signal")),
      releaseOffThreadSlot: () => this.#runtime.releaseOffThreadSlot(),
      dosError: (status) => this.#runtime.dosError(status),
    });
  }

  /** The process's runtime state; loads the libraries on first use (throws off Windows). */
  get #runtime(): Runtime {
    return runtimeOf(this.#binding.load());
  }

  #handle(handle: Kernel32Handle, call: string): number {
    if (!(handle instanceof Kernel32Handle)) {
      throw new TypeError(`${call}: the handle was not made by the kernel32 backend`);
    }
    if (handle.closed) throw new PipeError(ERROR_INVALID_HANDLE, call, { pipeName: handle.pipeName });
    return handle.unsafeHandle;
  }

  /**
   * A handle object for a new native handle. A new overlapped handle is
   * associated with the completion port first (a duplicate shares its
   * original's association); if that fails the handle is closed and the
   * error thrown as `call`'s.
   */
  #wrap(
    runtime: Runtime,
    native: number,
    pipeName: string | undefined,
    overlapped: boolean,
    call: string | undefined,
  ): Kernel32Handle {
    if (overlapped && call !== undefined) {
      try {
        runtime.associate(native, call, pipeName);
      } catch (err) {
        runtime.lib.kernel32.CloseHandle(native);
        throw err;
      }
    }
    return new Kernel32Handle(native, pipeName, overlapped, runtime, this.#live);
  }

  // --- immediate calls ------------------------------------------------------

  /**
   * CreatePipe, as CreatePipe itself does it (NtCreateNamedPipeFile for the
   * read end, NtOpenFile for the write end) under a unique name of this
   * backend's own: a byte pipe of one instance with nSize (or 4096) bytes of
   * quota each way, read end GENERIC_READ | FILE_WRITE_ATTRIBUTES (the
   * server end), write end FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES (the
   * client end). Ends not made inheritable are opened for overlapped I/O;
   * inheritable ends are synchronous, as a child process expects of its
   * standard handles.
   */
  createPipe(bufferSize: number, inheritRead: boolean, inheritWrite: boolean): AnonymousPipeHandles<Kernel32Handle> {
    const runtime = this.#runtime;
    const { kernel32, ntdll, addressOf } = runtime.lib;
    const size = bufferSize === 0 ? 4096 : bufferSize;
    const pid = kernel32.GetCurrentProcessId();
    const out = new BigUint64Array(new ArrayBuffer(8));
    const iosb = ioStatusBlock();
    const timeout = new BigInt64Array(new ArrayBuffer(8));
    timeout[0] = -1_200_000_000n; // 120 s, as CreatePipe
    for (let attempt = 0;; attempt++) {
      const random = crypto.getRandomValues(new Uint32Array(2));
      const name = `\\??\\pipe\\winpipe-anonymous.${hex8(pid)}.${hex8(++runtime.anonymousSerial)}.` +
        `${hex8(random[0])}${hex8(random[1])}`;
      const readAttributes = objectAttributes(name, inheritRead, addressOf);
      const status = ntdll.NtCreateNamedPipeFile(
        out,
        (GENERIC_READ | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE) >>> 0,
        readAttributes.bytes,
        iosb,
        FILE_SHARE_READ_WRITE,
        FILE_CREATE,
        inheritRead ? FILE_SYNCHRONOUS_IO_NONALERT : 0,
        0, // FILE_PIPE_BYTE_STREAM_TYPE
        0, // FILE_PIPE_BYTE_STREAM_MODE
        0, // FILE_PIPE_QUEUE_OPERATION
        1,
        size,
        size,
        timeout,
      ) >>> 0;
      keepUntilHere(readAttributes.keep);
      if (status === STATUS_OBJECT_NAME_COLLISION && attempt < 8) continue;
      if (status !== 0) throw new PipeError(runtime.dosError(status), "CreatePipe");
      const readNative = handleAt(out);
      const writeAttributes = objectAttributes(name, inheritWrite, addressOf);
      const openStatus = ntdll.NtOpenFile(
        out,
        FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES,
        writeAttributes.bytes,
        iosb,
        FILE_SHARE_READ,
        FILE_NON_DIRECTORY_FILE | (inheritWrite ? FILE_SYNCHRONOUS_IO_NONALERT : 0),
      ) >>> 0;
      keepUntilHere(writeAttributes.keep);
      if (openStatus !== 0) {
        kernel32.CloseHandle(readNative);
        throw new PipeError(runtime.dosError(openStatus), "CreatePipe");
      }
      const writeNative = handleAt(out);
      let read: Kernel32Handle;
      try {
        read = this.#wrap(runtime, readNative, undefined, !inheritRead, "CreatePipe");
      } catch (err) {
        kernel32.CloseHandle(writeNative);
        throw err;
      }
      try {
        return { read, write: this.#wrap(runtime, writeNative, undefined, !inheritWrite, "CreatePipe") };
      } catch (err) {
        read.close();
        throw err;
      }
    }
  }

  /** CreateNamedPipeW, always with FILE_FLAG_OVERLAPPED added to dwOpenMode. */
  createNamedPipe(params: CreateNamedPipeParams): Kernel32Handle {
    const runtime = this.#runtime;
    const { kernel32 } = runtime.lib;
    const native = validHandle(kernel32.CreateNamedPipeW(
      wideString(params.name),
      (params.openMode | FILE_FLAG_OVERLAPPED) >>> 0,
      params.pipeMode,
      params.maxInstances,
      params.outBufferSize,
      params.inBufferSize,
      params.defaultTimeout,
      securityAttributes(params.inheritable),
    ));
    if (native === undefined) {
      throw new PipeError(kernel32.GetLastError(), "CreateNamedPipeW", { pipeName: params.name });
    }
    return this.#wrap(runtime, native, params.name, true, "CreateNamedPipeW");
  }

  /**
   * CreateFileW(name, access, 0, sa, OPEN_EXISTING, FILE_FLAG_OVERLAPPED |
   * SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION): the server may
   * identify the client but not impersonate it.
   */
  openPipe(params: OpenPipeParams): Kernel32Handle {
    const runtime = this.#runtime;
    const { kernel32 } = runtime.lib;
    const native = validHandle(kernel32.CreateFileW(
      wideString(params.name),
      params.access >>> 0,
      0,
      securityAttributes(params.inheritable),
      OPEN_EXISTING,
      (FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION) >>> 0,
      0,
    ));
    if (native === undefined) {
      throw new PipeError(kernel32.GetLastError(), "CreateFileW", { pipeName: params.name });
    }
    return this.#wrap(runtime, native, params.name, true, "CreateFileW");
  }

  /** DuplicateHandle within this process, same access. The copy shares the original's file object (and so its overlapped mode). */
  duplicate(handle: Kernel32Handle, inheritable: boolean): Kernel32Handle {
    const native = this.#handle(handle, "DuplicateHandle");
    const runtime = this.#runtime;
    const copy = duplicateNative(runtime.lib, native, inheritable, handle.pipeName);
    return this.#wrap(runtime, copy, handle.pipeName, handle.overlapped, undefined);
  }

  /** CloseHandle; idempotent. */
  close(handle: Kernel32Handle): void {
    handle.close();
  }

  /**
   * PeekNamedPipe. lpBytesLeftThisMessage is normalised to 0 on byte pipes,
   * where kernel32 reports `0 - bytesRead` as a DWORD (a count larger than
   * what is available).
   */
  peek(handle: Kernel32Handle, buffer?: Uint8Array): PeekResult {
    const native = this.#handle(handle, "PeekNamedPipe");
    const { lib: { kernel32 }, dwords, dword } = this.#runtime;
    dwords.fill(0);
    const ok = kernel32.PeekNamedPipe(
      native,
      buffer === undefined ? null : nonEmpty(buffer),
      buffer?.length ?? 0,
      dword[0],
      dword[1],
      dword[2],
    );
    if (!ok) throw new PipeError(kernel32.GetLastError(), "PeekNamedPipe", { pipeName: handle.pipeName });
    const left = dwords[2] > dwords[1] ? 0 : dwords[2];
    return { bytesRead: dwords[0], bytesAvailable: dwords[1], bytesLeftInMessage: left };
  }

  /** GetNamedPipeHandleStateW(lpState, lpCurInstances). */
  getState(handle: Kernel32Handle): HandleState {
    const native = this.#handle(handle, "GetNamedPipeHandleStateW");
    const { lib: { kernel32 }, dwords, dword } = this.#runtime;
    dwords.fill(0);
    if (!kernel32.GetNamedPipeHandleStateW(native, dword[0], dword[1], null, null, null, 0)) {
      throw new PipeError(kernel32.GetLastError(), "GetNamedPipeHandleStateW", { pipeName: handle.pipeName });
    }
    return { mode: dwords[0], currentInstances: dwords[1] };
  }

  /** SetNamedPipeHandleState(lpMode). */
  setState(handle: Kernel32Handle, mode: number): void {
    const native = this.#handle(handle, "SetNamedPipeHandleState");
    const { lib: { kernel32 }, dwords, dword } = this.#runtime;
    dwords[0] = mode;
    if (!kernel32.SetNamedPipeHandleState(native, dword[0], null, null)) {
      throw new PipeError(kernel32.GetLastError(), "SetNamedPipeHandleState", { pipeName: handle.pipeName });
    }
  }

  /** GetNamedPipeInfo. */
  getInfo(handle: Kernel32Handle): PipeInfo {
    const native = this.#handle(handle, "GetNamedPipeInfo");
    const { lib: { kernel32 }, dwords, dword } = this.#runtime;
    dwords.fill(0);
    if (!kernel32.GetNamedPipeInfo(native, dword[0], dword[1], dword[2], dword[3])) {
      throw new PipeError(kernel32.GetLastError(), "GetNamedPipeInfo", { pipeName: handle.pipeName });
    }
    return { flags: dwords[0], outBufferSize: dwords[1], inBufferSize: dwords[2], maxInstances: dwords[3] };
  }

  /** DisconnectNamedPipe. */
  disconnect(handle: Kernel32Handle): void {
    const native = this.#handle(handle, "DisconnectNamedPipe");
    const { kernel32 } = this.#runtime.lib;
    if (!kernel32.DisconnectNamedPipe(native)) {
      throw new PipeError(kernel32.GetLastError(), "DisconnectNamedPipe", { pipeName: handle.pipeName });
    }
  }

  /** CancelIoEx(handle, NULL). */
  cancelIo(handle: Kernel32Handle): void {
    const native = this.#handle(handle, "CancelIoEx");
    const { kernel32 } = this.#runtime.lib;
    if (!kernel32.CancelIoEx(native, null)) {
      throw new PipeError(kernel32.GetLastError(), "CancelIoEx", { pipeName: handle.pipeName });
    }
  }

  /** How many handles this kernel opened and has not closed yet. */
  liveHandles(): number {
    return this.#live.size;
  }

  // --- calls that can wait --------------------------------------------------

  /**
   * ReadFile into a buffer of `length` bytes this backend owns (from its
   * pool); the bytes are handed over once read, with `release` to give the
   * buffer back.
   */
  async read(handle: Kernel32Handle, length: number, signal?: AbortSignal): Promise<ReadData> {
    const call = "ReadFile";
    const { buffers } = this.#runtime;
    const data = length === 0 ? EMPTY : buffers.take(length);
    const done = await this.#io(handle, call, [data], signal, {
      synchronous: (lib, native, iosb) =>
        lib.offThread("NtReadFile", native, 0, null, null, iosb, data, length, null, null),
      overlapped: (lib, native, overlapped) => lib.kernel32.ReadFile(native, data, length, null, overlapped),
    });
    // ReadFile on a synchronous handle turns end of file into success with 0 bytes.
    if (!handle.overlapped && done.status === STATUS_END_OF_FILE) {
      if (data !== EMPTY) buffers.give(data);
      return { bytes: struct(0), messageComplete: true };
    }
    return readData(this.#runtime, done, data, "read", call, handle);
  }

  /** WriteFile, from a copy of `data` this backend owns until the kernel is done with it. */
  async write(handle: Kernel32Handle, data: Uint8Array, signal?: AbortSignal): Promise<number> {
    const call = "WriteFile";
    const { buffers } = this.#runtime;
    const length = data.length;
    const bytes = length === 0 ? EMPTY : buffers.take(length);
    if (length > 0) bytes.set(data);
    const done = await this.#io(handle, call, [bytes], signal, {
      synchronous: (lib, native, iosb) =>
        lib.offThread("NtWriteFile", native, 0, null, null, iosb, bytes, length, null, null),
      overlapped: (lib, native, overlapped) => lib.kernel32.WriteFile(native, bytes, length, null, overlapped),
    });
    // The kernel is done with the copy.
    if (bytes !== EMPTY) buffers.give(bytes);
    const code = done.code ?? this.#runtime.dosError(done.status);
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
    return done.information;
  }

  /** ConnectNamedPipe; ERROR_PIPE_CONNECTED resolves. */
  async connect(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "ConnectNamedPipe";
    const done = await this.#io(handle, call, [], signal, {
      synchronous: (lib, native, iosb) =>
        lib.offThread("NtFsControlFile", native, 0, null, null, iosb, FSCTL_PIPE_LISTEN, null, 0, null, 0),
      overlapped: (lib, native, overlapped) => lib.kernel32.ConnectNamedPipe(native, overlapped),
    });
    const code = done.code ?? this.#runtime.dosError(done.status);
    if (code !== 0 && errorBehaviour("connect", code) !== "connected") {
      throw new PipeError(code, call, { pipeName: handle.pipeName });
    }
  }

  /** TransactNamedPipe, from a copy of `input` and into a reply buffer of `replyLength` bytes, both this backend's own. */
  async transact(
    handle: Kernel32Handle,
    input: Uint8Array,
    replyLength: number,
    signal?: AbortSignal,
  ): Promise<ReadData> {
    const call = "TransactNamedPipe";
    const { buffers } = this.#runtime;
    const requestLength = input.length;
    const request = requestLength === 0 ? EMPTY : buffers.take(requestLength);
    if (requestLength > 0) request.set(input);
    const reply = replyLength === 0 ? EMPTY : buffers.take(replyLength);
    const done = await this.#io(handle, call, [request, reply], signal, {
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
    if (request !== EMPTY) buffers.give(request);
    return readData(this.#runtime, done, reply, "transact", call, handle);
  }

  /**
   * One I/O call in either of its two forms. On an overlapped handle: the
   * Win32 call with an OVERLAPPED, issued on the main thread, its last error
   * read at once, and the completion awaited through the port if it
   * pends. On a synchronous handle (an anonymous-pipe end made for a child):
   * the NT call behind it, run off the main thread with an IO_STATUS_BLOCK,
   * whose NTSTATUS is its result. `keep` holds the buffers the kernel uses
   * until it is done with them.
   */
  async #io(
    handle: Kernel32Handle,
    call: string,
    keep: unknown[],
    signal: AbortSignal | undefined,
    forms: {
      synchronous(lib: Win32Library, native: number, iosb: Uint8Array<ArrayBuffer>): Promise<number>;
      overlapped(lib: Win32Library, native: number, overlapped: Uint8Array<ArrayBuffer>): number;
    },
  ): Promise<Completion> {
    const native = this.#start(handle, call, signal);
    const runtime = this.#runtime;
    const { lib } = runtime;
    if (!handle.overlapped) {
      const iosb = ioStatusBlock();
      return await this.#offThread(
        runtime,
        handle,
        call,
        iosb,
        keep,
        () => forms.synchronous(lib, native, iosb),
        signal,
      );
    }
    const op = new PendingOp(lib, keep);
    const ok = forms.overlapped(lib, native, op.overlapped);
    const code = ok ? 0 : lib.kernel32.GetLastError();
    return await this.#overlapped(runtime, handle, native, op, code, signal);
  }

  /**
   * FlushFileBuffers, as its own call NtFlushBuffersFile run off the main
   * thread (it has no overlapped form). An abort cancels it with CancelIoEx
   * on its IO_STATUS_BLOCK, which Wine matches; where the kernel finds
   * nothing to cancel (Windows waits for a flush on a kernel-side status
   * block), the promise still rejects with ERROR_OPERATION_ABORTED at once
   * and the flush ends in the background when the pipe drains or closes.
   */
  async flush(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "FlushFileBuffers";
    const native = this.#start(handle, call, signal);
    const runtime = this.#runtime;
    const iosb = ioStatusBlock();
    const done = await this.#offThread(
      runtime,
      handle,
      call,
      iosb,
      [],
      () => runtime.lib.offThread("NtFlushBuffersFile", native, iosb),
      signal,
      true,
    );
    const code = runtime.dosError(done.status);
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
  }

  /**
   * WaitNamedPipeW, as its own call: NtFsControlFile(FSCTL_PIPE_WAIT) on the
   * pipe file system's root (`\??\PIPE\`, or `\??\UNC\SERVER\pipe\` for a
   * remote name), issued asynchronously so that it waits off the main
   * thread (its completion comes through the port) and CancelIoEx cancels
   * it. Its NTSTATUS is converted with RtlNtStatusToDosError (a missing pipe
   * is ERROR_FILE_NOT_FOUND, a time-out ERROR_SEM_TIMEOUT).
   */
  async waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void> {
    const call = "WaitNamedPipeW";
    if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: name });
    const match = /^\\\\([^\\]+)\\pipe\\(.+)$/is.exec(name);
    if (match === null) throw new PipeError(ERROR_INVALID_NAME, call, { pipeName: name });
    const [, server, pipe] = match;
    const runtime = this.#runtime;
    const { kernel32, ntdll } = runtime.lib;
    const remote = server !== ".";
    let device: number;
    try {
      device = remote ? openPipeDevice(runtime, `\\??\\UNC\\${server}\\pipe\\`) : localPipeDevice(runtime);
    } catch (err) {
      throw err instanceof PipeError ? new PipeError(err.code, call, { pipeName: name, cause: err }) : err;
    }
    try {
      const request = pipeWaitRequest(pipe, timeout);
      const op = new PendingOp(runtime.lib, [request]);
      const status = ntdll.NtFsControlFile(
        device,
        0,
        null,
        op.overlapped, // ApcContext: the completion packet's lpOverlapped
        op.overlapped,
        FSCTL_PIPE_WAIT,
        request,
        request.length,
        null,
        0,
      ) >>> 0;
      const done = status === STATUS_PENDING
        ? await this.#overlapped(runtime, undefined, device, op, ERROR_IO_PENDING, signal)
        : { status, information: 0 };
      const code = runtime.dosError(done.status);
      if (code !== 0) throw new PipeError(code, call, { pipeName: name });
    } finally {
      if (remote) kernel32.CloseHandle(device);
    }
  }

  /** The checks every waiting call starts with; returns the native handle. */
  #start(handle: Kernel32Handle, call: string, signal: AbortSignal | undefined): number {
    if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName });
    return this.#handle(handle, call);
  }

  /**
   * The rest of an overlapped call that returned Win32 `code` (0 for TRUE):
   * unless it is ERROR_IO_PENDING, the outcome is there at once (no thread
   * hop). Otherwise it comes through the completion port and is read from
   * the OVERLAPPED on the main thread. On abort: CancelIoEx(handle,
   * &overlapped). The op's record holds the buffers the kernel uses until
   * the operation completes.
   */
  async #overlapped(
    runtime: Runtime,
    handle: Kernel32Handle | undefined,
    native: number,
    op: PendingOp,
    code: number,
    signal: AbortSignal | undefined,
  ): Promise<Completion> {
    if (code !== ERROR_IO_PENDING) return { status: 0, code, information: op.information };
    const onAbort = () => {
      if (handle === undefined || !handle.closed) runtime.lib.kernel32.CancelIoEx(native, op.overlapped);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await runtime.wait(op);
      return { status: op.status, information: op.information };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Runs an off-thread NT call that returns its NTSTATUS (I/O on a
   * synchronous handle, or a flush), once a slot is free. On abort: before
   * it started, it is not issued; after, CancelIoEx(handle, &iosb),
   * repeated until the call has reached the kernel. With `detachOnAbort`
   * the promise rejects at once when the kernel finds nothing to cancel (the
   * call then ends in the background). `keep` (with `iosb`) stays referenced
   * until the call has returned, also when the promise rejected before.
   */
  async #offThread(
    runtime: Runtime,
    handle: Kernel32Handle,
    call: string,
    iosb: Uint8Array<ArrayBuffer>,
    keep: unknown[],
    start: () => Promise<number>,
    signal: AbortSignal | undefined,
    detachOnAbort = false,
  ): Promise<Completion> {
    const { kernel32 } = runtime.lib;
    const queued = runtime.offThreadSlot(
      signal,
      () => new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }),
    );
    if (queued !== undefined) await queued;
    let settled = false;
    let started: Promise<number>;
    try {
      started = start();
    } catch (err) {
      runtime.releaseOffThreadSlot();
      throw err;
    }
    const promise = started.finally(() => {
      settled = true;
      runtime.releaseOffThreadSlot();
      // The call has returned: the kernel is done with the IO_STATUS_BLOCK and the buffers.
      keepUntilHere([iosb, keep]);
    });
    let onAbort = () => {};
    const detached = new Promise<never>((_, reject) => {
      onAbort = () => {
        const cancel = () => {
          if (settled || handle.closed) return;
          if (kernel32.CancelIoEx(handle.unsafeHandle, iosb)) return;
          if (kernel32.GetLastError() !== ERROR_NOT_FOUND) return;
          if (detachOnAbort) reject(new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }));
          // Not in the kernel yet (its thread has not started it): try again shortly.
          else runtime.lib.unrefTimer(setTimeout(cancel, 5));
        };
        cancel();
      };
    });
    detached.catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const status = (await Promise.race([promise, detached])) >>> 0;
      return { status, information: information(iosb) };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** The handle to `\??\PIPE\` that local waits go through (one per process; not a pipe handle, not counted). */
function localPipeDevice(runtime: Runtime): number {
  runtime.localPipeDevice ??= openPipeDevice(runtime, "\\??\\PIPE\\");
  return runtime.localPipeDevice;
}

/** Opens a pipe file system root (`\??\PIPE\`) for FSCTL_PIPE_WAIT, without FILE_SYNCHRONOUS_IO_*: asynchronous. */
function openPipeDevice(runtime: Runtime, ntName: string): number {
  const { kernel32, ntdll, addressOf } = runtime.lib;
  const attributes = objectAttributes(ntName, false, addressOf);
  const out = new BigUint64Array(new ArrayBuffer(8));
  const iosb = ioStatusBlock();
  const status = ntdll.NtOpenFile(
    out,
    FILE_READ_ATTRIBUTES | SYNCHRONIZE,
    attributes.bytes,
    iosb,
    FILE_SHARE_READ_WRITE,
    0,
  ) >>> 0;
  keepUntilHere(attributes.keep);
  if (status !== 0) throw new PipeError(runtime.dosError(status), "NtOpenFile");
  const device = handleAt(out);
  try {
    runtime.associate(device, "WaitNamedPipeW", undefined);
  } catch (err) {
    kernel32.CloseHandle(device);
    throw err;
  }
  return device;
}

/**
 * The outcome of a ReadFile or TransactNamedPipe into `buffer` (from the
 * pool, or `EMPTY`): its bytes, handed over now that the kernel is done
 * with them, and `release` to give the buffer back. ERROR_MORE_DATA is a
 * partial message, not an error; on a failure the buffer goes back at once.
 */
function readData(
  runtime: Runtime,
  done: Completion,
  buffer: Uint8Array<ArrayBuffer>,
  call: "read" | "transact",
  name: string,
  handle: Kernel32Handle,
): ReadData {
  const code = done.code ?? runtime.dosError(done.status);
  const complete = code === 0;
  if (!complete && errorBehaviour(call, code) !== "partial-message") {
    if (buffer !== EMPTY) runtime.buffers.give(buffer);
    throw new PipeError(code, name, { pipeName: handle.pipeName });
  }
  if (buffer === EMPTY) return { bytes: struct(0), messageComplete: complete };
  let released = false;
  return {
    bytes: buffer.subarray(0, done.information),
    messageComplete: complete,
    release: () => {
      if (released) return;
      released = true;
      runtime.buffers.give(buffer);
    },
  };
}
