/**
 * The buffer ownership suite: no pending operation uses memory that
 * JavaScript can detach, shrink or free (docs/buffer-ownership.md). Each
 * waiting call that takes the caller's memory (read, write, transact,
 * readMessage, callNamedPipe) has its buffer transferred, freed or shrunk
 * while the call is pending, then the peer completes it. Arrays allocated
 * after that ("canaries", 4 MiB) must stay intact; the call either delivers
 * the data or rejects with a TypeError that says why; and nothing the peer
 * wrote is lost. A buffer that is already detached is refused with a
 * TypeError before any system call. Shared memory (a SharedArrayBuffer's),
 * which a backend may use as it is, is grown while the call is pending, and
 * the call delivers as usual.
 *
 * The BYOB stream read is covered by @winpipe/streams' own suites.
 *
 * @example
 * ```ts ignore
 * import { bufferOwnershipSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * bufferOwnershipSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, type Winpipe } from "@winpipe/core";
import type { PipeKernel } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";

/** One way JavaScript takes memory away from a view while the view's call is pending. */
interface Detacher {
  /** The view to hand to the call (resizable for the shrinking ones). */
  make(size: number): Uint8Array;
  /** Takes the memory away. */
  detach(view: Uint8Array): void;
}

/** ArrayBuffer's ES2024 methods, typed here so the suite does not depend on a lib setting. */
type Es2024Buffer = ArrayBuffer & { transfer(length?: number): ArrayBuffer; resize(length: number): void };

const plain = (size: number) => new Uint8Array(new ArrayBuffer(size));

/** The ways to detach, free or shrink a buffer that the suite tries, by name. */
const DETACHERS: Record<string, Detacher> = {
  "transfer()": { make: plain, detach: (view) => void (view.buffer as Es2024Buffer).transfer() },
  // transfer(0) frees the memory at once: anything the kernel still wrote there would land in reused memory.
  "transfer(0)": { make: plain, detach: (view) => void (view.buffer as Es2024Buffer).transfer(0) },
  "structuredClone with transfer": {
    make: plain,
    detach: (view) => void structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] }),
  },
  "postMessage with transfer": {
    make: plain,
    detach: (view) => {
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(view.buffer, [view.buffer as ArrayBuffer]);
      port1.close();
      port2.close();
    },
  },
  "resize(0) of a resizable buffer": {
    make: (size) =>
      new Uint8Array(new (ArrayBuffer as unknown as ResizableBufferConstructor)(size, { maxByteLength: size })),
    detach: (view) => (view.buffer as Es2024Buffer).resize(0),
  },
};

interface ResizableBufferConstructor {
  new (length: number, options: { maxByteLength: number }): ArrayBuffer;
}

/** SharedArrayBuffer's ES2024 growable form, typed here so the suite does not depend on a lib setting. */
interface GrowableSharedConstructor {
  new (length: number, options: { maxByteLength: number }): SharedArrayBuffer & { grow(length: number): void };
}

const SIZE = 1024 * 1024;
const CANARY = 0xc5;

/** 4 MiB of arrays filled with a known byte, allocated after the memory was taken away. */
function canaries(): Uint8Array[] {
  return Array.from({ length: 64 }, () => new Uint8Array(64 * 1024).fill(CANARY));
}

function assertIntact(arrays: Uint8Array[]): void {
  const hit = arrays.findIndex((array) => !array.every((b) => b === CANARY));
  assert.equal(hit, -1, `canary ${hit} was overwritten: a completion wrote into freed memory`);
}

/** `size` bytes of a pattern that differs per `seed`. */
function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Resolves after `ms` milliseconds. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads from `conn` until `total` bytes arrived and returns them. */
async function readAll(
  conn: { read(buffer: Uint8Array): Promise<{ bytesRead: number } | null> },
  total: number,
): Promise<Uint8Array> {
  const all = new Uint8Array(total);
  let got = 0;
  while (got < total) {
    const result = await conn.read(all.subarray(got));
    assert.ok(result !== null, `the data ended after ${got} of ${total} bytes`);
    got += result.bytesRead;
  }
  return all;
}

/** A kernel that counts the calls made on it (to show that a call was refused before any). */
function counting(kernel: PipeKernel): { kernel: PipeKernel; calls(): number } {
  let calls = 0;
  const spy = new Proxy(kernel, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function" || property === "liveHandles") return value;
      return (...args: unknown[]) => {
        calls++;
        return value.apply(target, args);
      };
    },
  });
  return { kernel: spy, calls: () => calls };
}

/** A connected byte-pipe pair of the public API. */
async function bytePair(pipes: Winpipe, name: string, bufferSize = 65536) {
  const server = pipes.createNamedPipe(name, { maxInstances: 1, inBufferSize: bufferSize, outBufferSize: bufferSize });
  const client = await pipes.connect(name);
  await server.connect();
  return { server, client, [Symbol.dispose]: () => (client.close(), server.close()) };
}

/** A connected message-pipe pair of the public API, both ends in message read mode. */
async function messagePair(pipes: Winpipe, name: string) {
  const server = pipes.createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
  const client = await pipes.connect(name, { readMode: "message" });
  await server.connect();
  return { server, client, [Symbol.dispose]: () => (client.close(), server.close()) };
}

/**
 * Registers the buffer ownership cases (see the module documentation).
 * `pendingDelayMs` is how long a call gets to reach the kernel and pend.
 *
 * @example
 * ```ts ignore
 * import { bufferOwnershipSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { createModelKernel } from "@winpipe/core/model";
 * bufferOwnershipSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
 * ```
 */
export function bufferOwnershipSuite(factory: KernelFactory, options: SuiteOptions): void {
  const pendingMs = options.pendingDelayMs ?? 50;
  const add = (name: string, fn: (kernel: PipeKernel) => Promise<void>) =>
    options.register(`buffers: ${name}`, async () => fn(await factory()), options.skip?.[`buffers: ${name}`]);

  add("a message readMessage hands over carries nothing in its memory but its bytes", async (kernel) => {
    const pipes = createWinpipe(kernel);
    {
      // 64 KiB of 0xee read into the caller's buffer: through the backend's memory, which goes back for reuse.
      using earlier = await bytePair(pipes, uniquePipeName("earlier"));
      await earlier.client.write(new Uint8Array(65536).fill(0xee));
      assert.deepEqual(await readAll(earlier.server, 65536), new Uint8Array(65536).fill(0xee));
    }
    using pair = await messagePair(pipes, uniquePipeName("message"));
    // The read is pending before the write: it has the reused memory, the write a copy of its own.
    const reading = pair.server.readMessage();
    await delay(pendingMs);
    const data = pattern(40_000, 4);
    await pair.client.write(data);
    const message = (await reading)!;
    assert.deepEqual(message, data);
    // Whether handed over or copied, the rest of its memory holds no earlier operation's bytes.
    const memory = new Uint8Array(message.buffer);
    assert.equal(memory.subarray(message.byteOffset + message.length).findIndex((b) => b !== 0), -1);
    assert.equal(memory.subarray(0, message.byteOffset).findIndex((b) => b !== 0), -1);
  });

  for (const [how, detacher] of Object.entries(DETACHERS)) {
    add(
      `a read whose buffer is taken away (${how}) while pending rejects, and the next read gets every byte`,
      async (kernel) => {
        const pipes = createWinpipe(kernel);
        using pair = await bytePair(pipes, uniquePipeName("read"));
        const view = detacher.make(SIZE);
        const reading = pair.server.read(view);
        reading.catch(() => {});
        await delay(pendingMs);
        detacher.detach(view);
        const spared = canaries();
        const data = pattern(SIZE, 1);
        await pair.client.write(data);
        await assert.rejects(reading, (err: unknown) => {
          assert.ok(err instanceof TypeError, `expected a TypeError, got ${err}`);
          assert.match(err.message, /was (detached|shrunk) while the read was pending/);
          return true;
        });
        assertIntact(spared);
        assert.deepEqual(await readAll(pair.server, SIZE), data, "the bytes the failed read took come first");
      },
    );

    add(`a write whose buffer is taken away (${how}) while pending delivers every byte`, async (kernel) => {
      const pipes = createWinpipe(kernel);
      using pair = await bytePair(pipes, uniquePipeName("write"), 4096);
      const source = detacher.make(SIZE);
      const data = pattern(SIZE, 2);
      source.set(data);
      // More than the pipe holds: the write pends until the reader drains it.
      const writing = pair.client.write(source);
      await delay(pendingMs);
      detacher.detach(source);
      const spared = canaries();
      assert.deepEqual(await readAll(pair.server, SIZE), data);
      await writing;
      assertIntact(spared);
    });

    add(`a transact whose request is taken away (${how}) while pending completes`, async (kernel) => {
      const pipes = createWinpipe(kernel);
      using pair = await messagePair(pipes, uniquePipeName("transact"));
      const request = detacher.make(60_000);
      const sent = pattern(60_000, 3);
      request.set(sent);
      const transacting = pair.client.transact(request);
      await delay(pendingMs);
      detacher.detach(request);
      const spared = canaries();
      assert.deepEqual(await pair.server.readMessage(), sent);
      const reply = pattern(100_000, 4);
      await pair.server.write(reply);
      assert.deepEqual(await transacting, reply);
      assertIntact(spared);
    });

    add(`a callNamedPipe whose request is taken away (${how}) while pending completes`, async (kernel) => {
      const pipes = createWinpipe(kernel);
      const name = uniquePipeName("call");
      await using server = pipes.createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
      const request = detacher.make(60_000);
      const sent = pattern(60_000, 5);
      request.set(sent);
      const calling = pipes.callNamedPipe(name, request);
      await server.connect();
      await delay(pendingMs);
      detacher.detach(request);
      const spared = canaries();
      assert.deepEqual(await server.readMessage(), sent);
      const reply = pattern(70_000, 6);
      await server.write(reply);
      assert.deepEqual(await calling, reply);
      assertIntact(spared);
    });
  }

  for (const [how, detacher] of Object.entries(DETACHERS)) {
    if (how.startsWith("resize")) continue; // a message readMessage returned is not resizable
    add(
      `a readMessage pending while an earlier message's buffer is taken away (${how}) reads the next whole`,
      async (kernel) => {
        const pipes = createWinpipe(kernel);
        using pair = await messagePair(pipes, uniquePipeName("readmessage"));
        const writing = pair.client.write(pattern(100_000, 7)); // more than the pipe buffers: pends until read
        const earlier = (await pair.server.readMessage())!;
        await writing;
        const reading = pair.server.readMessage();
        await delay(pendingMs);
        detacher.detach(earlier);
        const spared = canaries();
        const next = pattern(300_000, 8);
        await pair.client.write(next);
        assert.deepEqual(await reading, next);
        assertIntact(spared);
      },
    );
  }

  add("a read into shared memory, grown while pending, delivers into it", async (kernel) => {
    const pipes = createWinpipe(kernel);
    using pair = await bytePair(pipes, uniquePipeName("shared-read"));
    // A SharedArrayBuffer cannot be detached or shrunk, only grown in place: a backend may read into it directly.
    const memory = new (SharedArrayBuffer as GrowableSharedConstructor)(SIZE, { maxByteLength: 2 * SIZE });
    const view = new Uint8Array(memory, 4096, SIZE - 4096);
    const reading = pair.server.read(view);
    await delay(pendingMs);
    memory.grow(2 * SIZE);
    const spared = canaries();
    const data = pattern(50_000, 10);
    await pair.client.write(data);
    assert.deepEqual(await reading, { bytesRead: data.length, messageComplete: true });
    assert.deepEqual(view.slice(0, data.length), data);
    assertIntact(spared);
  });

  add("a write from shared memory, grown while pending, delivers every byte", async (kernel) => {
    const pipes = createWinpipe(kernel);
    using pair = await bytePair(pipes, uniquePipeName("shared-write"), 4096);
    const memory = new (SharedArrayBuffer as GrowableSharedConstructor)(SIZE, { maxByteLength: 2 * SIZE });
    const source = new Uint8Array(memory);
    const data = pattern(SIZE, 11);
    source.set(data);
    // More than the pipe holds: the write pends until the reader drains it.
    const writing = pair.client.write(source);
    await delay(pendingMs);
    memory.grow(2 * SIZE);
    const spared = canaries();
    assert.deepEqual(await readAll(pair.server, SIZE), data);
    await writing;
    assertIntact(spared);
  });

  add(
    "a read of part of a message into shared memory reports more data, and the next read the rest",
    async (kernel) => {
      const pipes = createWinpipe(kernel);
      using pair = await messagePair(pipes, uniquePipeName("shared-part"));
      const view = new Uint8Array(new SharedArrayBuffer(4));
      const reading = pair.server.read(view);
      await delay(pendingMs);
      await pair.client.write(pattern(10, 12));
      assert.deepEqual(await reading, { bytesRead: 4, messageComplete: false });
      assert.deepEqual(view.slice(), pattern(10, 12).subarray(0, 4));
      const rest = new Uint8Array(new SharedArrayBuffer(16));
      assert.deepEqual(await pair.server.read(rest), { bytesRead: 6, messageComplete: true });
      assert.deepEqual(rest.slice(0, 6), pattern(10, 12).subarray(4));
    },
  );

  add("a read into a buffer shrunk while pending, but still large enough, delivers into it", async (kernel) => {
    const pipes = createWinpipe(kernel);
    using pair = await bytePair(pipes, uniquePipeName("shrunk"));
    const view = DETACHERS["resize(0) of a resizable buffer"].make(SIZE); // tracks its buffer's length
    const reading = pair.server.read(view);
    await delay(pendingMs);
    (view.buffer as Es2024Buffer).resize(256 * 1024);
    const data = pattern(50_000, 9);
    await pair.client.write(data);
    assert.deepEqual(await reading, { bytesRead: data.length, messageComplete: true });
    assert.deepEqual(view.subarray(0, data.length), data);
  });

  add(
    "every call that takes a buffer refuses a detached one with a TypeError before any system call",
    async (kernel) => {
      const spy = counting(kernel);
      const pipes = createWinpipe(spy.kernel);
      const name = uniquePipeName("refuse");
      await using server = pipes.createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
      await using client = await pipes.connect(name, { readMode: "message" });
      using anonymous = pipes.createPipe();
      await client.write(new Uint8Array([1, 2, 3]));
      const detached = () => {
        const view = new Uint8Array(16);
        (view.buffer as Es2024Buffer).transfer();
        return view;
      };
      const calls: [string, (view: Uint8Array) => Promise<unknown>][] = [
        ["read", (v) => server.read(v)],
        ["tryRead", (v) => server.tryRead(v)],
        ["write", (v) => client.write(v)],
        ["tryWrite", (v) => client.tryWrite(v)],
        ["transact", (v) => client.transact(v)],
        ["callNamedPipe", (v) => pipes.callNamedPipe(name, v)],
        ["PipeReader.read", (v) => anonymous.reader.read(v)],
        ["PipeWriter.write", (v) => anonymous.writer.write(v)],
      ];
      for (const [what, call] of calls) {
        const before = spy.calls();
        await assert.rejects(call(detached()), (err: unknown) => {
          assert.ok(err instanceof TypeError, `${what}: expected a TypeError, got ${err}`);
          assert.match(err.message, /must not be detached/, what);
          return true;
        });
        assert.equal(spy.calls(), before, `${what} made a system call`);
      }
      // The refused read left the data where it was.
      assert.deepEqual(await server.readMessage(), new Uint8Array([1, 2, 3]));
    },
  );
}
