/**
 * The immediate failures suite: a waiting call of a kernel that fails
 * before it reaches the kernel (a closed handle, a signal already aborted)
 * returns a promise that rejects with the call's PipeError; it never
 * throws. The kernel32 layer's waiting calls are promise chains rather than
 * async functions (docs/kernel32.md, "What a pending read holds in the
 * JavaScript heap"), so this is what keeps them promise-shaped.
 *
 * @example
 * ```ts ignore
 * import { immediateFailureSuite } from "@winpipe/testing";
 * import { Kernel32 } from "@winpipe/deno";
 * immediateFailureSuite(() => new Kernel32(), {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 * });
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import { ERROR_INVALID_HANDLE, ERROR_OPERATION_ABORTED, isPipeError } from "@winpipe/core";
import type { KernelHandle } from "@winpipe/core";
import type { KernelFactory, SuiteOptions } from "./harness.ts";

/** Calls `call`, which must return (not throw) a promise that rejects with `code` from `win32Call`. */
async function rejectsAtOnce(what: string, call: () => Promise<unknown>, code: number, win32Call: string) {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (err) {
    assert.fail(`${what} threw instead of returning a rejected promise: ${err}`);
  }
  assert.ok(promise instanceof Promise, `${what} returns a promise`);
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isPipeError(err, code), `${what}: ${err}`);
    assert.equal(err.call, win32Call, what);
    return true;
  });
}

/**
 * Registers the cases (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { immediateFailureSuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * immediateFailureSuite(() => new Kernel32(), { register: windowsRegister });
 * ```
 */
export function immediateFailureSuite(factory: KernelFactory, options: SuiteOptions): void {
  const closed = "immediate failures: read, write, transact and connect on a closed handle reject, they do not throw";
  options.register(closed, async () => {
    const kernel = await factory();
    const { read, write } = kernel.createPipe(0, false, false);
    kernel.close(read);
    kernel.close(write);
    const calls: [string, () => Promise<unknown>, string][] = [
      ["read", () => kernel.read(read, 16), "ReadFile"],
      ["write", () => kernel.write(write, new Uint8Array(4)), "WriteFile"],
      ["transact", () => kernel.transact(write, new Uint8Array(4), 16), "TransactNamedPipe"],
      ["connect", () => kernel.connect(read as KernelHandle), "ConnectNamedPipe"],
    ];
    for (const [what, call, win32Call] of calls) await rejectsAtOnce(what, call, ERROR_INVALID_HANDLE, win32Call);
  }, options.skip?.[closed]);

  const aborted = "immediate failures: read and write with a signal already aborted reject, they do not throw";
  options.register(aborted, async () => {
    const kernel = await factory();
    const { read, write } = kernel.createPipe(0, false, false);
    try {
      const signal = AbortSignal.abort();
      await rejectsAtOnce("read", () => kernel.read(read, 16, signal), ERROR_OPERATION_ABORTED, "ReadFile");
      await rejectsAtOnce(
        "write",
        () => kernel.write(write, new Uint8Array(4), signal),
        ERROR_OPERATION_ABORTED,
        "WriteFile",
      );
    } finally {
      kernel.close(read);
      kernel.close(write);
    }
  }, options.skip?.[aborted]);
}
