/**
 * Waiting calls never block the event loop: a setInterval keeps ticking
 * while a read waits 500 ms for data and while a server waits 500 ms for a
 * client.
 *
 * @module
 */
import { expect } from "bun:test";
import { connect, createNamedPipe, createPipe } from "../mod.ts";
import { delay, uniqueName, windowsTest } from "./util.ts";

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

windowsTest("event loop: setInterval ticks while a read waits 500 ms for data", async () => {
  using pipe = createPipe();
  const buf = new Uint8Array(16);
  const ticks = await ticksDuring(async () => {
    const started = performance.now();
    const reading = pipe.reader.read(buf);
    setTimeout(() => pipe.writer.write(new Uint8Array([1, 2, 3])), WAIT_MS);
    expect(await reading).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 5);
  });
  // 500 ms at 20 ms: about 25 ticks; a blocked loop gives 0 or 1.
  expect(ticks).toBeGreaterThanOrEqual(10);
});

windowsTest("event loop: setInterval ticks while a server waits 500 ms for a client", async () => {
  const name = uniqueName("accept");
  await using instance = createNamedPipe(name, { maxInstances: 1 });
  const ticks = await ticksDuring(async () => {
    const accepting = instance.connect();
    await delay(WAIT_MS);
    await using client = await connect(name);
    await accepting;
    await client.write(new Uint8Array([7]));
    const buf = new Uint8Array(1);
    expect((await instance.read(buf))?.bytesRead).toBe(1);
  });
  expect(ticks).toBeGreaterThanOrEqual(10);
});

windowsTest("event loop: setInterval ticks while a flush waits 500 ms for the reader (a pool worker)", async () => {
  const name = uniqueName("flush");
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
  expect(ticks).toBeGreaterThanOrEqual(10);
});
