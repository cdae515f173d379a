/**
 * The nonblocking write suite: `write()` on a handle in nonblocking wait
 * mode always makes progress without spinning, and `tryWrite()` does what
 * its documentation says the kernel does (all of the data, or nothing when
 * it does not fit and no read is pending).
 *
 * @example
 * ```ts ignore
 * import { nonblockingWriteSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * nonblockingWriteSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import type { PipeKernel } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";

/** Resolves after `ms` milliseconds. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `size` bytes of a pattern. */
function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
}

/** A kernel whose WriteFile calls are counted. */
function countingWrites(kernel: PipeKernel): { kernel: PipeKernel; writes(): number } {
  let writes = 0;
  const spy = new Proxy(kernel, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (property === "write") writes++;
        return value.apply(target, args);
      };
    },
  });
  return { kernel: spy, writes: () => writes };
}

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { nonblockingWriteSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { createModelKernel } from "@winpipe/core/model";
 * nonblockingWriteSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
 * ```
 */
export function nonblockingWriteSuite(factory: KernelFactory, options: SuiteOptions): void {
  const pendingMs = options.pendingDelayMs ?? 50;
  const add = (name: string, fn: (kernel: PipeKernel) => Promise<void>) =>
    options.register(
      `nonblocking write: ${name}`,
      async () => fn(await factory()),
      options.skip?.[`nonblocking write: ${name}`],
    );

  add("a byte write much larger than the buffer completes while the reader only polls with tryRead", async (kernel) => {
    const pipes = createWinpipe(kernel);
    const name = uniquePipeName("nb-byte");
    await using server = pipes.createNamedPipe(name, { inBufferSize: 512, outBufferSize: 512, wait: "nonblocking" });
    await using client = await pipes.connect(name, { wait: "nonblocking" });
    await server.connect();
    const data = pattern(64 * 1024);
    const writing = client.write(data);
    // The reader never keeps a read pending: it polls.
    const got = new Uint8Array(data.length);
    let filled = 0;
    while (filled < data.length) {
      const result = await server.tryRead(got.subarray(filled, filled + 4096));
      if (result === "no-data") await delay(1);
      else if (result === null) throw new Error("the data ended early");
      else filled += result.bytesRead;
    }
    await writing;
    assert.deepEqual(got, data);
  });

  add("tryWrite writes all of the data or, when it does not fit and no read is pending, nothing", async (kernel) => {
    const pipes = createWinpipe(kernel);
    const name = uniquePipeName("nb-try");
    await using server = pipes.createNamedPipe(name, { inBufferSize: 512, outBufferSize: 512 });
    await using client = await pipes.connect(name, { wait: "nonblocking" });
    await server.connect();
    assert.equal(await client.tryWrite(new Uint8Array(600)), 0, "600 bytes into an empty 512-byte buffer");
    assert.equal(await client.tryWrite(new Uint8Array(512)), 512, "512 bytes into the empty buffer");
    assert.equal(await client.tryWrite(new Uint8Array(1)), 0, "1 byte into the full buffer");
    assert.equal(server.peek().bytesAvailable, 512);
  });

  add("a message larger than the buffer goes through while the reader has a read pending", async (kernel) => {
    const pipes = createWinpipe(kernel);
    const name = uniquePipeName("nb-message");
    await using server = pipes.createNamedPipe(name, {
      type: "message",
      readMode: "message",
      inBufferSize: 512,
      outBufferSize: 512,
    });
    await using client = await pipes.connect(name, { wait: "nonblocking", readMode: "message" });
    await server.connect();
    const reading = server.readMessage();
    await delay(pendingMs);
    const message = pattern(4096);
    await client.write(message);
    assert.deepEqual(await reading, message);
  });

  add("while nothing fits, retries back off (1 ms doubling to 50 ms) instead of spinning", async (kernel) => {
    const spy = countingWrites(kernel);
    const pipes = createWinpipe(spy.kernel);
    const name = uniquePipeName("nb-backoff");
    await using server = pipes.createNamedPipe(name, { type: "message", inBufferSize: 512, outBufferSize: 512 });
    await using client = await pipes.connect(name, { wait: "nonblocking" });
    await server.connect();
    // A message larger than the buffer, and nobody reading: it can never fit.
    const controller = new AbortController();
    const writing = client.write(new Uint8Array(4096), { signal: controller.signal });
    await delay(1000);
    controller.abort();
    await assert.rejects(writing, { name: "AbortError" });
    // 1 + 2 + 4 + ... + 32 ms, then every 50 ms: about 25 tries in a second; a spinning loop makes thousands.
    assert.ok(spy.writes() >= 5 && spy.writes() <= 40, `${spy.writes()} WriteFile calls in one second`);
    assert.equal(server.peek().bytesAvailable, 0, "nothing of the message was written");
  });
}
