/**
 * L83, L84. Timeouts of connections: a read that gets no data in time
 * (`readTimeout`), and a connection on which nothing happens
 * (`idleTimeout`), on clients and on the instances a server hands out.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, type PipeConnection, type Winpipe } from "@winpipe/core";
import { type ConformanceCase, defineCase, within } from "./util.ts";

/** Asserts that `promise` rejects with a DOMException named TimeoutError whose message matches `text`. */
async function timesOut(promise: Promise<unknown>, text: RegExp, what: string): Promise<void> {
  await assert.rejects(within(promise, what), (err) => {
    assert.equal((err as Error).name, "TimeoutError", `${what}: ${err}`);
    assert.match((err as Error).message, text);
    return true;
  });
}

/** A server of `name` with `options` and a client with `clientOptions`, connected. */
async function connectedPair(
  pipes: Winpipe,
  name: string,
  options: Parameters<Winpipe["createServer"]>[1],
  clientOptions: Parameters<Winpipe["connect"]>[1],
): Promise<{ conn: PipeConnection; client: PipeConnection; close(): void }> {
  const server = pipes.createServer(name, options);
  const accepted = server.accept();
  const client = await pipes.connect(name, clientOptions);
  const conn = await accepted;
  return {
    conn,
    client,
    close() {
      server.close();
      conn.close();
      client.close();
    },
  };
}

export const timeoutCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- L83
  defineCase(
    "L83",
    "a read with no data within readTimeout rejects with a TimeoutError and takes nothing; the connection stays",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const name = s.pipeName("k71");
      const message = { type: "message", readMode: "message" } as const;
      const pair = await connectedPair(pipes, name, { ...message, readTimeout: 150 }, {
        readMode: "message",
        readTimeout: 150,
      });
      try {
        const { conn, client } = pair;
        const buffer = new Uint8Array(8);
        await timesOut(client.read(buffer), /read "[^"]+": no data within 150 ms \(readTimeout\)/, "client read");
        await timesOut(conn.readMessage(), /readMessage .*no data within 150 ms/, "server readMessage");
        // Nothing was lost, and both ends still work.
        await conn.write(new Uint8Array([7]));
        assert.deepEqual(await within(client.read(buffer), "read after a timeout"), {
          bytesRead: 1,
          messageComplete: true,
        });
        await client.write(new Uint8Array([8, 9]));
        assert.deepEqual(await within(conn.readMessage(), "readMessage after a timeout"), new Uint8Array([8, 9]));
        // The call's own signal, when it fires first, wins with its reason.
        const ac = new AbortController();
        const mine = new Error("mine");
        const reading = client.read(buffer, { signal: ac.signal });
        ac.abort(mine);
        await assert.rejects(within(reading, "read aborted by its signal"), (err) => err === mine);
        assert.equal(client.closed || conn.closed, false, "a read timeout closes nothing");
      } finally {
        pair.close();
      }
      assert.throws(() => pipes.createServer(s.pipeName(), { readTimeout: 0 }), RangeError);
      await assert.rejects(pipes.connect(name, { idleTimeout: "1s" as unknown as number }), TypeError);
    },
  ),

  // ---------------------------------------------------------------- L84
  defineCase(
    "L84",
    "a client idle for idleTimeout is closed: its pending read rejects with a TimeoutError, the server reads the end",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const name = s.pipeName("k72-client");
      const pair = await connectedPair(pipes, name, {}, { idleTimeout: 300 });
      try {
        const { conn, client } = pair;
        // Activity keeps it open past its idle timeout: a write every 50 ms for 0.75 s.
        for (let i = 0; i < 15; i++) {
          await client.write(new Uint8Array([i]));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(client.closed, false, "writes are activity");
        await timesOut(
          client.read(new Uint8Array(8)),
          /nothing was read or written for 300 ms \(idleTimeout\)/,
          "read",
        );
        assert.equal(client.closed, true, "the idle client is closed");
        const got = new Uint8Array(64);
        assert.deepEqual(await within(conn.read(got), "server read"), { bytesRead: 15, messageComplete: true });
        assert.equal(await within(conn.read(got), "server read at the end"), null, "the server reads the end");
      } finally {
        pair.close();
      }
    },
  ),
  defineCase(
    "L84",
    "an accepted instance idle for the server's idleTimeout is closed, and the server takes the next client",
    async (s) => {
      const pipes = createWinpipe(s.k);
      const name = s.pipeName("k72-server");
      const server = pipes.createServer(name, { maxInstances: 1, idleTimeout: 300 });
      try {
        const accepted = server.accept();
        await using first = await pipes.connect(name);
        const conn = await accepted;
        await timesOut(conn.read(new Uint8Array(8)), /idleTimeout/, "the server's read");
        assert.equal(conn.closed, true);
        assert.equal(
          await within(first.read(new Uint8Array(8)), "the client's read"),
          null,
          "the client reads the end",
        );
        // The only instance listens again once the client is done: the next one gets through.
        first.close();
        const next = server.accept();
        await using second = await pipes.connect(name, { timeout: 10_000 });
        const conn2 = await within(next, "the next accept");
        await second.write(new Uint8Array([1]));
        assert.deepEqual(await conn2.read(new Uint8Array(8)), { bytesRead: 1, messageComplete: true });
        conn2.close();
      } finally {
        server.close();
      }
    },
  ),
];
