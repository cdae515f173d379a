/**
 * toNodeDuplex: node:stream over a connection, with the pipe's backpressure,
 * and node:http through it (a client's createConnection, a server's
 * connection event).
 *
 * @module
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import type { Duplex } from "node:stream";
import { readableFrom, writableTo } from "../mod.ts";
import { toNodeDuplex } from "../node.ts";
import {
  collect,
  concat,
  connected,
  pattern,
  recordReadLengths,
  recordWrites,
  scenario,
  streamOf,
  type StreamsSuite,
  tick,
  utf8,
} from "./helpers.ts";

/** Every chunk a duplex delivers until its end. */
async function received(duplex: Duplex): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  duplex.on("data", (chunk: Uint8Array) => chunks.push(new Uint8Array(chunk)));
  await once(duplex, "end");
  return chunks;
}

/** Resolves when the duplex has closed (after its handle was closed). */
function closed(duplex: Duplex): Promise<unknown> {
  return duplex.closed ? Promise.resolve() : once(duplex, "close");
}

/** Registers the node duplex suites. */
export function nodeDuplexTests(suite: StreamsSuite): void {
  scenario(
    suite,
    "node duplex: bytes both ways; end() closes the handle and the peer reads to the end",
    async (ctx) => {
      await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
      const client = toNodeDuplex(c.client);
      const server = toNodeDuplex(c.conn);
      const request = pattern(200_000);
      const atServer = received(server);
      client.resume(); // its readable side ends when end() closes the handle
      client.end(request);
      assert.deepEqual(concat(await atServer), request);
      await closed(client);
      assert.equal(client.writableFinished, true);
      assert.equal(c.client.closed, true, "end() closed the client's handle");
      // The server's data ended, so (allowHalfOpen false) it ended too, and both closed their handles.
      await closed(server);
      await closed(client);
      assert.equal(c.conn.closed, true);
    },
  );

  scenario(
    suite,
    "node duplex: reads grow from 64 KiB to 256 KiB while data waits and shrink when the pipe runs dry",
    async (ctx) => {
      const asked = recordReadLengths(ctx);
      await using c = await connected(ctx, { inBufferSize: 65536, outBufferSize: 65536 });
      const data = pattern(1024 * 1024, 5);
      const writing = c.client.write(data); // pending: 1 MiB waits for the reader
      const server = toNodeDuplex(c.conn);
      const atServer = received(server);
      await writing;
      await c.client.write(utf8("tail"));
      c.client.close();
      assert.deepEqual(concat(await atServer), concat([data, utf8("tail")]));
      assert.equal(asked[0], 65536, "the first read asks for 64 KiB");
      assert.equal(Math.max(...asked), 262144, `reads that filled their buffer doubled, up to 256 KiB: ${asked}`);
      assert.ok(asked.length < 20, `${asked.length} reads for 1 MiB`);
    },
  );

  scenario(suite, "node duplex: write() returns false on a full pipe and drain follows the reader", async (ctx) => {
    await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
    const HIGH_WATER_MARK = 16384;
    const CHUNK = 4096;
    const TOTAL = 1024 * 1024;
    const READ = 1024;
    const client = toNodeDuplex(c.client, { writableHighWaterMark: HIGH_WATER_MARK });
    client.resume();
    let produced = 0;
    let consumed = 0;
    let maxOutstanding = 0;
    let refusals = 0;
    const producing = (async () => {
      while (produced < TOTAL) {
        produced += CHUNK;
        maxOutstanding = Math.max(maxOutstanding, produced - consumed);
        if (!client.write(new Uint8Array(CHUNK).fill((produced / CHUNK) & 0xff))) {
          refusals++;
          await once(client, "drain");
        }
      }
      client.end();
    })();
    const buffer = new Uint8Array(READ);
    for (let reads = 1;; reads++) {
      const result = await c.conn.read(buffer);
      if (result === null) break;
      consumed += result.bytesRead;
      if (reads % 4 === 0) await tick();
    }
    await producing;
    assert.equal(consumed, TOTAL);
    assert.ok(refusals > 0, "write() returned false while the pipe was full");
    // Node's queue (the high-water mark and the chunk that crossed it), the pipe's buffer and a read.
    const bound = HIGH_WATER_MARK + CHUNK + 4096 + READ;
    assert.ok(maxOutstanding <= bound, `outstanding peaked at ${maxOutstanding} bytes (bound ${bound})`);
    await closed(client);
  });

  scenario(suite, "node duplex: a paused consumer stops the reads, so the peer's write waits", async (ctx) => {
    await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
    const HIGH_WATER_MARK = 16384;
    const server = toNodeDuplex(c.conn, { readableHighWaterMark: HIGH_WATER_MARK, chunkSize: 4096 });
    const data = pattern(1024 * 1024);
    const writing = c.client.write(data);
    // Take one chunk, then pause: Node fills its buffer to the high-water mark and stops reading.
    const [first] = await once(server, "data") as [Uint8Array];
    server.pause();
    await tick(ctx.backend.pendingDelayMs);
    assert.ok(await ctx.isPending(writing), "the peer's write waits: the data was not all read into memory");
    assert.ok(server.readableLength <= HIGH_WATER_MARK + 4096, `${server.readableLength} bytes buffered`);
    const rest = received(server);
    server.resume();
    await writing;
    c.client.close();
    assert.deepEqual(concat([first, ...await rest]), data);
    await closed(server);
  });

  scenario(
    suite,
    "node duplex: on a message pipe each write is one message and each chunk one message",
    async (ctx) => {
      await using c = await connected(ctx, { type: "message", readMode: "message", inBufferSize: 1024 });
      const client = toNodeDuplex(c.client);
      const server = toNodeDuplex(c.conn);
      const messages = [utf8("one"), pattern(70_000), utf8("three")];
      const atServer = received(server);
      client.resume();
      for (const message of messages) client.write(message);
      client.write(new Uint8Array(0)); // writes nothing: not a zero-length message
      client.end();
      assert.deepEqual(await atServer, messages);
      await closed(server);
      await closed(client);
    },
  );

  scenario(
    suite,
    "node duplex: on a byte pipe the writes queued behind one go in one WriteFile (writev)",
    async (ctx) => {
      const recorded = recordWrites(ctx);
      await using c = await connected({ ...ctx, pipes: recorded.pipes }, { inBufferSize: 65536, outBufferSize: 65536 });
      const client = toNodeDuplex(c.client);
      const server = toNodeDuplex(c.conn);
      const atServer = received(server);
      client.resume();
      const frames = Array.from({ length: 100 }, (_, i) => pattern(64, i));
      for (const frame of frames) client.write(frame); // one tick: the first is written, the rest queue behind it
      client.end();
      assert.deepEqual(concat(await atServer), concat(frames));
      assert.equal(recorded.calls.length, 2, "the first write, then the 99 Node queued behind it in one");
      const [first, gathered] = recorded.calls;
      assert.equal(first.owned, false, "a chunk written alone is the caller's: the kernel layer copies it");
      assert.equal(gathered.owned, true, "the gather is handed over as it is, not copied again");
      assert.equal(gathered.data.buffer.byteLength, 99 * 64, "in memory of its own, holding nothing but its bytes");
      assert.ok(gathered.settled && gathered.intact, "unchanged until its write settled");
      await closed(server);
      await closed(client);
    },
  );

  scenario(suite, "node duplex: destroy() cancels the pending read and closes the handle", async (ctx) => {
    await using c = await connected(ctx);
    const server = toNodeDuplex(c.conn);
    server.resume(); // a ReadFile is now pending: nothing was written
    await tick(ctx.backend.pendingDelayMs);
    assert.equal(c.conn.closed, false);
    server.destroy();
    await closed(server);
    assert.equal(c.conn.closed, true);
    assert.equal(await c.client.read(new Uint8Array(8)), null, "the client sees the end of the data");
  });

  scenario(
    suite,
    "node duplex: a chunk detached before its write errors the duplex (not a throw out of Node's stream code)",
    async (ctx) => {
      await using c = await connected(ctx);
      const client = toNodeDuplex(c.client);
      const errored = once(client, "error");
      const first = new Uint8Array(10).fill(1), second = new Uint8Array(10).fill(2), third = new Uint8Array(10).fill(3);
      // The first goes out at once; the next two wait behind it (writev on a byte pipe) and are taken away there.
      const callbacks = [first, second, third].map((chunk) =>
        new Promise<Error | null | undefined>((resolve) => client.write(chunk, resolve))
      );
      for (const chunk of [second, third]) structuredClone(chunk.buffer, { transfer: [chunk.buffer] });
      const [, , lastError] = await Promise.all(callbacks);
      assert.match(String(lastError?.message), /^a chunk's buffer was detached \(transferred\)/);
      const [error] = await errored;
      assert.equal(error, lastError, "the duplex emits the write's error");
      await closed(client);
      // The first chunk's bytes went out; none were made up for the others.
      const buf = new Uint8Array(64);
      assert.equal((await c.conn.read(buf))?.bytesRead, 10);
      assert.deepEqual(buf.subarray(0, 10), new Uint8Array(10).fill(1));
    },
  );

  scenario(
    suite,
    "node duplex: zeroLengthMessageEnds ends the data at go-winio's CloseWrite, in byte and message read mode",
    async (ctx) => {
      for (const readMode of ["byte", "message"] as const) {
        await using c = await connected(ctx, { type: "message", readMode });
        const server = toNodeDuplex(c.conn, { zeroLengthMessageEnds: true, allowHalfOpen: true });
        const atServer = received(server);
        await c.client.write(utf8("abc"));
        await c.client.flush();
        await c.client.write(new Uint8Array(0));
        const outcome = await Promise.race([atServer, tick(5000).then(() => "still reading" as const)]);
        assert.notEqual(outcome, "still reading", `${readMode}: 'end' came at the zero-length message`);
        assert.deepEqual(concat(outcome as Uint8Array[]), utf8("abc"), readMode);
        // allowHalfOpen: the duplex still writes after its data ended, as a go-winio peer still reads.
        const buffer = new Uint8Array(16);
        const reading = c.client.read(buffer);
        server.end(utf8("reply"));
        const read = await reading;
        assert.equal(new TextDecoder().decode(buffer.subarray(0, read?.bytesRead)), "reply", readMode);
      }
      await using c = await connected(ctx);
      assert.throws(() => toNodeDuplex(c.conn, { zeroLengthMessageEnds: "yes" as unknown as boolean }), TypeError);
    },
  );

  scenario(
    suite,
    "node duplex: endOfStreamMessage makes end() go-winio's CloseWrite: the peer sees the end, the reply still comes",
    async (ctx) => {
      await using c = await connected(ctx, { type: "message" });
      const client = toNodeDuplex(c.client, {
        endOfStreamMessage: true,
        allowHalfOpen: true,
        zeroLengthMessageEnds: true,
      });
      const atClient = received(client);
      client.end(utf8("request"));
      // The server reads in byte mode, as go-winio does, until the client's CloseWrite.
      assert.deepEqual(concat(await collect(readableFrom(c.conn, { zeroLengthMessageEnds: true }))), utf8("request"));
      assert.equal(c.client.closed, false, "end() left the client's handle open");
      await streamOf([utf8("reply")]).pipeTo(writableTo(c.conn, { endOfStreamMessage: true, preventClose: true }));
      assert.deepEqual(concat(await atClient), utf8("reply"));
      // Both sides done: the duplex closes its handle.
      await closed(client);
      assert.equal(c.client.closed, true);
      await using b = await connected(ctx);
      assert.throws(
        () => toNodeDuplex(b.client, { endOfStreamMessage: true, allowHalfOpen: true }),
        /endOfStreamMessage needs a message pipe/,
      );
      assert.throws(() => toNodeDuplex(c.conn, { endOfStreamMessage: true }), /needs allowHalfOpen/);
    },
  );

  scenario(suite, "node duplex: arguments are checked before any system call", async (ctx) => {
    await using c = await connected(ctx);
    assert.throws(() => toNodeDuplex({} as never), {
      name: "TypeError",
      message: "conn must be a PipeConnection: got [object Object]",
    });
    assert.throws(() => toNodeDuplex(c.conn, { mode: "bytes" as "byte" }), TypeError);
    assert.throws(() => toNodeDuplex(c.conn, { mode: "message" }), {
      name: "TypeError",
      message: `mode "message" needs a connection in message read mode: "${c.server.name}" is in byte read mode`,
    });
    assert.throws(() => toNodeDuplex(c.conn, { chunkSize: 0 }), RangeError);
    assert.throws(() => toNodeDuplex(c.conn, { writableHighWaterMark: -1 }), RangeError);
    assert.throws(() => toNodeDuplex(c.conn, { allowHalfOpen: 1 as unknown as boolean }), TypeError);
  });

  scenario(suite, "node:http over a pipe: http.request with createConnection, served by http.Server", async (ctx) => {
    await using c = await connected(ctx, { inBufferSize: 4096, outBufferSize: 4096 });
    const server = toNodeDuplex(c.conn);
    const client = toNodeDuplex(c.client);
    const httpServer = http.createServer((request, response) => {
      let bytes = 0;
      request.on("data", (chunk: Uint8Array) => (bytes += chunk.length));
      request.on("end", () => {
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({ method: request.method, url: request.url, bytes, agent: request.headers["x-test"] }),
        );
      });
    });
    httpServer.emit("connection", server);
    const body = pattern(300_000);
    const { status, text } = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const request = http.request(
        { method: "POST", path: "/upload?x=1", headers: { "x-test": "winpipe" }, createConnection: () => client },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (part: string) => (text += part));
          response.on("end", () => resolve({ status: response.statusCode, text }));
        },
      );
      request.on("error", reject);
      request.end(body);
    });
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(text), { method: "POST", url: "/upload?x=1", bytes: 300_000, agent: "winpipe" });
    // The request said "Connection: close": both ends close their handles.
    await closed(client);
    await closed(server);
  });

  scenario(
    suite,
    "node:http over a pipe: a keep-alive http.Agent keeps the duplex and sends the next request on it",
    async (ctx) => {
      const name = ctx.name();
      const pipeServer = ctx.pipes.createServer(name);
      let connections = 0;
      // A keep-alive HTTP/1.1 server written out by hand: node:http's server over an emitted connection closes
      // it after each response in Deno 2, which would hide what the client does.
      const serving: Promise<void>[] = [];
      const accepting = (async () => {
        for await (const conn of pipeServer) {
          connections++;
          serving.push((async () => {
            let pending = "";
            const buffer = new Uint8Array(4096);
            try {
              for (let got; (got = await conn.read(buffer)) !== null;) {
                pending += new TextDecoder().decode(buffer.subarray(0, got.bytesRead));
                for (let end; (end = pending.indexOf("\r\n\r\n")) !== -1; pending = pending.slice(end + 4)) {
                  const body = `hello ${pending.split(" ")[1]}`;
                  await conn.write(utf8(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
                }
              }
            } catch {
              // the client went away
            } finally {
              conn.close();
            }
          })());
        }
      })();
      // The pattern of clients that reach a service on a pipe through node:http: an Agent that makes pipe duplexes.
      // A keep-alive Agent calls setKeepAlive, unref and setTimeout on each socket it keeps, ref when it reuses one.
      class PipeAgent extends http.Agent {
        override createConnection(_options: unknown, callback?: (err: Error | null, stream: Duplex) => void) {
          ctx.pipes.connect(name).then(
            (conn) => callback!(null, toNodeDuplex(conn)),
            (err) => callback!(err, undefined as never),
          );
          return undefined;
        }
      }
      const agent = new PipeAgent({ keepAlive: true });
      const get = (path: string) =>
        new Promise<string>((resolve, reject) => {
          http.request({ path, agent }, (response) => {
            let text = "";
            response.setEncoding("utf8").on("data", (part: string) => (text += part)).on("end", () => resolve(text));
          }).on("error", reject).end();
        });
      try {
        assert.equal(await get("/first"), "hello /first");
        assert.equal(await get("/second"), "hello /second");
        assert.equal(connections, 1, "the second request went on the kept connection");
      } finally {
        agent.destroy();
        pipeServer.close();
        await accepting;
        await Promise.all(serving);
      }
    },
  );

  scenario(
    suite,
    "node duplex: setTimeout emits timeout after idle time and leaves it open; the socket methods are there",
    async (ctx) => {
      await using c = await connected(ctx);
      const duplex = toNodeDuplex(c.client);
      const peer = toNodeDuplex(c.conn);
      peer.resume();
      assert.equal(duplex.timeout, undefined);
      for (const same of [duplex.setKeepAlive(true, 1000), duplex.setNoDelay(true), duplex.ref(), duplex.unref()]) {
        assert.equal(same, duplex);
      }
      assert.throws(() => duplex.setTimeout(-1), RangeError);
      assert.throws(() => duplex.setTimeout(Number.NaN), RangeError);
      assert.throws(() => duplex.setTimeout("10" as never), TypeError);
      assert.throws(() => duplex.setTimeout(10, "soon" as never), TypeError);
      // The idle timer is unref'd, as net.Socket's: something else must keep the event loop alive meanwhile.
      const keepAlive = setInterval(() => {}, 1000);
      let calls = 0;
      const fired = once(duplex, "timeout");
      assert.equal(duplex.setTimeout(30, () => calls++), duplex);
      assert.equal(duplex.timeout, 30);
      await fired;
      assert.equal(calls, 1);
      assert.equal(duplex.destroyed, false, "a timeout only tells; the duplex stays open");
      // Writing restarts the idle time: a write every 10 ms for 600 ms meets no timeout of 300 ms.
      let timeouts = 0;
      duplex.on("timeout", () => timeouts++);
      duplex.setTimeout(300);
      for (let i = 0; i < 60; i++) {
        duplex.write(utf8("x"));
        await tick(10);
      }
      assert.equal(timeouts, 0);
      duplex.setTimeout(0);
      await tick(350);
      assert.equal(timeouts, 0, "0 turns it off");
      clearInterval(keepAlive);
      duplex.destroy();
      peer.destroy();
      await closed(duplex);
      await closed(peer);
    },
  );
}
