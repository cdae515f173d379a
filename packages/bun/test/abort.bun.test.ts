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
import { expect } from "bun:test";
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
import { delay, PENDING_DELAY_MS, uniqueName, windowsTest } from "./util.ts";

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
  return k.openPipe({ name, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, inheritable: false });
}

/** Resolves with the rejection of `promise` (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection, but the operation succeeded");
}

/** Aborts after the operation has had time to pend, and checks it rejects with ERROR_OPERATION_ABORTED. */
async function abortPending(start: (signal: AbortSignal) => Promise<unknown>, what: string): Promise<void> {
  const controller = new AbortController();
  let settled = false;
  const op = start(controller.signal).finally(() => (settled = true));
  await delay(PENDING_DELAY_MS);
  expect(settled, `${what} is pending before the abort`).toBe(false);
  controller.abort();
  const err = await rejection(op);
  expect(isPipeError(err, ERROR_OPERATION_ABORTED), `${what} rejects with 995, got ${err}`).toBe(true);
}

function test(name: string, fn: () => Promise<void>): void {
  windowsTest(`abort: ${name}`, fn);
}

test("a pending read; the handle reads again afterwards", async () => {
  const name = uniqueName();
  const s = server(name);
  const c = client(name);
  await abortPending((signal) => k.read(c, new Uint8Array(8), signal), "ReadFile");
  await k.write(s, new Uint8Array([42]));
  const buf = new Uint8Array(8);
  expect(await k.read(c, buf)).toEqual({ bytesRead: 1, messageComplete: true });
  expect(buf[0]).toBe(42);
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
  expect(all.slice(-3)).toEqual([2, 2, 2]);
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
  expect((await k.read(s, new Uint8Array(4))).bytesRead).toBe(1);
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

test("a pending FlushFileBuffers (a call running in a worker)", async () => {
  const name = uniqueName();
  const s = server(name);
  const c = client(name);
  await k.write(c, new Uint8Array(10)); // unread: the flush waits
  await abortPending((signal) => k.flush(c, signal), "FlushFileBuffers");
  k.close(c);
  k.close(s);
});

test("a pending read on a synchronous (inheritable) anonymous-pipe end (a call running in a worker)", async () => {
  const { read, write } = k.createPipe(0, true, true);
  await abortPending((signal) => k.read(read, new Uint8Array(8), signal), "ReadFile (synchronous handle)");
  await k.write(write, new Uint8Array([5]));
  expect((await k.read(read, new Uint8Array(8))).bytesRead).toBe(1);
  k.close(read);
  k.close(write);
});

test("an already aborted signal rejects without issuing the call", async () => {
  const { read, write } = k.createPipe(0, false, false);
  const controller = new AbortController();
  controller.abort();
  expect(isPipeError(await rejection(k.read(read, new Uint8Array(1), controller.signal)), 995)).toBe(true);
  expect(isPipeError(await rejection(k.write(write, new Uint8Array(1), controller.signal)), 995)).toBe(true);
  // Nothing was written.
  expect(k.peek(read).bytesAvailable).toBe(0);
  k.close(read);
  k.close(write);
});

test("through the public API: read, write, connect and waitNamedPipe reject with the AbortError", async () => {
  const name = uniqueName();
  await using instance = createNamedPipe(name, { maxInstances: 1, outBufferSize: 512, inBufferSize: 512 });
  const controller = new AbortController();
  const accepting = instance.connect({ signal: controller.signal });
  await delay(PENDING_DELAY_MS);
  controller.abort();
  const connectErr = await rejection(accepting);
  expect(connectErr instanceof DOMException && connectErr.name === "AbortError").toBe(true);

  await using conn = await connect(name);
  await instance.connect();
  const reason = new Error("stop reading");
  const c2 = new AbortController();
  const reading = conn.read(new Uint8Array(4), { signal: c2.signal });
  await delay(PENDING_DELAY_MS);
  c2.abort(reason);
  expect(await rejection(reading)).toBe(reason);

  const c3 = new AbortController();
  const writing = conn.write(new Uint8Array(8192), { signal: c3.signal }); // more than the pipe holds
  await delay(PENDING_DELAY_MS);
  c3.abort();
  const writeErr = await rejection(writing);
  expect(writeErr instanceof DOMException && writeErr.name === "AbortError").toBe(true);

  const c4 = new AbortController();
  const waiting = waitNamedPipe(name, { timeout: Infinity, signal: c4.signal });
  await delay(PENDING_DELAY_MS);
  c4.abort();
  const waitErr = await rejection(waiting);
  expect(waitErr instanceof DOMException && waitErr.name === "AbortError").toBe(true);
});
