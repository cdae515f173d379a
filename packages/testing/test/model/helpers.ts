/**
 * Helpers shared by the model's own test suites (runtime-agnostic).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createModelKernel, type ModelHandle, type ModelKernel } from "@winpipe/core/model";
import {
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
} from "@winpipe/core";
import { errorName, isPipeError, type PipeError } from "@winpipe/core";
import type { CreateNamedPipeParams } from "@winpipe/core";
import type { RegisterTest } from "../../src/harness.ts";

let counter = 0;

/** A pipe name no other test uses. */
export function uniqueName(suffix = "pipe"): string {
  counter++;
  return `\\\\.\\pipe\\winpipe-model-${counter}-${suffix}`;
}

/** Registers a test that gets a fresh kernel and must leave no handle open. */
export function scenario(
  register: RegisterTest,
  name: string,
  body: (kernel: ModelKernel) => Promise<void> | void,
): void {
  register(name, async () => {
    const kernel = createModelKernel();
    await body(kernel);
    assert.equal(kernel.liveHandles(), 0, "the test left handles open");
  }, undefined);
}

/** CreateNamedPipeW with test defaults: duplex, byte type, blocking, 1 instance, 1024/1024. */
export function server(kernel: ModelKernel, options: Partial<CreateNamedPipeParams> = {}): ModelHandle {
  return kernel.createNamedPipe({
    name: options.name ?? uniqueName(),
    openMode: options.openMode ?? PIPE_ACCESS_DUPLEX,
    pipeMode: options.pipeMode ?? PIPE_TYPE_BYTE,
    maxInstances: options.maxInstances ?? 1,
    outBufferSize: options.outBufferSize ?? 1024,
    inBufferSize: options.inBufferSize ?? 1024,
    defaultTimeout: options.defaultTimeout ?? 0,
    inheritable: options.inheritable ?? false,
  });
}

/** CreateFileW on `name`. */
export function client(kernel: ModelKernel, name: string, access = GENERIC_READ | GENERIC_WRITE): ModelHandle {
  return kernel.openPipe({ name, access, inheritable: false });
}

/** A server instance and a client connected to it. */
export function pair(
  kernel: ModelKernel,
  options: Partial<CreateNamedPipeParams> = {},
  access?: number,
): { name: string; server: ModelHandle; client: ModelHandle; close(): void } {
  const name = options.name ?? uniqueName();
  const s = server(kernel, { ...options, name });
  const c = client(kernel, name, access);
  return {
    name,
    server: s,
    client: c,
    close() {
      kernel.close(c);
      kernel.close(s);
    },
  };
}

/** A message-type pair, the server in message read mode, the client in byte read mode (as CreateFile gives it). */
export function messagePair(
  kernel: ModelKernel,
  options: Partial<CreateNamedPipeParams> = {},
): ReturnType<typeof pair> {
  return pair(kernel, { pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, ...options });
}

/** `n` bytes: byte i is `(seed + i) & 0xff`. */
export function bytes(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i) & 0xff;
  return out;
}

/** The bytes of a string. */
export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Marks a promise handled (its rejection is checked later or not at all) and returns it. */
export function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Whether `promise` has settled once everything queued so far has run. */
export async function stateOf(promise: Promise<unknown>): Promise<"pending" | "fulfilled" | "rejected"> {
  let state: "pending" | "fulfilled" | "rejected" = "pending";
  promise.then(() => (state = "fulfilled"), () => (state = "rejected"));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return state;
}

/** Asserts that `promise` is still pending. */
export async function assertPending(promise: Promise<unknown>, what: string): Promise<void> {
  assert.equal(await stateOf(promise), "pending", `${what} should be pending`);
}

/** Asserts that `promise` rejects with a PipeError of `code`, and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: number, call?: string): Promise<PipeError> {
  try {
    await promise;
  } catch (error) {
    if (!isPipeError(error, code)) {
      throw new Error(`expected ${errorName(code)}, got ${error instanceof Error ? error.message : String(error)}`);
    }
    if (call !== undefined) assert.equal(error.call, call);
    return error;
  }
  throw new Error(`expected ${errorName(code)}, but the call succeeded`);
}

/** Asserts that `fn` throws a PipeError of `code` synchronously, and returns it. */
export function throwsWith(fn: () => unknown, code: number, call?: string): PipeError {
  try {
    fn();
  } catch (error) {
    if (!isPipeError(error, code)) {
      throw new Error(`expected ${errorName(code)}, got ${error instanceof Error ? error.message : String(error)}`);
    }
    if (call !== undefined) assert.equal(error.call, call);
    return error;
  }
  throw new Error(`expected ${errorName(code)}, but the call succeeded`);
}

/** What a read delivered. */
export interface Got {
  data: Uint8Array;
  messageComplete: boolean;
}

/** Starts a read of `size` bytes. */
export function read(kernel: ModelKernel, handle: ModelHandle, size: number, signal?: AbortSignal): Promise<Got> {
  return started(
    kernel.read(handle, size, signal).then((r) => ({ data: r.bytes, messageComplete: r.messageComplete })),
  );
}

/** Starts a transact with an `outSize`-byte reply buffer. */
export function transact(
  kernel: ModelKernel,
  handle: ModelHandle,
  input: Uint8Array,
  outSize: number,
  signal?: AbortSignal,
): Promise<Got> {
  return started(
    kernel.transact(handle, input, outSize, signal).then((r) => ({
      data: r.bytes,
      messageComplete: r.messageComplete,
    })),
  );
}

/** Asserts what a completed read delivered. */
export function assertGot(got: Got, expected: Uint8Array, messageComplete = true, what = "read"): void {
  assert.deepEqual(Array.from(got.data), Array.from(expected), `${what}: bytes`);
  assert.equal(got.messageComplete, messageComplete, `${what}: messageComplete`);
}

/** Asserts a read of `size` bytes that completes at once with `expected`. */
export async function expectRead(
  kernel: ModelKernel,
  handle: ModelHandle,
  size: number,
  expected: Uint8Array,
  messageComplete = true,
): Promise<void> {
  const pending = read(kernel, handle, size);
  assert.equal(await stateOf(pending), "fulfilled", `read(${size}) should complete at once`);
  assertGot(await pending, expected, messageComplete, `read(${size})`);
}

/** Peek without a buffer: [bytesAvailable, bytesLeftInMessage]. */
export function avail(kernel: ModelKernel, handle: ModelHandle): [number, number] {
  const r = kernel.peek(handle);
  return [r.bytesAvailable, r.bytesLeftInMessage];
}

/** Peek with a buffer of `size`: [bytesRead, bytesAvailable, bytesLeftInMessage]. */
export function peekCounts(kernel: ModelKernel, handle: ModelHandle, size: number): [number, number, number] {
  const r = kernel.peek(handle, new Uint8Array(size));
  return [r.bytesRead, r.bytesAvailable, r.bytesLeftInMessage];
}
