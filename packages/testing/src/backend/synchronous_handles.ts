/**
 * The synchronous handle suite: named pipe ends opened without
 * FILE_FLAG_OVERLAPPED (`synchronous: true` of createServer and connect).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, ERROR_OPERATION_ABORTED, isPipeError } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "../harness.ts";
import { within } from "../conformance/util.ts";
import { add, delay, rejection } from "./helpers.ts";

const encoder = new TextEncoder();

/**
 * Registers the synchronous handle tests: a synchronous server and client
 * exchange bytes and messages with the synchronous calls and with the
 * asynchronous ones (which wait in another thread without blocking the
 * event loop), and an abort and a close end a read that waits on such a
 * handle. (Calls that wait in this thread need a peer in another process:
 * the process suite's child makes them.)
 *
 * @example
 * ```ts ignore
 * import { synchronousHandleSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * synchronousHandleSuite(() => new Kernel32(), { register });
 * ```
 */
export function synchronousHandleSuite(factory: KernelFactory, options: SuiteOptions): void {
  add(options, "synchronous handles: server and client exchange with the synchronous calls", async () => {
    const { createServer, connect } = createWinpipe(await factory());
    const name = uniquePipeName("sync-handles");
    await using server = createServer(name, { synchronous: true });
    const accepted = server.accept();
    await using client = await connect(name, { synchronous: true });
    await using conn = await accepted;
    const buffer = new Uint8Array(64);
    for (let i = 0; i < 3; i++) {
      assert.equal(client.writeSync(encoder.encode(`ping ${i}`)), 6);
      assert.deepEqual(conn.readSync(buffer), { bytesRead: 6, messageComplete: true });
      assert.equal(new TextDecoder().decode(buffer.subarray(0, 6)), `ping ${i}`);
      assert.equal(conn.writeSync(encoder.encode("pong")), 4);
      assert.equal(client.readSync(buffer)?.bytesRead, 4);
    }
    client.close();
    assert.equal(conn.readSync(buffer), null, "end of data once the client closed");
  });

  add(
    options,
    "synchronous handles: asynchronous calls wait in another thread, and a transact gets its reply",
    async () => {
      const { createServer, connect } = createWinpipe(await factory());
      const name = uniquePipeName("sync-handles-async");
      await using server = createServer(name, { synchronous: true, type: "message", readMode: "message" });
      const accepted = server.accept();
      await using client = await connect(name, { synchronous: true, readMode: "message" });
      await using conn = await accepted;
      // A read that waits on a synchronous handle leaves the event loop free.
      const reading = conn.readMessage();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      await delay(100);
      clearInterval(timer);
      assert.ok(ticks >= 3, `timers ran while the read waited (${ticks} ticks)`);
      await client.write(encoder.encode("request"));
      assert.deepEqual(await reading, encoder.encode("request"));
      const replying = conn.readMessage().then((request) => conn.write(request!.reverse()));
      assert.deepEqual(await client.transact(encoder.encode("abc")), encoder.encode("cba"));
      await replying;
    },
  );

  add(options, "synchronous handles: an abort ends a read that waits, and the handle still works", async () => {
    const { createServer, connect } = createWinpipe(await factory());
    const name = uniquePipeName("sync-handles-abort");
    await using server = createServer(name, { synchronous: true });
    const accepted = server.accept();
    await using client = await connect(name, { synchronous: true });
    await using conn = await accepted;
    const controller = new AbortController();
    const reading = client.read(new Uint8Array(16), { signal: controller.signal });
    await delay(50);
    controller.abort();
    const err = await rejection(reading);
    assert.ok(err instanceof DOMException && err.name === "AbortError", `the signal's AbortError: ${err}`);
    conn.writeSync(encoder.encode("after"));
    assert.equal((await client.read(new Uint8Array(16)))?.bytesRead, 5, "nothing was lost to the abort");
  });

  add(options, "synchronous handles: closing a handle ends a read that waits on it in another thread", async () => {
    const { createServer, connect, liveHandles } = createWinpipe(await factory());
    const name = uniquePipeName("sync-handles-close");
    const baseline = liveHandles();
    await using server = createServer(name, { synchronous: true });
    const accepted = server.accept();
    const client = await connect(name, { synchronous: true });
    await using conn = await accepted;
    const reading = client.read(new Uint8Array(16));
    await delay(50);
    client.close(); // cancels the read first: on Windows, a close would wait for it
    const err = await rejection(reading);
    assert.ok(isPipeError(err, ERROR_OPERATION_ABORTED), `aborted: ${err}`);
    conn.close();
    server.close();
    assert.equal(liveHandles(), baseline, "every handle released");
  });

  add(
    options,
    "synchronous handles: a close right after a read went to another thread leaves the handles opened next alone",
    async () => {
      const { createServer, connect, liveHandles } = createWinpipe(await factory());
      const baseline = liveHandles();
      // The close comes after 0, 1, 2, ... turns of the microtask queue, to land before, while and
      // after the read is handed to another thread; a pipe opened right after it may get the closed
      // handle's value, and the read must not reach that pipe.
      for (let turns = 0; turns < 12; turns++) {
        const name = uniquePipeName("sync-handles-close-race");
        await using server = createServer(name, { synchronous: true });
        const accepted = server.accept();
        const client = await connect(name, { synchronous: true });
        await using _serverEnd = await accepted; // open, so the client's read waits
        // Its outcome is taken at once: a read that fails while the next pipe is made must not go unhandled.
        const reading = client.read(new Uint8Array(16)).then(
          (result) => `resolved with ${JSON.stringify(result)}`,
          (err: unknown) => err,
        );
        for (let i = 0; i < turns; i++) await null;
        client.close();
        const next = uniquePipeName("sync-handles-close-race-next");
        await using nextServer = createServer(next);
        const nextAccepted = nextServer.accept();
        await using nextClient = await connect(next);
        await using nextConn = await nextAccepted;
        await nextConn.write(encoder.encode("fresh"));
        const buffer = new Uint8Array(16);
        const got = await within(nextClient.read(buffer), `the next pipe's read (${turns} turns)`, 2000);
        assert.equal(got?.bytesRead, 5, `the next pipe's data (${turns} turns)`);
        assert.equal(new TextDecoder().decode(buffer.subarray(0, 5)), "fresh");
        const ended = await within(reading, `the read on the closed handle (${turns} turns)`, 2000);
        assert.ok(ended instanceof Error, `the read on the closed handle failed (${turns} turns): ${ended}`);
      }
      assert.equal(liveHandles(), baseline, "every handle released");
    },
  );
}
