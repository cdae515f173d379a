/**
 * {@linkcode PendingOperation}: one overlapped operation in flight, and the
 * {@linkcode Completion} it ends with.
 *
 * @module
 */
import type { Win32Library } from "./binding.ts";
import { OVERLAPPED_SIZE, STATUS_PENDING, struct } from "./structs.ts";

/** How a waiting call ended: an NTSTATUS, or a Win32 code when the call reported one at once. */
export interface Completion {
  /** The NTSTATUS (when `code` is undefined). */
  status: number;
  /** The Win32 code GetLastError gave right after a call that completed at once (0: success). */
  code?: number;
  /** Bytes transferred. */
  information: number;
}

/**
 * One overlapped operation: its OVERLAPPED (also used as an IO_STATUS_BLOCK:
 * Internal is the status, InternalHigh the information) and every buffer the
 * kernel may still read or write, referenced until the kernel has completed
 * the operation.
 */
export class PendingOperation {
  /** OVERLAPPED: Internal, InternalHigh, Offset, OffsetHigh, hEvent (x64: 32 bytes); hEvent stays NULL. */
  readonly overlapped: Uint8Array<ArrayBuffer> = struct(OVERLAPPED_SIZE);
  readonly #view: DataView = new DataView(this.overlapped.buffer);
  /** The OVERLAPPED's address: what the completion packet names. */
  readonly address: number;
  /** The memory the kernel may use until the operation completes. */
  readonly keep: readonly unknown[];
  /** Settles once the completion has been seen. */
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor(lib: Win32Library, keep: readonly unknown[]) {
    this.address = lib.addressOf(this.overlapped);
    this.keep = keep;
    // As kernel32 does before each overlapped call: in flight until the kernel says otherwise.
    this.#view.setUint32(0, STATUS_PENDING, true);
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** OVERLAPPED.Internal: the NTSTATUS (STATUS_PENDING while in flight). */
  get status(): number {
    return this.#view.getUint32(0, true);
  }

  /** OVERLAPPED.InternalHigh: bytes transferred. */
  get information(): number {
    return Number(this.#view.getBigUint64(8, true));
  }
}
