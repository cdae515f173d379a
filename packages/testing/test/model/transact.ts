/**
 * TransactNamedPipe: requirements, zero-length messages, and how the
 * request and the reply meet other I/O (Wine's test_transact, restated).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_PIPE,
  ERROR_PIPE_BUSY,
  GENERIC_READ,
  PIPE_ACCESS_OUTBOUND,
  PIPE_READMODE_BYTE,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";
import type { ModelHandle, ModelKernel } from "@winpipe/core/model";
import {
  assertGot,
  assertPending,
  bytes,
  expectRead,
  pair,
  read,
  rejectsWith,
  scenario,
  started,
  text,
  transact,
} from "./helpers.ts";

async function transactWalk(k: ModelKernel, caller: ModelHandle, callee: ModelHandle, callerQuota: number) {
  // A simple exchange.
  const t1 = transact(k, caller, text("abc"), 100);
  await assertPending(t1, "transact");
  await k.write(callee, text("test"));
  assertGot(await t1, text("test"));
  await expectRead(k, callee, 1000, text("abc"));

  // Unread data on the reading side: ERROR_PIPE_BUSY.
  await k.write(callee, bytes(1));
  await rejectsWith(transact(k, caller, bytes(2), 1), ERROR_PIPE_BUSY, "TransactNamedPipe");
  await expectRead(k, caller, 1000, bytes(1));

  // The request does not wait behind a pending write.
  const blocked = started(k.write(caller, bytes(callerQuota + 2000)));
  const t2 = transact(k, caller, bytes(2, 50), 1);
  await assertPending(t2, "transact behind a pending write");
  await k.write(callee, bytes(1, 9));
  assertGot(await t2, bytes(1, 9));
  await expectRead(k, callee, 10000, bytes(callerQuota + 2000));
  assert.equal(await blocked, callerQuota + 2000);
  await expectRead(k, callee, 10000, bytes(2, 50));

  // A read already waiting on the other side takes the request; a long reply is partial.
  const calleeRead = read(k, callee, 10);
  const t3 = transact(k, caller, bytes(5), 6);
  assertGot(await calleeRead, bytes(5));
  await assertPending(t3, "transact");
  await k.write(callee, bytes(10, 30));
  assertGot(await t3, bytes(6, 30), false, "partial reply");
  await expectRead(k, caller, 1000, bytes(4, 36));

  // I64: zero-length replies and requests.
  const t4 = transact(k, caller, bytes(5), 0);
  await expectRead(k, callee, 1000, bytes(5));
  await k.write(callee, new Uint8Array(0));
  assertGot(await t4, new Uint8Array(0));
  const t5 = transact(k, caller, new Uint8Array(0), 0);
  await expectRead(k, callee, 1000, new Uint8Array(0));
  await assertPending(t5, "transact waiting for its reply");
  await k.write(callee, new Uint8Array(0));
  assertGot(await t5, new Uint8Array(0));

  // A transact answered by a transact.
  const t6 = transact(k, caller, bytes(3), 100);
  await expectRead(k, callee, 1000, bytes(3));
  const t7 = transact(k, callee, bytes(4, 1), 100);
  assertGot(await t6, bytes(4, 1));
  await k.write(caller, bytes(1, 2));
  assertGot(await t7, bytes(1, 2));
}

/** Registers the transact suite. */
export function transactTests(register: RegisterTest): void {
  scenario(register, "I61 TransactNamedPipe needs a message pipe in message read mode", async (k) => {
    const byte = pair(k, { pipeMode: PIPE_TYPE_BYTE });
    k.setState(byte.client, PIPE_READMODE_BYTE);
    await rejectsWith(transact(k, byte.client, bytes(2), 1), ERROR_BAD_PIPE, "TransactNamedPipe");
    byte.close();
    const message = pair(k, { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE });
    await rejectsWith(transact(k, message.client, bytes(2), 1), ERROR_BAD_PIPE);
    await rejectsWith(transact(k, message.server, bytes(2), 1), ERROR_BAD_PIPE);
    message.close();
  });

  scenario(register, "I61 TransactNamedPipe needs read and write access and a duplex pipe", async (k) => {
    const p = pair(
      k,
      { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, openMode: PIPE_ACCESS_OUTBOUND },
      GENERIC_READ,
    );
    await rejectsWith(transact(k, p.server, bytes(2), 1), ERROR_ACCESS_DENIED);
    await rejectsWith(transact(k, p.client, bytes(2), 1), ERROR_ACCESS_DENIED);
    p.close();
  });

  scenario(register, "I64 TransactNamedPipe from the server", async (k) => {
    const p = pair(k, { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, outBufferSize: 5000, inBufferSize: 6000 });
    k.setState(p.client, PIPE_READMODE_MESSAGE);
    await transactWalk(k, p.server, p.client, 5000);
    p.close();
  });

  scenario(register, "I64 TransactNamedPipe from the client", async (k) => {
    const p = pair(k, { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, outBufferSize: 5000, inBufferSize: 6000 });
    k.setState(p.client, PIPE_READMODE_MESSAGE);
    await transactWalk(k, p.client, p.server, 6000);
    p.close();
  });
}
