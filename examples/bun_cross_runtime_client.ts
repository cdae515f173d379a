/**
 * The Bun half of the cross-runtime example: a client (`@winpipe/bun`) of
 * the Deno server in examples/cross_runtime_server.ts, through the real
 * kernel32 (no model). The server starts it with the pipe name as its only
 * argument; run the server, not this file:
 *
 *   deno run -A examples/cross_runtime_server.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/cross_runtime_server.ts
 *
 * What the server runs, which also works against any server of the same
 * protocol that is listening on NAME:
 *
 *   bun run examples/bun_cross_runtime_client.ts '\\.\pipe\NAME'
 *
 * What it shows:
 * - `connect(name, { readMode: "message" })` from Bun to a pipe a Deno
 *   process created: CreateFile, then SetNamedPipeHandleState so that reads
 *   return whole messages.
 * - `conn.transact(request)` (TransactNamedPipe): one request message out,
 *   the whole reply message back, in one call; a 100 kB request is one
 *   message for the Deno server too.
 * - `write` + `readMessage` without transact: two requests written back to
 *   back stay two messages, and their replies come back as two messages.
 * - Closing: leaving the `await using` block closes the handle, the server
 *   sees the end of the data; with nothing else open, Bun exits by itself.
 *
 * The file name starts with `bun_` so that scripts/check.mjs type-checks it
 * with tsc against bun-types (the root tsconfig.json) instead of `deno check`.
 *
 * @module
 */
import { connect } from "@winpipe/bun";

/** What the client sends; examples/cross_runtime_server.ts has the same type. */
type Request =
  | { op: "hello"; runtime: string; version: string; pid: number }
  | { op: "upper"; text: string }
  | { op: "size"; padding?: string };

const name = Bun.argv[2];
if (!name) {
  console.error("usage: bun run examples/bun_cross_runtime_client.ts PIPE_NAME (started by cross_runtime_server.ts)");
  process.exit(2);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (request: Request) => encoder.encode(JSON.stringify(request));
const decode = (reply: Uint8Array) => JSON.parse(decoder.decode(reply));

{
  await using conn = await connect(name, { readMode: "message", timeout: 10_000 });
  console.log(`bun client: Bun ${Bun.version} (pid ${process.pid}) connected to ${name}`);

  // TransactNamedPipe: the request out, the whole reply back.
  const server = decode(
    await conn.transact(encode({ op: "hello", runtime: "Bun", version: Bun.version, pid: process.pid })),
  );
  console.log(`bun client: hello -> the server is ${server.runtime} ${server.version}, pid ${server.pid}`);

  const text = "héllo from bun 🚀";
  const upper = decode(await conn.transact(encode({ op: "upper", text })));
  console.log(`bun client: upper ${JSON.stringify(text)} -> ${JSON.stringify(upper.text)}`);

  // Far larger than the pipe's 4 kB buffers, and still one message.
  const big = encode({ op: "size", padding: "x".repeat(100_000) });
  const size = decode(await conn.transact(big));
  console.log(`bun client: size of a ${big.length}-byte request -> ${size.bytes} bytes, one message`);

  // No transact: two writes back to back are two messages, and so are the two replies.
  await conn.write(encode({ op: "upper", text: "first" }));
  await conn.write(encode({ op: "upper", text: "second" }));
  const replies = [];
  for (let i = 0; i < 2; i++) {
    const reply = await conn.readMessage();
    if (reply === null) throw new Error("the server closed the pipe");
    replies.push(JSON.stringify(decode(reply).text));
  }
  console.log(`bun client: 2 requests written back to back -> 2 replies: ${replies.join(", ")}`);
}

console.log("bun client: done");
