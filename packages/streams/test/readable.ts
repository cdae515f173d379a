/**
 * readableFrom: byte streams (BYOB), message streams, end of data, cancel.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readableFrom } from "../mod.ts";
import {
  collect,
  concat,
  connected,
  pattern,
  recordReadData,
  recordReadLengths,
  scenario,
  type StreamsSuite,
  tick,
  utf8,
} from "./helpers.ts";

/** Every chunk a BYOB reader reads (16 bytes at a time) until the stream ends. */
async function collectByob(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Uint8Array[]> {
  const reader = stream.getReader({ mode: "byob" });
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read(new Uint8Array(16));
    if (done) return chunks;
    chunks.push(value);
  }
}

/** Registers the readable suites. */
export function readableTests(suite: StreamsSuite): void {
  scenario(
    suite,
    "byte readable: a BYOB read lands in the caller's view; ReadFile never gets the caller's memory",
    async (ctx) => {
      // Record what ReadFile is asked for: a length, never a view of the caller's memory (docs/buffer-ownership.md).
      const asked = recordReadLengths(ctx);
      using pipe = ctx.pipes.createPipe();
      await pipe.writer.write(utf8("hello world"));
      const reader = pipe.reader.readable.getReader({ mode: "byob" });
      const memory = new ArrayBuffer(64);
      const { value, done } = await reader.read(new Uint8Array(memory, 8, 32));
      assert.equal(done, false);
      assert.ok(value);
      assert.equal(new TextDecoder().decode(value), "hello world");
      // The stream handed our memory back: same buffer size, same offset, and ours is detached (transferred).
      assert.equal(value.byteOffset, 8);
      assert.equal(value.buffer.byteLength, 64);
      assert.equal(memory.byteLength, 0);
      // ReadFile read up to the view's length into memory of its own; the one copy landed in the view.
      assert.deepEqual(asked, [32]);
      reader.releaseLock();
    },
  );

  scenario(
    suite,
    "byte readable: a default reader's reads grow from 64 KiB to 256 KiB while data waits, and shrink when the pipe runs dry",
    async (ctx) => {
      const asked = recordReadLengths(ctx);
      using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
      const data = pattern(1024 * 1024, 3);
      const writing = pipe.writer.write(data); // pending: 1 MiB waits for the reader
      const reader = pipe.reader.readable.getReader();
      const parts: Uint8Array[] = [];
      for (let got = 0; got < data.length;) {
        const { value } = await reader.read();
        parts.push(value!);
        got += value!.length;
      }
      await writing;
      assert.deepEqual(concat(parts), data);
      assert.equal(asked[0], 65536, "the first read asks for 64 KiB");
      assert.equal(Math.max(...asked), 262144, `reads that filled their buffer doubled, up to 256 KiB: ${asked}`);
      assert.ok(parts.length < 16, `${parts.length} reads for 1 MiB`);
      // The pipe is dry: a small chunk is copied out of its read's buffer, and the reads shrink back.
      await pipe.writer.write(utf8("tail"));
      const { value: tail } = await reader.read();
      assert.equal(new TextDecoder().decode(tail), "tail");
      assert.equal(tail!.buffer.byteLength, 4, "the chunk does not keep the read's buffer alive");
      const next = reader.read();
      assert.ok(await ctx.isPending(next));
      assert.equal(asked.at(-1), 65536, `the pending read is back at 64 KiB: ${asked}`);
      pipe.writer.close();
      assert.equal((await next).done, true);
    },
  );

  scenario(
    suite,
    "byte readable: a default reader's reads hold at 128 KiB while a writer's 64 KiB writes fill half of each",
    async (ctx) => {
      const asked = recordReadLengths(ctx);
      using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
      const reader = pipe.reader.readable.getReader();
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < 5; i++) {
        await pipe.writer.write(pattern(65536, i));
        const { value } = await reader.read();
        assert.deepEqual(value, pattern(65536, i));
        chunks.push(value!);
      }
      // Halving at half full, the size swung between 64 and 128 KiB: a fresh 128 KiB buffer every other read.
      assert.deepEqual(asked, [65536, 131072, 131072, 131072, 131072]);
      assert.equal(chunks[0].buffer.byteLength, 65536, "the first read filled its buffer: handed over");
      assert.ok(
        chunks.slice(1).every((chunk) => chunk.buffer.byteLength === 65536),
        "half of a 128 KiB read is copied out, not handed over with its buffer",
      );
      pipe.writer.close();
      assert.equal((await reader.read()).done, true);
    },
  );

  scenario(
    suite,
    "byte readable: a default reader's chunk is the memory the kernel read into, not a copy; a short one is copied out",
    async (ctx) => {
      const delivered = recordReadData(ctx);
      using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
      const reader = pipe.reader.readable.getReader();
      await pipe.writer.write(pattern(65536, 1));
      const first = await reader.read();
      assert.deepEqual(first.value, pattern(65536, 1));
      // A byte stream's enqueue transfers the chunk's memory: the kernel's buffer is now the stream's.
      assert.equal(delivered[0].buffer.byteLength, 0, "the buffer the kernel read into became the chunk");
      await pipe.writer.write(utf8("short"));
      const second = await reader.read();
      assert.deepEqual(second.value, utf8("short"));
      assert.equal(second.value!.buffer.byteLength, 5, "a short chunk is copied out");
      assert.ok(delivered[1].buffer.byteLength > 0, "its read's buffer is not the chunk");
      pipe.writer.close();
      assert.equal((await reader.read()).done, true);
    },
  );

  scenario(
    suite,
    "byte readable: a default reader's chunk carries nothing in its memory but its bytes, whatever the memory held before",
    async (ctx) => {
      // A read into the caller's buffer first: 64 KiB of 0xee through the backend's memory, which goes back for reuse.
      using earlier = ctx.pipes.createPipe({ bufferSize: 65536 });
      await earlier.writer.write(new Uint8Array(65536).fill(0xee));
      const into = new Uint8Array(65536);
      assert.equal(await earlier.reader.read(into), 65536);
      using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
      const reader = pipe.reader.readable.getReader();
      // The read is pending before the write: it has the reused memory, the write a copy of its own.
      const reading = reader.read();
      assert.ok(await ctx.isPending(reading), "the read waits for data");
      const data = pattern(40_000, 3);
      await pipe.writer.write(data);
      const { value } = await reading;
      assert.deepEqual(value, data);
      // More than half of a 64 KiB read: handed over, not copied. The rest of its memory is zeros, not 0xee.
      const memory = new Uint8Array(value!.buffer);
      assert.equal(memory.length, 65536, "the chunk is the memory of a 64 KiB read");
      assert.equal(memory.subarray(value!.length).findIndex((b) => b !== 0), -1, "nothing of an earlier read");
      reader.releaseLock();
    },
  );

  scenario(
    suite,
    "byte readable: a pending BYOB read keeps its memory whatever the caller does with its buffer",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
      const reader = pipe.reader.readable.getReader({ mode: "byob" });
      const memory = new ArrayBuffer(1024 * 1024);
      const pending = reader.read(new Uint8Array(memory));
      assert.ok(await ctx.isPending(pending), "the read waits for data");
      // The stream took the memory at read(): the caller's ArrayBuffer is detached and cannot be transferred or freed.
      const transfer = (memory as ArrayBuffer & { transfer(length?: number): ArrayBuffer }).transfer;
      assert.throws(() => transfer.call(memory, 0), TypeError);
      const canaries = Array.from({ length: 64 }, () => new Uint8Array(64 * 1024).fill(0xc5));
      const data = pattern(60_000, 7);
      await pipe.writer.write(data);
      const { value, done } = await pending;
      assert.equal(done, false);
      assert.deepEqual(value, data);
      assert.equal(value!.buffer.byteLength, 1024 * 1024, "the data arrived in the caller's memory, handed back");
      assert.ok(canaries.every((canary) => canary.every((b) => b === 0xc5)), "no canary was overwritten");
      reader.releaseLock();
    },
  );

  scenario(suite, "byte readable: a default reader gets chunks of up to chunkSize bytes", async (ctx) => {
    using pipe = ctx.pipes.createPipe({ bufferSize: 65536 });
    await pipe.writer.write(pattern(10_000));
    pipe.writer.close();
    const chunks = await collect(readableFrom(pipe.reader, { chunkSize: 4096 }));
    assert.deepEqual(chunks.map((c) => c.length), [4096, 4096, 1808]);
    assert.deepEqual(concat(chunks), pattern(10_000));
  });

  scenario(suite, "byte readable: closes at the end of the data, a pending read included (G55)", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    const reader = pipe.reader.readable.getReader({ mode: "byob" });
    await pipe.writer.write(pattern(100));
    const first = await reader.read(new Uint8Array(1000));
    assert.deepEqual(first.value, pattern(100));
    const pending = reader.read(new Uint8Array(1000));
    assert.ok(await ctx.isPending(pending), "the read waits for data");
    pipe.writer.close();
    const end = await pending;
    assert.equal(end.done, true);
    assert.equal(end.value?.byteLength, 0); // the BYOB buffer comes back, empty
    await reader.closed;
    assert.equal(pipe.reader.closed, false, "the end of the data leaves the handle open by default");
  });

  scenario(
    suite,
    "byte readable with read-ahead: a BYOB read that came while a read ahead waited ends at the end of the data (G55)",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe();
      const readable = readableFrom(pipe.reader, { highWaterMark: 1024 });
      await tick(); // the read ahead, with no BYOB request, waits for data
      const reader = readable.getReader({ mode: "byob" });
      const pending = reader.read(new Uint8Array(16));
      assert.ok(await ctx.isPending(pending), "the read waits for data");
      pipe.writer.close();
      const end = await pending;
      assert.equal(end.done, true);
      assert.equal(end.value?.byteLength, 0); // the BYOB buffer comes back, empty
      await reader.closed;
    },
  );

  scenario(suite, "byte readable: closeOnEnd closes the handle at the end of the data", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    await pipe.writer.write(utf8("x"));
    pipe.writer.close();
    assert.equal((await collect(readableFrom(pipe.reader, { closeOnEnd: true }))).length, 1);
    assert.equal(pipe.reader.closed, true);
  });

  scenario(suite, "byte readable: a message pipe read in byte mode loses the boundaries", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "byte" });
    await c.client.write(utf8("ab"));
    await c.client.write(new Uint8Array(0));
    await c.client.write(utf8("cd"));
    c.client.close();
    const chunks = await collect(c.conn.readable);
    assert.equal(new TextDecoder().decode(concat(chunks)), "abcd");
    assert.ok(chunks.every((chunk) => chunk.length > 0), "no empty chunk in a byte stream");
  });

  scenario(suite, "byte readable: a nonblocking handle is polled until data arrives", async (ctx) => {
    await using c = await connected(ctx);
    c.conn.setState({ wait: "nonblocking" });
    const reader = c.conn.readable.getReader();
    const pending = reader.read();
    await tick(5);
    assert.ok(await ctx.isPending(pending));
    await c.client.write(utf8("late"));
    assert.equal(new TextDecoder().decode((await pending).value), "late");
    reader.releaseLock();
  });

  scenario(
    suite,
    "message readable: one chunk per message, zero-length and multi-part ones included",
    async (ctx) => {
      await using c = await connected(ctx, { type: "message", readMode: "message", inBufferSize: 4096 });
      const big = pattern(300_000); // larger than the buffer and than readMessage's first read: ERROR_MORE_DATA parts
      const messages = [utf8("a"), new Uint8Array(0), big, utf8("bcd"), new Uint8Array(0)];
      const reading = collect(c.conn.readable);
      for (const m of messages) await c.client.write(m);
      c.client.close();
      assert.deepEqual(await reading, messages);
    },
  );

  scenario(suite, "message readable: maxMessageSize errors the stream, not the process", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    await c.client.write(pattern(10));
    await c.client.write(pattern(11));
    await c.client.write(pattern(3));
    const reader = readableFrom(c.conn, { maxMessageSize: 10 }).getReader();
    assert.deepEqual((await reader.read()).value, pattern(10));
    await assert.rejects(reader.read(), (err: Error) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /11 bytes exceeds the limit of 10 bytes/);
      return true;
    });
    await assert.rejects(reader.closed, RangeError);
    // The oversized message was discarded whole: the handle is open and at a message boundary.
    assert.equal(c.conn.closed, false);
    assert.deepEqual(await c.conn.readMessage(), pattern(3));
  });

  scenario(
    suite,
    "read-ahead: the messages read before a failure reach the consumer first, then the failure",
    async (ctx) => {
      await using c = await connected(ctx, { type: "message", readMode: "message" });
      for (const n of [1, 2, 30, 3]) await c.client.write(pattern(n));
      // highWaterMark 4: the stream reads the first two messages ahead, then meets the oversized one.
      const messages = readableFrom(c.conn, { maxMessageSize: 10, highWaterMark: 4 }).getReader();
      await tick(ctx.backend.pendingDelayMs);
      assert.deepEqual((await messages.read()).value, pattern(1));
      assert.deepEqual((await messages.read()).value, pattern(2));
      await assert.rejects(messages.read(), RangeError);
      assert.deepEqual(await c.conn.readMessage(), pattern(3), "the message after it stays in the pipe");
    },
  );

  scenario(suite, "message readable: zeroLengthMessageEnds ends at a zero-length message", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    await c.client.write(utf8("a"));
    await c.client.write(new Uint8Array(0));
    await c.client.write(utf8("after"));
    const chunks = await collect(readableFrom(c.conn, { zeroLengthMessageEnds: true }));
    assert.deepEqual(chunks, [utf8("a")]);
    assert.equal(c.conn.closed, false);
    assert.deepEqual(await c.conn.readMessage(), utf8("after"));
  });

  scenario(
    suite,
    "byte readable of a message pipe: zeroLengthMessageEnds ends at a read of 0 bytes (go-winio's CloseWrite)",
    async (ctx) => {
      for (const reader of ["default", "byob"] as const) {
        // The server handle of a message pipe reads in byte mode, as go-winio's do.
        await using c = await connected(ctx, { type: "message" });
        assert.equal(c.conn.state().readMode, "byte");
        const stream = readableFrom(c.conn, { zeroLengthMessageEnds: true });
        const collecting = reader === "default" ? collect(stream) : collectByob(stream);
        // go-winio's CloseWrite: the flush waits until the reader took the data, then an empty message.
        await c.client.write(utf8("abc"));
        await c.client.flush();
        await c.client.write(new Uint8Array(0));
        const outcome = await Promise.race([collecting, tick(5000).then(() => "still reading" as const)]);
        assert.notEqual(outcome, "still reading", `${reader}: the stream ended at the zero-length message`);
        assert.deepEqual(concat(outcome as Uint8Array[]), utf8("abc"), reader);
        assert.equal(c.conn.closed, false, `${reader}: the handle stays open`);
        await c.client.write(utf8("reply?"));
        const buffer = new Uint8Array(16);
        const read = await c.conn.read(buffer);
        assert.equal(new TextDecoder().decode(buffer.subarray(0, read?.bytesRead)), "reply?");
      }
    },
  );

  scenario(suite, "cancel during a pending read cancels it, settles it and closes the handle", async (ctx) => {
    const baseline = ctx.kernel.liveHandles();
    const { reader: handle, writer } = ctx.pipes.createPipe();
    const reader = handle.readable.getReader({ mode: "byob" });
    const pending = reader.read(new Uint8Array(16));
    assert.ok(await ctx.isPending(pending), "the read waits for data");
    await reader.cancel(new Error("not interested"));
    const settled = await pending;
    assert.equal(settled.done, true);
    assert.equal(handle.closed, true, "closeOnCancel is the default");
    // The read end is gone: writing fails with ERROR_NO_DATA.
    await assert.rejects(writer.write(utf8("x")), { codeName: "ERROR_NO_DATA" });
    writer.close();
    assert.equal(ctx.kernel.liveHandles(), baseline);
  });

  scenario(suite, "cancel with closeOnCancel false withdraws the pending read and keeps the handle", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const reader = readableFrom(c.conn, { closeOnCancel: false }).getReader();
    const pending = reader.read();
    assert.ok(await ctx.isPending(pending));
    await reader.cancel();
    assert.equal((await pending).done, true);
    assert.equal(c.conn.closed, false);
    // The cancelled ReadFile is no longer queued: the next message goes to the next reader.
    await c.client.write(utf8("kept"));
    assert.deepEqual(await c.conn.readMessage(), utf8("kept"));
  });

  scenario(suite, "breaking out of for await cancels the stream and closes the handle", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    for (const m of ["1", "2", "3"]) await c.client.write(utf8(m));
    const seen: string[] = [];
    for await (const message of c.conn.readable) {
      seen.push(new TextDecoder().decode(message));
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ["1", "2"]);
    assert.equal(c.conn.closed, true);
  });

  scenario(suite, "a read failing because this process closed the handle ends the stream", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const reader = c.conn.readable.getReader();
    const pending = reader.read();
    assert.ok(await ctx.isPending(pending));
    // Closing the writable of the same connection closes the handle (no half-close on Windows pipes).
    await c.conn.writable.close();
    assert.equal((await pending).done, true);
    await reader.closed;
  });

  scenario(suite, "a disconnect by the server ends the client's stream", async (ctx) => {
    const name = ctx.name();
    await using instance = ctx.pipes.createNamedPipe(name);
    await using client = await ctx.pipes.connect(name);
    const reader = client.readable.getReader();
    const pending = reader.read();
    assert.ok(await ctx.isPending(pending));
    instance.disconnect();
    assert.equal((await pending).done, true);
    await reader.closed;
  });

  scenario(suite, "a failing read errors the stream and leaves the handle open", async (ctx) => {
    // A server's end of an outbound pipe has no read access: its reads fail with ERROR_ACCESS_DENIED.
    const name = ctx.name();
    const instance = ctx.pipes.createNamedPipe(name, { access: "outbound" });
    await using _client = await ctx.pipes.connect(name, { access: "read" });
    const reader = instance.readable.getReader();
    await assert.rejects(reader.read(), { codeName: "ERROR_ACCESS_DENIED" });
    assert.equal(instance.closed, false);
    instance.close();
  });

  scenario(suite, "readableFrom validates its arguments", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    assert.throws(() => readableFrom(pipe.reader, { mode: "message" }), {
      name: "TypeError",
      message: 'mode "message" needs a handle in message read mode: got a PipeReader',
    });
    await using c = await connected(ctx, { type: "message" });
    assert.throws(() => readableFrom(c.conn, { mode: "message" }), /is in byte read mode/);
    // @ts-expect-error: a write end cannot be read
    assert.throws(() => readableFrom(pipe.writer), /handle must be a PipeConnection or a PipeReader: got PipeWriter/);
    assert.throws(() => readableFrom(pipe.reader, { chunkSize: 0 }), RangeError);
    // @ts-expect-error: not a mode
    assert.throws(() => readableFrom(pipe.reader, { mode: "lines" }), TypeError);
    // A byte stream of a message-read-mode handle, on request.
    const bytes = readableFrom(c.conn, { mode: "byte" });
    await bytes.cancel();
  });
}
