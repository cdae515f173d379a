/**
 * A byte-mode echo server and two clients over a named pipe, through the
 * real kernel32 (no model).
 *
 * What it shows:
 * - `createServer(name, options)`: CreateNamedPipe with the options grouped
 *   as Win32 groups them (type and read mode, instances, buffer sizes); the
 *   server keeps one instance listening while earlier ones are served.
 * - The accept loop `for await (const conn of server)`: each iteration is one
 *   connected instance (ConnectNamedPipe); each is served concurrently.
 * - `connect(name)`: CreateFile on the pipe name (waiting with WaitNamedPipe
 *   while every instance is busy); `write` writes all the bytes (WriteFile);
 *   `read` returns what is there (ReadFile), or `null` at the end of the data
 *   (ERROR_BROKEN_PIPE once the peer closed).
 * - A byte pipe is one stream of bytes: two writes may come back in one read,
 *   so the client reads until it has as many bytes as it sent.
 * - Closing: the client closes its handle, the server's next read returns
 *   `null` and it closes the instance; `server.close()` ends the accept loop.
 *   Nothing is left pending, so the process exits by itself (exit code 0).
 *
 * Run it on Windows:
 *
 *   deno run -A examples/byte_echo.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/byte_echo.ts
 *
 * @module
 */
import { connect, createServer, type PipeConnection } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-byte-echo-` + Deno.pid;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Echoes everything the client sends until it closes its end, then closes the instance. */
async function serve(conn: PipeConnection, id: number): Promise<void> {
  const buf = new Uint8Array(4096);
  let echoed = 0;
  try {
    for (;;) {
      const result = await conn.read(buf);
      if (result === null) break; // the client closed its end: ERROR_BROKEN_PIPE after the last byte
      await conn.write(buf.subarray(0, result.bytesRead));
      echoed += result.bytesRead;
    }
  } finally {
    conn.close();
  }
  console.log(`server: connection ${id} ended after echoing ${echoed} bytes`);
}

/** Sends each line, reads its echo back, and closes. */
async function client(who: string, lines: string[]): Promise<void> {
  await using conn = await connect(name, { timeout: 5000 });
  const buf = new Uint8Array(4096);
  for (const line of lines) {
    const sent = encoder.encode(line);
    await conn.write(sent);
    // Byte mode keeps no boundaries: read until the whole line is back.
    let received = "";
    let count = 0;
    while (count < sent.length) {
      const result = await conn.read(buf.subarray(0, sent.length - count));
      if (result === null) throw new Error(`${who}: the server closed the pipe early`);
      received += decoder.decode(buf.subarray(0, result.bytesRead), { stream: true });
      count += result.bytesRead;
    }
    console.log(`${who}: sent ${JSON.stringify(line)}, got back ${JSON.stringify(received)}`);
  }
}

const server = createServer(name, { type: "byte", maxInstances: 4, inBufferSize: 4096, outBufferSize: 4096 });
console.log(`server: listening on ${name}`);

const serving: Promise<void>[] = [];
const accepting = (async () => {
  let id = 0;
  for await (const conn of server) serving.push(serve(conn, ++id));
  console.log("server: accept loop ended");
})();

// Two clients at once: each gets its own instance of the pipe.
await Promise.all([
  client("client A", ["hello", "echo over a byte pipe"]),
  client("client B", ["héllo wörld 🚀", "bye"]),
]);

server.close(); // closes the listening instance: the accept loop ends
await accepting;
await Promise.all(serving);
console.log("byte echo: done");
