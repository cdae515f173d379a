/**
 * Error codes stay right under concurrency. GetLastError is per thread, and
 * this backend runs waiting calls in workers while the main thread keeps
 * going, so many operations are started at once (failing and succeeding,
 * completing at once and pending, through the completion port's worker and
 * the pool's) and every outcome is checked against the code it must have.
 *
 * @module
 */
import { expect } from "bun:test";
import {
  connect,
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_SEM_TIMEOUT,
  GENERIC_READ,
  GENERIC_WRITE,
  isPipeError,
  Kernel32,
  type Kernel32Handle,
  PIPE_ACCESS_DUPLEX,
  PIPE_NOWAIT,
  PIPE_TYPE_BYTE,
  PIPE_WAIT,
} from "../mod.ts";
import { delay, uniqueName, windowsTest } from "./util.ts";

const N = 50;

/** Asserts that `promise` rejects with a PipeError of `code`. */
async function rejectsWith(promise: Promise<unknown>, code: number, what: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (!isPipeError(err, code)) {
      throw new Error(`${what}: expected code ${code}, got ${err instanceof Error ? err.message : err}`);
    }
    return;
  }
  throw new Error(`${what}: expected code ${code}, but it succeeded`);
}

/** Runs `fn` after a random delay of 0 to 10 ms, so that starts interleave with completions. */
async function later<T>(fn: () => Promise<T>): Promise<T> {
  await delay(Math.floor(Math.random() * 10));
  return fn();
}

function pair(k: Kernel32, pipeMode = PIPE_TYPE_BYTE | PIPE_WAIT): [Kernel32Handle, Kernel32Handle] {
  const name = uniqueName();
  const server = k.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_DUPLEX,
    pipeMode,
    maxInstances: 1,
    outBufferSize: 4096,
    inBufferSize: 4096,
    defaultTimeout: 0,
    inheritable: false,
  });
  const client = k.openPipe({ name, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, inheritable: false });
  return [server, client];
}

windowsTest(
  "concurrency: hundreds of failing and succeeding operations at once all get their own error code",
  async () => {
    const k = new Kernel32();
    const baseline = k.liveHandles();
    let checked = 0;
    const count = <T>(p: Promise<T>) => p.then((v) => (checked++, v));
    for (let round = 0; round < 3; round++) {
      const tasks: Promise<void>[] = [];
      const toClose: Kernel32Handle[] = [];

      for (let i = 0; i < N; i++) {
        // Opens of names that do not exist: ERROR_FILE_NOT_FOUND (CreateFileW, main thread).
        tasks.push(count(later(() =>
          rejectsWith(
            Promise.resolve().then(() =>
              k.openPipe({ name: uniqueName("missing"), access: GENERIC_READ, inheritable: false })
            ),
            ERROR_FILE_NOT_FOUND,
            "CreateFileW of a missing pipe",
          )
        )));
        // The public API's connect: the same code, through its retry logic.
        tasks.push(count(later(() => rejectsWith(connect(uniqueName("missing")), ERROR_FILE_NOT_FOUND, "connect"))));
        // WaitNamedPipe of a missing pipe (NtFsControlFile): ERROR_FILE_NOT_FOUND.
        tasks.push(
          count(
            later(() =>
              rejectsWith(k.waitNamedPipe(uniqueName("missing"), 1000), ERROR_FILE_NOT_FOUND, "WaitNamedPipeW")
            ),
          ),
        );
      }

      for (let i = 0; i < N; i++) {
        // A pending read that the writer's close ends: ERROR_BROKEN_PIPE through the completion port's worker.
        {
          const { read, write } = k.createPipe(0, false, false);
          toClose.push(read, write);
          tasks.push(count(later(async () => {
            const reading = k.read(read, new Uint8Array(16));
            await delay(5);
            k.close(write);
            await rejectsWith(reading, ERROR_BROKEN_PIPE, "pending ReadFile when the writer closes");
          })));
        }
        // A read on a pipe already broken: ERROR_BROKEN_PIPE at once.
        {
          const { read, write } = k.createPipe(0, false, false);
          k.close(write);
          toClose.push(read);
          tasks.push(
            count(later(() => rejectsWith(k.read(read, new Uint8Array(16)), ERROR_BROKEN_PIPE, "broken ReadFile"))),
          );
        }
        // A write to a pipe whose reader is gone: ERROR_NO_DATA.
        {
          const { read, write } = k.createPipe(0, false, false);
          k.close(read);
          toClose.push(write);
          tasks.push(
            count(later(() => rejectsWith(k.write(write, new Uint8Array(4)), ERROR_NO_DATA, "WriteFile, no reader"))),
          );
        }
        // A synchronous (inheritable) end: a read through a pool worker that the writer's close ends.
        if (i % 10 === 0) {
          const { read, write } = k.createPipe(0, true, false);
          toClose.push(read, write);
          tasks.push(count(later(async () => {
            const reading = k.read(read, new Uint8Array(16));
            await delay(20);
            k.close(write);
            await rejectsWith(reading, ERROR_BROKEN_PIPE, "synchronous ReadFile when the writer closes");
          })));
        }
        // A nonblocking read on an empty pipe: ERROR_NO_DATA at once.
        {
          const [server, client] = pair(k, PIPE_TYPE_BYTE | PIPE_NOWAIT);
          toClose.push(server, client);
          tasks.push(
            count(
              later(() =>
                rejectsWith(k.read(server, new Uint8Array(16)), ERROR_NO_DATA, "nonblocking ReadFile on an empty pipe")
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
            const buf = new Uint8Array(64);
            const reading = k.read(client, buf);
            await delay(Math.floor(Math.random() * 10));
            expect(await k.write(server, data)).toBe(data.length);
            const { bytesRead, messageComplete } = await reading;
            expect(bytesRead).toBe(data.length);
            expect(messageComplete).toBe(true);
            expect(buf.subarray(0, bytesRead)).toEqual(data);
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
      for (const h of toClose) {
        k.close(h);
      }
    }
    expect(checked).toBe(3 * (3 * N + 6 * N + N / 10 + 10));
    expect(k.liveHandles()).toBe(baseline);
  },
);

windowsTest("concurrency: the one read that completes is seen while 200 others stay pending", async () => {
  const k = new Kernel32();
  const pipes = Array.from({ length: 200 }, () => k.createPipe(0, false, false));
  const reads = pipes.map(({ read }) => k.read(read, new Uint8Array(8)));
  await delay(100);
  const last = pipes[pipes.length - 1];
  await k.write(last.write, new Uint8Array([1, 2]));
  const outcome = await Promise.race([reads[reads.length - 1], delay(2000).then(() => "timeout" as const)]);
  expect(outcome).toEqual({ bytesRead: 2, messageComplete: true });
  for (const { write } of pipes) k.close(write);
  const rest = await Promise.allSettled(reads.slice(0, -1));
  expect(rest.every((r) => r.status === "rejected" && isPipeError(r.reason, ERROR_BROKEN_PIPE))).toBe(true);
  for (const { read } of pipes) k.close(read);
});

windowsTest(
  "concurrency: more waiting flushes than worker slots never starve the completions readers wait for",
  async () => {
    // FlushFileBuffers has no overlapped form: each waiting flush holds a pool worker (16 at most;
    // the rest queue). The completion port has its own worker, so reads still complete.
    const k = new Kernel32();
    const flushed = Array.from({ length: 20 }, () => pair(k));
    const flushes = flushed.map(([server, client]) => {
      return k.write(client, new Uint8Array([1])).then(() => k.flush(client)).then(() => server);
    });
    await delay(300);
    // A read elsewhere that must complete while every flush still waits.
    const [s, c] = pair(k);
    const reading = k.read(s, new Uint8Array(4));
    await delay(20);
    await k.write(c, new Uint8Array([9]));
    const outcome = await Promise.race([reading, delay(3000).then(() => "timeout" as const)]);
    expect(outcome).toEqual({ bytesRead: 1, messageComplete: true });
    // Now drain every flushed pipe: each flush completes (the queued ones once a worker is free).
    for (const [server] of flushed) await k.read(server, new Uint8Array(4));
    await Promise.all(flushes);
    for (const h of [s, c, ...flushed.flat()]) k.close(h);
  },
);
