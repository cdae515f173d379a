/**
 * {@linkcode WritePump}: how a writable keeps several writes in flight and,
 * on a byte pipe, gathers small chunks into one write.
 *
 * @module
 */
import type { PipeConnection, PipeWriter } from "@winpipe/core";
import { afterThisTask, onBeforeClose, writeOwned } from "@winpipe/core/internal";
import { GatherBuffer } from "./gather_buffer.ts";

/**
 * What gathering on a byte pipe works with. `small`: a chunk smaller than
 * the pipe's buffer, clamped to this range, is small: the small chunks a
 * producer writes in one turn of the event loop are gathered even while a
 * write slot is free (frames; Node's writev of a socket's queue works in
 * 64 KiB too). `max`: the most bytes one gathered write holds by default
 * (`writableTo`'s default is four small chunks, up to this). While a write
 * is pending, chunks up to half a gather are gathered, since one 256 KiB WriteFile
 * costs the kernel one operation where four 64 KiB ones cost four (under
 * Wine each is a wineserver request): measured in docs/benchmarks.md
 * ("Streams: larger writes and reads while data waits").
 */
export const GATHER_LIMITS = { small: { min: 4096, max: 65536 }, max: 256 * 1024 } as const;

/** A write waiting for a free slot, and the promise its acceptance waits on. */
interface Waiting {
  data: Uint8Array;
  /** Whether `data` came from the gather (its memory goes back to it once its write has settled). */
  gathered: boolean;
  issued: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes chunks to a handle with up to `slots` WriteFiles pending at once,
 * in the order they were given. A chunk is *accepted* once its WriteFile has
 * been issued (the backend copies the bytes during the call, so the caller
 * may reuse its memory) or, on a byte pipe, once it was copied into the
 * gather; the kernel completes the writes later, and a failure is reported
 * to `onFailure` (the stream errors) and by every later call. A gather is
 * this pump's own memory, which nothing outside it can reach: it goes to the
 * kernel as it is (`writeOwned` of @winpipe/core/internal) instead of being
 * copied again, and is gathered into again only once its write has settled.
 *
 * Gathering (byte pipes, {@linkcode GATHER_LIMITS}):
 * - while a write is pending, the chunks given meanwhile (up to half a
 *   gather each; a larger one is written on its own) are copied into one
 *   gather of up to `gatherLimit` bytes, written as one WriteFile once it is
 *   full (in a free slot, or when one frees, the producer waiting with it)
 *   or once no write is pending any more: a producer that outpaces the pipe
 *   makes a few large writes instead of many small ones, as Node's writev
 *   does with a socket's queue. A gather that is not full does not take a
 *   free slot while another write is pending (the kernel still has bytes
 *   for the reader), so the writes stay as large as the producer makes
 *   them;
 * - the first small chunk of a turn of the event loop is issued at once when
 *   no write is pending, so a lone write (a request) costs no latency; small
 *   chunks given after it in the same turn are gathered too, and written
 *   when the gather is full or the turn ends (`setImmediate`) with a slot
 *   free, whichever comes first: a producer writing many frames makes one
 *   WriteFile per gather.
 *
 * Held on the writing side at most: `slots` writes in the kernel (each up to
 * a gather) and one gather, being filled or, once full, waiting for a slot
 * while the producer waits with it.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { WritePump } from "./write_pump.ts";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe({ bufferSize: 65536 });
 * const pump = new WritePump(pipe.writer, { slots: 2, smallChunk: 65536, gatherLimit: 262144, onFailure: console.error });
 * for (let i = 0; i < 100; i++) await pump.write(new Uint8Array([i])); // one WriteFile, then one for the other 99
 * await pump.drain(); // every byte is in the pipe
 * ```
 */
export class WritePump {
  readonly #handle: PipeConnection | PipeWriter;
  readonly #slots: number;
  /** Chunks smaller than this are gathered within a turn even while a slot is free. */
  readonly #smallChunk: number;
  /** Undefined on a message pipe (no gathering: each write is a message). */
  readonly #gather: GatherBuffer | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onFailure: (error: unknown) => void;
  #inFlight = 0;
  readonly #waiting: Waiting[] = [];
  /** True from a small chunk's write until the end of that turn of the event loop. */
  #inTurn = false;
  #failure: { error: unknown } | undefined;
  /** Unregisters the before-close hook, once the stream is done with the handle. */
  readonly #unhook: () => void;
  /** Called whenever a write settles (drain and settle wait on them). */
  #onSettled: (() => void)[] = [];

  constructor(handle: PipeConnection | PipeWriter, options: {
    slots: number;
    /** 0 on a message pipe. */
    smallChunk: number;
    /** The most bytes one gathered write holds; 0 on a message pipe. */
    gatherLimit: number;
    signal?: AbortSignal;
    onFailure: (error: unknown) => void;
  }) {
    this.#handle = handle;
    this.#slots = options.slots;
    this.#smallChunk = options.smallChunk;
    this.#gather = options.gatherLimit > 0 ? new GatherBuffer(options.gatherLimit, options.slots) : undefined;
    this.#signal = options.signal;
    this.#onFailure = options.onFailure;
    // Whoever closes the handle (this stream's close, a readable's cancel, the
    // caller), what was accepted and not yet issued goes to WriteFile first.
    this.#unhook = onBeforeClose(handle, () => this.#issueAll());
  }

  /**
   * Accepts `bytes`: undefined when they were issued or gathered at once,
   * else a promise that resolves once they are; throws (or rejects) with an
   * earlier write's failure.
   */
  write(bytes: Uint8Array): Promise<void> | undefined {
    this.#check();
    const gather = this.#gather;
    if (gather === undefined) return this.#enqueue(bytes, false);
    if (bytes.length === 0) return; // a byte pipe has no zero-length write
    const small = bytes.length < this.#smallChunk;
    // Written at once when nothing is ahead and the kernel has nothing of ours, or the chunk is more than half a
    // gather (gathering it would buy nothing). While a write is pending the kernel has bytes to give the reader,
    // so a smaller chunk is gathered instead of going out as a small WriteFile of its own.
    const alone = this.#inFlight === 0 || bytes.length * 2 > gather.limit;
    if (gather.length === 0 && this.#slotFree && alone && !(small && this.#inTurn)) {
      // (A small chunk opens a turn that gathers the next ones.)
      if (small) this.#startTurn();
      this.#issue(bytes, false);
      return;
    }
    if (!gather.fits(bytes.length)) return this.#writeWhenGathered(gather, bytes, small);
    this.#gathered(gather, bytes, small);
  }

  /** {@linkcode WritePump.write} of bytes that do not fit in the gather: after it, or alone if too large. */
  async #writeWhenGathered(gather: GatherBuffer, bytes: Uint8Array, small: boolean): Promise<void> {
    // Backpressure: a full gather that must wait for a slot holds the producer with it.
    await this.#flushGather();
    this.#check();
    if (bytes.length > gather.limit) return await this.#enqueue(bytes, false); // too large to gather: alone, in order
    this.#gathered(gather, bytes, small);
  }

  /** Copies `bytes` into the gather (accepted before it is written: the caller may reuse its memory). */
  #gathered(gather: GatherBuffer, bytes: Uint8Array, small: boolean): void {
    gather.append(bytes);
    if (small) this.#startTurn();
    else if (this.#slotFree && this.#gatherDue) void this.#flushGather();
  }

  /**
   * Whether the gather should go to a free slot now rather than wait for more: when no write is
   * pending (the kernel would have nothing of ours), or when it is full. A partial gather waits
   * while a write is pending: each WriteFile is one kernel operation (under Wine a wineserver
   * request) whatever its size, and partial gathers sent as a slot freed made a third to a half
   * of a fast producer's writes 64 or 128 KiB instead of 256 (docs/benchmarks.md, "Gathers that
   * wait to fill").
   */
  get #gatherDue(): boolean {
    return this.#inFlight === 0 || this.#gather!.full;
  }

  /** Writes what is gathered, waits until the kernel completed every write, then reports a failure. */
  async drain(): Promise<void> {
    void this.#flushGather();
    while (this.#inFlight > 0 || this.#waiting.length > 0) await this.#settled();
    this.#unhook();
    this.#check();
  }

  /** abort(): drops what was not issued and waits for the writes in flight (their signal cancelled them). */
  async settle(reason: unknown): Promise<void> {
    this.#drop(reason);
    this.#unhook();
    while (this.#inFlight > 0) await this.#settled();
  }

  /** Whether a write issued now goes to the kernel at once: a slot is free and nothing waits for one. */
  get #slotFree(): boolean {
    return this.#inFlight < this.#slots && this.#waiting.length === 0;
  }

  #check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  #settled(): Promise<void> {
    return new Promise((resolve) => this.#onSettled.push(resolve));
  }

  /** Resolves once `data`'s WriteFile was issued, in order behind the writes already waiting. */
  #enqueue(data: Uint8Array, gathered: boolean): Promise<void> {
    if (this.#slotFree) {
      this.#issue(data, gathered);
      return Promise.resolve();
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const issued = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    issued.catch(() => {}); // a dropped write rejects whether or not anyone waits on it
    this.#waiting.push({ data, gathered, issued, resolve, reject });
    return issued;
  }

  #issue(data: Uint8Array, gathered: boolean): void {
    this.#inFlight++;
    // A gather's memory is handed to the kernel until the write settles; a chunk written alone is the caller's,
    // which write() copies during the call (docs/buffer-ownership.md).
    const gather = gathered ? data as Uint8Array<ArrayBuffer> : undefined;
    const writing = gather === undefined
      ? this.#handle.write(data, { signal: this.#signal })
      : writeOwned(this.#handle, gather, this.#signal);
    writing.then(
      () => this.#completed(gather),
      (error) => {
        if (!this.#failure) {
          this.#failure = { error };
          this.#drop(error);
          this.#onFailure(error);
        }
        this.#completed(gather);
      },
    );
  }

  /** A write has settled; `gather`, the gather it wrote from, if any, may be gathered into again. */
  #completed(gather: Uint8Array<ArrayBuffer> | undefined): void {
    if (gather !== undefined) this.#gather!.recycle(gather);
    this.#inFlight--;
    while (this.#inFlight < this.#slots && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      this.#issue(next.data, next.gathered);
      next.resolve();
    }
    // A slot is free: what was gathered while they were busy goes now if it is due, unless a turn still gathers
    // frames.
    if (!this.#inTurn && this.#inFlight < this.#slots && this.#gather !== undefined && this.#gatherDue) {
      void this.#flushGather();
    }
    // Idle (nothing in flight, waiting or gathered): the gather's reusable buffer goes, up to 256 KiB per stream.
    if (this.#inFlight === 0 && this.#waiting.length === 0 && this.#gather?.length === 0) this.#gather.release();
    const waiters = this.#onSettled;
    this.#onSettled = [];
    for (const wake of waiters) wake();
  }

  /** Issues every accepted byte now, beyond the slots: the handle is about to close. */
  #issueAll(): void {
    void this.#flushGather();
    for (const next of this.#waiting.splice(0)) {
      this.#issue(next.data, next.gathered);
      next.resolve();
    }
  }

  /** Moves the gather into one write; resolves once it was issued. */
  #flushGather(): Promise<void> {
    const gather = this.#gather;
    if (gather === undefined || gather.length === 0 || this.#failure) return Promise.resolve();
    return this.#enqueue(gather.take(), true);
  }

  /** The turn of the event loop in which small chunks are gathered: at its end the gather is written. */
  #startTurn(): void {
    if (this.#inTurn) return;
    this.#inTurn = true;
    // Not a MessageChannel message: Deno delivers one on a reused channel within a few microtasks, before the
    // producer's loop has ended, and on any channel once node:worker_threads is loaded
    // (bench/profile/event_loop_turns.ts).
    afterThisTask(() => {
      this.#inTurn = false;
      if (this.#inFlight < this.#slots) void this.#flushGather(); // else the next free slot takes it
    });
  }

  #drop(reason: unknown): void {
    if (this.#gather !== undefined && this.#gather.length > 0) this.#gather.take();
    for (const waiting of this.#waiting.splice(0)) waiting.reject(reason);
  }
}
