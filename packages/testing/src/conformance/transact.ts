/**
 * I. TransactNamedPipe and CallNamedPipe.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_PIPE_BUSY,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, pattern, text } from "./util.ts";

const MESSAGE = PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT;

export const transactCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- I61
  defineCase("I61", "TransactNamedPipe on a byte pipe fails with ERROR_BAD_PIPE", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_BYTE | PIPE_WAIT });
    await s.failsAtOnce(s.transact(client, text("ab"), 1), ERROR_BAD_PIPE, "TransactNamedPipe by the client");
    await s.failsAtOnce(s.transact(server, text("ab"), 1), ERROR_BAD_PIPE, "TransactNamedPipe by the server");
    // Nothing was written by the refused calls.
    assert.deepEqual(s.avail(server), [0, 0]);
    assert.deepEqual(s.avail(client), [0, 0]);
  }),
  defineCase("I61", "TransactNamedPipe on a message pipe in byte read mode fails with ERROR_BAD_PIPE", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE | PIPE_WAIT });
    await s.failsAtOnce(s.transact(client, text("ab"), 1), ERROR_BAD_PIPE, "TransactNamedPipe by the client");
    await s.failsAtOnce(s.transact(server, text("ab"), 1), ERROR_BAD_PIPE, "TransactNamedPipe by the server");
    assert.deepEqual(s.avail(server), [0, 0]);
    // Once the client is in message read mode, it can transact.
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    const t = s.transact(client, text("ab"), 8);
    await s.expectRead(server, 8, text("ab"));
    await s.expectWrite(server, text("reply"));
    const got = await s.done(t, "TransactNamedPipe in message read mode");
    assert.deepEqual(Array.from(got.data), Array.from(text("reply")));
    assert.equal(got.messageComplete, true);
  }),

  // ---------------------------------------------------------------- I64
  defineCase("I64", "TransactNamedPipe with a 0-byte reply buffer gets a 0-byte reply", async (s) => {
    const { server, client } = s.pair({ pipeMode: MESSAGE });
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    const request = pattern(5, 1);
    const t = s.transact(client, request, 0);
    await s.expectRead(server, 1000, request);
    await s.assertPending(t, "TransactNamedPipe waiting for its reply");
    await s.expectWrite(server, new Uint8Array(0), 0);
    const got = await s.done(t, "TransactNamedPipe");
    assert.deepEqual([got.data.length, got.messageComplete], [0, true]);
  }),
  defineCase("I64", "TransactNamedPipe with a 0-byte request and a 0-byte reply", async (s) => {
    const { server, client } = s.pair({ pipeMode: MESSAGE });
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    const t = s.transact(client, new Uint8Array(0), 0);
    // The request is a 0-byte message.
    await s.expectRead(server, 1000, new Uint8Array(0), true);
    await s.assertPending(t, "TransactNamedPipe waiting for its reply");
    await s.expectWrite(server, new Uint8Array(0), 0);
    const got = await s.done(t, "TransactNamedPipe");
    assert.deepEqual([got.data.length, got.messageComplete], [0, true]);
    // And from the server side.
    const t2 = s.transact(server, new Uint8Array(0), 0);
    await s.expectRead(client, 1000, new Uint8Array(0), true);
    await s.expectWrite(client, new Uint8Array(0), 0);
    const got2 = await s.done(t2, "TransactNamedPipe by the server");
    assert.deepEqual([got2.data.length, got2.messageComplete], [0, true]);
  }),

  // ---------------------------------------------------------------- I65
  // CallNamedPipe is not a port call: the public API composes it from port
  // calls exactly as kernel32 does (CreateFile, on ERROR_PIPE_BUSY one
  // WaitNamedPipe and CreateFile again, SetNamedPipeHandleState(message),
  // TransactNamedPipe, CloseHandle). This case runs that sequence and checks
  // every kernel behaviour it relies on.
  defineCase(
    "I65",
    "CallNamedPipe's sequence: open (waiting once if busy), message read mode, transact, close",
    async (s) => {
      const name = s.pipeName();
      const server = s.server({ name, pipeMode: MESSAGE, maxInstances: 1 });
      const other = s.client(name);
      // Busy: CreateFile fails, WaitNamedPipe waits for the instance.
      s.failsSync(() => s.client(name), ERROR_PIPE_BUSY);
      const w = s.waitNamedPipe(name, 5000);
      await s.assertPending(w, "WaitNamedPipe on a busy pipe");
      s.k.close(other);
      s.k.disconnect(server);
      const c = s.connect(server);
      await s.done(w, "WaitNamedPipe once the instance listens again");
      // Open, message read mode, transact.
      const caller = s.client(name);
      await s.done(c, "ConnectNamedPipe");
      s.k.setState(caller, PIPE_READMODE_MESSAGE | PIPE_WAIT);
      const request = text("request");
      const t = s.transact(caller, request, 64);
      await s.expectRead(server, 64, request, true);
      await s.expectWrite(server, text("the reply"));
      const got = await s.done(t, "TransactNamedPipe");
      assert.deepEqual(Array.from(got.data), Array.from(text("the reply")));
      assert.equal(got.messageComplete, true);
      // A reply longer than the buffer: the caller gets ERROR_MORE_DATA with what fits.
      const t2 = s.transact(caller, request, 4);
      await s.expectRead(server, 64, request, true);
      await s.expectWrite(server, text("the reply"));
      const got2 = await s.done(t2, "TransactNamedPipe with a short reply buffer");
      assert.deepEqual(Array.from(got2.data), Array.from(text("the ")));
      assert.equal(got2.messageComplete, false);
      await s.expectRead(caller, 64, text("reply"), true);
      // Close: the server sees the end.
      s.k.close(caller);
      await s.fails(s.read(server, 64), ERROR_BROKEN_PIPE);
    },
  ),
];
