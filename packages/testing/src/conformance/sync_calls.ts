/**
 * The synchronous calls of the port (readSync, writeSync, transactSync,
 * waitNamedPipeSync) against the behaviours they share with their
 * asynchronous forms. Each case only asks for what a kernel can complete
 * at once (the data is in the pipe before the read, the failure is
 * immediate), so that it runs on the model too, which cannot wait in the
 * calling thread; round trips that block on another process are measured
 * by the bench (winpipe-deno-sync, winpipe-bun-sync).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_NO_DATA,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { assertBytes, concat, type ConformanceCase, defineCase, pattern, text } from "./util.ts";

export const syncCallCases: readonly ConformanceCase[] = [
  defineCase(
    "S4",
    "readSync returns what writeSync wrote, then fails with ERROR_BROKEN_PIPE once the writer is closed",
    (s) => {
      const { read, write } = s.anonymous();
      assert.equal(s.k.writeSync(write, text("hello")), 5);
      const buffer = new Uint8Array(16);
      assert.deepEqual(s.k.readSync(read, buffer), { bytesRead: 5, messageComplete: true });
      assertBytes(buffer.subarray(0, 5), text("hello"));
      s.k.close(write);
      s.failsSync(() => s.k.readSync(read, buffer), ERROR_BROKEN_PIPE);
    },
  ),
  defineCase("C21", "readSync returns two byte-mode writeSync calls together", (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
    assert.equal(s.k.writeSync(client, pattern(11, 1)), 11);
    assert.equal(s.k.writeSync(client, pattern(10, 2)), 10);
    const buffer = new Uint8Array(32);
    assert.deepEqual(s.k.readSync(server, buffer), { bytesRead: 21, messageComplete: true });
    assertBytes(buffer.subarray(0, 21), concat(pattern(11, 1), pattern(10, 2)));
  }),
  defineCase("D26", "readSync of part of a message reports more data, and the next one gets the rest", (s) => {
    const { server, client } = s.messagePair();
    s.k.writeSync(client, text("hello world"));
    const part = new Uint8Array(4);
    assert.deepEqual(s.k.readSync(server, part), { bytesRead: 4, messageComplete: false });
    assertBytes(part, text("hell"));
    const rest = new Uint8Array(16);
    assert.deepEqual(s.k.readSync(server, rest), { bytesRead: 7, messageComplete: true });
    assertBytes(rest.subarray(0, 7), text("o world"));
  }),
  defineCase("E36", "readSync on an empty PIPE_NOWAIT pipe fails at once with ERROR_NO_DATA", (s) => {
    for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
      const name = s.pipeName();
      const reader = s.server({ name, pipeMode: type | PIPE_NOWAIT, outBufferSize: 512, inBufferSize: 512 });
      const writer = s.client(name, GENERIC_WRITE | GENERIC_READ);
      s.failsSync(() => s.k.readSync(reader, new Uint8Array(64)), ERROR_NO_DATA);
      // A nonblocking writeSync that fits goes through whole, and is then read at once.
      assert.equal(s.k.writeSync(writer, text("bits")), 4);
      const buffer = new Uint8Array(64);
      assert.equal(s.k.readSync(reader, buffer).bytesRead, 4);
    }
  }),
  defineCase("I61", "transactSync on a byte pipe fails at once with ERROR_BAD_PIPE and writes nothing", (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
    s.failsSync(() => s.k.transactSync(client, text("ab"), new Uint8Array(8)), ERROR_BAD_PIPE);
    assert.deepEqual(s.avail(server), [0, 0]);
  }),
  defineCase("I61", "transactSync on a message pipe in byte read mode fails at once with ERROR_BAD_PIPE", (s) => {
    const { client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT });
    // A client opens in byte read mode (S15).
    s.failsSync(() => s.k.transactSync(client, text("ab"), new Uint8Array(8)), ERROR_BAD_PIPE);
  }),
  defineCase("A1", "waitNamedPipeSync of a pipe that does not exist fails with ERROR_FILE_NOT_FOUND", (s) => {
    s.failsSync(() => s.k.waitNamedPipeSync(s.pipeName(), 100), ERROR_FILE_NOT_FOUND);
  }),
];
