/**
 * {@linkcode PendingOperation}: one overlapped operation in flight, and the
 * {@linkcode Completion} it ends with.
 *
 * @module
 */
import type { OverlappedRecord } from "./overlapped_pool.ts";
import { STATUS_PENDING } from "./structs.ts";

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
 * Internal is the status, InternalHigh the information), from the pool of
 * overlapped_pool.ts, and every buffer the kernel may still read or
 * write, referenced until the kernel has completed the operation.
 */
export class PendingOperation implements Completion {
  /** The OVERLAPPED; back in the pool once the operation has finished. */
  readonly record: OverlappedRecord;
  /** The memory the kernel may use until the operation completes. */
  readonly keep: readonly unknown[];
  /** The NTSTATUS, copied out of the OVERLAPPED by {@linkcode PendingOperation.finish}; STATUS_PENDING before. */
  status: number = STATUS_PENDING;
  /** Bytes transferred, copied out with the status. */
  information = 0;
  #done: Promise<PendingOperation> | undefined;
  #resolve: ((op: PendingOperation) => void) | undefined;
  #reject: ((err: unknown) => void) | undefined;

  constructor(record: OverlappedRecord, keep: readonly unknown[]) {
    this.record = record;
    this.keep = keep;
    // As kernel32 does before each overlapped call: in flight until the kernel says otherwise.
    record.words[0] = STATUS_PENDING;
  }

  /**
   * Settles with this operation (its own {@linkcode Completion}) once the
   * completion has been seen. The operation is its own outcome, so that a
   * pending call holds no more than this record and its promise: with many
   * connections, what each pending read keeps alive is what a server's
   * memory per connection is made of (docs/kernel32.md, "What a pending read
   * holds in the JavaScript heap"). Made when first asked for (by the port's
   * wait, once the call has pended): most calls complete at once and never
   * need it.
   */
  get done(): Promise<PendingOperation> {
    if (this.#done === undefined) {
      this.#done = this.finished ? Promise.resolve(this) : new Promise((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    }
    return this.#done;
  }

  /** Fails the operation's wait (the port itself failed). */
  reject(err: unknown): void {
    this.#reject?.(err);
  }

  /** The OVERLAPPED, to pass to the call (and to CancelIoEx while the operation is pending). */
  get overlapped(): Uint8Array<ArrayBuffer> {
    return this.record.bytes;
  }

  /** The OVERLAPPED's address: what the completion packet names. */
  get address(): number {
    return this.record.address;
  }

  /** Whether {@linkcode PendingOperation.finish} has run: the OVERLAPPED may belong to another operation now. */
  get finished(): boolean {
    return this.status !== STATUS_PENDING;
  }

  /**
   * OVERLAPPED.Internal as the kernel has stored it so far: STATUS_PENDING
   * while in flight. Read while the kernel may be storing it (from another
   * thread), so in one 32-bit load: read a byte at a time, a store landing
   * between two bytes gives a value that was never there (3 or 0x100 from
   * STATUS_PENDING and STATUS_SUCCESS; docs/kernel32.md, "Reading a status
   * the kernel is storing"). The load is an Atomics.load, so that nothing
   * read after it (the information, the data) is read before it: the kernel
   * stores the status last (Wine: a release store, paired with this
   * acquire as GetOverlappedResult's is).
   */
  storedStatus(): number {
    return Atomics.load(this.record.words, 0);
  }

  /** OVERLAPPED.InternalHigh as the kernel has stored it: bytes transferred (a ULONG_PTR). Read after the status. */
  storedInformation(): number {
    return this.record.words[2] + this.record.words[3] * 2 ** 32;
  }

  /**
   * Copies the outcome out of the OVERLAPPED (the kernel has stored a final
   * status) and settles {@linkcode PendingOperation.done}. Nothing of this
   * operation reads the OVERLAPPED afterwards, so its record can go back to
   * the pool.
   */
  finish(): void {
    this.status = this.storedStatus();
    this.information = this.storedInformation();
    this.#resolve?.(this);
  }
}
