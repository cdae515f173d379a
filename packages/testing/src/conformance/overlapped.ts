/**
 * H. Overlapped I/O and cancellation. Through the port, "a pending
 * operation" is a promise not yet settled; CancelIoEx on one operation is
 * aborting that operation's AbortSignal; CancelIoEx(handle, NULL) is
 * `cancelIo`, which throws ERROR_NOT_FOUND when nothing is pending.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, OBUF, OBUF2, pattern, text } from "./util.ts";

export const overlappedCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- H56
  defineCase("H56", "pending reads complete in the order they were issued", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
    const reads = [s.read(server, 8), s.read(server, 8), s.read(server, 8)];
    for (const r of reads) await s.assertPending(r, "ReadFile on an empty pipe");
    for (const [i, letter] of ["a", "b", "c"].entries()) {
      await s.expectWrite(client, text(letter));
      const got = await s.done(reads[i], `ReadFile #${i + 1}`);
      assert.deepEqual(Array.from(got.data), Array.from(text(letter)), `ReadFile #${i + 1} got the ${i + 1}th write`);
      for (const later of reads.slice(i + 1)) await s.assertPending(later, `a ReadFile issued after #${i + 1}`);
    }
  }),
  defineCase("H56", "pending message reads each get the next message, in issue order", async (s) => {
    const { server, client } = s.messagePair();
    const reads = [s.read(server, 32), s.read(server, 32), s.read(server, 32)];
    for (const r of reads) await s.assertPending(r, "ReadFile on an empty pipe");
    const messages = [OBUF, OBUF2, text("third")];
    for (const m of messages) await s.expectWrite(client, m);
    for (const [i, m] of messages.entries()) {
      const got = await s.done(reads[i], `ReadFile #${i + 1}`);
      assert.deepEqual(Array.from(got.data), Array.from(m), `ReadFile #${i + 1}`);
      assert.equal(got.messageComplete, true);
    }
  }),

  // ---------------------------------------------------------------- H57
  defineCase(
    "H57",
    "cancelling one pending read aborts it and leaves the other; cancelling again finds nothing",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
      const first = s.read(server, 1);
      const ac = s.controller();
      const second = s.read(server, 1, ac.signal);
      await s.assertPending(first, "first ReadFile");
      await s.assertPending(second, "second ReadFile");
      ac.abort();
      await s.fails(second, ERROR_OPERATION_ABORTED);
      await s.assertPending(first, "the first ReadFile after the second was cancelled");
      await s.expectWrite(client, text("1"));
      const got = await s.done(first, "the first ReadFile");
      assert.deepEqual(Array.from(got.data), Array.from(text("1")));

      // Cancel a read, then cancel again: nothing is left to cancel.
      const ac2 = s.controller();
      const third = s.read(server, 1, ac2.signal);
      await s.assertPending(third, "third ReadFile");
      ac2.abort();
      await s.fails(third, ERROR_OPERATION_ABORTED);
      s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
      // The handle still works.
      await s.expectWrite(client, text("2"));
      await s.expectRead(server, 8, text("2"));
    },
  ),
  defineCase(
    "H57",
    "CancelIoEx on the handle aborts its pending read; a second CancelIoEx gives ERROR_NOT_FOUND",
    async (s) => {
      const { server, client } = s.pair();
      s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
      const r = s.read(server, 16);
      await s.assertPending(r, "ReadFile on an empty pipe");
      s.k.cancelIo(server);
      await s.fails(r, ERROR_OPERATION_ABORTED);
      s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
      // Cancellation is per handle: the client's pending read is untouched.
      const rc = s.read(client, 16);
      await s.assertPending(rc, "the client's ReadFile");
      s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
      await s.assertPending(rc, "the client's ReadFile after CancelIoEx on the server");
      await s.expectWrite(server, OBUF);
      const got = await s.done(rc, "the client's ReadFile");
      assert.deepEqual(Array.from(got.data), Array.from(OBUF));
    },
  ),
  defineCase("H57", "an operation whose signal is already aborted is not issued", async (s) => {
    const { server, client } = s.pair();
    const ac = s.controller();
    ac.abort();
    await s.failsAtOnce(s.read(server, 16, ac.signal), ERROR_OPERATION_ABORTED, "ReadFile with an aborted signal");
    await s.failsAtOnce(s.write(client, OBUF, ac.signal), ERROR_OPERATION_ABORTED, "WriteFile with an aborted signal");
    // Nothing was written and no read is left waiting to swallow data.
    assert.deepEqual(s.avail(server), [0, 0]);
    s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
    await s.expectWrite(client, OBUF2);
    await s.expectRead(server, 32, OBUF2);
  }),

  // ---------------------------------------------------------------- H58
  defineCase(
    "H58",
    "cancelling a pending write removes its unconsumed bytes; a later write is still delivered",
    async (s) => {
      for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
        const label = type === PIPE_TYPE_BYTE ? "byte pipe" : "message pipe";
        const { server, client } = s.pair({ pipeMode: type | PIPE_WAIT, inBufferSize: 512, outBufferSize: 512 });
        const ac = s.controller();
        const big = s.write(client, pattern(512 + 2000), ac.signal);
        const small = s.write(client, text("!"));
        await s.assertPending(big, `${label}: WriteFile beyond the buffer`);
        await s.assertPending(small, `${label}: WriteFile behind it`);
        assert.equal(s.avail(server)[0], 512 + 2001, `${label}: both writes are queued`);
        ac.abort();
        await s.fails(big, ERROR_OPERATION_ABORTED);
        assert.equal(s.avail(server)[0], 1, `${label}: only the second write's byte is left`);
        await s.expectRead(server, 1000, text("!"));
        assert.equal(await s.done(small, `${label}: the second WriteFile`), 1);
        assert.deepEqual(s.avail(server), [0, 0]);
      }
    },
  ),
  defineCase("H58", "cancelling a partly read pending write removes the rest of it", async (s) => {
    for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
      const label = type === PIPE_TYPE_BYTE ? "byte pipe" : "message pipe";
      const readMode = type === PIPE_TYPE_MESSAGE ? PIPE_READMODE_MESSAGE : 0;
      const { server, client } = s.pair({
        pipeMode: type | readMode | PIPE_WAIT,
        inBufferSize: 512,
        outBufferSize: 512,
      });
      const data = pattern(512 + 2000, 1);
      const ac = s.controller();
      const big = s.write(client, data, ac.signal);
      const small = s.write(client, text("!"));
      await s.assertPending(big, `${label}: WriteFile beyond the buffer`);
      await s.expectRead(server, 10, data.subarray(0, 10), type === PIPE_TYPE_BYTE);
      await s.assertPending(big, `${label}: WriteFile after 10 bytes were read`);
      ac.abort();
      await s.fails(big, ERROR_OPERATION_ABORTED);
      assert.equal(s.avail(server)[0], 1, `${label}: the rest of the cancelled write is gone`);
      await s.expectRead(server, 1000, text("!"));
      assert.equal(await s.done(small, `${label}: the second WriteFile`), 1);
    }
  }),
];
