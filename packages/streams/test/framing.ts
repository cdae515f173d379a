/**
 * Framing: lines, length prefixes, JSON Lines, JSON per message and the
 * Content-Length framing of JSON-RPC, over pipes of the suite's backend and
 * in memory (for every way to split the input).
 *
 * @module
 */
import assert from "node:assert/strict";
import { isPipeError } from "@winpipe/core";
import {
  ContentLengthDecoderStream,
  ContentLengthEncoderStream,
  JsonDecoderStream,
  JsonEncoderStream,
  JsonLinesDecoderStream,
  JsonLinesEncoderStream,
  LengthPrefixDecoderStream,
  LengthPrefixEncoderStream,
  LineDecoderStream,
  LineEncoderStream,
} from "../mod.ts";
import { concat, connected, pattern, scenario, streamOf, type StreamsSuite, tick, utf8 } from "./helpers.ts";

/** What a readable byte stream chunk can be at most (readableFrom's default chunkSize). */
const READ_CHUNK = 65536;

/** Everything `transform` makes of `chunks`. */
function through<I, O>(chunks: Iterable<I>, transform: TransformStream<I, O>): Promise<O[]> {
  return Array.fromAsync(streamOf(chunks).pipeThrough(transform));
}

/** A stream that counts the bytes passing through it into `counter.bytes`. */
function counting(counter: { bytes: number }): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      counter.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

/** The ways to cut `bytes` into two chunks, and into chunks of one byte. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.slice(0, i), bytes.slice(i)]);
  out.push(Array.from(bytes, (b) => new Uint8Array([b])));
  return out;
}

/** The length prefix of `n`. */
function prefix(n: number, littleEndian = false): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, littleEndian);
  return out;
}

/** Registers the framing suites. */
export function framingTests(suite: StreamsSuite): void {
  scenario(
    suite,
    "lines: \\n and \\r\\n endings, however the bytes are cut, characters split included",
    async (ctx) => {
      const text = "\uFEFFfirst\r\nsecond\n\nÇa va, 世界 🚀\r\n\uFEFFlast without ending";
      const expected = ["first", "second", "", "Ça va, 世界 🚀", "\uFEFFlast without ending"];
      for (const chunks of splits(utf8(text))) {
        assert.deepEqual(await through(chunks, new LineDecoderStream()), expected);
      }
      // Through a pipe, one byte per write, read in chunks of 3 bytes.
      using pipe = ctx.pipes.createPipe({ bufferSize: 64 });
      const bytes = utf8(text);
      const writing = (async () => {
        for (let i = 0; i < bytes.length; i++) await pipe.writer.write(bytes.subarray(i, i + 1));
        pipe.writer.close();
      })();
      const lines = await Array.fromAsync(pipe.reader.readable.pipeThrough(new LineDecoderStream()));
      await writing;
      assert.deepEqual(lines, expected);
    },
  );

  scenario(
    suite,
    "lines: a peer that never sends a line ending gets a RangeError, not unbounded buffering",
    async (ctx) => {
      await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
      const maxLineLength = 16384;
      const sent = 1024 * 1024;
      const read = { bytes: 0 };
      // One write of 1 MiB without a line ending, pending while the pipe is full.
      const writing = c.client.write(new Uint8Array(sent).fill(0x78));
      writing.catch(() => {});
      const lines = c.conn.readable.pipeThrough(counting(read)).pipeThrough(new LineDecoderStream({ maxLineLength }));
      await assert.rejects(Array.fromAsync(lines), {
        name: "RangeError",
        message: "line 1 is longer than the limit of 16384 bytes (maxLineLength): no line ending came within it",
      });
      // The decoder held at most the limit; what was read beyond it is at most the chunks in flight.
      assert.ok(read.bytes <= maxLineLength + 1 + 2 * READ_CHUNK, `read ${read.bytes} bytes of ${sent}`);
      // The error cancelled the pipe's readable, which closed this end: the writer learns it, it is not left waiting.
      await assert.rejects(writing, (err) => isPipeError(err));
      assert.equal(c.conn.closed, true);
    },
  );

  scenario(suite, "lines: the limit holds for a last line without an ending, however it is cut", async () => {
    const limit = { maxLineLength: 3 };
    // A line of exactly the limit passes, with or without its ending.
    assert.deepEqual(await through([utf8("abc\r\nabc")], new LineDecoderStream(limit)), ["abc", "abc"]);
    // One byte over it fails at the end of the data as it does before a "\n", a CR included
    // (a CR that no LF follows is the line's, not an ending).
    for (const last of ["abcd", "abc\r"]) {
      for (const chunks of splits(utf8(last))) {
        await assert.rejects(through(chunks, new LineDecoderStream(limit)), {
          name: "RangeError",
          message: "line 1 is longer than the limit of 3 bytes (maxLineLength): no line ending came within it",
        });
      }
    }
    await assert.rejects(through([utf8("1\n22")], new JsonLinesDecoderStream({ maxLineLength: 1 })), {
      name: "RangeError",
      message: "line 2 is longer than the limit of 1 bytes (maxLineLength): no line ending came within it",
    });
  });

  scenario(suite, "lines: the decoder reads only as fast as lines are taken (backpressure)", async (ctx) => {
    using pipe = ctx.pipes.createPipe({ bufferSize: 4096 });
    const lineCount = 64 * 1024;
    const text = Array.from({ length: lineCount }, (_, i) => `line ${String(i).padStart(8, "0")}`).join("\n") + "\n";
    const bytes = utf8(text); // 1 MiB
    const writing = pipe.writer.write(bytes);
    const read = { bytes: 0 };
    const reader = pipe.reader.readable.pipeThrough(counting(read)).pipeThrough(new LineDecoderStream()).getReader();
    assert.deepEqual(await reader.read(), { value: "line 00000000", done: false });
    await tick(ctx.backend.pendingDelayMs);
    assert.ok(await ctx.isPending(writing), "the writer waits: the lines were not all read into memory");
    assert.ok(read.bytes <= 3 * READ_CHUNK, `read ${read.bytes} of ${bytes.length} bytes for one line`);
    let n = 1;
    const closing = writing.then(() => pipe.writer.close());
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      assert.equal(value, `line ${String(n++).padStart(8, "0")}`);
    }
    await closing;
    assert.equal(n, lineCount);
  });

  scenario(
    suite,
    "lines: LineEncoderStream writes each line with its ending and refuses a line ending inside",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe();
      await streamOf(["a", "", "b c"]).pipeThrough(new LineEncoderStream({ ending: "\r\n" })).pipeTo(
        pipe.writer.writable,
      );
      const raw = new Uint8Array(64);
      const n = await pipe.reader.read(raw);
      assert.equal(new TextDecoder().decode(raw.subarray(0, n!)), "a\r\n\r\nb c\r\n");
      await assert.rejects(through(["ok", "two\nlines"], new LineEncoderStream()), {
        name: "TypeError",
        message: 'a line must not contain "\\n" nor end with "\\r": got "two\\nlines"',
      });
      await assert.rejects(through(["cr\r"], new LineEncoderStream()), TypeError);
      await assert.rejects(through([42 as unknown as string], new LineEncoderStream()), {
        name: "TypeError",
        message: "a line must be a string: got 42",
      });
    },
  );

  scenario(suite, "framing options are checked when the stream is made", () => {
    assert.throws(() => new LineDecoderStream({ maxLineLength: -1 }), {
      name: "RangeError",
      message: "maxLineLength must be between 0 and 1073741823: got -1",
    });
    assert.throws(() => new LineDecoderStream({ maxLineLength: 1.5 }), TypeError);
    assert.throws(() => new LineDecoderStream({ fatal: "yes" as unknown as boolean }), TypeError);
    assert.throws(() => new LineEncoderStream({ ending: "\r" as "\n" }), {
      name: "TypeError",
      message: 'ending must be "\\n" or "\\r\\n": got "\r"',
    });
    assert.throws(() => new LengthPrefixDecoderStream({ byteOrder: "middle" as "big" }), TypeError);
    assert.throws(() => new LengthPrefixEncoderStream({ maxFrameSize: 2 ** 32 }), RangeError);
    assert.throws(() => new JsonLinesDecoderStream({ maxLineLength: "1" as unknown as number }), TypeError);
    assert.throws(() => new ContentLengthDecoderStream({ maxHeaderSize: 2 }), RangeError);
    assert.throws(() => new ContentLengthDecoderStream(null as unknown as undefined), {
      name: "TypeError",
      message: "options must be an object: got null",
    });
  });

  scenario(suite, "length prefix: frames round-trip in both byte orders through a small pipe", async (ctx) => {
    const frames = [new Uint8Array(0), new Uint8Array([1]), utf8("abc"), pattern(5000), pattern(70_000, 7)];
    for (const byteOrder of ["big", "little"] as const) {
      const littleEndian = byteOrder === "little";
      // The wire format: the 4-byte length in the chosen order, then the bytes.
      assert.deepEqual(await through([utf8("abc")], new LengthPrefixEncoderStream({ byteOrder })), [
        concat([prefix(3, littleEndian), utf8("abc")]),
      ]);
      using pipe = ctx.pipes.createPipe({ bufferSize: 1024 });
      const sending = streamOf(frames).pipeThrough(new LengthPrefixEncoderStream({ byteOrder })).pipeTo(
        pipe.writer.writable,
      );
      const received = await Array.fromAsync(
        pipe.reader.readable.pipeThrough(new LengthPrefixDecoderStream({ byteOrder, maxFrameSize: 70_000 })),
      );
      await sending;
      assert.deepEqual(received, frames);
    }
    // Every way to cut two frames.
    const wire = concat([prefix(2), utf8("hi"), prefix(0), prefix(1), utf8("!")]);
    for (const chunks of splits(wire)) {
      assert.deepEqual(await through(chunks, new LengthPrefixDecoderStream()), [
        utf8("hi"),
        new Uint8Array(0),
        utf8("!"),
      ]);
    }
  });

  scenario(suite, "length prefix: a huge length errors at once, before the frame is buffered", async (ctx) => {
    await using c = await connected(ctx);
    // A prefix announcing 4 GiB - 16, and nothing more: the peer keeps the pipe open.
    await c.client.write(prefix(0xfffffff0));
    const frames = Array.fromAsync(c.conn.readable.pipeThrough(new LengthPrefixDecoderStream()));
    frames.catch(() => {});
    assert.equal(await ctx.isPending(frames), false, "the decoder did not wait for the body");
    await assert.rejects(frames, {
      name: "RangeError",
      message: "frame 1 announces 4294967280 bytes, more than the limit of 16777216 bytes (maxFrameSize)",
    });
    await assert.rejects(through([pattern(11)], new LengthPrefixEncoderStream({ maxFrameSize: 10 })), {
      name: "RangeError",
      message: "a frame of 11 bytes exceeds the limit of 10 bytes (maxFrameSize)",
    });
  });

  scenario(suite, "length prefix: data that ends inside a frame is a SyntaxError", async (ctx) => {
    using pipe = ctx.pipes.createPipe();
    await pipe.writer.write(concat([prefix(1), utf8("x"), prefix(10), pattern(4)]));
    pipe.writer.close();
    const received: Uint8Array[] = [];
    await assert.rejects(
      pipe.reader.readable.pipeThrough(new LengthPrefixDecoderStream()).pipeTo(
        new WritableStream({ write: (frame) => void received.push(frame) }),
      ),
      { name: "SyntaxError", message: "the data ended in the middle of frame 2: 4 of its 10 bytes arrived" },
    );
    assert.deepEqual(received, [utf8("x")], "the whole frame before it was delivered");
    await assert.rejects(through([prefix(1).subarray(0, 3)], new LengthPrefixDecoderStream()), {
      name: "SyntaxError",
      message: "the data ended in the length prefix of frame 1: 3 of its 4 bytes arrived",
    });
  });

  scenario(
    suite,
    "JSON Lines: values round-trip through a byte pipe; blank lines and \\r\\n are accepted",
    async (ctx) => {
      const values = [{ a: 1, nested: { list: [1, "two", null] } }, "héllo 🚀", 3.5, true, null, []];
      using pipe = ctx.pipes.createPipe({ bufferSize: 64 });
      const sending = streamOf(values).pipeThrough(new JsonLinesEncoderStream()).pipeTo(pipe.writer.writable);
      assert.deepEqual(await Array.fromAsync(pipe.reader.readable.pipeThrough(new JsonLinesDecoderStream())), values);
      await sending;
      const wire = utf8('{"a":1}\r\n\r\n  \n[2]\n"last"');
      for (const chunks of splits(wire)) {
        assert.deepEqual(await through(chunks, new JsonLinesDecoderStream()), [{ a: 1 }, [2], "last"]);
      }
    },
  );

  scenario(
    suite,
    "JSON Lines: a line that is not JSON names its line number; a value with no JSON is refused",
    async () => {
      await assert.rejects(through([utf8('{"ok":1}\n{oops}\n')], new JsonLinesDecoderStream()), (err) => {
        assert.ok(err instanceof SyntaxError);
        assert.match(err.message, /^line 2 is not JSON \(.+\): "\{oops\}"$/);
        return true;
      });
      await assert.rejects(through([utf8("[1]\n"), new Uint8Array([0xff, 0x0a])], new JsonLinesDecoderStream()), {
        name: "SyntaxError",
        message: "line 2 is not valid UTF-8",
      });
      await assert.rejects(through([undefined], new JsonLinesEncoderStream()), {
        name: "TypeError",
        message: "undefined has no JSON text (JSON.stringify returned undefined)",
      });
      await assert.rejects(
        through([utf8("x".repeat(100))], new JsonLinesDecoderStream({ maxLineLength: 10 })),
        RangeError,
      );
    },
  );

  scenario(suite, "JSON per message: each value is one message on a message pipe", async (ctx) => {
    await using c = await connected(ctx, { type: "message", readMode: "message" });
    const values = [{ id: 1, text: "ça" }, [1, 2, 3], "x".repeat(100_000)];
    const writer = c.client.writable.getWriter();
    const encoded = await through(values, new JsonEncoderStream());
    // Not awaited: the 100 kB message is larger than the pipe's buffer and completes as it is read.
    const writing = Promise.all(encoded.map((chunk) => writer.write(chunk)));
    // Each message is exactly one JSON text.
    assert.equal(new TextDecoder().decode((await c.conn.readMessage())!), '{"id":1,"text":"ça"}');
    assert.equal(new TextDecoder().decode((await c.conn.readMessage())!), "[1,2,3]");
    assert.equal((await c.conn.readMessage())!.length, 100_002);
    await writing;
    // And back: the decoder turns each message into its value.
    await writer.write(encoded[0]);
    await writer.write(new Uint8Array(0)); // a zero-length message is not JSON
    const reader = c.conn.readable.pipeThrough(new JsonDecoderStream()).getReader();
    assert.deepEqual(await reader.read(), { value: values[0], done: false });
    await assert.rejects(reader.read(), (err) => {
      assert.ok(err instanceof SyntaxError);
      assert.match(err.message, /^chunk 2 is not JSON \(.+\): ""$/);
      return true;
    });
    writer.releaseLock();
  });

  scenario(
    suite,
    "Content-Length: messages round-trip through a small byte pipe in the LSP base protocol framing",
    async (ctx) => {
      const messages = [
        { jsonrpc: "2.0", id: 1, method: "initialize", params: { rootUri: "file:///c%3A/ça" } },
        { jsonrpc: "2.0", method: "window/logMessage", params: { message: "🚀".repeat(30_000) } },
        { jsonrpc: "2.0", id: 1, result: null },
      ];
      using pipe = ctx.pipes.createPipe({ bufferSize: 1024 });
      const sending = streamOf(messages)
        .pipeThrough(new JsonEncoderStream())
        .pipeThrough(new ContentLengthEncoderStream())
        .pipeTo(pipe.writer.writable);
      const received = await Array.fromAsync(
        pipe.reader.readable.pipeThrough(new ContentLengthDecoderStream()).pipeThrough(new JsonDecoderStream()),
      );
      await sending;
      assert.deepEqual(received, messages);
      // The wire format: the byte count of the UTF-8 body, not its character count.
      const [framed] = await through([utf8('"é"')], new ContentLengthEncoderStream());
      assert.equal(new TextDecoder().decode(framed), 'Content-Length: 4\r\n\r\n"é"');
    },
  );

  scenario(suite, "Content-Length: header fields in any case and order, however the bytes are cut", () => {
    const wire = utf8(
      "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}" +
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:3\r\n\r\n[1]" +
        "Content-Length: 0\r\n\r\n",
    );
    return (async () => {
      for (const chunks of splits(wire)) {
        assert.deepEqual(await through(chunks, new ContentLengthDecoderStream()), [utf8("{}"), utf8("[1]"), utf8("")]);
      }
    })();
  });

  scenario(
    suite,
    "Content-Length: bad headers, huge lengths, endless headers and cut bodies are clear errors",
    async (ctx) => {
      const decode = (text: string, options?: ConstructorParameters<typeof ContentLengthDecoderStream>[0]) =>
        through([utf8(text)], new ContentLengthDecoderStream(options));
      await assert.rejects(decode("Content-Type: x\r\n\r\n{}"), {
        name: "SyntaxError",
        message: "message 1: the header has no Content-Length",
      });
      await assert.rejects(decode("Content-Length: 2\r\n\r\n{}Content-Length: two\r\n\r\n"), {
        name: "SyntaxError",
        message: 'message 2: Content-Length "two" is not a byte count',
      });
      await assert.rejects(decode("no colon here\r\n\r\n"), {
        name: "SyntaxError",
        message: 'message 1: the header line "no colon here" is not "Name: value"',
      });
      await assert.rejects(decode("Content-Length: 10\r\n\r\n{}"), {
        name: "SyntaxError",
        message: "the data ended in the middle of message 1: 2 of its 10 bytes arrived",
      });
      // A huge length over a pipe: the error comes as soon as the header is read, the body is never awaited.
      await using c = await connected(ctx);
      await c.client.write(utf8("Content-Length: 1000000000\r\n\r\n"));
      const bodies = Array.fromAsync(c.conn.readable.pipeThrough(new ContentLengthDecoderStream()));
      bodies.catch(() => {});
      assert.equal(await ctx.isPending(bodies), false, "the decoder did not wait for the body");
      await assert.rejects(bodies, {
        name: "RangeError",
        message: "message 1 announces 1000000000 bytes, more than the limit of 16777216 bytes (maxMessageSize)",
      });
      // A header that never ends: at most maxHeaderSize bytes are held.
      const endless = "X-Padding: " + "a".repeat(100_000);
      await assert.rejects(decode(endless, { maxHeaderSize: 1024 }), {
        name: "RangeError",
        message:
          "message 1: the header is longer than the limit of 1024 bytes (maxHeaderSize) and its blank line has not come",
      });
    },
  );

  scenario(
    suite,
    "framing keeps a writer's backpressure: an encoder in front of a slow pipe holds few frames",
    async (ctx) => {
      using pipe = ctx.pipes.createPipe({ bufferSize: 4096 });
      const FRAME = 4096;
      const COUNT = 256;
      const READ = 1024;
      let produced = 0;
      let consumed = 0;
      let maxOutstanding = 0;
      const encoder = new LengthPrefixEncoderStream();
      const piping = encoder.readable.pipeTo(pipe.writer.writable);
      const writer = encoder.writable.getWriter();
      const producing = (async () => {
        for (let i = 0; i < COUNT; i++) {
          await writer.ready;
          produced += FRAME + 4;
          maxOutstanding = Math.max(maxOutstanding, produced - consumed);
          writer.write(new Uint8Array(FRAME).fill(i & 0xff)).catch(() => {});
        }
        await writer.close();
      })();
      const reader = pipe.reader.readable.getReader({ mode: "byob" });
      let memory = new ArrayBuffer(READ);
      for (let reads = 1;; reads++) {
        const { value, done } = await reader.read(new Uint8Array(memory));
        if (done) break;
        consumed += value.length;
        memory = value.buffer as ArrayBuffer;
        if (reads % 4 === 0) await tick();
      }
      await producing;
      await piping;
      assert.equal(consumed, COUNT * (FRAME + 4));
      // The encoder's two queues (one frame each), the frame pipeTo holds, the writable's one,
      // the writable's two writes in flight and its gather (its gatherLimit each: four times the
      // pipe's buffer), the pipe's buffer and a read: a bound that does not grow with the data.
      const bound = 4 * (FRAME + 4) + 3 * 4 * 4096 + 4096 + READ;
      assert.ok(maxOutstanding <= bound, `outstanding peaked at ${maxOutstanding} bytes (bound ${bound})`);
    },
  );
}
