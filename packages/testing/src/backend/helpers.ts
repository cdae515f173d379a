/**
 * What the backend suites share: registration, waiting, and the pipes they use.
 *
 * @module
 */
import type { KernelHandle, PipeKernel, ReadData } from "@winpipe/core";
import { GENERIC_READ, GENERIC_WRITE, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, PIPE_WAIT } from "@winpipe/core";
import { type SuiteOptions, type TestBody } from "../harness.ts";

/**
 * Options of the concurrency suite.
 *
 * @example
 * ```ts ignore
 * import { concurrencySuite, type ConcurrencySuiteOptions } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * const options: ConcurrencySuiteOptions = { register, waitingFlushes: 4 * navigator.hardwareConcurrency + 4 };
 * concurrencySuite(() => new Kernel32(), options);
 * ```
 */
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

/**
 * Options of the handle release suite.
 *
 * @example
 * ```ts ignore
 * import { handleReleaseSuite, type HandleReleaseSuiteOptions } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * const options: HandleReleaseSuiteOptions = { register, rounds: 100 };
 * handleReleaseSuite(() => new Kernel32(), options);
 * ```
 */
export interface HandleReleaseSuiteOptions extends SuiteOptions {
  /** How many times the pipe is created, used and closed. Default 1000. */
  rounds?: number;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Registers `fn` as `name`, skipped when `options.skip` lists the name. */
export function add(options: SuiteOptions, name: string, fn: TestBody): void {
  options.register(name, fn, options.skip?.[name]);
}

/** What a read delivered (its bytes and completeness), or what else it settled with (e.g. "timeout"). */
export function contentOf(result: ReadData | string): { bytes: Uint8Array; messageComplete: boolean } | string {
  return typeof result === "string" ? result : { bytes: result.bytes, messageComplete: result.messageComplete };
}

/** Resolves with the rejection of `promise` (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection, but the operation succeeded");
}

/** A byte-mode, max-1 named pipe server on `name`. */
export function byteServer<H extends KernelHandle>(
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
export function duplexClient<H extends KernelHandle>(k: PipeKernel<H>, name: string): H {
  return k.openPipe({ name, access: GENERIC_READ | GENERIC_WRITE, inheritable: false });
}
