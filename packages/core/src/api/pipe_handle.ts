/**
 * {@linkcode PipeHandle}: what every pipe end of the public API can do.
 *
 * @module
 */
import {
  ERROR_NOT_FOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { isPipeError } from "../errors.ts";
import type { KernelHandle, PipeKernel, ReadData } from "../port.ts";
import { requireChoice, requireOptions, requireSignal, validateBufferSize } from "../validate.ts";
import { cancellable } from "./failures.ts";
import type { HandleContext, StreamFactories } from "./handle_context.ts";
import { modeBits, MODES, type PipeMode, type WaitMode, WAITS } from "./modes.ts";
import { ReadDelivery, type ReadResult } from "./read_delivery.ts";
import type { SignalOptions } from "./signals.ts";
import { writeAll } from "./write_all.ts";

/**
 * The state of a handle, from GetNamedPipeHandleState.
 *
 * @example
 * ```ts
 * import { createWinpipe, type HandleStateInfo } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const state: HandleStateInfo = pipe.reader.state();
 * state.readMode; // "byte"
 * ```
 */
export interface HandleStateInfo {
  /** The handle's read mode. */
  readMode: PipeMode;
  /** The handle's wait mode. */
  wait: WaitMode;
  /** The number of instances of the pipe that currently exist. */
  instances: number;
}

/**
 * What a pipe reports about itself, from GetNamedPipeInfo.
 *
 * @example
 * ```ts
 * import { createWinpipe, type PipeInfoDetails } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe({ bufferSize: 1024 });
 * const info: PipeInfoDetails = pipe.reader.info();
 * info.maxInstances; // 1
 * ```
 */
export interface PipeInfoDetails {
  /** Which end this handle is. */
  end: "server" | "client";
  /** The pipe's type mode. */
  type: PipeMode;
  /** The buffer size for data flowing out of the server, in bytes. */
  outBufferSize: number;
  /** The buffer size for data flowing into the server, in bytes. */
  inBufferSize: number;
  /** The maximum number of instances. */
  maxInstances: number | "unlimited";
}

/**
 * What PeekNamedPipe shows without removing anything.
 *
 * @example
 * ```ts
 * import { createWinpipe, type PeekInfo } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new Uint8Array([1, 2, 3]));
 * const peeked: PeekInfo = pipe.reader.peek({ maxBytes: 2 });
 * peeked.bytesAvailable; // 3
 * peeked.data; // Uint8Array [1, 2]
 * ```
 */
export interface PeekInfo {
  /** Bytes that can be read now. */
  bytesAvailable: number;
  /** Unread bytes of the current message, including those copied into `data` (0 on byte pipes). */
  bytesLeftInMessage: number;
  /** A copy of the first bytes (up to the `maxBytes` asked for). */
  data: Uint8Array;
}

/**
 * Options of {@linkcode PipeHandle.setState}. Omitted fields keep their value.
 *
 * @example
 * ```ts
 * import { createWinpipe, type SetStateOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\set-state`;
 * using server = createServer(name, { type: "message" });
 * await using client = await connect(name);
 * const options: SetStateOptions = { readMode: "message" }; // the wait mode stays as it is
 * client.setState(options);
 * ```
 */
export interface SetStateOptions {
  /** The new read mode ("message" needs a message-type pipe). */
  readMode?: PipeMode;
  /** The new wait mode. */
  wait?: WaitMode;
}

/**
 * Options of {@linkcode PipeHandle.peek}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type PeekOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new Uint8Array(100));
 * const options: PeekOptions = { maxBytes: 10 };
 * pipe.reader.peek(options).data.length; // 10
 * ```
 */
export interface PeekOptions {
  /** At most this many bytes are copied into `data`. Default 65536. */
  maxBytes?: number;
}

/** Work to do right before a handle closes, by handle (see {@linkcode onBeforeClose}). */
const beforeClose = new WeakMap<PipeHandle, Set<() => void>>();

/**
 * Runs `callback` right before `handle` closes (its `close()`, or disposal),
 * once; returns a function that unregisters it. `@winpipe/streams` uses it so
 * that the bytes a writable has gathered but not yet written reach WriteFile
 * before the handle goes: closing a handle (a readable's cancel does) must
 * not lose bytes a writable already accepted.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { onBeforeClose } from "@winpipe/core/internal";
 * const { createPipe } = createWinpipe(createModelKernel());
 * const pipe = createPipe();
 * onBeforeClose(pipe.writer, () => void pipe.writer.write(new Uint8Array([1]))); // issued before CloseHandle
 * pipe.writer.close();
 * await pipe.reader.read(new Uint8Array(1)); // 1
 * ```
 */
export function onBeforeClose(handle: PipeHandle, callback: () => void): () => void {
  let callbacks = beforeClose.get(handle);
  if (callbacks === undefined) beforeClose.set(handle, callbacks = new Set());
  callbacks.add(callback);
  return () => void callbacks.delete(callback);
}

/** {@linkcode readOwned}'s way in to a handle's protected {@linkcode PipeHandle.readOwned}; set by PipeHandle's static block. */
let ownedRead: (handle: PipeHandle, length: number, signal: AbortSignal | undefined) => Promise<ReadData | null>;

/**
 * Reads up to `length` bytes (ReadFile, as `read` does: the handle's
 * timeouts and `signal` apply) and hands over the memory the kernel read
 * into, instead of copying it into a buffer of the caller's: the result's
 * `bytes` are the caller's to keep, or to give back with `release`.
 * Resolves with null at the end of the data. For @winpipe/streams, whose
 * default readers keep every chunk: a chunk read this way costs no copy.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readOwned } from "@winpipe/core/internal";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new Uint8Array([1, 2, 3]));
 * const data = await readOwned(pipe.reader, 16);
 * data?.bytes; // Uint8Array [1, 2, 3]
 * ```
 */
export function readOwned(handle: PipeHandle, length: number, signal?: AbortSignal): Promise<ReadData | null> {
  return ownedRead(handle, length, signal);
}

/** {@linkcode writeOwned}'s way in to a handle's protected {@linkcode PipeHandle.writeOwned}; set by PipeHandle's static block. */
let ownedWrite: (handle: PipeHandle, data: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined) => Promise<void>;

/**
 * Writes all of `data` (WriteFile, as `write` does: the handle's timeouts
 * and `signal` apply) from memory the caller hands over until the promise
 * settles, instead of a copy taken during the call: the caller neither
 * reads nor changes `data` meanwhile, and `data` is a view of an ArrayBuffer
 * made for it. For @winpipe/streams, whose writable gathers chunks into
 * memory of its own: a gathered write costs no second copy.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { writeOwned } from "@winpipe/core/internal";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const gathered = new Uint8Array(new ArrayBuffer(3));
 * gathered.set([1, 2, 3]);
 * await writeOwned(pipe.writer, gathered); // the kernel wrote from `gathered`; it is the caller's again
 * await pipe.reader.read(new Uint8Array(3)); // 3
 * ```
 */
export function writeOwned(handle: PipeHandle, data: Uint8Array<ArrayBuffer>, signal?: AbortSignal): Promise<void> {
  return ownedWrite(handle, data, signal);
}

/**
 * One end of a pipe: what every handle can do. Closing is idempotent; `using`
 * and `await using` close it.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * pipe.reader.info(); // { end: "server", type: "byte", inBufferSize: 4096, ... }
 * ```
 */
export class PipeHandle implements Disposable, AsyncDisposable {
  readonly #context: HandleContext;
  readonly #handle: KernelHandle;
  readonly #reads: ReadDelivery;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;

  static {
    ownedRead = (handle, length, signal) => handle.readOwned(length, signal);
    ownedWrite = (handle, data, signal) => handle.writeOwned(data, signal);
  }

  /** @internal Wraps a kernel handle; use the factory functions instead. */
  constructor(context: HandleContext, handle: KernelHandle) {
    this.#context = context;
    this.#handle = handle;
    this.#reads = new ReadDelivery(context.kernel, handle, () => this.state().readMode);
  }

  /** The kernel this handle belongs to. */
  protected get kernel(): PipeKernel {
    return this.#context.kernel;
  }

  /**
   * What this handle shares with the other handles of its bound API (for
   * handles it makes, e.g. accepted instances).
   *
   * @internal For core's own handle classes.
   */
  protected get context(): HandleContext {
    return this.#context;
  }

  /** The backend's handle object, for backends and @winpipe/streams. */
  get kernelHandle(): KernelHandle {
    return this.#handle;
  }

  /**
   * The stream a `readable` getter returns: made once by the injected
   * factory, then cached. Throws when createWinpipe got no `streams`.
   */
  protected cachedReadable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#readable ??= this.#factories("readable").readable(this);
  }

  /** The stream a `writable` getter returns; as {@linkcode PipeHandle.cachedReadable}. */
  protected cachedWritable(): WritableStream<Uint8Array> {
    return this.#writable ??= this.#factories("writable").writable(this);
  }

  #factories(getter: "readable" | "writable"): StreamFactories {
    const streams = this.#context.streams;
    if (streams === undefined) {
      const direct = getter === "readable" ? "readableFrom" : "writableTo";
      throw new Error(
        `${this.constructor.name}.${getter} needs stream factories: pass { streams } from "@winpipe/streams" ` +
          `to createWinpipe(kernel, { streams }), or call ${direct}(handle) of "@winpipe/streams"`,
      );
    }
    return streams;
  }

  /**
   * Reads up to `length` bytes (ReadFile) and hands them over in memory the
   * caller may keep: see {@linkcode ReadDelivery.read}. Resolves with null
   * at the end of the data.
   */
  protected readData(length: number, signal: AbortSignal | undefined): Promise<ReadData | null> {
    return this.#reads.read(length, signal);
  }

  /**
   * What {@linkcode readOwned} does on this handle: {@linkcode PipeHandle.readData};
   * a connection adds its timeouts.
   */
  protected readOwned(length: number, signal: AbortSignal | undefined): Promise<ReadData | null> {
    return this.readData(length, signal);
  }

  /**
   * What {@linkcode writeOwned} does on this handle: every byte of `data`,
   * which the kernel may write from as it is; a connection adds its timeouts.
   */
  protected writeOwned(data: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined): Promise<void> {
    return writeAll(this.kernel, this.#handle, data, signal, true);
  }

  /** Reads into the caller's `buffer`: see {@linkcode ReadDelivery.readInto}. */
  protected readInto(buffer: Uint8Array, signal: AbortSignal | undefined): Promise<ReadResult | null> {
    return this.#reads.readInto(buffer, signal);
  }

  /** Reads into the caller's `buffer` in the calling thread: see {@linkcode ReadDelivery.readIntoSync}. */
  protected readIntoSync(buffer: Uint8Array): ReadResult | null {
    return this.#reads.readIntoSync(buffer);
  }

  /** The pipe name, or undefined for an anonymous pipe. */
  get pipeName(): string | undefined {
    return this.#handle.pipeName;
  }

  /** True once the handle is closed. */
  get closed(): boolean {
    return this.#handle.closed;
  }

  /**
   * Shows queued data without removing it
   * ([PeekNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-peeknamedpipe)).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * await pipe.writer.write(new Uint8Array([1, 2, 3]));
   * pipe.reader.peek().bytesAvailable; // 3
   * ```
   */
  peek(options?: PeekOptions): PeekInfo {
    const { maxBytes = 65536 } = requireOptions<PeekOptions>(options);
    validateBufferSize(maxBytes, "maxBytes");
    // Bytes kept from a read whose buffer went away come first: they are what the next read returns.
    const kept = this.#reads.peekKept(maxBytes);
    if (kept !== undefined) return kept;
    // Counts come from a peek without a buffer: a peek that copies reports
    // the bytes left in the message after the copied ones (D25).
    const counts = this.kernel.peek(this.#handle);
    const size = Math.min(counts.bytesAvailable, maxBytes);
    const data = new Uint8Array(size);
    const copied = size === 0 ? 0 : this.kernel.peek(this.#handle, data).bytesRead;
    return {
      bytesAvailable: counts.bytesAvailable,
      bytesLeftInMessage: counts.bytesLeftInMessage,
      data: data.subarray(0, copied),
    };
  }

  /**
   * The handle's read mode, wait mode and the pipe's instance count
   * ([GetNamedPipeHandleStateW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipehandlestatew)).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * pipe.reader.state(); // { readMode: "byte", wait: "blocking", instances: 1 }
   * ```
   */
  state(): HandleStateInfo {
    const { mode, currentInstances } = this.kernel.getState(this.#handle);
    return {
      readMode: mode & PIPE_READMODE_MESSAGE ? "message" : "byte",
      wait: mode & PIPE_NOWAIT ? "nonblocking" : "blocking",
      instances: currentInstances,
    };
  }

  /**
   * Changes the handle's read mode and/or wait mode
   * ([SetNamedPipeHandleState](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-setnamedpipehandlestate)).
   * Fails with ERROR_INVALID_PARAMETER when asking message read mode of a byte
   * pipe.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * pipe.reader.setState({ wait: "nonblocking" });
   * ```
   */
  setState(options: SetStateOptions): void {
    if (options === undefined) throw new TypeError("options must be an object: got undefined");
    const opts = requireOptions<SetStateOptions>(options);
    const readMode = opts.readMode === undefined ? undefined : requireChoice(opts.readMode, "readMode", MODES);
    const wait = opts.wait === undefined ? undefined : requireChoice(opts.wait, "wait", WAITS);
    if (readMode === undefined && wait === undefined) return;
    const current = readMode === undefined || wait === undefined ? this.state() : undefined;
    this.kernel.setState(this.#handle, modeBits(readMode ?? current!.readMode, wait ?? current!.wait));
  }

  /**
   * The pipe's end, type, buffer sizes and instance limit
   * ([GetNamedPipeInfo](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-getnamedpipeinfo)).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe({ bufferSize: 1024 });
   * pipe.writer.info().end; // "client"
   * ```
   */
  info(): PipeInfoDetails {
    const info = this.kernel.getInfo(this.#handle);
    return {
      end: info.flags & PIPE_SERVER_END ? "server" : "client",
      type: info.flags & PIPE_TYPE_MESSAGE ? "message" : "byte",
      outBufferSize: info.outBufferSize,
      inBufferSize: info.inBufferSize,
      maxInstances: info.maxInstances === PIPE_UNLIMITED_INSTANCES ? "unlimited" : info.maxInstances,
    };
  }

  /**
   * Waits until the other end has read everything written to it
   * ([FlushFileBuffers](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers)).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * await pipe.writer.flush(); // nothing written: resolves at once
   * ```
   */
  async flush(options?: SignalOptions): Promise<void> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    await cancellable(signal, () => this.kernel.flush(this.#handle, signal));
  }

  /**
   * Cancels every pending operation on this handle
   * ([CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func)(handle,
   * NULL)). Returns false when nothing was pending.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe();
   * pipe.reader.cancelPending(); // false
   * ```
   */
  cancelPending(): boolean {
    try {
      this.kernel.cancelIo(this.#handle);
      return true;
    } catch (err) {
      if (isPipeError(err, ERROR_NOT_FOUND)) return false;
      throw err;
    }
  }

  /**
   * Closes the handle
   * ([CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle)).
   * Its pending reads fail; its pending writes stay queued until the peer
   * reads their data (or closes), as Windows keeps them (Wine fails them:
   * docs/wine-findings.md, W-G53). Calling it again does nothing.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * const pipe = createPipe();
   * pipe.reader.close();
   * pipe.reader.close(); // no-op
   * pipe.writer.close();
   * ```
   */
  close(): void {
    const callbacks = beforeClose.get(this);
    if (callbacks !== undefined) {
      beforeClose.delete(this);
      for (const callback of callbacks) callback();
    }
    this.kernel.close(this.#handle);
  }

  /** Closes the handle. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the handle. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
