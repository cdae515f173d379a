/**
 * {@linkcode writableTo}: a WritableStream over the write side of a pipe
 * handle.
 *
 * @module
 */
import type { PipeConnection, PipeWriter } from "@winpipe/core";
import {
  bytesOf,
  requireBoolean,
  requireInteger,
  requireOptions,
  show,
  writeEndOfStream,
} from "@winpipe/core/internal";
import { GATHER_LIMITS, WritePump } from "./write_pump.ts";

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
   * `pipeTo` does) has at most one chunk queued in the stream.
   */
  highWaterMark?: number;
  /**
   * How many WriteFiles the stream keeps pending in the kernel after their
   * `write()` resolved. Default 2: a write resolves once its WriteFile was
   * issued (the bytes were copied); on a message pipe the next chunk's
   * WriteFile is issued while the previous is still pending and a third
   * waits for one of them to complete; on a byte pipe the chunks behind a
   * pending write are gathered and the second slot takes the gather once it
   * is full (see `gatherLimit` and {@linkcode writableTo}); so the kernel
   * always has the next bytes and no turn of the event loop is lost between
   * two writes.
   * 0: each write resolves only once the kernel took
   * all its bytes, one WriteFile per chunk, none gathered (the strictest
   * acknowledgement, and the slowest). A nonblocking handle always behaves
   * as 0 (its writes take the chunk in pieces, reading it as they go).
   */
  writesInFlight?: number;
  /**
   * On a byte pipe, the most bytes the stream gathers into one WriteFile
   * (see {@linkcode writableTo}). Default: four times the pipe's buffer
   * (the buffer clamped to 4 to 64 KiB, so 16 to 256 KiB). It bounds the
   * memory a fast producer can fill on the writing side: each write in
   * flight holds up to one gather, and one more is being filled (or, full,
   * waits for a slot with the producer). 0 gathers nothing: every chunk is
   * its own WriteFile.
   */
  gatherLimit?: number;
  /**
   * `close()` first writes a zero-length message, the end-of-stream marker
   * of go-winio's `CloseWrite`; a reader with `zeroLengthMessageEnds` (or a
   * go-winio peer) sees the end of the data. As go-winio does, it first
   * waits until the reader took every byte (FlushFileBuffers), so that the
   * marker is read on its own: on Windows a byte-mode read that takes data
   * may take a zero-length message queued behind it along (W-D33), and the
   * reader would never see the end. So `close()` resolves once the reader
   * has read the data. Only meaningful on message pipes: a zero-length write
   * on a byte pipe sends nothing. Combine with `preventClose` to keep
   * reading replies on the same handle (a half-close, which Windows pipes
   * otherwise do not have). Default false.
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

/**
 * Makes a WritableStream whose chunks are written to `handle`: a
 * {@linkcode PipeConnection} (client or server instance) or the
 * {@linkcode PipeWriter} of an anonymous pipe.
 *
 * - Writes are pipelined: a `write()` resolves once its WriteFile was issued
 *   (the backend copies the bytes during the call, so the chunk's memory may
 *   be reused at once), and up to `writesInFlight` WriteFiles (default 2)
 *   are pending in the kernel at once, in order. A write that fails errors
 *   the stream: the next `write()`, `ready` and `close()` reject with its
 *   PipeError (the write that failed may already have resolved), and what
 *   was accepted after it is not written.
 * - On a message pipe each chunk is one WriteFile, so one message (a
 *   zero-length chunk is a zero-length message).
 * - On a byte pipe, where chunk boundaries carry no meaning, chunks are
 *   gathered as Node's writev does. While a WriteFile is pending, the chunks
 *   given meanwhile are copied into one buffer of up to `gatherLimit` bytes
 *   (default four times the pipe's buffer, at most 256 KiB), written as one
 *   WriteFile once it is full (in the next free slot) or once no write is
 *   pending any more: a producer that is ahead of the pipe makes a few large
 *   writes instead of many small ones. And small chunks (under the pipe's
 *   buffer size) are gathered within one turn of the event loop even while
 *   a slot is free: the first of a turn is written at once when nothing is
 *   pending (a lone request waits for nothing), the ones after it go into
 *   the gather, written when it is full or the turn ends. Many small frames
 *   then cost one WriteFile per gather instead of one each. A chunk larger
 *   than half of `gatherLimit` is written on its own, in order.
 * - Chunks may also be other ArrayBufferViews or ArrayBuffers.
 * - Backpressure follows the pipe: a WriteFile stays pending while the
 *   pipe's buffer is full, the next write waits once `writesInFlight` of
 *   them are pending and the gather is full, and the stream queues at most
 *   `highWaterMark` chunks (default 1) before `writer.ready` waits. A slow
 *   reader therefore slows the producer; the bytes held on the writing side
 *   are bounded by `highWaterMark` chunks, `writesInFlight + 1` gathers of
 *   up to `gatherLimit` (the writes pending and the one being filled), and
 *   the pipe's buffer.
 * - `close()` waits until the kernel completed every write (and rejects with
 *   the failure of any), writes the end-of-stream message
 *   if `endOfStreamMessage` (once the reader took the data), then closes the handle (unless
 *   `preventClose`): the reader then reads what is left and sees the end.
 *   On a duplex connection that also ends reading on this handle, since
 *   Windows pipes cannot be half-closed; see `endOfStreamMessage`.
 * - `abort()` cancels the pending writes (their AbortSignal: CancelIoEx,
 *   whose unconsumed bytes are withdrawn from the pipe), drops what was
 *   gathered or waiting, waits for the cancelled writes to settle, then
 *   closes the handle (unless `preventClose`).
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
 * // The server reads while the client writes: close() waits until the server took the data.
 * const receiving = Array.fromAsync(readableFrom(conn, { zeroLengthMessageEnds: true }));
 * await ReadableStream.from([new Uint8Array([1]), new Uint8Array([2])]).pipeTo(request);
 * const received = await receiving; // 2 messages
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
  const writesInFlight = requireInteger(opts.writesInFlight ?? 2, "writesInFlight", 0, MAX_WRITES_IN_FLIGHT);
  const gatherLimit = opts.gatherLimit === undefined
    ? undefined
    : requireInteger(opts.gatherLimit, "gatherLimit", 0, 0x7fffffff);
  const endOfStreamMessage = requireBoolean(opts.endOfStreamMessage ?? false, "endOfStreamMessage");
  const preventClose = requireBoolean(opts.preventClose ?? false, "preventClose");
  const release = () => {
    if (!preventClose) handle.close();
  };
  const kind = writesInFlight > 0 ? pipeKind(handle) : undefined;
  let pump: WritePump | undefined;
  return new WritableStream<Uint8Array>({
    start(controller) {
      if (kind === undefined || kind === "nonblocking") return; // one acknowledged write at a time
      // controller.signal aborts as soon as abort() is called: the kernel
      // cancels the writes in flight (CancelIoEx) before the stream calls
      // abort() below. (WritableStreamDefaultController.signal: Deno, Bun and
      // Node 18+ have it; bun-types does not declare it yet.)
      const { signal } = controller as WritableStreamDefaultController & { signal?: AbortSignal };
      pump = new WritePump(handle, {
        slots: writesInFlight,
        smallChunk: kind.smallChunk,
        // By default a gather holds up to four of the pipe's buffers (16 to 256 KiB).
        gatherLimit: kind.smallChunk === 0 ? 0 : gatherLimit ?? Math.min(GATHER_LIMITS.max, 4 * kind.smallChunk),
        signal,
        onFailure: (error) => controller.error(error),
      });
    },
    // Not async: a chunk gathered at once costs the stream no promise of ours (many small frames).
    write(chunk, controller) {
      const bytes = bytesOf(chunk);
      if (pump) return pump.write(bytes);
      // One write at a time, acknowledged: abort() cancels it through the same signal.
      const { signal } = controller as WritableStreamDefaultController & { signal?: AbortSignal };
      return handle.write(bytes, { signal });
    },
    async close() {
      try {
        await pump?.drain();
        if (endOfStreamMessage) await writeEndOfStream(handle);
      } finally {
        release();
      }
    },
    async abort(reason) {
      await pump?.settle(reason);
      release();
    },
  }, new CountQueuingStrategy({ highWaterMark }));
}

/** The most writes a writable keeps in flight: more buys nothing once the kernel always has the next bytes. */
const MAX_WRITES_IN_FLIGHT = 64;

/**
 * What decides how a writable writes, sampled once when it is made: whether
 * the handle is nonblocking (its writes read the chunk in pieces, after the
 * call) and how much to gather (nothing on a message pipe, where each chunk
 * is a message; on a byte pipe the buffer this end writes into, within
 * GATHER_LIMITS). Undefined when the handle cannot be asked (closed,
 * disconnected): one acknowledged write at a time, which reports the error.
 */
function pipeKind(handle: WritableHandle): { smallChunk: number } | "nonblocking" | undefined {
  try {
    if (handle.state().wait === "nonblocking") return "nonblocking";
    const info = handle.info();
    if (info.type === "message") return { smallChunk: 0 };
    // A server end writes into the outbound buffer; a client end, and an anonymous pipe's write end, into the inbound one.
    const buffer = info.end === "server" ? info.outBufferSize : info.inBufferSize;
    const { min, max } = GATHER_LIMITS.small;
    return { smallChunk: Math.min(max, Math.max(min, buffer)) };
  } catch {
    return undefined;
  }
}
