/**
 * {@linkcode PipeConnection}: a named pipe end that reads and writes.
 *
 * @module
 */
import type { KernelHandle, ReadData } from "../port.ts";
import { startCall } from "../start_call.ts";
import { requireBytes, requireInteger, requireOptions, requireSignal } from "../validate.ts";
import { ConnectionDeadlines, type ConnectionTimeouts } from "./connection_timeouts.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { HandleContext } from "./handle_context.ts";
import { NamedPipeHandle } from "./named_pipe_handle.ts";
import type { ReadMessageOptions, TransactOptions, TransactSyncOptions } from "./connection_options.ts";
import type { ReadResult } from "./read_delivery.ts";
import { Serializer } from "./serializer.ts";
import type { SignalOptions } from "./signals.ts";
import { DEFAULT_MAX_MESSAGE_SIZE, FIRST_CHUNK, type MessageSource, readWholeMessage } from "./whole_message.ts";
import { transactWholeSync } from "./whole_message_sync.ts";
import { writeAll } from "./write_all.ts";

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
export class PipeConnection extends NamedPipeHandle {
  readonly #reads = new Serializer();
  /** The idle and read timeouts, when the connection has any (connection_timeouts.ts). */
  readonly #deadlines: ConnectionDeadlines | undefined;

  /**
   * @internal Use connect, createServer or createNamedPipe. With
   * `timeouts`, the idle clock starts now unless `startTimeouts` is false
   * (a server instance starts it when its client arrives).
   */
  constructor(context: HandleContext, handle: KernelHandle, timeouts?: ConnectionTimeouts, startTimeouts = true) {
    super(context, handle);
    if (timeouts !== undefined) {
      this.#deadlines = new ConnectionDeadlines(timeouts, handle.pipeName, () => this.close());
      if (startTimeouts) this.#deadlines.start();
    }
  }

  /** Starts the idle clock of a connection that has an idle timeout (a server instance, once its client is there). */
  protected startTimeouts(): void {
    this.#deadlines?.start();
  }

  /** Runs an operation under the connection's timeouts (`read`: the read timeout too), or as it is without any. */
  #timed<T>(
    what: string,
    signal: AbortSignal | undefined,
    read: boolean,
    operation: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    return this.#deadlines === undefined ? operation(signal) : this.#deadlines.run(what, signal, read, operation);
  }

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
    return this.cachedReadable();
  }

  /**
   * A WritableStream whose chunks this end writes: one message per chunk on
   * a message pipe; on a byte pipe small chunks written in one turn are
   * gathered into one WriteFile, and writes are pipelined (a write resolves
   * once issued; `close()` once the kernel took every byte). Made once (then cached) by the
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
    return this.cachedWritable();
  }

  /**
   * Reads into `buffer`
   * ([ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)).
   * Resolves with the bytes read and whether the message is complete (false
   * when a message did not fit: the rest stays in the pipe), or null at the end
   * of the data (the other end closed and everything was read:
   * ERROR_BROKEN_PIPE). A blocking handle waits for data; on a nonblocking
   * handle with nothing to read this throws ERROR_NO_DATA (use
   * {@linkcode PipeConnection.tryRead}). The bytes are copied into `buffer`
   * when the read completes; a `buffer` in shared memory (a
   * SharedArrayBuffer's) the kernel reads into directly, with no copy
   * (docs/buffer-ownership.md, "Shared memory").
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
  read(buffer: Uint8Array, options?: SignalOptions): Promise<ReadResult | null> {
    // Not async (bad arguments still reject): no suspended frame per pending read.
    return startCall(() => {
      requireBytes(buffer, "buffer");
      const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
      return this.#timed("read", signal, true, (signal) => this.readInto(buffer, signal));
    });
  }

  /** `readOwned` (@winpipe/core/internal) on a connection: with its timeouts, as {@linkcode PipeConnection.read}. */
  protected override readOwned(length: number, signal: AbortSignal | undefined): Promise<ReadData | null> {
    return this.#timed("read", signal, true, (signal) => this.readData(length, signal));
  }

  /**
   * Like {@linkcode PipeConnection.read}
   * ([ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)),
   * but on a nonblocking handle an empty pipe resolves with "no-data"
   * (ERROR_NO_DATA) instead of throwing.
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
   * Reads one whole message, reassembled from as many
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * calls as it takes (ERROR_MORE_DATA parts). Resolves with its bytes (an
   * empty array for a zero-length message), or null at the end of the data.
   * Needs message read mode. Concurrent calls on one handle take turns (with
   * `transact`); one whose signal aborts while it waits for its turn rejects
   * at once.
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
      const first = await this.#timed(
        "readMessage",
        signal,
        true,
        (signal) => this.readData(Math.min(FIRST_CHUNK, maxSize + 1), signal),
      );
      if (first === null) return null;
      return await this.#wholeMessage(first, maxSize, signal, "message", "ReadFile");
    }, signal);
  }

  /** The rest of the message whose first part is `first`: see {@linkcode readWholeMessage}. */
  #wholeMessage(
    first: ReadData,
    maxSize: number,
    signal: AbortSignal | undefined,
    what: string,
    call: string,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const source: MessageSource = {
      pipeName: this.pipeName,
      // The rest of a message that has begun is coming: only the idle timeout bounds it.
      read: (length) => this.#timed(call, signal, false, (signal) => this.readData(length, signal)),
      readUncancelled: (length) => this.#timed(call, undefined, false, (signal) => this.readData(length, signal)),
      get aborted() {
        return signal?.aborted === true;
      },
      restOfMessage: () => {
        try {
          return this.kernel.peek(this.kernelHandle).bytesLeftInMessage;
        } catch {
          return 0; // e.g. ERROR_BROKEN_PIPE: the next read says so
        }
      },
    };
    return readWholeMessage(source, first, maxSize, what, call);
  }

  /**
   * Writes all of `data`
   * ([WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)):
   * one message on a message pipe. On a blocking handle the kernel waits for
   * room. On a nonblocking handle, which gets no notice of room, what does not
   * fit is retried with a backoff of 1 to 50 ms; on a byte pipe in pieces no
   * larger than the pipe's buffer, so it always makes progress as the reader
   * drains the pipe. A message larger than the buffer goes through only while
   * the reader has a read pending that takes it (a reader that polls with
   * tryRead never does): use a blocking handle, or a larger buffer, for those.
   * `data` is copied during the call; `data` in shared memory (a
   * SharedArrayBuffer's) the kernel writes from directly, with no copy, so
   * leave it unchanged until the write settles.
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
    await this.#timed("write", signal, false, (signal) => writeAll(this.kernel, this.kernelHandle, data, signal));
  }

  /** `writeOwned` (@winpipe/core/internal) on a connection: with its timeouts, as {@linkcode PipeConnection.write}. */
  protected override writeOwned(data: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined): Promise<void> {
    return this.#timed("write", signal, false, (signal) => super.writeOwned(data, signal));
  }

  /**
   * Writes once
   * ([WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile))
   * and resolves with the bytes written: all of them on a blocking handle. On a
   * nonblocking handle the kernel takes all of `data` when it fits in the
   * pipe's free buffer space, and otherwise nothing (0), unless the reader has
   * a read pending: then the reader takes what it asked for, and on a byte pipe
   * that part counts as written even when the rest does not fit. It never
   * writes "what fits now".
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
    return await this.#timed(
      "tryWrite",
      signal,
      false,
      (signal) => cancellable(signal, () => this.kernel.write(this.kernelHandle, data, signal)),
    );
  }

  /**
   * Writes `request` as one message and reads the whole reply
   * ([TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe),
   * continued with
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * calls when the reply is larger than the first buffer). Needs a message pipe
   * in message read mode. Takes turns with `readMessage` on the same handle;
   * a call whose signal aborts while it waits for its turn rejects at once.
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
      const first = await this.#timed(
        "transact",
        signal,
        true,
        (signal) => cancellable(signal, () => this.kernel.transact(this.kernelHandle, message, replyLength, signal)),
      );
      return await this.#wholeMessage(first, maxReplySize, signal, "reply", "TransactNamedPipe");
    }, signal);
  }

  /**
   * Reads into `buffer` in the calling thread
   * ([ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)),
   * as {@linkcode PipeConnection.read} does, and returns what it read, or
   * null at the end of the data. **It blocks the event loop** until data
   * arrives (on a blocking handle): no timer, promise or other I/O of this
   * thread runs meanwhile, and the connection's timeouts cannot interrupt
   * it. For scripts and CLIs that want the lowest latency; a nonblocking
   * handle with nothing to read throws ERROR_NO_DATA at once. The model
   * throws an Error instead of waiting (nothing could write meanwhile).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-readsync`;
   * using server = pipes.createServer(name);
   * const accepted = server.accept();
   * using client = await pipes.connect(name);
   * using conn = await accepted;
   * client.writeSync(new Uint8Array([1, 2, 3]));
   * conn.readSync(new Uint8Array(16)); // { bytesRead: 3, messageComplete: true }
   * ```
   */
  readSync(buffer: Uint8Array): ReadResult | null {
    requireBytes(buffer, "buffer");
    const result = this.readIntoSync(buffer);
    this.#deadlines?.activity();
    return result;
  }

  /**
   * Writes `data` in the calling thread
   * ([WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile))
   * and returns the bytes written: all of them on a blocking handle (one
   * message on a message pipe); on a nonblocking handle what
   * {@linkcode PipeConnection.tryWrite} would. **It blocks the event loop**
   * until the kernel has taken the data (on a blocking handle, until there
   * is room for it); the connection's timeouts cannot interrupt it.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-writesync`;
   * using server = pipes.createServer(name);
   * using client = await pipes.connect(name);
   * client.writeSync(new TextEncoder().encode("hi")); // 2
   * ```
   */
  writeSync(data: Uint8Array): number {
    requireBytes(data, "data");
    const written = this.kernel.writeSync(this.kernelHandle, data);
    this.#deadlines?.activity();
    return written;
  }

  /**
   * Writes `request` as one message and reads the whole reply in the
   * calling thread
   * ([TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe),
   * then [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * for a reply larger than the first buffer), as
   * {@linkcode PipeConnection.transact} does. **It blocks the event loop**
   * until the reply has come, so the server must be another thread or
   * process (the model, in this thread, throws an Error instead of waiting).
   * Throws a TypeError while a readMessage or transact of this connection is
   * in progress.
   *
   * @example
   * ```ts
   * import { createWinpipe, isPipeError } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-transactsync`;
   * using server = pipes.createServer(name); // a byte pipe
   * using client = await pipes.connect(name);
   * try {
   *   client.transactSync(new Uint8Array([1])); // with a server process: the reply
   * } catch (err) {
   *   isPipeError(err) && err.code; // 230 (ERROR_BAD_PIPE): transact needs a message pipe
   * }
   * ```
   */
  transactSync(request: Uint8Array, options?: TransactSyncOptions): Uint8Array {
    requireBytes(request, "request");
    const opts = requireOptions<TransactSyncOptions>(options);
    const maxReplySize = requireInteger(opts.maxReplySize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxReplySize", 0, 0xffffffff);
    if (!this.#reads.idle) {
      throw new TypeError(
        `transactSync: a readMessage or transact of "${this.pipeName}" is in progress; await it first`,
      );
    }
    const reply = transactWholeSync(this.kernel, this.kernelHandle, request, maxReplySize);
    this.#deadlines?.activity();
    return reply;
  }

  /**
   * Waits until the other end has read everything written to it
   * (FlushFileBuffers); the connection's idle timeout bounds the wait.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-flush`;
   * await using server = pipes.createServer(name);
   * await using client = await pipes.connect(name);
   * await client.flush(); // nothing written: resolves at once
   * ```
   */
  override async flush(options?: SignalOptions): Promise<void> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    await this.#timed("flush", signal, false, (signal) => super.flush({ signal }));
  }

  /**
   * Closes the handle (CloseHandle), and stops its timeouts. Pending
   * operations on it fail. Calling it again does nothing.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-close`;
   * using server = pipes.createServer(name);
   * const client = await pipes.connect(name, { idleTimeout: 30_000 });
   * client.close(); // no timer is left behind
   * ```
   */
  override close(): void {
    this.#deadlines?.stop();
    super.close();
  }
}
