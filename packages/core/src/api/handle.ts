/**
 * The handle classes of the public API: {@linkcode PipeHandle} (what every
 * pipe end can do) and {@linkcode PipeConnection} (reading and writing on a
 * named pipe end).
 *
 * @module
 */
import {
  ERROR_BROKEN_PIPE,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { abortError, errorBehaviour, isPipeError, type PipeCall, PipeError } from "../errors.ts";
import type { KernelHandle, PipeKernel, ProcessKernel, ReadData } from "../port.ts";
import type { PipeReader, PipeWriter } from "./anonymous.ts";
import {
  isDetached,
  requireBytes,
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  validateBufferSize,
} from "../validate.ts";

/** What a read into the caller's buffer delivered. */
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

/** Byte or message: a pipe's type, or a handle's read mode. */
export type PipeMode = "byte" | "message";
/** Blocking (PIPE_WAIT) or nonblocking (PIPE_NOWAIT). */
export type WaitMode = "blocking" | "nonblocking";

/** Options of calls that can wait. */
export interface SignalOptions {
  /** Cancels the operation (CancelIoEx); it then rejects with an AbortError. */
  signal?: AbortSignal;
}

/** The state of a handle, from GetNamedPipeHandleState. */
export interface HandleStateInfo {
  /** The handle's read mode. */
  readMode: PipeMode;
  /** The handle's wait mode. */
  wait: WaitMode;
  /** The number of instances of the pipe that currently exist. */
  instances: number;
}

/** What a pipe reports about itself, from GetNamedPipeInfo. */
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

/** What PeekNamedPipe shows without removing anything. */
export interface PeekInfo {
  /** Bytes that can be read now. */
  bytesAvailable: number;
  /** Unread bytes of the current message, including those copied into `data` (0 on byte pipes). */
  bytesLeftInMessage: number;
  /** A copy of the first bytes (up to the `maxBytes` asked for). */
  data: Uint8Array;
}

/** Options of {@linkcode PipeHandle.setState}. Omitted fields keep their value. */
export interface SetStateOptions {
  /** The new read mode ("message" needs a message-type pipe). */
  readMode?: PipeMode;
  /** The new wait mode. */
  wait?: WaitMode;
}

/** Options of {@linkcode PipeHandle.peek}. */
export interface PeekOptions {
  /** At most this many bytes are copied into `data`. Default 65536. */
  maxBytes?: number;
}

/** Options of {@linkcode PipeConnection.readMessage}. */
export interface ReadMessageOptions extends SignalOptions {
  /**
   * The largest message accepted, in bytes. A larger message is read and
   * discarded (so the next read starts at a message boundary) and the call
   * throws a RangeError. Default 16 MiB.
   */
  maxSize?: number;
}

/** Options of {@linkcode PipeConnection.transact}. */
export interface TransactOptions extends SignalOptions {
  /** The largest reply accepted, in bytes; as {@linkcode ReadMessageOptions.maxSize}. Default 16 MiB. */
  maxReplySize?: number;
}

/** The default limit of whole-message reads. */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
const FIRST_CHUNK = 64 * 1024;
const POLL_MIN_MS = 1;
const POLL_MAX_MS = 50;

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs a kernel call; an ERROR_OPERATION_ABORTED caused by `signal` becomes
 * the signal's AbortError.
 */
export async function cancellable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw abortError(signal);
  try {
    return await run();
  } catch (err) {
    if (signal?.aborted && isPipeError(err, ERROR_OPERATION_ABORTED)) throw abortError(signal, err);
    throw err;
  }
}

/**
 * The process capability of `kernel`, or an Error saying that the kernel
 * `refusal` (e.g. "cannot start processes (kernel32 can)").
 */
export function processesOf(kernel: PipeKernel, refusal: string): ProcessKernel {
  if (kernel.processes === undefined) throw new Error(`winpipe: the ${kernel.name} kernel ${refusal}`);
  return kernel.processes;
}

/** The behaviour of an error thrown by a kernel call, or "fail" for non-Win32 errors. */
export function behaviourOf(call: PipeCall, err: unknown): string {
  return isPipeError(err) ? errorBehaviour(call, err.code) : "fail";
}

/**
 * Writes all of `data` with as many WriteFile calls as it takes. A blocking
 * handle takes everything in one call. A nonblocking handle gets no notice
 * of room, and its kernel takes a write whole or not at all when no reader
 * has a read pending (a byte pipe's 600-byte write into a 512-byte buffer
 * writes 0, every time): so when nothing fits, a byte pipe's rest goes in
 * pieces no larger than the pipe's buffer, halved while they still do not
 * fit (a 1-byte piece fits whenever there is any room), and the next try
 * waits a backoff of 1 ms doubling to 50 ms. A message cannot be split: it
 * is retried whole, and one larger than the buffer goes through only while
 * the reader has a read pending that takes the rest.
 */
export async function writeAll(
  kernel: PipeKernel,
  handle: KernelHandle,
  data: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<void> {
  let offset = 0;
  let backoff = POLL_MIN_MS;
  let piece = data.length;
  /** The size of a byte pipe's buffer; undefined on a message pipe. Asked once, when a write first took nothing. */
  let bufferSize: number | undefined;
  let asked = false;
  const total = data.length;
  do {
    if (offset > 0 && (isDetached(data) || data.length < total)) {
      // Each WriteFile took its bytes when issued; what is left went away with the caller's buffer.
      throw new TypeError(
        `write: the data was ${isDetached(data) ? "detached" : "shrunk"} while the write was pending; ` +
          `${offset} of ${total} bytes were written`,
      );
    }
    const written = await cancellable(
      signal,
      () => kernel.write(handle, data.subarray(offset, offset + piece), signal),
    );
    offset += written;
    if (offset === total) return;
    if (written > 0) {
      backoff = POLL_MIN_MS;
      if (bufferSize) piece = Math.min(piece * 2, bufferSize);
      continue;
    }
    if (!asked) {
      bufferSize = byteBufferSize(kernel, handle);
      asked = true;
    }
    if (bufferSize !== undefined) piece = Math.max(1, Math.min(bufferSize, piece) >>> (piece <= bufferSize ? 1 : 0));
    await delay(backoff, signal);
    backoff = Math.min(backoff * 2, POLL_MAX_MS);
  } while (offset < total);
}

/** The size of the buffer that `handle`'s writes go into, or undefined on a message pipe (GetNamedPipeInfo). */
function byteBufferSize(kernel: PipeKernel, handle: KernelHandle): number | undefined {
  const info = kernel.getInfo(handle);
  if (info.flags & PIPE_TYPE_MESSAGE) return undefined;
  // The server end writes into the outbound buffer, a client end (an anonymous pipe's write end too) into the inbound one.
  return Math.max(1, info.flags & PIPE_SERVER_END ? info.outBufferSize : info.inBufferSize);
}

/**
 * Builds WHATWG streams over pipe handles: what the `streams` option of
 * `createWinpipe` takes, so that {@linkcode PipeConnection.readable},
 * `PipeReader.readable` and friends work. Core only defines the shape (it
 * does not depend on `@winpipe/streams`, which exports a ready `streams`
 * object of this type). The getters call the factories with the handle
 * alone; `R` and `W` are the option types a factory accepts when called
 * directly.
 *
 * @example
 * ```ts
 * import { createWinpipe, type StreamFactories } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // A toy factory: a stream of one chunk (use `streams` of @winpipe/streams instead).
 * const streams: StreamFactories = {
 *   readable: () => ReadableStream.from([new Uint8Array([1])]),
 *   writable: () => new WritableStream(),
 * };
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * pipe.reader.readable; // the stream made by streams.readable(pipe.reader)
 * ```
 */
export interface StreamFactories<R = never, W = never> {
  /** A stream of the data read from `handle`. */
  readable(handle: PipeConnection | PipeReader, options?: R): ReadableStream<Uint8Array<ArrayBuffer>>;
  /** A stream whose chunks are written to `handle`. */
  writable(handle: PipeConnection | PipeWriter, options?: W): WritableStream<Uint8Array>;
}

/**
 * Gives a handle the stream factories its `readable` / `writable` getters
 * use (createWinpipe calls it on every handle it hands out). Internal: not
 * exported by mod.ts.
 */
export let attachStreams: <T extends PipeHandle>(handle: T, streams: StreamFactories | undefined) => T;

/**
 * The bytes of `parts` (`total` of them) in one array that the caller can
 * keep. A single part is returned as it is, unless it is small beside the
 * buffer it was read into: then it is copied out, so that the large buffer
 * can be freed or reused. Parts that were copied are released to their
 * backend.
 */
function concat(parts: readonly ReadData[], total: number): Uint8Array<ArrayBuffer> {
  if (parts.length === 1) {
    const [only] = parts;
    if (only.bytes.length * 2 >= only.bytes.buffer.byteLength) return only.bytes;
  }
  const whole = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    whole.set(part.bytes, at);
    at += part.bytes.length;
    part.release?.();
  }
  return whole;
}

/**
 * A sequence of async sections that must not interleave (whole-message
 * reads). A section starts at once, within the call, when none is running;
 * otherwise it waits for the one before it.
 */
class Serializer {
  #tail: Promise<unknown> = Promise.resolve();
  #running = 0;

  /** True when a section would start at once. */
  get idle(): boolean {
    return this.#running === 0;
  }

  run<T>(section: () => Promise<T>): Promise<T> {
    const guarded = async () => {
      this.#running++;
      try {
        return await section();
      } finally {
        this.#running--;
      }
    };
    const result = this.#running === 0 ? guarded() : this.#tail.then(guarded, guarded);
    this.#tail = result.catch(() => {});
    return result;
  }
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
  readonly #kernel: PipeKernel;
  readonly #handle: KernelHandle;
  /**
   * Bytes a read took from the kernel but could not deliver, because the
   * caller's buffer was detached or shrunk while the read was pending: the
   * next read returns them first, so nothing the peer wrote is lost.
   */
  #unclaimed: ReadData | undefined;
  #streams: StreamFactories | undefined;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;

  static {
    attachStreams = (handle, streams) => {
      handle.#streams = streams;
      return handle;
    };
  }

  /** @internal Wraps a kernel handle; use the factory functions instead. */
  constructor(kernel: PipeKernel, handle: KernelHandle) {
    this.#kernel = kernel;
    this.#handle = handle;
  }

  /** The kernel this handle belongs to. */
  protected get kernel(): PipeKernel {
    return this.#kernel;
  }

  /** The backend's handle object, for backends and @winpipe/streams. */
  get kernelHandle(): KernelHandle {
    return this.#handle;
  }

  /**
   * The stream a `readable` getter returns: made once by the injected
   * factory, then cached. Throws when createWinpipe got no `streams`.
   */
  protected cachedReadable(handle: PipeConnection | PipeReader): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#readable ??= this.#factories("readable").readable(handle);
  }

  /** The stream a `writable` getter returns; as {@linkcode PipeHandle.cachedReadable}. */
  protected cachedWritable(handle: PipeConnection | PipeWriter): WritableStream<Uint8Array> {
    return this.#writable ??= this.#factories("writable").writable(handle);
  }

  #factories(getter: "readable" | "writable"): StreamFactories {
    if (this.#streams === undefined) {
      const direct = getter === "readable" ? "readableFrom" : "writableTo";
      throw new Error(
        `${this.constructor.name}.${getter} needs stream factories: pass { streams } from "@winpipe/streams" ` +
          `to createWinpipe(kernel, { streams }), or call ${direct}(handle) of "@winpipe/streams"`,
      );
    }
    return this.#streams;
  }

  /**
   * Reads up to `length` bytes (ReadFile) and hands them over in a new
   * Uint8Array: the bytes a previous read could not deliver first, otherwise
   * what the kernel reads into memory its backend owns while the read is
   * pending. Resolves with null at the end of the data (ERROR_BROKEN_PIPE).
   */
  protected async readData(length: number, signal: AbortSignal | undefined): Promise<ReadData | null> {
    const unclaimed = this.#unclaimed;
    if (unclaimed !== undefined) return this.#takeUnclaimed(unclaimed, length);
    try {
      return await cancellable(signal, () => this.#kernel.read(this.#handle, length, signal));
    } catch (err) {
      if (behaviourOf("read", err) === "end-of-data") return null;
      throw err;
    }
  }

  /**
   * Reads into the caller's `buffer`: {@linkcode PipeHandle.readData}, then
   * one copy, made when the data has arrived. If `buffer` was detached or
   * shrunk meanwhile and cannot hold it, the bytes are kept for the next
   * read and this throws a TypeError.
   */
  protected async readInto(buffer: Uint8Array, signal: AbortSignal | undefined): Promise<ReadResult | null> {
    const data = await this.readData(buffer.length, signal);
    if (data === null) return null;
    const { bytes, messageComplete } = data;
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

  /** Up to `length` of the bytes no read could deliver yet. */
  #takeUnclaimed(unclaimed: ReadData, length: number): ReadData {
    if (length >= unclaimed.bytes.length) {
      this.#unclaimed = undefined;
      return unclaimed;
    }
    this.#unclaimed = { bytes: unclaimed.bytes.subarray(length), messageComplete: unclaimed.messageComplete };
    // A part of a message leaves the rest to read (ERROR_MORE_DATA); byte read mode has no messages.
    const messageReadMode = !unclaimed.messageComplete || this.state().readMode === "message";
    return { bytes: unclaimed.bytes.subarray(0, length), messageComplete: !messageReadMode };
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

  /** The pipe name, or undefined for an anonymous pipe. */
  get pipeName(): string | undefined {
    return this.#handle.pipeName;
  }

  /** True once the handle is closed. */
  get closed(): boolean {
    return this.#handle.closed;
  }

  /**
   * Shows queued data without removing it (PeekNamedPipe).
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
    const unclaimed = this.#unclaimed;
    if (unclaimed !== undefined) {
      // Bytes kept from a read whose buffer went away come first: they are
      // what the next read returns, and `data` shows them alone.
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
        bytesLeftInMessage: messageComplete && this.state().readMode === "byte" ? 0 : inMessage,
        data: bytes.slice(0, maxBytes),
      };
    }
    // Counts come from a peek without a buffer: a peek that copies reports
    // the bytes left in the message after the copied ones (D25).
    const counts = this.#kernel.peek(this.#handle);
    const size = Math.min(counts.bytesAvailable, maxBytes);
    const data = new Uint8Array(size);
    const copied = size === 0 ? 0 : this.#kernel.peek(this.#handle, data).bytesRead;
    return {
      bytesAvailable: counts.bytesAvailable,
      bytesLeftInMessage: counts.bytesLeftInMessage,
      data: data.subarray(0, copied),
    };
  }

  /**
   * The handle's read mode, wait mode and the pipe's instance count
   * (GetNamedPipeHandleState).
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
    const { mode, currentInstances } = this.#kernel.getState(this.#handle);
    return {
      readMode: mode & PIPE_READMODE_MESSAGE ? "message" : "byte",
      wait: mode & PIPE_NOWAIT ? "nonblocking" : "blocking",
      instances: currentInstances,
    };
  }

  /**
   * Changes the handle's read mode and/or wait mode
   * (SetNamedPipeHandleState). Fails with ERROR_INVALID_PARAMETER when asking
   * message read mode of a byte pipe.
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
    this.#kernel.setState(this.#handle, modeBits(readMode ?? current!.readMode, wait ?? current!.wait));
  }

  /**
   * The pipe's end, type, buffer sizes and instance limit (GetNamedPipeInfo).
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
    const info = this.#kernel.getInfo(this.#handle);
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
   * (FlushFileBuffers).
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
    await cancellable(signal, () => this.#kernel.flush(this.#handle, signal));
  }

  /**
   * Cancels every pending operation on this handle (CancelIoEx). Returns
   * false when nothing was pending.
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
      this.#kernel.cancelIo(this.#handle);
      return true;
    } catch (err) {
      if (isPipeError(err, ERROR_NOT_FOUND)) return false;
      throw err;
    }
  }

  /**
   * Closes the handle (CloseHandle). Pending operations on it fail. Calling
   * it again does nothing.
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
    this.#kernel.close(this.#handle);
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

/** The modes the public API knows. */
export const MODES: readonly PipeMode[] = ["byte", "message"];
/** The wait modes the public API knows. */
export const WAITS: readonly WaitMode[] = ["blocking", "nonblocking"];

/** The lpMode / dwPipeMode bits of a read mode and wait mode. */
export function modeBits(readMode: PipeMode, wait: WaitMode): number {
  return (readMode === "message" ? PIPE_READMODE_MESSAGE : 0) | (wait === "nonblocking" ? PIPE_NOWAIT : 0);
}

/**
 * A named pipe end that reads and writes: a connected client, or a server
 * instance.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\example-connection`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await pipes.connect(name, { readMode: "message" });
 * await using conn = await accepted;
 * await client.write(new TextEncoder().encode("hello"));
 * new TextDecoder().decode((await conn.readMessage())!); // "hello"
 * ```
 */
export class PipeConnection extends PipeHandle {
  readonly #reads = new Serializer();

  /**
   * A ReadableStream of what this end reads: bytes, or one chunk per message
   * in message read mode. Made once (then cached) by the `streams` factories
   * given to createWinpipe; throws when none were given. See
   * `@winpipe/streams` (`readableFrom`) for what it does and its options.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * import { streams } from "@winpipe/streams";
   * const pipes = createWinpipe(createModelKernel(), { streams });
   * const name = String.raw`\\.\pipe\example-readable`;
   * await using server = pipes.createServer(name);
   * const accepted = server.accept();
   * await using client = await pipes.connect(name);
   * await using conn = await accepted;
   * await client.write(new TextEncoder().encode("hi"));
   * client.close();
   * for await (const text of conn.readable.pipeThrough(new TextDecoderStream())) console.log(text); // "hi"
   * ```
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.cachedReadable(this);
  }

  /**
   * A WritableStream whose chunks this end writes, one WriteFile (one
   * message on a message pipe) per chunk. Made once (then cached) by the
   * `streams` factories given to createWinpipe; throws when none were
   * given. Closing it closes the handle. See `@winpipe/streams`
   * (`writableTo`).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * import { streams } from "@winpipe/streams";
   * const pipes = createWinpipe(createModelKernel(), { streams });
   * const name = String.raw`\\.\pipe\example-writable`;
   * await using server = pipes.createServer(name);
   * await using client = await pipes.connect(name);
   * const writer = client.writable.getWriter();
   * await writer.write(new TextEncoder().encode("hi"));
   * await writer.close(); // closes the client handle: the server reads the end of the data
   * ```
   */
  get writable(): WritableStream<Uint8Array> {
    return this.cachedWritable(this);
  }

  /**
   * Reads into `buffer` (ReadFile). Resolves with the bytes read and whether
   * the message is complete (false when a message did not fit: the rest
   * stays in the pipe), or null at the end of the data (the other end closed
   * and everything was read: ERROR_BROKEN_PIPE). A blocking handle waits
   * for data; on a nonblocking handle with nothing to read this throws
   * ERROR_NO_DATA (use {@linkcode PipeConnection.tryRead}).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-read`;
   * await using server = pipes.createServer(name);
   * const accepted = server.accept();
   * await using client = await pipes.connect(name);
   * await using conn = await accepted;
   * await client.write(new Uint8Array([1, 2, 3]));
   * const buf = new Uint8Array(16);
   * await conn.read(buf); // { bytesRead: 3, messageComplete: true }
   * ```
   */
  async read(buffer: Uint8Array, options?: SignalOptions): Promise<ReadResult | null> {
    requireBytes(buffer, "buffer");
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    return await this.readInto(buffer, signal);
  }

  /**
   * Like {@linkcode PipeConnection.read}, but on a nonblocking handle an
   * empty pipe resolves with "no-data" instead of throwing.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-tryread`;
   * await using server = pipes.createServer(name);
   * await using client = await pipes.connect(name, { wait: "nonblocking" });
   * await client.tryRead(new Uint8Array(16)); // "no-data"
   * ```
   */
  async tryRead(buffer: Uint8Array, options?: SignalOptions): Promise<ReadResult | null | "no-data"> {
    try {
      return await this.read(buffer, options);
    } catch (err) {
      if (behaviourOf("read", err) === "no-data") return "no-data";
      throw err;
    }
  }

  /**
   * Reads one whole message, reassembled from as many ReadFile calls as it
   * takes (ERROR_MORE_DATA parts). Resolves with its bytes (an empty array
   * for a zero-length message), or null at the end of the data. Needs
   * message read mode. Concurrent calls on one handle take turns.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-readmessage`;
   * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
   * const accepted = server.accept();
   * await using client = await pipes.connect(name, { readMode: "message" });
   * await using conn = await accepted;
   * // 100 kB is more than the pipe buffers: the write completes as the reader drains it.
   * const sending = client.write(new Uint8Array(100_000));
   * (await conn.readMessage())!.length; // 100000
   * await sending;
   * ```
   */
  async readMessage(options?: ReadMessageOptions): Promise<Uint8Array | null> {
    const opts = requireOptions<ReadMessageOptions>(options);
    const maxSize = requireInteger(opts.maxSize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxSize", 0, 0xffffffff);
    const signal = requireSignal(opts.signal);
    if (this.state().readMode !== "message") {
      throw new TypeError(`readMessage needs message read mode: the handle of "${this.pipeName}" is in byte read mode`);
    }
    return await this.#reads.run(async () => {
      const first = await this.readData(Math.min(FIRST_CHUNK, maxSize + 1), signal);
      if (first === null) return null;
      return await this.#wholeMessage(first, maxSize, signal, "message", "ReadFile");
    });
  }

  /**
   * The whole message whose first part is `first`: the rest read with
   * ReadFile until the kernel says the message is complete. The size the
   * kernel reports for the rest (PeekNamedPipe) only sizes the next read. A
   * message larger than `maxSize` is read and dropped, then a RangeError is
   * thrown. If the data ends before the message does (the writer was gone
   * in the middle of it), this throws a PipeError with ERROR_BROKEN_PIPE
   * whose `partialMessage` holds the bytes that did arrive.
   */
  async #wholeMessage(
    first: ReadData,
    maxSize: number,
    signal: AbortSignal | undefined,
    what: string,
    call: string,
  ): Promise<Uint8Array> {
    const parts = [first];
    let total = first.bytes.length;
    let complete = first.messageComplete;
    while (!complete && total <= maxSize) {
      const part = await this.readData(Math.min(this.#restOfMessage() || FIRST_CHUNK, maxSize + 1 - total), signal);
      if (part === null) {
        throw new PipeError(ERROR_BROKEN_PIPE, call, {
          pipeName: this.pipeName,
          partialMessage: concat(parts, total),
          detail: `the ${what} ended after ${total} bytes, before it was complete`,
        });
      }
      parts.push(part);
      total += part.bytes.length;
      complete = part.messageComplete;
    }
    if (total > maxSize) {
      for (const part of parts) part.release?.();
      const size = complete ? total : total + this.#restOfMessage();
      if (!complete) await this.#discardMessage(signal);
      throw new RangeError(`${what} of ${size} bytes exceeds the limit of ${maxSize} bytes`);
    }
    return concat(parts, total);
  }

  /** What the kernel reports is left of the current message (a size hint; 0 when it cannot tell). */
  #restOfMessage(): number {
    try {
      return this.kernel.peek(this.kernelHandle).bytesLeftInMessage;
    } catch {
      return 0; // e.g. ERROR_BROKEN_PIPE: the next read says so
    }
  }

  /** Reads and drops the rest of the current message. */
  async #discardMessage(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const part = await this.readData(FIRST_CHUNK, signal);
      part?.release?.();
      if (part === null || part.messageComplete) return;
    }
  }

  /**
   * Writes all of `data` (WriteFile): one message on a message pipe. On a
   * blocking handle the kernel waits for room. On a nonblocking handle,
   * which gets no notice of room, what does not fit is retried with a
   * backoff of 1 to 50 ms; on a byte pipe in pieces no larger than the
   * pipe's buffer, so it always makes progress as the reader drains the
   * pipe. A message larger than the buffer goes through only while the
   * reader has a read pending that takes it (a reader that polls with
   * tryRead never does): use a blocking handle, or a larger buffer, for
   * those.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-write`;
   * await using server = pipes.createServer(name);
   * await using client = await pipes.connect(name);
   * await client.write(new TextEncoder().encode("hi"));
   * ```
   */
  async write(data: Uint8Array, options?: SignalOptions): Promise<void> {
    requireBytes(data, "data");
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    await writeAll(this.kernel, this.kernelHandle, data, signal);
  }

  /**
   * Writes once (WriteFile) and resolves with the bytes written: all of them
   * on a blocking handle. On a nonblocking handle the kernel takes all of
   * `data` when it fits in the pipe's free buffer space, and otherwise
   * nothing (0), unless the reader has a read pending: then the reader
   * takes what it asked for, and on a byte pipe that part counts as written
   * even when the rest does not fit. It never writes "what fits now".
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-trywrite`;
   * await using server = pipes.createServer(name, { inBufferSize: 512 });
   * await using client = await pipes.connect(name, { wait: "nonblocking" });
   * await client.tryWrite(new Uint8Array(600)); // 0: 600 bytes do not fit in 512, and no read is pending
   * await client.tryWrite(new Uint8Array(512)); // 512: fits in the empty buffer
   * ```
   */
  async tryWrite(data: Uint8Array, options?: SignalOptions): Promise<number> {
    requireBytes(data, "data");
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    return await cancellable(signal, () => this.kernel.write(this.kernelHandle, data, signal));
  }

  /**
   * Writes `request` as one message and reads the whole reply
   * (TransactNamedPipe, continued with reads when the reply is larger than
   * the first buffer). Needs a message pipe in message read mode.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-transact`;
   * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
   * const accepted = server.accept();
   * await using client = await pipes.connect(name, { readMode: "message" });
   * await using conn = await accepted;
   * const serve = (async () => { await conn.readMessage(); await conn.write(new Uint8Array([42])); })();
   * await client.transact(new Uint8Array([1])); // Uint8Array [ 42 ]
   * await serve;
   * ```
   */
  async transact(request: Uint8Array, options?: TransactOptions): Promise<Uint8Array> {
    requireBytes(request, "request");
    const opts = requireOptions<TransactOptions>(options);
    const maxReplySize = requireInteger(opts.maxReplySize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxReplySize", 0, 0xffffffff);
    const signal = requireSignal(opts.signal);
    // The kernel reads the request when the call is issued: now, or (behind another whole-message
    // read) later, from a copy taken now, so that what the caller does with `request` meanwhile cannot matter.
    const message = this.#reads.idle ? request : request.slice();
    return await this.#reads.run(async () => {
      const replyLength = Math.min(FIRST_CHUNK, maxReplySize + 1);
      const first = await cancellable(
        signal,
        () => this.kernel.transact(this.kernelHandle, message, replyLength, signal),
      );
      return await this.#wholeMessage(first, maxReplySize, signal, "reply", "TransactNamedPipe");
    });
  }
}
