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
export class PendingOperation implements Completion {
  /** OVERLAPPED: Internal, InternalHigh, Offset, OffsetHigh, hEvent (x64: 32 bytes); hEvent stays NULL. */
  readonly overlapped: Uint8Array<ArrayBuffer> = struct(OVERLAPPED_SIZE);
  /** The OVERLAPPED's address: what the completion packet names. */
  readonly address: number;
  /** The memory the kernel may use until the operation completes. */
  readonly keep: readonly unknown[];
  /**
   * Settles with this operation (its own {@linkcode Completion}) once the
   * completion has been seen. The operation is its own outcome, so that a
   * pending call holds no more than this record and its promise: with many
   * connections, what each pending read keeps alive is what a server's
   * memory per connection is made of (docs/kernel32.md, "What a pending read
   * holds in the JavaScript heap").
   */
  readonly done: Promise<PendingOperation>;
  #resolve!: (op: PendingOperation) => void;
  /** Fails the operation's wait (the port itself failed). */
  reject!: (err: unknown) => void;

  constructor(lib: Win32Library, keep: readonly unknown[]) {
    this.address = lib.addressOf(this.overlapped);
    this.keep = keep;
    // As kernel32 does before each overlapped call: in flight until the kernel says otherwise.
    writeUint32(this.overlapped, 0, STATUS_PENDING);
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.reject = reject;
    });
  }

  /** Settles {@linkcode PendingOperation.done}: the kernel is done with the operation. */
  resolve(): void {
    this.#resolve(this);
  }

  /** OVERLAPPED.Internal: the NTSTATUS (STATUS_PENDING while in flight). */
  get status(): number {
    return readUint32(this.overlapped, 0);
  }

  /** OVERLAPPED.InternalHigh: bytes transferred (a ULONG_PTR). */
  get information(): number {
    return readUint32(this.overlapped, 8) + readUint32(this.overlapped, 12) * 2 ** 32;
  }
}

/** The little-endian 32-bit value at `offset` (no DataView: one fewer object per pending operation). */
function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | bytes[offset + 1] << 8 | bytes[offset + 2] << 16 | bytes[offset + 3] << 24) >>> 0;
}

/** Stores `value` as a little-endian 32-bit value at `offset`. */
function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = value >>> 24;
}
