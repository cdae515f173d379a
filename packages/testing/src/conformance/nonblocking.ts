/**
 * E. Nonblocking (PIPE_NOWAIT) handles, with 512-byte buffers as in Wine's
 * dlls/kernel32/tests/pipe.c test_nowait. The server is the nonblocking end
 * and the client opens one direction only, as there.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_NO_DATA,
  ERROR_PIPE_LISTENING,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_NOWAIT,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, pattern, type Scope, text } from "./util.ts";

const TYPES = [
  [PIPE_TYPE_BYTE, "byte pipe"],
  [PIPE_TYPE_MESSAGE, "message pipe"],
] as const;

/** A PIPE_NOWAIT server with 512-byte buffers and a one-way client. */
function nowaitPair(s: Scope, type: number, clientAccess: number) {
  const name = s.pipeName();
  const server = s.server({ name, pipeMode: type | PIPE_NOWAIT, outBufferSize: 512, inBufferSize: 512 });
  const client = s.client(name, clientAccess);
  return { name, server, client };
}

const E40_MESSAGE_TITLE =
  "message pipe: a 514-byte nonblocking write with a 1-byte read pending writes 0 and the read stays pending";

/**
 * The name of the E40 case that Wine does not pass (docs/behaviours.md, known Wine deviations).
 *
 * @example
 * ```ts
 * import { E40_MESSAGE_CASE_NAME, WINE_KNOWN_DEVIATIONS } from "@winpipe/testing";
 * E40_MESSAGE_CASE_NAME in WINE_KNOWN_DEVIATIONS; // true: skipped under Wine
 * ```
 */
export const E40_MESSAGE_CASE_NAME = `E40 ${E40_MESSAGE_TITLE}`;

export const nonblockingCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- E36
  defineCase("E36", "ReadFile on an empty PIPE_NOWAIT pipe fails at once with ERROR_NO_DATA", async (s) => {
    for (const [type, label] of TYPES) {
      const { server: reader, client: writer } = nowaitPair(s, type, GENERIC_WRITE);
      await s.failsAtOnce(s.read(reader, 32768), ERROR_NO_DATA, `${label}: nonblocking ReadFile on an empty pipe`);
      // A small write is then read at once, whole.
      const bits = text("bits\0");
      await s.expectWrite(writer, bits);
      await s.expectRead(reader, 32768, bits);
      await s.failsAtOnce(s.read(reader, 32768), ERROR_NO_DATA, `${label}: nonblocking ReadFile once drained`);
    }
  }),

  // ---------------------------------------------------------------- E38
  defineCase(
    "E38",
    "with a 32768-byte read pending, nonblocking writes of 5 and 513 bytes go through in full",
    async (s) => {
      for (const [type, label] of TYPES) {
        const { server: writer, client: reader } = nowaitPair(s, type, GENERIC_READ);
        for (const size of [5, 513]) {
          const data = pattern(size, size);
          const r = s.read(reader, 32768);
          await s.assertPending(r, `${label}: 32768-byte ReadFile on an empty pipe`);
          assert.equal(
            await s.atOnce(s.write(writer, data), `${label}: WriteFile(${size})`),
            size,
            `${label}: written`,
          );
          const got = await s.done(r, `${label}: the pending ReadFile`);
          assert.deepEqual(Array.from(got.data), Array.from(data), `${label}: the reader got all ${size} bytes`);
        }
      }
    },
  ),

  // ---------------------------------------------------------------- E39
  defineCase(
    "E39",
    "with a 1-byte read pending, a 513-byte nonblocking write writes 513: 1 to the reader, 512 buffered",
    async (s) => {
      for (const [type, label] of TYPES) {
        const { server: writer, client: reader } = nowaitPair(s, type, GENERIC_READ);
        const data = pattern(513, 3);
        const r = s.read(reader, 1);
        await s.assertPending(r, `${label}: 1-byte ReadFile on an empty pipe`);
        assert.equal(await s.atOnce(s.write(writer, data), `${label}: WriteFile(513)`), 513, `${label}: written`);
        const got = await s.done(r, `${label}: the pending 1-byte ReadFile`);
        assert.deepEqual(Array.from(got.data), [data[0]], `${label}: the reader got the first byte`);
        assert.equal(s.avail(reader)[0], 512, `${label}: 512 bytes buffered`);
        await s.expectRead(reader, 32768, data.subarray(1));
      }
    },
  ),

  // ---------------------------------------------------------------- E40
  defineCase(
    "E40",
    "byte pipe: a 514-byte nonblocking write with a 1-byte read pending writes 1 and completes the read",
    async (s) => {
      const { server: writer, client: reader } = nowaitPair(s, PIPE_TYPE_BYTE, GENERIC_READ);
      const data = pattern(514, 11);
      const r = s.read(reader, 1);
      await s.assertPending(r, "1-byte ReadFile on an empty pipe");
      assert.equal(await s.atOnce(s.write(writer, data), "WriteFile(514)"), 1, "bytes written");
      const got = await s.done(r, "the pending 1-byte ReadFile");
      assert.deepEqual(Array.from(got.data), [data[0]]);
      assert.deepEqual(s.avail(reader), [0, 0], "nothing beyond the byte the reader took was written");
    },
  ),
  // Windows behaviour; Wine differs (docs/behaviours.md, known Wine deviations; pipe.c test_nowait marks it todo_wine).
  defineCase("E40", E40_MESSAGE_TITLE, async (s) => {
    const { server: writer, client: reader } = nowaitPair(s, PIPE_TYPE_MESSAGE, GENERIC_READ);
    const data = pattern(514, 11);
    const ac = s.controller();
    const r = s.read(reader, 1, ac.signal);
    await s.assertPending(r, "1-byte ReadFile on an empty pipe");
    assert.equal(await s.atOnce(s.write(writer, data), "WriteFile(514)"), 0, "bytes written");
    await s.assertPending(r, "the 1-byte ReadFile after a message that did not fit");
    assert.deepEqual(s.avail(reader), [0, 0], "nothing was queued");
    ac.abort();
  }),

  // ---------------------------------------------------------------- E41
  defineCase("E41", "a nonblocking write of exactly the buffer size into an empty buffer writes it all", async (s) => {
    for (const [type, label] of TYPES) {
      const { server: writer, client: reader } = nowaitPair(s, type, GENERIC_READ);
      const data = pattern(512, 17);
      assert.equal(await s.atOnce(s.write(writer, data), `${label}: WriteFile(512)`), 512, `${label}: written`);
      assert.equal(s.avail(reader)[0], 512, `${label}: 512 bytes buffered`);
      await s.expectRead(reader, 32768, data);
    }
  }),

  // ---------------------------------------------------------------- E42
  defineCase(
    "E42",
    "nonblocking ConnectNamedPipe: listening, then ERROR_NO_DATA after a client came and went, then listening",
    async (s) => {
      for (const [type, label] of TYPES) {
        const name = s.pipeName();
        const server = s.server({ name, pipeMode: type | PIPE_NOWAIT, outBufferSize: 512, inBufferSize: 512 });
        await s.failsAtOnce(s.connect(server), ERROR_PIPE_LISTENING, `${label}: ConnectNamedPipe with no client`);
        // Still listening: a client can connect. (ERROR_PIPE_CONNECTED is success for the port.)
        const client = s.client(name);
        await s.atOnce(s.connect(server), `${label}: ConnectNamedPipe with the client connected`);
        s.k.close(client);
        await s.failsAtOnce(s.connect(server), ERROR_NO_DATA, `${label}: ConnectNamedPipe after the client closed`);
        s.k.disconnect(server);
        await s.failsAtOnce(s.connect(server), ERROR_PIPE_LISTENING, `${label}: ConnectNamedPipe after disconnect`);
        // And listening again for real.
        const client2 = s.client(name);
        await s.atOnce(s.connect(server), `${label}: ConnectNamedPipe with the second client`);
        s.k.close(client2);
      }
    },
  ),
];
