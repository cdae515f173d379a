/**
 * G. Broken pipes: what each end sees after the other closed or the server
 * disconnected.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { KernelHandle } from "@winpipe/core";
import {
  ERROR_BROKEN_PIPE,
  ERROR_NO_DATA,
  ERROR_PIPE_NOT_CONNECTED,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, pattern, type Scope, text } from "./util.ts";

const HELLO = text("Hello World\0"); // 12 bytes

/**
 * G49 for one direction: `writer` writes 12 bytes and closes; `reader`
 * (in byte read mode) then sees the sequence of G49.
 */
async function afterPeerClosed(s: Scope, writer: KernelHandle, reader: KernelHandle): Promise<void> {
  await s.expectWrite(writer, HELLO);
  assert.equal(s.avail(reader)[0], 12);
  s.k.close(writer);
  await s.expectRead(reader, 0, new Uint8Array(0), true);
  assert.equal(s.avail(reader)[0], 12, "peek after the peer closed still shows the data");
  await s.expectRead(reader, 32, HELLO, true);
  // Get/SetNamedPipeHandleState still work on the broken pipe.
  assert.equal(s.k.getState(reader).mode & PIPE_READMODE_MESSAGE, 0);
  s.k.setState(reader, PIPE_READMODE_MESSAGE | PIPE_WAIT);
  assert.equal(s.k.getState(reader).mode, PIPE_READMODE_MESSAGE | PIPE_WAIT);
  await s.fails(s.read(reader, 0), ERROR_BROKEN_PIPE);
  await s.fails(s.read(reader, 32), ERROR_BROKEN_PIPE);
  s.failsSync(() => s.k.peek(reader), ERROR_BROKEN_PIPE);
  await s.fails(s.write(reader, HELLO), ERROR_NO_DATA);
}

export const brokenPipeCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- G49
  defineCase(
    "G49",
    "the server writes 12 bytes and closes: the client reads them, then the pipe is broken",
    async (s) => {
      const { server, client } = s.messagePair();
      await afterPeerClosed(s, server, client);
    },
  ),
  defineCase(
    "G49",
    "the client writes 12 bytes and closes: the server reads them, then the pipe is broken",
    async (s) => {
      // The server reads in byte read mode here so that the 0-byte read is a
      // plain success (in message read mode it is D34's ERROR_MORE_DATA).
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE | PIPE_WAIT });
      await afterPeerClosed(s, client, server);
    },
  ),

  // ---------------------------------------------------------------- G50
  defineCase(
    "G50",
    "the server writes a 0-byte message and closes: the client reads 0 bytes, then ERROR_BROKEN_PIPE",
    async (s) => {
      const { server, client } = s.messagePair();
      await s.expectWrite(server, new Uint8Array(0), 0);
      s.k.close(server);
      await s.expectRead(client, 32, new Uint8Array(0), true);
      await s.fails(s.read(client, 0), ERROR_BROKEN_PIPE);
      s.k.setState(client, PIPE_READMODE_MESSAGE | PIPE_WAIT);
      await s.fails(s.read(client, 0), ERROR_BROKEN_PIPE);
      await s.fails(s.write(client, HELLO), ERROR_NO_DATA);
    },
  ),
  defineCase(
    "G50",
    "the client writes a 0-byte message and closes: the server reads 0 bytes, then ERROR_BROKEN_PIPE",
    async (s) => {
      const { server, client } = s.messagePair();
      await s.expectWrite(client, new Uint8Array(0), 0);
      s.k.close(client);
      await s.expectRead(server, 32, new Uint8Array(0), true);
      await s.fails(s.read(server, 0), ERROR_BROKEN_PIPE);
      await s.fails(s.write(server, HELLO), ERROR_NO_DATA);
    },
  ),

  // ---------------------------------------------------------------- G51
  defineCase("G51", "anonymous pipe: queued data survives the write end's close; then ERROR_BROKEN_PIPE", async (s) => {
    const { read, write } = s.anonymous(0);
    const data = pattern(300, 4);
    await s.expectWrite(write, data);
    s.k.close(write);
    await s.expectRead(read, 100, data.subarray(0, 100));
    await s.expectRead(read, 1000, data.subarray(100));
    await s.fails(s.read(read, 32), ERROR_BROKEN_PIPE);
    await s.fails(s.read(read, 32), ERROR_BROKEN_PIPE);
  }),
  defineCase("G51", "anonymous pipe: a write that fits the buffer completes with no reader waiting", async (s) => {
    const size = 32768;
    const { read, write } = s.anonymous(size + 24);
    const data = pattern(size, 8);
    assert.equal(await s.atOnce(s.write(write, data), "WriteFile that fits the buffer"), size);
    s.k.close(write);
    await s.expectRead(read, size, data);
    await s.fails(s.read(read, 32), ERROR_BROKEN_PIPE);
  }),

  // ---------------------------------------------------------------- G52
  defineCase(
    "G52",
    "after the client closes, the server's write fails with ERROR_NO_DATA, read with ERROR_BROKEN_PIPE",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
      await s.expectWrite(client, HELLO);
      await s.expectRead(server, 32, HELLO);
      s.k.close(client);
      await s.failsAtOnce(s.write(server, HELLO), ERROR_NO_DATA, "WriteFile to a closed client");
      await s.failsAtOnce(s.read(server, 32), ERROR_BROKEN_PIPE, "ReadFile from a closed client");
      await s.atOnce(s.flush(server), "FlushFileBuffers after the client closed");
      s.k.disconnect(server);
    },
  ),

  // ---------------------------------------------------------------- G53
  defineCase(
    "G53",
    "a pending write and a waiting flush fail with ERROR_BROKEN_PIPE when the client closes",
    async (s) => {
      const { server, client } = s.pair({ inBufferSize: 1024, outBufferSize: 1024 });
      const w = s.write(server, pattern(3000));
      await s.assertPending(w, "WriteFile beyond the buffer");
      const f = s.flush(server);
      await s.assertPending(f, "FlushFileBuffers behind it");
      s.k.close(client);
      await s.fails(w, ERROR_BROKEN_PIPE);
      await s.fails(f, ERROR_BROKEN_PIPE);
    },
  ),
  defineCase(
    "G53",
    "a pending write and a waiting flush fail with ERROR_BROKEN_PIPE when the server closes",
    async (s) => {
      const { server, client } = s.pair({ inBufferSize: 1024, outBufferSize: 1024 });
      const w = s.write(client, pattern(3000));
      await s.assertPending(w, "WriteFile beyond the buffer");
      const f = s.flush(client);
      await s.assertPending(f, "FlushFileBuffers behind it");
      s.k.close(server);
      await s.fails(w, ERROR_BROKEN_PIPE);
      await s.fails(f, ERROR_BROKEN_PIPE);
    },
  ),
  defineCase(
    "G53",
    "DisconnectNamedPipe fails pending writes on both ends with ERROR_PIPE_NOT_CONNECTED",
    async (s) => {
      for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
        const { server, client } = s.pair({ pipeMode: type | PIPE_WAIT, inBufferSize: 1024, outBufferSize: 1024 });
        const wc = s.write(client, pattern(3000));
        const ws = s.write(server, pattern(3000));
        await s.assertPending(wc, "the client's WriteFile beyond the buffer");
        await s.assertPending(ws, "the server's WriteFile beyond the buffer");
        // A flush waiting behind the client's write fails the same way (Wine's pipe.c test_overlapped_transport).
        const f = s.flush(client);
        await s.assertPending(f, "FlushFileBuffers behind the client's write");
        s.k.disconnect(server);
        await s.fails(wc, ERROR_PIPE_NOT_CONNECTED);
        await s.fails(ws, ERROR_PIPE_NOT_CONNECTED);
        await s.fails(f, ERROR_PIPE_NOT_CONNECTED);
      }
    },
  ),

  // ---------------------------------------------------------------- G55
  defineCase("G55", "a pending read completes with ERROR_BROKEN_PIPE when the writer closes", async (s) => {
    {
      const { server, client } = s.pair();
      const r = s.read(server, 32);
      await s.assertPending(r, "the server's ReadFile");
      s.k.close(client);
      await s.fails(r, ERROR_BROKEN_PIPE);
    }
    {
      const { server, client } = s.messagePair();
      s.k.setState(client, PIPE_READMODE_MESSAGE);
      const r = s.read(client, 32);
      await s.assertPending(r, "the client's ReadFile");
      s.k.close(server);
      await s.fails(r, ERROR_BROKEN_PIPE);
    }
    {
      const { read, write } = s.anonymous();
      const r = s.read(read, 32);
      await s.assertPending(r, "ReadFile on the anonymous read end");
      s.k.close(write);
      await s.fails(r, ERROR_BROKEN_PIPE);
    }
  }),
];
