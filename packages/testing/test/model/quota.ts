/**
 * Buffer quotas, pending writes and flushes: the accounting that decides
 * when a blocking write or a flush completes.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ModelHandle, ModelKernel } from "@winpipe/core/model";
import {
  ERROR_BROKEN_PIPE,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import {
  assertGot,
  assertPending,
  bytes,
  expectRead,
  pair,
  peekCounts,
  read,
  rejectsWith,
  scenario,
  started,
  stateOf,
} from "./helpers.ts";

/**
 * The blocking read/write walk of Wine's test_blocking_rw (validated on
 * Windows), restated: every step checks what completed and what Peek sees.
 */
async function blockingReadWrite(
  k: ModelKernel,
  writer: ModelHandle,
  reader: ModelHandle,
  quota: number,
  messageType: boolean,
  messageRead: boolean,
): Promise<void> {
  const M = messageType;
  // [bytes copied, bytes available, length of the current message] as
  // Wine's test_peek_pipe checks them; bytesLeftInMessage is the length
  // minus the copy (0 on byte pipes).
  const peek = () => {
    const [copied, available, left] = peekCounts(k, reader, 12000);
    return [copied, available, M ? left + copied : left];
  };

  // A waiting read takes the front of a bigger write; the rest is buffered.
  const first = read(k, reader, 1000);
  await k.flush(writer); // nothing of ours is queued: a reader is waiting
  assert.deepEqual(peek(), [0, 0, 0]);
  assert.equal(await k.write(writer, bytes(4000)), 4000);
  assertGot(await first, bytes(1000), !messageRead, "first pending read");
  assert.deepEqual(peek(), [3000, 3000, M ? 3000 : 0]);

  // A write beyond the free quota waits; its bytes are visible to Peek.
  const big = started(k.write(writer, bytes(quota, 7)));
  await assertPending(big, "write beyond the quota");
  assert.deepEqual(peek(), [3000 + (M ? 0 : quota), 3000 + quota, M ? 3000 : 0]);
  const one = started(k.write(writer, bytes(1, 9)));
  const flush = started(k.flush(writer));
  await assertPending(one, "write behind a pending write");
  await assertPending(flush, "flush");

  // A zero-length write never waits (D33).
  assert.equal(await k.write(writer, new Uint8Array(0)), 0);
  await assertPending(big, "write beyond the quota");
  assert.deepEqual(peek(), [3000 + (M ? 0 : quota + 1), 3000 + quota + 1, M ? 3000 : 0]);

  // Reading the rest of the first write lets the big one in, exactly at the quota.
  await expectRead(k, reader, 3000, bytes(3000, 1000));
  assert.equal(await big, quota);
  await assertPending(one, "write behind a full buffer");
  await assertPending(flush, "flush");
  assert.deepEqual(peek(), [quota + (M ? 0 : 1), quota + 1, M ? quota : 0]);

  // One byte of room completes the one-byte write.
  await expectRead(k, reader, 1, bytes(1, 7), !messageRead);
  assert.equal(await one, 1);
  assert.deepEqual(peek(), [quota + (M ? -1 : 0), quota, M ? quota - 1 : 0]);

  // Drain; the flush completes once the last write ahead of it is read.
  const drained = read(k, reader, quota);
  assert.equal((await drained).data.length, quota - (messageRead ? 1 : 0));
  assert.deepEqual(peek(), messageRead ? [1, 1, 1] : [0, 0, 0]);
  if (messageRead) await expectRead(k, reader, 1000, bytes(1, 9));
  // The zero-length message was written after the flush: the flush does not wait for it.
  assert.equal(await stateOf(flush), "fulfilled");
  if (M) await expectRead(k, reader, 1000, new Uint8Array(0)); // the zero-length message

  // F47: a 0-byte read waits; a write completes it with 0 bytes, the next read gets the byte.
  const zero = read(k, reader, 0);
  const next = read(k, reader, 1000);
  await assertPending(zero, "0-byte read on an empty pipe");
  assert.equal(await k.write(writer, bytes(1, 3)), 1);
  assertGot(await zero, new Uint8Array(0), !messageRead, "0-byte read");
  assertGot(await next, bytes(1, 3), true, "read after the 0-byte read");

  // A write bigger than the buffer completes once what is left of it fits.
  const huge = started(k.write(writer, bytes(quota + 2000)));
  assert.deepEqual(peek(), [quota + 2000, quota + 2000, M ? quota + 2000 : 0]);
  await expectRead(k, reader, 1999, bytes(1999), !messageRead);
  await assertPending(huge, "write with quota + 1 bytes left");
  await expectRead(k, reader, 1, bytes(1, 1999), !messageRead);
  assert.equal(await huge, quota + 2000);
  await expectRead(k, reader, quota + 1, bytes(quota, 2000));
  assert.deepEqual(peek(), [0, 0, 0]);

  // D33: a zero-length write completes exactly one waiting read on a message
  // pipe, none on a byte pipe.
  await k.write(writer, new Uint8Array(0));
  if (M) await expectRead(k, reader, 1, new Uint8Array(0));
  const zero2 = read(k, reader, 0);
  const one2 = read(k, reader, 1);
  await k.write(writer, new Uint8Array(0));
  if (M) assertGot(await zero2, new Uint8Array(0), true, "0-byte read woken by a zero-length message");
  else await assertPending(zero2, "0-byte read after a zero-length write on a byte pipe");
  await assertPending(one2, "second read after a zero-length write");
  await k.write(writer, bytes(1, 5));
  assertGot(await one2, bytes(1, 5), true, "second read");
  if (!M) assertGot(await zero2, new Uint8Array(0), true, "0-byte read");

  // Two writes: Peek and reads see one stream or two messages.
  await k.write(writer, bytes(20));
  assert.deepEqual(peek(), [20, 20, M ? 20 : 0]);
  await k.write(writer, bytes(15, 100));
  assert.deepEqual(peek(), [M ? 20 : 35, 35, M ? 20 : 0]);
  await expectRead(k, reader, 10, bytes(10), !messageRead);
  assert.deepEqual(peek(), [M ? 10 : 25, 25, M ? 10 : 0]);
  await expectRead(k, reader, 10, bytes(10, 10));
  assert.deepEqual(peek(), [15, 15, M ? 15 : 0]);
  await expectRead(k, reader, 15, bytes(15, 100));
}

/** Registers the quota suite. */
export function quotaTests(register: RegisterTest): void {
  const modes: [string, number, boolean, boolean][] = [
    ["byte pipe", PIPE_TYPE_BYTE | PIPE_READMODE_BYTE, false, false],
    ["message pipe, byte read mode", PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE, true, false],
    ["message pipe, message read mode", PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, true, true],
  ];
  for (const [label, pipeMode, messageType, messageRead] of modes) {
    scenario(register, `S5 F46 blocking writes, quota and peek counts on a ${label} (server to client)`, async (k) => {
      const p = pair(k, { pipeMode, outBufferSize: 5000, inBufferSize: 6000 });
      k.setState(p.client, pipeMode & PIPE_READMODE_MESSAGE);
      await blockingReadWrite(k, p.server, p.client, 5000, messageType, messageRead);
      p.close();
    });
    scenario(register, `S5 F46 blocking writes, quota and peek counts on a ${label} (client to server)`, async (k) => {
      const p = pair(k, { pipeMode, outBufferSize: 5000, inBufferSize: 6000 });
      k.setState(p.client, pipeMode & PIPE_READMODE_MESSAGE);
      await blockingReadWrite(k, p.client, p.server, 6000, messageType, messageRead);
      p.close();
    });
  }

  scenario(register, "S5 pending writes complete in order as the reader frees quota", async (k) => {
    const p = pair(k, { outBufferSize: 8 });
    const a = started(k.write(p.server, bytes(6)));
    const b = started(k.write(p.server, bytes(6, 6)));
    const c = started(k.write(p.server, bytes(6, 12)));
    assert.equal(await a, 6);
    await assertPending(b, "second write (2 of 6 bytes fit)");
    await assertPending(c, "third write");
    await expectRead(k, p.client, 4, bytes(4));
    assert.equal(await b, 6); // 2 + 6 unread bytes fit in 8
    await assertPending(c, "third write (2 + 6 + 6 > 8)");
    await expectRead(k, p.client, 3, bytes(3, 4));
    await assertPending(c, "third write (5 + 6 > 8)");
    await expectRead(k, p.client, 3, bytes(3, 7));
    assert.equal(await c, 6); // 2 + 6 fit
    await expectRead(k, p.client, 100, bytes(8, 10)); // byte mode: one read takes both writes' rest
    p.close();
  });

  scenario(register, "S5 a zero-quota pipe hands bytes over only to readers", async (k) => {
    const p = pair(k, { outBufferSize: 0, inBufferSize: 0 });
    const w = started(k.write(p.server, bytes(3)));
    await assertPending(w, "write into a zero-size buffer");
    await expectRead(k, p.client, 2, bytes(2));
    await assertPending(w, "write with one unread byte");
    await expectRead(k, p.client, 2, bytes(1, 2));
    assert.equal(await w, 3);
    const r = read(k, p.client, 10);
    assert.equal(await k.write(p.server, bytes(4)), 4); // a waiting reader takes it all
    assertGot(await r, bytes(4));
    p.close();
  });

  scenario(
    register,
    "G53 closing the reader fails a pending write and a waiting flush with ERROR_BROKEN_PIPE",
    async (k) => {
      const p = pair(k, { outBufferSize: 16 });
      const w = started(k.write(p.server, bytes(40)));
      const f = started(k.flush(p.server));
      await assertPending(w, "write");
      await assertPending(f, "flush");
      k.close(p.client);
      await rejectsWith(w, ERROR_BROKEN_PIPE, "WriteFile");
      await rejectsWith(f, ERROR_BROKEN_PIPE, "FlushFileBuffers");
      k.close(p.server);
    },
  );

  scenario(register, "G49 a writer's pending write stays readable after the writer closes", async (k) => {
    const p = pair(k, { outBufferSize: 4 });
    const w = started(k.write(p.server, bytes(10)));
    k.close(p.server);
    await assertPending(w, "the closed writer's pending write");
    await expectRead(k, p.client, 6, bytes(6));
    assert.equal(await w, 10);
    await expectRead(k, p.client, 100, bytes(4, 6));
    await rejectsWith(read(k, p.client, 1), ERROR_BROKEN_PIPE, "ReadFile");
    k.close(p.client);
  });
}
