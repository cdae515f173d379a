/**
 * A request/response service over a message-mode named pipe, through the
 * real kernel32 (no model).
 *
 * What it shows:
 * - A message pipe (`type: "message"`, PIPE_TYPE_MESSAGE) read in message
 *   read mode (`readMode: "message"`, PIPE_READMODE_MESSAGE): every write is
 *   one message and `readMessage()` returns exactly one, however large (core
 *   reassembles the ERROR_MORE_DATA parts), zero-length messages included.
 * - `conn.transact(request)` (TransactNamedPipe): one call writes the request
 *   message and reads the whole reply message; a client holds one connection
 *   for several transactions.
 * - `callNamedPipe(name, request)` (CallNamedPipe): open, set message read
 *   mode, transact, close, in one call.
 * - The server answers each request message with one reply message, so
 *   requests never run into each other even when sent back to back.
 *
 * The requests are small JSON commands: {"op":"upper","text":...},
 * {"op":"sum","numbers":[...]} and {"op":"size"} (the size of the request
 * itself, to show that a 100 kB request arrives as one message).
 *
 * Run it on Windows:
 *
 *   deno run -A examples/message_service.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/message_service.ts
 *
 * `npm run demo` runs it too.
 *
 * @module
 */
import { callNamedPipe, connect, createServer, type PipeConnection } from "@winpipe/deno";

const name = String.raw`\\.\pipe\winpipe-example-message-service-` + Deno.pid;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Request =
  | { op: "upper"; text: string }
  | { op: "sum"; numbers: number[] }
  | { op: "size"; padding?: string };

/** The service itself: one reply per request. */
function handle(message: Uint8Array): unknown {
  let request: Request;
  try {
    request = JSON.parse(decoder.decode(message));
  } catch {
    return { error: "not JSON" };
  }
  switch (request.op) {
    case "upper":
      return { text: request.text.toUpperCase() };
    case "sum":
      return { sum: request.numbers.reduce((a, b) => a + b, 0) };
    case "size":
      return { bytes: message.length };
    default:
      return { error: `unknown op ${JSON.stringify((request as { op: unknown }).op)}` };
  }
}

/** Answers every request message of one client, until it closes its end. */
async function serve(conn: PipeConnection): Promise<number> {
  let requests = 0;
  try {
    for (;;) {
      const message = await conn.readMessage(); // one whole message, or null at the end
      if (message === null) break;
      requests++;
      await conn.write(encoder.encode(JSON.stringify(handle(message)))); // one reply message
    }
  } finally {
    conn.close();
  }
  return requests;
}

const server = createServer(name, {
  type: "message",
  readMode: "message",
  maxInstances: 4,
  inBufferSize: 4096,
  outBufferSize: 4096,
});
console.log(`server: listening on ${name} (message type, message read mode)`);

const served: Promise<number>[] = [];
const accepting = (async () => {
  for await (const conn of server) served.push(serve(conn));
})();

const request = (value: Request) => encoder.encode(JSON.stringify(value));
const show = (reply: Uint8Array) => decoder.decode(reply);

// One connection, several transactions (TransactNamedPipe).
{
  await using conn = await connect(name, { readMode: "message", timeout: 5000 });
  console.log("transact upper ->", show(await conn.transact(request({ op: "upper", text: "hello, pipe" }))));
  console.log("transact sum ->", show(await conn.transact(request({ op: "sum", numbers: [1, 2, 3, 4] }))));
  // A request far larger than the pipe's 4 kB buffers is still one message.
  const big = request({ op: "size", padding: "x".repeat(100_000) });
  console.log("transact size ->", show(await conn.transact(big)), `(sent ${big.length} bytes)`);
}

// One-shot calls (CallNamedPipe): each opens its own connection.
console.log("callNamedPipe upper ->", show(await callNamedPipe(name, request({ op: "upper", text: "one shot" }))));
console.log("callNamedPipe bad ->", show(await callNamedPipe(name, encoder.encode("?"))));

server.close();
await accepting;
const counts = await Promise.all(served);
console.log(`server: ${counts.length} connections, ${counts.reduce((a, b) => a + b, 0)} requests`);
console.log("message service: done");
