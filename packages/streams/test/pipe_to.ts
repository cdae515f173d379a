/**
 * The streams composed: pipeTo relays, pipeThrough, TextDecoderStream, for await.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readableFrom } from "../mod.ts";
import { collect, concat, connected, pattern, scenario, streamOf, type StreamsSuite, utf8 } from "./helpers.ts";

/** Registers the composition suites. */
export function pipeToTests(suite: StreamsSuite): void {
  scenario(suite, "pipeTo keeps message boundaries end to end, zero-length messages included", async (ctx) => {
    // source -> [pipe 1] -> relay -> [pipe 2] -> sink, both pipes message pipes read in message mode.
    const options = { type: "message", readMode: "message", inBufferSize: 1024, outBufferSize: 1024 } as const;
    await using first = await connected(ctx, options);
    await using second = await connected(ctx, options);
    const messages = [utf8("alpha"), new Uint8Array(0), new Uint8Array(0), pattern(5000), utf8("z"), new Uint8Array(0)];
    const sending = streamOf(messages).pipeTo(first.client.writable);
    const relaying = first.conn.readable.pipeTo(second.client.writable);
    const received = await collect(second.conn.readable);
    await sending;
    await relaying;
    assert.deepEqual(received, messages);
    // Each writable closed its handle at the end: that is how each reader saw the end.
    assert.equal(first.client.closed, true);
    assert.equal(second.client.closed, true);
  });

  scenario(suite, "pipeThrough a transform between two anonymous pipes", async (ctx) => {
    using a = ctx.pipes.createPipe({ bufferSize: 256 });
    using b = ctx.pipes.createPipe({ bufferSize: 256 });
    const upper = new TransformStream<string, string>({ transform: (s, c) => c.enqueue(s.toUpperCase()) });
    const text = "the quick brown fox ".repeat(100);
    const producing = streamOf([text.slice(0, 1000), text.slice(1000)])
      .pipeThrough(new TextEncoderStream())
      .pipeTo(a.writer.writable);
    const relaying = a.reader.readable
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(upper)
      .pipeThrough(new TextEncoderStream())
      .pipeTo(b.writer.writable);
    const result = await new Response(b.reader.readable).text();
    await producing;
    await relaying;
    assert.equal(result, text.toUpperCase());
  });

  scenario(suite, "TextDecoderStream and for await decode characters split across writes", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    const text = "héllo wörld, 漢字 and 🚀!";
    const bytes = utf8(text);
    const writer = pipe.writer.writable.getWriter();
    const writing = (async () => {
      // One byte per write: multi-byte characters arrive in pieces.
      for (let i = 0; i < bytes.length; i++) await writer.write(bytes.subarray(i, i + 1));
      await writer.close();
    })();
    let decoded = "";
    for await (const part of readableFrom(pipe.reader, { chunkSize: 3 }).pipeThrough(new TextDecoderStream())) {
      decoded += part;
    }
    await writing;
    assert.equal(decoded, text);
  });

  scenario(suite, "a byte stream piped through a connection arrives whole", async (ctx) => {
    await using c = await connected(ctx, { inBufferSize: 4096 });
    const data = pattern(1 << 20);
    const sending = streamOf([data.subarray(0, 300_000), data.subarray(300_000)]).pipeTo(c.client.writable);
    const received = concat(await collect(c.conn.readable));
    await sending;
    assert.deepEqual(received, data);
  });
}
