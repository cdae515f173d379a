/**
 * S. The seed documents: anonymous pipe operations (S1-S9) and named pipe
 * type, read and wait modes (S10-S21), tested as behaviour observable
 * through the kernel port.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_BROKEN_PIPE,
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
} from "../../constants.ts";
import { concat, type ConformanceCase, defineCase, drain, OBUF, OBUF2, pattern, text } from "./util.ts";

/** A byte pipe in byte read mode, blocking. */
const BYTE = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT;

/** The title of the S15 case that Wine 10 fails (docs/wine-findings.md, W-S15). */
export const S15_ACCESS_CASE_TITLE = "a client handle without FILE_WRITE_ATTRIBUTES cannot change its read mode";

export const seedCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- S1
  defineCase("S1", "CreatePipe gives a read-only read handle and a write-only write handle", async (s) => {
    const { read, write } = s.anonymous();
    await s.fails(s.write(read, text("x")), ERROR_ACCESS_DENIED);
    await s.fails(s.read(write, 16), ERROR_ACCESS_DENIED);
    // The denied calls moved no data: the pipe is still empty and works one way.
    assert.deepEqual(s.avail(read), [0, 0]);
    await s.expectWrite(write, text("hello"));
    await s.expectRead(read, 16, text("hello"));
  }),

  // ---------------------------------------------------------------- S2
  // Inheritance into a child process is not observable through the port (it
  // has no CreateProcess); what is observable is that DuplicateHandle, the
  // other way to hand a handle over, gives a handle to the same pipe with
  // the same access, inheritable or not, that outlives the original.
  defineCase("S2", "a duplicated handle, inheritable or not, reaches the same pipe with the same access", async (s) => {
    const { read, write } = s.anonymous();
    const write2 = s.duplicate(write, false);
    const read2 = s.duplicate(read, true);
    await s.expectWrite(write2, text("via dup"));
    await s.expectRead(read, 32, text("via dup"));
    await s.expectWrite(write, text("to dup"));
    await s.expectRead(read2, 32, text("to dup"));
    await s.fails(s.write(read2, text("x")), ERROR_ACCESS_DENIED);
    await s.fails(s.read(write2, 8), ERROR_ACCESS_DENIED);
    // Closing the originals leaves the duplicates working.
    s.k.close(read);
    s.k.close(write);
    await s.expectWrite(write2, text("still"));
    await s.expectRead(read2, 32, text("still"));
  }),
  defineCase("S2", "a duplicated named-pipe client handle talks to the same server", async (s) => {
    const { server, client } = s.pair();
    const dup = s.duplicate(client, true);
    s.k.close(client);
    await s.expectWrite(dup, OBUF);
    await s.expectRead(server, 32, OBUF);
    await s.expectWrite(server, OBUF2);
    await s.expectRead(dup, 32, OBUF2);
  }),

  // ---------------------------------------------------------------- S3
  // "Handing an end to the client" is DuplicateHandle plus closing the
  // creator's copy; observable: whichever end is handed over works alone.
  defineCase("S3", "either end can be handed over: a handed-over read end receives, a write end sends", async (s) => {
    // The client receives: it gets the read end.
    {
      const { read, write } = s.anonymous();
      const clientRead = s.duplicate(read, true);
      s.k.close(read);
      await s.expectWrite(write, text("to client"));
      await s.expectRead(clientRead, 32, text("to client"));
    }
    // The client sends: it gets the write end; when it closes it, the reader sees the end.
    {
      const { read, write } = s.anonymous();
      const clientWrite = s.duplicate(write, true);
      s.k.close(write);
      await s.expectWrite(clientWrite, text("from client"));
      await s.expectRead(read, 32, text("from client"));
      s.k.close(clientWrite);
      await s.fails(s.read(read, 32), ERROR_BROKEN_PIPE);
    }
  }),

  // ---------------------------------------------------------------- S4
  defineCase(
    "S4",
    "ReadFile returns when data is written, and with ERROR_BROKEN_PIPE once every writer closed",
    async (s) => {
      const { read, write } = s.anonymous();
      const r = s.read(read, 32);
      await s.assertPending(r, "ReadFile on an empty anonymous pipe");
      await s.expectWrite(write, text("abc"));
      const got = await s.done(r, "ReadFile after a write");
      assert.deepEqual(Array.from(got.data), Array.from(text("abc")));
      // Buffered data is still read after the last write handle closed; then the end.
      const write2 = s.duplicate(write, false);
      await s.expectWrite(write, text("de"));
      s.k.close(write);
      await s.expectWrite(write2, text("f"));
      s.k.close(write2);
      await s.expectRead(read, 32, text("def"));
      await s.fails(s.read(read, 32), ERROR_BROKEN_PIPE);
    },
  ),

  // ---------------------------------------------------------------- S5
  defineCase(
    "S5",
    "WriteFile waits while the buffer is full and returns once a reader made room for all bytes",
    async (s) => {
      const size = 512;
      const { read, write } = s.anonymous(size);
      const data = pattern(3 * size, 7);
      const w = s.write(write, data);
      await s.assertPending(w, "WriteFile of three buffers' worth");
      const got = await drain(s, read, data.length);
      assert.equal(await s.done(w, "WriteFile after the reader drained"), data.length, "all bytes written");
      assert.deepEqual(Array.from(got), Array.from(data), "the reader got every byte in order");
    },
  ),

  // ---------------------------------------------------------------- S6
  defineCase(
    "S6",
    "the CreatePipe size is the buffer: that many bytes are taken at once, one more waits",
    async (s) => {
      const size = 600;
      const { read, write } = s.anonymous(size);
      const info = s.k.getInfo(read);
      assert.equal(info.inBufferSize, size, "inBufferSize");
      assert.equal(info.outBufferSize, size, "outBufferSize");
      const full = pattern(size, 1);
      assert.equal(await s.atOnce(s.write(write, full), "WriteFile of exactly the buffer size"), size);
      const extra = s.write(write, text("+"));
      await s.assertPending(extra, "WriteFile beyond the buffer size");
      await s.expectRead(read, 100, full.subarray(0, 100));
      assert.equal(await s.done(extra, "WriteFile once room was made"), 1);
      await s.expectRead(read, 2 * size, concat(full.subarray(100), text("+")));
    },
  ),

  // ---------------------------------------------------------------- S7
  // Win32 has no overlapped I/O on anonymous pipes: ReadFile on the read end
  // simply blocks. Through the port every read is a promise; what is
  // observable is that the read waits (stays pending) until a writer writes,
  // then delivers the data, and that the other end works meanwhile. (The
  // suite does not cancel anonymous-pipe reads: Win32 offers no per-operation
  // cancellation for them, so the case ends its read by writing.)
  defineCase(
    "S7",
    "an anonymous-pipe read is awaited: it stays pending until a write and then delivers it",
    async (s) => {
      const { read, write } = s.anonymous();
      const r = s.read(read, 64);
      await s.assertPending(r, "ReadFile on an empty anonymous pipe");
      assert.equal(s.k.getInfo(write).flags, 0, "the write end is usable while a read waits");
      await s.expectWrite(write, text("late data"));
      const got = await s.done(r, "the waiting ReadFile");
      assert.deepEqual(Array.from(got.data), Array.from(text("late data")));
      assert.equal(got.messageComplete, true);
    },
  ),

  // ---------------------------------------------------------------- S8
  // "Handles also close when their process ends" needs a second process and
  // is not observable through the port; the handle-count part is.
  defineCase(
    "S8",
    "the pipe lives until every handle closes: a duplicated write end keeps the reader from the end",
    async (s) => {
      const { read, write } = s.anonymous();
      const write2 = s.duplicate(write, false);
      s.k.close(write);
      const r = s.read(read, 32);
      await s.assertPending(r, "ReadFile while a duplicated write handle is open");
      await s.expectWrite(write2, text("alive"));
      const got = await s.done(r, "ReadFile after the duplicate wrote");
      assert.deepEqual(Array.from(got.data), Array.from(text("alive")));
      const r2 = s.read(read, 32);
      await s.assertPending(r2, "second ReadFile while the duplicate is open");
      s.k.close(write2);
      await s.fails(r2, ERROR_BROKEN_PIPE);
    },
  ),
  defineCase("S8", "a duplicated read end keeps the pipe writable after the original read handle closed", async (s) => {
    const { read, write } = s.anonymous();
    const read2 = s.duplicate(read, false);
    s.k.close(read);
    await s.expectWrite(write, text("kept"));
    await s.expectRead(read2, 32, text("kept"));
    s.k.close(read2);
    // No read handle left: the pipe is closing for the writer.
    await s.fails(s.write(write, text("lost")), ERROR_NO_DATA);
  }),

  // ---------------------------------------------------------------- S9
  defineCase(
    "S9",
    "anonymous pipe handles work with PeekNamedPipe, GetNamedPipeInfo and SetNamedPipeHandleState",
    async (s) => {
      const { read, write } = s.anonymous(0);
      await s.expectWrite(write, text("peekable"));
      const buf = new Uint8Array(4);
      const p = s.k.peek(read, buf);
      assert.equal(p.bytesRead, 4, "peek copied 4 bytes");
      assert.equal(p.bytesAvailable, 8, "peek sees 8 bytes");
      assert.deepEqual(Array.from(buf), Array.from(text("peek")));
      assert.deepEqual(s.avail(read), [8, 0], "byte pipe: no message bytes");
      assert.equal(s.k.getInfo(read).flags, PIPE_SERVER_END, "the read end is the server end of a byte pipe");
      assert.equal(s.k.getState(read).mode, PIPE_READMODE_BYTE | PIPE_WAIT);
      // Nonblocking through SetNamedPipeHandleState: an empty read fails at once.
      await s.expectRead(read, 32, text("peekable"));
      s.k.setState(read, PIPE_READMODE_BYTE | PIPE_NOWAIT);
      assert.equal(s.k.getState(read).mode, PIPE_NOWAIT);
      await s.failsAtOnce(s.read(read, 32), ERROR_NO_DATA, "nonblocking ReadFile on an empty anonymous pipe");
      s.k.setState(read, PIPE_READMODE_BYTE | PIPE_WAIT);
      // An anonymous pipe is a byte pipe: message read mode is refused.
      s.failsSync(() => s.k.setState(read, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
    },
  ),

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
  // buffer takes"; SPEC says the kernel's rule is subtler. Measured (Wine's
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
