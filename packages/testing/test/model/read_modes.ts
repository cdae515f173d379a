/**
 * Byte and message types, byte and message read modes, peek counts and
 * zero-length messages.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  PIPE_NOWAIT,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
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
  peekCounts,
  read,
  rejectsWith,
  scenario,
  text,
  throwsWith,
} from "./helpers.ts";

const OBUF = text("Bit Bucket\0"); // 11 bytes
const OBUF2 = text("More bits\0"); // 10 bytes

/** Registers the read mode suite. */
export function readModeTests(register: RegisterTest): void {
  scenario(register, "C21 two writes are read together by one byte-mode read", async (k) => {
    const p = pair(k);
    await k.write(p.server, OBUF);
    await k.write(p.server, OBUF2);
    await expectRead(k, p.client, 32, new Uint8Array([...OBUF, ...OBUF2]));
    p.close();
  });

  scenario(register, "C22 a short byte-mode read succeeds and leaves the rest", async (k) => {
    const p = pair(k);
    await k.write(p.client, OBUF);
    await expectRead(k, p.server, 4, OBUF.slice(0, 4));
    await expectRead(k, p.server, 4, OBUF.slice(4, 8));
    await expectRead(k, p.server, 32, OBUF.slice(8));
    p.close();
  });

  scenario(
    register,
    "C24 PIPE_READMODE_MESSAGE on either end of a byte pipe fails with ERROR_INVALID_PARAMETER",
    (k) => {
      const p = pair(k, { pipeMode: PIPE_TYPE_BYTE });
      throwsWith(() => k.setState(p.server, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER, "SetNamedPipeHandleState");
      throwsWith(() => k.setState(p.client, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER, "SetNamedPipeHandleState");
      k.setState(p.client, PIPE_READMODE_BYTE);
      assert.equal(k.getState(p.client).mode, 0);
      p.close();
    },
  );

  scenario(register, "D25 Peek counts on a message pipe", async (k) => {
    const p = messagePair(k);
    await k.write(p.server, OBUF);
    assert.deepEqual(avail(k, p.client), [11, 11]);
    await expectRead(k, p.client, 32, OBUF);
    await k.write(p.server, OBUF2);
    const buffer = new Uint8Array(4);
    const r = k.peek(p.client, buffer);
    assert.deepEqual([r.bytesRead, r.bytesAvailable, r.bytesLeftInMessage], [4, 10, 6]);
    assert.deepEqual(Array.from(buffer), Array.from(OBUF2.slice(0, 4)));
    // Two messages: Peek copies only the first and counts both.
    await k.write(p.server, OBUF);
    assert.deepEqual(peekCounts(k, p.client, 32), [10, 21, 0]);
    p.close();
  });

  scenario(register, "D25 Peek on a byte pipe copies across writes and reports no message", async (k) => {
    const p = pair(k);
    await k.write(p.server, OBUF);
    await k.write(p.server, OBUF2);
    assert.deepEqual(avail(k, p.client), [21, 0]);
    assert.deepEqual(peekCounts(k, p.client, 4), [4, 21, 0]);
    assert.deepEqual(peekCounts(k, p.client, 32), [21, 21, 0]);
    // F43: no buffer or a 0-byte buffer copies nothing.
    assert.deepEqual(peekCounts(k, p.client, 0), [0, 21, 0]);
    p.close();
  });

  scenario(register, "D26 a message read in three parts gives more data, more data, success", async (k) => {
    const p = messagePair(k);
    await k.write(p.client, OBUF);
    await expectRead(k, p.server, 4, OBUF.slice(0, 4), false);
    await expectRead(k, p.server, 4, OBUF.slice(4, 8), false);
    await expectRead(k, p.server, 32, OBUF.slice(8), true);
    // The next message starts fresh.
    await k.write(p.client, OBUF2);
    await expectRead(k, p.server, 4, OBUF2.slice(0, 4), false);
    await expectRead(k, p.server, 32, OBUF2.slice(4), true);
    p.close();
  });

  scenario(register, "D27 D29 a CreateFile client reads in byte mode until it switches to message mode", async (k) => {
    const p = messagePair(k);
    assert.equal(k.getState(p.client).mode, PIPE_READMODE_BYTE);
    await k.write(p.server, OBUF);
    await k.write(p.server, OBUF2);
    await expectRead(k, p.client, 32, new Uint8Array([...OBUF, ...OBUF2]));
    await k.write(p.server, OBUF);
    await expectRead(k, p.client, 4, OBUF.slice(0, 4), true); // no ERROR_MORE_DATA in byte read mode
    await expectRead(k, p.client, 32, OBUF.slice(4));
    k.setState(p.client, PIPE_READMODE_MESSAGE);
    await k.write(p.server, OBUF);
    await k.write(p.server, OBUF2);
    await expectRead(k, p.client, 32, OBUF);
    await expectRead(k, p.client, 32, OBUF2);
    p.close();
  });

  scenario(register, "D31 D32 a 1-byte read of a 512-byte message, at once and pending", async (k) => {
    const p = messagePair(k);
    await k.write(p.client, bytes(512));
    await expectRead(k, p.server, 1, bytes(1), false);
    await expectRead(k, p.server, 1000, bytes(511, 1));
    const pending = read(k, p.server, 1);
    await assertPending(pending, "read on an empty pipe");
    await k.write(p.client, bytes(512));
    assertGot(await pending, bytes(1), false, "pending partial read");
    await expectRead(k, p.server, 1000, bytes(511, 1));
    p.close();
  });

  scenario(register, "D33 zero-length messages: read as 0 bytes, even after the writer closed", async (k) => {
    const p = messagePair(k);
    assert.equal(await k.write(p.server, new Uint8Array(0)), 0);
    assert.deepEqual(avail(k, p.client), [0, 0]);
    await expectRead(k, p.client, 32, new Uint8Array(0));
    // Two zero-length messages and a data message keep their boundaries in message read mode.
    k.setState(p.client, PIPE_READMODE_MESSAGE);
    await k.write(p.server, new Uint8Array(0));
    await k.write(p.server, new Uint8Array(0));
    await k.write(p.server, OBUF);
    await expectRead(k, p.client, 32, new Uint8Array(0));
    await expectRead(k, p.client, 32, new Uint8Array(0));
    await expectRead(k, p.client, 32, OBUF);
    // G50: after the writer closed, the zero-length message is still read, then the pipe is broken.
    await k.write(p.server, new Uint8Array(0));
    k.close(p.server);
    await expectRead(k, p.client, 32, new Uint8Array(0));
    await rejectsWith(read(k, p.client, 0), ERROR_BROKEN_PIPE, "ReadFile");
    k.close(p.client);
  });

  scenario(register, "D33 byte read mode passes over zero-length messages", async (k) => {
    const p = messagePair(k);
    await k.write(p.server, OBUF);
    await k.write(p.server, new Uint8Array(0));
    await k.write(p.server, OBUF2);
    await expectRead(k, p.client, 32, new Uint8Array([...OBUF, ...OBUF2]));
    p.close();
  });

  scenario(register, "D33 a zero-length write on a byte pipe queues nothing", async (k) => {
    const p = pair(k, { pipeMode: PIPE_TYPE_BYTE });
    assert.equal(await k.write(p.server, new Uint8Array(0)), 0);
    k.setState(p.client, PIPE_NOWAIT);
    assert.deepEqual(avail(k, p.client), [0, 0]);
    await rejectsWith(read(k, p.client, 8), ERROR_NO_DATA);
    p.close();
  });

  scenario(
    register,
    "D34 a 0-byte read of a queued message in message read mode reports more data and leaves it",
    async (k) => {
      const p = messagePair(k);
      await k.write(p.client, bytes(12));
      await expectRead(k, p.server, 0, new Uint8Array(0), false);
      assert.deepEqual(avail(k, p.server), [12, 12]);
      // In byte read mode the same read succeeds and also leaves the data.
      k.setState(p.server, PIPE_READMODE_BYTE);
      await expectRead(k, p.server, 0, new Uint8Array(0), true);
      assert.deepEqual(avail(k, p.server), [12, 12]);
      await expectRead(k, p.server, 12, bytes(12));
      p.close();
    },
  );

  scenario(register, "F47 a pending 0-byte read completes with 0 bytes and the byte stays", async (k) => {
    for (const readMode of [PIPE_READMODE_BYTE, PIPE_READMODE_MESSAGE]) {
      const p = pair(k, { pipeMode: PIPE_TYPE_MESSAGE | readMode });
      const zero = read(k, p.server, 0);
      await assertPending(zero, "0-byte read");
      await k.write(p.client, bytes(1));
      // In message read mode the 0-byte buffer could not hold the message: ERROR_MORE_DATA.
      assertGot(await zero, new Uint8Array(0), readMode === PIPE_READMODE_BYTE, "0-byte read");
      assert.deepEqual(avail(k, p.server), [1, 1]);
      await expectRead(k, p.server, 1, bytes(1));
      p.close();
    }
  });

  scenario(register, "J66 J67 handle state of a fresh server and read mode switches", (k) => {
    const p = pair(k, { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, maxInstances: 3 });
    assert.deepEqual(k.getState(p.server), { mode: PIPE_READMODE_MESSAGE, currentInstances: 1 });
    k.setState(p.server, PIPE_READMODE_BYTE);
    assert.deepEqual(k.getState(p.server), { mode: 0, currentInstances: 1 });
    for (const mode of [PIPE_READMODE_MESSAGE, PIPE_READMODE_BYTE, PIPE_READMODE_MESSAGE]) {
      k.setState(p.client, mode);
      assert.equal(k.getState(p.client).mode, mode);
    }
    p.close();
  });
}
