/**
 * {@linkcode ReadDelivery}: how a handle's reads hand their bytes over,
 * so that no pending read uses memory the caller can take away
 * (docs/buffer-ownership.md).
 *
 * @module
 */
import type { KernelHandle, PipeKernel, ReadData } from "../port.ts";
import { isDetached } from "../validate.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { PipeMode } from "./modes.ts";

/**
 * What a read into the caller's buffer delivered.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ReadResult } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\read-result`;
 * await using server = createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await connect(name);
 * await using conn = await accepted;
 * await client.write(new Uint8Array(10));
 * const result: ReadResult | null = await conn.read(new Uint8Array(4));
 * result; // { bytesRead: 4, messageComplete: false }
 * ```
 */
export interface ReadResult {
  /** Bytes copied into the buffer. */
  bytesRead: number;
  /**
   * False when the kernel reported ERROR_MORE_DATA: the buffer held only
   * part of a message and the rest is still in the pipe. Always true in byte
   * read mode.
   */
  messageComplete: boolean;
}

/** The bytes kept from an undelivered read, as PeekNamedPipe would show them. */
export interface KeptPeek {
  /** Bytes that can be read now: the kept ones and what the kernel has behind them. */
  bytesAvailable: number;
  /** Unread bytes of the current message (0 in byte read mode). */
  bytesLeftInMessage: number;
  /** A copy of the kept bytes (up to the `maxBytes` asked for). */
  data: Uint8Array;
}

/**
 * The reads of one handle. The kernel reads into memory its backend owns
 * and hands it over; a read into the caller's buffer copies it there when
 * it has completed. If that buffer was detached or shrunk meanwhile, the
 * bytes are kept ("unclaimed") and the next read returns them first.
 */
export class ReadDelivery {
  readonly #kernel: PipeKernel;
  readonly #handle: KernelHandle;
  readonly #readMode: () => PipeMode;
  /**
   * Bytes a read took from the kernel but could not deliver, because the
   * caller's buffer was detached or shrunk while the read was pending: the
   * next read returns them first, so nothing the peer wrote is lost.
   */
  #unclaimed: ReadData | undefined;

  /** `readMode` tells the handle's read mode when it matters (it costs a system call). */
  constructor(kernel: PipeKernel, handle: KernelHandle, readMode: () => PipeMode) {
    this.#kernel = kernel;
    this.#handle = handle;
    this.#readMode = readMode;
  }

  /**
   * Reads up to `length` bytes (ReadFile) and hands them over in a new
   * Uint8Array: the bytes a previous read could not deliver first, otherwise
   * what the kernel reads into memory its backend owns while the read is
   * pending. Resolves with null at the end of the data (ERROR_BROKEN_PIPE).
   */
  read(length: number, signal: AbortSignal | undefined): Promise<ReadData | null> {
    // A promise chain, not an async function: no suspended frame per pending read.
    const unclaimed = this.#claimable(signal);
    if (unclaimed !== undefined) return Promise.resolve(this.#takeUnclaimed(unclaimed, length));
    return this.#kernelRead(length, signal).then(undefined, endOfData);
  }

  /**
   * The kernel's ReadFile of up to `length` bytes (into `into` if the
   * backend reads into shared memory: see the port's `read`); an abort by
   * `signal` becomes its AbortError.
   */
  #kernelRead(length: number, signal: AbortSignal | undefined, into?: Uint8Array): Promise<ReadData> {
    return cancellable(signal, () => this.#kernel.read(this.#handle, length, signal, into));
  }

  /**
   * Reads into the caller's `buffer`: {@linkcode ReadDelivery.read}, then
   * one copy, made when the data has arrived. If `buffer` was detached or
   * shrunk meanwhile and cannot hold it, the bytes are kept for the next
   * read and this throws a TypeError. A backend may read into `buffer`
   * itself when its memory is shared (a SharedArrayBuffer's): then there is
   * no copy to make.
   */
  readInto(buffer: Uint8Array, signal: AbortSignal | undefined): Promise<ReadResult | null> {
    // One promise chain, not an async function: no suspended frame per pending read, and the end of
    // the data handled in the same step as the copy.
    if (this.#claimable(signal) !== undefined) {
      return this.read(buffer.length, signal).then((data) => this.#deliver(data, buffer));
    }
    return this.#kernelRead(buffer.length, signal, buffer).then((data) => this.#deliver(data, buffer), endOfData);
  }

  /** The copy {@linkcode ReadDelivery.readInto} makes once the data has arrived (none if it arrived in `buffer`). */
  #deliver(data: ReadData | null, buffer: Uint8Array): ReadResult | null {
    if (data === null) return null;
    const { bytes, messageComplete } = data;
    if (bytes.buffer === buffer.buffer && bytes.byteOffset === buffer.byteOffset) {
      return { bytesRead: bytes.length, messageComplete };
    }
    if (bytes.length > buffer.length) {
      this.#putBack(data);
      throw new TypeError(
        `read: the buffer was ${isDetached(buffer) ? "detached" : "shrunk"} while the read was pending; ` +
          `the ${bytes.length} bytes read are kept and the next read returns them`,
      );
    }
    buffer.set(bytes);
    data.release?.();
    return { bytesRead: bytes.length, messageComplete };
  }

  /**
   * Reads into the caller's `buffer` in the calling thread (the kernel's
   * readSync, which uses `buffer` directly: the thread waits until the
   * kernel is done). The bytes a previous read could not deliver come first.
   * Returns null at the end of the data (ERROR_BROKEN_PIPE).
   */
  readIntoSync(buffer: Uint8Array): ReadResult | null {
    const unclaimed = this.#claimable(undefined);
    if (unclaimed !== undefined) {
      const data = this.#takeUnclaimed(unclaimed, buffer.length);
      buffer.set(data.bytes);
      return { bytesRead: data.bytes.length, messageComplete: data.messageComplete };
    }
    try {
      return this.#kernel.readSync(this.#handle, buffer);
    } catch (err) {
      if (behaviourOf("read", err) === "end-of-data") return null;
      throw err;
    }
  }

  /**
   * The bytes no read could deliver yet, if a read may take them now: not
   * once the handle is closed (its read fails as any read of a closed handle
   * does) nor when `signal` has aborted (the read rejects with its reason).
   */
  #claimable(signal: AbortSignal | undefined): ReadData | undefined {
    return this.#handle.closed || signal?.aborted ? undefined : this.#unclaimed;
  }

  /** Up to `length` of the bytes no read could deliver yet. */
  #takeUnclaimed(unclaimed: ReadData, length: number): ReadData {
    if (length >= unclaimed.bytes.length) {
      this.#unclaimed = undefined;
      return unclaimed;
    }
    this.#unclaimed = { bytes: unclaimed.bytes.subarray(length), messageComplete: unclaimed.messageComplete };
    // A part of a message leaves the rest to read (ERROR_MORE_DATA); byte read mode has no messages.
    const messageReadMode = !unclaimed.messageComplete || this.#readMode() === "message";
    // A copy: what is handed over may be kept, and shares no memory with the bytes still kept here.
    return { bytes: unclaimed.bytes.slice(0, length), messageComplete: !messageReadMode };
  }

  /** Keeps `data` for the next read, ahead of anything kept before. */
  #putBack(data: ReadData): void {
    const later = this.#unclaimed;
    if (later === undefined) {
      this.#unclaimed = data;
      return;
    }
    const bytes = new Uint8Array(data.bytes.length + later.bytes.length);
    bytes.set(data.bytes);
    bytes.set(later.bytes, data.bytes.length);
    this.#unclaimed = { bytes, messageComplete: later.messageComplete };
  }

  /** What peek shows while bytes are kept: the kept bytes, then the kernel's counts behind them; undefined when none are kept. */
  peekKept(maxBytes: number): KeptPeek | undefined {
    const unclaimed = this.#unclaimed;
    if (unclaimed === undefined) return undefined;
    const { bytes, messageComplete } = unclaimed;
    let behind = { bytesAvailable: 0, bytesLeftInMessage: 0 };
    try {
      behind = this.#kernel.peek(this.#handle);
    } catch {
      // The other end is gone (or the like): the kept bytes are all there is.
    }
    const inMessage = !messageComplete ? bytes.length + behind.bytesLeftInMessage : bytes.length;
    return {
      bytesAvailable: bytes.length + behind.bytesAvailable,
      bytesLeftInMessage: messageComplete && this.#readMode() === "byte" ? 0 : inMessage,
      data: bytes.slice(0, maxBytes),
    };
  }
}

/** A read's failure: null at the end of the data (ERROR_BROKEN_PIPE), else the error itself. */
function endOfData(err: unknown): null {
  if (behaviourOf("read", err) === "end-of-data") return null;
  throw err;
}
