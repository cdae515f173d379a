/**
 * C. Byte-type pipes. These cases also prove that byte mode loses message
 * boundaries, so that the message-mode cases cannot pass by accident.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_INVALID_PARAMETER,
  PIPE_NOWAIT,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_WAIT,
} from "@winpipe/core";
import { concat, type ConformanceCase, defineCase, OBUF, OBUF2 } from "./util.ts";

const BYTE = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT;

export const byteModeCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- C21
  defineCase("C21", "two writes of 11 and 10 bytes are read together by one 32-byte read", async (s) => {
    for (const direction of ["server to client", "client to server"] as const) {
      const { server, client } = s.pair({ pipeMode: BYTE });
      const [writer, reader] = direction === "server to client" ? [server, client] : [client, server];
      await s.expectWrite(writer, OBUF);
      await s.expectWrite(writer, OBUF2);
      assert.deepEqual(s.avail(reader), [21, 0], `${direction}: 21 bytes, no message`);
      await s.expectRead(reader, 32, concat(OBUF, OBUF2));
      assert.deepEqual(s.avail(reader), [0, 0], `${direction}: drained`);
    }
  }),

  // ---------------------------------------------------------------- C22
  defineCase(
    "C22",
    "a 4-byte read of an 11-byte write succeeds; the rest follows; never ERROR_MORE_DATA",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: BYTE });
      await s.expectWrite(client, OBUF);
      await s.expectRead(server, 4, OBUF.subarray(0, 4), true);
      assert.deepEqual(s.avail(server), [7, 0]);
      await s.expectRead(server, 4, OBUF.subarray(4, 8), true);
      await s.expectRead(server, 32, OBUF.subarray(8), true);
      // A read in three parts crossing a write boundary: still no ERROR_MORE_DATA.
      await s.expectWrite(server, OBUF2);
      await s.expectWrite(server, OBUF);
      await s.expectRead(client, 4, OBUF2.subarray(0, 4), true);
      await s.expectRead(client, 8, concat(OBUF2.subarray(4), OBUF.subarray(0, 2)), true);
      await s.expectRead(client, 32, OBUF.subarray(2), true);
    },
  ),

  // ---------------------------------------------------------------- C24
  defineCase(
    "C24",
    "PIPE_READMODE_MESSAGE on either end of a byte-type pipe fails with ERROR_INVALID_PARAMETER",
    async (s) => {
      const name = s.pipeName();
      const server = s.server({ name, pipeMode: BYTE });
      // Before a client connected...
      s.failsSync(() => s.k.setState(server, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
      s.failsSync(() => s.k.setState(server, PIPE_READMODE_MESSAGE | PIPE_NOWAIT), ERROR_INVALID_PARAMETER);
      // ...and after.
      const client = s.client(name);
      s.k.setState(client, PIPE_READMODE_BYTE);
      s.failsSync(() => s.k.setState(client, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
      s.failsSync(() => s.k.setState(server, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
      // The refused calls changed nothing, not even the wait mode.
      assert.equal(s.k.getState(server).mode, PIPE_READMODE_BYTE | PIPE_WAIT);
      assert.equal(s.k.getState(client).mode, PIPE_READMODE_BYTE | PIPE_WAIT);
      await s.expectWrite(client, OBUF);
      await s.expectWrite(client, OBUF2);
      await s.expectRead(server, 32, concat(OBUF, OBUF2));
    },
  ),
];
