/**
 * Waiting calls never block the event loop: a setInterval keeps ticking
 * while a read waits 500 ms for data and while a server waits 500 ms for a
 * client.
 *
 * @module
 */
import assert from "node:assert/strict";
import { connect, createNamedPipe, createPipe } from "../mod.ts";
import { delay, onWindows, uniqueName } from "./util.ts";

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

Deno.test({
  name: "event loop: setInterval ticks while a read waits 500 ms for data",
  ignore: !onWindows,
  async fn() {
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
  },
});

Deno.test({
  name: "event loop: setInterval ticks while a server waits 500 ms for a client",
  ignore: !onWindows,
  async fn() {
    const name = uniqueName("accept");
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
  },
});
