/**
 * Pending operations: issue order, AbortSignal cancellation, CancelIoEx.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_INVALID_HANDLE,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import {
  assertGot,
  assertPending,
  avail,
  bytes,
  expectRead,
  messagePair,
  pair,
  read,
  rejectsWith,
  scenario,
  server,
  started,
  stateOf,
  throwsWith,
  transact,
} from "./helpers.ts";

/** Registers the cancellation suite. */
export function cancellationTests(register: RegisterTest): void {
  scenario(register, "H56 pending reads complete in the order they were issued", async (k) => {
    const p = pair(k);
    const reads = [read(k, p.client, 2), read(k, p.client, 3), read(k, p.client, 4)];
    await k.write(p.server, bytes(9));
    assertGot(await reads[0], bytes(2));
    assertGot(await reads[1], bytes(3, 2));
    assertGot(await reads[2], bytes(4, 5));
    p.close();
  });

  scenario(register, "H57 aborting one pending read cancels it alone", async (k) => {
    const p = pair(k);
    const first = read(k, p.client, 1);
    const ac = new AbortController();
    const second = read(k, p.client, 1, ac.signal);
    ac.abort();
    await rejectsWith(second, ERROR_OPERATION_ABORTED, "ReadFile");
    await assertPending(first, "the other read");
    ac.abort(); // cancelling again does nothing
    await k.write(p.server, bytes(1));
    assertGot(await first, bytes(1));
    // Nothing left to cancel.
    throwsWith(() => k.cancelIo(p.client), ERROR_NOT_FOUND, "CancelIoEx");
    p.close();
  });

  scenario(
    register,
    "H57 CancelIoEx cancels every pending operation of the end, through any of its handles",
    async (k) => {
      const p = pair(k);
      const dup = k.duplicate(p.client, false);
      const a = read(k, p.client, 1);
      const b = read(k, dup, 1);
      k.cancelIo(dup);
      await rejectsWith(a, ERROR_OPERATION_ABORTED);
      await rejectsWith(b, ERROR_OPERATION_ABORTED);
      throwsWith(() => k.cancelIo(p.client), ERROR_NOT_FOUND);
      k.close(dup);
      throwsWith(() => k.cancelIo(dup), ERROR_INVALID_HANDLE, "CancelIoEx");
      p.close();
    },
  );

  scenario(register, "an already aborted signal rejects without issuing the call", async (k) => {
    const p = pair(k);
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(k.write(p.server, bytes(4), ac.signal), ERROR_OPERATION_ABORTED, "WriteFile");
    assert.deepEqual(avail(k, p.client), [0, 0]); // nothing was written
    await rejectsWith(read(k, p.client, 4, ac.signal), ERROR_OPERATION_ABORTED);
    await rejectsWith(k.connect(p.server, ac.signal), ERROR_OPERATION_ABORTED);
    await rejectsWith(k.flush(p.server, ac.signal), ERROR_OPERATION_ABORTED);
    p.close();
  });

  for (const pipeMode of [0, PIPE_TYPE_MESSAGE]) {
    const label = pipeMode === 0 ? "byte" : "message";
    scenario(register, `H58 cancelling a pending write removes its unread bytes (${label} pipe)`, async (k) => {
      const p = pair(k, { pipeMode, outBufferSize: 100 });
      // Cancel before any byte was read.
      const ac = new AbortController();
      const big = started(k.write(p.server, bytes(300), ac.signal));
      const small = started(k.write(p.server, bytes(1, 77)));
      assert.deepEqual(avail(k, p.client)[0], 301);
      ac.abort();
      await rejectsWith(big, ERROR_OPERATION_ABORTED, "WriteFile");
      assert.equal(avail(k, p.client)[0], 1);
      assert.equal(await stateOf(small), "fulfilled"); // the quota it held went to the next write
      await expectRead(k, p.client, 1000, bytes(1, 77));

      // Cancel after part of it was read: the rest goes, later writes still arrive.
      const ac2 = new AbortController();
      const big2 = started(k.write(p.server, bytes(300), ac2.signal));
      const small2 = started(k.write(p.server, bytes(1, 88)));
      await expectRead(k, p.client, 10, bytes(10), true);
      await assertPending(big2, "partly read write");
      ac2.abort();
      await rejectsWith(big2, ERROR_OPERATION_ABORTED);
      assert.equal(avail(k, p.client)[0], 1);
      await expectRead(k, p.client, 1000, bytes(1, 88));
      assert.equal(await small2, 1);

      // Cancelling the last write ahead of a flush completes the flush.
      const ac3 = new AbortController();
      const big3 = started(k.write(p.server, bytes(300), ac3.signal));
      const flush = started(k.flush(p.server));
      await assertPending(flush, "flush");
      ac3.abort();
      await rejectsWith(big3, ERROR_OPERATION_ABORTED);
      assert.equal(await stateOf(flush), "fulfilled");
      assert.deepEqual(avail(k, p.client), [0, 0]);
      p.close();
    });
  }

  scenario(register, "B19 cancelling a pending ConnectNamedPipe; the instance keeps listening", async (k) => {
    const s = server(k);
    const ac = new AbortController();
    const connecting = started(k.connect(s, ac.signal));
    ac.abort();
    await rejectsWith(connecting, ERROR_OPERATION_ABORTED, "ConnectNamedPipe");
    throwsWith(() => k.cancelIo(s), ERROR_NOT_FOUND);
    const again = started(k.connect(s));
    k.cancelIo(s);
    await rejectsWith(again, ERROR_OPERATION_ABORTED);
    await k.waitNamedPipe(s.pipeName!, 1); // still listening
    k.close(s);
  });

  scenario(register, "cancelling a transact withdraws the read and keeps the request written", async (k) => {
    const p = messagePair(k, { outBufferSize: 50 });
    k.setState(p.client, PIPE_READMODE_MESSAGE);
    const blocked = started(k.write(p.server, bytes(70)));
    const ac = new AbortController();
    const t = transact(k, p.server, bytes(2, 200), 1, ac.signal);
    await assertPending(t, "transact");
    ac.abort();
    await rejectsWith(t, ERROR_OPERATION_ABORTED, "TransactNamedPipe");
    await expectRead(k, p.client, 1000, bytes(70));
    assert.equal(await blocked, 70);
    await expectRead(k, p.client, 1000, bytes(2, 200));
    p.close();
  });
}
