/**
 * F. PeekNamedPipe, buffer quotas and FlushFileBuffers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PIPE_SERVER_END, PIPE_TYPE_BYTE, PIPE_WAIT } from "@winpipe/core";
import { concat, type ConformanceCase, defineCase, OBUF, OBUF2, pattern, text } from "./util.ts";

export const peekFlushCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- F43
  defineCase("F43", "PeekNamedPipe with no buffer or a 0-byte buffer succeeds and copies nothing", async (s) => {
    for (const message of [false, true]) {
      const label = message ? "message pipe" : "byte pipe";
      const { server, client } = message ? s.messagePair() : s.pair();
      await s.expectWrite(server, OBUF);
      const none = s.k.peek(client);
      assert.deepEqual([none.bytesRead, none.bytesAvailable], [0, 11], `${label}: no buffer`);
      const empty = s.k.peek(client, new Uint8Array(0));
      assert.deepEqual([empty.bytesRead, empty.bytesAvailable], [0, 11], `${label}: 0-byte buffer`);
      assert.equal(empty.bytesLeftInMessage, message ? 11 : 0, `${label}: bytes left in the message`);
      // Nothing was consumed.
      await s.expectRead(client, 32, OBUF);
      // On an empty pipe too.
      const idle = s.k.peek(client, new Uint8Array(0));
      assert.deepEqual([idle.bytesRead, idle.bytesAvailable, idle.bytesLeftInMessage], [0, 0, 0], `${label}: empty`);
    }
  }),

  // ---------------------------------------------------------------- F46
  defineCase("F46", "FlushFileBuffers waits until the reader has drained everything written", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT, inBufferSize: 512, outBufferSize: 512 });
    // Nothing written: the flush returns at once.
    await s.atOnce(s.flush(client), "FlushFileBuffers on an empty pipe");
    await s.expectWrite(client, pattern(100));
    const f = s.flush(client);
    await s.assertPending(f, "FlushFileBuffers with 100 unread bytes");
    await s.expectRead(server, 50, pattern(100).subarray(0, 50));
    await s.assertPending(f, "FlushFileBuffers with 50 unread bytes");
    await s.expectRead(server, 50, pattern(100).subarray(50));
    await s.done(f, "FlushFileBuffers once the reader drained the pipe");
  }),
  defineCase("F46", "FlushFileBuffers also waits for the bytes of pending writes", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT, inBufferSize: 512, outBufferSize: 512 });
    const data = pattern(600, 2);
    const w = s.write(client, data);
    await s.assertPending(w, "WriteFile beyond the buffer");
    const f = s.flush(client);
    await s.assertPending(f, "FlushFileBuffers behind a pending write");
    await s.expectRead(server, 100, data.subarray(0, 100));
    assert.equal(await s.done(w, "WriteFile once it fits"), 600);
    await s.assertPending(f, "FlushFileBuffers with the write's bytes still unread");
    await s.expectRead(server, 1000, data.subarray(100));
    await s.done(f, "FlushFileBuffers once everything was read");
  }),

  // ---------------------------------------------------------------- F47
  defineCase(
    "F47",
    "a pending 0-byte read completes with 0 bytes when 1 byte is written; the byte stays",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
      const r = s.read(server, 0);
      await s.assertPending(r, "0-byte ReadFile on an empty pipe");
      await s.expectWrite(client, text("z"));
      const got = await s.done(r, "the pending 0-byte ReadFile");
      assert.deepEqual([got.data.length, got.messageComplete], [0, true]);
      assert.deepEqual(s.avail(server), [1, 0], "the byte is still in the pipe");
      await s.expectRead(server, 8, text("z"));
    },
  ),

  // ---------------------------------------------------------------- F48
  defineCase("F48", "CreatePipe size 0 gives 4096/4096 and 1 instance; the read end is the server end", (s) => {
    const { read, write } = s.anonymous(0);
    assert.deepEqual(s.info(read), {
      flags: PIPE_SERVER_END,
      outBufferSize: 4096,
      inBufferSize: 4096,
      maxInstances: 1,
    });
    assert.deepEqual(s.info(write), { flags: 0, outBufferSize: 4096, inBufferSize: 4096, maxInstances: 1 });
  }),
  defineCase("F48", "CreatePipe size 1 gives 1/1", async (s) => {
    const { read, write } = s.anonymous(1);
    assert.deepEqual(s.info(read), { flags: PIPE_SERVER_END, outBufferSize: 1, inBufferSize: 1, maxInstances: 1 });
    assert.deepEqual(s.info(write), { flags: 0, outBufferSize: 1, inBufferSize: 1, maxInstances: 1 });
    // A 1-byte pipe still carries more: the write completes as the reader drains it.
    const data = concat(OBUF, OBUF2);
    const w = s.write(write, data);
    let got: Uint8Array = new Uint8Array(0);
    while (got.length < data.length) {
      const r = await s.done(s.read(read, 64), "ReadFile from a 1-byte pipe");
      assert.ok(r.data.length > 0);
      got = concat(got, r.data);
    }
    assert.equal(await s.done(w, "WriteFile through a 1-byte pipe"), data.length);
    assert.deepEqual(Array.from(got), Array.from(data));
  }),
];
