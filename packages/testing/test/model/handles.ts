/**
 * Handles and access: closed and foreign handles, access rights, error
 * call names, anonymous pipes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createModelKernel } from "@winpipe/core/model";
import {
  ERROR_ACCESS_DENIED,
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_INBOUND,
  PIPE_ACCESS_OUTBOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import {
  assertGot,
  assertPending,
  bytes,
  client,
  expectRead,
  pair,
  read,
  rejectsWith,
  scenario,
  server,
  started,
  throwsWith,
  transact,
  uniqueName,
} from "./helpers.ts";

/** Registers the handle suite. */
export function handleTests(register: RegisterTest): void {
  scenario(
    register,
    "a closed handle fails every call with ERROR_INVALID_HANDLE and the Win32 function name",
    async (k) => {
      const p = pair(k);
      k.close(p.client);
      k.close(p.client); // closing again does nothing
      const h = p.client;
      assert.equal(h.closed, true);
      const e = await rejectsWith(read(k, h, 1), ERROR_INVALID_HANDLE, "ReadFile");
      assert.equal(e.pipeName, p.name);
      await rejectsWith(k.write(h, bytes(1)), ERROR_INVALID_HANDLE, "WriteFile");
      await rejectsWith(k.connect(h), ERROR_INVALID_HANDLE, "ConnectNamedPipe");
      await rejectsWith(transact(k, h, bytes(1), 1), ERROR_INVALID_HANDLE, "TransactNamedPipe");
      await rejectsWith(k.flush(h), ERROR_INVALID_HANDLE, "FlushFileBuffers");
      throwsWith(() => k.peek(h), ERROR_INVALID_HANDLE, "PeekNamedPipe");
      throwsWith(() => k.getState(h), ERROR_INVALID_HANDLE, "GetNamedPipeHandleStateW");
      throwsWith(() => k.setState(h, 0), ERROR_INVALID_HANDLE, "SetNamedPipeHandleState");
      throwsWith(() => k.getInfo(h), ERROR_INVALID_HANDLE, "GetNamedPipeInfo");
      throwsWith(() => k.disconnect(h), ERROR_INVALID_HANDLE, "DisconnectNamedPipe");
      throwsWith(() => k.cancelIo(h), ERROR_INVALID_HANDLE, "CancelIoEx");
      throwsWith(() => k.duplicate(h, false), ERROR_INVALID_HANDLE, "DuplicateHandle");
      k.close(p.server);
    },
  );

  scenario(register, "a handle of another kernel is invalid here", (k) => {
    const other = createModelKernel({ name: "other" });
    assert.equal(other.name, "other");
    assert.equal(k.name, "model");
    const { read: r, write: w } = other.createPipe(0, false, false);
    throwsWith(() => k.peek(r), ERROR_INVALID_HANDLE);
    throwsWith(() => k.close(w), ERROR_INVALID_HANDLE, "CloseHandle");
    other.close(r);
    other.close(w);
    assert.equal(other.liveHandles(), 0);
  });

  scenario(register, "liveHandles counts open handles, duplicates included", (k) => {
    assert.equal(k.liveHandles(), 0);
    const p = pair(k);
    const dup = k.duplicate(p.server, false);
    assert.equal(k.liveHandles(), 3);
    k.close(dup);
    k.close(dup);
    assert.equal(k.liveHandles(), 2);
    p.close();
  });

  scenario(register, "wrong-direction reads and writes fail with ERROR_ACCESS_DENIED", async (k) => {
    const inbound = pair(k, { openMode: PIPE_ACCESS_INBOUND }, GENERIC_WRITE);
    await rejectsWith(k.write(inbound.server, bytes(1)), ERROR_ACCESS_DENIED, "WriteFile");
    await rejectsWith(read(k, inbound.client, 1), ERROR_ACCESS_DENIED, "ReadFile");
    throwsWith(() => k.peek(inbound.client), ERROR_ACCESS_DENIED, "PeekNamedPipe");
    await rejectsWith(k.flush(inbound.server), ERROR_ACCESS_DENIED, "FlushFileBuffers");
    inbound.close();
    // Access is checked before the state: a listening outbound server still says ERROR_ACCESS_DENIED.
    const outbound = server(k, { openMode: PIPE_ACCESS_OUTBOUND });
    await rejectsWith(read(k, outbound, 1), ERROR_ACCESS_DENIED);
    k.close(outbound);
  });

  scenario(
    register,
    "S15 SetNamedPipeHandleState needs FILE_WRITE_ATTRIBUTES; the state calls need FILE_READ_ATTRIBUTES",
    async (k) => {
      const name = uniqueName();
      const s = server(k, { name, pipeMode: PIPE_TYPE_MESSAGE });
      const readOnly = client(k, name, GENERIC_READ);
      throwsWith(() => k.setState(readOnly, PIPE_READMODE_MESSAGE), ERROR_ACCESS_DENIED, "SetNamedPipeHandleState");
      assert.equal(k.getState(readOnly).mode, 0); // CreateFile always grants FILE_READ_ATTRIBUTES
      k.close(readOnly);
      k.disconnect(s);
      const connecting = started(k.connect(s));
      const withAttributes = client(k, name, GENERIC_READ | FILE_WRITE_ATTRIBUTES);
      await connecting;
      k.setState(withAttributes, PIPE_READMODE_MESSAGE);
      k.close(withAttributes);
      k.close(s);
      // CreateNamedPipe asks for GENERIC_READ on inbound pipes and GENERIC_WRITE on outbound ones.
      const inbound = server(k, { openMode: PIPE_ACCESS_INBOUND });
      throwsWith(() => k.setState(inbound, 0), ERROR_ACCESS_DENIED);
      k.getInfo(inbound);
      k.close(inbound);
      const outbound = server(k, { openMode: PIPE_ACCESS_OUTBOUND });
      k.setState(outbound, PIPE_NOWAIT);
      throwsWith(() => k.getInfo(outbound), ERROR_ACCESS_DENIED, "GetNamedPipeInfo");
      throwsWith(() => k.getState(outbound), ERROR_ACCESS_DENIED, "GetNamedPipeHandleStateW");
      k.close(outbound);
    },
  );

  scenario(register, "D35 undefined mode bits are rejected with ERROR_INVALID_PARAMETER", (k) => {
    const p = pair(k, { pipeMode: PIPE_TYPE_MESSAGE });
    for (const mode of [4, 8, 0x100, 0x80000000, -1, 1.5]) {
      throwsWith(() => k.setState(p.client, mode), ERROR_INVALID_PARAMETER, "SetNamedPipeHandleState");
    }
    k.setState(p.client, PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
    assert.equal(k.getState(p.client).mode, PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
    p.close();
  });

  scenario(register, "S1 F48 CreatePipe: read-only and write-only ends, 4096 by default", async (k) => {
    const { read: r, write: w } = k.createPipe(0, true, false);
    assert.equal(r.pipeName, undefined);
    assert.equal(r.inheritable, true);
    assert.equal(w.inheritable, false);
    assert.deepEqual(k.getInfo(r), {
      flags: PIPE_SERVER_END,
      outBufferSize: 4096,
      inBufferSize: 4096,
      maxInstances: 1,
    });
    assert.deepEqual(k.getInfo(w), { flags: 0, outBufferSize: 4096, inBufferSize: 4096, maxInstances: 1 });
    await rejectsWith(k.write(r, bytes(1)), ERROR_ACCESS_DENIED, "WriteFile");
    await rejectsWith(read(k, w, 1), ERROR_ACCESS_DENIED, "ReadFile");
    // S9: the named-pipe state calls work on both ends.
    assert.deepEqual(k.getState(r), { mode: 0, currentInstances: 1 });
    k.setState(w, PIPE_NOWAIT);
    throwsWith(() => k.setState(r, PIPE_READMODE_MESSAGE), ERROR_INVALID_PARAMETER);
    k.close(r);
    k.close(w);
    const one = k.createPipe(1, false, false);
    assert.equal(k.getInfo(one.read).inBufferSize, 1);
    assert.equal(k.getInfo(one.write).outBufferSize, 1);
    k.close(one.read);
    k.close(one.write);
  });

  scenario(register, "S4 S5 G51 anonymous pipes: blocking writes, reads after the writer closed", async (k) => {
    const { read: r, write: w } = k.createPipe(8, false, false);
    // G51: a write that fits completes with no reader present.
    assert.equal(await k.write(w, bytes(8)), 8);
    const blocked = started(k.write(w, bytes(4, 8)));
    await assertPending(blocked, "write into a full buffer"); // S5
    await expectRead(k, r, 4, bytes(4));
    assert.equal(await blocked, 4);
    k.close(w);
    await expectRead(k, r, 100, bytes(8, 4)); // S4: buffered data outlives the writer
    await rejectsWith(read(k, r, 1), ERROR_BROKEN_PIPE, "ReadFile");
    k.close(r);

    const second = k.createPipe(0, false, false);
    const waiting = read(k, second.read, 10);
    await k.write(second.write, bytes(3));
    assertGot(await waiting, bytes(3));
    k.close(second.read);
    await rejectsWith(k.write(second.write, bytes(1)), ERROR_NO_DATA, "WriteFile");
    k.close(second.write);
  });
}
