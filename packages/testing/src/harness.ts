/**
 * The runtime-agnostic harness of the conformance suite: how cases are
 * registered with a test runner (Deno.test, bun:test, node:test) and the
 * helpers cases share.
 *
 * @module
 */
import type { KernelHandle, PipeKernel } from "@winpipe/core";
import { isPipeError } from "@winpipe/core";
import { errorName } from "@winpipe/core";

/**
 * A test body.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { TestBody } from "@winpipe/testing";
 * const body: TestBody = () => {
 *   const kernel = createModelKernel();
 *   if (kernel.liveHandles() !== 0) throw new Error("a new kernel has no handles");
 * };
 * await body();
 * ```
 */
export type TestBody = () => void | Promise<void>;

/**
 * Registers one test with the runner. `skip` is the reason to skip it, or
 * undefined to run it.
 *
 * @example
 * ```ts
 * import type { RegisterTest } from "@winpipe/testing";
 * // Deno:
 * const register: RegisterTest = (name, fn, skip) =>
 *   Deno.test({ name: skip ? `${name} (skipped: ${skip})` : name, ignore: skip !== undefined, fn });
 * ```
 */
export type RegisterTest = (name: string, fn: TestBody, skip?: string) => void;

/**
 * Options shared by the suites of `@winpipe/testing`.
 *
 * @example
 * ```ts ignore
 * import { createModelKernel } from "@winpipe/core/model";
 * import { conformanceSuite, type SuiteOptions } from "@winpipe/testing";
 * const options: SuiteOptions = {
 *   register: (name, fn, skip) => Deno.test({ name, ignore: skip !== undefined, fn }),
 *   skip: { A7: "this kernel ignores FILE_FLAG_FIRST_PIPE_INSTANCE" },
 *   pendingDelayMs: 5,
 * };
 * conformanceSuite(() => createModelKernel(), options);
 * ```
 */
export interface SuiteOptions {
  /** Registers each case with the test runner. */
  register: RegisterTest;
  /**
   * Cases to skip, keyed by behaviour id (e.g. "A7") or by full case name, each
   * with the reason (a Wine deviation listed in docs/behaviours.md or a finding in docs/).
   */
  skip?: Record<string, string>;
  /**
   * How long to wait before concluding that an operation is still pending,
   * in ms. The model settles at once; a real kernel needs a moment. Default 50.
   */
  pendingDelayMs?: number;
}

/**
 * Creates the kernel a case runs against. Called once per case.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type KernelFactory, withCase } from "@winpipe/testing";
 * const factory: KernelFactory = () => createModelKernel(); // a fresh kernel for each case
 * await withCase(factory, 5, (ctx) => {
 *   ctx.kernel.name; // "model"
 * });
 * ```
 */
export type KernelFactory = () => PipeKernel | Promise<PipeKernel>;

/**
 * The context handed to each conformance case.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type CaseContext, withCase } from "@winpipe/testing";
 * await withCase(() => createModelKernel(), 5, async (ctx: CaseContext) => {
 *   const { read, write } = ctx.kernel.createPipe(0, false, false);
 *   ctx.track(read); // closed when the case ends
 *   ctx.track(write);
 *   await ctx.isPending(ctx.kernel.read(read, 8)); // true: nothing was written
 * });
 * ```
 */
export interface CaseContext {
  /** The kernel under test. */
  kernel: PipeKernel;
  /** A pipe name unique to this case: `\\.\pipe\winpipe-<random>-<suffix>`. */
  pipeName(suffix?: string): string;
  /** Registers a handle to be closed when the case ends, and returns it. */
  track<H extends KernelHandle>(handle: H): H;
  /** Resolves after `pendingDelayMs`: long enough for a real kernel to complete what it would complete. */
  settle(): Promise<void>;
  /** True when `promise` has neither resolved nor rejected after {@linkcode CaseContext.settle}. */
  isPending(promise: Promise<unknown>): Promise<boolean>;
}

let counter = 0;

/**
 * A pipe name no other test run on this machine uses.
 *
 * @example
 * ```ts
 * import { uniquePipeName } from "@winpipe/testing";
 * uniquePipeName("server").startsWith(String.raw`\\.\pipe\winpipe-`); // true
 * ```
 */
export function uniquePipeName(suffix = ""): string {
  const random = Math.random().toString(36).slice(2, 10);
  counter++;
  return `\\\\.\\pipe\\winpipe-${random}-${counter}${suffix ? "-" + suffix : ""}`;
}

/**
 * Runs `body` with a fresh {@linkcode CaseContext}, closes every tracked
 * handle afterwards (also on failure) and checks that the kernel's live
 * handle count came back to where it started.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { withCase } from "@winpipe/testing";
 * // Fails with "Handle leak: 1 handle(s) still open after the case" if the body leaves one open.
 * await withCase(() => createModelKernel(), 5, (ctx) => {
 *   const { read, write } = ctx.kernel.createPipe(0, false, false);
 *   ctx.kernel.close(read);
 *   ctx.kernel.close(write);
 * });
 * ```
 */
export async function withCase(
  factory: KernelFactory,
  pendingDelayMs: number,
  body: (ctx: CaseContext) => Promise<void> | void,
): Promise<void> {
  const kernel = await factory();
  const baseline = kernel.liveHandles();
  const tracked: KernelHandle[] = [];
  const ctx: CaseContext = {
    kernel,
    pipeName: (suffix?: string) => uniquePipeName(suffix),
    track: (h) => {
      tracked.push(h);
      return h;
    },
    settle: () => new Promise((resolve) => setTimeout(resolve, pendingDelayMs)),
    isPending: async (promise) => {
      let settled = false;
      promise.then(() => (settled = true), () => (settled = true));
      await ctx.settle();
      return !settled;
    },
  };
  try {
    await body(ctx);
  } finally {
    for (const h of tracked.reverse()) kernel.close(h);
    // Let pending operations complete with the close before counting.
    await ctx.settle();
  }
  // Only reached when the body passed: a failure already explains itself.
  const live = kernel.liveHandles();
  if (live !== baseline) {
    throw new Error(`Handle leak: ${live - baseline} handle(s) still open after the case`);
  }
}

/**
 * Awaits `promise` and asserts that it rejects with a PipeError of `code`.
 * Returns the error.
 *
 * @example
 * ```ts
 * import { expectCode } from "@winpipe/testing";
 * import { PipeError, ERROR_BROKEN_PIPE } from "@winpipe/core";
 * await expectCode(Promise.reject(new PipeError(ERROR_BROKEN_PIPE, "ReadFile")), ERROR_BROKEN_PIPE);
 * ```
 */
export async function expectCode(promise: Promise<unknown>, code: number): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (isPipeError(err, code)) return err;
    throw new Error(`Expected ${errorName(code)} but got: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  throw new Error(`Expected ${errorName(code)} but the call succeeded`);
}

/**
 * Calls `fn` and asserts that it throws a PipeError of `code` synchronously.
 * Returns the error.
 *
 * @example
 * ```ts
 * import { expectCodeSync } from "@winpipe/testing";
 * import { PipeError, ERROR_BAD_PIPE } from "@winpipe/core";
 * expectCodeSync(() => { throw new PipeError(ERROR_BAD_PIPE, "PeekNamedPipe"); }, ERROR_BAD_PIPE);
 * ```
 */
export function expectCodeSync(fn: () => unknown, code: number): Error {
  try {
    fn();
  } catch (err) {
    if (isPipeError(err, code)) return err;
    throw new Error(`Expected ${errorName(code)} but got: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  throw new Error(`Expected ${errorName(code)} but the call succeeded`);
}
