/**
 * Nonblocking (PIPE_NOWAIT) handles: reads, the NPFS write rule, connects.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_NO_DATA,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_LISTENING,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import {
  assertGot,
  assertPending,
  bytes,
  client,
  expectRead,
  read,
  rejectsWith,
  scenario,
  server,
  uniqueName,
} from "./helpers.ts";

/** Registers the nonblocking suite. */
export function nonblockingTests(register: RegisterTest): void {
  for (const [label, type] of [["byte", PIPE_TYPE_BYTE], ["message", PIPE_TYPE_MESSAGE]] as const) {
    scenario(
      register,
      `E36 a nonblocking read on an empty ${label} pipe fails at once with ERROR_NO_DATA`,
      async (k) => {
        const name = uniqueName();
        const reader = server(k, { name, pipeMode: type | PIPE_NOWAIT, inBufferSize: 512, outBufferSize: 512 });
        const writer = client(k, name, GENERIC_WRITE);
        await rejectsWith(read(k, reader, 32768), ERROR_NO_DATA, "ReadFile");
        assert.equal(await k.write(writer, bytes(5)), 5);
        await expectRead(k, reader, 32768, bytes(5));
        k.close(writer);
        k.close(reader);
      },
    );

    scenario(register, `E38 E39 E40 E41 the nonblocking write rule on a ${label} pipe`, async (k) => {
      const name = uniqueName();
      const writer = server(k, { name, pipeMode: type | PIPE_NOWAIT, inBufferSize: 512, outBufferSize: 512 });
      const reader = client(k, name, GENERIC_READ);

      // No reader and one byte more than the buffer: nothing is written,
      // on a byte pipe too (Wine's test_nowait, validated on Windows).
      assert.equal(await k.write(writer, bytes(513)), 0);

      // E38: a 32768-byte read waiting takes writes of 5 and 513 whole.
      let pending = read(k, reader, 32768);
      assert.equal(await k.write(writer, bytes(5)), 5);
      assertGot(await pending, bytes(5));
      pending = read(k, reader, 32768);
      assert.equal(await k.write(writer, bytes(513)), 513);
      assertGot(await pending, bytes(513));

      // E39: a 1-byte read waiting: 513 = 1 for the reader + 512 buffered.
      pending = read(k, reader, 1);
      assert.equal(await k.write(writer, bytes(513)), 513);
      assertGot(await pending, bytes(1));
      await expectRead(k, reader, 32768, bytes(512, 1));

      // E40: a 1-byte read waiting and 514 bytes do not fit (514 - 1 > 512).
      pending = read(k, reader, 1);
      if (type === PIPE_TYPE_MESSAGE) {
        // Windows writes nothing and the read keeps waiting (Wine differs).
        assert.equal(await k.write(writer, bytes(514)), 0);
        await assertPending(pending, "the 1-byte read");
        k.cancelIo(reader);
        await rejectsWith(pending, ERROR_OPERATION_ABORTED);
      } else {
        // A byte pipe writes what the waiting reader takes.
        assert.equal(await k.write(writer, bytes(514)), 1);
        assertGot(await pending, bytes(1));
      }
      assert.equal(k.peek(reader).bytesAvailable, 0);

      // E41: exactly the buffer size into an empty buffer.
      assert.equal(await k.write(writer, bytes(512)), 512);
      // A full buffer takes nothing more, not even part of a byte write.
      assert.equal(await k.write(writer, bytes(1)), 0);
      await expectRead(k, reader, 100, bytes(100));
      // 100 bytes free: 200 do not fit and none are written; 100 do.
      assert.equal(await k.write(writer, bytes(200)), 0);
      assert.equal(await k.write(writer, bytes(100, 7)), 100);
      await expectRead(k, reader, 412, bytes(412, 100));
      k.close(reader);
      k.close(writer);
    });
  }

  scenario(
    register,
    "E39 the reader's read mode decides a partial hand-over on a nonblocking message write",
    async (k) => {
      const name = uniqueName();
      const writer = server(k, { name, pipeMode: PIPE_TYPE_MESSAGE | PIPE_NOWAIT, outBufferSize: 512 });
      const reader = client(k, name);
      k.setState(reader, PIPE_READMODE_MESSAGE);
      const first = read(k, reader, 1);
      const second = read(k, reader, 2);
      assert.equal(await k.write(writer, bytes(10)), 10); // 10 - 3 <= 512 fits
      assertGot(await first, bytes(1), false, "first part of the message");
      assertGot(await second, bytes(2, 1), false, "second part of the message");
      await expectRead(k, reader, 100, bytes(7, 3)); // the rest of the same message
      k.close(reader);
      k.close(writer);
    },
  );

  scenario(
    register,
    "S20 PIPE_NOWAIT set through SetNamedPipeHandleState makes a client read fail at once",
    async (k) => {
      const name = uniqueName();
      const s = server(k, { name });
      const c = client(k, name);
      k.setState(c, PIPE_NOWAIT);
      assert.equal(k.getState(c).mode, PIPE_NOWAIT);
      await rejectsWith(read(k, c, 1), ERROR_NO_DATA, "ReadFile");
      k.setState(c, PIPE_WAIT);
      const r = read(k, c, 1);
      await assertPending(r, "blocking read");
      await k.write(s, bytes(1));
      assertGot(await r, bytes(1));
      k.close(c);
      k.close(s);
    },
  );

  scenario(register, "E42 nonblocking ConnectNamedPipe: listening, client closed, disconnected", async (k) => {
    const name = uniqueName();
    const s = server(k, { name, pipeMode: PIPE_TYPE_BYTE | PIPE_NOWAIT });
    await rejectsWith(k.connect(s), ERROR_PIPE_LISTENING, "ConnectNamedPipe");
    const c = client(k, name); // still listening: the client connects
    await k.connect(s); // ERROR_PIPE_CONNECTED is success
    k.close(c);
    await rejectsWith(k.connect(s), ERROR_NO_DATA, "ConnectNamedPipe");
    k.disconnect(s);
    await rejectsWith(k.connect(s), ERROR_PIPE_LISTENING, "ConnectNamedPipe");
    const c2 = client(k, name); // the nonblocking connect made it listen again
    k.close(c2);
    k.close(s);
  });
}
