// The public API layer over the reference model: busy retry, the accept
// loop, message reassembly, transactions, nonblocking helpers, disposal.
import assert from "node:assert/strict";
import {
  createWinpipe,
  ERROR_FILE_NOT_FOUND,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_NOT_CONNECTED,
  isPipeError,
  PipeError,
  ServerClosedError,
  type Winpipe,
} from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { type RegisterTest, uniquePipeName } from "../../mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function fresh(): Winpipe {
  return createWinpipe(createModelKernel());
}

/** Resolves after the current macrotask queue had a turn. */
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function settledState(p: Promise<unknown>): Promise<"pending" | "settled"> {
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  await tick(5);
  return settled ? "settled" : "pending";
}

export function apiBehaviourTests(register: RegisterTest): void {
  register("anonymous pipe: bytes flow, read returns null once the writer is closed", async () => {
    const pipes = fresh();
    const base = pipes.liveHandles();
    {
      using pipe = pipes.createPipe({ bufferSize: 16 });
      assert.equal(pipe.reader.info().end, "server");
      assert.equal(pipe.writer.info().end, "client");
      await pipe.writer.write(enc.encode("hello"));
      const buf = new Uint8Array(3);
      assert.equal(await pipe.reader.read(buf), 3);
      assert.equal(dec.decode(buf), "hel");
      pipe.writer.close();
      assert.equal(await pipe.reader.read(buf), 2);
      assert.equal(await pipe.reader.read(buf), null);
    }
    assert.equal(pipes.liveHandles(), base, "using closed both ends");
  });

  register("anonymous pipe: a write larger than the buffer completes once the reader drains it", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe({ bufferSize: 8 });
    const data = new Uint8Array(100).map((_, i) => i);
    const writing = pipe.writer.write(data);
    assert.equal(await settledState(writing), "pending");
    const got: number[] = [];
    const buf = new Uint8Array(7);
    while (got.length < 100) {
      const n = await pipe.reader.read(buf);
      assert.notEqual(n, null);
      got.push(...buf.subarray(0, n!));
    }
    await writing;
    assert.deepEqual(got, [...data]);
  });

  register("write after the reader closed fails with ERROR_NO_DATA", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe();
    pipe.reader.close();
    await assert.rejects(pipe.writer.write(new Uint8Array(1)), (err) => isPipeError(err, ERROR_NO_DATA));
  });

  register("connect fails at once with ERROR_FILE_NOT_FOUND when no server exists", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await assert.rejects(pipes.connect(name), (err) => isPipeError(err, ERROR_FILE_NOT_FOUND) && err.pipeName === name);
  });

  register("connect waits while the only instance is busy and gets it once it listens again", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using instance = pipes.createNamedPipe(name, { maxInstances: 1 });
    const first = await pipes.connect(name);
    const second = pipes.connect(name, { timeout: 5000 });
    assert.equal(await settledState(second), "pending");
    first.close();
    instance.disconnect();
    await instance.connect().catch(() => {}); // listening again; the waiting client takes it
    await using conn = await second;
    await conn.write(enc.encode("x"));
    const buf = new Uint8Array(4);
    assert.deepEqual(await instance.read(buf), { bytesRead: 1, messageComplete: true });
  });

  register("connect with a timeout fails with ERROR_PIPE_BUSY naming connect", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _instance = pipes.createNamedPipe(name, { maxInstances: 1 });
    await using _first = await pipes.connect(name);
    const err = await pipes.connect(name, { timeout: 30 }).then(() => undefined, (e) => e);
    assert.ok(err instanceof PipeError);
    assert.equal(err.code, ERROR_PIPE_BUSY);
    assert.equal(err.message, `connect "${name}": all pipe instances are busy (ERROR_PIPE_BUSY, os error 231)`);
    await assert.rejects(pipes.connect(name, { timeout: 0 }), (e) => isPipeError(e, ERROR_PIPE_BUSY));
  });

  register("connect is cancelled by its signal while waiting for a busy pipe", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _instance = pipes.createNamedPipe(name, { maxInstances: 1 });
    await using _first = await pipes.connect(name);
    const ac = new AbortController();
    const pending = pipes.connect(name, { signal: ac.signal });
    await tick(5);
    ac.abort();
    await assert.rejects(pending, { name: "AbortError" });
  });

  register("connect sets the requested read mode and wait mode", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _server = pipes.createServer(name, { type: "message" });
    await using client = await pipes.connect(name, { readMode: "message", wait: "nonblocking" });
    assert.deepEqual(client.state(), { readMode: "message", wait: "nonblocking", instances: 1 });
  });

  register("connect closes the handle when setting the read mode fails", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _server = pipes.createServer(name); // byte pipe
    const before = pipes.liveHandles();
    await assert.rejects(pipes.connect(name, { readMode: "message" }), (e) => isPipeError(e, 87));
    assert.equal(pipes.liveHandles(), before);
  });

  register("accept loop: every client gets its own instance and a new one is listening at once", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    const server = pipes.createServer(name);
    const served: string[] = [];
    const loop = (async () => {
      for await (const conn of server) {
        const buf = new Uint8Array(64);
        const r = await conn.read(buf);
        served.push(dec.decode(buf.subarray(0, r!.bytesRead)));
        await conn.write(buf.subarray(0, r!.bytesRead));
        conn.close();
      }
    })();
    for (const word of ["one", "two", "three"]) {
      // timeout 0: a listening instance must be there without waiting.
      await using client = await pipes.connect(name, { timeout: 0 });
      await client.write(enc.encode(word));
      const buf = new Uint8Array(64);
      const r = await client.read(buf);
      assert.equal(dec.decode(buf.subarray(0, r!.bytesRead)), word);
    }
    server.close();
    await loop; // the iterator ends when the server closes
    assert.deepEqual(served, ["one", "two", "three"]);
  });

  register("accept waits for a free slot at the instance limit", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { maxInstances: 1 });
    const accepted1 = server.accept();
    await using _client1 = await pipes.connect(name);
    const conn1 = await accepted1;
    const accepted2 = server.accept();
    assert.equal(await settledState(accepted2), "pending");
    conn1.close(); // frees the slot: the server creates the next instance
    // Closing the only instance removes the name until then (as on Windows).
    await tick(1);
    const client2 = pipes.connect(name, { timeout: 5000 });
    await using conn2 = await accepted2;
    await using c2 = await client2;
    await c2.write(enc.encode("ok"));
    assert.equal((await conn2.read(new Uint8Array(8)))!.bytesRead, 2);
  });

  register("accept rejects with ServerClosedError when the server closes, and after", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    const server = pipes.createServer(name);
    const pending = server.accept();
    await tick(1);
    server.close();
    await assert.rejects(pending, ServerClosedError);
    await assert.rejects(server.accept(), {
      name: "ServerClosedError",
      message: `accept "${name}": the server is closed`,
    });
    assert.equal(server.closed, true);
  });

  register("an aborted accept leaves the instance listening for the next accept", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { maxInstances: 1 });
    const ac = new AbortController();
    const first = server.accept({ signal: ac.signal });
    await tick(1);
    ac.abort();
    await assert.rejects(first, { name: "AbortError" });
    const second = server.accept();
    await using _client = await pipes.connect(name, { timeout: 0 });
    await using _conn = await second;
  });

  register("accept hands over a client that connected and closed before ConnectNamedPipe, data intact", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name);
    const client = await pipes.connect(name);
    await client.write(enc.encode("bye"));
    client.close();
    await using conn = await server.accept();
    const buf = new Uint8Array(8);
    assert.deepEqual(await conn.read(buf), { bytesRead: 3, messageComplete: true });
    assert.equal(await conn.read(buf), null);
  });

  register("readMessage reassembles messages larger than its first buffer, and zero-length ones", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { type: "message", readMode: "message", inBufferSize: 1 << 20 });
    const accepted = server.accept();
    await using client = await pipes.connect(name, { readMode: "message" });
    await using conn = await accepted;
    const big = new Uint8Array(200_000).map((_, i) => i * 7);
    const writes = Promise.all([client.write(big), client.write(new Uint8Array(0)), client.write(enc.encode("end"))]);
    assert.deepEqual(await conn.readMessage(), big);
    assert.deepEqual(await conn.readMessage(), new Uint8Array(0));
    assert.equal(dec.decode((await conn.readMessage())!), "end");
    await writes;
    client.close();
    assert.equal(await conn.readMessage(), null);
  });

  register("readMessage over maxSize discards that message, throws RangeError, and the next is intact", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { type: "message", readMode: "message" });
    const accepted = server.accept();
    await using client = await pipes.connect(name, { readMode: "message" });
    await using conn = await accepted;
    await client.write(new Uint8Array(100));
    await client.write(enc.encode("next"));
    await assert.rejects(conn.readMessage({ maxSize: 10 }), {
      name: "RangeError",
      message: "message of 100 bytes exceeds the limit of 10 bytes",
    });
    assert.equal(dec.decode((await conn.readMessage({ maxSize: 10 }))!), "next");
  });

  register("readMessage needs message read mode", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _server = pipes.createServer(name, { type: "message" });
    await using client = await pipes.connect(name);
    await assert.rejects(client.readMessage(), { name: "TypeError", message: /needs message read mode/ });
  });

  register("byte read mode on a message pipe loses boundaries through the API too", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { type: "message", readMode: "message" });
    const accepted = server.accept();
    await using client = await pipes.connect(name); // byte read mode
    await using conn = await accepted;
    await conn.write(enc.encode("abc"));
    await conn.write(enc.encode("de"));
    const buf = new Uint8Array(16);
    const r = await client.read(buf);
    assert.equal(dec.decode(buf.subarray(0, r!.bytesRead)), "abcde");
  });

  register("transact and callNamedPipe return whole replies, also larger than the first buffer", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    const server = pipes.createServer(name, { type: "message", readMode: "message", outBufferSize: 1 << 20 });
    const loop = (async () => {
      for await (const conn of server) {
        (async () => {
          for (;;) {
            const req = await conn.readMessage();
            if (req === null) break;
            await conn.write(new Uint8Array(req.length * 1000).fill(req[0] ?? 0));
          }
          conn.close();
        })();
      }
    })();
    {
      await using client = await pipes.connect(name, { readMode: "message" });
      const reply = await client.transact(new Uint8Array(100).fill(9));
      assert.equal(reply.length, 100_000);
      assert.ok(reply.every((b) => b === 9));
    }
    const reply = await pipes.callNamedPipe(name, new Uint8Array([3, 3]));
    assert.deepEqual(reply, new Uint8Array(2000).fill(3));
    const empty = await pipes.callNamedPipe(name, new Uint8Array(0));
    assert.deepEqual(empty, new Uint8Array(0));
    server.close();
    await loop;
  });

  register("transact on a byte read mode handle fails with ERROR_BAD_PIPE", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _server = pipes.createServer(name, { type: "message", readMode: "message" });
    await using client = await pipes.connect(name);
    await assert.rejects(client.transact(new Uint8Array(1)), (e) => isPipeError(e, 230));
  });

  register("tryRead reports no-data and tryConnect reports listening on nonblocking handles", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using instance = pipes.createNamedPipe(name, { wait: "nonblocking" });
    assert.equal(await instance.tryConnect(), "listening");
    await using client = await pipes.connect(name, { wait: "nonblocking" });
    assert.equal(await instance.tryConnect(), "connected");
    assert.equal(await client.tryRead(new Uint8Array(4)), "no-data");
    await assert.rejects(client.read(new Uint8Array(4)), (e) => isPipeError(e, ERROR_NO_DATA));
    await instance.write(enc.encode("hi"));
    assert.deepEqual(await client.tryRead(new Uint8Array(4)), { bytesRead: 2, messageComplete: true });
    client.close();
    assert.equal(await instance.tryRead(new Uint8Array(4)), null);
  });

  register("nonblocking tryWrite takes what the kernel takes; write() retries until a reader makes room", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using instance = pipes.createNamedPipe(name, { inBufferSize: 512 });
    await using client = await pipes.connect(name, { wait: "nonblocking" });
    // NPFS: a nonblocking write larger than the free quota, with no read waiting, writes nothing.
    assert.equal(await client.tryWrite(new Uint8Array(600)), 0);
    assert.equal(await client.tryWrite(new Uint8Array(512).fill(2)), 512);
    const rest = new Uint8Array(1000).fill(1);
    const writing = client.write(rest);
    const buf = new Uint8Array(4096);
    let total = 0;
    while (total < 1512) total += (await instance.read(buf))!.bytesRead;
    await writing;
    assert.equal(total, 1512);
  });

  register("disconnect ends the client's connection and the instance accepts again", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using instance = pipes.createNamedPipe(name, { maxInstances: 1 });
    const client = await pipes.connect(name);
    await instance.connect();
    instance.disconnect();
    // A read reports the end of the data; the client's other calls fail with ERROR_PIPE_NOT_CONNECTED.
    assert.equal(await client.read(new Uint8Array(1)), null);
    await assert.rejects(client.write(new Uint8Array(1)), (e) => isPipeError(e, ERROR_PIPE_NOT_CONNECTED));
    client.close();
    const connecting = instance.connect();
    await using _again = await pipes.connect(name, { timeout: 0 });
    await connecting;
  });

  register("waitNamedPipe resolves true when an instance listens and false on timeout", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using _instance = pipes.createNamedPipe(name, { maxInstances: 1 });
    assert.equal(await pipes.waitNamedPipe(name, { timeout: 10 }), true);
    await using _client = await pipes.connect(name);
    assert.equal(await pipes.waitNamedPipe(name, { timeout: 10 }), false);
    await assert.rejects(
      pipes.waitNamedPipe(uniquePipeName(), { timeout: 10 }),
      (e) => isPipeError(e, ERROR_FILE_NOT_FOUND),
    );
  });

  register("a pending read is cancelled by its signal with an AbortError; the handle stays usable", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe();
    const ac = new AbortController();
    const reading = pipe.reader.read(new Uint8Array(4), { signal: ac.signal });
    await tick(1);
    ac.abort();
    await assert.rejects(reading, { name: "AbortError" });
    await pipe.writer.write(enc.encode("ok"));
    assert.equal(await pipe.reader.read(new Uint8Array(4)), 2);
  });

  register("an abort reason given to the signal is what the operation rejects with", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe();
    const ac = new AbortController();
    const reading = pipe.reader.read(new Uint8Array(4), { signal: ac.signal });
    const reason = new Error("shutting down");
    ac.abort(reason);
    await assert.rejects(reading, (e) => e === reason);
  });

  register("cancelPending cancels every pending read and reports whether there was one", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe();
    assert.equal(pipe.reader.cancelPending(), false);
    const reads = [pipe.reader.read(new Uint8Array(1)), pipe.reader.read(new Uint8Array(1))];
    await tick(1);
    assert.equal(pipe.reader.cancelPending(), true);
    for (const r of reads) await assert.rejects(r, (e) => isPipeError(e, 995));
  });

  register("peek shows data without consuming it; state and info describe the handle", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, {
      type: "message",
      readMode: "message",
      maxInstances: 3,
      inBufferSize: 1000,
      outBufferSize: 2000,
    });
    const accepted = server.accept();
    await using client = await pipes.connect(name);
    await using conn = await accepted;
    await client.write(enc.encode("hello"));
    const peeked = conn.peek({ maxBytes: 3 });
    assert.equal(peeked.bytesAvailable, 5);
    assert.equal(peeked.bytesLeftInMessage, 5);
    assert.equal(dec.decode(peeked.data), "hel");
    assert.equal(dec.decode((await conn.readMessage())!), "hello");
    assert.deepEqual(conn.info(), {
      end: "server",
      type: "message",
      inBufferSize: 1000,
      outBufferSize: 2000,
      maxInstances: 3,
    });
    assert.equal(client.info().end, "client");
    assert.deepEqual(conn.state(), { readMode: "message", wait: "blocking", instances: 2 });
    conn.setState({ readMode: "byte" });
    assert.equal(conn.state().readMode, "byte");
    conn.setState({ wait: "nonblocking" });
    assert.deepEqual(conn.state(), { readMode: "byte", wait: "nonblocking", instances: 2 });
  });

  register("flush waits until the other end has read everything", async () => {
    const pipes = fresh();
    using pipe = pipes.createPipe();
    await pipe.writer.write(enc.encode("abc"));
    const flushing = pipe.writer.flush();
    assert.equal(await settledState(flushing), "pending");
    await pipe.reader.read(new Uint8Array(3));
    await flushing;
  });

  register("disposal closes handles exactly once and every handle count returns to its baseline", async () => {
    const pipes = fresh();
    const base = pipes.liveHandles();
    const name = uniquePipeName();
    {
      await using server = pipes.createServer(name);
      const accepted = server.accept();
      await using client = await pipes.connect(name);
      await using conn = await accepted;
      conn.close();
      conn.close(); // idempotent
      assert.equal(conn.closed, true);
      assert.equal(client.closed, false);
    }
    assert.equal(pipes.liveHandles(), base);
  });

  register("createServer with firstInstance fails when the name is taken", () => {
    const pipes = fresh();
    const name = uniquePipeName();
    using _a = pipes.createServer(name);
    assert.throws(() => pipes.createServer(name), (e) => isPipeError(e, 5));
    using _b = pipes.createServer(name, { firstInstance: false });
  });

  register("a lazily supplied kernel is not asked for until first use", async () => {
    let asked = 0;
    const pipes = createWinpipe(() => {
      asked++;
      throw new Error("kernel32 is only available on Windows");
    });
    assert.equal(asked, 0);
    assert.throws(() => pipes.createPipe(), /only available on Windows/);
    assert.equal(asked, 1);
    // The asynchronous functions reject rather than throw.
    const name = String.raw`\\.\pipe\lazy`;
    for (
      const call of [
        () => pipes.connect(name),
        () => pipes.waitNamedPipe(name),
        () => pipes.callNamedPipe(name, new Uint8Array(1)),
      ]
    ) {
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => (promise = call()));
      await assert.rejects(promise!, /only available on Windows/);
    }
  });

  register(
    "an accept whose signal aborts while it waits for its turn rejects at once; the others keep their order",
    async () => {
      const pipes = fresh();
      const name = uniquePipeName();
      await using server = pipes.createServer(name, { maxInstances: 1 });
      const first = server.accept();
      const ac = new AbortController();
      const second = server.accept({ signal: ac.signal });
      const third = server.accept({ signal: AbortSignal.abort(new Error("no longer wanted")) });
      const fourth = server.accept();
      await assert.rejects(third, { message: "no longer wanted" }); // already aborted: rejects without waiting
      ac.abort();
      await assert.rejects(second, { name: "AbortError" });
      assert.equal(await settledState(first), "pending", "the first accept still waits for a client");
      await using _client1 = await pipes.connect(name, { timeout: 0 });
      const conn1 = await first;
      assert.equal(await settledState(fourth), "pending", "the next accept waits for the next client");
      conn1.close(); // the last instance: kept, and listening again once its client is gone
      await _client1[Symbol.asyncDispose]();
      await using _client2 = await pipes.connect(name, { timeout: 5000 });
      await using _conn2 = await fourth;
    },
  );

  register("a readMessage or transact whose signal aborts while it waits for its turn rejects at once", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { type: "message", readMode: "message" });
    const accepted = server.accept();
    await using client = await pipes.connect(name, { readMode: "message" });
    await using conn = await accepted;
    const first = conn.readMessage();
    const ac = new AbortController();
    const second = conn.readMessage({ signal: ac.signal });
    const third = conn.transact(enc.encode("q"), { signal: AbortSignal.abort() });
    const fourth = conn.readMessage();
    ac.abort();
    await assert.rejects(second, { name: "AbortError" });
    await assert.rejects(third, { name: "AbortError" });
    assert.equal(await settledState(first), "pending");
    await client.write(enc.encode("one"));
    await client.write(enc.encode("two"));
    assert.equal(dec.decode((await first)!), "one");
    assert.equal(dec.decode((await fourth)!), "two", "the transact that gave up its turn sent nothing");
    const transacting = client.transact(enc.encode("ping"));
    const behind = client.transact(enc.encode("never sent"), { signal: AbortSignal.timeout(10) });
    await assert.rejects(behind, { name: "TimeoutError" });
    assert.equal(dec.decode((await conn.readMessage())!), "ping");
    await conn.write(enc.encode("pong"));
    assert.equal(dec.decode(await transacting), "pong");
    assert.equal(conn.peek().bytesAvailable, 0, "the aborted transact wrote nothing");
  });

  register("callNamedPipe with an aborted signal opens nothing", async () => {
    const pipes = fresh();
    const name = uniquePipeName();
    await using server = pipes.createServer(name, { type: "message", readMode: "message" });
    const accepted = server.accept();
    await assert.rejects(
      pipes.callNamedPipe(name, enc.encode("q"), { signal: AbortSignal.abort(new Error("stop")) }),
      { message: "stop" },
    );
    assert.equal(await settledState(accepted), "pending", "no client came and went");
  });

  register(
    "bytes kept from a read whose buffer was detached are not handed out once the handle is closed or the signal aborted",
    async () => {
      const pipes = fresh();
      using pipe = pipes.createPipe();
      const buffer = new Uint8Array(16);
      const pending = pipe.reader.read(buffer);
      buffer.buffer.transfer(); // detached while the read is pending
      await pipe.writer.write(new Uint8Array([1, 2, 3]));
      await assert.rejects(pending, TypeError); // the 3 bytes are kept for the next read
      await assert.rejects(pipe.reader.read(new Uint8Array(16), { signal: AbortSignal.abort(new Error("stop")) }), {
        message: "stop",
      });
      pipe.reader.close();
      await assert.rejects(pipe.reader.read(new Uint8Array(16)), (e) => isPipeError(e, 6)); // ERROR_INVALID_HANDLE
    },
  );

  register(
    "a kept last instance reads and drops what its client still writes, so a client blocked in a write can read the answer",
    async () => {
      const pipes = fresh();
      const name = uniquePipeName();
      await using server = pipes.createServer(name, { maxInstances: 1, inBufferSize: 1024, outBufferSize: 1024 });
      const accepted = server.accept();
      const client = await pipes.connect(name);
      const conn = await accepted;
      const request = client.write(new Uint8Array(100_000)); // more than the server's buffer: it waits
      assert.equal(await settledState(request), "pending");
      await conn.write(enc.encode("413 too large")); // answered before the request was read
      conn.close(); // the last instance: kept for the next client
      await request; // the client's write finishes
      const buf = new Uint8Array(64);
      const answer = await client.read(buf);
      assert.equal(dec.decode(buf.subarray(0, answer!.bytesRead)), "413 too large");
      assert.equal(await client.read(buf), null, "then the end of the data: the instance was disconnected");
      client.close();
      const next = server.accept();
      await using _client2 = await pipes.connect(name, { timeout: 5000 });
      await using _conn2 = await next;
    },
  );

  register(
    "a readMessage aborted in the middle of a message drops the rest of it: the next one reads a whole message",
    async () => {
      const pipes = fresh();
      const seen = new Set<string>();
      // The abort lands before the read, between the message's parts, or after it: at each microtask of the exchange.
      for (let turns = 0; turns < 12; turns++) {
        const name = uniquePipeName();
        await using server = pipes.createServer(name, { type: "message", readMode: "message" });
        const accepted = server.accept();
        await using client = await pipes.connect(name, { readMode: "message" });
        await using conn = await accepted;
        const ac = new AbortController();
        const first = conn.readMessage({ signal: ac.signal }).then((m) => m!.length, (e: Error) => e.name);
        await tick(1);
        const big = client.write(new Uint8Array(300_000).fill(1)); // more than the pipe's buffer: read in parts
        for (let i = 0; i < turns; i++) await null;
        ac.abort();
        const outcome = await first;
        await client.write(new Uint8Array([2, 2]));
        const next = (await conn.readMessage())!;
        seen.add(`${outcome} then ${next.length}`);
        if (outcome === "AbortError" && next.length === 300_000) {
          await big; // aborted before any of it was read: it is the next message, whole
          assert.equal((await conn.readMessage())!.length, 2);
        } else {
          assert.equal(
            next.length,
            2,
            `after ${turns} turns the read gave ${outcome}, then a message of ${next.length}`,
          );
        }
      }
      assert.ok(seen.has("AbortError then 2"), `some abort fell in the middle of the message: ${[...seen]}`);
    },
  );
}
