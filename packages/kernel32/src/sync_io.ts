/**
 * {@linkcode SyncCalls}: how the synchronous calls of the kernel32 layer
 * (readSync, writeSync, transactSync) wait: in the calling thread, which
 * returns once the kernel is done with the call. They block that thread,
 * and so the event loop, for as long as the call waits; in exchange no
 * completion is handed between threads, which is most of what an
 * asynchronous round trip costs under Wine (docs/benchmarks.md).
 *
 * Memory: the call uses the caller's buffer directly. The thread returns
 * only once the kernel has completed the operation, so no pointer outlives
 * the call and nothing JavaScript does afterwards can make the kernel write
 * into memory it no longer owns (docs/buffer-ownership.md).
 *
 * On an overlapped handle the call gets this layer's OVERLAPPED, whose
 * hEvent is a manual-reset event with its low-order bit set, so that no
 * completion packet is queued to the completion port for it
 * ([GetQueuedCompletionStatus](https://learn.microsoft.com/en-us/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatus),
 * Remarks); if the call pends, the thread waits for the event
 * ([WaitForSingleObject](https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject))
 * and reads the outcome from the OVERLAPPED. On a synchronous handle the
 * call takes no OVERLAPPED and returns when done. Either way GetLastError
 * is read in the same thread right after the call, so it is the call's own.
 *
 * @module
 */
import { ERROR_IO_PENDING, errorBehaviour, PipeError, type SyncReadResult } from "@winpipe/core";
import type { Kernel32Handle } from "./handle.ts";
import { EMPTY } from "./io.ts";
import type { Session } from "./session.ts";
import type { Win32Library } from "./binding.ts";
import { OVERLAPPED_SIZE, STATUS_PENDING, struct, validHandle } from "./structs.ts";
import { INFINITE } from "./win32_constants.ts";

/** How a synchronous call ended. */
export interface SyncOutcome {
  /** 0 on success, else the Win32 code (ERROR_MORE_DATA too: the caller says what it means). */
  code: number;
  /** Bytes read or written. */
  bytes: number;
}

/** WaitForSingleObject's WAIT_FAILED. */
const WAIT_FAILED = 0xffffffff;
/** OVERLAPPED.hEvent (x64). */
const OVERLAPPED_EVENT = 24;

/**
 * The synchronous calls of one loaded library. They run in the thread that
 * loaded it, one at a time (each blocks the thread), so one OVERLAPPED and
 * one event serve them all.
 *
 * @example
 * ```ts ignore
 * // In kernel.ts: ReadFile into the caller's buffer, waiting in this thread.
 * const { code, bytes } = session.sync.run(handle.overlapped, native, (overlapped, count) =>
 *   lib.kernel32.ReadFile(native, buffer, buffer.length, count, overlapped));
 * ```
 */
export class SyncCalls {
  readonly #lib: Win32Library;
  readonly #dosError: (status: number) => number;
  readonly #overlapped = struct(OVERLAPPED_SIZE);
  readonly #view = new DataView(this.#overlapped.buffer);
  readonly #count = new Uint32Array(new ArrayBuffer(4));
  #event: number | undefined;

  /** `dosError`: the session's NTSTATUS to Win32 code conversion. */
  constructor(lib: Win32Library, dosError: (status: number) => number) {
    this.#lib = lib;
    this.#dosError = dosError;
  }

  /**
   * The event of the OVERLAPPED, made on first use
   * ([CreateEventW](https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-createeventw),
   * manual reset: ReadFile and the like reset it as they start); kept for the
   * life of the process, as the completion port is.
   */
  #eventHandle(): number {
    if (this.#event === undefined) {
      const event = validHandle(this.#lib.kernel32.CreateEventW(null, 1, 0, null));
      if (event === undefined || event === 0) {
        throw new Error(`CreateEventW failed with code ${this.#lib.kernel32.GetLastError()}`);
      }
      this.#event = event;
    }
    return this.#event;
  }

  /**
   * Makes one call and waits for its outcome. `issue` makes it with an
   * OVERLAPPED (on an overlapped handle; the count is then null) or with a
   * count to fill (on a synchronous handle; the OVERLAPPED is then null) and
   * returns its BOOL.
   */
  run(
    overlappedHandle: boolean,
    native: number,
    issue: (overlapped: Uint8Array<ArrayBuffer> | null, count: Uint32Array<ArrayBuffer> | null) => number,
  ): SyncOutcome {
    const { kernel32 } = this.#lib;
    if (!overlappedHandle) {
      this.#count[0] = 0;
      const ok = issue(null, this.#count);
      return { code: ok ? 0 : kernel32.GetLastError(), bytes: this.#count[0] };
    }
    const event = this.#eventHandle();
    const view = this.#view;
    this.#overlapped.fill(0);
    view.setUint32(0, STATUS_PENDING, true);
    view.setBigUint64(OVERLAPPED_EVENT, BigInt(event) | 1n, true);
    const ok = issue(this.#overlapped, null);
    if (ok) return { code: 0, bytes: this.#information() };
    const code = kernel32.GetLastError();
    if (code !== ERROR_IO_PENDING) return { code, bytes: this.#information() };
    if (kernel32.WaitForSingleObject(event, INFINITE) === WAIT_FAILED) {
      // Should never happen with a live event; the kernel must still be done with the caller's memory.
      kernel32.CancelIoEx(native, this.#overlapped);
      while (view.getUint32(0, true) === STATUS_PENDING) kernel32.WaitForSingleObject(event, 1);
    }
    const status = view.getUint32(0, true);
    return { code: this.#dosError(status), bytes: this.#information() };
  }

  /** OVERLAPPED.InternalHigh: the bytes transferred. */
  #information(): number {
    return Number(this.#view.getBigUint64(8, true));
  }
}

/** What the synchronous calls need of a session: its library and its SyncCalls. */
export type SyncSession = Pick<Session, "lib" | "sync">;

/** [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile) into `buffer`, waiting in the calling thread; ERROR_MORE_DATA is a partial message. */
export function readSyncOn(
  session: SyncSession,
  native: number,
  handle: Kernel32Handle,
  buffer: Uint8Array,
): SyncReadResult {
  const call = "ReadFile";
  const { lib, sync } = session;
  const target = buffer.length === 0 ? EMPTY : buffer;
  const outcome = sync.run(
    handle.overlapped,
    native,
    (overlapped, count) => lib.kernel32.ReadFile(native, target, buffer.length, count, overlapped),
  );
  return readOutcome("read", call, handle, outcome);
}

/** [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile) of `data`, waiting in the calling thread; returns the bytes written. */
export function writeSyncOn(session: SyncSession, native: number, handle: Kernel32Handle, data: Uint8Array): number {
  const call = "WriteFile";
  const { lib, sync } = session;
  const source = data.length === 0 ? EMPTY : data;
  const { code, bytes } = sync.run(
    handle.overlapped,
    native,
    (overlapped, count) => lib.kernel32.WriteFile(native, source, data.length, count, overlapped),
  );
  if (code !== 0) throw new PipeError(code, call, { pipeName: handle.pipeName });
  return bytes;
}

/** [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe) of `input`, the reply read into `reply`, waiting in the calling thread. */
export function transactSyncOn(
  session: SyncSession,
  native: number,
  handle: Kernel32Handle,
  input: Uint8Array,
  reply: Uint8Array,
): SyncReadResult {
  const call = "TransactNamedPipe";
  const { lib, sync } = session;
  const request = input.length === 0 ? EMPTY : input;
  const target = reply.length === 0 ? EMPTY : reply;
  const outcome = sync.run(
    handle.overlapped,
    native,
    (overlapped, count) =>
      lib.kernel32.TransactNamedPipe(native, request, input.length, target, reply.length, count, overlapped),
  );
  return readOutcome("transact", call, handle, outcome);
}

/** What a synchronous read or transact delivered: ERROR_MORE_DATA is a partial message, any other code a PipeError. */
function readOutcome(
  kind: "read" | "transact",
  call: string,
  handle: Kernel32Handle,
  { code, bytes }: SyncOutcome,
): SyncReadResult {
  if (code !== 0 && errorBehaviour(kind, code) !== "partial-message") {
    throw new PipeError(code, call, { pipeName: handle.pipeName });
  }
  return { bytesRead: bytes, messageComplete: code === 0 };
}
