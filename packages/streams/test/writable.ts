/**
 * writableTo: pipelined writes, gathering on byte pipes, one message per chunk
 * on message pipes, backpressure, close, abort, end-of-stream message.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readableFrom, writableTo } from "../mod.ts";
import {
  collect,
  concat,
  connected,
  countWrites,
  pattern,
  recordWrites,
  scenario,
  streamOf,
  type StreamsSuite,
  tick,
  utf8,
} from "./helpers.ts";

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

  scenario(
    suite,
    "writable: behind a pending write, chunks are gathered; a full gather is the second WriteFile in flight, and with both pending the producer waits",
    async (ctx) => {
      const counted = countWrites(ctx);
      using pipe = counted.pipes.createPipe({ bufferSize: 1024 });
      const writer = writableTo(pipe.writer, { gatherLimit: 8192 }).getWriter();
      const chunks = [1, 2, 3, 4, 5, 6].map((fill) => pattern(4096, fill));
      await writer.write(chunks[0]); // issued: resolves while the kernel still holds 3072 of its bytes
      await writer.write(chunks[1]); // a write is pending: copied into the gather, which waits to fill
      assert.equal(counted.writes(), 1, "the second chunk waits in the gather");
      await writer.write(chunks[2]); // the gather holds its 8192: full, it takes the second slot
      assert.equal(counted.writes(), 2, "the full gather is the second WriteFile");
      assert.equal(counted.largest(), 8192);
      await writer.write(chunks[3]); // both WriteFiles pending: gathered
      await writer.write(chunks[4]); // the gather is full again, no slot is free
      assert.equal(counted.writes(), 2, "the gathered chunks are not written yet");
      const sixth = writer.write(chunks[5]);
      assert.ok(await ctx.isPending(sixth), "the gather is full and waits for a slot: the sixth chunk waits with it");
      assert.ok(await ctx.isPending(writer.ready), "ready waits with it");
      for (const chunk of chunks.slice(0, 5)) chunk.fill(0); // accepted means copied: changing them changes nothing
      const closing = writer.close();
      const received = concat(await collect(readableFrom(pipe.reader, { closeOnEnd: true })));
      await sixth;
      await closing;
      assert.deepEqual(received, concat([1, 2, 3, 4, 5, 6].map((fill) => pattern(4096, fill))));
      assert.equal(counted.writes(), 4, "two gathers of two chunks each, the first and the sixth chunk on their own");
      assert.equal(counted.largest(), 8192);
    },
  );

  scenario(
    suite,
    "writable: a gather goes to the kernel as it is, handed over and not copied again, and is gathered into again only once its write has settled",
    async (ctx) => {
      const recorded = recordWrites(ctx);
      using pipe = recorded.pipes.createPipe({ bufferSize: 1024 });
      const writer = writableTo(pipe.writer, { gatherLimit: 8192 }).getWriter();
      const chunks = Array.from({ length: 16 }, (_, i) => pattern(4096, i + 1));
      const writing = (async () => {
        for (const chunk of chunks) {
          await writer.ready; // as pipeTo does
          writer.write(chunk).catch(() => {}); // a failure shows in close()
        }
        await writer.close();
      })();
      const received = concat(await collect(readableFrom(pipe.reader, { closeOnEnd: true })));
      await writing;
      assert.deepEqual(received, concat(chunks));
      const gathers = recorded.calls.filter((call) => call.owned);
      assert.ok(gathers.length >= 4, `gathers are handed over (${gathers.length} of ${recorded.calls.length} writes)`);
      assert.ok(
        gathers.every((call) => call.settled && call.intact),
        "nothing wrote into a gather while its write was pending",
      );
      assert.ok(
        new Set(gathers.map((call) => call.data.buffer)).size < gathers.length,
        "a settled gather's memory is reused",
      );
      assert.ok(
        recorded.calls.filter((call) => !call.owned).every((call) => call.data.length === 4096),
        "only chunks written alone, one each, are not handed over",
      );
    },
  );

  scenario(
    suite,
    "writable: a chunk gathered behind a pending write goes out when that write completes, with no more chunks and no close",
    async (ctx) => {
      const counted = countWrites(ctx);
      using pipe = counted.pipes.createPipe({ bufferSize: 1024 });
      const writer = writableTo(pipe.writer, { gatherLimit: 65536, preventClose: true }).getWriter();
      await writer.write(pattern(4096, 1)); // pending: the pipe holds 1024
      await writer.write(pattern(4096, 2)); // gathered behind it
      assert.equal(counted.writes(), 1, "the second chunk waits in the gather");
      // The reader drains the first write; its completion sends the gather on.
      const received = new Uint8Array(8192);
      for (let at = 0; at < received.length;) {
        const n = await pipe.reader.read(received.subarray(at));
        assert.ok(n !== null && n > 0, "the data goes on");
        at += n;
      }
      assert.deepEqual(received, concat([pattern(4096, 1), pattern(4096, 2)]));
      assert.equal(counted.writes(), 2);
      writer.releaseLock();
    },
  );

  scenario(
    suite,
    "writable: writesInFlight 0 resolves a write only once the kernel took all its bytes",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe({ bufferSize: 1024 });
      const writer = writableTo(pipe.writer, { writesInFlight: 0, preventClose: true }).getWriter();
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
    },
  );

  scenario(suite, "writable: small chunks of one turn are gathered into one WriteFile on a byte pipe", async (ctx) => {
    const counted = countWrites(ctx);
    await using c = await connected({ ...ctx, pipes: counted.pipes }, { inBufferSize: 65536, outBufferSize: 65536 });
    const writer = c.client.writable.getWriter();
    const frames = Array.from({ length: 100 }, (_, i) => pattern(64, i));
    for (const frame of frames) await writer.write(frame); // no turn of the event loop in between
    frames[99].fill(0); // accepted means copied: the gather does not read the chunk again
    await writer.close();
    const received = concat(await collect(c.conn.readable));
    assert.deepEqual(received, concat(Array.from({ length: 100 }, (_, i) => pattern(64, i))));
    assert.equal(counted.writes(), 2, "the first frame at once, the other 99 gathered into one write");
  });

  scenario(
    suite,
    "writable: a gather is written when it holds gatherLimit; chunk order holds across gathers and larger chunks",
    async (ctx) => {
      const counted = countWrites(ctx);
      const buffers = { inBufferSize: 65536, outBufferSize: 65536 };
      await using c = await connected({ ...ctx, pipes: counted.pipes }, buffers);
      const reading = collect(c.conn.readable);
      const writer = writableTo(c.client, { gatherLimit: 65536 }).getWriter();
      const chunks: Uint8Array[] = [];
      let size = 1;
      for (let i = 0; i < 400; i++) {
        size = (size * 37 + 11) % 3000 + 1; // 1 to 3000 bytes
        chunks.push(pattern(i % 50 === 49 ? 70_000 : size, i));
      }
      for (const chunk of chunks) await writer.write(chunk);
      await writer.close();
      const bytes = chunks.reduce((n, chunk) => n + chunk.length, 0);
      assert.deepEqual(concat(await reading), concat(chunks));
      assert.ok(counted.writes() < chunks.length / 4, `${counted.writes()} WriteFiles for ${chunks.length} chunks`);
      assert.ok(counted.largest() <= 70_000, `a write of ${counted.largest()} bytes (of ${bytes})`);
    },
  );

  scenario(
    suite,
    "writable: a producer ahead of the pipe makes few large writes: 64 KiB chunks gathered up to 256 KiB",
    async (ctx) => {
      const counted = countWrites(ctx);
      using pipe = counted.pipes.createPipe({ bufferSize: 65536 });
      const writer = pipe.writer.writable.getWriter();
      const chunks = Array.from({ length: 64 }, (_, i) => pattern(65536, i));
      const producing = (async () => {
        for (const chunk of chunks) {
          await writer.ready; // as pipeTo does
          writer.write(chunk).catch(() => {}); // a failure shows in close()
        }
        await writer.close();
      })();
      // A slow reader (a macrotask between its reads): the producer is ahead, with both writes pending.
      const reader = readableFrom(pipe.reader, { closeOnEnd: true }).getReader({ mode: "byob" });
      const parts: Uint8Array[] = [];
      for (;;) {
        await tick();
        const { value, done } = await reader.read(new Uint8Array(65536));
        if (done) break;
        parts.push(value);
      }
      const received = concat(parts);
      await producing;
      assert.deepEqual(received, concat(chunks));
      assert.ok(counted.largest() <= 262144, `a write of ${counted.largest()} bytes`);
      assert.ok(counted.writes() <= 24, `${counted.writes()} WriteFiles for 64 chunks of 64 KiB`);
    },
  );

  scenario(suite, "writable: closing the handle writes the gathered bytes first (a readable's cancel)", async (ctx) => {
    await using c = await connected(ctx, { inBufferSize: 65536, outBufferSize: 65536 });
    const writer = c.client.writable.getWriter();
    await writer.write(utf8("first ")); // issued at once
    await writer.write(utf8("gathered")); // waits for the end of the turn
    await c.client.readable.cancel(); // closes the handle (closeOnCancel) before that
    assert.equal(c.client.closed, true);
    assert.equal(new TextDecoder().decode(concat(await collect(c.conn.readable))), "first gathered");
    await writer.close(); // the handle is already closed: nothing left to do
  });

  scenario(
    suite,
    "writable: on a nonblocking handle each write resolves once all its bytes were written",
    async (ctx) => {
      await using c = await connected(ctx, { inBufferSize: 1024, outBufferSize: 1024 });
      c.client.setState({ wait: "nonblocking" });
      const writer = c.client.writable.getWriter(); // the wait mode is sampled now
      const data = pattern(4096);
      const write = writer.write(data);
      assert.ok(await ctx.isPending(write), "not pipelined: the write waits while the pipe is full");
      const reading = collect(c.conn.readable);
      await write;
      await writer.close();
      assert.deepEqual(concat(await reading), data);
    },
  );

  scenario(suite, "writable: on a message pipe pipelined chunks stay one message each", async (ctx) => {
    const counted = countWrites(ctx);
    await using c = await connected({ ...ctx, pipes: counted.pipes }, { type: "message", readMode: "message" });
    const reading = collect(c.conn.readable);
    const writer = c.client.writable.getWriter();
    const chunks = Array.from({ length: 50 }, (_, i) => pattern(i * 10, i));
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
    assert.deepEqual(await reading, chunks);
    assert.equal(counted.writes(), 50);
  });

  scenario(suite, "writable: abort with pending writes cancels them and closes the handle", async (ctx) => {
    const baseline = ctx.kernel.liveHandles();
    const { reader, writer: handle } = ctx.pipes.createPipe({ bufferSize: 1024 });
    const writer = handle.writable.getWriter();
    await writer.write(pattern(4096)); // pending in the kernel: 1024 bytes fit
    await writer.write(pattern(4096));
    const reason = new Error("stop");
    await writer.abort(reason);
    await assert.rejects(writer.closed, (err) => err === reason);
    assert.equal(handle.closed, true);
    // H58: the cancelled writes' unread bytes left the pipe; what the buffer had taken remains.
    const received = concat(await collect(readableFrom(reader, { closeOnEnd: true })));
    assert.ok(received.length <= 1024, `${received.length} bytes arrived`);
    assert.deepEqual(received, pattern(4096).subarray(0, received.length));
    assert.equal(ctx.kernel.liveHandles(), baseline);
  });

  scenario(
    suite,
    "writable: writesInFlight 0: abort with a pending write cancels it and closes the handle",
    async (ctx) => {
      const baseline = ctx.kernel.liveHandles();
      const { reader, writer: handle } = ctx.pipes.createPipe({ bufferSize: 1024 });
      const writer = writableTo(handle, { writesInFlight: 0 }).getWriter();
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
    },
  );

  scenario(suite, "writable: abort with preventClose cancels the writes and keeps the handle (H58)", async (ctx) => {
    using pipe = ctx.pipes.createPipe({ bufferSize: 16 });
    const writer = writableTo(pipe.writer, { preventClose: true, writesInFlight: 0 }).getWriter();
    const write = writer.write(pattern(100));
    assert.ok(await ctx.isPending(write));
    await writer.abort();
    await assert.rejects(write, { name: "AbortError" });
    assert.equal(pipe.writer.closed, false);
    const pipelined = writableTo(pipe.writer, { preventClose: true }).getWriter();
    await pipelined.write(pattern(100)); // accepted, pending in the kernel
    await pipelined.abort();
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
    // The server reads as the writer writes, as a peer does: close() waits until it took the data.
    const received = collect(readableFrom(c.conn, { zeroLengthMessageEnds: true }));
    await streamOf([utf8("a"), utf8("b")]).pipeTo(request);
    assert.equal(c.client.closed, false, "the client can still read the reply");
    assert.deepEqual(await received, [utf8("a"), utf8("b")]);
    // The server answers on the same instance, then closes its side.
    await streamOf([utf8("reply")]).pipeTo(c.conn.writable);
    assert.deepEqual(await collect(c.client.readable), [utf8("reply")]);
  });

  scenario(
    suite,
    "writable: endOfStreamMessage waits for the reader before the marker, so a late byte-mode reader sees it (W-D33)",
    async (ctx) => {
      // The server reads in byte mode, as go-winio does; it starts reading only after the writer closed.
      await using c = await connected(ctx, { type: "message" });
      const writer = writableTo(c.client, { endOfStreamMessage: true, preventClose: true }).getWriter();
      await writer.write(utf8("abc"));
      const closing = writer.close();
      await tick(50);
      // Had the marker gone out behind the data, one read in byte mode could take both (the model does, as
      // Windows' pipe file system does by W-D33), and the stream would wait for an end that never comes.
      const reading = collect(readableFrom(c.conn, { zeroLengthMessageEnds: true }));
      const outcome = await Promise.race([reading, tick(5000).then(() => "still reading" as const)]);
      assert.notEqual(outcome, "still reading", "the reader saw the end-of-stream marker");
      assert.deepEqual(concat(outcome as Uint8Array[]), utf8("abc"));
      await closing;
    },
  );

  scenario(suite, "writable: endOfStreamMessage without preventClose sends the marker, then closes", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const received = collect(c.conn.readable);
    await streamOf([utf8("a")]).pipeTo(writableTo(c.client, { endOfStreamMessage: true }));
    assert.equal(c.client.closed, true);
    assert.deepEqual(await received, [utf8("a"), new Uint8Array(0)]);
  });

  scenario(suite, "writable: other buffer types are written from their memory; text is refused", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    const writer = pipe.writer.writable.getWriter();
    await writer.write(new Uint16Array([0x0201]) as unknown as Uint8Array);
    await writer.write(new Uint8Array([3, 4]).buffer as unknown as Uint8Array);
    await writer.write(new DataView(new Uint8Array([9, 5, 9]).buffer, 1, 1) as unknown as Uint8Array);
    await writer.close();
    assert.deepEqual(concat(await collect(pipe.reader.readable)), new Uint8Array([1, 2, 3, 4, 5]));
    using other = ctx.pipes.createPipe();
    const refusing = other.writer.writable.getWriter();
    await assert.rejects(refusing.write("text" as unknown as Uint8Array), {
      name: "TypeError",
      message:
        'Chunk must be a Uint8Array, an ArrayBufferView or an ArrayBuffer: got "text" (pipe text through a TextEncoderStream first)',
    });
  });

  scenario(
    suite,
    "writable: a chunk whose buffer is detached before the stream used it errors the stream, not written as empty",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe();
      const writer = pipe.writer.writable.getWriter();
      await writer.write(utf8("kept"));
      // The first chunk reaches the idle stream's sink at once (the Streams spec calls it within write());
      // the second waits in the stream's queue behind it, and is taken away there.
      const chunks = [new Uint8Array(100).fill(1), new Uint8Array(100).fill(2)];
      const writes = chunks.map((chunk) => writer.write(chunk));
      for (const chunk of chunks) structuredClone(chunk.buffer, { transfer: [chunk.buffer] });
      const detached = {
        name: "TypeError",
        message: /^a chunk's buffer was detached \(transferred\) after it was written to the stream/,
      };
      await writes[0];
      await assert.rejects(writes[1], detached);
      await assert.rejects(writer.closed, detached);
      // What the stream took before reaches the pipe (the first chunk was gathered: it goes out after this
      // task); nothing is written for the detached chunk.
      const buf = new Uint8Array(256);
      let got = 0;
      while (got < 104) got += (await pipe.reader.read(buf.subarray(got), { signal: AbortSignal.timeout(5000) }))!;
      assert.deepEqual(buf.subarray(0, got), concat([utf8("kept"), new Uint8Array(100).fill(1)]));
      await tick(ctx.backend.pendingDelayMs);
      assert.equal(pipe.reader.peek().bytesAvailable, 0);
    },
  );

  scenario(suite, "writable: a failing write errors the stream and leaves the handle open", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    pipe.reader.close();
    const writer = pipe.writer.writable.getWriter();
    await writer.write(utf8("x")).catch(() => {}); // issued: it may resolve before its WriteFile fails
    await assert.rejects(writer.closed, { codeName: "ERROR_NO_DATA" });
    await assert.rejects(writer.write(utf8("y")), { codeName: "ERROR_NO_DATA" });
    await assert.rejects(writer.close(), TypeError); // an errored stream cannot be closed (Streams spec)
    assert.equal(pipe.writer.closed, false);
    const acknowledged = writableTo(pipe.writer, { writesInFlight: 0, preventClose: true }).getWriter();
    await assert.rejects(acknowledged.write(utf8("x")), { codeName: "ERROR_NO_DATA" }, "with 0, the write itself");
  });

  scenario(suite, "writable: a failure while closing rejects close()", async (ctx) => {
    const { reader, writer: handle } = ctx.pipes.createPipe({ bufferSize: 1024 });
    const writer = handle.writable.getWriter();
    await writer.write(pattern(4096)); // pending: the reader will never take it
    const closing = writer.close();
    reader.close(); // the pending write fails (ERROR_BROKEN_PIPE or ERROR_NO_DATA)
    await assert.rejects(
      closing,
      (err: Error & { codeName?: string }) => /^ERROR_(BROKEN_PIPE|NO_DATA)$/.test(err.codeName ?? ""),
    );
    assert.equal(handle.closed, true, "close() was asked for: the handle is closed anyway");
  });

  scenario(suite, "writableTo validates its arguments", (ctx) => {
    using pipe = ctx.pipes.createPipe();
    // @ts-expect-error: a read end cannot be written
    assert.throws(() => writableTo(pipe.reader), /handle must be a PipeConnection or a PipeWriter: got PipeReader/);
    assert.throws(() => writableTo(pipe.writer, { highWaterMark: 0 }), RangeError);
    assert.throws(() => writableTo(pipe.writer, { writesInFlight: -1 }), RangeError);
    assert.throws(() => writableTo(pipe.writer, { writesInFlight: 65 }), RangeError);
    // @ts-expect-error: not a boolean
    assert.throws(() => writableTo(pipe.writer, { preventClose: "yes" }), TypeError);
  });
}
