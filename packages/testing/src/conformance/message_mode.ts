/**
 * D. Message-type pipes and message read mode.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_PARAMETER,
  PIPE_NOWAIT,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { concat, type ConformanceCase, defineCase, OBUF, OBUF2, pattern, text } from "./util.ts";

export const messageModeCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- D25
  defineCase("D25", "PeekNamedPipe counts bytes available and bytes left in the message", async (s) => {
    const { server, client } = s.messagePair();
    // Without a buffer: 11 available, 11 left in the message.
    await s.expectWrite(server, OBUF);
    assert.deepEqual(s.avail(client), [11, 11], "peek without a buffer");
    await s.expectRead(client, 32, OBUF);
    // A 4-byte peek of a 10-byte message: copies 4, 10 available, 6 left.
    await s.expectWrite(server, OBUF2);
    const buf = new Uint8Array(4);
    const p = s.k.peek(client, buf);
    assert.deepEqual(
      { bytesRead: p.bytesRead, bytesAvailable: p.bytesAvailable, bytesLeftInMessage: p.bytesLeftInMessage },
      { bytesRead: 4, bytesAvailable: 10, bytesLeftInMessage: 6 },
    );
    assert.deepEqual(Array.from(buf), Array.from(OBUF2.subarray(0, 4)));
    // Peeking consumed nothing.
    await s.expectRead(client, 32, OBUF2);
    // The same counts in the other direction, to a reader in message read mode.
    await s.expectWrite(client, OBUF2);
    const p2 = s.k.peek(server, new Uint8Array(4));
    assert.deepEqual([p2.bytesRead, p2.bytesAvailable, p2.bytesLeftInMessage], [4, 10, 6]);
    await s.expectRead(server, 32, OBUF2);
  }),

  // ---------------------------------------------------------------- D26
  defineCase("D26", "partial message read reports more data, and the next read gets the rest", async (s) => {
    const { server, client } = s.messagePair();
    await s.expectWrite(client, OBUF);
    await s.expectRead(server, 4, OBUF.subarray(0, 4), false);
    assert.deepEqual(s.avail(server), [7, 7], "7 bytes of the message remain");
    await s.expectRead(server, 32, OBUF.subarray(4), true);
  }),
  defineCase("D26", "a message read in three parts gives more data, more data, success", async (s) => {
    const { server, client } = s.messagePair();
    await s.expectWrite(client, OBUF2);
    await s.expectRead(server, 4, OBUF2.subarray(0, 4), false);
    await s.expectRead(server, 4, OBUF2.subarray(4, 8), false);
    await s.expectRead(server, 32, OBUF2.subarray(8), true);
    // The next message starts fresh.
    await s.expectWrite(client, OBUF);
    await s.expectRead(server, 32, OBUF, true);
  }),

  // ---------------------------------------------------------------- D27
  defineCase(
    "D27",
    "a CreateFile client reads a message pipe in byte read mode: two messages as 21 bytes",
    async (s) => {
      const { server, client } = s.messagePair();
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE | PIPE_WAIT);
      await s.expectWrite(server, OBUF);
      await s.expectWrite(server, OBUF2);
      await s.expectRead(client, 32, concat(OBUF, OBUF2), true);
    },
  ),
  defineCase("D27", "a short read in byte read mode on a message pipe succeeds without ERROR_MORE_DATA", async (s) => {
    const { server, client } = s.messagePair();
    await s.expectWrite(server, OBUF);
    await s.expectRead(client, 4, OBUF.subarray(0, 4), true);
    await s.expectRead(client, 32, OBUF.subarray(4), true);
  }),

  // ---------------------------------------------------------------- D29
  defineCase("D29", "after SetNamedPipeHandleState(PIPE_READMODE_MESSAGE) the client reads 11 then 10", async (s) => {
    const { server, client } = s.messagePair();
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_MESSAGE);
    await s.expectWrite(server, OBUF);
    await s.expectWrite(server, OBUF2);
    const peek = s.k.peek(client, new Uint8Array(32));
    assert.deepEqual([peek.bytesRead, peek.bytesAvailable, peek.bytesLeftInMessage], [11, 21, 0]);
    await s.expectRead(client, 32, OBUF, true);
    await s.expectRead(client, 32, OBUF2, true);
  }),

  // ---------------------------------------------------------------- D31
  defineCase(
    "D31",
    "a 1-byte read of a 512-byte message in message read mode reports more data having read 1",
    async (s) => {
      const { server, client } = s.messagePair();
      const message = pattern(512, 5);
      await s.expectWrite(client, message);
      await s.expectRead(server, 1, message.subarray(0, 1), false);
      await s.expectRead(server, 1, message.subarray(1, 2), false);
      await s.expectRead(server, 1024, message.subarray(2), true);
    },
  ),

  // ---------------------------------------------------------------- D32
  defineCase("D32", "an overlapped partial message read completes with more data and the byte count", async (s) => {
    const { server, client } = s.messagePair();
    const r = s.read(server, 4);
    await s.assertPending(r, "ReadFile on an empty message pipe");
    await s.expectWrite(client, OBUF);
    const got = await s.done(r, "the pending partial ReadFile");
    assert.deepEqual(Array.from(got.data), Array.from(OBUF.subarray(0, 4)));
    assert.equal(got.messageComplete, false, "completed with ERROR_MORE_DATA");
    await s.expectRead(server, 32, OBUF.subarray(4), true);
  }),

  // ---------------------------------------------------------------- D33
  defineCase("D33", "a 0-byte WriteFile succeeds and the reader's ReadFile succeeds with 0 bytes", async (s) => {
    const { server, client } = s.messagePair();
    await s.expectWrite(client, new Uint8Array(0), 0);
    await s.expectRead(server, 32, new Uint8Array(0), true);
    // The empty message was one message: the next one follows intact.
    await s.expectWrite(client, OBUF);
    await s.expectRead(server, 32, OBUF, true);
  }),
  defineCase("D33", "a 0-byte message is read with 0 bytes even after the writer has closed", async (s) => {
    const { server, client } = s.messagePair();
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    await s.expectWrite(server, new Uint8Array(0), 0);
    s.k.close(server);
    await s.expectRead(client, 32, new Uint8Array(0), true);
    await s.fails(s.read(client, 32), ERROR_BROKEN_PIPE);
  }),
  defineCase("D33", "a 0-byte write never blocks, even behind a pending write", async (s) => {
    for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
      const label = type === PIPE_TYPE_BYTE ? "byte pipe" : "message pipe";
      const { server, client } = s.pair({ pipeMode: type | PIPE_WAIT, inBufferSize: 512, outBufferSize: 512 });
      const big = pattern(1024, 1);
      const w = s.write(client, big);
      await s.assertPending(w, `${label}: WriteFile beyond the buffer`);
      assert.equal(await s.atOnce(s.write(client, new Uint8Array(0)), `${label}: 0-byte WriteFile`), 0);
      await s.assertPending(w, `${label}: the big WriteFile`);
      await s.expectRead(server, 1024, big);
      assert.equal(await s.done(w, `${label}: the big WriteFile`), 1024);
    }
  }),
  defineCase("D33", "in message mode a 0-byte write completes exactly one pending read, with 0 bytes", async (s) => {
    const { server, client } = s.messagePair();
    const r1 = s.read(server, 0);
    const r2 = s.read(server, 1);
    await s.assertPending(r1, "first ReadFile on an empty pipe");
    await s.assertPending(r2, "second ReadFile on an empty pipe");
    await s.expectWrite(client, new Uint8Array(0), 0);
    const got1 = await s.atOnce(r1, "the first ReadFile after a 0-byte message");
    assert.deepEqual([got1.data.length, got1.messageComplete], [0, true]);
    await s.assertPending(r2, "the second ReadFile after a 0-byte message");
    await s.expectWrite(client, text("x"));
    const got2 = await s.done(r2, "the second ReadFile");
    assert.deepEqual(Array.from(got2.data), Array.from(text("x")));
    assert.equal(got2.messageComplete, true);
  }),
  defineCase("D33", "in byte mode a 0-byte write completes no pending read", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
    const r1 = s.read(server, 0);
    const r2 = s.read(server, 1);
    await s.expectWrite(client, new Uint8Array(0), 0);
    await s.assertPending(r1, "0-byte ReadFile after a 0-byte write on a byte pipe");
    await s.assertPending(r2, "1-byte ReadFile after a 0-byte write on a byte pipe");
    assert.deepEqual(s.avail(server), [0, 0]);
    // One real byte completes both: the 0-byte read with 0, the other with the byte.
    await s.expectWrite(client, text("y"));
    const got1 = await s.done(r1, "the 0-byte ReadFile");
    const got2 = await s.done(r2, "the 1-byte ReadFile");
    assert.deepEqual([got1.data.length, got1.messageComplete], [0, true]);
    assert.deepEqual(Array.from(got2.data), Array.from(text("y")));
  }),

  // ---------------------------------------------------------------- D34
  defineCase(
    "D34",
    "a 0-byte read in message read mode with a message queued reports more data and keeps it",
    async (s) => {
      const { server, client } = s.messagePair();
      const hello = text("Hello World\0");
      await s.expectWrite(client, hello);
      await s.expectRead(server, 0, new Uint8Array(0), false);
      assert.deepEqual(s.avail(server), [12, 12], "the message is still there, whole");
      await s.expectRead(server, 32, hello, true);
    },
  ),

  // ---------------------------------------------------------------- D35
  defineCase(
    "D35",
    "read or wait mode values other than the defined flags are rejected with ERROR_INVALID_PARAMETER",
    (s) => {
      const { server, client } = s.messagePair();
      for (const bad of [PIPE_TYPE_MESSAGE, 0x8, 0x10, 0x100, PIPE_READMODE_MESSAGE | 0x4, PIPE_NOWAIT | 0x80]) {
        s.failsSync(() => s.k.setState(server, bad), ERROR_INVALID_PARAMETER);
        s.failsSync(() => s.k.setState(client, bad), ERROR_INVALID_PARAMETER);
      }
      assert.equal(s.k.getState(server).mode, PIPE_READMODE_MESSAGE | PIPE_WAIT, "server state unchanged");
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE | PIPE_WAIT, "client state unchanged");
      // The four defined combinations are accepted.
      for (const good of [0, PIPE_NOWAIT, PIPE_READMODE_MESSAGE, PIPE_READMODE_MESSAGE | PIPE_NOWAIT]) {
        s.k.setState(client, good);
        assert.equal(s.k.getState(client).mode, good);
      }
    },
  ),
];
