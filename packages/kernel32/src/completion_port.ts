/**
 * {@linkcode CompletionPort}: the process's one I/O completion port and its
 * one waiter, a
 * [GetQueuedCompletionStatusEx](https://learn.microsoft.com/en-us/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex)
 * run off the main thread while any operation is pending. Steps and
 * reasons: docs/kernel32.md ("Waiting without blocking the event loop").
 *
 * @module
 */
import type { Win32Library } from "./binding.ts";
import type { PendingOperation } from "./pending_operation.ts";
import { OVERLAPPED_ENTRY_OVERLAPPED, OVERLAPPED_ENTRY_SIZE, STATUS_PENDING, struct, validHandle } from "./structs.ts";
import { INFINITE, INVALID_HANDLE_VALUE, SKIP_PORT_AND_EVENT } from "./win32_constants.ts";
import { check, lastError } from "./win32.ts";

/** Completions removed per GetQueuedCompletionStatusEx call. */
const ENTRIES = 64;

/** The completion port of one loaded library (one per process and runtime), made on first use. */
export class CompletionPort {
  readonly #lib: Win32Library;
  #port: number | undefined;
  /** Operations waiting for their completion packet, by the address of their OVERLAPPED. */
  readonly #pending = new Map<number, PendingOperation>();
  readonly #entries = struct(ENTRIES * OVERLAPPED_ENTRY_SIZE);
  readonly #entryView = new DataView(this.#entries.buffer);
  readonly #removed = new Uint32Array(new ArrayBuffer(4));
  #waiting = false;

  constructor(lib: Win32Library) {
    this.#lib = lib;
  }

  /**
   * The port, made on first use
   * ([CreateIoCompletionPort](https://learn.microsoft.com/en-us/windows/win32/fileio/createiocompletionport)).
   */
  #handle(call: string): number {
    if (this.#port === undefined) {
      const port = validHandle(this.#lib.kernel32.CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 1));
      if (port === undefined) throw lastError(this.#lib, call);
      this.#port = port;
    }
    return this.#port;
  }

  /**
   * Associates an overlapped handle with the port and asks for no packet
   * when I/O completes at once
   * ([SetFileCompletionNotificationModes](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes)).
   * Throws a PipeError naming `call` on failure.
   */
  associate(native: number, call: string, pipeName: string | undefined): void {
    const { kernel32 } = this.#lib;
    const port = this.#handle(call);
    if (validHandle(kernel32.CreateIoCompletionPort(native, port, 0, 0)) === undefined) {
      throw lastError(this.#lib, call, pipeName);
    }
    check(this.#lib, kernel32.SetFileCompletionNotificationModes(native, SKIP_PORT_AND_EVENT), call, pipeName);
  }

  /** Waits for the completion of an operation that returned ERROR_IO_PENDING. */
  wait(op: PendingOperation): Promise<void> {
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
      const port = this.#handle("GetQueuedCompletionStatusEx");
      while (this.#pending.size > 0) {
        const ok = await this.#lib.offThread(
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
          if (op !== undefined) this.#settle(op, 0);
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
  #settle(op: PendingOperation, attempt: number): void {
    if (this.#pending.get(op.address) !== op) return;
    if (op.status !== STATUS_PENDING) {
      this.#pending.delete(op.address);
      op.resolve();
      if (this.#pending.size === 0 && this.#waiting && attempt > 0) {
        // Settled outside the waiter: wake it, or it would wait (and keep the process alive) for nothing.
        this.#lib.kernel32.PostQueuedCompletionStatus(this.#port!, 0, 0, null);
      }
      return;
    }
    if (attempt < 10) {
      // Unref'd: a recheck never keeps the process alive (a real completion still arrives through the port).
      this.#lib.unrefTimer(setTimeout(() => this.#settle(op, attempt + 1), 1 << attempt));
    }
  }
}
