/**
 * What the message-pipe suites' servers share: a server on a message pipe
 * as go-winio makes one (`PipeConfig.MessageMode`: message type, read in
 * byte mode) that serves each connection in the background, and go-winio's
 * `CloseWrite` followed by Go's wait before it closes a connection
 * (microsoft/go-winio pipe.go, `win32MessageBytePipe`; net/http's
 * `closeWriteAndWait`).
 *
 * @module
 */
import type { PipeConnection } from "@winpipe/core";
import { writeEndOfStream } from "@winpipe/core/internal";
import type { HttpBackend } from "./helpers.ts";

/**
 * go-winio's CloseWrite (FlushFileBuffers, which waits until the reader
 * took everything, then a zero-length message), then Go's wait: until the
 * client closes its end or `holdMs` passed. Says who ended the connection.
 */
export async function closeWriteAndHold(c: PipeConnection, holdMs: number): Promise<"client" | "server"> {
  await writeEndOfStream(c);
  const held = AbortSignal.timeout(holdMs);
  const buf = new Uint8Array(4096);
  while ((await c.read(buf, { signal: held }).catch(() => null)) !== null);
  return held.aborted ? "server" : "client";
}

/**
 * A message-pipe server on `name` that serves each connection with
 * `serve(conn, record)`, one `record` (from `newRecord`) per connection in
 * `seen`; a connection is closed once its `serve` ends, however it ends.
 * `closed()` (and `await using`) stops listening and waits for every
 * connection.
 */
export function messagePipeServer<R>(
  b: HttpBackend,
  name: string,
  newRecord: () => R,
  serve: (conn: PipeConnection, record: R) => Promise<void>,
) {
  const server = b.pipes.createServer(name, { type: "message" });
  const seen: R[] = [];
  const serving = (async () => {
    const connections: Promise<void>[] = [];
    for await (const conn of server) {
      const record = newRecord();
      seen.push(record);
      connections.push(
        serve(conn, record).catch(() => {
          // the client went away
        }).finally(() => conn.close()),
      );
    }
    await Promise.all(connections);
  })();
  const closed = () => {
    server.close();
    return serving;
  };
  return { seen, closed, [Symbol.asyncDispose]: closed };
}
