// How many free data buffers the kernel32 layer keeps per size class (pure: no kernel32): enough
// for operations started together to find theirs again, and no more than about 1 MiB a class.
// docs/kernel32.md ("Memory the kernel writes later").
import assert from "node:assert/strict";
import { BufferPool } from "../src/buffer_pool.ts";

/** Takes `count` buffers of `length` bytes at once, gives them all back, and takes as many again: how many were reused. */
function reusedAfterBatch(pool: BufferPool, length: number, count: number): number {
  const first = Array.from({ length: count }, () => pool.take(length));
  for (const buffer of first) pool.give(buffer);
  const before = new Set(first.map((buffer) => buffer.buffer));
  return Array.from({ length: count }, () => pool.take(length)).filter((buffer) => before.has(buffer.buffer)).length;
}

Deno.test("a batch of sixteen 64 KiB buffers is reused whole; a seventeenth is not kept (1 MiB a class)", () => {
  const pool = new BufferPool();
  assert.equal(reusedAfterBatch(pool, 64 * 1024, 16), 16);
  assert.equal(reusedAfterBatch(new BufferPool(), 64 * 1024, 17), 16);
});

Deno.test("small classes keep at most 64 buffers, large ones at least 4", () => {
  assert.equal(reusedAfterBatch(new BufferPool(), 64, 100), 64);
  assert.equal(reusedAfterBatch(new BufferPool(), 4096, 100), 64);
  assert.equal(reusedAfterBatch(new BufferPool(), 1024 * 1024, 8), 4);
  assert.equal(reusedAfterBatch(new BufferPool(), 16 * 1024 * 1024, 8), 4);
});

Deno.test("a view of part of a buffer gives the whole buffer back to its size class; none above 16 MiB is kept", () => {
  const pool = new BufferPool();
  const buffer = pool.take(100); // the 128-byte class
  assert.equal(buffer.length, 128);
  pool.give(buffer.subarray(0, 3) as Uint8Array<ArrayBuffer>);
  assert.equal(pool.take(128).buffer, buffer.buffer);
  const large = pool.take(17 * 1024 * 1024); // above 16 MiB: exact, and never kept
  pool.give(large);
  assert.notEqual(pool.take(17 * 1024 * 1024).buffer, large.buffer);
});
