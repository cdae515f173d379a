/**
 * The concurrency suite: error codes stay right under concurrency.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { KernelHandle, PipeKernel } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import {
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_SEM_TIMEOUT,
  GENERIC_READ,
  PIPE_NOWAIT,
  PIPE_TYPE_BYTE,
  PIPE_WAIT,
} from "@winpipe/core";
import { createWinpipe } from "@winpipe/core";
import { type KernelFactory, uniquePipeName } from "../harness.ts";

import { add, byteServer, type ConcurrencySuiteOptions, contentOf, delay, duplexClient } from "./helpers.ts";

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
 * import { concurrencySuite } from "@winpipe/testing";
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
