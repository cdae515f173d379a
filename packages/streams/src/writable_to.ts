/**
 * {@linkcode writableTo}: a WritableStream over the write side of a pipe
 * handle.
 *
 * @module
 */
import type { PipeConnection, PipeWriter } from "@winpipe/core";
import { requireBoolean, requireInteger, requireOptions, show } from "@winpipe/core/internal";
import { bytesOf } from "./bytes_of.ts";

/**
 * A handle a {@linkcode writableTo} stream writes to.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type WritableHandle, writableTo } from "@winpipe/streams";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const handle: WritableHandle = pipe.writer; // or a PipeConnection
 * const writable = writableTo(handle);
 * ```
 */
export type WritableHandle = PipeConnection | PipeWriter;

/**
 * Options of {@linkcode writableTo}.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { writableTo, type WritableOptions } from "@winpipe/streams";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const options: WritableOptions = { preventClose: true };
 * await ReadableStream.from([new Uint8Array([1])]).pipeTo(writableTo(pipe.writer, options));
 * pipe.writer.closed; // false: still open for more
 * ```
 */
export interface WritableOptions {
  /**
   * How many chunks the stream queues before `writer.ready` waits, the chunk
   * being written included. Default 1: a producer that awaits `ready` (as
   * `pipeTo` does) has at most one chunk outside the pipe, so the bytes
   * held on the writing side stay below one chunk plus the pipe's buffer.
   */
  highWaterMark?: number;
  /**
   * `close()` first writes a zero-length message, the end-of-stream marker
   * of go-winio's `CloseWrite`; a reader with `zeroLengthMessageEnds` (or a
   * go-winio peer) sees the end of the data. Only meaningful on message
   * pipes: a zero-length write on a byte pipe sends nothing. Combine with
   * `preventClose` to keep reading replies on the same handle (a
   * half-close, which Windows pipes otherwise do not have). Default false.
   */
  endOfStreamMessage?: boolean;
  /**
   * Keep the handle open when the stream is closed or aborted: `close()`
   * only writes the end-of-stream message (if asked) and `abort()` only
   * cancels the pending write. Default false: both close the handle, which
   * is how the reader learns that the data ended (ERROR_BROKEN_PIPE).
   */
  preventClose?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * Makes a WritableStream whose chunks are written to `handle`: a
 * {@linkcode PipeConnection} (client or server instance) or the
 * {@linkcode PipeWriter} of an anonymous pipe.
 *
 * - Each chunk is one write (one WriteFile on a blocking handle, so one
 *   message on a message pipe; a zero-length chunk is a zero-length message).
 *   Chunks may also be other ArrayBufferViews or ArrayBuffers; they are
 *   written from their memory, not copied, so do not change a chunk before
 *   its write resolved.
 * - Backpressure follows the pipe: a write resolves only once the kernel took
 *   all its bytes (WriteFile waits while the pipe's buffer is full), and the
 *   stream queues at most `highWaterMark` chunks (default 1) before
 *   `writer.ready` waits. A slow reader therefore slows the producer, and
 *   the memory held on the writing side is bounded by `highWaterMark`
 *   chunks plus the pipe's buffer.
 * - `close()` waits for the queued writes, writes the end-of-stream message
 *   if `endOfStreamMessage`, then closes the handle (unless
 *   `preventClose`): the reader then reads what is left and sees the end.
 *   On a duplex connection that also ends reading on this handle, since
 *   Windows pipes cannot be half-closed; see `endOfStreamMessage`.
 * - `abort()` cancels the pending write (its AbortSignal: CancelIoEx, whose
 *   unconsumed bytes are withdrawn from the pipe), waits for it to settle,
 *   then closes the handle (unless `preventClose`).
 * - A failing write (for example ERROR_NO_DATA: the reader closed) errors
 *   the stream and leaves the handle open.
 *
 * @example Text into an anonymous pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { writableTo } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe({ bufferSize: 65536 });
 * await ReadableStream.from(["hello, ", "pipe"])
 *   .pipeThrough(new TextEncoderStream())
 *   .pipeTo(writableTo(pipe.writer)); // closes the write end at the end
 * const buf = new Uint8Array(64);
 * await pipe.reader.read(buf); // 11
 * ```
 *
 * @example go-winio's CloseWrite: end the request, then read the reply
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { readableFrom, writableTo } from "@winpipe/streams";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\writable-to-closewrite`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await pipes.connect(name, { readMode: "message" });
 * await using conn = await accepted;
 * const request = writableTo(client, { endOfStreamMessage: true, preventClose: true });
 * await ReadableStream.from([new Uint8Array([1]), new Uint8Array([2])]).pipeTo(request);
 * const received = await Array.fromAsync(readableFrom(conn, { zeroLengthMessageEnds: true })); // 2 messages
 * await conn.write(new Uint8Array([received.length])); // the reply, on the same handles
 * await client.readMessage(); // Uint8Array [2]
 * ```
 */
export function writableTo(handle: WritableHandle, options?: WritableOptions): WritableStream<Uint8Array> {
  if (typeof (handle as { write?: unknown } | null)?.write !== "function") {
    throw new TypeError(`handle must be a PipeConnection or a PipeWriter: got ${show(handle)}`);
  }
  const opts = requireOptions<WritableOptions>(options);
  const highWaterMark = requireInteger(opts.highWaterMark ?? 1, "highWaterMark", 1, Number.MAX_SAFE_INTEGER);
  const endOfStreamMessage = requireBoolean(opts.endOfStreamMessage ?? false, "endOfStreamMessage");
  const preventClose = requireBoolean(opts.preventClose ?? false, "preventClose");
  const release = () => {
    if (!preventClose) handle.close();
  };
  return new WritableStream<Uint8Array>({
    async write(chunk, controller) {
      // controller.signal aborts as soon as abort() is called, while this
      // write is still pending: the kernel cancels it (CancelIoEx), this
      // promise rejects, and only then does the stream call abort() below.
      // (WritableStreamDefaultController.signal: Deno, Bun and Node 18+ have
      // it; bun-types does not declare it yet.)
      const { signal } = controller as WritableStreamDefaultController & { signal?: AbortSignal };
      await handle.write(bytesOf(chunk), { signal });
    },
    async close() {
      try {
        if (endOfStreamMessage) await handle.write(EMPTY);
      } finally {
        release();
      }
    },
    abort() {
      release();
    },
  }, new CountQueuingStrategy({ highWaterMark }));
}
