/**
 * writableTo: one write per chunk, backpressure, close, abort, end-of-stream message.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readableFrom, writableTo } from "../mod.ts";
import { collect, concat, connected, pattern, scenario, streamOf, type StreamsSuite, utf8 } from "./helpers.ts";

/** Registers the writable suites. */
export function writableTests(suite: StreamsSuite): void {
  scenario(suite, "writable: each chunk is one WriteFile, so one message on a message pipe", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const writer = c.client.writable.getWriter();
    const chunks = [utf8("one"), new Uint8Array(0), pattern(70_000), utf8("four")];
    const reading = collect(c.conn.readable);
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
    assert.equal(c.client.closed, true, "close() closes the handle");
    assert.deepEqual(await reading, chunks);
  });

  scenario(suite, "writable: a write resolves only once the kernel took all its bytes", async (ctx) => {
    using pipe = ctx.pipes.createPipe({ bufferSize: 1024 });
    const writer = pipe.writer.writable.getWriter();
    assert.equal(writer.desiredSize, 1);
    const write = writer.write(pattern(4096));
    assert.equal(writer.desiredSize, 0, "the chunk being written counts against the high-water mark");
    assert.ok(await ctx.isPending(write), "WriteFile waits: the pipe holds 1024 bytes");
    assert.ok(await ctx.isPending(writer.ready), "ready waits for the write");
    const buf = new Uint8Array(2048);
    assert.equal(await pipe.reader.read(buf), 2048);
    assert.ok(await ctx.isPending(write), "1024 bytes are still not in the pipe");
    assert.equal(await pipe.reader.read(buf), 2048);
    await write;
    await writer.ready;
    assert.equal(writer.desiredSize, 1);
    writer.releaseLock();
  });

  scenario(suite, "writable: abort with a pending write cancels it and closes the handle", async (ctx) => {
    const baseline = ctx.kernel.liveHandles();
    const { reader, writer: handle } = ctx.pipes.createPipe({ bufferSize: 1024 });
    const writer = handle.writable.getWriter();
    const write = writer.write(pattern(4096));
    assert.ok(await ctx.isPending(write));
    const reason = new Error("stop");
    await writer.abort(reason);
    await assert.rejects(write, (err) => err === reason);
    await assert.rejects(writer.closed, (err) => err === reason);
    assert.equal(handle.closed, true);
    // H58: the cancelled write's unread bytes left the pipe; the reader sees the end at once.
    const received = await collect(readableFrom(reader, { closeOnEnd: true }));
    assert.equal(concat(received).length, 0);
    assert.equal(ctx.kernel.liveHandles(), baseline);
  });

  scenario(suite, "writable: abort with preventClose cancels the write and keeps the handle (H58)", async (ctx) => {
    using pipe = ctx.pipes.createPipe({ bufferSize: 16 });
    const writer = writableTo(pipe.writer, { preventClose: true }).getWriter();
    const write = writer.write(pattern(100));
    assert.ok(await ctx.isPending(write));
    await writer.abort();
    await assert.rejects(write, { name: "AbortError" });
    assert.equal(pipe.writer.closed, false);
    await pipe.writer.write(utf8("next"));
    pipe.writer.close();
    assert.equal(new TextDecoder().decode(concat(await collect(pipe.reader.readable))), "next");
  });

  scenario(suite, "writable: abort without a pending write closes the handle", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    await pipe.writer.writable.abort();
    assert.equal(pipe.writer.closed, true);
  });

  scenario(suite, "writable: endOfStreamMessage with preventClose is go-winio's CloseWrite", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const request = writableTo(c.client, { endOfStreamMessage: true, preventClose: true });
    await streamOf([utf8("a"), utf8("b")]).pipeTo(request);
    assert.equal(c.client.closed, false, "the client can still read the reply");
    const received = await collect(readableFrom(c.conn, { zeroLengthMessageEnds: true }));
    assert.deepEqual(received, [utf8("a"), utf8("b")]);
    // The server answers on the same instance, then closes its side.
    await streamOf([utf8("reply")]).pipeTo(c.conn.writable);
    assert.deepEqual(await collect(c.client.readable), [utf8("reply")]);
  });

  scenario(suite, "writable: endOfStreamMessage without preventClose sends the marker, then closes", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    await streamOf([utf8("a")]).pipeTo(writableTo(c.client, { endOfStreamMessage: true }));
    assert.equal(c.client.closed, true);
    assert.deepEqual(await collect(c.conn.readable), [utf8("a"), new Uint8Array(0)]);
  });

  scenario(suite, "writable: other buffer types are written from their memory; text is refused", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    const writer = pipe.writer.writable.getWriter();
    await writer.write(new Uint16Array([0x0201]) as unknown as Uint8Array);
    await writer.write(new Uint8Array([3, 4]).buffer as unknown as Uint8Array);
    await writer.write(new DataView(new Uint8Array([9, 5, 9]).buffer, 1, 1) as unknown as Uint8Array);
    await assert.rejects(writer.write("text" as unknown as Uint8Array), {
      name: "TypeError",
      message:
        'Chunk must be a Uint8Array, an ArrayBufferView or an ArrayBuffer: got "text" (pipe text through a TextEncoderStream first)',
    });
    const buf = new Uint8Array(16);
    const n = await pipe.reader.read(buf);
    assert.deepEqual(buf.subarray(0, n ?? 0), new Uint8Array([1, 2, 3, 4, 5]));
  });

  scenario(suite, "writable: a failing write errors the stream and leaves the handle open", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    pipe.reader.close();
    const writer = pipe.writer.writable.getWriter();
    await assert.rejects(writer.write(utf8("x")), { codeName: "ERROR_NO_DATA" });
    await assert.rejects(writer.closed, { codeName: "ERROR_NO_DATA" });
    assert.equal(pipe.writer.closed, false);
  });

  scenario(suite, "writableTo validates its arguments", (ctx) => {
    using pipe = ctx.pipes.createPipe();
    // @ts-expect-error: a read end cannot be written
    assert.throws(() => writableTo(pipe.reader), /handle must be a PipeConnection or a PipeWriter: got PipeReader/);
    assert.throws(() => writableTo(pipe.writer, { highWaterMark: 0 }), RangeError);
    // @ts-expect-error: not a boolean
    assert.throws(() => writableTo(pipe.writer, { preventClose: "yes" }), TypeError);
  });
}
