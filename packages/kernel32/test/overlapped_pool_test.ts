// The reuse of OVERLAPPEDs (pure: no kernel32, the session faked): when a record goes back to the
// pool, and that nothing uses a record once its operation has finished. Under Wine the kernel32
// suites run the same code against the kernel; docs/kernel32.md ("Memory the kernel writes later").
import assert from "node:assert/strict";
import { ERROR_IO_PENDING, ERROR_MORE_DATA } from "@winpipe/core";
import { overlappedIo } from "../src/io.ts";
import { OverlappedPool } from "../src/overlapped_pool.ts";
import { PendingOperation } from "../src/pending_operation.ts";
import type { Session } from "../src/session.ts";

let nextAddress = 0x1000;
const addressOf = () => (nextAddress += 0x40);

/** A session with just what overlappedIo uses; `cancelled` lists the OVERLAPPEDs CancelIoEx got. */
function fakeSession() {
  const cancelled: Uint8Array[] = [];
  const overlappeds = new OverlappedPool(addressOf);
  const session = {
    overlappeds,
    port: { wait: (op: PendingOperation) => op.done },
    lib: { kernel32: { CancelIoEx: (_native: number, overlapped: Uint8Array) => cancelled.push(overlapped) } },
  } as unknown as Session;
  return { session, overlappeds, cancelled };
}

/** What the kernel does when an operation completes: the final status, then the byte count. */
function complete(op: PendingOperation, status: number, information: number) {
  new DataView(op.overlapped.buffer).setUint32(8, information, true);
  new DataView(op.overlapped.buffer).setUint32(0, status, true);
}

Deno.test("a reused OVERLAPPED comes back as 32 zero bytes (hEvent NULL, Offset 0)", () => {
  const pool = new OverlappedPool(addressOf);
  const record = pool.take();
  record.bytes.fill(0xff);
  pool.give(record);
  const again = pool.take();
  assert.equal(again, record);
  assert.deepEqual([...again.bytes], new Array(32).fill(0));
});

Deno.test("the pool keeps at most 64 free records", () => {
  const pool = new OverlappedPool(addressOf);
  const records = Array.from({ length: 70 }, () => pool.take());
  for (const record of records) pool.give(record);
  const taken = new Set(Array.from({ length: 70 }, () => pool.take()));
  assert.equal(records.filter((record) => taken.has(record)).length, 64);
});

Deno.test("the OVERLAPPED of a call that succeeded at once is reused, with the outcome copied out first", async () => {
  const { session, overlappeds } = fakeSession();
  const op = new PendingOperation(overlappeds.take(), []);
  complete(op, 0, 64);
  const done = await overlappedIo(session, undefined, 1, op, 0, undefined);
  assert.deepEqual(done, { status: 0, code: 0, information: 64 });
  assert.equal(overlappeds.take(), op.record);
});

Deno.test("the OVERLAPPED of a call that failed at once is not reused (a packet may still name it)", async () => {
  const { session, overlappeds } = fakeSession();
  const op = new PendingOperation(overlappeds.take(), []);
  complete(op, 0x80000005, 64); // STATUS_BUFFER_OVERFLOW: ERROR_MORE_DATA
  const done = await overlappedIo(session, undefined, 1, op, ERROR_MORE_DATA, undefined);
  assert.deepEqual(done, { status: 0, code: ERROR_MORE_DATA, information: 64 });
  assert.notEqual(overlappeds.take(), op.record);
});

Deno.test("a finished operation keeps its outcome after its OVERLAPPED is reused", () => {
  const { overlappeds } = fakeSession();
  const op = new PendingOperation(overlappeds.take(), []);
  assert.equal(op.finished, false);
  complete(op, 0, 5);
  op.finish();
  overlappeds.give(op.record);
  const next = new PendingOperation(overlappeds.take(), []);
  assert.equal(next.record, op.record);
  assert.deepEqual([op.finished, op.status, op.information], [true, 0, 5]);
});

Deno.test("an abort after the operation finished cancels nothing: its OVERLAPPED may be another operation's", async () => {
  const { session, overlappeds, cancelled } = fakeSession();
  const controller = new AbortController();
  const op = new PendingOperation(overlappeds.take(), []);
  const waiting = overlappedIo(session, undefined, 1, op, ERROR_IO_PENDING, controller.signal);
  // What the port does when the completion arrives: copy out, give the record back, settle.
  complete(op, 0, 3);
  op.finish();
  overlappeds.give(op.record);
  const next = new PendingOperation(overlappeds.take(), []);
  assert.equal(next.record, op.record);
  // The abort comes before the wait's own continuation has removed its listener.
  controller.abort();
  assert.deepEqual(cancelled, []);
  assert.equal((await waiting).information, 3);
});

Deno.test("an abort while the operation is pending cancels it by its OVERLAPPED", async () => {
  const { session, overlappeds, cancelled } = fakeSession();
  const controller = new AbortController();
  const op = new PendingOperation(overlappeds.take(), []);
  const waiting = overlappedIo(session, undefined, 1, op, ERROR_IO_PENDING, controller.signal);
  controller.abort();
  assert.deepEqual(cancelled, [op.overlapped]);
  complete(op, 0xc0000120, 0); // STATUS_CANCELLED
  op.finish();
  assert.equal((await waiting).status, 0xc0000120);
});
