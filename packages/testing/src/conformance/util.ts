/**
 * Shared vocabulary of the conformance cases: the case type, a per-case
 * scope that tracks handles and pending operations, and assertions on
 * results and Win32 error codes.
 *
 * Everything here goes through the {@linkcode PipeKernel} port only, so the
 * same cases run against the in-memory model and against kernel32.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CreateNamedPipeParams, HandleState, KernelHandle, PipeInfo, PipeKernel, ReadData } from "@winpipe/core";
import { type CaseContext, expectCode, expectCodeSync } from "../harness.ts";
import {
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_BYTE,
  PIPE_TYPE_MESSAGE,
  PIPE_WAIT,
} from "@winpipe/core";

/**
 * One conformance case: a behaviour id, a name that starts with it, and a body.
 *
 * @example
 * ```ts
 * import { type ConformanceCase, conformanceCases } from "@winpipe/testing";
 * const d26: ConformanceCase | undefined = conformanceCases().find((c) => c.id === "D26");
 * d26?.name.startsWith("D26 "); // true
 * ```
 */
export interface ConformanceCase {
  /** The docs/behaviours.md id, e.g. "D26". */
  readonly id: string;
  /** The test name: the id, a space, and what the case shows. */
  readonly name: string;
  /** The body; it runs inside `withCase`, which closes tracked handles afterwards. */
  readonly run: (ctx: CaseContext) => Promise<void>;
}

/** What a completed read or transact delivered. */
export interface Got {
  /** The bytes copied into the buffer. */
  data: Uint8Array;
  /** False when the kernel reported ERROR_MORE_DATA. */
  messageComplete: boolean;
}

/** A kernel's read result as the cases look at it. */
function got(result: ReadData): Got {
  return { data: result.bytes, messageComplete: result.messageComplete };
}

/** How long an operation that should complete may take before the case gives up on it. */
export const COMPLETION_TIMEOUT_MS = 5000;

/** The 11-byte message of Wine's pipe tests: "Bit Bucket" and its NUL. */
export const OBUF: Uint8Array = text("Bit Bucket\0");
/** The 10-byte message of Wine's pipe tests: "More bits" and its NUL. */
export const OBUF2: Uint8Array = text("More bits\0");

/** The bytes of an ASCII string. */
export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** `n` bytes: byte i is `(seed + i) & 0xff`, so misplaced bytes show. */
export function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i) & 0xff;
  return out;
}

/** The concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Asserts that two byte arrays hold the same bytes. */
export function assertBytes(actual: Uint8Array, expected: Uint8Array, what = "data"): void {
  assert.deepEqual(Array.from(actual), Array.from(expected), `${what}: bytes differ`);
}

/**
 * Marks `promise` as handled (a later rejection is not reported as
 * unhandled) and returns it unchanged: awaiting it still throws.
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Resolves or rejects like `promise`, but rejects with a plain Error after
 * `ms` so that a kernel that never completes an operation fails the case
 * instead of hanging the run. The timer is cleared as soon as `promise` settles.
 */
export function within<T>(promise: Promise<T>, what: string, ms = COMPLETION_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Options of {@linkcode Scope.server}: CreateNamedPipeW parameters with test defaults. */
export type ServerOptions = Partial<CreateNamedPipeParams>;

/**
 * The per-case scope: the {@linkcode CaseContext} plus helpers. Every
 * operation started through it gets its own AbortSignal, and every signal
 * not yet used is aborted when the case ends, so no operation outlives the
 * case, and every promise is marked handled.
 */
export interface Scope extends CaseContext {
  /** The kernel under test (same as `kernel`). */
  readonly k: PipeKernel;
  /** A fresh AbortController; aborted at the end of the case. */
  controller(): AbortController;
  /** CreateNamedPipeW with defaults: duplex, byte type, byte read mode, blocking, 1 instance, 1024/1024, no descriptor. */
  server(options?: ServerOptions): KernelHandle;
  /** CreateFileW on `name` with `access` (default GENERIC_READ | GENERIC_WRITE). */
  client(name: string, access?: number): KernelHandle;
  /** A server instance and a client connected to it. */
  pair(options?: ServerOptions, access?: number): { name: string; server: KernelHandle; client: KernelHandle };
  /** A message-type pair; the server in message read mode, the client in byte read mode as CreateFile gives it. */
  messagePair(options?: ServerOptions): { name: string; server: KernelHandle; client: KernelHandle };
  /** CreatePipe(size) with both handles tracked. */
  anonymous(size?: number): { read: KernelHandle; write: KernelHandle };
  /** DuplicateHandle, tracked. */
  duplicate(handle: KernelHandle, inheritable: boolean): KernelHandle;

  /** Starts ReadFile with a `size`-byte buffer. */
  read(handle: KernelHandle, size: number, signal?: AbortSignal): Promise<Got>;
  /** Starts WriteFile. */
  write(handle: KernelHandle, data: Uint8Array, signal?: AbortSignal): Promise<number>;
  /** Starts ConnectNamedPipe. */
  connect(handle: KernelHandle, signal?: AbortSignal): Promise<void>;
  /** Starts FlushFileBuffers. */
  flush(handle: KernelHandle, signal?: AbortSignal): Promise<void>;
  /** Starts TransactNamedPipe with an `outSize`-byte reply buffer. */
  transact(handle: KernelHandle, input: Uint8Array, outSize: number, signal?: AbortSignal): Promise<Got>;
  /** Starts WaitNamedPipeW. */
  waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void>;

  /** A read that must complete with exactly `expected` and the given completeness. */
  expectRead(handle: KernelHandle, size: number, expected: Uint8Array, messageComplete?: boolean): Promise<void>;
  /** A write that must complete having written `expectedCount` bytes (default all). */
  expectWrite(handle: KernelHandle, data: Uint8Array, expectedCount?: number): Promise<void>;
  /** Awaits a started operation (bounded by the completion timeout). */
  done<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Asserts that the operation fails with `code` (bounded by the completion timeout). */
  fails(promise: Promise<unknown>, code: number): Promise<void>;
  /** Asserts that the operation is already settled after a settle delay and failed with `code`. */
  failsAtOnce(promise: Promise<unknown>, code: number, what: string): Promise<void>;
  /** Asserts that a synchronous call throws a PipeError with `code`. */
  failsSync(fn: () => unknown, code: number): void;
  /** Asserts that `promise` is still pending after a settle delay. */
  assertPending(promise: Promise<unknown>, what: string): Promise<void>;
  /** Asserts that `promise` has settled after a settle delay, and returns its value. */
  atOnce<T>(promise: Promise<T>, what: string): Promise<T>;
  /** GetNamedPipeInfo, reduced to the fields of the port's PipeInfo (for deepEqual). */
  info(handle: KernelHandle): PipeInfo;
  /** GetNamedPipeHandleState, reduced to the fields of the port's HandleState (for deepEqual). */
  state(handle: KernelHandle): HandleState;
  /** Peek with no buffer: [bytesAvailable, bytesLeftInMessage]. */
  avail(handle: KernelHandle): [number, number];
}

function makeScope(ctx: CaseContext, controllers: AbortController[]): Scope {
  const k = ctx.kernel;
  const controller = () => {
    const ac = new AbortController();
    controllers.push(ac);
    return ac;
  };
  const sig = (signal?: AbortSignal) => signal ?? controller().signal;
  const scope: Scope = {
    ...ctx,
    kernel: k,
    k,
    controller,
    server(options = {}) {
      const params: CreateNamedPipeParams = {
        name: options.name ?? ctx.pipeName(),
        openMode: options.openMode ?? PIPE_ACCESS_DUPLEX,
        pipeMode: options.pipeMode ?? (PIPE_TYPE_BYTE | PIPE_WAIT),
        maxInstances: options.maxInstances ?? 1,
        outBufferSize: options.outBufferSize ?? 1024,
        inBufferSize: options.inBufferSize ?? 1024,
        defaultTimeout: options.defaultTimeout ?? 0,
        inheritable: options.inheritable ?? false,
        ...(options.securityDescriptor === undefined ? {} : { securityDescriptor: options.securityDescriptor }),
      };
      return ctx.track(k.createNamedPipe(params));
    },
    client(name, access = GENERIC_READ | GENERIC_WRITE) {
      return ctx.track(k.openPipe({ name, access, inheritable: false }));
    },
    pair(options = {}, access) {
      const name = options.name ?? ctx.pipeName();
      const server = scope.server({ ...options, name });
      const client = scope.client(name, access);
      return { name, server, client };
    },
    messagePair(options = {}) {
      return scope.pair({ pipeMode: PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, ...options });
    },
    anonymous(size = 0) {
      const { read, write } = k.createPipe(size, false, false);
      ctx.track(read);
      ctx.track(write);
      return { read, write };
    },
    duplicate(handle, inheritable) {
      return ctx.track(k.duplicate(handle, inheritable));
    },

    read(handle, size, signal) {
      return handled(k.read(handle, size, sig(signal)).then(got));
    },
    write(handle, data, signal) {
      return handled(k.write(handle, data, sig(signal)));
    },
    connect(handle, signal) {
      return handled(k.connect(handle, sig(signal)));
    },
    flush(handle, signal) {
      return handled(k.flush(handle, sig(signal)));
    },
    transact(handle, input, outSize, signal) {
      return handled(k.transact(handle, input, outSize, sig(signal)).then(got));
    },
    waitNamedPipe(name, timeout, signal) {
      return handled(k.waitNamedPipe(name, timeout, sig(signal)));
    },

    async expectRead(handle, size, expected, messageComplete = true) {
      const got = await within(scope.read(handle, size), `ReadFile(${size})`);
      assertBytes(got.data, expected, `ReadFile(${size})`);
      assert.equal(got.messageComplete, messageComplete, `ReadFile(${size}) messageComplete`);
    },
    async expectWrite(handle, data, expectedCount = data.length) {
      const n = await within(scope.write(handle, data), `WriteFile(${data.length})`);
      assert.equal(n, expectedCount, `WriteFile(${data.length}) bytes written`);
    },
    done(promise, what) {
      return within(promise, what);
    },
    async fails(promise, code) {
      await expectCode(within(promise, "the call"), code);
    },
    async failsAtOnce(promise, code, what) {
      assert.equal(await ctx.isPending(promise), false, `${what} should fail at once, but it is pending`);
      await expectCode(promise, code);
    },
    failsSync(fn, code) {
      expectCodeSync(fn, code);
    },
    async assertPending(promise, what) {
      assert.equal(await ctx.isPending(promise), true, `${what} should be pending, but it settled`);
    },
    async atOnce(promise, what) {
      assert.equal(await ctx.isPending(promise), false, `${what} should complete at once, but it is pending`);
      return await promise;
    },
    info(handle) {
      const { flags, outBufferSize, inBufferSize, maxInstances } = k.getInfo(handle);
      return { flags, outBufferSize, inBufferSize, maxInstances };
    },
    state(handle) {
      const { mode, currentInstances } = k.getState(handle);
      return { mode, currentInstances };
    },
    avail(handle) {
      const r = k.peek(handle);
      assert.equal(r.bytesRead, 0, "PeekNamedPipe without a buffer copies nothing");
      return [r.bytesAvailable, r.bytesLeftInMessage];
    },
  };
  return scope;
}

/**
 * Wraps a case body: gives it a {@linkcode Scope} and aborts every
 * operation the body started and left pending when it ends.
 */
export function scoped(body: (s: Scope) => void | Promise<void>): (ctx: CaseContext) => Promise<void> {
  return async (ctx) => {
    const controllers: AbortController[] = [];
    try {
      await body(makeScope(ctx, controllers));
    } finally {
      for (const ac of controllers) ac.abort();
    }
  };
}

/** Defines a case named `${id} ${title}`. */
export function defineCase(id: string, title: string, body: (s: Scope) => void | Promise<void>): ConformanceCase {
  return { id, name: `${id} ${title}`, run: scoped(body) };
}

/** Reads from `handle` until `total` bytes arrived and returns them; each read must deliver something. */
export async function drain(s: Scope, handle: KernelHandle, total: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < total) {
    const r = await s.done(s.read(handle, total - got), "ReadFile while draining");
    assert.ok(r.data.length > 0, "ReadFile while draining returned 0 bytes");
    parts.push(r.data);
    got += r.data.length;
  }
  return concat(...parts);
}
