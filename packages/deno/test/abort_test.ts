/**
 * An AbortSignal cancels one pending operation (CancelIoEx with its
 * OVERLAPPED, or its IO_STATUS_BLOCK): read, write, connect, waitNamedPipe
 * and flush, on overlapped handles and on the synchronous ends of an
 * inheritable anonymous pipe. The kernel rejects with a PipeError of
 * ERROR_OPERATION_ABORTED; the public API turns that into the signal's
 * AbortError. The handle stays usable afterwards.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  connect,
  createNamedPipe,
  ERROR_OPERATION_ABORTED,
  GENERIC_READ,
  GENERIC_WRITE,
  isPipeError,
  Kernel32,
  type Kernel32Handle,
  NMPWAIT_WAIT_FOREVER,
  PIPE_ACCESS_DUPLEX,
  PIPE_TYPE_BYTE,
  waitNamedPipe,
} from "../mod.ts";
import { delay, onWindows, PENDING_DELAY_MS, uniqueName } from "./util.ts";

const k = new Kernel32();

function server(name: string, bufferSize = 4096): Kernel32Handle {
  return k.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_DUPLEX,
    pipeMode: PIPE_TYPE_BYTE,
    maxInstances: 1,
    outBufferSize: bufferSize,
    inBufferSize: bufferSize,
    defaultTimeout: 0,
    inheritable: false,
  });
}

function client(name: string): Kernel32Handle {
  return k.openPipe({ name, access: GENERIC_READ | GENERIC_WRITE, inheritable: false });
}

/** Aborts after the operation has had time to pend, and checks it rejects with ERROR_OPERATION_ABORTED. */
async function abortPending(start: (signal: AbortSignal) => Promise<unknown>, what: string): Promise<void> {
  const controller = new AbortController();
  let settled = false;
  const op = start(controller.signal).finally(() => (settled = true));
  await delay(PENDING_DELAY_MS);
  assert.ok(!settled, `${what} is pending before the abort`);
  controller.abort();
  await assert.rejects(op, (err) => isPipeError(err, ERROR_OPERATION_ABORTED), `${what} rejects with 995`);
}

function test(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: `abort: ${name}`, ignore: !onWindows, fn });
}

test("a pending read; the handle reads again afterwards", async () => {
  const name = uniqueName();
  const s = server(name);
  const c = client(name);
  await abortPending((signal) => k.read(c, new Uint8Array(8), signal), "ReadFile");
  await k.write(s, new Uint8Array([42]));
  const buf = new Uint8Array(8);
  assert.deepEqual(await k.read(c, buf), { bytesRead: 1, messageComplete: true });
  assert.equal(buf[0], 42);
  k.close(c);
  k.close(s);
});

test("a pending write; later writes are still delivered", async () => {
  const name = uniqueName();
  const s = server(name, 512);
  const c = client(name);
  // More than the buffer holds: the write pends until the reader makes room.
  await abortPending((signal) => k.write(c, new Uint8Array(4096).fill(1), signal), "WriteFile");
  const buf = new Uint8Array(8192);
  // Whatever part of the cancelled write the pipe had taken, then the next write.
  const taken = k.peek(s).bytesAvailable;
  await k.write(c, new Uint8Array([2, 2, 2]));
  let got = 0;
  const all: number[] = [];
  while (got < taken + 3) {
    const { bytesRead } = await k.read(s, buf);
    all.push(...buf.subarray(0, bytesRead));
    got += bytesRead;
  }
  assert.deepEqual(all.slice(-3), [2, 2, 2], "the later write arrives whole, after the cancelled one");
  k.close(c);
  k.close(s);
});

test("a pending ConnectNamedPipe; the instance still accepts a client afterwards", async () => {
  const name = uniqueName();
  const s = server(name);
  await abortPending((signal) => k.connect(s, signal), "ConnectNamedPipe");
  const c = client(name);
  await k.connect(s); // ERROR_PIPE_CONNECTED: success
  await k.write(c, new Uint8Array([1]));
  assert.equal((await k.read(s, new Uint8Array(4))).bytesRead, 1);
  k.close(c);
  k.close(s);
});

test("a pending WaitNamedPipe", async () => {
  const name = uniqueName();
  const s = server(name);
  const c = client(name); // the only instance is busy: the wait waits
  await abortPending((signal) => k.waitNamedPipe(name, NMPWAIT_WAIT_FOREVER, signal), "WaitNamedPipeW");
  k.close(c);
  k.close(s);
});

test("a pending FlushFileBuffers", async () => {
  const name = uniqueName();
  const s = server(name);
  const c = client(name);
  await k.write(c, new Uint8Array(10)); // unread: the flush waits
  await abortPending((signal) => k.flush(c, signal), "FlushFileBuffers");
  k.close(c);
  k.close(s);
});

test("a pending read on a synchronous (inheritable) anonymous-pipe end", async () => {
  const { read, write } = k.createPipe(0, true, true);
  await abortPending((signal) => k.read(read, new Uint8Array(8), signal), "ReadFile (synchronous handle)");
  await k.write(write, new Uint8Array([5]));
  assert.equal((await k.read(read, new Uint8Array(8))).bytesRead, 1);
  k.close(read);
  k.close(write);
});

test("an already aborted signal rejects without issuing the call", async () => {
  const { read, write } = k.createPipe(0, false, false);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(k.read(read, new Uint8Array(1), controller.signal), (e) => isPipeError(e, 995));
  await assert.rejects(k.write(write, new Uint8Array(1), controller.signal), (e) => isPipeError(e, 995));
  // Nothing was written.
  assert.equal(k.peek(read).bytesAvailable, 0);
  k.close(read);
  k.close(write);
});

test("through the public API: read, connect and waitNamedPipe reject with the AbortError", async () => {
  const name = uniqueName();
  await using instance = createNamedPipe(name, { maxInstances: 1 });
  const controller = new AbortController();
  const accepting = instance.connect({ signal: controller.signal });
  await delay(PENDING_DELAY_MS);
  controller.abort();
  await assert.rejects(accepting, (e) => e instanceof DOMException && e.name === "AbortError");

  await using conn = await connect(name);
  await instance.connect();
  const reason = new Error("stop reading");
  const c2 = new AbortController();
  const reading = conn.read(new Uint8Array(4), { signal: c2.signal });
  await delay(PENDING_DELAY_MS);
  c2.abort(reason);
  await assert.rejects(reading, (e) => e === reason);

  const c3 = new AbortController();
  const waiting = waitNamedPipe(name, { timeout: Infinity, signal: c3.signal });
  await delay(PENDING_DELAY_MS);
  c3.abort();
  await assert.rejects(waiting, (e) => e instanceof DOMException && e.name === "AbortError");
});
