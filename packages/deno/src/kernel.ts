/**
 * {@linkcode Kernel32}: winpipe's kernel port implemented with
 * `Deno.dlopen("kernel32.dll")` (and ntdll.dll where the Win32 call has no
 * form that can wait without a thread).
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
 *   `nonblocking: true` GetQueuedCompletionStatusEx waits on a thread of
 *   Deno's blocking pool and removes up to 64 completions at a time; the
 *   outcome of each is read on the main thread from its OVERLAPPED
 *   (Internal is the NTSTATUS, InternalHigh the byte count) and converted
 *   with RtlNtStatusToDosError, as GetOverlappedResult does, without
 *   touching any thread's last error. One thread serves any number of
 *   pending operations (Deno's pool is small: 4 threads per CPU on
 *   Windows), and none is used once nothing is pending, so nothing keeps the
 *   process alive after its pipes are closed.
 * - An AbortSignal cancels that one operation with CancelIoEx(handle,
 *   &itsOverlapped); the kernel then completes it with
 *   ERROR_OPERATION_ABORTED (or with its real result if it finished first).
 * - FlushFileBuffers has no overlapped form: NtFlushBuffersFile (what
 *   FlushFileBuffers calls) runs `nonblocking` and returns its NTSTATUS.
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
 *   process runs NtReadFile / NtWriteFile / NtFsControlFile `nonblocking`,
 *   and their NTSTATUS is their return value.
 *
 * See docs/deno-backend.md for the measurements behind these choices.
 *
 * @module
 */
import {
  type AnonymousPipeHandles,
  type CreateNamedPipeParams,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_NAME,
  ERROR_IO_PENDING,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  errorBehaviour,
  FILE_FLAG_OVERLAPPED,
  FILE_READ_ATTRIBUTES,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  type HandleState,
  type KernelHandle,
  NMPWAIT_USE_DEFAULT_WAIT,
  NMPWAIT_WAIT_FOREVER,
  type OpenPipeParams,
  type PeekResult,
  PipeError,
  type PipeInfo,
  type PipeKernel,
  type ReadResult,
} from "@winpipe/core";
import { type Libraries, loadLibraries, wideString } from "./ffi.ts";

// ---------------------------------------------------------------------------
// Constants that are the backend's own business (not part of the public API).

/** CreateFileW dwCreationDisposition: open an existing file (pipe). */
const OPEN_EXISTING = 3;
/** CreateFileW dwFlagsAndAttributes: the impersonation level below is given. */
const SECURITY_SQOS_PRESENT = 0x00100000;
/** CreateFileW dwFlagsAndAttributes: the server may identify the client but not impersonate it. */
const SECURITY_IDENTIFICATION = 0x00010000;
/** DuplicateHandle dwOptions: same access as the source. */
const DUPLICATE_SAME_ACCESS = 0x00000002;
/** GetQueuedCompletionStatusEx dwMilliseconds: no time-out. */
const INFINITE = 0xffffffff;
/** SetFileCompletionNotificationModes: FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE. */
const SKIP_PORT_AND_EVENT = 0x1 | 0x2;
/** Completions removed per GetQueuedCompletionStatusEx call. */
const ENTRIES = 64;
/** sizeof(OVERLAPPED_ENTRY) on x64: lpCompletionKey, lpOverlapped, Internal, dwNumberOfBytesTransferred (+ padding). */
const ENTRY_SIZE = 32;
/** NTSTATUS: the operation is still in progress. */
const STATUS_PENDING = 0x103;
/** NTSTATUS: end of file (ReadFile on a synchronous handle turns it into success with 0 bytes). */
const STATUS_END_OF_FILE = 0xc0000011;
/** NtOpenFile DesiredAccess: SYNCHRONIZE. */
const SYNCHRONIZE = 0x00100000;
/** NtOpenFile ShareAccess: FILE_SHARE_READ | FILE_SHARE_WRITE. */
const FILE_SHARE_READ_WRITE = 0x3;
/** OBJECT_ATTRIBUTES.Attributes: case-insensitive name lookup. */
const OBJ_CASE_INSENSITIVE = 0x40;
/** OBJECT_ATTRIBUTES.Attributes: the handle is inheritable. */
const OBJ_INHERIT = 0x2;
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
/** NTSTATUS: the name exists already. */
const STATUS_OBJECT_NAME_COLLISION = 0xc0000035;
/** FSCTL_PIPE_LISTEN: ConnectNamedPipe's control code. */
const FSCTL_PIPE_LISTEN = 0x00110008;
/** FSCTL_PIPE_WAIT: WaitNamedPipeW's control code. */
const FSCTL_PIPE_WAIT = 0x00110018;
/** FSCTL_PIPE_TRANSCEIVE: TransactNamedPipe's control code. */
const FSCTL_PIPE_TRANSCEIVE = 0x0011c017;
/** The pseudo handle of the current process, (HANDLE)-1, as GetCurrentProcess returns it. */
const CURRENT_PROCESS = -1n;

// ---------------------------------------------------------------------------
// Handles.

/**
 * True when `value` is INVALID_HANDLE_VALUE ((HANDLE)-1) in any encoding
 * Deno can hand back for a HANDLE: a pointer object, a bigint (signed or
 * unsigned) or a number (-1, or 2^64-1 rounded to 2^64).
 *
 * @example
 * ```ts
 * import { isInvalidHandleValue } from "@winpipe/deno";
 * isInvalidHandleValue(-1n); // true
 * isInvalidHandleValue(0xffff_ffff_ffff_ffffn); // true
 * isInvalidHandleValue(-1); // true
 * isInvalidHandleValue(0x1c4n); // false
 * ```
 */
export function isInvalidHandleValue(value: Deno.PointerValue | bigint | number): boolean {
  if (value === null) return false;
  if (typeof value === "bigint") return BigInt.asUintN(64, value) === 0xffff_ffff_ffff_ffffn;
  if (typeof value === "number") return value === -1 || value === 2 ** 64;
  return isInvalidHandleValue(Deno.UnsafePointer.value(value));
}

/** The numeric value of a HANDLE, as it goes into a struct field. */
function handleValue(value: Deno.PointerValue): bigint {
  return value === null ? 0n : BigInt(Deno.UnsafePointer.value(value));
}

/** A HANDLE return value that is a real handle: neither NULL nor INVALID_HANDLE_VALUE. */
function validHandle(value: Deno.PointerValue): value is Deno.PointerObject {
  return value !== null && !isInvalidHandleValue(value);
}

/**
 * A kernel32 pipe handle: the native HANDLE in a private field, an
 * idempotent {@linkcode Kernel32Handle.close} and `Symbol.dispose`.
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/deno";
 * const kernel = new Kernel32();
 * using pipe = kernel.createPipe(0, false, false).read; // closed at the end of the scope
 * pipe.unsafeHandle; // the HANDLE as a Deno.PointerObject
 * ```
 */
export class Kernel32Handle implements KernelHandle {
  #native: Deno.PointerObject | null;
  readonly #live: Set<Kernel32Handle>;
  /** The pipe name it was created or opened with; undefined for anonymous pipes. */
  readonly pipeName: string | undefined;
  /** True when the handle was opened with FILE_FLAG_OVERLAPPED. */
  readonly overlapped: boolean;

  /** @internal Use the {@linkcode Kernel32} methods to make handles. */
  constructor(
    native: Deno.PointerObject,
    pipeName: string | undefined,
    overlapped: boolean,
    live: Set<Kernel32Handle>,
  ) {
    this.#native = native;
    this.pipeName = pipeName;
    this.overlapped = overlapped;
    this.#live = live;
    live.add(this);
  }

  /** True once {@linkcode Kernel32Handle.close} ran. */
  get closed(): boolean {
    return this.#native === null;
  }

  /**
   * The native HANDLE. Unsafe: it is only valid until the handle is closed,
   * after which Windows may give the same value to another object. Throws
   * once the handle is closed.
   */
  get unsafeHandle(): Deno.PointerObject {
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
    const { kernel32 } = loadLibraries();
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
 * Internal is the status, InternalHigh the information), off the V8 heap and
 * referenced until the kernel has completed the operation.
 */
class PendingOp {
  /** OVERLAPPED: Internal, InternalHigh, Offset, OffsetHigh, hEvent (x64: 32 bytes); hEvent stays NULL. */
  readonly overlapped: Uint8Array<ArrayBuffer> = new Uint8Array(new ArrayBuffer(32));
  readonly view: DataView = new DataView(this.overlapped.buffer);
  /** The OVERLAPPED's address: what the completion packet names. */
  readonly address: bigint = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(this.overlapped)));
  /** Settles once the completion has been seen. */
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor() {
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

/**
 * The process's I/O completion port and the one waiter on it. Every
 * overlapped handle (and the pipe file system handles of WaitNamedPipe) is
 * associated with the port; an operation that returned ERROR_IO_PENDING is
 * registered here by the address of its OVERLAPPED and settles when its
 * completion packet has been removed from the port and its status is final.
 */
class CompletionPort {
  #port: Deno.PointerObject | undefined;
  readonly #pending = new Map<bigint, PendingOp>();
  readonly #entries = new Uint8Array(new ArrayBuffer(ENTRIES * ENTRY_SIZE));
  readonly #entryView = new DataView(this.#entries.buffer);
  readonly #removed = new Uint32Array(new ArrayBuffer(4));
  #waiting = false;

  /** The port, made on first use. */
  #get(libs: Libraries, call: string): Deno.PointerObject {
    if (this.#port === undefined) {
      const invalid = Deno.UnsafePointer.create(0xffff_ffff_ffff_ffffn);
      const port = libs.kernel32.CreateIoCompletionPort(invalid, null, 0n, 1);
      if (!validHandle(port)) throw new PipeError(libs.kernel32.GetLastError(), call);
      this.#port = port;
    }
    return this.#port;
  }

  /**
   * Associates an overlapped handle with the port and asks for no packet
   * when I/O completes at once. Throws a PipeError naming `call` on failure.
   */
  associate(libs: Libraries, native: Deno.PointerObject, call: string, pipeName: string | undefined): void {
    const port = this.#get(libs, call);
    if (!validHandle(libs.kernel32.CreateIoCompletionPort(native, port, 0n, 0))) {
      throw new PipeError(libs.kernel32.GetLastError(), call, { pipeName });
    }
    if (!libs.kernel32.SetFileCompletionNotificationModes(native, SKIP_PORT_AND_EVENT)) {
      throw new PipeError(libs.kernel32.GetLastError(), call, { pipeName });
    }
  }

  /** Waits for the completion of an operation that returned ERROR_IO_PENDING. */
  wait(libs: Libraries, op: PendingOp): Promise<void> {
    this.#pending.set(op.address, op);
    if (!this.#waiting) {
      this.#run(libs).catch((err) => {
        // The waiter itself failed (it should not): fail what it was waiting for rather than hang.
        for (const pending of this.#pending.values()) pending.reject(err);
        this.#pending.clear();
      });
    }
    return op.done;
  }

  /** The waiter: one GetQueuedCompletionStatusEx at a time, for as long as anything is pending. */
  async #run(libs: Libraries): Promise<void> {
    this.#waiting = true;
    try {
      const port = this.#get(libs, "GetQueuedCompletionStatusEx");
      while (this.#pending.size > 0) {
        const ok = await libs.kernel32.GetQueuedCompletionStatusExBlocking(
          port,
          this.#entries,
          ENTRIES,
          this.#removed,
          INFINITE,
          0,
        );
        if (!ok) {
          // Nothing removed; the reason is in the worker thread's last error. Try again shortly.
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        for (let i = 0; i < this.#removed[0]; i++) {
          const op = this.#pending.get(this.#entryView.getBigUint64(i * ENTRY_SIZE + 8, true));
          if (op !== undefined) this.#check(libs, op, 0);
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
  #check(libs: Libraries, op: PendingOp, attempt: number): void {
    if (this.#pending.get(op.address) !== op) return;
    if (op.status !== STATUS_PENDING) {
      this.#pending.delete(op.address);
      op.resolve();
      if (this.#pending.size === 0 && this.#waiting && attempt > 0) {
        // Settled outside the waiter: wake it, or it would wait (and keep the process alive) for nothing.
        libs.kernel32.PostQueuedCompletionStatus(this.#port!, 0, 0n, null);
      }
      return;
    }
    if (attempt < 10) {
      // Unref'd: a recheck never keeps the process alive (a real completion still arrives through the port).
      Deno.unrefTimer(setTimeout(() => this.#check(libs, op, attempt + 1), 1 << attempt));
    }
  }
}

const completionPort = new CompletionPort();

/**
 * How many `nonblocking` calls (flushes, I/O on synchronous handles) may be
 * on Deno's blocking pool at once. Deno gives the pool 4 threads per CPU on
 * Windows; two are left for the completion port's waiter and Deno's own
 * work, so that flushes waiting for readers in this process can never take
 * every thread and starve the completions those readers wait for.
 */
const BLOCKING_SLOTS = Math.max(1, 4 * (navigator.hardwareConcurrency || 1) - 2);
let blockingInFlight = 0;
const blockingQueue: (() => void)[] = [];

/**
 * Takes a slot for a `nonblocking` call: undefined when one was free,
 * otherwise a promise that resolves when one is, or rejects with
 * `abortError()` if `signal` aborts first.
 */
function blockingSlot(signal: AbortSignal | undefined, abortError: () => Error): Promise<void> | undefined {
  if (blockingInFlight < BLOCKING_SLOTS) {
    blockingInFlight++;
    return undefined;
  }
  return new Promise((resolve, reject) => {
    const grant = () => {
      signal?.removeEventListener("abort", abort);
      blockingInFlight++;
      resolve();
    };
    const abort = () => {
      const at = blockingQueue.indexOf(grant);
      if (at >= 0) blockingQueue.splice(at, 1);
      reject(abortError());
    };
    blockingQueue.push(grant);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** Gives a slot back when its call has returned. */
function releaseBlockingSlot(): void {
  blockingInFlight--;
  blockingQueue.shift()?.();
}

/**
 * Makes sure a typed array's bytes are off the V8 heap (a small
 * `new Uint8Array(n)` starts on it, and the GC may move it), so that their
 * address stays valid while the kernel uses them after the call returns.
 */
function pin(view: ArrayBufferView): void {
  void view.buffer;
}

/** The Win32 error code for an NTSTATUS (0 for STATUS_SUCCESS), as kernel32 would set it. */
function dosError(libs: Libraries, status: number): number {
  return status === 0 ? 0 : libs.ntdll.RtlNtStatusToDosError(status | 0);
}

// ---------------------------------------------------------------------------
// The kernel.

/** Scratch DWORDs for the out parameters of immediate calls (main thread only, never kept). */
const dwords = new Uint32Array(new ArrayBuffer(32));
const dword = (i: number): Uint32Array => dwords.subarray(i, i + 1);

let anonymousSerial = 0;
/** The asynchronous handle to `\??\PIPE\` of WaitNamedPipe, opened on first use. */
let localPipeDevice: Deno.PointerObject | undefined;

/**
 * The kernel port over kernel32.dll through Deno FFI. Loading is lazy:
 * constructing one off Windows does nothing, calling a method throws an
 * Error saying kernel32 is only available on Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32 } from "@winpipe/deno";
 * const kernel = new Kernel32();
 * const { read, write } = kernel.createPipe(0, false, false);
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * const buf = new Uint8Array(8);
 * const { bytesRead } = await kernel.read(read, buf); // 3
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class Kernel32 implements PipeKernel<Kernel32Handle> {
  /** "kernel32-deno". */
  readonly name = "kernel32-deno";
  readonly #live = new Set<Kernel32Handle>();

  get #libs(): Libraries {
    return loadLibraries();
  }

  #handle(handle: Kernel32Handle, call: string): Deno.PointerObject {
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
    native: Deno.PointerObject,
    pipeName: string | undefined,
    overlapped: boolean,
    call: string | undefined,
  ): Kernel32Handle {
    if (overlapped && call !== undefined) {
      const libs = this.#libs;
      try {
        completionPort.associate(libs, native, call, pipeName);
      } catch (err) {
        libs.kernel32.CloseHandle(native);
        throw err;
      }
    }
    return new Kernel32Handle(native, pipeName, overlapped, this.#live);
  }

  /** SECURITY_ATTRIBUTES { nLength, lpSecurityDescriptor = NULL, bInheritHandle }, or null for the default (not inheritable). */
  #securityAttributes(inheritable: boolean): Uint8Array | null {
    if (!inheritable) return null;
    const sa = new Uint8Array(24);
    const view = new DataView(sa.buffer);
    view.setUint32(0, 24, true);
    view.setUint32(16, 1, true);
    return sa;
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
    const libs = this.#libs;
    const size = bufferSize === 0 ? 4096 : bufferSize;
    const pid = libs.kernel32.GetCurrentProcessId();
    const out = new BigUint64Array(1);
    const iosb = new Uint8Array(16);
    const timeout = new BigInt64Array([-1_200_000_000n]); // 120 s, as CreatePipe
    for (let attempt = 0;; attempt++) {
      const random = crypto.getRandomValues(new Uint32Array(2));
      const name = `\\??\\pipe\\winpipe-anonymous.${hex8(pid)}.${hex8(++anonymousSerial)}.` +
        `${hex8(random[0])}${hex8(random[1])}`;
      const readAttributes = objectAttributes(name, inheritRead);
      const status = libs.ntdll.NtCreateNamedPipeFile(
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
      void readAttributes.keep;
      if (status === STATUS_OBJECT_NAME_COLLISION && attempt < 8) continue;
      if (status !== 0) throw new PipeError(dosError(libs, status), "CreatePipe");
      const readNative = Deno.UnsafePointer.create(out[0])!;
      const writeAttributes = objectAttributes(name, inheritWrite);
      const openStatus = libs.ntdll.NtOpenFile(
        out,
        FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES,
        writeAttributes.bytes,
        iosb,
        FILE_SHARE_READ,
        FILE_NON_DIRECTORY_FILE | (inheritWrite ? FILE_SYNCHRONOUS_IO_NONALERT : 0),
      ) >>> 0;
      void writeAttributes.keep;
      if (openStatus !== 0) {
        libs.kernel32.CloseHandle(readNative);
        throw new PipeError(dosError(libs, openStatus), "CreatePipe");
      }
      return {
        read: this.#wrap(readNative, undefined, !inheritRead, "CreatePipe"),
        write: this.#wrap(Deno.UnsafePointer.create(out[0])!, undefined, !inheritWrite, "CreatePipe"),
      };
    }
  }

  /** CreateNamedPipeW, always with FILE_FLAG_OVERLAPPED added to dwOpenMode. */
  createNamedPipe(params: CreateNamedPipeParams): Kernel32Handle {
    const { kernel32 } = this.#libs;
    const native = kernel32.CreateNamedPipeW(
      wideString(params.name),
      (params.openMode | FILE_FLAG_OVERLAPPED) >>> 0,
      params.pipeMode,
      params.maxInstances,
      params.outBufferSize,
      params.inBufferSize,
      params.defaultTimeout,
      this.#securityAttributes(params.inheritable),
    );
    if (!validHandle(native)) {
      throw new PipeError(kernel32.GetLastError(), "CreateNamedPipeW", { pipeName: params.name });
    }
    return this.#wrap(native, params.name, true, "CreateNamedPipeW");
  }

  /**
   * CreateFileW(name, access, 0, sa, OPEN_EXISTING, FILE_FLAG_OVERLAPPED |
   * SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION): the server may
   * identify the client but not impersonate it.
   */
  openPipe(params: OpenPipeParams): Kernel32Handle {
    const { kernel32 } = this.#libs;
    const native = kernel32.CreateFileW(
      wideString(params.name),
      params.access >>> 0,
      0,
      this.#securityAttributes(params.inheritable),
      OPEN_EXISTING,
      (FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION) >>> 0,
      null,
    );
    if (!validHandle(native)) {
      throw new PipeError(kernel32.GetLastError(), "CreateFileW", { pipeName: params.name });
    }
    return this.#wrap(native, params.name, true, "CreateFileW");
  }

  /** DuplicateHandle within this process, same access. The copy shares the original's file object (and so its overlapped mode). */
  duplicate(handle: Kernel32Handle, inheritable: boolean): Kernel32Handle {
    const native = this.#handle(handle, "DuplicateHandle");
    const { kernel32 } = this.#libs;
    const out = new BigUint64Array(1);
    const self = Deno.UnsafePointer.create(BigInt.asUintN(64, CURRENT_PROCESS));
    if (!kernel32.DuplicateHandle(self, native, self, out, 0, inheritable ? 1 : 0, DUPLICATE_SAME_ACCESS)) {
      throw new PipeError(kernel32.GetLastError(), "DuplicateHandle", { pipeName: handle.pipeName });
    }
    return this.#wrap(Deno.UnsafePointer.create(out[0])!, handle.pipeName, handle.overlapped, undefined);
  }

  /** CloseHandle; idempotent. */
  close(handle: Kernel32Handle): void {
    handle.close();
  }

  /** PeekNamedPipe. */
  peek(handle: Kernel32Handle, buffer?: Uint8Array): PeekResult {
    const native = this.#handle(handle, "PeekNamedPipe");
    const { kernel32 } = this.#libs;
    dwords.fill(0);
    const ok = kernel32.PeekNamedPipe(
      native,
      buffer ?? null,
      buffer?.length ?? 0,
      dword(0),
      dword(1),
      dword(2),
    );
    if (!ok) throw new PipeError(kernel32.GetLastError(), "PeekNamedPipe", { pipeName: handle.pipeName });
    return { bytesRead: dwords[0], bytesAvailable: dwords[1], bytesLeftInMessage: dwords[2] };
  }

  /** GetNamedPipeHandleStateW(lpState, lpCurInstances). */
  getState(handle: Kernel32Handle): HandleState {
    const native = this.#handle(handle, "GetNamedPipeHandleStateW");
    const { kernel32 } = this.#libs;
    dwords.fill(0);
    if (!kernel32.GetNamedPipeHandleStateW(native, dword(0), dword(1), null, null, null, 0)) {
      throw new PipeError(kernel32.GetLastError(), "GetNamedPipeHandleStateW", { pipeName: handle.pipeName });
    }
    return { mode: dwords[0], currentInstances: dwords[1] };
  }

  /** SetNamedPipeHandleState(lpMode). */
  setState(handle: Kernel32Handle, mode: number): void {
    const native = this.#handle(handle, "SetNamedPipeHandleState");
    const { kernel32 } = this.#libs;
    dwords[0] = mode;
    if (!kernel32.SetNamedPipeHandleState(native, dword(0), null, null)) {
      throw new PipeError(kernel32.GetLastError(), "SetNamedPipeHandleState", { pipeName: handle.pipeName });
    }
  }

  /** GetNamedPipeInfo. */
  getInfo(handle: Kernel32Handle): PipeInfo {
    const native = this.#handle(handle, "GetNamedPipeInfo");
    const { kernel32 } = this.#libs;
    dwords.fill(0);
    if (!kernel32.GetNamedPipeInfo(native, dword(0), dword(1), dword(2), dword(3))) {
      throw new PipeError(kernel32.GetLastError(), "GetNamedPipeInfo", { pipeName: handle.pipeName });
    }
    return { flags: dwords[0], outBufferSize: dwords[1], inBufferSize: dwords[2], maxInstances: dwords[3] };
  }

  /** DisconnectNamedPipe. */
  disconnect(handle: Kernel32Handle): void {
    const native = this.#handle(handle, "DisconnectNamedPipe");
    const { kernel32 } = this.#libs;
    if (!kernel32.DisconnectNamedPipe(native)) {
      throw new PipeError(kernel32.GetLastError(), "DisconnectNamedPipe", { pipeName: handle.pipeName });
    }
  }

  /** CancelIoEx(handle, NULL). */
  cancelIo(handle: Kernel32Handle): void {
    const native = this.#handle(handle, "CancelIoEx");
    const { kernel32 } = this.#libs;
    if (!kernel32.CancelIoEx(native, null)) {
      throw new PipeError(kernel32.GetLastError(), "CancelIoEx", { pipeName: handle.pipeName });
    }
  }

  /** How many handles this kernel opened and has not closed yet. */
  liveHandles(): number {
    return this.#live.size;
  }

  // --- calls that can wait --------------------------------------------------

  /** ReadFile. */
  async read(handle: Kernel32Handle, buffer: Uint8Array, signal?: AbortSignal): Promise<ReadResult> {
    const call = "ReadFile";
    const native = this.#start(handle, call, signal);
    const libs = this.#libs;
    pin(buffer);
    if (!handle.overlapped) {
      const iosb = newIoStatusBlock();
      const done = await this.#blocking(
        handle,
        call,
        iosb,
        () => libs.ntdll.NtReadFileBlocking(native, null, null, null, iosb, buffer, buffer.length, null, null),
        signal,
      );
      // ReadFile on a synchronous handle turns end of file into success with 0 bytes.
      if (done.status === STATUS_END_OF_FILE) return { bytesRead: 0, messageComplete: true };
      return readResult(libs, done, "read", call, handle);
    }
    const op = new PendingOp();
    const ok = libs.kernel32.ReadFile(native, buffer, buffer.length, null, op.overlapped);
    const code = ok ? 0 : libs.kernel32.GetLastError();
    const done = await this.#overlapped(handle, native, op, code, [buffer], signal);
    return readResult(libs, done, "read", call, handle);
  }

  /** WriteFile. */
  async write(handle: Kernel32Handle, data: Uint8Array, signal?: AbortSignal): Promise<number> {
    const call = "WriteFile";
    const native = this.#start(handle, call, signal);
    const libs = this.#libs;
    pin(data);
    let done: Completion;
    if (!handle.overlapped) {
      const iosb = newIoStatusBlock();
      done = await this.#blocking(
        handle,
        call,
        iosb,
        () => libs.ntdll.NtWriteFileBlocking(native, null, null, null, iosb, data, data.length, null, null),
        signal,
      );
    } else {
      const op = new PendingOp();
      const ok = libs.kernel32.WriteFile(native, data, data.length, null, op.overlapped);
      const code = ok ? 0 : libs.kernel32.GetLastError();
      done = await this.#overlapped(handle, native, op, code, [data], signal);
    }
    const code = done.code ?? dosError(libs, done.status);
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
    return done.information;
  }

  /** ConnectNamedPipe; ERROR_PIPE_CONNECTED resolves. */
  async connect(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "ConnectNamedPipe";
    const native = this.#start(handle, call, signal);
    const libs = this.#libs;
    let done: Completion;
    if (!handle.overlapped) {
      const iosb = newIoStatusBlock();
      done = await this.#blocking(
        handle,
        call,
        iosb,
        () => libs.ntdll.NtFsControlFileBlocking(native, null, null, null, iosb, FSCTL_PIPE_LISTEN, null, 0, null, 0),
        signal,
      );
    } else {
      const op = new PendingOp();
      const ok = libs.kernel32.ConnectNamedPipe(native, op.overlapped);
      const code = ok ? 0 : libs.kernel32.GetLastError();
      done = await this.#overlapped(handle, native, op, code, [], signal);
    }
    const code = done.code ?? dosError(libs, done.status);
    if (code !== 0 && errorBehaviour("connect", code) !== "connected") {
      throw new PipeError(code, call, { pipeName: handle.pipeName });
    }
  }

  /** TransactNamedPipe. */
  async transact(
    handle: Kernel32Handle,
    input: Uint8Array,
    output: Uint8Array,
    signal?: AbortSignal,
  ): Promise<ReadResult> {
    const call = "TransactNamedPipe";
    const native = this.#start(handle, call, signal);
    const libs = this.#libs;
    pin(input);
    pin(output);
    if (!handle.overlapped) {
      const iosb = newIoStatusBlock();
      const done = await this.#blocking(
        handle,
        call,
        iosb,
        () =>
          libs.ntdll.NtFsControlFileBlocking(
            native,
            null,
            null,
            null,
            iosb,
            FSCTL_PIPE_TRANSCEIVE,
            input,
            input.length,
            output,
            output.length,
          ),
        signal,
      );
      return readResult(libs, done, "transact", call, handle);
    }
    const op = new PendingOp();
    const ok = libs.kernel32.TransactNamedPipe(native, input, input.length, output, output.length, null, op.overlapped);
    const code = ok ? 0 : libs.kernel32.GetLastError();
    const done = await this.#overlapped(handle, native, op, code, [input, output], signal);
    return readResult(libs, done, "transact", call, handle);
  }

  /**
   * FlushFileBuffers, as its own call NtFlushBuffersFile run `nonblocking`
   * (it has no overlapped form). An abort cancels it with CancelIoEx on its
   * IO_STATUS_BLOCK, which Wine matches; where the kernel finds nothing to
   * cancel (Windows waits for a flush on a kernel-side status block), the
   * promise still rejects with ERROR_OPERATION_ABORTED at once and the
   * flush ends in the background when the pipe drains or closes.
   */
  async flush(handle: Kernel32Handle, signal?: AbortSignal): Promise<void> {
    const call = "FlushFileBuffers";
    const native = this.#start(handle, call, signal);
    const libs = this.#libs;
    const iosb = newIoStatusBlock();
    const done = await this.#blocking(
      handle,
      call,
      iosb,
      () => libs.ntdll.NtFlushBuffersFileBlocking(native, iosb),
      signal,
      true,
    );
    const code = dosError(libs, done.status);
    if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
  }

  /**
   * WaitNamedPipeW, as its own call: NtFsControlFile(FSCTL_PIPE_WAIT) on the
   * pipe file system's root (`\??\PIPE\`, or `\??\UNC\SERVER\pipe\` for a
   * remote name), issued asynchronously with an event so that it waits off
   * the main thread and CancelIoEx cancels it. Its NTSTATUS is converted
   * with RtlNtStatusToDosError (a missing pipe is ERROR_FILE_NOT_FOUND, a
   * time-out ERROR_SEM_TIMEOUT).
   */
  async waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void> {
    const call = "WaitNamedPipeW";
    if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: name });
    const match = /^\\\\([^\\]+)\\pipe\\(.+)$/is.exec(name);
    if (match === null) throw new PipeError(ERROR_INVALID_NAME, call, { pipeName: name });
    const [, server, pipe] = match;
    const libs = this.#libs;
    const remote = server !== ".";
    let device: Deno.PointerObject;
    try {
      device = remote ? openPipeDevice(libs, `\\??\\UNC\\${server}\\pipe\\`) : this.#localPipeDevice(libs);
    } catch (err) {
      throw err instanceof PipeError ? new PipeError(err.code, call, { pipeName: name, cause: err }) : err;
    }
    try {
      // FILE_PIPE_WAIT_FOR_BUFFER { LARGE_INTEGER Timeout; ULONG NameLength; BOOLEAN TimeoutSpecified; WCHAR Name[]; }
      const request = new Uint8Array(new ArrayBuffer(14 + pipe.length * 2));
      const view = new DataView(request.buffer);
      if (timeout === NMPWAIT_WAIT_FOREVER || timeout === Infinity) {
        view.setBigInt64(0, 0x7fff_ffff_ffff_ffffn, true);
      } else if (timeout !== NMPWAIT_USE_DEFAULT_WAIT) {
        view.setBigInt64(0, BigInt(timeout) * -10000n, true);
      }
      view.setUint32(8, pipe.length * 2, true);
      view.setUint8(12, timeout === NMPWAIT_USE_DEFAULT_WAIT ? 0 : 1);
      for (let i = 0; i < pipe.length; i++) view.setUint16(14 + i * 2, pipe.charCodeAt(i), true);

      const op = new PendingOp();
      const status = libs.ntdll.NtFsControlFile(
        device,
        null,
        null,
        Deno.UnsafePointer.of(op.overlapped), // ApcContext: the completion packet's lpOverlapped
        op.overlapped,
        FSCTL_PIPE_WAIT,
        request,
        request.length,
        null,
        0,
      ) >>> 0;
      const done = status === STATUS_PENDING
        ? await this.#overlapped(undefined, device, op, ERROR_IO_PENDING, [request], signal)
        : { status, information: 0 };
      const code = dosError(libs, done.status);
      if (code !== 0) throw new PipeError(code, call, { pipeName: name });
    } finally {
      if (remote) libs.kernel32.CloseHandle(device);
    }
  }

  /** The handle to `\??\PIPE\` that local waits go through (one per process; not a pipe handle, not counted). */
  #localPipeDevice(libs: Libraries): Deno.PointerObject {
    localPipeDevice ??= openPipeDevice(libs, "\\??\\PIPE\\");
    return localPipeDevice;
  }

  /** The checks every waiting call starts with; returns the native handle. */
  #start(handle: Kernel32Handle, call: string, signal: AbortSignal | undefined): Deno.PointerObject {
    if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName });
    return this.#handle(handle, call);
  }

  /**
   * The rest of an overlapped call that returned Win32 `code` (0 for TRUE):
   * unless it is ERROR_IO_PENDING, the outcome is there at once (no thread
   * hop). Otherwise it comes through the completion port and is read from
   * the OVERLAPPED on the main thread. On abort: CancelIoEx(handle,
   * &overlapped). `keep` holds the buffers the kernel uses until the
   * operation completes.
   */
  async #overlapped(
    handle: Kernel32Handle | undefined,
    native: Deno.PointerObject,
    op: PendingOp,
    code: number,
    keep: Uint8Array[],
    signal: AbortSignal | undefined,
  ): Promise<Completion> {
    if (code !== ERROR_IO_PENDING) return { status: 0, code, information: op.information };
    const libs = this.#libs;
    const onAbort = () => {
      if (handle === undefined || !handle.closed) libs.kernel32.CancelIoEx(native, op.overlapped);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await completionPort.wait(libs, op);
      return { status: op.status, information: op.information };
    } finally {
      signal?.removeEventListener("abort", onAbort);
      void keep;
    }
  }

  /**
   * Runs a `nonblocking` NT call that returns its NTSTATUS (I/O on a
   * synchronous handle, or a flush) on a thread of Deno's blocking pool,
   * once a slot is free (see {@linkcode blockingSlot}). On abort: before it
   * started, it is not issued; after, CancelIoEx(handle, &iosb), repeated
   * until the call has reached the kernel. With `detachOnAbort` the promise
   * rejects at once when the kernel finds nothing to cancel (the call then
   * ends in the background).
   */
  async #blocking(
    handle: Kernel32Handle,
    call: string,
    iosb: Uint8Array<ArrayBuffer>,
    start: () => Promise<number>,
    signal: AbortSignal | undefined,
    detachOnAbort = false,
  ): Promise<Completion> {
    const libs = this.#libs;
    const queued = blockingSlot(
      signal,
      () => new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }),
    );
    if (queued !== undefined) await queued;
    let settled = false;
    let started: Promise<number>;
    try {
      started = start();
    } catch (err) {
      releaseBlockingSlot();
      throw err;
    }
    const promise = started.finally(() => {
      settled = true;
      releaseBlockingSlot();
    });
    let onAbort = () => {};
    const detached = new Promise<never>((_, reject) => {
      onAbort = () => {
        const cancel = () => {
          if (settled || handle.closed) return;
          if (libs.kernel32.CancelIoEx(handle.unsafeHandle, iosb)) return;
          if (libs.kernel32.GetLastError() !== ERROR_NOT_FOUND) return;
          if (detachOnAbort) reject(new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: handle.pipeName }));
          // Not in the kernel yet (its thread has not started it): try again shortly.
          else Deno.unrefTimer(setTimeout(cancel, 5));
        };
        cancel();
      };
    });
    detached.catch(() => {});
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const status = (await Promise.race([promise, detached])) >>> 0;
      return { status, information: Number(new DataView(iosb.buffer).getBigUint64(8, true)) };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
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

/** A fresh IO_STATUS_BLOCK { NTSTATUS Status (padded); ULONG_PTR Information; }. */
function newIoStatusBlock(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new ArrayBuffer(16));
}

/**
 * OBJECT_ATTRIBUTES for an NT path, with its UNICODE_STRING and characters
 * (`keep` holds what the struct points to; keep it referenced until the call
 * returns).
 */
function objectAttributes(ntName: string, inheritable: boolean): { bytes: Uint8Array; keep: unknown[] } {
  const chars = wideString(ntName);
  // UNICODE_STRING { USHORT Length; USHORT MaximumLength; PWSTR Buffer; }
  const unicode = new Uint8Array(new ArrayBuffer(16));
  const u = new DataView(unicode.buffer);
  u.setUint16(0, ntName.length * 2, true);
  u.setUint16(2, ntName.length * 2 + 2, true);
  u.setBigUint64(8, handleValue(Deno.UnsafePointer.of(chars)), true);
  // OBJECT_ATTRIBUTES { ULONG Length; HANDLE RootDirectory; PUNICODE_STRING ObjectName; ULONG Attributes;
  //                     PVOID SecurityDescriptor; PVOID SecurityQualityOfService; }
  const bytes = new Uint8Array(new ArrayBuffer(48));
  const a = new DataView(bytes.buffer);
  a.setUint32(0, 48, true);
  a.setBigUint64(16, handleValue(Deno.UnsafePointer.of(unicode)), true);
  a.setUint32(24, OBJ_CASE_INSENSITIVE | (inheritable ? OBJ_INHERIT : 0), true);
  return { bytes, keep: [chars, unicode] };
}

/** Opens a pipe file system root (`\??\PIPE\`) for FSCTL_PIPE_WAIT, without FILE_SYNCHRONOUS_IO_*: asynchronous. */
function openPipeDevice(libs: Libraries, ntName: string): Deno.PointerObject {
  const attributes = objectAttributes(ntName, false);
  const out = new BigUint64Array(1);
  const iosb = new Uint8Array(16);
  const status = libs.ntdll.NtOpenFile(
    out,
    FILE_READ_ATTRIBUTES | SYNCHRONIZE,
    attributes.bytes,
    iosb,
    FILE_SHARE_READ_WRITE,
    0,
  ) >>> 0;
  void attributes.keep;
  if (status !== 0) throw new PipeError(dosError(libs, status), "NtOpenFile");
  const device = Deno.UnsafePointer.create(out[0])!;
  try {
    completionPort.associate(libs, device, "WaitNamedPipeW", undefined);
  } catch (err) {
    libs.kernel32.CloseHandle(device);
    throw err;
  }
  return device;
}

/** The outcome of a ReadFile or TransactNamedPipe: ERROR_MORE_DATA is a partial message, not an error. */
function readResult(
  libs: Libraries,
  done: Completion,
  call: "read" | "transact",
  name: string,
  handle: Kernel32Handle,
): ReadResult {
  const code = done.code ?? dosError(libs, done.status);
  if (code === 0) return { bytesRead: done.information, messageComplete: true };
  if (errorBehaviour(call, code) === "partial-message") return { bytesRead: done.information, messageComplete: false };
  throw new PipeError(code, name, { pipeName: handle.pipeName });
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
