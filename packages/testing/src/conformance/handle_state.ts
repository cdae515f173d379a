/**
 * J. GetNamedPipeHandleState / SetNamedPipeHandleState.
 *
 * The port's getState returns the state and the current instance count
 * only: collection count, timeout and user name (which Windows refuses on a
 * local pipe and Wine returns, a known Wine deviation) are not part of it,
 * so no case can observe them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { PIPE_READMODE_BYTE, PIPE_READMODE_MESSAGE, PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE, PIPE_WAIT } from "@winpipe/core";
import { type ConformanceCase, defineCase, OBUF, OBUF2 } from "./util.ts";

export const handleStateCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- J66
  defineCase("J66", "a fresh server handle reports byte read mode, blocking wait and 1 current instance", (s) => {
    for (const type of [PIPE_TYPE_BYTE, PIPE_TYPE_MESSAGE]) {
      const server = s.server({ pipeMode: type | PIPE_WAIT });
      assert.deepEqual(s.state(server), { mode: PIPE_READMODE_BYTE | PIPE_WAIT, currentInstances: 1 });
    }
  }),
  defineCase("J66", "the current instance count follows instances being created and closed", (s) => {
    const name = s.pipeName();
    const first = s.server({ name, maxInstances: 3 });
    assert.equal(s.k.getState(first).currentInstances, 1);
    const second = s.server({ name, maxInstances: 3 });
    assert.equal(s.k.getState(first).currentInstances, 2);
    assert.equal(s.k.getState(second).currentInstances, 2);
    const client = s.client(name);
    assert.equal(s.k.getState(client).currentInstances, 2, "a client sees the same count");
    s.k.close(second);
    assert.equal(s.k.getState(first).currentInstances, 1);
  }),

  // ---------------------------------------------------------------- J67
  defineCase("J67", "a message-type server can switch to byte read mode", async (s) => {
    const { server, client } = s.messagePair();
    assert.equal(s.k.getState(server).mode, PIPE_READMODE_MESSAGE);
    s.k.setState(server, PIPE_READMODE_BYTE);
    assert.equal(s.k.getState(server).mode, PIPE_READMODE_BYTE);
    // It now reads two messages as one stream.
    await s.expectWrite(client, OBUF);
    await s.expectWrite(client, OBUF2);
    await s.expectRead(server, 32, new Uint8Array([...OBUF, ...OBUF2]), true);
  }),
  defineCase("J67", "a message-pipe client can switch to message, byte and message read mode again", async (s) => {
    const { server, client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_WAIT });
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE);
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_MESSAGE);
    await s.expectWrite(server, OBUF);
    await s.expectRead(client, 4, OBUF.subarray(0, 4), false);
    await s.expectRead(client, 32, OBUF.subarray(4), true);
    s.k.setState(client, PIPE_READMODE_BYTE);
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE);
    await s.expectWrite(server, OBUF);
    await s.expectRead(client, 4, OBUF.subarray(0, 4), true);
    await s.expectRead(client, 32, OBUF.subarray(4), true);
    s.k.setState(client, PIPE_READMODE_MESSAGE);
    assert.equal(s.k.getState(client).mode, PIPE_READMODE_MESSAGE);
    await s.expectWrite(server, OBUF2);
    await s.expectRead(client, 4, OBUF2.subarray(0, 4), false);
    await s.expectRead(client, 32, OBUF2.subarray(4), true);
  }),
];
