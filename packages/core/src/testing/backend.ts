/**
 * The backend suites: runtime-agnostic tests of a kernel32 backend's own
 * machinery, beyond the conformance suite's per-SPEC cases. Each goes
 * through the {@linkcode PipeKernel} port and the public API of
 * `createWinpipe` bound to it, so the Deno and Bun backends run the same
 * bodies:
 *
 * - {@linkcode abortSuite}: an AbortSignal cancels one pending operation.
 * - {@linkcode concurrencySuite}: error codes stay right under concurrency.
 * - {@linkcode eventLoopSuite}: waiting calls never block the event loop.
 * - {@linkcode handleReleaseSuite}: handles are released, round after round.
 *
 * {@linkcode backendSuite} registers all four. {@linkcode exitChildWorkload} is
 * the body of the child process of each backend's exit test.
 *
 * @example
 * ```ts ignore
 * import { backendSuite } from "@winpipe/core/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * backendSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   pendingDelayMs: 150,
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import type { KernelHandle, PipeKernel, ReadData } from "../port.ts";
import { isPipeError } from "../errors.ts";
import {
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_NO_DATA,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_BUSY,
  ERROR_SEM_TIMEOUT,
  GENERIC_READ,
  GENERIC_WRITE,
  NMPWAIT_WAIT_FOREVER,
  PIPE_ACCESS_DUPLEX,
  PIPE_NOWAIT,
  PIPE_TYPE_BYTE,
  PIPE_WAIT,
} from "../constants.ts";
import { createWinpipe, type Winpipe } from "../api/winpipe.ts";
import { type KernelFactory, type SuiteOptions, type TestBody, uniquePipeName } from "./harness.ts";

/** Options of {@linkcode concurrencySuite} (and of {@linkcode backendSuite}). */
export interface ConcurrencySuiteOptions extends SuiteOptions {
  /**
   * How many flushes wait at once in the starvation case: more than the
   * backend has threads (or workers) for calls without an overlapped form.
   * Default 20.
   */
  waitingFlushes?: number;
  /** How long those flushes get to start waiting before the read, in ms. Default 300. */
  flushStartMs?: number;
}

/** Options of {@linkcode handleReleaseSuite} (and of {@linkcode backendSuite}). */
export interface HandleReleaseSuiteOptions extends SuiteOptions {
  /** How many times the pipe is created, used and closed. Default 1000. */
  rounds?: number;
}

/** Options of {@linkcode backendSuite}: those of every suite it registers. */
export type BackendSuiteOptions = ConcurrencySuiteOptions & HandleReleaseSuiteOptions;

/** Resolves after `ms` milliseconds. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Registers `fn` as `name`, skipped when `options.skip` lists the name. */
function add(options: SuiteOptions, name: string, fn: TestBody): void {
  options.register(name, fn, options.skip?.[name]);
}

/** What a read delivered (its bytes and completeness), or what else it settled with (e.g. "timeout"). */
function contentOf(result: ReadData | string): { bytes: Uint8Array; messageComplete: boolean } | string {
  return typeof result === "string" ? result : { bytes: result.bytes, messageComplete: result.messageComplete };
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

/** A byte-mode, max-1 named pipe server on `name`. */
function byteServer<H extends KernelHandle>(
  k: PipeKernel<H>,
  name: string,
  bufferSize = 4096,
  pipeMode = PIPE_TYPE_BYTE | PIPE_WAIT,
): H {
  return k.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_DUPLEX,
    pipeMode,
    maxInstances: 1,
    outBufferSize: bufferSize,
    inBufferSize: bufferSize,
    defaultTimeout: 0,
    inheritable: false,
  });
}

/** A read-write client of `name`. */
function duplexClient<H extends KernelHandle>(k: PipeKernel<H>, name: string): H {
  return k.openPipe({ name, access: GENERIC_READ | GENERIC_WRITE, inheritable: false });
}

/**
 * Registers the abort tests: an AbortSignal cancels one pending operation
 * (read, write, connect, waitNamedPipe, flush, on overlapped handles and on
 * the synchronous ends of an inheritable anonymous pipe). The kernel rejects
 * with a PipeError of ERROR_OPERATION_ABORTED; the public API turns that into
 * the signal's AbortError. The handle stays usable afterwards.
 *
 * @example
 * ```ts ignore
 * import { abortSuite } from "@winpipe/core/testing";
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

/**
 * Registers the concurrency tests: error codes stay right under
 * concurrency. GetLastError is per thread, and a backend runs waiting calls
 * on other threads while the main thread keeps going, so many operations are
 * started at once (failing and succeeding, completing at once and pending)
 * and every outcome is checked against the code it must have. Then: one
 * completion is seen while 200 reads stay pending, and flushes waiting for
 * readers never starve the completions those readers wait for.
 *
 * @example
 * ```ts ignore
 * import { concurrencySuite } from "@winpipe/core/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * concurrencySuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   waitingFlushes: 4 * navigator.hardwareConcurrency + 4,
 * });
 * ```
 */
export function concurrencySuite(factory: KernelFactory, options: ConcurrencySuiteOptions): void {
  const N = 50;

  /** Asserts that `promise` rejects with a PipeError of `code`. */
  async function rejectsWith(promise: Promise<unknown>, code: number, what: string): Promise<void> {
    try {
      await promise;
    } catch (err) {
      assert.ok(
        isPipeError(err, code),
        `${what}: expected code ${code}, got ${err instanceof Error ? err.message : err}`,
      );
      return;
    }
    assert.fail(`${what}: expected code ${code}, but it succeeded`);
  }

  /** Runs `fn` after a random delay of 0 to 10 ms, so that starts interleave with completions. */
  async function later<T>(fn: () => Promise<T>): Promise<T> {
    await delay(Math.floor(Math.random() * 10));
    return fn();
  }

  function pair(k: PipeKernel, pipeMode = PIPE_TYPE_BYTE | PIPE_WAIT): [KernelHandle, KernelHandle] {
    const name = uniquePipeName();
    const server = byteServer(k, name, 4096, pipeMode);
    return [server, duplexClient(k, name)];
  }

  add(
    options,
    "concurrency: hundreds of failing and succeeding operations at once all get their own error code",
    async () => {
      const k = await factory();
      const { connect } = createWinpipe(k);
      const baseline = k.liveHandles();
      let checked = 0;
      const count = <T>(p: Promise<T>) => p.then((v) => (checked++, v));
      for (let round = 0; round < 3; round++) {
        const tasks: Promise<void>[] = [];
        const toClose: KernelHandle[] = [];
        /** A read that the writer's close ends `closeAfterMs` after it started: ERROR_BROKEN_PIPE. */
        const readEndedByClose = (inheritRead: boolean, closeAfterMs: number, what: string) => {
          const { read, write } = k.createPipe(0, inheritRead, false);
          toClose.push(read, write);
          return async () => {
            const reading = k.read(read, 16);
            await delay(closeAfterMs);
            k.close(write);
            await rejectsWith(reading, ERROR_BROKEN_PIPE, what);
          };
        };

        for (let i = 0; i < N; i++) {
          // Opens of names that do not exist: ERROR_FILE_NOT_FOUND (CreateFileW, main thread).
          tasks.push(count(later(() =>
            rejectsWith(
              Promise.resolve().then(() =>
                k.openPipe({ name: uniquePipeName("missing"), access: GENERIC_READ, inheritable: false })
              ),
              ERROR_FILE_NOT_FOUND,
              "CreateFileW of a missing pipe",
            )
          )));
          // The public API's connect: the same code, through its retry logic.
          tasks.push(
            count(later(() => rejectsWith(connect(uniquePipeName("missing")), ERROR_FILE_NOT_FOUND, "connect"))),
          );
          // WaitNamedPipe of a missing pipe (NtFsControlFile): ERROR_FILE_NOT_FOUND.
          tasks.push(
            count(
              later(() =>
                rejectsWith(k.waitNamedPipe(uniquePipeName("missing"), 1000), ERROR_FILE_NOT_FOUND, "WaitNamedPipeW")
              ),
            ),
          );
        }

        for (let i = 0; i < N; i++) {
          // A pending read that the writer's close ends: ERROR_BROKEN_PIPE after a wait off the main thread.
          tasks.push(count(later(readEndedByClose(false, 5, "pending ReadFile when the writer closes"))));
          // A read on a pipe already broken: ERROR_BROKEN_PIPE at once.
          {
            const { read, write } = k.createPipe(0, false, false);
            k.close(write);
            toClose.push(read);
            tasks.push(
              count(later(() => rejectsWith(k.read(read, 16), ERROR_BROKEN_PIPE, "broken ReadFile"))),
            );
          }
          // A write to a pipe whose reader is gone: ERROR_NO_DATA.
          {
            const { read, write } = k.createPipe(0, false, false);
            k.close(read);
            toClose.push(write);
            tasks.push(
              count(
                later(() => rejectsWith(k.write(write, new Uint8Array(4)), ERROR_NO_DATA, "WriteFile, no reader")),
              ),
            );
          }
          // A synchronous (inheritable) end: a read on a waiting thread that the writer's close ends.
          if (i % 10 === 0) {
            tasks.push(count(later(readEndedByClose(true, 20, "synchronous ReadFile when the writer closes"))));
          }
          // A nonblocking read on an empty pipe: ERROR_NO_DATA at once.
          {
            const [server, client] = pair(k, PIPE_TYPE_BYTE | PIPE_NOWAIT);
            toClose.push(server, client);
            tasks.push(
              count(
                later(() =>
                  rejectsWith(
                    k.read(server, 16),
                    ERROR_NO_DATA,
                    "nonblocking ReadFile on an empty pipe",
                  )
                ),
              ),
            );
          }
          // A second client of a busy max-1 pipe: ERROR_PIPE_BUSY.
          {
            const [server, client] = pair(k);
            toClose.push(server, client);
            tasks.push(count(later(() =>
              rejectsWith(
                Promise.resolve().then(() =>
                  k.openPipe({ name: server.pipeName!, access: GENERIC_READ, inheritable: false })
                ),
                ERROR_PIPE_BUSY,
                "CreateFileW of a busy pipe",
              )
            )));
          }
          // A read that waits for data written later: succeeds with exactly that data.
          {
            const [server, client] = pair(k);
            toClose.push(server, client);
            const data = crypto.getRandomValues(new Uint8Array(1 + (i % 32)));
            tasks.push(count(later(async () => {
              const reading = k.read(client, 64);
              await delay(Math.floor(Math.random() * 10));
              assert.equal(await k.write(server, data), data.length);
              const { bytes, messageComplete } = await reading;
              assert.ok(messageComplete);
              assert.deepEqual(bytes, data);
            })));
          }
        }

        // WaitNamedPipe on a busy pipe: ERROR_SEM_TIMEOUT after the timeout.
        for (let i = 0; i < 10; i++) {
          const [server, client] = pair(k);
          toClose.push(server, client);
          tasks.push(
            count(later(() => rejectsWith(k.waitNamedPipe(server.pipeName!, 50), ERROR_SEM_TIMEOUT, "busy wait"))),
          );
        }

        await Promise.all(tasks);
        for (const h of toClose) k.close(h);
      }
      assert.equal(checked, 3 * (3 * N + 6 * N + N / 10 + 10), "every operation checked");
      assert.equal(k.liveHandles(), baseline, "every handle closed");
    },
  );

  add(options, "concurrency: the one read that completes is seen while 200 others stay pending", async () => {
    // A thread per pending operation (from a small pool) would leave this completion unseen until others ended.
    const k = await factory();
    const pipes = Array.from({ length: 200 }, () => k.createPipe(0, false, false));
    const reads = pipes.map(({ read }) => k.read(read, 8));
    await delay(100);
    const last = pipes[pipes.length - 1];
    await k.write(last.write, new Uint8Array([1, 2]));
    const outcome = await Promise.race([reads[reads.length - 1], delay(2000).then(() => "timeout" as const)]);
    assert.deepEqual(contentOf(outcome), { bytes: new Uint8Array([1, 2]), messageComplete: true });
    for (const { write } of pipes) k.close(write);
    const rest = await Promise.allSettled(reads.slice(0, -1));
    assert.ok(rest.every((r) => r.status === "rejected" && isPipeError(r.reason, ERROR_BROKEN_PIPE)));
    for (const { read } of pipes) k.close(read);
  });

  add(
    options,
    "concurrency: more waiting flushes than worker threads never starve the completions readers wait for",
    async () => {
      // FlushFileBuffers has no overlapped form: each waiting flush holds a thread (or a worker) of the
      // backend's pool, and the rest queue. Reads complete another way, so they still complete.
      const k = await factory();
      const flushed = Array.from({ length: options.waitingFlushes ?? 20 }, () => pair(k));
      const flushes = flushed.map(([server, client]) => {
        return k.write(client, new Uint8Array([1])).then(() => k.flush(client)).then(() => server);
      });
      await delay(options.flushStartMs ?? 300);
      // A read elsewhere that must complete while every flush still waits.
      const [s, c] = pair(k);
      const reading = k.read(s, 4);
      await delay(20);
      await k.write(c, new Uint8Array([9]));
      const outcome = await Promise.race([reading, delay(3000).then(() => "timeout" as const)]);
      assert.deepEqual(contentOf(outcome), { bytes: new Uint8Array([9]), messageComplete: true });
      // Now drain every flushed pipe: each flush completes (the queued ones once a thread is free).
      for (const [server] of flushed) await k.read(server, 4);
      await Promise.all(flushes);
      for (const h of [s, c, ...flushed.flat()]) k.close(h);
    },
  );
}

/**
 * Registers the event loop tests: waiting calls never block the event loop.
 * A setInterval keeps ticking while a read waits 500 ms for data, while a
 * server waits 500 ms for a client, and while a flush waits 500 ms for the
 * reader.
 *
 * @example
 * ```ts ignore
 * import { eventLoopSuite } from "@winpipe/core/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * eventLoopSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 */
export function eventLoopSuite(factory: KernelFactory, options: SuiteOptions): void {
  const INTERVAL_MS = 20;
  const WAIT_MS = 500;

  /** Runs `body` with an interval ticking every 20 ms; returns how many ticks happened. */
  async function ticksDuring(body: () => Promise<void>): Promise<number> {
    let ticks = 0;
    const timer = setInterval(() => ticks++, INTERVAL_MS);
    try {
      await body();
    } finally {
      clearInterval(timer);
    }
    return ticks;
  }

  add(options, "event loop: setInterval ticks while a read waits 500 ms for data", async () => {
    const { createPipe } = createWinpipe(await factory());
    using pipe = createPipe();
    const buf = new Uint8Array(16);
    const ticks = await ticksDuring(async () => {
      const started = performance.now();
      const reading = pipe.reader.read(buf);
      setTimeout(() => pipe.writer.write(new Uint8Array([1, 2, 3])), WAIT_MS);
      assert.equal(await reading, 3);
      assert.ok(performance.now() - started >= WAIT_MS - 5, "the read waited for the data");
    });
    // 500 ms at 20 ms: about 25 ticks; a blocked loop gives 0 or 1.
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times during the read`);
  });

  add(options, "event loop: setInterval ticks while a server waits 500 ms for a client", async () => {
    const { connect, createNamedPipe } = createWinpipe(await factory());
    const name = uniquePipeName("accept");
    await using instance = createNamedPipe(name, { maxInstances: 1 });
    const ticks = await ticksDuring(async () => {
      const accepting = instance.connect();
      await delay(WAIT_MS);
      await using client = await connect(name);
      await accepting;
      await client.write(new Uint8Array([7]));
      const buf = new Uint8Array(1);
      assert.equal((await instance.read(buf))?.bytesRead, 1);
    });
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times while the server waited`);
  });

  add(options, "event loop: setInterval ticks while a flush waits 500 ms for the reader", async () => {
    const { connect, createNamedPipe } = createWinpipe(await factory());
    const name = uniquePipeName("flush");
    await using instance = createNamedPipe(name, { maxInstances: 1 });
    await using client = await connect(name);
    await instance.connect();
    const ticks = await ticksDuring(async () => {
      await client.write(new Uint8Array([1, 2]));
      const flushing = client.flush();
      await delay(WAIT_MS);
      await instance.read(new Uint8Array(2));
      await flushing;
    });
    assert.ok(ticks >= 10, `the interval ticked ${ticks} times while the flush waited`);
  });
}

/**
 * Registers the handle release test: a pipe name with max instances 1 is
 * created, connected, used and closed 1000 times in a row (a leaked instance
 * would make the next CreateNamedPipe fail with ERROR_PIPE_BUSY), and the
 * live handle count comes back to where it started after every round.
 *
 * @example
 * ```ts ignore
 * import { handleReleaseSuite } from "@winpipe/core/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * handleReleaseSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 */
export function handleReleaseSuite(factory: KernelFactory, options: HandleReleaseSuiteOptions): void {
  const rounds = options.rounds ?? 1000;
  add(
    options,
    `handle release: a max-instances-1 pipe created, connected, used and closed ${rounds} times`,
    async () => {
      const k = await factory();
      const { connect, createNamedPipe, liveHandles } = createWinpipe(k);
      const name = uniquePipeName("release");
      const baseline = liveHandles();
      const request = new TextEncoder().encode("ping");
      const buf = new Uint8Array(16);
      for (let i = 0; i < rounds; i++) {
        const instance = createNamedPipe(name, { type: "message", readMode: "message", maxInstances: 1 });
        const accepting = instance.connect();
        const client = await connect(name, { readMode: "message" });
        await accepting;
        await client.write(request);
        const got = await instance.read(buf);
        assert.equal(got?.bytesRead, request.length);
        await instance.write(buf.subarray(0, got!.bytesRead));
        assert.equal((await client.read(buf))?.bytesRead, request.length);
        // Alternate who closes first, and leave a read pending on the other end half the time.
        if (i % 2 === 0) {
          const pending = instance.read(buf); // ends with the client's close
          client.close();
          assert.equal(await pending, null, "end of data once the client closed");
          instance.close();
        } else {
          instance.close();
          client.close();
        }
        assert.equal(liveHandles(), baseline, `round ${i}: handles back to the baseline`);
      }
      assert.equal(k.liveHandles(), baseline);
    },
  );
}

/**
 * Registers every backend suite: {@linkcode abortSuite},
 * {@linkcode concurrencySuite}, {@linkcode eventLoopSuite} and
 * {@linkcode handleReleaseSuite}.
 *
 * @example
 * ```ts ignore
 * import { backendSuite } from "@winpipe/core/testing";
 * import { Kernel32 } from "@winpipe/bun";
 * import { test } from "bun:test";
 * backendSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => (skip === undefined ? test(name, fn) : test.skip(`${name} (${skip})`, fn)),
 *   pendingDelayMs: 150,
 * });
 * ```
 */
export function backendSuite(factory: KernelFactory, options: BackendSuiteOptions): void {
  abortSuite(factory, options);
  concurrencySuite(factory, options);
  eventLoopSuite(factory, options);
  handleReleaseSuite(factory, options);
}

/**
 * The body of the child process of a backend's exit test: pipe I/O of every
 * kind through `api`, including operations that were pending when their pipe
 * closed or that were aborted, a flush (a call without an overlapped form),
 * and reads on synchronous handles; then every pipe closed and nothing else.
 * The process must then exit by itself. Prints "child done" at the end.
 *
 * @example
 * ```ts ignore
 * import { exitChildWorkload } from "@winpipe/core/testing";
 * import * as winpipe from "@winpipe/deno";
 * await exitChildWorkload(winpipe, String.raw`\\.\pipe\winpipe-exit-child-` + crypto.randomUUID());
 * ```
 */
export async function exitChildWorkload(
  api: Pick<Winpipe, "callNamedPipe" | "connect" | "createNamedPipe" | "createPipe" | "createServer" | "waitNamedPipe">,
  name: string,
): Promise<void> {
  const { callNamedPipe, connect, createNamedPipe, createPipe, createServer, waitNamedPipe } = api;

  // An anonymous pipe with a read that waits for data, then for the end.
  {
    const pipe = createPipe();
    const buf = new Uint8Array(8);
    const reading = pipe.reader.read(buf);
    await pipe.writer.write(new Uint8Array([1, 2]));
    await reading;
    const end = pipe.reader.read(buf);
    pipe.writer.close();
    await end;
    pipe.reader.close();
  }

  // An inheritable anonymous pipe (synchronous ends): a read pending when its writer closes.
  {
    const pipe = createPipe({ inheritable: "both" });
    const reading = pipe.reader.read(new Uint8Array(8)).catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    pipe.writer.close();
    await reading;
    pipe.reader.close();
  }

  // A server with a pending accept, a client, a flush, a read left pending when the handle closes, an aborted read.
  {
    const server = createServer(name, { type: "message", readMode: "message", maxInstances: 2 });
    const serving = (async () => {
      for await (const conn of server) {
        const message = await conn.readMessage().catch(() => null);
        if (message !== null) await conn.write(message).catch(() => {});
        conn.close();
      }
    })();
    await waitNamedPipe(name, { timeout: 5000 });
    const reply = await callNamedPipe(name, new Uint8Array([9]));
    if (reply[0] !== 9) throw new Error("bad reply");

    const client = await connect(name, { readMode: "message" });
    await client.write(new Uint8Array([1]));
    await client.flush(); // waits until the server has read it
    await client.readMessage();
    const controller = new AbortController();
    const aborted = client.read(new Uint8Array(4), { signal: controller.signal }).catch(() => null);
    controller.abort();
    await aborted;
    const left = client.read(new Uint8Array(4)).catch(() => null); // pending when the client closes
    client.close();
    await left;
    server.close();
    await serving;
  }

  // A lone instance with a ConnectNamedPipe pending when it closes.
  {
    const instance = createNamedPipe(name + "-lone");
    const pending = instance.connect().catch(() => null);
    await new Promise((r) => setTimeout(r, 50));
    instance.close();
    await pending;
  }

  console.log("child done");
}
