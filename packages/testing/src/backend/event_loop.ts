/**
 * The event loop suite: waiting calls never block the event loop.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "../harness.ts";

import { add, delay } from "./helpers.ts";

/**
 * Registers the event loop tests: waiting calls never block the event loop.
 * A setInterval keeps ticking while a read waits 500 ms for data, while a
 * server waits 500 ms for a client, and while a flush waits 500 ms for the
 * reader.
 *
 * @example
 * ```ts ignore
 * import { eventLoopSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * eventLoopSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 */
export function eventLoopSuite(factory: KernelFactory, options: SuiteOptions): void {
  const INTERVAL_MS = 20;
  const WAIT_MS = 500;

  /** Runs `body` with an interval ticking every 20 ms; returns how many ticks happened. */
  async function ticksDuring(body: () => Promise<void>): Promise<number> {
    let ticks = 0;
    const timer = setInterval(() => ticks++, INTERVAL_MS);
    try {
      await body();
    } finally {
      clearInterval(timer);
    }
    return ticks;
  }

  add(options, "event loop: setInterval ticks while a read waits 500 ms for data", async () => {
    const { createPipe } = createWinpipe(await factory());
    using pipe = createPipe();
    const buf = new Uint8Array(16);
    const ticks = await ticksDuring(async () => {
      const started = performance.now();
      const reading = pipe.reader.read(buf);
      setTimeout(() => pipe.writer.write(new Uint8Array([1, 2, 3])), WAIT_MS);
      assert.equal(await reading, 3);
      assert.ok(performance.now() - started >= WAIT_MS - 5, "the read waited for the data");
    });
    // 500 ms at 20 ms: about 25 ticks; a blocked loop gives 0 or 1.
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times during the read`);
  });

  add(options, "event loop: setInterval ticks while a server waits 500 ms for a client", async () => {
    const { connect, createNamedPipe } = createWinpipe(await factory());
    const name = uniquePipeName("accept");
    await using instance = createNamedPipe(name, { maxInstances: 1 });
    const ticks = await ticksDuring(async () => {
      const accepting = instance.connect();
      await delay(WAIT_MS);
      await using client = await connect(name);
      await accepting;
      await client.write(new Uint8Array([7]));
      const buf = new Uint8Array(1);
      assert.equal((await instance.read(buf))?.bytesRead, 1);
    });
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times while the server waited`);
  });

  add(options, "event loop: setInterval ticks while a flush waits 500 ms for the reader", async () => {
    const { connect, createNamedPipe } = createWinpipe(await factory());
    const name = uniquePipeName("flush");
    await using instance = createNamedPipe(name, { maxInstances: 1 });
    await using client = await connect(name);
    await instance.connect();
    const ticks = await ticksDuring(async () => {
      await client.write(new Uint8Array([1, 2]));
      const flushing = client.flush();
      await delay(WAIT_MS);
      await instance.read(new Uint8Array(2));
      await flushing;
    });
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times while the flush waited`);
  });
}
