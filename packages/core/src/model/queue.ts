/**
 * One direction of a pipe instance: the data queue of the Windows named pipe
 * file system (NPFS), restated from the ReactOS reimplementation
 * (drivers/filesystems/npfs/datasup.c, readsup.c, writesup.c) and checked
 * against Wine's pipe tests, which were validated on real Windows.
 *
 * A queue holds either pending reads (readers waiting for data) or written
 * entries, never both: data that arrives while readers wait goes straight to
 * them. Written entries are, in order:
 *
 * - data entries: the bytes of one WriteFile (one message on a message pipe),
 *   possibly still owned by a pending write. Each carries a quota charge;
 *   a write stays pending until all its unread bytes are charged to the
 *   quota (the buffer size), which happens as readers free quota (S5, F46);
 * - unbuffered data entries: what TransactNamedPipe wrote and nobody read
 *   yet; they take no quota and never block (I64);
 * - flush markers: a pending FlushFileBuffers, completed once every entry
 *   ahead of it has been read (F46).
 *
 * The queue knows nothing about handles, states or error names: callers
 * decide what to do and pass the Win32 code to fail waiters with.
 *
 * @module
 */

/**
 * A pending write or flush parked in a queue.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface QueueWaiter {
  /**
   * The write's bytes are all charged to the quota (the data may still be
   * unread), or everything ahead of the flush marker has been read.
   */
  complete(): void;
  /** The queue was emptied by a close or a disconnect; `code` is the Win32 error. */
  fail(code: number): void;
}

/**
 * A pending ReadFile (or the read half of TransactNamedPipe).
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface ReadRequest {
  /** Where the data goes; its length is the number of bytes asked for. */
  readonly buffer: Uint8Array;
  /** Data arrived: `bytesRead` bytes were copied; `messageComplete` is false for ERROR_MORE_DATA. */
  complete(bytesRead: number, messageComplete: boolean): void;
  /** The queue was emptied by a close or a disconnect; `code` is the Win32 error. */
  fail(code: number): void;
}

interface DataEntry {
  readonly kind: "data";
  /** A private copy of the written bytes. */
  readonly bytes: Uint8Array;
  /** Bytes already read from the front of `bytes`. */
  offset: number;
  /** Unread bytes charged to the quota; at most the unread byte count. */
  charge: number;
  /** Written by TransactNamedPipe: takes no quota and has no waiter. */
  readonly unbuffered: boolean;
  /** The pending write that owns the bytes, until they are all charged. */
  waiter: QueueWaiter | undefined;
}

interface FlushMarker {
  readonly kind: "flush";
  readonly waiter: QueueWaiter;
}

/**
 * An entry of a {@linkcode DataQueue}; opaque outside this module.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export type QueueEntry = DataEntry | FlushMarker;

/**
 * What {@linkcode DataQueue.feedReaders} did with the written bytes.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface FeedResult {
  /** Bytes copied into waiting readers' buffers. */
  taken: number;
  /** True when the whole write was consumed (for a zero-length message: a reader took it). */
  delivered: boolean;
}

/**
 * What a read took out of the queue.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface QueueReadResult {
  /** Bytes copied into the buffer. */
  bytesRead: number;
  /** False when the current message continues beyond the buffer (ERROR_MORE_DATA). */
  messageComplete: boolean;
}

function unread(entry: DataEntry): number {
  return entry.bytes.length - entry.offset;
}

/**
 * One direction of a pipe instance, with its quota (the buffer size).
 *
 * @example
 * ```ts
 * import { DataQueue } from "@winpipe/core/internal";
 * const queue = new DataQueue(4096);
 * queue.freeQuota; // 4096
 * queue.isEmpty; // true
 * ```
 */
export class DataQueue {
  /** The quota in bytes: nInBufferSize or nOutBufferSize, or the CreatePipe size. */
  readonly quota: number;
  #used = 0;
  readonly #entries: QueueEntry[] = [];
  readonly #readers: ReadRequest[] = [];

  /** An empty queue with `quota` bytes of buffer. */
  constructor(quota: number) {
    this.quota = quota;
  }

  /** Quota not charged to any entry. */
  get freeQuota(): number {
    return this.quota - this.#used;
  }

  /** Written entries are queued (NPFS: the queue holds write entries). */
  get hasData(): boolean {
    return this.#entries.length > 0;
  }

  /** Reads are waiting (NPFS: the queue holds read entries). */
  get hasReaders(): boolean {
    return this.#readers.length > 0;
  }

  /** Neither data nor waiting readers. */
  get isEmpty(): boolean {
    return this.#entries.length === 0 && this.#readers.length === 0;
  }

  /** The bytes the waiting readers asked for, in total. */
  get pendingReadBytes(): number {
    let total = 0;
    for (const reader of this.#readers) total += reader.buffer.length;
    return total;
  }

  /** Unread bytes of every entry, pending writes included (PeekNamedPipe's lpTotalBytesAvail). */
  get bytesAvailable(): number {
    let total = 0;
    for (const entry of this.#entries) if (entry.kind === "data") total += unread(entry);
    return total;
  }

  /** Unread bytes of the first entry: what is left of the current message on a message pipe. */
  get headMessageLength(): number {
    const head = this.#firstData();
    return head === undefined ? 0 : unread(head);
  }

  /** Parks a pending read at the end of the line (H56: readers are served in issue order). */
  addReader(reader: ReadRequest): void {
    this.#readers.push(reader);
  }

  /** Withdraws a pending read (cancellation). */
  removeReader(reader: ReadRequest): void {
    const at = this.#readers.indexOf(reader);
    if (at >= 0) this.#readers.splice(at, 1);
  }

  /**
   * Hands written bytes to the waiting readers, first come first served
   * (NpWriteDataQueue). A reader whose buffer is smaller than what is left
   * completes with its buffer full: in message read mode that is a partial
   * message (ERROR_MORE_DATA, D32) and the next reader gets the rest of the
   * same message. A zero-length message completes exactly one reader with
   * 0 bytes (D33).
   *
   * @param zeroLengthIsMessage true on message-type pipes, where a 0-byte write is a message.
   * @param readerMessageMode the reading end's read mode (TransactNamedPipe passes true).
   */
  feedReaders(data: Uint8Array, zeroLengthIsMessage: boolean, readerMessageMode: boolean): FeedResult {
    let taken = 0;
    let zeroLengthMessage = zeroLengthIsMessage && data.length === 0;
    while (this.#readers.length > 0 && (taken < data.length || zeroLengthMessage)) {
      const reader = this.#readers.shift()!;
      const n = Math.min(data.length - taken, reader.buffer.length);
      reader.buffer.set(data.subarray(taken, taken + n));
      taken += n;
      if (taken === data.length) {
        zeroLengthMessage = false;
        reader.complete(n, true);
      } else {
        reader.complete(n, !readerMessageMode);
      }
    }
    return { taken, delivered: taken === data.length && !zeroLengthMessage };
  }

  /**
   * Queues written bytes that no reader took. They are charged to the free
   * quota; what does not fit leaves the write pending (`pending: true`) with
   * `waiter` told once the rest is charged. Unbuffered entries (the write
   * half of TransactNamedPipe) take no quota and never pend.
   */
  append(
    bytes: Uint8Array,
    options: { waiter?: QueueWaiter; unbuffered?: boolean } = {},
  ): { entry: QueueEntry; pending: boolean } {
    const unbuffered = options.unbuffered ?? false;
    const entry: DataEntry = {
      kind: "data",
      bytes: bytes.slice(),
      offset: 0,
      charge: 0,
      unbuffered,
      waiter: undefined,
    };
    if (!unbuffered) {
      entry.charge = Math.min(bytes.length, this.freeQuota);
      this.#used += entry.charge;
    }
    const pending = !unbuffered && entry.charge < bytes.length;
    if (pending) entry.waiter = options.waiter;
    this.#entries.push(entry);
    return { entry, pending };
  }

  /** Parks a FlushFileBuffers behind everything queued now. Only call it while {@linkcode hasData}. */
  addFlush(waiter: QueueWaiter): QueueEntry {
    const marker: FlushMarker = { kind: "flush", waiter };
    this.#entries.push(marker);
    return marker;
  }

  /**
   * Withdraws a pending write or flush (cancellation). A cancelled write
   * takes its unread bytes with it, even when a reader already took part of
   * them (H58); the quota it held goes to the writes behind it.
   */
  removeEntry(entry: QueueEntry): void {
    const at = this.#entries.indexOf(entry);
    if (at < 0) return;
    this.#entries.splice(at, 1);
    if (entry.kind === "data") this.#used -= entry.charge;
    this.#completeLeadingFlushes();
    this.#chargeStalledWrites();
  }

  /**
   * ReadFile on queued data (NpReadDataQueue). Byte read mode reads across
   * entries until the buffer is full (C21, D27); message read mode reads at
   * most one message and reports a partial one (D26, D31). Both read from
   * pending writes too, and the quota they free lets pending writes
   * complete.
   *
   * A 0-byte buffer looks at the first message only: in message read mode a
   * non-empty message gives ERROR_MORE_DATA with 0 bytes and stays queued
   * (D34, Windows 8 and later; older versions succeeded), a zero-length
   * message is consumed.
   */
  read(buffer: Uint8Array, messageReadMode: boolean): QueueReadResult {
    this.#completeLeadingFlushes();
    let copied = 0;
    let messageComplete = true;
    for (;;) {
      const head = this.#entries[0];
      if (head === undefined || head.kind !== "data") break;
      const n = Math.min(unread(head), buffer.length - copied);
      buffer.set(head.bytes.subarray(head.offset, head.offset + n), copied);
      copied += n;
      this.#consume(head, n);
      if (unread(head) > 0) {
        // The buffer is full inside this entry.
        messageComplete = !messageReadMode;
        break;
      }
      this.#removeHead();
      if (messageReadMode || copied === buffer.length) break;
    }
    this.#chargeStalledWrites();
    return { bytesRead: copied, messageComplete };
  }

  /**
   * PeekNamedPipe's copy: the unread bytes, pending writes included, without
   * consuming them. On a message-type pipe it stops at the end of the first
   * message (the pipe type decides here, not the read mode).
   */
  peek(buffer: Uint8Array, messageType: boolean): number {
    let copied = 0;
    for (const entry of this.#entries) {
      if (entry.kind !== "data") continue;
      if (copied === buffer.length) break;
      const n = Math.min(unread(entry), buffer.length - copied);
      buffer.set(entry.bytes.subarray(entry.offset, entry.offset + n), copied);
      copied += n;
      if (messageType) break;
    }
    return copied;
  }

  /**
   * Empties the queue: waiting readers, pending writes and flushes fail with
   * `code`; buffered data is discarded (DisconnectNamedPipe, B14; the last
   * close of the reading end, G53).
   */
  clear(code: number): void {
    const readers = this.#readers.splice(0);
    const entries = this.#entries.splice(0);
    this.#used = 0;
    for (const reader of readers) reader.fail(code);
    for (const entry of entries) entry.waiter?.fail(code);
  }

  /** Fails the waiting readers only; queued data stays (the writing end closed, G55). */
  failReaders(code: number): void {
    for (const reader of this.#readers.splice(0)) reader.fail(code);
  }

  #firstData(): DataEntry | undefined {
    for (const entry of this.#entries) if (entry.kind === "data") return entry;
    return undefined;
  }

  #consume(entry: DataEntry, n: number): void {
    entry.offset += n;
    if (entry.unbuffered) return;
    // Read bytes give their charge back. A pending write may have bytes
    // that were never charged; reading those frees nothing.
    const released = Math.min(n, entry.charge);
    entry.charge -= released;
    this.#used -= released;
  }

  #removeHead(): void {
    const head = this.#entries.shift();
    if (head?.kind === "data") {
      this.#used -= head.charge;
      // A pending write whose bytes were all read completes with its full count.
      const waiter = head.waiter;
      head.waiter = undefined;
      waiter?.complete();
    }
    this.#completeLeadingFlushes();
  }

  /** Flush markers with nothing ahead of them are done (F46). */
  #completeLeadingFlushes(): void {
    while (this.#entries[0]?.kind === "flush") {
      const marker = this.#entries.shift() as FlushMarker;
      marker.waiter.complete();
    }
  }

  /**
   * Hands free quota to pending writes in queue order (NpCompleteStalledWrites);
   * a write whose unread bytes are all charged completes. So a pending write
   * completes once it and everything ahead of it fit in the quota.
   */
  #chargeStalledWrites(): void {
    let free = this.quota - this.#used;
    for (const entry of this.#entries) {
      if (entry.kind !== "data" || entry.waiter === undefined) continue;
      const give = Math.min(unread(entry) - entry.charge, free);
      entry.charge += give;
      free -= give;
      this.#used += give;
      if (entry.charge === unread(entry)) {
        const waiter = entry.waiter;
        entry.waiter = undefined;
        waiter.complete();
      }
    }
  }
}
