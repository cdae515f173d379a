/**
 * Names, instances and their states: create, connect, close, disconnect,
 * broken pipes.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_FUNCTION,
  ERROR_INVALID_NAME,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_LISTENING,
  ERROR_PIPE_NOT_CONNECTED,
  FILE_FLAG_FIRST_PIPE_INSTANCE,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_DUPLEX,
  PIPE_ACCESS_INBOUND,
  PIPE_ACCESS_OUTBOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import {
  assertGot,
  assertPending,
  avail,
  bytes,
  client,
  expectRead,
  messagePair,
  pair,
  read,
  rejectsWith,
  scenario,
  server,
  started,
  text,
  throwsWith,
  uniqueName,
} from "./helpers.ts";

const OBUF = text("Bit Bucket\0");

/** Registers the lifecycle suite. */
export function lifecycleTests(register: RegisterTest): void {
  scenario(register, "A1 CreateFile and WaitNamedPipe on a missing name fail with ERROR_FILE_NOT_FOUND", async (k) => {
    const name = uniqueName();
    throwsWith(() => client(k, name), ERROR_FILE_NOT_FOUND, "CreateFileW");
    await rejectsWith(k.waitNamedPipe(name, 2000), ERROR_FILE_NOT_FOUND, "WaitNamedPipeW");
  });

  scenario(register, "A2 A3 invalid names and parameters", (k) => {
    throwsWith(() => server(k, { name: "not a named pipe" }), ERROR_INVALID_NAME, "CreateNamedPipeW");
    throwsWith(() => server(k, { name: "\\\\.\\pipe\\" }), ERROR_INVALID_NAME, "CreateNamedPipeW");
    const name = uniqueName();
    throwsWith(
      () => server(k, { name, pipeMode: PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE }),
      ERROR_INVALID_PARAMETER,
      "CreateNamedPipeW",
    );
    throwsWith(() => server(k, { name, maxInstances: 0 }), ERROR_INVALID_PARAMETER);
    throwsWith(() => server(k, { name, maxInstances: 256 }), ERROR_INVALID_PARAMETER);
    throwsWith(() => client(k, name), ERROR_FILE_NOT_FOUND); // nothing was created
  });

  scenario(register, "A4 names and the \\\\.\\pipe\\ prefix are case-insensitive", async (k) => {
    const s = server(k, { name: "\\\\.\\PiPe\\Model-Case" });
    await k.waitNamedPipe("\\\\.\\PIPE\\MODEL-CASE", 1000);
    const c = client(k, "\\\\.\\pipe\\model-case");
    assert.equal(c.pipeName, "\\\\.\\pipe\\model-case");
    await k.write(c, OBUF);
    await expectRead(k, s, 32, OBUF);
    k.close(c);
    k.close(s);
  });

  scenario(register, "A5 A6 A7 A9 instances share the name's limits", (k) => {
    const name = uniqueName();
    const a = server(k, { name, maxInstances: 2 });
    throwsWith(() => server(k, { name, maxInstances: 2, openMode: PIPE_ACCESS_INBOUND }), ERROR_ACCESS_DENIED);
    throwsWith(
      () => server(k, { name, openMode: PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE }),
      ERROR_ACCESS_DENIED,
    );
    // A later instance takes the first one's type and max instances, whatever it asks for.
    const b = server(k, { name, maxInstances: 5, pipeMode: PIPE_TYPE_MESSAGE, outBufferSize: 7, inBufferSize: 9 });
    assert.deepEqual(k.getInfo(b), { flags: PIPE_SERVER_END, outBufferSize: 7, inBufferSize: 9, maxInstances: 2 });
    assert.equal(k.getState(a).currentInstances, 2);
    throwsWith(() => server(k, { name, maxInstances: 2 }), ERROR_PIPE_BUSY, "CreateNamedPipeW");
    k.close(a);
    assert.equal(k.getState(b).currentInstances, 1);
    k.close(b);
    // A9: the name is gone with its last instance; the next one starts afresh.
    throwsWith(() => client(k, name), ERROR_FILE_NOT_FOUND);
    const c = server(k, { name, openMode: PIPE_ACCESS_INBOUND, maxInstances: PIPE_UNLIMITED_INSTANCES });
    assert.equal(k.getInfo(c).maxInstances, PIPE_UNLIMITED_INSTANCES);
    k.close(c);
  });

  scenario(register, "A8 a client asking for the wrong direction is refused; access 0 is not", (k) => {
    const outbound = server(k, { openMode: PIPE_ACCESS_OUTBOUND });
    const inbound = server(k, { openMode: PIPE_ACCESS_INBOUND });
    throwsWith(() => client(k, outbound.pipeName!, GENERIC_WRITE), ERROR_ACCESS_DENIED, "CreateFileW");
    throwsWith(() => client(k, inbound.pipeName!, GENERIC_READ), ERROR_ACCESS_DENIED, "CreateFileW");
    const c = client(k, outbound.pipeName!, 0); // connects, and takes the instance
    throwsWith(() => client(k, outbound.pipeName!, GENERIC_READ), ERROR_PIPE_BUSY);
    k.close(c);
    k.close(outbound);
    k.close(inbound);
  });

  scenario(register, "B10 B11 a new instance listens; reads, writes and peeks before a client fail", async (k) => {
    const s = server(k);
    await rejectsWith(read(k, s, 8), ERROR_PIPE_LISTENING, "ReadFile");
    await rejectsWith(k.write(s, OBUF), ERROR_PIPE_LISTENING, "WriteFile");
    throwsWith(() => k.peek(s), ERROR_BAD_PIPE, "PeekNamedPipe");
    const c = client(k, s.pipeName!);
    await k.connect(s); // ERROR_PIPE_CONNECTED: success
    await rejectsWith(k.connect(c), ERROR_INVALID_FUNCTION, "ConnectNamedPipe");
    throwsWith(() => k.disconnect(c), ERROR_INVALID_FUNCTION, "DisconnectNamedPipe");
    k.close(c);
    k.close(s);
  });

  scenario(register, "B13 a second client is busy while connected, after close, after disconnect", (k) => {
    const p = pair(k);
    throwsWith(() => client(k, p.name), ERROR_PIPE_BUSY, "CreateFileW");
    k.close(p.client);
    throwsWith(() => client(k, p.name), ERROR_PIPE_BUSY);
    k.disconnect(p.server);
    throwsWith(() => client(k, p.name), ERROR_PIPE_BUSY);
    k.close(p.server);
  });

  scenario(register, "B14 B15 DisconnectNamedPipe discards data and cuts both ends off", async (k) => {
    const p = pair(k);
    await k.write(p.client, OBUF);
    k.disconnect(p.server);
    await rejectsWith(k.write(p.client, OBUF), ERROR_PIPE_NOT_CONNECTED, "WriteFile");
    await rejectsWith(k.write(p.server, OBUF), ERROR_PIPE_NOT_CONNECTED, "WriteFile");
    await rejectsWith(read(k, p.client, 32), ERROR_PIPE_NOT_CONNECTED, "ReadFile");
    await rejectsWith(read(k, p.server, 32), ERROR_PIPE_NOT_CONNECTED, "ReadFile");
    throwsWith(() => k.disconnect(p.server), ERROR_PIPE_NOT_CONNECTED, "DisconnectNamedPipe");
    throwsWith(() => k.peek(p.client), ERROR_PIPE_NOT_CONNECTED, "PeekNamedPipe");
    throwsWith(() => k.peek(p.server), ERROR_BAD_PIPE, "PeekNamedPipe");
    // The cut-off client fails everything with ERROR_PIPE_NOT_CONNECTED.
    throwsWith(() => k.getState(p.client), ERROR_PIPE_NOT_CONNECTED);
    throwsWith(() => k.setState(p.client, 0), ERROR_PIPE_NOT_CONNECTED);
    throwsWith(() => k.getInfo(p.client), ERROR_PIPE_NOT_CONNECTED);
    await rejectsWith(k.flush(p.client), ERROR_PIPE_NOT_CONNECTED);
    throwsWith(() => k.disconnect(p.client), ERROR_PIPE_NOT_CONNECTED);
    // The server still works: it can flush, listen again and serve a new client.
    await k.flush(p.server);
    const connecting = started(k.connect(p.server));
    await assertPending(connecting, "ConnectNamedPipe");
    const c2 = client(k, p.name);
    await connecting;
    assert.deepEqual(avail(k, c2), [0, 0]); // the old data is gone
    k.close(c2);
    p.close();
  });

  scenario(
    register,
    "G53 DisconnectNamedPipe fails pending I/O on both ends with ERROR_PIPE_NOT_CONNECTED",
    async (k) => {
      const p = pair(k, { outBufferSize: 8, inBufferSize: 8 });
      const clientWrite = started(k.write(p.client, bytes(20)));
      const serverWrite = started(k.write(p.server, bytes(20)));
      const clientFlush = started(k.flush(p.client));
      const q = pair(k);
      const clientRead = read(k, q.client, 4);
      k.disconnect(p.server);
      k.disconnect(q.server);
      await rejectsWith(clientWrite, ERROR_PIPE_NOT_CONNECTED);
      await rejectsWith(serverWrite, ERROR_PIPE_NOT_CONNECTED);
      await rejectsWith(clientFlush, ERROR_PIPE_NOT_CONNECTED);
      await rejectsWith(clientRead, ERROR_PIPE_NOT_CONNECTED);
      p.close();
      q.close();
    },
  );

  scenario(
    register,
    "B18 B20 pending ConnectNamedPipe completes on CreateFile; after the client closed: ERROR_NO_DATA",
    async (k) => {
      const s = server(k);
      const first = started(k.connect(s));
      const second = started(k.connect(s));
      await assertPending(first, "ConnectNamedPipe");
      const c = client(k, s.pipeName!);
      await first;
      await second;
      await k.connect(s);
      k.close(c);
      await rejectsWith(k.connect(s), ERROR_NO_DATA, "ConnectNamedPipe");
      k.close(s);
    },
  );

  scenario(register, "B18 closing or disconnecting a listening server ends its pending ConnectNamedPipe", async (k) => {
    const s = server(k);
    const connecting = started(k.connect(s));
    k.disconnect(s);
    await rejectsWith(connecting, ERROR_PIPE_NOT_CONNECTED);
    const again = started(k.connect(s));
    k.close(s);
    await rejectsWith(again, ERROR_BROKEN_PIPE);
  });

  scenario(register, "B20 G49 a server whose client closed reads the rest, then ERROR_BROKEN_PIPE", async (k) => {
    const p = pair(k);
    await k.write(p.client, OBUF);
    k.close(p.client);
    assert.deepEqual(avail(k, p.server), [11, 0]);
    await expectRead(k, p.server, 4, OBUF.slice(0, 4));
    await expectRead(k, p.server, 32, OBUF.slice(4));
    await rejectsWith(read(k, p.server, 32), ERROR_BROKEN_PIPE, "ReadFile");
    throwsWith(() => k.peek(p.server), ERROR_BROKEN_PIPE, "PeekNamedPipe");
    await rejectsWith(k.write(p.server, OBUF), ERROR_NO_DATA, "WriteFile");
    // G52: flushing and disconnecting still succeed.
    await k.flush(p.server);
    k.disconnect(p.server);
    k.close(p.server);
  });

  for (const closing of ["server", "client"] as const) {
    scenario(register, `G49 the ${closing} writes 12 bytes and closes; the other end drains them`, async (k) => {
      const p = messagePair(k);
      const [writer, reader] = closing === "server" ? [p.server, p.client] : [p.client, p.server];
      await k.write(writer, bytes(12));
      k.close(writer);
      await expectRead(k, reader, 0, new Uint8Array(0), reader === p.client); // byte read mode succeeds
      assert.deepEqual(avail(k, reader), [12, 12]);
      await expectRead(k, reader, 32, bytes(12));
      await rejectsWith(read(k, reader, 0), ERROR_BROKEN_PIPE, "ReadFile");
      throwsWith(() => k.peek(reader), ERROR_BROKEN_PIPE);
      await rejectsWith(k.write(reader, bytes(1)), ERROR_NO_DATA, "WriteFile");
      k.getState(reader);
      k.setState(reader, PIPE_READMODE_MESSAGE);
      k.close(reader);
    });
  }

  scenario(register, "G55 a pending read completes with ERROR_BROKEN_PIPE when the writer closes", async (k) => {
    const p = pair(k);
    const pending = read(k, p.client, 8);
    k.close(p.server);
    await rejectsWith(pending, ERROR_BROKEN_PIPE, "ReadFile");
    k.close(p.client);
  });

  scenario(register, "the instance stops counting when its server closes, while the client stays", async (k) => {
    const p = pair(k);
    await k.write(p.server, OBUF);
    k.close(p.server);
    assert.equal(k.getState(p.client).currentInstances, 0);
    assert.equal(k.getInfo(p.client).maxInstances, 1);
    // The name is free again, even for an incompatible instance (Wine's ntdll test_pipe_local_info).
    const s2 = server(k, { name: p.name, openMode: PIPE_ACCESS_INBOUND });
    await expectRead(k, p.client, 32, OBUF);
    k.close(s2);
    k.close(p.client);
  });

  scenario(register, "clients connect to instances in the order they started listening", async (k) => {
    const name = uniqueName();
    const s = [0, 1, 2, 3].map(() => server(k, { name, maxInstances: 4 }));
    const serves = async (instance: number) => {
      const c = client(k, name);
      await k.write(c, bytes(1, instance));
      await expectRead(k, s[instance], 1, bytes(1, instance));
      k.close(c);
    };
    await serves(0);
    started(k.connect(s[2])); // already listening: does not move it
    await serves(1);
    await serves(2);
    k.disconnect(s[0]);
    k.disconnect(s[2]);
    started(k.connect(s[2]));
    started(k.connect(s[0]));
    await serves(3);
    await serves(2);
    await serves(0);
    k.disconnect(s[0]);
    throwsWith(() => client(k, name), ERROR_PIPE_BUSY);
    for (const h of s) k.close(h);
  });

  scenario(register, "duplicated handles share the end: it closes with the last handle", async (k) => {
    const p = pair(k);
    const dup = k.duplicate(p.client, true);
    assert.equal(dup.inheritable, true);
    assert.notEqual(dup.id, p.client.id);
    k.setState(dup, PIPE_NOWAIT);
    assert.equal(k.getState(p.client).mode, PIPE_NOWAIT); // modes belong to the end
    k.setState(dup, 0);
    const pending = read(k, p.client, 4);
    k.close(p.client);
    await assertPending(pending, "read started through the closed handle");
    await k.write(p.server, bytes(4));
    assertGot(await pending, bytes(4));
    k.close(dup);
    await rejectsWith(k.write(p.server, bytes(1)), ERROR_NO_DATA);
    k.close(p.server);
  });
}
