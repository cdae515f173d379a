/**
 * {@linkcode readableFrom}: a ReadableStream over the read side of a pipe
 * handle.
 *
 * @module
 */
import { DEFAULT_MAX_MESSAGE_SIZE, type PipeConnection, type PipeReader } from "@winpipe/core";
import { requireBoolean, requireInteger, requireOptions, show, startCall } from "@winpipe/core/internal";
import { ChunkReads } from "./read_chunks.ts";
import { readSome } from "./read_some.ts";
import { untilData } from "./until_data.ts";

/**
 * A handle a {@linkcode readableFrom} stream reads from.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type ReadableHandle, readableFrom } from "@winpipe/streams";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const handle: ReadableHandle = pipe.reader; // or a PipeConnection
 * const readable = readableFrom(handle);
 * ```
 */
export type ReadableHandle = PipeConnection | PipeReader;

/**
 * How {@linkcode readableFrom} turns reads into chunks:
 * - "byte": a byte stream (`type: "bytes"`, BYOB readers welcome); chunks are
 *   whatever each ReadFile returned, message boundaries are not kept.
 * - "message": one chunk per whole message (readMessage), zero-length
 *   messages included as empty chunks. Needs the handle in message read mode.
 * - "auto": "message" when the handle is in message read mode when the
 *   stream is made, otherwise "byte".
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom, type ReadableMode } from "@winpipe/streams";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const mode: ReadableMode = "byte"; // what "auto" picks for an anonymous pipe
 * const readable = readableFrom(pipe.reader, { mode });
 * ```
 */
export type ReadableMode = "auto" | "byte" | "message";

/**
 * Options of {@linkcode readableFrom}.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom, type ReadableOptions } from "@winpipe/streams";
 * const { createPipe } = createWinpipe(createModelKernel());
 * const pipe = createPipe();
 * await pipe.writer.write(new TextEncoder().encode("bye"));
 * pipe.writer.close();
 * const options: ReadableOptions = { closeOnEnd: true }; // the stream alone uses the read end
 * await new Response(readableFrom(pipe.reader, options)).text(); // "bye"
 * pipe.reader.closed; // true
 * ```
 */
export interface ReadableOptions {
  /** How reads become chunks. Default "auto" (the handle's read mode when the stream is made). */
  mode?: ReadableMode;
  /**
   * Byte mode: the size of every read when the reader does not bring its own
   * buffer (a default reader), so the largest chunk. BYOB readers read into
   * their view, whatever its size. Default: adaptive, from 64 KiB up to
   * 256 KiB while reads keep filling their buffer and back down when the
   * pipe runs dry (fewer, larger ReadFiles while a writer is ahead; see
   * {@linkcode readableFrom}).
   */
  chunkSize?: number;
  /**
   * Message mode: the largest message accepted, in bytes. A larger message
   * is read and discarded (the pipe stays at a message boundary) and the
   * stream errors with a RangeError; the handle stays open and usable.
   * Default 16 MiB.
   */
  maxMessageSize?: number;
  /**
   * End the stream at a zero-length message instead of delivering it (message
   * read mode) or reading on past it (byte read mode, where a message pipe's
   * zero-length message is a read of 0 bytes), like go-winio, whose
   * `CloseWrite` sends a zero-length message as the end-of-stream marker (see
   * `endOfStreamMessage` of `writableTo`) and which reads message pipes in
   * byte mode. The handle stays open (unless `closeOnEnd`), so this end can
   * still write its reply. Default false.
   */
  zeroLengthMessageEnds?: boolean;
  /**
   * `cancel()` of the stream cancels the pending read (its AbortSignal:
   * CancelIoEx), waits for it to settle, then closes the handle. False keeps
   * the handle open: only the read is cancelled. Default true.
   */
  closeOnCancel?: boolean;
  /**
   * Close the handle when the stream finishes on its own: at the end of the
   * data (ERROR_BROKEN_PIPE, or the zero-length message with
   * `zeroLengthMessageEnds`) or when a read fails. Useful when the stream is
   * the handle's only user (the read end of an anonymous pipe). Default
   * false: the handle stays open for writing, peeking and its state.
   */
  closeOnEnd?: boolean;
  /**
   * How much to read ahead of the consumer: bytes in byte mode, messages in
   * message mode. Default 0: a ReadFile is issued only when the consumer
   * asks for data, so nothing accumulates in the stream. A read that fails
   * (an oversized message, a broken pipe) errors the stream only once the
   * consumer has taken what was read ahead of it.
   */
  highWaterMark?: number;
}

interface Settings {
  /** Undefined: reads adapt within READ_SIZES. */
  chunkSize: number | undefined;
  maxMessageSize: number;
  zeroLengthMessageEnds: boolean;
  closeOnCancel: boolean;
  closeOnEnd: boolean;
  highWaterMark: number;
}

/** Lifecycle of a readable: the AbortSignal of its reads and the read in progress. */
class ReadState {
  readonly #handle: ReadableHandle;
  readonly #settings: Settings;
  readonly #abort = new AbortController();
  #inFlight: Promise<unknown> | undefined;

  constructor(handle: ReadableHandle, settings: Settings) {
    this.#handle = handle;
    this.#settings = settings;
  }

  /** The signal every read of the stream takes; aborted by cancel(). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** True once the stream was cancelled: results of reads still in flight are dropped. */
  get cancelled(): boolean {
    return this.#abort.signal.aborted;
  }

  /**
   * Runs one read. Resolves with its result, with null at the end of the
   * data (including a read failing because this process closed the handle,
   * e.g. the writable of the same connection was closed), or with
   * "cancelled" when cancel() interrupted it. Other failures reject.
   */
  read<T>(run: () => Promise<T | null>): Promise<T | null | "cancelled"> {
    // A promise chain, not an async function: it runs for every chunk (docs/benchmarks.md, seventeenth round).
    const op = startCall(run);
    this.#inFlight = op;
    return op.then(
      (result) => {
        this.#inFlight = undefined;
        return result;
      },
      (err) => {
        this.#inFlight = undefined;
        if (this.cancelled) return "cancelled";
        if (this.#handle.closed) return null;
        this.ended();
        throw err;
      },
    );
  }

  /** The stream finished on its own (end of data or error). */
  ended(): void {
    if (this.#settings.closeOnEnd) this.#handle.close();
  }

  /** cancel(): aborts the read in flight, waits for it to settle, closes the handle. */
  async cancel(): Promise<void> {
    this.#abort.abort();
    await this.#inFlight?.catch(() => {});
    if (this.#settings.closeOnCancel) this.#handle.close();
  }
}

/** What {@linkcode queuedFirst} needs of a stream's controller. */
interface QueueController {
  readonly desiredSize: number | null;
  error(error?: unknown): void;
}

/**
 * `pull`, except that a failure waits behind the chunks already queued: a
 * stream errors its queue away (WHATWG), and with read-ahead
 * (`highWaterMark` above 0) those chunks were data already taken from the
 * pipe, which would be lost. The consumer gets them, then the error.
 */
function queuedFirst<C extends QueueController>(
  highWaterMark: number,
  pull: (controller: C) => Promise<void>,
): (controller: C) => Promise<void> {
  let waiting: { error: unknown } | undefined;
  const queued = (controller: C) => controller.desiredSize !== null && controller.desiredSize < highWaterMark;
  // A promise chain, not an async function: it runs for every chunk (docs/benchmarks.md, seventeenth round).
  return (controller) => {
    if (waiting === undefined) {
      return pull(controller).catch((error) => {
        if (!queued(controller)) throw error;
        waiting = { error };
      });
    }
    // Called again as the consumer takes the queued chunks: the error once they are all taken.
    if (!queued(controller)) controller.error(waiting.error);
    return Promise.resolve();
  };
}

function byteStream(handle: ReadableHandle, settings: Settings): ReadableStream<Uint8Array<ArrayBuffer>> {
  const state = new ReadState(handle, settings);
  const reads = new ChunkReads(settings.chunkSize);
  return new ReadableStream({
    type: "bytes",
    pull: queuedFirst(settings.highWaterMark, async (controller: ReadableByteStreamController) => {
      const request = controller.byobRequest;
      const given = request?.view;
      // A BYOB reader's view gets the data copied in from the backend's buffer; a default reader's
      // chunk is the backend's buffer itself, read at the adaptive size (ChunkReads).
      const view = request && given ? new Uint8Array(given.buffer, given.byteOffset, given.byteLength) : undefined;
      const result = await state.read<number | Uint8Array<ArrayBuffer>>(() =>
        view
          ? readSome(handle, view, state.signal, settings.zeroLengthMessageEnds)
          : reads.read(handle, state.signal, settings.zeroLengthMessageEnds)
      );
      if (result === "cancelled") return;
      if (result === null) {
        controller.close();
        // A BYOB read waiting now ends only when its request is answered: the one this pull started with,
        // or one that arrived while a read ahead was pending (WHATWG Streams, ReadableByteStreamControllerClose).
        controller.byobRequest?.respond(0);
        state.ended();
        return;
      }
      if (typeof result === "number") return request!.respond(result);
      controller.enqueue(result);
    }),
    cancel: () => state.cancel(),
  }, { highWaterMark: settings.highWaterMark });
}

function messageStream(handle: PipeConnection, settings: Settings): ReadableStream<Uint8Array<ArrayBuffer>> {
  const state = new ReadState(handle, settings);
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull: queuedFirst(settings.highWaterMark, async (controller: ReadableStreamDefaultController) => {
      const message = await state.read(() =>
        untilData(() => handle.readMessage({ maxSize: settings.maxMessageSize, signal: state.signal }), state.signal)
      );
      if (message === "cancelled") return;
      if (message === null || (message.length === 0 && settings.zeroLengthMessageEnds)) {
        controller.close();
        state.ended();
        return;
      }
      controller.enqueue(message as Uint8Array<ArrayBuffer>); // readMessage allocates: never a SharedArrayBuffer
    }),
    cancel: () => state.cancel(),
  }, new CountQueuingStrategy({ highWaterMark: settings.highWaterMark }));
}

/** The handle's read mode, or "byte" when it cannot be asked (closed, disconnected). */
function readModeOf(handle: ReadableHandle): "byte" | "message" {
  if (!("readMessage" in handle)) return "byte";
  try {
    return handle.state().readMode;
  } catch {
    return "byte";
  }
}

/**
 * Makes a ReadableStream of what `handle` reads: a {@linkcode PipeConnection}
 * (client or server instance) or the {@linkcode PipeReader} of an anonymous
 * pipe.
 *
 * - Byte read mode: a byte stream (`type: "bytes"`). A BYOB reader's view is
 *   handed to ReadFile as it is, so the data lands in the caller's memory
 *   with no copy beyond the kernel's. A default reader gets chunks of up to
 *   `chunkSize` bytes; without a `chunkSize` the reads start at 64 KiB and
 *   double (up to 256 KiB) while each one fills its buffer, and halve when
 *   one comes back half full or less, so a pending read holds little while
 *   the pipe is quiet and a fast writer is read in few, large ReadFiles. A
 *   chunk much smaller than its read is copied out, so it does not keep the
 *   read's buffer alive. The stream closes at the end of the data: every
 *   writer closed and everything read (ERROR_BROKEN_PIPE).
 * - Message read mode: one chunk per whole message, reassembled from
 *   ERROR_MORE_DATA parts; a zero-length message is an empty chunk (or the
 *   end, with `zeroLengthMessageEnds`); a message over `maxMessageSize`
 *   errors the stream with a RangeError.
 *
 * Reads happen only when the consumer asks (`highWaterMark` 0), so a slow
 * consumer leaves the data in the pipe and the writer's WriteFile waits:
 * backpressure reaches the other process. `cancel()` cancels the pending
 * read (CancelIoEx) and, unless `closeOnCancel` is false, closes the handle.
 * The end of the data leaves the handle open unless `closeOnEnd` is true. A
 * read that fails because this process closed the handle ends the stream
 * cleanly; other failures error it.
 *
 * Nonblocking handles are polled (1 to 50 ms backoff) while they report
 * ERROR_NO_DATA. The read mode is sampled once, when the stream is made.
 *
 * @example Text from an anonymous pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new TextEncoder().encode("hello"));
 * pipe.writer.close();
 * let text = "";
 * for await (const part of readableFrom(pipe.reader).pipeThrough(new TextDecoderStream())) text += part;
 * text; // "hello"
 * ```
 *
 * @example A BYOB reader: ReadFile writes into the caller's buffer
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * await pipe.writer.write(new Uint8Array([1, 2, 3]));
 * const reader = readableFrom(pipe.reader).getReader({ mode: "byob" });
 * const { value } = await reader.read(new Uint8Array(1024)); // Uint8Array [1, 2, 3], same memory
 * ```
 *
 * @example Whole messages, with a size limit
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom } from "@winpipe/streams";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\readable-from-messages`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await pipes.connect(name);
 * await using conn = await accepted;
 * await client.write(new Uint8Array([1]));
 * await client.write(new Uint8Array(0));
 * client.close();
 * const messages = await Array.fromAsync(readableFrom(conn, { maxMessageSize: 1024 }));
 * messages; // [Uint8Array [1], Uint8Array []]
 * ```
 */
export function readableFrom(
  handle: ReadableHandle,
  options?: ReadableOptions,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (typeof (handle as { read?: unknown } | null)?.read !== "function") {
    throw new TypeError(`handle must be a PipeConnection or a PipeReader: got ${show(handle)}`);
  }
  const opts = requireOptions<ReadableOptions>(options);
  const mode = opts.mode ?? "auto";
  if (mode !== "auto" && mode !== "byte" && mode !== "message") {
    throw new TypeError(`mode must be one of "auto", "byte", "message": got ${show(mode)}`);
  }
  const settings: Settings = {
    chunkSize: opts.chunkSize === undefined ? undefined : requireInteger(opts.chunkSize, "chunkSize", 1, 0x7fffffff),
    maxMessageSize: requireInteger(opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxMessageSize", 0, 0xffffffff),
    zeroLengthMessageEnds: requireBoolean(opts.zeroLengthMessageEnds ?? false, "zeroLengthMessageEnds"),
    closeOnCancel: requireBoolean(opts.closeOnCancel ?? true, "closeOnCancel"),
    closeOnEnd: requireBoolean(opts.closeOnEnd ?? false, "closeOnEnd"),
    highWaterMark: requireInteger(opts.highWaterMark ?? 0, "highWaterMark", 0, Number.MAX_SAFE_INTEGER),
  };
  const readMode = readModeOf(handle);
  const chosen = mode === "auto" ? readMode : mode;
  if (chosen === "message") {
    if (!("readMessage" in handle) || readMode !== "message") {
      throw new TypeError(
        `mode "message" needs a handle in message read mode: ${
          "readMessage" in handle ? `the handle of "${handle.pipeName}" is in byte read mode` : "got a PipeReader"
        }`,
      );
    }
    return messageStream(handle, settings);
  }
  return byteStream(handle, settings);
}
