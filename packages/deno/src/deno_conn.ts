/**
 * {@linkcode toDenoConn}: a winpipe connection as a `Deno.Conn`.
 *
 * @module
 */
import type { PipeConnection } from "@winpipe/core";
import { isPeerGone, writeEndOfStream } from "@winpipe/core/internal";
import { readableFrom, writableTo } from "@winpipe/streams";

/**
 * The address a pipe connection reports, as `localAddr` and `remoteAddr`:
 * `{ transport: "unix", path: pipeName }`. A named pipe is closest to a Unix
 * domain socket (a local, named, stream or message endpoint), and Deno has
 * no address type of its own for it; both ends report the pipe's name, the
 * only address a pipe has.
 *
 * @example
 * ```ts ignore
 * import { connect, type PipeAddr, toDenoConn } from "@winpipe/deno";
 * const conn = toDenoConn(await connect(String.raw`\\.\pipe\app`));
 * const addr: PipeAddr = conn.remoteAddr; // { transport: "unix", path: the pipe's name }
 * ```
 */
export type PipeAddr = Deno.UnixAddr;

/** The message of the error unref() throws. */
const NO_UNREF = "a pipe operation in progress always keeps the event loop alive (winpipe has no unref)";

class PipeDenoConn implements Deno.Conn<PipeAddr> {
  readonly localAddr: PipeAddr;
  readonly remoteAddr: PipeAddr;
  readonly #conn: PipeConnection;
  readonly #messagePipe: boolean;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;
  #readEnded = false;
  #writeClosed = false;

  constructor(conn: PipeConnection) {
    this.#conn = conn;
    this.#messagePipe = conn.info().type === "message";
    this.localAddr = Object.freeze({ transport: "unix", path: conn.pipeName ?? "" });
    this.remoteAddr = this.localAddr;
  }

  /**
   * Runs one operation. A failure because this handle was closed is Deno's
   * BadResource; a write the other end's close refused is Deno's BrokenPipe,
   * as a TCP connection's: code written for Deno.Conn catches those.
   */
  async #io<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (this.#conn.closed) throw new Deno.errors.BadResource(`${what}: the pipe connection is closed`);
    try {
      return await run();
    } catch (err) {
      if (this.#conn.closed) {
        throw new Deno.errors.BadResource(`${what}: the pipe connection was closed`, { cause: err });
      }
      if (what !== "read" && isPeerGone(err)) {
        throw new Deno.errors.BrokenPipe(`${what}: the other end closed the pipe (${(err as Error).message})`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#io("read", async () => {
      if (p.length === 0) return 0; // as Deno's connections do, before and after the end of the data
      if (this.#readEnded) return null;
      const result = await this.#conn.read(p);
      // Closing a handle ends its own pending read as the end of the data would: Deno says BadResource.
      if (this.#conn.closed) throw new Deno.errors.BadResource("read: the pipe connection was closed");
      // A zero-length message is the end-of-stream marker closeWrite() sends (go-winio's CloseWrite).
      if (result === null || result.bytesRead === 0) {
        this.#readEnded = true;
        return null;
      }
      return result.bytesRead;
    });
  }

  write(p: Uint8Array): Promise<number> {
    return this.#io("write", async () => {
      if (this.#writeClosed) throw new Deno.errors.BrokenPipe("write: closeWrite() ended writing on this connection");
      // Nothing to write, as Deno's connections take it; a zero-length WriteFile would be a message on a message
      // pipe: the end-of-stream marker of closeWrite(), which the other side would take for the end.
      if (p.length === 0) return 0;
      await this.#conn.write(p);
      return p.length;
    });
  }

  close(): void {
    this.#conn.close();
  }

  closeWrite(): Promise<void> {
    return this.#io("closeWrite", async () => {
      if (!this.#messagePipe) {
        throw new Deno.errors.NotSupported(
          "closeWrite: a byte pipe cannot be half-closed (closing a pipe handle ends both directions); " +
            "use close(), or a message pipe, where closeWrite() sends a zero-length message as the end of the data",
        );
      }
      if (this.#writeClosed) return;
      this.#writeClosed = true;
      await writeEndOfStream(this.#conn);
    });
  }

  /** Nothing to do: pending pipe operations keep the event loop alive anyway. */
  ref(): void {}

  unref(): void {
    throw new Deno.errors.NotSupported(`unref: ${NO_UNREF}`);
  }

  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    // zeroLengthMessageEnds: the end-of-stream message of closeWrite() ends the stream, as read() returns null.
    return this.#readable ??= readableFrom(this.#conn, { zeroLengthMessageEnds: true });
  }

  get writable(): WritableStream<Uint8Array> {
    return this.#writable ??= writableTo(this.#conn);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Makes a `Deno.Conn` of a winpipe connection (a client from `connect`, or
 * a server's accepted instance), so that code written for Deno's TCP or
 * Unix connections works on a named pipe unchanged.
 *
 * What it provides, and what a pipe cannot:
 * - `read(p)` / `write(p)`: ReadFile / WriteFile on a blocking handle;
 *   `read` resolves null at the end of the data. `readable` / `writable`:
 *   the streams of `@winpipe/streams` (`readableFrom` / `writableTo`), made
 *   on first use; use either them or read/write, not both at once.
 *   Closing `writable` closes the connection.
 * - `localAddr` / `remoteAddr`: {@linkcode PipeAddr}, the pipe's name as a
 *   `"unix"` address, the same on both.
 * - `closeWrite()`: only on a message pipe, where it sends a zero-length
 *   message, the end-of-stream marker of go-winio's `CloseWrite`, once the
 *   other side has read what was written (FlushFileBuffers, as go-winio);
 *   the other side's `read()` then returns null (and its `readable` ends)
 *   while it can still reply. `write()` of 0 bytes writes nothing. On a byte pipe it rejects with
 *   `Deno.errors.NotSupported`: closing a pipe handle ends both directions.
 * - `ref()` does nothing and `unref()` throws `Deno.errors.NotSupported`:
 *   a pending pipe operation always keeps the event loop alive.
 * - There is no `setNoDelay` / `setKeepAlive` (as for `Deno.UnixConn`).
 * - A call on a closed connection, or one the connection's closing
 *   interrupted, rejects with `Deno.errors.BadResource`, as Deno's own
 *   connections do; a write (or `closeWrite`) after the other end closed
 *   rejects with `Deno.errors.BrokenPipe` (its `cause` the PipeError), as a
 *   TCP write does; other failures are winpipe's `PipeError`s.
 *
 * `Deno.serve` and `Deno.startTls` need a connection of Deno's own (a
 * resource id) and cannot take one; for HTTP over a pipe use `node:http`
 * with `toNodeDuplex` of `@winpipe/streams/node`.
 *
 * @example Code written for Deno.Conn, over a named pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { toDenoConn } from "@winpipe/deno";
 *
 * // Written for Deno.connect(): nothing in it knows about pipes.
 * async function ask(conn: Deno.Conn, question: string): Promise<string> {
 *   await conn.write(new TextEncoder().encode(question));
 *   const buf = new Uint8Array(64);
 *   const n = await conn.read(buf);
 *   return new TextDecoder().decode(buf.subarray(0, n ?? 0));
 * }
 *
 * const pipes = createWinpipe(createModelKernel()); // on Windows: the functions of @winpipe/deno
 * const name = String.raw`\\.\pipe\deno-conn-example`;
 * await using server = pipes.createServer(name);
 * const accepted = server.accept();
 * using conn = toDenoConn(await pipes.connect(name));
 * await using instance = await accepted;
 * const answering = instance.read(new Uint8Array(64)).then(() => instance.write(new TextEncoder().encode("pong")));
 * await ask(conn, "ping"); // "pong"
 * await answering;
 * conn.remoteAddr; // { transport: "unix", path: "\\\\.\\pipe\\deno-conn-example" }
 * ```
 */
export function toDenoConn(conn: PipeConnection): Deno.Conn<PipeAddr> {
  if (typeof (conn as { readMessage?: unknown } | null)?.readMessage !== "function") {
    throw new TypeError(`conn must be a PipeConnection: got ${conn === null ? "null" : typeof conn}`);
  }
  return new PipeDenoConn(conn);
}
