/**
 * {@linkcode Session}: what one loaded library (one per process and runtime)
 * shares between every kernel made over it.
 *
 * @module
 */
import { SyncCalls } from "./sync_io.ts";
import type { Win32Library } from "./binding.ts";
import { BufferPool } from "./buffer_pool.ts";
import { CompletionPort } from "./completion_port.ts";
import { OffThreadSlots } from "./off_thread_slots.ts";
import { OverlappedPool } from "./overlapped_pool.ts";

/**
 * The completion port, the off-thread slots, the data buffers and
 * OVERLAPPEDs, the handle
 * to the pipe file system that WaitNamedPipe uses, the anonymous pipe
 * serial and the scratch out-parameters of immediate calls.
 */
export class Session {
  readonly lib: Win32Library;
  readonly port: CompletionPort;
  readonly slots: OffThreadSlots;
  /** The synchronous calls' OVERLAPPED and event (sync_io.ts). */
  readonly sync: SyncCalls;
  /**
   * The data buffers handed to the kernel: this layer's own, taken for an
   * operation and given back when nothing uses them (buffer_pool.ts).
   */
  readonly buffers: BufferPool = new BufferPool();
  /** The OVERLAPPEDs of overlapped calls, reused once the kernel is done with them (overlapped_pool.ts). */
  readonly overlappeds: OverlappedPool;
  /** The asynchronous handle to `\??\PIPE\` of WaitNamedPipe, opened on first use (not a pipe handle, not counted). */
  localPipeDevice: number | undefined;
  /** The last serial number used in an anonymous pipe's name. */
  anonymousSerial = 0;
  /** Scratch DWORDs for the out parameters of immediate calls (main thread only, never kept). */
  readonly dwords: Uint32Array<ArrayBuffer> = new Uint32Array(new ArrayBuffer(32));
  /** Each of {@linkcode Session.dwords} as a one-element view, to pass as a pointer. */
  readonly dword: readonly Uint32Array<ArrayBuffer>[] = Array.from(
    { length: 8 },
    (_, i) => this.dwords.subarray(i, i + 1),
  );

  constructor(lib: Win32Library) {
    this.lib = lib;
    this.overlappeds = new OverlappedPool(lib.addressOf);
    this.port = new CompletionPort(lib, this.overlappeds);
    this.slots = new OffThreadSlots(lib.offThreadSlots);
    this.sync = new SyncCalls(lib, (status) => this.dosError(status));
  }

  /**
   * The Win32 error code for an NTSTATUS (0 for STATUS_SUCCESS), as kernel32
   * would set it
   * ([RtlNtStatusToDosError](https://learn.microsoft.com/en-us/windows/win32/api/winternl/nf-winternl-rtlntstatustodoserror)).
   */
  dosError(status: number): number {
    return status === 0 ? 0 : this.lib.ntdll.RtlNtStatusToDosError(status | 0);
  }
}

const sessions = new WeakMap<Win32Library, Session>();

/** The session of a loaded library, made on first use. */
export function sessionOf(lib: Win32Library): Session {
  let session = sessions.get(lib);
  if (session === undefined) {
    session = new Session(lib);
    sessions.set(lib, session);
  }
  return session;
}
