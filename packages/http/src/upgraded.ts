/**
 * {@linkcode UpgradedConnection}: the connection after a server switched
 * protocols (`101 Switching Protocols`), as {@linkcode PipeHttpClient.upgrade}
 * resolves it.
 *
 * @module
 */
import type { PipeConnection } from "@winpipe/core";
import { bytesOf, writeEndOfStream } from "@winpipe/core/internal";
import type { ConnReader } from "./reader.ts";

/** The most bytes one chunk of {@linkcode UpgradedConnection.readable} holds. */
const CHUNK = 64 * 1024;

/**
 * A connection whose server answered `101 Switching Protocols`: from here
 * on the pipe carries the protocol named in `Upgrade` (Docker's raw
 * stream for `attach` and `exec`, a WebSocket, ...), no longer HTTP.
 * `readable` starts with the bytes that came right after the 101's head.
 *
 * Closing `writable` ends what this side sends. On a message pipe (the
 * Docker Engine's) that is go-winio's `CloseWrite`: FlushFileBuffers, then
 * a zero-length message, and the connection stays open for reading. A byte
 * pipe cannot half-close (closing a handle ends both directions), so there
 * closing `writable` only waits for its writes. `close()` (or `await
 * using`) closes the pipe.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { PipeHttpClient, type UpgradedConnection } from "@winpipe/http";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\upgraded-example`;
 * // A server that switches to an upper-casing echo after its 101.
 * using server = pipes.createServer(name);
 * void (async () => {
 *   await using conn = await server.accept();
 *   const buf = new Uint8Array(1024);
 *   await conn.read(buf); // the request head
 *   await conn.write(new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: shout\r\nConnection: Upgrade\r\n\r\n"));
 *   for (let r; (r = await conn.read(buf)) !== null;) {
 *     await conn.write(new TextEncoder().encode(new TextDecoder().decode(buf.subarray(0, r.bytesRead)).toUpperCase()));
 *   }
 * })();
 * using client = new PipeHttpClient(pipes);
 * const result = await client.upgrade(name, "/shout", { headers: { upgrade: "shout" } });
 * if (result instanceof Response) throw new Error(`not switched: ${result.status}`);
 * await using upgraded: UpgradedConnection = result;
 * const writer = upgraded.writable.getWriter();
 * await writer.write(new TextEncoder().encode("hello"));
 * const { value } = await upgraded.readable.getReader().read();
 * new TextDecoder().decode(value); // "HELLO"
 * ```
 */
export interface UpgradedConnection extends AsyncDisposable {
  /** The status of the server's answer: 101. */
  readonly status: number;
  /** Its reason phrase ("Switching Protocols", or the server's own: Docker says "UPGRADED"). */
  readonly statusText: string;
  /** Its header fields (`Upgrade`, `Connection`, and whatever else it sent). */
  readonly headers: Headers;
  /** The pipe connection itself: its `info()`, `state()`, `closed`. */
  readonly connection: PipeConnection;
  /** What the server sends after its 101, until it closes or (message pipe) sends a zero-length message. */
  readonly readable: ReadableStream<Uint8Array<ArrayBuffer>>;
  /** What goes to the server; closing it ends this side's data (see above). */
  readonly writable: WritableStream<Uint8Array>;
  /** Closes the connection (both directions); so does `await using`. */
  close(): void;
}

/** The UpgradedConnection over `connection` once `reader` has read the 101's head (or, serving, written it). */
export function upgradedConnection(
  connection: PipeConnection,
  reader: ConnReader,
  head: { status: number; reason: string; fields: readonly (readonly [string, string])[] },
  messagePipe: boolean,
): UpgradedConnection {
  const headers = new Headers();
  for (const [field, value] of head.fields) headers.append(field, value);
  const readable = new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      let chunk: Uint8Array | null;
      try {
        chunk = await reader.readSome(CHUNK);
      } catch (err) {
        // This process closed the connection while a read was pending: the data is over for it.
        if (!connection.closed) throw err;
        chunk = null;
      }
      if (chunk === null) controller.close();
      else controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
    },
  }, { highWaterMark: 0 });
  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      const bytes = bytesOf(chunk);
      // An empty write would be a zero-length message: the end of this side on a message pipe.
      if (bytes.length > 0) await connection.write(bytes);
    },
    async close() {
      if (messagePipe) await writeEndOfStream(connection);
    },
    abort() {
      connection.close();
    },
  });
  const close = () => connection.close();
  return {
    status: head.status,
    statusText: head.reason,
    headers,
    connection,
    readable,
    writable,
    close,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  };
}
