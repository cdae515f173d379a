/**
 * {@linkcode toNodeDuplex}: a `node:stream` Duplex over a pipe connection.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import { DEFAULT_MAX_MESSAGE_SIZE, type PipeConnection } from "@winpipe/core";
import {
  concatBytes,
  requireAttached,
  requireBoolean,
  requireInteger,
  requireOptions,
  show,
  writeEndOfStream,
  writeOwned,
} from "@winpipe/core/internal";
import { ChunkReads } from "./read_chunks.ts";
import { addSocketMethods, type SocketMethods } from "./socket_methods.ts";
import { untilData } from "./until_data.ts";

/**
 * Options of {@linkcode toNodeDuplex}.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type NodeDuplexOptions, toNodeDuplex } from "@winpipe/streams/node";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\duplex-options`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * await using client = await pipes.connect(name, { readMode: "message" });
 * const options: NodeDuplexOptions = { mode: "message", maxMessageSize: 1024 * 1024 };
 * const duplex = toNodeDuplex(client, options); // one "data" chunk per message
 * duplex.destroy();
 * ```
 */
export interface NodeDuplexOptions {
  /**
   * How reads become chunks: "byte" (whatever each ReadFile returns),
   * "message" (one chunk per whole message; needs message read mode) or
   * "auto" (the connection's read mode when the duplex is made). Default
   * "auto".
   */
  mode?: "auto" | "byte" | "message";
  /**
   * Byte mode: the most one read asks for, in bytes. Default: adaptive, as
   * `readableFrom`'s: 64 KiB, doubling up to 256 KiB while reads fill their
   * buffer, halving when one comes back half full or less.
   */
  chunkSize?: number;
  /**
   * Message mode: the largest message accepted, in bytes; a larger one is
   * discarded and destroys the duplex with a RangeError. Default 16 MiB.
   */
  maxMessageSize?: number;
  /**
   * Keep the writable side open when the other end's data has ended (as
   * `net.Socket`'s option). Default false: the end of the data ends the
   * duplex, since a Windows pipe cannot be half-closed anyway.
   */
  allowHalfOpen?: boolean;
  /**
   * End the data at a zero-length message, as go-winio's `CloseWrite` means
   * it (message mode: an empty message; byte mode on a message pipe: a read
   * of 0 bytes), instead of skipping it. Default false.
   */
  zeroLengthMessageEnds?: boolean;
  /**
   * Message pipes: `end()` sends go-winio's `CloseWrite` (a zero-length
   * message, once the reader took the data) instead of closing the handle,
   * so the readable side goes on until the peer's own end, as `end()` of a
   * TCP socket with `allowHalfOpen` sends a FIN and goes on reading. The
   * handle closes when both sides are done. Needs `allowHalfOpen` (or the
   * readable would end with the writable), and a message pipe (a byte pipe
   * has no zero-length messages): a TypeError otherwise. Default false.
   */
  endOfStreamMessage?: boolean;
  /** Bytes (or, in message mode, bytes of messages) buffered ahead of the consumer before reads stop. Node's default. */
  readableHighWaterMark?: number;
  /** Bytes queued by `write()` before it returns false. Node's default. */
  writableHighWaterMark?: number;
}

/**
 * A `node:stream` Duplex over a named pipe connection (a client, or a
 * server's accepted instance), for code written for `net.Socket` or Node
 * streams: `node:http` (`createConnection`, or a server's `connection`
 * event), `stream.pipeline`, `vscode-jsonrpc`'s StreamMessageReader and
 * StreamMessageWriter, and the like. It works in Deno and Bun, which both
 * provide `node:stream`.
 *
 * - Reading: a ReadFile is issued only when Node asks for data (`_read`),
 *   and Node asks only while its buffer is below `readableHighWaterMark`:
 *   a paused or slow consumer leaves the data in the pipe, and the peer's
 *   WriteFile waits. The data's end (ERROR_BROKEN_PIPE) is the duplex's
 *   `end`. In message mode each chunk is one whole message; zero-length
 *   messages are skipped, since a Node byte stream cannot deliver an empty
 *   chunk.
 * - Writing: on a message pipe each `write()` is one WriteFile (one
 *   message); on a byte pipe the writes Node queued behind a pending one go
 *   in one WriteFile (`writev`, as `net.Socket` does). A write's callback
 *   runs once the kernel took all its bytes, so `write()` returns false and
 *   `drain` waits as the pipe fills. An empty chunk is not written (no
 *   zero-length WriteFile, so no zero-length message).
 * - `end()` closes the pipe handle once the queued writes are done: the
 *   peer reads what is left and then the end. Windows pipes cannot be
 *   half-closed, so this also ends the readable side (after the data
 *   already buffered in it). On a message pipe, `endOfStreamMessage` (with
 *   `allowHalfOpen`) makes `end()` go-winio's `CloseWrite` instead: the
 *   peer sees the end of the data and the readable side goes on.
 * - `destroy()` cancels the pending ReadFile and WriteFile (CancelIoEx),
 *   waits for them to settle, then closes the handle.
 *
 * The `net.Socket` methods that code written for sockets calls are there
 * ({@linkcode SocketMethods}), so that a keep-alive `http.Agent` can keep
 * and reuse the duplex: `setTimeout` works as a socket's (a `"timeout"`
 * event after that long without a read or a write), `setKeepAlive` and
 * `setNoDelay` have nothing to do on a pipe, and `ref` and `unref` change
 * nothing: a pending read keeps the event loop alive, so destroy the duplex
 * (`agent.destroy()`) to let the process exit.
 *
 * @example node:http over a named pipe, both ends in this process
 * ```ts
 * import http from "node:http";
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { toNodeDuplex } from "@winpipe/streams/node";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\node-duplex-http`;
 * const server = pipes.createServer(name);
 * const accepted = server.accept();
 * const client = await pipes.connect(name);
 * const httpServer = http.createServer((req, res) => res.end(`hello ${req.url}`));
 * httpServer.emit("connection", toNodeDuplex(await accepted));
 * const body = await new Promise<string>((resolve, reject) => {
 *   const request = http.request({ path: "/pipe", createConnection: () => toNodeDuplex(client) }, (res) => {
 *     let text = "";
 *     res.setEncoding("utf8").on("data", (part) => (text += part)).on("end", () => resolve(text));
 *   });
 *   request.on("error", reject).end();
 * });
 * body; // "hello /pipe"
 * server.close();
 * ```
 */
export function toNodeDuplex(conn: PipeConnection, options?: NodeDuplexOptions): Duplex & SocketMethods {
  if (typeof (conn as { readMessage?: unknown } | null)?.readMessage !== "function") {
    throw new TypeError(`conn must be a PipeConnection: got ${show(conn)}`);
  }
  const opts = requireOptions<NodeDuplexOptions>(options);
  const mode = opts.mode ?? "auto";
  if (mode !== "auto" && mode !== "byte" && mode !== "message") {
    throw new TypeError(`mode must be one of "auto", "byte", "message": got ${show(mode)}`);
  }
  const chunkSize = opts.chunkSize === undefined
    ? undefined
    : requireInteger(opts.chunkSize, "chunkSize", 1, 0x7fffffff);
  const reads = new ChunkReads(chunkSize);
  const maxMessageSize = requireInteger(
    opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    "maxMessageSize",
    0,
    0xffffffff,
  );
  const allowHalfOpen = requireBoolean(opts.allowHalfOpen ?? false, "allowHalfOpen");
  const emptyEnds = requireBoolean(opts.zeroLengthMessageEnds ?? false, "zeroLengthMessageEnds");
  const halfClose = requireBoolean(opts.endOfStreamMessage ?? false, "endOfStreamMessage");
  if (halfClose && !allowHalfOpen) {
    throw new TypeError("endOfStreamMessage needs allowHalfOpen: true (the readable side goes on after end())");
  }
  // Undefined leaves Node's default.
  const highWaterMark = (value: unknown, what: string) =>
    value === undefined ? undefined : requireInteger(value ?? 0, what, 0, Number.MAX_SAFE_INTEGER);
  const readableHighWaterMark = highWaterMark(opts.readableHighWaterMark, "readableHighWaterMark");
  const writableHighWaterMark = highWaterMark(opts.writableHighWaterMark, "writableHighWaterMark");
  const readMode = conn.state().readMode;
  const messages = mode === "message" || (mode === "auto" && readMode === "message");
  if (messages && readMode !== "message") {
    throw new TypeError(
      `mode "message" needs a connection in message read mode: "${conn.pipeName}" is in byte read mode`,
    );
  }

  // Every ReadFile and WriteFile takes this signal: destroy() cancels them (CancelIoEx).
  const abort = new AbortController();
  const signal = abort.signal;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(operation: Promise<T>): Promise<T> => {
    inFlight.add(operation);
    const forget = () => inFlight.delete(operation);
    operation.then(forget, forget);
    return operation;
  };

  /** The next chunk, or null at the end of the data. */
  const readChunk = async (): Promise<Buffer | null> => {
    if (messages) {
      for (;;) {
        const message = await untilData(() => conn.readMessage({ maxSize: maxMessageSize, signal }), signal);
        if (message === null || (message.length === 0 && emptyEnds)) return null;
        if (message.length > 0) return Buffer.from(message.buffer, message.byteOffset, message.length);
      }
    }
    const chunk = await reads.read(conn, signal, emptyEnds);
    return chunk === null ? null : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  };

  // Each read and write restarts the idle timer of setTimeout (set once the duplex exists).
  let active = () => {};

  // On a byte pipe, what Node queued behind a pending write goes in one WriteFile (writev), as
  // net.Socket does: many small writes cost one call. A message pipe keeps one message per write().
  const bytePipe = conn.info().type === "byte";
  if (halfClose && bytePipe) {
    throw new TypeError(
      `endOfStreamMessage needs a message pipe: "${conn.pipeName}" is a byte pipe, which has no zero-length messages`,
    );
  }
  // `owned`: `data` is memory of this duplex's own, handed to the kernel as it is (writeOwned) instead of copied.
  const writeBytes = (data: Uint8Array, callback: (error?: Error | null) => void, owned = false) => {
    // Node writes empty chunks (node:http ends a request with one). They carry nothing, and a
    // zero-length WriteFile is not nothing: on a message pipe it is a message, and on a byte pipe
    // kernel32 completes it only when the reader reads. So they are not written.
    if (data.length === 0) return callback();
    active();
    const writing = owned ? writeOwned(conn, data as Uint8Array<ArrayBuffer>, signal) : conn.write(data, { signal });
    track(writing).then(() => {
      active();
      callback();
    }, callback);
  };

  let reading = false;
  const duplex: Duplex = new Duplex({
    allowHalfOpen,
    readableHighWaterMark,
    writableHighWaterMark,
    read() {
      if (reading) return;
      reading = true;
      track(readChunk()).then(
        (chunk) => {
          reading = false;
          active();
          if (!duplex.destroyed) duplex.push(chunk);
        },
        (err) => {
          reading = false;
          if (duplex.destroyed || signal.aborted) return;
          // end() closed the handle under this read: the data is over for this end.
          if (conn.closed) duplex.push(null);
          else duplex.destroy(err);
        },
      );
    },
    write(chunk: Buffer, _encoding, callback) {
      try {
        requireAttached(chunk);
      } catch (err) {
        return callback(err as Error);
      }
      writeBytes(chunk, callback);
    },
    ...(bytePipe
      ? {
        writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void) {
          // Gathered into memory of its own that nothing else reaches, and handed to the kernel as it is:
          // one copy, where Buffer.concat and write's own copy made two.
          const parts = chunks.map(({ chunk }) => chunk);
          try {
            for (const part of parts) requireAttached(part);
          } catch (err) {
            return callback(err as Error);
          }
          const total = parts.reduce((sum, part) => sum + part.length, 0);
          writeBytes(concatBytes(parts, total), callback, true);
        },
      }
      : {}),
    final(callback) {
      // Node calls this once every write's callback ran: the bytes are in the pipe.
      if (halfClose) {
        // go-winio's CloseWrite; the readable side goes on.
        track(writeEndOfStream(conn, signal)).then(() => callback(), callback);
        return;
      }
      conn.close();
      // Nothing more can be read on a closed handle: a pending read ends the readable side when it fails.
      if (!reading) duplex.push(null);
      callback();
    },
    destroy(err, callback) {
      abort.abort();
      // Close only once the cancelled operations settled: the kernel no longer works on them.
      Promise.allSettled([...inFlight]).then(() => {
        conn.close();
        callback(err);
      });
    },
  });
  active = addSocketMethods(duplex);
  return duplex as Duplex & SocketMethods;
}
