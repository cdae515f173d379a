/**
 * The abort suite: an AbortSignal cancels one pending operation.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PipeKernel } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import { ERROR_OPERATION_ABORTED, NMPWAIT_WAIT_FOREVER } from "@winpipe/core";
import { createWinpipe } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "../harness.ts";

import { add, byteServer, contentOf, delay, duplexClient, rejection } from "./helpers.ts";

/**
 * Registers the abort tests: an AbortSignal cancels one pending operation
 * (read, write, connect, waitNamedPipe, flush, on overlapped handles and on
 * the synchronous ends of an inheritable anonymous pipe). The kernel rejects
 * with a PipeError of ERROR_OPERATION_ABORTED; the public API turns that into
 * the signal's AbortError. The handle stays usable afterwards.
 *
 * @example
 * ```ts ignore
 * import { abortSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * abortSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 */
export function abortSuite(factory: KernelFactory, options: SuiteOptions): void {
  const pendingMs = options.pendingDelayMs ?? 50;

  /** Aborts after the operation has had time to pend, and checks it rejects with ERROR_OPERATION_ABORTED. */
  async function abortPending(start: (signal: AbortSignal) => Promise<unknown>, what: string): Promise<void> {
    const controller = new AbortController();
    let settled = false;
    const op = start(controller.signal).finally(() => (settled = true));
    await delay(pendingMs);
    assert.ok(!settled, `${what} is pending before the abort`);
    controller.abort();
    await assert.rejects(op, (err) => isPipeError(err, ERROR_OPERATION_ABORTED), `${what} rejects with 995`);
  }

  const test = (name: string, fn: (k: PipeKernel) => Promise<void>) =>
    add(options, `abort: ${name}`, async () => fn(await factory()));

  test("a pending read; the handle reads again afterwards", async (k) => {
    const name = uniquePipeName();
    const s = byteServer(k, name);
    const c = duplexClient(k, name);
    await abortPending((signal) => k.read(c, 8, signal), "ReadFile");
    await k.write(s, new Uint8Array([42]));
    assert.deepEqual(contentOf(await k.read(c, 8)), { bytes: new Uint8Array([42]), messageComplete: true });
    k.close(c);
    k.close(s);
  });

  test("a pending write; later writes are still delivered", async (k) => {
    const name = uniquePipeName();
    const s = byteServer(k, name, 512);
    const c = duplexClient(k, name);
    // More than the buffer holds: the write pends until the reader makes room.
    await abortPending((signal) => k.write(c, new Uint8Array(4096).fill(1), signal), "WriteFile");
    // Whatever part of the cancelled write the pipe had taken, then the next write.
    const taken = k.peek(s).bytesAvailable;
    await k.write(c, new Uint8Array([2, 2, 2]));
    const all: number[] = [];
    while (all.length < taken + 3) all.push(...(await k.read(s, 8192)).bytes);
    assert.deepEqual(all.slice(-3), [2, 2, 2], "the later write arrives whole, after the cancelled one");
    k.close(c);
    k.close(s);
  });

  test("a pending ConnectNamedPipe; the instance still accepts a client afterwards", async (k) => {
    const name = uniquePipeName();
    const s = byteServer(k, name);
    await abortPending((signal) => k.connect(s, signal), "ConnectNamedPipe");
    const c = duplexClient(k, name);
    await k.connect(s); // ERROR_PIPE_CONNECTED: success
    await k.write(c, new Uint8Array([1]));
    assert.equal((await k.read(s, 4)).bytes.length, 1);
    k.close(c);
    k.close(s);
  });

  test("a pending WaitNamedPipe", async (k) => {
    const name = uniquePipeName();
    const s = byteServer(k, name);
    const c = duplexClient(k, name); // the only instance is busy: the wait waits
    await abortPending((signal) => k.waitNamedPipe(name, NMPWAIT_WAIT_FOREVER, signal), "WaitNamedPipeW");
    k.close(c);
    k.close(s);
  });

  test("a pending FlushFileBuffers", async (k) => {
    const name = uniquePipeName();
    const s = byteServer(k, name);
    const c = duplexClient(k, name);
    await k.write(c, new Uint8Array(10)); // unread: the flush waits
    await abortPending((signal) => k.flush(c, signal), "FlushFileBuffers");
    k.close(c);
    k.close(s);
  });

  test("a pending read on a synchronous (inheritable) anonymous-pipe end", async (k) => {
    const { read, write } = k.createPipe(0, true, true);
    await abortPending((signal) => k.read(read, 8, signal), "ReadFile (synchronous handle)");
    await k.write(write, new Uint8Array([5]));
    assert.equal((await k.read(read, 8)).bytes.length, 1);
    k.close(read);
    k.close(write);
  });

  test("an already aborted signal rejects without issuing the call", async (k) => {
    const { read, write } = k.createPipe(0, false, false);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(k.read(read, 1, controller.signal), (e) => isPipeError(e, 995));
    await assert.rejects(k.write(write, new Uint8Array(1), controller.signal), (e) => isPipeError(e, 995));
    // Nothing was written.
    assert.equal(k.peek(read).bytesAvailable, 0);
    k.close(read);
    k.close(write);
  });

  test("through the public API: read, write, connect and waitNamedPipe reject with the AbortError", async (k) => {
    const { connect, createNamedPipe, waitNamedPipe } = createWinpipe(k);
    const isAbortError = (e: unknown) => e instanceof DOMException && e.name === "AbortError";
    const name = uniquePipeName();
    await using instance = createNamedPipe(name, { maxInstances: 1, outBufferSize: 512, inBufferSize: 512 });
    const controller = new AbortController();
    const accepting = instance.connect({ signal: controller.signal });
    await delay(pendingMs);
    controller.abort();
    await assert.rejects(accepting, isAbortError);

    await using conn = await connect(name);
    await instance.connect();
    const reason = new Error("stop reading");
    const c2 = new AbortController();
    const reading = conn.read(new Uint8Array(4), { signal: c2.signal });
    await delay(pendingMs);
    c2.abort(reason);
    assert.equal(await rejection(reading), reason);

    const c3 = new AbortController();
    const writing = conn.write(new Uint8Array(8192), { signal: c3.signal }); // more than the pipe holds
    await delay(pendingMs);
    c3.abort();
    await assert.rejects(writing, isAbortError);

    const c4 = new AbortController();
    const waiting = waitNamedPipe(name, { timeout: Infinity, signal: c4.signal });
    await delay(pendingMs);
    c4.abort();
    await assert.rejects(waiting, isAbortError);
  });
}
