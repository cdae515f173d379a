// Which memory the kernel32 layer hands to ReadFile and WriteFile (no kernel: a Win32Library in memory
// that records it, and completes every call at once): the caller's own memory when it is a
// SharedArrayBuffer's, which nothing in JavaScript can take away while a call is pending; a copy of the
// layer's own otherwise, also for look-alikes. docs/buffer-ownership.md ("Shared memory").
import assert from "node:assert/strict";
import { createWinpipe } from "@winpipe/core";
import { isSharedMemory } from "@winpipe/core/internal";
import { Kernel32Kernel } from "../mod.ts";
import { inMemoryLibrary, storeOutcome } from "./in_memory_library.ts";

/** The intrinsic `buffer` getter of typed arrays: the memory a view really has, whatever it claims. */
const realBuffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), "buffer")!.get!;

/** A kernel32 layer over a library in memory; `given` holds the buffer of each ReadFile and WriteFile. */
function recordingPipes() {
  const given: { call: "ReadFile" | "WriteFile"; buffer: Uint8Array }[] = [];
  const lib = inMemoryLibrary({
    transfer(call, buffer, length, overlapped) {
      given.push({ call, buffer });
      if (call === "ReadFile") { for (let i = 0; i < length; i++) buffer[i] = (i * 7 + 3) & 0xff; }
      storeOutcome(overlapped, length);
      return 1; // done at once
    },
  });
  const pipes = createWinpipe(new Kernel32Kernel({ name: "in-memory", load: () => lib }));
  return { pipe: pipes.createPipe(), given };
}

/** Whether the call was given the memory of `view` itself (the same buffer, from the same place). */
function sameMemory(given: Uint8Array, view: Uint8Array): boolean {
  return realBuffer.call(given) === realBuffer.call(view) && given.byteOffset === view.byteOffset;
}

const expected = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + 3) & 0xff);

Deno.test("a write from shared memory goes to WriteFile as it is; from an ArrayBuffer's, as a copy", async () => {
  const { pipe, given } = recordingPipes();
  const shared = new Uint8Array(new SharedArrayBuffer(4096), 512, 1024).fill(9);
  await pipe.writer.write(shared);
  assert.ok(sameMemory(given[0].buffer, shared), "WriteFile was given a copy of shared memory");
  const plain = new Uint8Array(1024).fill(9);
  await pipe.writer.write(plain);
  assert.ok(!sameMemory(given[1].buffer, plain), "WriteFile was given an ArrayBuffer's memory");
  assert.deepEqual(given[1].buffer.subarray(0, 1024), plain);
});

Deno.test("a read into shared memory is ReadFile's into it, with nothing copied; into an ArrayBuffer's, a copy", async () => {
  const { pipe, given } = recordingPipes();
  const growable = new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(2048, {
    maxByteLength: 8192,
  });
  const shared = new Uint8Array(growable, 100, 1000);
  assert.equal(await pipe.reader.read(shared), 1000);
  assert.ok(sameMemory(given[0].buffer, shared), "ReadFile was given memory of its own instead");
  assert.deepEqual(new Uint8Array(shared), expected(1000));
  const plain = new Uint8Array(1000);
  assert.equal(await pipe.reader.read(plain), 1000);
  assert.ok(!sameMemory(given[1].buffer, plain), "ReadFile was given an ArrayBuffer's memory");
  assert.deepEqual(plain, expected(1000));
});

Deno.test("look-alikes of shared memory are copied: a subclass whose buffer is a SharedArrayBuffer", async () => {
  const { pipe, given } = recordingPipes();
  const sab = new SharedArrayBuffer(1024);
  class ClaimsShared extends Uint8Array {
    override get buffer(): ArrayBuffer {
      return sab as unknown as ArrayBuffer;
    }
  }
  const claims = new ClaimsShared(1024);
  await pipe.writer.write(claims);
  await pipe.reader.read(claims);
  assert.equal(given.length, 2);
  for (const { call, buffer } of given) {
    assert.ok(!sameMemory(buffer, claims), `${call} was given the caller's ArrayBuffer memory`);
  }
  assert.deepEqual(new Uint8Array(realBuffer.call(claims) as ArrayBuffer), expected(1024));
  // An ArrayBuffer given SharedArrayBuffer's prototype is not taken for one either (the engine's brand check).
  const disguised = new ArrayBuffer(16);
  Object.setPrototypeOf(disguised, SharedArrayBuffer.prototype);
  assert.equal(isSharedMemory(new Uint8Array(disguised)), false);
  assert.equal(isSharedMemory(new Uint8Array(sab)), true);
});
