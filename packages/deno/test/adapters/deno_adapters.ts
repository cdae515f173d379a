/**
 * toDenoConn and toDenoListener, tested with consumer code written only
 * against Deno.Conn / Deno.Listener (the accept loop and echo server of
 * Deno's manual, std-like readAll / writeAll over std's Reader / Writer,
 * a TCP-style half-close), over any kernel: the model (native entry) and
 * kernel32 (Windows entry).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, type PipeKernel, type Winpipe } from "@winpipe/core";
import type { RegisterTest } from "@winpipe/testing";
import { LineDecoderStream, LineEncoderStream, streams } from "@winpipe/streams";
import { toDenoConn, toDenoListener } from "../../mod.ts";

/** Where the suite runs: a fresh kernel per case, and a label for pipe names. */
export interface AdapterBackend {
  name: string;
  kernel(): PipeKernel;
}

// ---- Consumer code: written for Deno's own connections, it knows nothing of pipes. ----

/** std's Reader and Writer (Deno 2 dropped Deno.Reader / Deno.Writer): what a Deno.Conn is to std/io. */
type Reader = Pick<Deno.Conn, "read">;
type Writer = Pick<Deno.Conn, "write">;

/** Writes all of `data` (as std's writeAll). */
async function writeAll(writer: Writer, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.length;) at += await writer.write(data.subarray(at));
}

/** Reads until the end of the data (as std's readAll). */
async function readAll(reader: Reader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  for (let n = await reader.read(buf); n !== null; n = await reader.read(buf)) parts.push(buf.slice(0, n));
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

/** Reads exactly `length` bytes (as std's readFull), or throws at an early end. */
async function readFull(reader: Reader, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length;) {
    const n = await reader.read(out.subarray(at));
    if (n === null) throw new Error(`the data ended after ${at} of ${length} bytes`);
    at += n;
  }
  return out;
}

/**
 * A message pipe as Deno connections: its listener, a client, and the server's side of the client (which reads in
 * byte mode, as go-winio's do); disposing closes the three.
 */
async function messagePipeConns(pipes: Winpipe, name: string) {
  const listener = toDenoListener(pipes.createServer(name, { type: "message" }));
  const accepted = listener.accept();
  const client = toDenoConn(await pipes.connect(name));
  const conn = await accepted;
  return {
    client,
    conn,
    [Symbol.dispose]() {
      conn.close();
      client.close();
      listener.close();
    },
  };
}

/** The echo server of Deno's manual: every connection's readable piped to its writable. */
async function echoServer(listener: Deno.Listener): Promise<number> {
  const echoing: Promise<void>[] = [];
  for await (const conn of listener) {
    echoing.push(conn.readable.pipeTo(conn.writable).catch(() => {}));
  }
  // Each connection closes once its client has closed and the echo has drained.
  await Promise.all(echoing);
  return echoing.length;
}

/** A line protocol over a Deno.Conn's streams: answers each line with its length, until "bye". */
async function lineServer(conn: Deno.Conn): Promise<void> {
  const writer = conn.writable.getWriter();
  const replies = new LineEncoderStream();
  const sending = replies.readable.pipeTo(new WritableStream({ write: (chunk) => writer.write(chunk) }));
  const out = replies.writable.getWriter();
  for await (const line of conn.readable.pipeThrough(new LineDecoderStream())) {
    if (line === "bye") break;
    await out.write(`${line.length}`);
  }
  await out.close();
  await sending;
  await writer.close(); // closes the connection
}

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
}

let counter = 0;

/** Registers the adapter cases. */
export function denoAdapterTests(register: RegisterTest, backend: AdapterBackend): void {
  const run = crypto.randomUUID().slice(0, 8);
  const scenario = (name: string, body: (pipes: Winpipe, pipeName: string) => Promise<void>) =>
    register(`deno adapters: ${name}`, async () => {
      const kernel = backend.kernel();
      const baseline = kernel.liveHandles();
      await body(createWinpipe(kernel, { streams }), `\\\\.\\pipe\\winpipe-deno-adapters-${run}-${++counter}`);
      assert.equal(kernel.liveHandles(), baseline, "the test left handles open");
    });

  scenario("Deno's echo server on a toDenoListener; a client with writeAll / readFull", async (pipes, name) => {
    const listener = toDenoListener(pipes.createServer(name, { inBufferSize: 4096, outBufferSize: 4096 }));
    assert.deepEqual(listener.addr, { transport: "unix", path: name });
    const serving = echoServer(listener);
    for (const size of [5, 300_000]) {
      using conn = toDenoConn(await pipes.connect(name));
      assert.deepEqual(conn.remoteAddr, { transport: "unix", path: name });
      assert.deepEqual(conn.localAddr, conn.remoteAddr);
      const data = pattern(size);
      const [, echoed] = await Promise.all([writeAll(conn, data), readFull(conn, size)]);
      assert.deepEqual(echoed, data);
    }
    listener.close();
    assert.equal(await serving, 2, "for await ended when the listener closed");
  });

  scenario("a line protocol over a Deno.Conn's readable and writable", async (pipes, name) => {
    using listener = toDenoListener(pipes.createServer(name));
    const accepted = listener.accept();
    using client = toDenoConn(await pipes.connect(name));
    const serving = accepted.then(lineServer);
    await writeAll(client, new TextEncoder().encode("hello\r\nçà\nbye\n"));
    assert.equal(new TextDecoder().decode(await readAll(client)), "5\n2\n");
    await serving;
  });

  scenario("closeWrite() on a message pipe: the request ends, the reply comes back", async (pipes, name) => {
    using listener = toDenoListener(pipes.createServer(name, { type: "message", readMode: "message" }));
    const accepted = listener.accept();
    using client = toDenoConn(await pipes.connect(name, { readMode: "message" }));
    const serving = accepted.then(async (conn) => {
      using _ = conn;
      const request = await readAll(conn); // until the end-of-stream message
      await writeAll(conn, new TextEncoder().encode(`got ${request.length} bytes`));
    });
    await writeAll(client, pattern(1000));
    await writeAll(client, pattern(10));
    await client.closeWrite();
    await assert.rejects(client.write(pattern(1)), Deno.errors.BrokenPipe);
    assert.equal(new TextDecoder().decode(await readAll(client)), "got 1010 bytes");
    await serving;
  });

  scenario(
    "a write of 0 bytes writes nothing: on a message pipe it would be the end of the data",
    async (pipes, name) => {
      using pair = await messagePipeConns(pipes, name);
      const { client, conn } = pair;
      const reading = readAll(conn); // pending: an empty message would complete its read with 0 bytes
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await client.write(new Uint8Array(0)), 0);
      await writeAll(client, new TextEncoder().encode("abc"));
      await client.closeWrite();
      assert.equal(new TextDecoder().decode(await reading), "abc");
    },
  );

  scenario(
    "closeWrite() waits for the reader before its marker, which a late byte-mode read sees on its own (W-D33)",
    async (pipes, name) => {
      // The server reads in byte mode (as go-winio does), and only after the client's closeWrite() began.
      using pair = await messagePipeConns(pipes, name);
      const { client, conn } = pair;
      await writeAll(client, new TextEncoder().encode("abc"));
      const closing = client.closeWrite();
      await new Promise((resolve) => setTimeout(resolve, 50));
      // A marker written behind the data could be taken along by one byte-mode read (the model does, as
      // Windows' pipe file system does), and readAll would wait for an end that never comes.
      const outcome = await Promise.race([
        readAll(conn),
        new Promise<"still reading">((resolve) => setTimeout(() => resolve("still reading"), 5000)),
      ]);
      assert.notEqual(outcome, "still reading", "the reader saw the end of the data");
      assert.equal(new TextDecoder().decode(outcome as Uint8Array), "abc");
      await closing;
    },
  );

  scenario("a write after the other end closed is Deno's BrokenPipe, the PipeError its cause", async (pipes, name) => {
    using listener = toDenoListener(pipes.createServer(name));
    const accepted = listener.accept();
    using client = toDenoConn(await pipes.connect(name));
    const conn = await accepted;
    conn.close();
    // Code written for Deno.Conn catches BrokenPipe when its peer went away (a TCP write gives it too).
    await assert.rejects(client.write(pattern(10)), (err) => {
      assert.ok(err instanceof Deno.errors.BrokenPipe, String(err));
      assert.match(err.message, /^write: the other end closed the pipe/);
      assert.equal((err.cause as { name?: string })?.name, "PipeError");
      return true;
    });
    assert.equal(await client.read(new Uint8Array(8)), null, "and a read is the end of the data");
    assert.equal(await client.read(new Uint8Array(0)), 0, "an empty buffer reads 0, after the end too, as Deno's");
  });

  scenario("what a pipe cannot do is a clear error; closed means BadResource", async (pipes, name) => {
    const listener = toDenoListener(pipes.createServer(name));
    const accepted = listener.accept();
    const client = toDenoConn(await pipes.connect(name));
    using conn = await accepted;
    await assert.rejects(client.closeWrite(), (err) => {
      assert.ok(err instanceof Deno.errors.NotSupported);
      assert.match(err.message, /^closeWrite: a byte pipe cannot be half-closed/);
      return true;
    });
    client.ref();
    assert.throws(() => client.unref(), Deno.errors.NotSupported);
    assert.throws(() => listener.unref(), Deno.errors.NotSupported);
    // A read pending when the connection closes, and calls after it.
    const pending = conn.read(new Uint8Array(8));
    conn.close();
    await assert.rejects(pending, Deno.errors.BadResource);
    await assert.rejects(conn.write(pattern(1)), {
      name: "BadResource",
      message: "write: the pipe connection is closed",
    });
    client.close();
    // An accept pending when the listener closes rejects with BadResource, as Deno's do.
    const waiting = listener.accept();
    listener.close();
    await assert.rejects(waiting, Deno.errors.BadResource);
    assert.throws(() => toDenoConn({} as never), TypeError);
    assert.throws(() => toDenoListener(null as never), TypeError);
  });
}
