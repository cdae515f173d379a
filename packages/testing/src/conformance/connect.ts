/**
 * B. Connecting and disconnecting named pipe instances.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_FUNCTION,
  ERROR_NO_DATA,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_LISTENING,
  ERROR_PIPE_NOT_CONNECTED,
  ERROR_SEM_TIMEOUT,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";
import { type ConformanceCase, defineCase, OBUF, OBUF2, pattern } from "./util.ts";

export const connectCases: readonly ConformanceCase[] = [
  // ---------------------------------------------------------------- B10
  defineCase("B10", "a new instance is listening: CreateFile connects without ConnectNamedPipe", async (s) => {
    const { server, client } = s.pair();
    await s.expectWrite(client, OBUF);
    await s.expectRead(server, 32, OBUF);
    await s.expectWrite(server, OBUF2);
    await s.expectRead(client, 32, OBUF2);
  }),
  defineCase(
    "B10",
    "ConnectNamedPipe after the client connected reports ERROR_PIPE_CONNECTED, taken as success",
    async (s) => {
      const { server, client } = s.pair();
      // The port resolves ERROR_PIPE_CONNECTED; it must do so at once, not wait.
      await s.atOnce(s.connect(server), "ConnectNamedPipe on a connected instance");
      await s.expectWrite(client, OBUF);
      await s.expectRead(server, 32, OBUF);
    },
  ),
  defineCase("B10", "ConnectNamedPipe on a client handle fails with ERROR_INVALID_FUNCTION", async (s) => {
    const { client } = s.pair();
    await s.failsAtOnce(s.connect(client), ERROR_INVALID_FUNCTION, "ConnectNamedPipe on a client handle");
  }),

  // ---------------------------------------------------------------- B11
  defineCase(
    "B11",
    "before any client: ReadFile and WriteFile give ERROR_PIPE_LISTENING, Peek ERROR_BAD_PIPE",
    async (s) => {
      const server = s.server();
      await s.failsAtOnce(s.write(server, OBUF), ERROR_PIPE_LISTENING, "WriteFile on a listening server");
      await s.failsAtOnce(s.read(server, 32), ERROR_PIPE_LISTENING, "ReadFile on a listening server");
      s.failsSync(() => s.k.peek(server), ERROR_BAD_PIPE);
    },
  ),

  // ---------------------------------------------------------------- B12
  defineCase(
    "B12",
    "WaitNamedPipe returns at once when an instance listens and times out when it is taken",
    async (s) => {
      const name = s.pipeName();
      s.server({ name });
      await s.atOnce(s.waitNamedPipe(name, 2000), "WaitNamedPipe with a listening instance");
      s.client(name);
      await s.fails(s.waitNamedPipe(name, 100), ERROR_SEM_TIMEOUT);
      await s.fails(s.waitNamedPipe(name, 1), ERROR_SEM_TIMEOUT);
    },
  ),

  // ---------------------------------------------------------------- B13
  defineCase(
    "B13",
    "a second client gets ERROR_PIPE_BUSY until the instance is disconnected and listening again",
    async (s) => {
      const name = s.pipeName();
      const server = s.server({ name });
      const first = s.client(name);
      // While the first client is connected.
      s.failsSync(() => s.client(name), ERROR_PIPE_BUSY);
      // After the first client closed, before DisconnectNamedPipe.
      s.k.close(first);
      s.failsSync(() => s.client(name), ERROR_PIPE_BUSY);
      // After DisconnectNamedPipe, before ConnectNamedPipe.
      s.k.disconnect(server);
      s.failsSync(() => s.client(name), ERROR_PIPE_BUSY);
      // ConnectNamedPipe makes it listen again.
      const c = s.connect(server);
      await s.assertPending(c, "ConnectNamedPipe after DisconnectNamedPipe");
      const second = s.client(name);
      await s.done(c, "ConnectNamedPipe");
      await s.expectWrite(second, OBUF);
      await s.expectRead(server, 32, OBUF);
    },
  ),

  // ---------------------------------------------------------------- B14
  defineCase(
    "B14",
    "after DisconnectNamedPipe both ends fail with ERROR_PIPE_NOT_CONNECTED; peek differs by end",
    async (s) => {
      const { server, client } = s.pair();
      await s.expectWrite(client, OBUF);
      s.k.disconnect(server);
      await s.fails(s.write(client, OBUF), ERROR_PIPE_NOT_CONNECTED);
      await s.fails(s.write(server, OBUF), ERROR_PIPE_NOT_CONNECTED);
      await s.fails(s.read(client, 32), ERROR_PIPE_NOT_CONNECTED);
      // The server had 11 unread bytes waiting; they are gone with the connection.
      await s.fails(s.read(server, 32), ERROR_PIPE_NOT_CONNECTED);
      s.failsSync(() => s.k.disconnect(server), ERROR_PIPE_NOT_CONNECTED);
      s.failsSync(() => s.k.peek(client), ERROR_PIPE_NOT_CONNECTED);
      s.failsSync(() => s.k.peek(server), ERROR_BAD_PIPE);
    },
  ),
  defineCase("B14", "DisconnectNamedPipe discards unread data in both directions", async (s) => {
    const { name, server, client } = s.pair();
    await s.expectWrite(client, OBUF);
    await s.expectWrite(server, OBUF2);
    s.k.disconnect(server);
    s.k.close(client);
    const c = s.connect(server);
    const next = s.client(name);
    await s.done(c, "ConnectNamedPipe for the next client");
    assert.deepEqual(s.avail(server), [0, 0], "the old client's data is gone");
    assert.deepEqual(s.avail(next), [0, 0], "the server's data for the old client is gone");
    await s.expectWrite(next, OBUF2);
    await s.expectRead(server, 32, OBUF2);
  }),

  // ---------------------------------------------------------------- B15
  defineCase(
    "B15",
    "after DisconnectNamedPipe an overlapped read or write fails at once with ERROR_PIPE_NOT_CONNECTED",
    async (s) => {
      const { server, client } = s.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT });
      await s.expectWrite(client, pattern(512));
      await s.expectRead(server, 1, pattern(1), false);
      s.k.disconnect(server);
      await s.failsAtOnce(s.read(server, 1), ERROR_PIPE_NOT_CONNECTED, "server ReadFile after disconnect");
      await s.failsAtOnce(s.write(server, OBUF), ERROR_PIPE_NOT_CONNECTED, "server WriteFile after disconnect");
      await s.failsAtOnce(s.read(client, 1), ERROR_PIPE_NOT_CONNECTED, "client ReadFile after disconnect");
      await s.failsAtOnce(s.write(client, OBUF), ERROR_PIPE_NOT_CONNECTED, "client WriteFile after disconnect");
    },
  ),

  // ---------------------------------------------------------------- B17
  defineCase("B17", "a waiting WaitNamedPipe is woken when a new instance is created", async (s) => {
    const name = s.pipeName();
    s.server({ name, maxInstances: 2 });
    s.client(name);
    await s.fails(s.waitNamedPipe(name, 1), ERROR_SEM_TIMEOUT);
    const w = s.waitNamedPipe(name, 5000);
    await s.assertPending(w, "WaitNamedPipe while the only instance is taken");
    const second = s.server({ name, maxInstances: 2 });
    await s.atOnce(w, "WaitNamedPipe after a new instance was created");
    const client2 = s.client(name);
    await s.expectWrite(client2, OBUF);
    await s.expectRead(second, 32, OBUF);
  }),
  defineCase("B17", "a waiting WaitNamedPipe is woken when an instance starts listening again", async (s) => {
    const name = s.pipeName();
    const server = s.server({ name });
    const first = s.client(name);
    s.k.close(first);
    s.k.disconnect(server);
    await s.fails(s.waitNamedPipe(name, 1), ERROR_SEM_TIMEOUT);
    const w = s.waitNamedPipe(name, 5000);
    await s.assertPending(w, "WaitNamedPipe while the instance is disconnected");
    const c = s.connect(server);
    await s.atOnce(w, "WaitNamedPipe after ConnectNamedPipe");
    await s.assertPending(c, "ConnectNamedPipe with no client yet");
    s.client(name);
    await s.done(c, "ConnectNamedPipe once the client opened the pipe");
  }),

  // ---------------------------------------------------------------- B18
  defineCase("B18", "overlapped ConnectNamedPipe pends with no client and completes when one connects", async (s) => {
    const name = s.pipeName();
    const server = s.server({ name });
    const c = s.connect(server);
    await s.assertPending(c, "ConnectNamedPipe with no client");
    const client = s.client(name);
    await s.done(c, "ConnectNamedPipe");
    await s.expectWrite(server, OBUF);
    await s.expectRead(client, 32, OBUF);
  }),
  defineCase("B18", "overlapped ConnectNamedPipe with a client already connected completes at once", async (s) => {
    const { server } = s.pair();
    // ERROR_PIPE_CONNECTED: the port reports it as success, without pending.
    await s.atOnce(s.connect(server), "ConnectNamedPipe with the client already there");
  }),

  // ---------------------------------------------------------------- B19
  defineCase("B19", "cancelling a pending ConnectNamedPipe aborts it; cancelling again finds nothing", async (s) => {
    const server = s.server();
    const ac = s.controller();
    const c = s.connect(server, ac.signal);
    await s.assertPending(c, "ConnectNamedPipe with no client");
    ac.abort();
    await s.fails(c, ERROR_OPERATION_ABORTED);
    s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
  }),
  defineCase(
    "B19",
    "CancelIoEx on the handle aborts a pending ConnectNamedPipe; a second one gives ERROR_NOT_FOUND",
    async (s) => {
      const server = s.server();
      const c = s.connect(server);
      await s.assertPending(c, "ConnectNamedPipe with no client");
      s.k.cancelIo(server);
      await s.fails(c, ERROR_OPERATION_ABORTED);
      s.failsSync(() => s.k.cancelIo(server), ERROR_NOT_FOUND);
    },
  ),

  // ---------------------------------------------------------------- B20
  defineCase("B20", "the server reads what a closed client left, then gets ERROR_BROKEN_PIPE", async (s) => {
    const { server, client } = s.pair();
    await s.expectWrite(client, OBUF);
    await s.expectWrite(client, OBUF2);
    s.k.close(client);
    await s.expectRead(server, 4, OBUF.subarray(0, 4));
    await s.expectRead(server, 64, new Uint8Array([...OBUF.subarray(4), ...OBUF2]));
    await s.fails(s.read(server, 64), ERROR_BROKEN_PIPE);
  }),
  defineCase("B20", "a write to a pipe whose other end closed fails with ERROR_NO_DATA", async (s) => {
    {
      const { server, client } = s.pair();
      s.k.close(client);
      await s.fails(s.write(server, OBUF), ERROR_NO_DATA);
    }
    {
      const { server, client } = s.pair();
      s.k.close(server);
      await s.fails(s.write(client, OBUF), ERROR_NO_DATA);
    }
  }),
  defineCase(
    "B20",
    "ConnectNamedPipe on an instance whose client closed, not yet disconnected, fails with ERROR_NO_DATA",
    async (s) => {
      const { server, client } = s.pair();
      s.k.close(client);
      await s.failsAtOnce(s.connect(server), ERROR_NO_DATA, "ConnectNamedPipe after the client closed");
      // DisconnectNamedPipe then lets it listen again.
      s.k.disconnect(server);
      const c = s.connect(server);
      await s.assertPending(c, "ConnectNamedPipe after DisconnectNamedPipe");
    },
  ),
];
