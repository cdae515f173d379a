/**
 * The handle classes of the public API: {@linkcode PipeHandle} (what every
 * pipe end can do) and {@linkcode PipeConnection} (reading and writing on a
 * named pipe end).
 *
 * @module
 */
import {
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { abortError, errorBehaviour, isPipeError, type PipeCall } from "../errors.ts";
import type { KernelHandle, PipeKernel, ProcessKernel, ReadResult } from "../port.ts";
import type { PipeReader, PipeWriter } from "./anonymous.ts";
import {
  requireBytes,
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  validateBufferSize,
} from "../validate.ts";

export type { ReadResult } from "../port.ts";

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
 * handle takes everything in one call; a nonblocking handle takes what fits,
 * and when nothing fits the rest is retried with a short backoff (there is no
 * notification of room in nonblocking mode).
 */
export async function writeAll(
  kernel: PipeKernel,
  handle: KernelHandle,
  data: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<void> {
  let offset = 0;
  let backoff = POLL_MIN_MS;
  do {
    const written = await cancellable(signal, () => kernel.write(handle, data.subarray(offset), signal));
    offset += written;
    if (offset < data.length) {
      if (written > 0) {
        backoff = POLL_MIN_MS;
      } else {
        await delay(backoff, signal);
        backoff = Math.min(backoff * 2, POLL_MAX_MS);
      }
    }
  } while (offset < data.length);
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

/** A sequence of async sections that must not interleave (whole-message reads). */
class Serializer {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(section, section);
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
    try {
      return await cancellable(signal, () => this.kernel.read(this.kernelHandle, buffer, signal));
    } catch (err) {
      if (behaviourOf("read", err) === "end-of-data") return null;
      throw err;
    }
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
      const first = new Uint8Array(Math.min(FIRST_CHUNK, maxSize));
      const result = await this.read(first, { signal });
      if (result === null) return null;
      return await this.#completeMessage(first, result, maxSize, signal, "message");
    });
  }

  /** Reads the rest of a message whose first part is in `first`. */
  async #completeMessage(
    first: Uint8Array,
    result: ReadResult,
    maxSize: number,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<Uint8Array> {
    if (result.messageComplete) {
      // Copy small messages out of the large first buffer so it can be freed.
      return result.bytesRead * 2 < first.length
        ? first.slice(0, result.bytesRead)
        : first.subarray(0, result.bytesRead);
    }
    const left = this.kernel.peek(this.kernelHandle).bytesLeftInMessage;
    const total = result.bytesRead + left;
    if (total > maxSize) {
      await this.#discardMessage(signal);
      throw new RangeError(`${what} of ${total} bytes exceeds the limit of ${maxSize} bytes`);
    }
    const whole = new Uint8Array(total);
    whole.set(first.subarray(0, result.bytesRead));
    let filled = result.bytesRead;
    for (;;) {
      const part = await this.read(whole.subarray(filled), { signal });
      if (part === null) throw new RangeError(`${what} ended before it was complete`);
      filled += part.bytesRead;
      if (part.messageComplete) return whole.subarray(0, filled);
      if (filled === whole.length) throw new RangeError(`${what} grew beyond the size the pipe reported`);
    }
  }

  /** Reads and drops the rest of the current message. */
  async #discardMessage(signal: AbortSignal | undefined): Promise<void> {
    const sink = new Uint8Array(FIRST_CHUNK);
    for (;;) {
      const part = await this.read(sink, { signal });
      if (part === null || part.messageComplete) return;
    }
  }

  /**
   * Writes all of `data` (WriteFile): one message on a message pipe. On a
   * blocking handle the kernel waits for room; on a nonblocking handle the
   * remainder is retried with a short backoff until written.
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
   * on a blocking handle; on a nonblocking handle as many as the pipe takes
   * now (none on a message pipe that lacks room).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-trywrite`;
   * await using server = pipes.createServer(name, { inBufferSize: 512 });
   * await using client = await pipes.connect(name, { wait: "nonblocking" });
   * await client.tryWrite(new Uint8Array(600)); // 512
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
    return await this.#reads.run(async () => {
      const first = new Uint8Array(Math.min(FIRST_CHUNK, maxReplySize));
      const result = await cancellable(signal, () => this.kernel.transact(this.kernelHandle, request, first, signal));
      return await this.#completeMessage(first, result, maxReplySize, signal, "reply");
    });
  }
}
