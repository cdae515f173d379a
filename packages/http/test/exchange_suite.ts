/**
 * The server's watch for a client that goes away (src/exchange.ts) over a
 * connection whose reads the test completes one by one, in the order that
 * a pipe and the server's own loop may take: no backend needed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BodyDecoder } from "../src/body_in.ts";
import { Exchange } from "../src/exchange.ts";
import { type ByteConnection, ConnReader } from "../src/reader.ts";
import { bytes, delay, type RegisterTest } from "./helpers.ts";

/** A connection whose every read waits until the test completes it. */
class ScriptedConnection implements ByteConnection {
  readonly reads: { buffer: Uint8Array; complete: (result: { bytesRead: number } | null) => void }[] = [];
  closed = false;

  read(buffer: Uint8Array): Promise<{ bytesRead: number } | null> {
    return new Promise((complete) => this.reads.push({ buffer, complete }));
  }

  write(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }

  /** Completes read `index` with `data`, or with the end of the data. */
  deliver(index: number, data: Uint8Array | null): void {
    const read = this.reads[index];
    if (data === null) return read.complete(null);
    read.buffer.set(data);
    read.complete({ bytesRead: data.length });
  }
}

/** An exchange whose request had no body, as the server makes it for a GET. */
function exchangeOn(reader: ConnReader): Exchange {
  return new Exchange(
    new BodyDecoder(reader, { kind: "none" }, { maxTrailerSize: 1024 }),
    reader,
    new AbortController().signal,
  );
}

export function exchangeSuite(register: RegisterTest): void {
  const t = (name: string, fn: () => Promise<void>) => register(`http server internals: ${name}`, fn);

  t(
    "the watch for a client going away ends with the next request, also when the server's loop takes it first",
    async () => {
      const conn = new ScriptedConnection();
      const reader = new ConnReader(conn);
      // The server's loop is already waiting for the next request, and its continuation takes the bytes
      // before the watch looks (the order that left one more watch per request before, each woken by every
      // later read and reading again when it found nothing buffered).
      let taken: Uint8Array | undefined;
      const serverLoop = reader.fill().then(() => (taken = reader.takeBuffered(3)));
      const exchange = exchangeOn(reader);
      exchange.watchClient();
      conn.deliver(0, bytes("GET"));
      await serverLoop;
      await delay(10);
      assert.deepEqual(taken, bytes("GET"));
      assert.equal(conn.reads.length, 1, "the watch read again after the next request had come");
      assert.equal(exchange.abort.signal.aborted, false);
    },
  );

  t("the watch aborts the request's signal when the client goes away", async () => {
    const conn = new ScriptedConnection();
    const reader = new ConnReader(conn);
    const exchange = exchangeOn(reader);
    exchange.watchClient();
    assert.equal(conn.reads.length, 1);
    conn.deliver(0, null);
    await delay(10);
    assert.equal(exchange.abort.signal.aborted, true);
    assert.equal((exchange.abort.signal.reason as DOMException).name, "AbortError");
  });

  t(
    "readSome: a small read comes in an array of its own size; after a large one, reads go straight into new arrays",
    async () => {
      const conn = new ScriptedConnection();
      const reader = new ConnReader(conn);
      const pattern = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) & 255);
      /** readSome(max), read `n` bytes by the connection; the chunk, and the buffer the read was given. */
      const readOf = async (max: number, n: number, salt: number) => {
        const chunk = reader.readSome(max);
        const read = conn.reads.at(-1)!;
        conn.deliver(conn.reads.length - 1, pattern(n, salt));
        const got = (await chunk)!;
        assert.deepEqual(got, pattern(n, salt), `${n} bytes read`);
        return { got, given: read.buffer };
      };
      // Small reads (a WebSocket message): the read asks for 64 KiB, and the chunk keeps only its bytes.
      const small = await readOf(65536, 75, 1);
      assert.equal(small.given.length, 65536, "a read asks for as much as readSome may return");
      assert.equal(small.got.buffer.byteLength, 75, "a small chunk keeps only its bytes, not the 64 KiB read");
      // A body read of 2 bytes still asks for at least 16 KiB (what arrives behind it is buffered).
      assert.ok((await readOf(2, 2, 2)).given.length >= 16 * 1024);
      // A large read, then reads straight into a new array of their own (no copy) while reads stay large.
      await readOf(65536, 65536, 3);
      const direct = await readOf(65536, 20_000, 4);
      assert.equal(
        direct.got.buffer,
        direct.given.buffer,
        "a read after a large one goes straight into the chunk's array",
      );
      assert.equal(direct.given.length, 65536);
      // Once a read is small again, the next one is staged and copied.
      await readOf(65536, 10, 5);
      assert.equal((await readOf(65536, 30, 6)).got.buffer.byteLength, 30);
    },
  );

  t("waitForArrival resolves at once with bytes buffered, and with false at the end of the data", async () => {
    const conn = new ScriptedConnection();
    const reader = new ConnReader(conn);
    const first = reader.waitForData();
    conn.deliver(0, bytes("ab"));
    assert.equal(await first, true);
    assert.equal(await reader.waitForArrival(), true);
    assert.equal(conn.reads.length, 1);
    reader.takeBuffered(2);
    const end = reader.waitForArrival();
    conn.deliver(1, null);
    assert.equal(await end, false);
  });
}
