/**
 * {@linkcode toDenoListener}: a winpipe server as a `Deno.Listener`.
 *
 * @module
 */
import { type PipeServer, ServerClosedError } from "@winpipe/core";
import { type PipeAddr, toDenoConn } from "./deno_conn.ts";

class PipeDenoListener implements Deno.Listener<Deno.Conn<PipeAddr>, PipeAddr> {
  readonly addr: PipeAddr;
  readonly #server: PipeServer;

  constructor(server: PipeServer) {
    this.#server = server;
    this.addr = Object.freeze({ transport: "unix", path: server.name });
  }

  async accept(): Promise<Deno.Conn<PipeAddr>> {
    try {
      return toDenoConn(await this.#server.accept());
    } catch (err) {
      // As Deno's listeners: accept() on (or during) close rejects with BadResource.
      if (err instanceof ServerClosedError) throw new Deno.errors.BadResource(err.message, { cause: err });
      throw err;
    }
  }

  close(): void {
    this.#server.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Deno.Conn<PipeAddr>, void, undefined> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (err) {
        if (err instanceof Deno.errors.BadResource) return;
        throw err;
      }
    }
  }

  /** Nothing to do: a pending accept keeps the event loop alive anyway. */
  ref(): void {}

  unref(): void {
    throw new Deno.errors.NotSupported(
      "unref: a pending accept always keeps the event loop alive (winpipe has no unref)",
    );
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Makes a `Deno.Listener` of a winpipe server (`createServer`), so that an
 * accept loop written for `Deno.listen` serves a named pipe unchanged:
 * `accept()` and `for await` give {@linkcode toDenoConn} connections,
 * `addr` is the pipe's name as a `"unix"` address ({@linkcode PipeAddr}),
 * `close()` closes the server (a pending `accept()` rejects with
 * `Deno.errors.BadResource` and `for await` ends, as with Deno's own
 * listeners), and `using` closes it. `ref()` does nothing and `unref()`
 * throws `Deno.errors.NotSupported`.
 *
 * `Deno.serve` cannot take a custom listener (it listens itself); serve
 * HTTP on a pipe with `node:http` and `toNodeDuplex` of
 * `@winpipe/streams/node` instead.
 *
 * @example An echo server written for Deno.listen, on a named pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { toDenoConn, toDenoListener } from "@winpipe/deno";
 *
 * // Written for Deno.listen(): the accept loop of Deno's manual.
 * async function echo(listener: Deno.Listener) {
 *   for await (const conn of listener) conn.readable.pipeTo(conn.writable).catch(() => {});
 * }
 *
 * const pipes = createWinpipe(createModelKernel()); // on Windows: the functions of @winpipe/deno
 * const name = String.raw`\\.\pipe\deno-listener-example`;
 * const listener = toDenoListener(pipes.createServer(name));
 * const serving = echo(listener);
 * const conn = toDenoConn(await pipes.connect(name));
 * await conn.write(new TextEncoder().encode("hello"));
 * const buf = new Uint8Array(16);
 * await conn.read(buf); // 5: "hello" came back
 * conn.close();
 * listener.close();
 * await serving; // the loop ends when the listener closes
 * ```
 */
export function toDenoListener(server: PipeServer): Deno.Listener<Deno.Conn<PipeAddr>, PipeAddr> {
  if (typeof (server as { accept?: unknown } | null)?.accept !== "function") {
    throw new TypeError(`server must be a PipeServer: got ${server === null ? "null" : typeof server}`);
  }
  return new PipeDenoListener(server);
}
