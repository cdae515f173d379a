/**
 * {@linkcode WritePump}: how a writable keeps several writes in flight and,
 * on a byte pipe, gathers small chunks into one write.
 *
 * @module
 */
import type { PipeConnection, PipeWriter } from "@winpipe/core";
import { concatBytes, onBeforeClose } from "@winpipe/core/internal";

/**
 * The most bytes gathered into one write on a byte pipe (Node's writev of a
 * socket's queue and libuv's pipe reads work in 64 KiB too), and the least:
 * a gather holds at most the pipe's buffer, clamped to this range, since a
 * larger write would only wait for the reader. A chunk of the gather's size
 * or more is written on its own.
 */
export const GATHER_LIMITS = { min: 4096, max: 65536 } as const;

/**
 * Runs `callback` once the current task and its microtasks are over:
 * `setImmediate`, which Deno 2, Bun and Node all have (Deno's type library
 * does not declare it). Not a MessageChannel message: Deno delivers a
 * message on a reused channel within a few microtasks, before the producer's
 * loop has ended, and on any channel once node:worker_threads is loaded
 * (measured, bench/profile/event_loop_turns.ts); not `setTimeout(0)`, which
 * waits 1-2 ms.
 */
const afterThisTask: (callback: () => void) => unknown =
  (globalThis as unknown as { setImmediate: (callback: () => void) => unknown }).setImmediate;

/** A write waiting for a free slot, and the promise its acceptance waits on. */
interface Waiting {
  data: Uint8Array;
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
 * to `onFailure` (the stream errors) and by every later call.
 *
 * Gathering (byte pipes): the first small chunk of a turn of the event loop
 * is issued at once, so a lone write (a request) costs no latency; small
 * chunks given after it in the same turn are copied into one buffer of up to
 * the pipe's buffer (within {@linkcode GATHER_LIMITS}), which is written when
 * it is full or when the turn ends (`setImmediate`), whichever comes first:
 * a producer writing many frames makes one WriteFile per buffer, as Node's
 * writev does.
 *
 * Held on the writing side at most: `slots` writes in the kernel and one
 * gather (and the chunk being accepted).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { WritePump } from "./write_pump.ts";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe({ bufferSize: 65536 });
 * const pump = new WritePump(pipe.writer, { slots: 2, gatherLimit: 65536, onFailure: console.error });
 * for (let i = 0; i < 100; i++) await pump.write(new Uint8Array([i])); // one WriteFile, then one for the other 99
 * await pump.drain(); // every byte is in the pipe
 * ```
 */
export class WritePump {
  readonly #handle: PipeConnection | PipeWriter;
  readonly #slots: number;
  /** The gather's size; 0 on a message pipe (no gathering). */
  readonly #gatherLimit: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onFailure: (error: unknown) => void;
  #inFlight = 0;
  readonly #waiting: Waiting[] = [];
  #gather: Uint8Array[] = [];
  #gatherBytes = 0;
  /** True from a small chunk's write until the end of that turn of the event loop. */
  #inTurn = false;
  #failure: { error: unknown } | undefined;
  /** Unregisters the before-close hook, once the stream is done with the handle. */
  readonly #unhook: () => void;
  /** Called whenever a write settles (drain and settle wait on them). */
  #onSettled: (() => void)[] = [];

  constructor(handle: PipeConnection | PipeWriter, options: {
    slots: number;
    gatherLimit: number;
    signal?: AbortSignal;
    onFailure: (error: unknown) => void;
  }) {
    this.#handle = handle;
    this.#slots = options.slots;
    this.#gatherLimit = options.gatherLimit;
    this.#signal = options.signal;
    this.#onFailure = options.onFailure;
    // Whoever closes the handle (this stream's close, a readable's cancel, the
    // caller), what was accepted and not yet issued goes to WriteFile first.
    this.#unhook = onBeforeClose(handle, () => this.#issueAll());
  }

  /** Accepts `bytes`: resolves once they are issued or gathered; rejects with an earlier write's failure. */
  async write(bytes: Uint8Array): Promise<void> {
    this.#check();
    if (bytes.length >= this.#gatherLimit) {
      void this.#flushGather(); // in order, ahead of this chunk
      await this.#enqueue(bytes);
      return;
    }
    if (bytes.length === 0) return; // a byte pipe has no zero-length write
    if (!this.#inTurn && this.#gatherBytes === 0 && this.#waiting.length === 0) {
      this.#startTurn();
      await this.#enqueue(bytes);
      return;
    }
    if (this.#gatherBytes + bytes.length > this.#gatherLimit) {
      // Backpressure: a full gather that must wait for a slot holds the producer with it.
      await this.#flushGather();
      this.#check();
    }
    this.#gather.push(bytes.slice()); // accepted before it is written: the caller may reuse its memory
    this.#gatherBytes += bytes.length;
    this.#startTurn();
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

  #check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  #settled(): Promise<void> {
    return new Promise((resolve) => this.#onSettled.push(resolve));
  }

  /** Resolves once `data`'s WriteFile was issued, in order behind the writes already waiting. */
  #enqueue(data: Uint8Array): Promise<void> {
    if (this.#inFlight < this.#slots && this.#waiting.length === 0) {
      this.#issue(data);
      return Promise.resolve();
    }
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const issued = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    issued.catch(() => {}); // a dropped write rejects whether or not anyone waits on it
    this.#waiting.push({ data, issued, resolve, reject });
    return issued;
  }

  #issue(data: Uint8Array): void {
    this.#inFlight++;
    this.#handle.write(data, { signal: this.#signal }).then(
      () => this.#completed(),
      (error) => {
        if (!this.#failure) {
          this.#failure = { error };
          this.#drop(error);
          this.#onFailure(error);
        }
        this.#completed();
      },
    );
  }

  #completed(): void {
    this.#inFlight--;
    while (this.#inFlight < this.#slots && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      this.#issue(next.data);
      next.resolve();
    }
    const waiters = this.#onSettled;
    this.#onSettled = [];
    for (const wake of waiters) wake();
  }

  /** Issues every accepted byte now, beyond the slots: the handle is about to close. */
  #issueAll(): void {
    void this.#flushGather();
    for (const next of this.#waiting.splice(0)) {
      this.#issue(next.data);
      next.resolve();
    }
  }

  /** Moves the gather into one write; resolves once it was issued. */
  #flushGather(): Promise<void> {
    if (this.#gatherBytes === 0 || this.#failure) return Promise.resolve();
    const parts = this.#gather;
    const data = parts.length === 1 ? parts[0] : concatBytes(parts, this.#gatherBytes);
    this.#gather = [];
    this.#gatherBytes = 0;
    return this.#enqueue(data);
  }

  /** The turn of the event loop in which small chunks are gathered: at its end the gather is written. */
  #startTurn(): void {
    if (this.#inTurn) return;
    this.#inTurn = true;
    afterThisTask(() => {
      this.#inTurn = false;
      void this.#flushGather();
    });
  }

  #drop(reason: unknown): void {
    this.#gather = [];
    this.#gatherBytes = 0;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(reason);
  }
}
