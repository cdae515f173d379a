/**
 * Text through a named pipe with WHATWG streams, through the real kernel32
 * (no model).
 *
 * What it shows:
 * - Binding the API with stream factories: `createWinpipe(kernel32, { streams })`
 *   gives every connection `readable` and `writable` (`@winpipe/deno`'s
 *   ready-made functions are bound this way too; `readableFrom(handle)` and
 *   `writableTo(handle)` of `@winpipe/streams` work on any handle as well).
 * - Writing: `ReadableStream.from(lines).pipeThrough(new TextEncoderStream())
 *   .pipeTo(conn.writable)`: the lines gathered into as few WriteFiles as
 *   the pipe's buffer allows, with the pipe's backpressure; closing the writable (pipeTo does it at the end) closes the
 *   handle, which is how the reader learns that the text ended.
 * - Reading: `client.readable.pipeThrough(new LineDecoderStream())` and
 *   `for await` (`LineDecoderStream` of `@winpipe/streams` splits and
 *   decodes lines). On a byte pipe the chunks do not follow the writes
 *   (characters and lines arrive split); the decoder reassembles them.
 * - The same over a message pipe: each chunk written is one message, and the
 *   reader gets one chunk per message; with `JsonEncoderStream` /
 *   `JsonDecoderStream`, one JSON value per message.
 *
 * Run it on Windows:
 *
 *   deno run -A examples/streams_text.ts
 *
 * On Linux, under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno run -A examples/streams_text.ts
 *
 * @module
 */
import { createWinpipe, kernel32 } from "@winpipe/deno";
import { JsonDecoderStream, JsonEncoderStream, LineDecoderStream, streams } from "@winpipe/streams";

const pipes = createWinpipe(kernel32, { streams });
const encoder = new TextEncoder();

// 1. A byte pipe: a poem written in small pieces, read back as lines.
{
  const name = String.raw`\\.\pipe\winpipe-example-streams-text-` + Deno.pid;
  await using server = pipes.createServer(name, { inBufferSize: 64, outBufferSize: 64 });
  const accepted = server.accept();
  await using client = await pipes.connect(name, { access: "read" });
  await using conn = await accepted;

  const poem = "Ça va, 世界? 🚀\nA pipe of bytes\nkeeps no boundaries:\nthe decoder mends them.\n";
  // Pieces of 5 bytes: multi-byte characters are cut in the middle on purpose.
  const bytes = encoder.encode(poem);
  const pieces = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) => bytes.subarray(i * 5, i * 5 + 5));
  const sending = ReadableStream.from(pieces).pipeTo(conn.writable);

  let n = 0;
  for await (const line of client.readable.pipeThrough(new LineDecoderStream())) {
    console.log(`byte pipe, line ${++n}: ${line}`);
  }
  await sending;
  console.log(`byte pipe: ${pieces.length} writes of at most 5 bytes came back as ${n} lines`);
}

// 2. A message pipe read in message mode: one chunk per message.
{
  const name = String.raw`\\.\pipe\winpipe-example-streams-messages-` + Deno.pid;
  await using server = pipes.createServer(name, { type: "message", readMode: "message" });
  const accepted = server.accept();
  await using client = await pipes.connect(name, { readMode: "message" });
  await using conn = await accepted;

  const sending = ReadableStream.from(["first message", "second message", "third"])
    .pipeThrough(new TextEncoderStream())
    .pipeTo(client.writable);
  const decoder = new TextDecoder();
  for await (const message of conn.readable) {
    console.log(`message pipe: ${JSON.stringify(decoder.decode(message))} (${message.length} bytes, one message)`);
  }
  await sending;
}

// 3. JSON values over a message pipe: one value per message, no delimiter needed.
{
  const name = String.raw`\\.\pipe\winpipe-example-streams-json-` + Deno.pid;
  await using server = pipes.createServer(name, { type: "message", readMode: "message" });
  const accepted = server.accept();
  await using client = await pipes.connect(name, { readMode: "message" });
  await using conn = await accepted;

  const sending = ReadableStream.from([{ id: 1, text: "héllo" }, { id: 2, done: true }])
    .pipeThrough(new JsonEncoderStream())
    .pipeTo(client.writable);
  for await (const value of conn.readable.pipeThrough(new JsonDecoderStream())) {
    console.log(`json message: ${JSON.stringify(value)}`);
  }
  await sending;
}
console.log("streams text: done");
