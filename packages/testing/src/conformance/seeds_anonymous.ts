/**
 * S1-S9, the first seed document: anonymous pipe operations, tested as
 * behaviour observable through the kernel port.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  PIPE_NOWAIT,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_WAIT,
} from "@winpipe/core";
import { concat, type ConformanceCase, defineCase, drain, OBUF, OBUF2, pattern, text } from "./util.ts";

/** The S1-S9 cases. */
export const anonymousSeedCases: readonly ConformanceCase[] = [
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
];
