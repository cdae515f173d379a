/**
 * The message ending suite: how whole-message reads (readMessage,
 * transact, callNamedPipe) report a writer that ends. At a message
 * boundary that is the end of the data (null); in the middle of a message,
 * a {@linkcode PipeError} with ERROR_BROKEN_PIPE whose `partialMessage`
 * holds the bytes that arrived. The writer dies at a chosen moment, right
 * after the first part of the message was read (a kernel wrapper does it):
 * its pending write is cancelled and its handle closed, as when its
 * process exits (Windows cancels a dying thread's I/O, which takes the
 * unread rest of a message with it, H58; closing alone would leave
 * the pending write queued on Windows, docs/wine-findings.md W-G53).
 *
 * @example
 * ```ts ignore
 * import { messageEndingSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * messageEndingSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_BROKEN_PIPE } from "@winpipe/core";
import { isPipeError, PipeError } from "@winpipe/core";
import { createWinpipe } from "@winpipe/core";
import type { KernelHandle, PipeKernel, ReadData } from "@winpipe/core";
import { type KernelFactory, type SuiteOptions, uniquePipeName } from "./harness.ts";

/** `size` bytes of a pattern. */
function pattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 13 + 5) & 0xff);
}

/**
 * A kernel that runs `after` once, when a read or transact on `handle()`
 * first returns part of a message, before the caller sees that part.
 */
function onFirstPart(kernel: PipeKernel, handle: () => KernelHandle | undefined, after: () => void): PipeKernel {
  let done = false;
  const hook = (result: ReadData, on: KernelHandle) => {
    if (!done && !result.messageComplete && on === handle()) {
      done = true;
      after();
    }
    return result;
  };
  return new Proxy(kernel, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (property === "read" || property === "transact") {
        return (on: KernelHandle, ...args: unknown[]) =>
          (value.apply(target, [on, ...args]) as Promise<ReadData>).then((result) => hook(result, on));
      }
      return (...args: unknown[]) => value.apply(target, args);
    },
  });
}

/** What happens to a writer whose process dies: its pending I/O is cancelled and its handle closed. */
function die(kernel: PipeKernel, handle: KernelHandle): void {
  try {
    kernel.cancelIo(handle);
  } catch {
    // ERROR_NOT_FOUND: nothing was pending.
  }
  kernel.close(handle);
}

/** Checks that `err` reports a message cut short: ERROR_BROKEN_PIPE with a non-empty prefix of `whole`. */
function assertCutShort(err: unknown, whole: Uint8Array): true {
  assert.ok(isPipeError(err, ERROR_BROKEN_PIPE), `expected ERROR_BROKEN_PIPE, got ${err}`);
  const partial = (err as PipeError).partialMessage;
  assert.ok(partial !== undefined && partial.length > 0, "the bytes that arrived are in partialMessage");
  assert.ok(partial.length < whole.length, `${partial.length} of ${whole.length} bytes: not the whole message`);
  assert.deepEqual(partial, whole.subarray(0, partial.length));
  assert.match((err as Error).message, /before it was complete/);
  return true;
}

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { messageEndingSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/bun";
 * import { Kernel32 } from "@winpipe/bun";
 * messageEndingSuite(() => new Kernel32(), { register, pendingDelayMs: 150 });
 * ```
 */
export function messageEndingSuite(factory: KernelFactory, options: SuiteOptions): void {
  const add = (name: string, fn: (kernel: PipeKernel) => Promise<void>) =>
    options.register(
      `message ending: ${name}`,
      async () => fn(await factory()),
      options.skip?.[`message ending: ${name}`],
    );

  add(
    "readMessage reports a writer gone in the middle of a message with ERROR_BROKEN_PIPE and the bytes that came",
    async (kernel) => {
      const ends: { server?: KernelHandle; writer?: KernelHandle } = {};
      const pipes = createWinpipe(onFirstPart(kernel, () => ends.server, () => die(kernel, ends.writer!)));
      const name = uniquePipeName("cut-read");
      await using instance = pipes.createNamedPipe(name, {
        type: "message",
        readMode: "message",
        inBufferSize: 1024,
        outBufferSize: 1024,
      });
      ends.server = instance.kernelHandle;
      const client = await pipes.connect(name, { readMode: "message" });
      ends.writer = client.kernelHandle;
      await instance.connect();
      // Far more than the pipe buffers: the write is still pending when its writer closes.
      const message = pattern(300_000);
      const writing = client.write(message);
      writing.catch(() => {});
      await assert.rejects(instance.readMessage(), (err) => assertCutShort(err, message));
      // After the cut-off message: the end of the data.
      assert.equal(await instance.readMessage(), null);
      client.close();
    },
  );

  add(
    "transact reports a reply cut off in the middle with ERROR_BROKEN_PIPE and the bytes that came",
    async (kernel) => {
      const ends: { client?: KernelHandle; server?: KernelHandle } = {};
      const pipes = createWinpipe(onFirstPart(kernel, () => ends.client, () => die(kernel, ends.server!)));
      const name = uniquePipeName("cut-transact");
      const instance = pipes.createNamedPipe(name, {
        type: "message",
        readMode: "message",
        inBufferSize: 1024,
        outBufferSize: 1024,
      });
      ends.server = instance.kernelHandle;
      await using conn = await pipes.connect(name, { readMode: "message" });
      ends.client = conn.kernelHandle;
      await instance.connect();
      const reply = pattern(300_000);
      const serving = (async () => {
        await instance.readMessage();
        await instance.write(reply);
      })();
      serving.catch(() => {});
      await assert.rejects(conn.transact(new Uint8Array([1])), (err) => assertCutShort(err, reply));
      instance.close();
    },
  );

  add("readMessage returns null when the writer ends between two messages", async (kernel) => {
    const pipes = createWinpipe(kernel);
    const name = uniquePipeName("end-between");
    await using instance = pipes.createNamedPipe(name, { type: "message", readMode: "message" });
    const client = await pipes.connect(name);
    await instance.connect();
    await client.write(pattern(100));
    client.close();
    assert.deepEqual(await instance.readMessage(), pattern(100));
    assert.equal(await instance.readMessage(), null);
  });
}
