/**
 * S10-S21, the second seed document: named pipe type, read and wait modes,
 * tested as behaviour observable through the kernel port.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_LISTENING,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  PIPE_ACCESS_DUPLEX,
  PIPE_ACCESS_OUTBOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { concat, type ConformanceCase, defineCase, OBUF, OBUF2, pattern, text } from "./util.ts";

/** A byte pipe in byte read mode, blocking. */
const BYTE = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT;

/** The title of the S15 case that Wine 10 fails (docs/wine-findings.md, W-S15). */
export const S15_ACCESS_CASE_TITLE = "a client handle without FILE_WRITE_ATTRIBUTES cannot change its read mode";

/** The S10-S21 cases. */
export const modeSeedCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- S10
  defineCase(
    "S10",
    "the server's dwPipeMode sets its modes; the client picks its own through SetNamedPipeHandleState",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT });
      assert.equal(s.k.getState(server).mode, PIPE_READMODE_MESSAGE | PIPE_NOWAIT, "server state");
      assert.equal(s.k.getInfo(server).flags, PIPE_SERVER_END | PIPE_TYPE_MESSAGE, "server info flags");
      // The client does not inherit the server's read or wait mode.
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE | PIPE_WAIT, "client state after CreateFile");
      s.k.setState(client, PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_MESSAGE | PIPE_NOWAIT, "client state after Set");
      await s.failsAtOnce(s.read(client, 16), ERROR_NO_DATA, "the client's nonblocking ReadFile");
      await s.expectWrite(server, OBUF);
      await s.expectRead(client, 4, OBUF.subarray(0, 4), false);
      await s.expectRead(client, 32, OBUF.subarray(4), true);
    },
  ),

  // ---------------------------------------------------------------- S11
  // "All instances of a pipe share the type" is the caller's duty, not a
  // kernel check: CreateNamedPipe accepts a second instance with another type
  // (Wine's pipe.c test_CreateNamedPipe_instances_must_match, valid on
  // Windows), so the suite does not assert a refusal.
  defineCase("S11", "byte type: the data is one stream with no boundary between writes", async (s) => {
    const { server, client } = s.pair({ pipeMode: BYTE });
    await s.expectWrite(client, OBUF);
    await s.expectWrite(client, OBUF2);
    await s.expectRead(server, 32, concat(OBUF, OBUF2));
  }),
  defineCase("S11", "message type: each write is one message, whatever the writer's read mode", async (s) => {
    const { server, client } = s.messagePair();
    // The client is in byte read mode (CreateFile default), yet its writes are messages.
    assert.equal(s.k.getState(client).mode & PIPE_READMODE_MESSAGE, 0);
    await s.expectWrite(client, OBUF);
    await s.expectWrite(client, OBUF2);
    await s.expectRead(server, 32, OBUF);
    await s.expectRead(server, 32, OBUF2);
    // A server switched to byte read mode still writes messages.
    s.k.setState(server, PIPE_READMODE_BYTE);
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    await s.expectWrite(server, OBUF2);
    await s.expectWrite(server, OBUF);
    await s.expectRead(client, 32, OBUF2);
    await s.expectRead(client, 32, OBUF);
  }),

  // ---------------------------------------------------------------- S12
  defineCase("S12", "a byte-type handle can only be in byte read mode", (s) => {
    const { server, client } = s.pair({ pipeMode: BYTE });
    s.failsSync(() => s.k.setState(server, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
    s.failsSync(() => s.k.setState(client, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
    s.k.setState(client, PIPE_READMODE_BYTE);
    assert.equal(s.k.getState(server).mode, PIPE_READMODE_BYTE);
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE);
  }),
  defineCase(
    "S12",
    "on a message pipe the server and client of one instance can read in different modes",
    async (s) => {
      const { server, client } = s.messagePair();
      assert.equal(s.k.getState(server).mode, PIPE_READMODE_MESSAGE);
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE);
      // Server reads messages...
      await s.expectWrite(client, OBUF);
      await s.expectWrite(client, OBUF2);
      await s.expectRead(server, 32, OBUF);
      await s.expectRead(server, 32, OBUF2);
      // ...while the client reads the same kind of traffic as bytes.
      await s.expectWrite(server, OBUF);
      await s.expectWrite(server, OBUF2);
      await s.expectRead(client, 32, concat(OBUF, OBUF2));
    },
  ),

  // ---------------------------------------------------------------- S13
  defineCase(
    "S13",
    "byte read mode: a read completes with what is available or with the requested count",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: BYTE });
      // Fewer bytes available than requested: the read does not wait for more.
      await s.expectWrite(client, OBUF);
      await s.expectRead(server, 32, OBUF);
      // More available than requested: exactly the requested count.
      await s.expectWrite(client, OBUF);
      await s.expectRead(server, 4, OBUF.subarray(0, 4));
      await s.expectRead(server, 32, OBUF.subarray(4));
    },
  ),

  // ---------------------------------------------------------------- S14
  defineCase("S14", "message read mode: a short buffer gets ERROR_MORE_DATA; further reads get the rest", async (s) => {
    const { server, client } = s.messagePair();
    const message = pattern(100, 3);
    await s.expectWrite(client, message);
    await s.expectRead(server, 30, message.subarray(0, 30), false);
    await s.expectRead(server, 30, message.subarray(30, 60), false);
    await s.expectRead(server, 30, message.subarray(60, 90), false);
    await s.expectRead(server, 30, message.subarray(90), true);
    assert.deepEqual(s.avail(server), [0, 0], "the message is consumed");
  }),

  // ---------------------------------------------------------------- S15
  defineCase(
    "S15",
    "a CreateFile client starts in byte read mode and SetNamedPipeHandleState switches it",
    async (s) => {
      const name = s.pipeName();
      const server = s.server({
        name,
        openMode: PIPE_ACCESS_OUTBOUND,
        pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
        maxInstances: 1,
      });
      const client = s.client(name, GENERIC_READ | FILE_WRITE_ATTRIBUTES);
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE, "client starts in byte read mode");
      await s.expectWrite(server, OBUF);
      await s.expectRead(client, 4, OBUF.subarray(0, 4), true); // byte read mode: no ERROR_MORE_DATA
      s.k.setState(client, PIPE_READMODE_MESSAGE);
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_MESSAGE);
      await s.expectWrite(server, OBUF);
      await s.expectRead(client, OBUF.length, OBUF.subarray(4), true); // the rest of the first message
      await s.expectRead(client, 4, OBUF.subarray(0, 4), false); // message read mode: ERROR_MORE_DATA
    },
  ),
  defineCase(
    "S15",
    S15_ACCESS_CASE_TITLE,
    async (s) => {
      const name = s.pipeName();
      const opts = {
        name,
        openMode: PIPE_ACCESS_OUTBOUND,
        pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
        maxInstances: 2,
      };
      const server1 = s.server(opts);
      const server2 = s.server(opts);
      const readOnly = s.client(name, GENERIC_READ);
      const withAttrs = s.client(name, GENERIC_READ | FILE_WRITE_ATTRIBUTES);
      s.failsSync(() => s.k.setState(readOnly, PIPE_READMODE_MESSAGE), ERROR_ACCESS_DENIED);
      assert.equal(s.k.getState(readOnly).mode, PIPE_READMODE_BYTE, "unchanged after the refusal");
      s.k.setState(withAttrs, PIPE_READMODE_MESSAGE);
      assert.equal(s.k.getState(withAttrs).mode, PIPE_READMODE_MESSAGE);
      // Whichever instance each client reached, the read modes show: byte for
      // the refused client, message for the other.
      await s.expectWrite(server1, OBUF);
      await s.expectWrite(server2, OBUF);
      await s.expectRead(readOnly, 4, OBUF.subarray(0, 4), true);
      await s.expectRead(withAttrs, 4, OBUF.subarray(0, 4), false);
    },
  ),

  // ---------------------------------------------------------------- S16
  defineCase("S16", "the handle's wait mode decides whether ReadFile waits or returns at once", async (s) => {
    const { server, client } = s.pair({ pipeMode: BYTE });
    const ac = s.controller();
    const r = s.read(server, 16, ac.signal);
    await s.assertPending(r, "blocking ReadFile on an empty pipe");
    ac.abort();
    await s.fails(r, ERROR_OPERATION_ABORTED);
    s.k.setState(server, PIPE_READMODE_BYTE | PIPE_NOWAIT);
    await s.failsAtOnce(s.read(server, 16), ERROR_NO_DATA, "nonblocking ReadFile on an empty pipe");
    s.k.setState(server, PIPE_READMODE_BYTE | PIPE_WAIT);
    const r2 = s.read(server, 16);
    await s.assertPending(r2, "ReadFile after switching back to blocking");
    await s.expectWrite(client, OBUF);
    const got = await s.done(r2, "blocking ReadFile after a write");
    assert.deepEqual(Array.from(got.data), Array.from(OBUF));
  }),

  // ---------------------------------------------------------------- S17
  defineCase(
    "S17",
    "ReadFile on an empty pipe: blocking waits for data, nonblocking fails with ERROR_NO_DATA",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: BYTE });
      const r = s.read(client, 16);
      await s.assertPending(r, "blocking ReadFile on an empty pipe");
      await s.expectWrite(server, OBUF2);
      const got = await s.done(r, "blocking ReadFile");
      assert.deepEqual(Array.from(got.data), Array.from(OBUF2));
      s.k.setState(client, PIPE_READMODE_BYTE | PIPE_NOWAIT);
      await s.failsAtOnce(s.read(client, 16), ERROR_NO_DATA, "nonblocking ReadFile on an empty pipe");
      // Nonblocking with data present reads it.
      await s.expectWrite(server, OBUF);
      await s.expectRead(client, 16, OBUF);
    },
  ),

  // ---------------------------------------------------------------- S18
  // The seed says a nonblocking byte pipe writes "as many bytes as the
  // buffer takes"; docs/behaviours.md says the kernel's rule is subtler. Measured (Wine's
  // dlls/kernel32/tests/pipe.c test_nowait, passing on Windows and Wine for
  // both pipe types): a nonblocking 513-byte write into an empty 512-byte
  // buffer with no read pending returns at once having written 0 bytes.
  // E39/E40 cover what happens with reads pending.
  defineCase(
    "S18",
    "without room, a blocking write waits; a nonblocking one returns at once (0 bytes on a message pipe)",
    async (s) => {
      for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
        const label = type === PIPE_TYPE_BYTE ? "byte pipe" : "message pipe";
        const name = s.pipeName();
        const server = s.server({ name, pipeMode: type | PIPE_NOWAIT, outBufferSize: 512, inBufferSize: 512 });
        const reader = s.client(name, GENERIC_READ);
        const data = pattern(513, 9);
        const n = await s.atOnce(s.write(server, data), `${label}: nonblocking WriteFile(513)`);
        assert.equal(n, 0, `${label}: nonblocking WriteFile(513) into an empty 512-byte buffer writes nothing`);
        assert.deepEqual(s.avail(reader), [0, 0], `${label}: nothing was queued`);
        // Blocking: the same write waits until the reader makes room.
        s.k.setState(server, PIPE_WAIT);
        const w = s.write(server, data);
        await s.assertPending(w, `${label}: blocking WriteFile(513)`);
        await s.expectRead(reader, 1, data.subarray(0, 1));
        assert.equal(await s.done(w, `${label}: blocking WriteFile(513)`), 513);
        await s.expectRead(reader, 1024, data.subarray(1));
      }
    },
  ),

  // ---------------------------------------------------------------- S19
  defineCase(
    "S19",
    "ConnectNamedPipe without a client: blocking waits for CreateFile, nonblocking gives ERROR_PIPE_LISTENING",
    async (s) => {
      const name = s.pipeName();
      const server = s.server({ name });
      const c = s.connect(server);
      await s.assertPending(c, "blocking ConnectNamedPipe with no client");
      const client = s.client(name);
      await s.done(c, "ConnectNamedPipe once a client opened the pipe");
      await s.expectWrite(client, OBUF);
      await s.expectRead(server, 32, OBUF);

      const name2 = s.pipeName();
      const server2 = s.server({ name: name2, pipeMode: PIPE_TYPE_BYTE | PIPE_NOWAIT });
      await s.failsAtOnce(s.connect(server2), ERROR_PIPE_LISTENING, "nonblocking ConnectNamedPipe with no client");
    },
  ),

  // ---------------------------------------------------------------- S20
  defineCase(
    "S20",
    "handles start blocking; PIPE_NOWAIT at creation or through SetNamedPipeHandleState changes that",
    async (s) => {
      // Default: both ends blocking.
      {
        const { server, client } = s.pair();
        assert.equal(s.k.getState(server).mode & PIPE_NOWAIT, 0, "server starts blocking");
        assert.equal(s.k.getState(client).mode & PIPE_NOWAIT, 0, "client starts blocking");
      }
      // PIPE_NOWAIT at creation: only the server is nonblocking.
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_NOWAIT });
      assert.equal(s.k.getState(server).mode & PIPE_NOWAIT, PIPE_NOWAIT, "server created with PIPE_NOWAIT");
      assert.equal(s.k.getState(client).mode & PIPE_NOWAIT, 0, "the client still starts blocking");
      await s.failsAtOnce(s.read(server, 8), ERROR_NO_DATA, "ReadFile on the PIPE_NOWAIT server");
      // SetNamedPipeHandleState flips either end.
      s.k.setState(client, PIPE_NOWAIT);
      s.k.setState(server, PIPE_WAIT);
      assert.equal(s.k.getState(client).mode & PIPE_NOWAIT, PIPE_NOWAIT);
      assert.equal(s.k.getState(server).mode & PIPE_NOWAIT, 0);
      await s.failsAtOnce(s.read(client, 8), ERROR_NO_DATA, "ReadFile on the client made nonblocking");
      const r = s.read(server, 8);
      await s.assertPending(r, "ReadFile on the server made blocking");
      await s.expectWrite(client, text("ok"));
      assert.deepEqual(Array.from((await s.done(r, "ReadFile")).data), Array.from(text("ok")));
    },
  ),

  // ---------------------------------------------------------------- S21
  // The seed's note is advice: overlapped I/O, not PIPE_NOWAIT, runs long
  // operations in the background. Observable through the port: on a
  // blocking handle, a waiting read runs in the background while the same
  // caller keeps using both ends, and completes when data arrives.
  defineCase(
    "S21",
    "overlapped I/O on a blocking handle runs in the background while other calls proceed",
    async (s) => {
      const { server, client } = s.pair({ openMode: PIPE_ACCESS_DUPLEX, pipeMode: BYTE });
      const r = s.read(server, 64);
      await s.assertPending(r, "background ReadFile");
      // Meanwhile: state, info, peek and I/O in the other direction all work.
      assert.equal(s.k.getState(server).mode, PIPE_READMODE_BYTE | PIPE_WAIT);
      assert.deepEqual(s.avail(server), [0, 0]);
      await s.expectWrite(server, OBUF2);
      await s.expectRead(client, 32, OBUF2);
      await s.assertPending(r, "background ReadFile after other traffic");
      await s.expectWrite(client, OBUF);
      const got = await s.done(r, "background ReadFile");
      assert.deepEqual(Array.from(got.data), Array.from(OBUF));
    },
  ),
];
