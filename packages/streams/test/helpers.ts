/**
 * Helpers shared by the @winpipe/streams suites (runtime-agnostic).
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import {
  createWinpipe,
  type PipeConnection,
  type PipeKernel,
  type PipeServer,
  type ServerOptions,
  type Winpipe,
} from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import type { RegisterTest } from "@winpipe/testing";
import { streams } from "../mod.ts";

export type { RegisterTest };

/**
 * Where the suites run: the kernel behind the API, and what depends on it.
 * The model settles what it can at once; kernel32 completes pending
 * operations through a completion port on another thread (and under Wine
 * through the wineserver), so it needs a longer look before "still pending"
 * means anything.
 */
export interface StreamsBackend {
  /** A label for messages, e.g. "model" or "kernel32-deno". */
  readonly name: string;
  /** A fresh kernel for one scenario. Its liveHandles() must count only what the scenario opened. */
  kernel(): PipeKernel;
  /**
   * How long {@linkcode StreamsContext.isPending} waits before it concludes
   * that an operation is still pending, in ms. 0 means one macrotask turn
   * (enough for the model, which settles at once what it can settle).
   */
  readonly pendingDelayMs: number;
  /** Bytes of the bounded-buffer transfer to a slow reader. Default 64 MiB. */
  readonly backpressureBytes?: number;
  /** Scenarios to skip on this backend: test name -> the reason (a documented deviation). */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * Where node.exe is, for the interop cases with a real Node peer (Windows
   * backends only; see {@linkcode findNodeExe}). Undefined: those cases are
   * not registered (the model cannot start processes).
   */
  readonly nodeExe?: string;
}

/**
 * node.exe for the interop cases: WINPIPE_NODE_EXE, else the test bed's
 * `Z:\win\node.exe` (docs/windows-test-bed.md), else undefined.
 */
export function findNodeExe(): string | undefined {
  for (const candidate of [process.env.WINPIPE_NODE_EXE, String.raw`Z:\win\node.exe`]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The in-memory model: a fresh kernel per scenario, and no extra wait before "pending". */
export const modelBackend: StreamsBackend = {
  name: "model",
  kernel: () => createModelKernel(),
  pendingDelayMs: 0,
};

/** What each suite registers with: the test runner's register function and the backend to run on. */
export interface StreamsSuite {
  register: RegisterTest;
  backend: StreamsBackend;
}

/** What a scenario gets: a fresh kernel and the API bound to it with the stream factories. */
export interface StreamsContext {
  kernel: PipeKernel;
  pipes: Winpipe;
  backend: StreamsBackend;
  /** A pipe name no other test uses. */
  name(suffix?: string): string;
  /** True when `promise` has not settled after the backend's pending delay. */
  isPending(promise: Promise<unknown>): Promise<boolean>;
}

let counter = 0;
/** Distinguishes this process's pipe names from another test process's (kernel32 names are machine-wide). */
const run = Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, "0");

/** Registers a test over a fresh kernel of the suite's backend that must leave no handle open. */
export function scenario(
  suite: StreamsSuite,
  name: string,
  body: (ctx: StreamsContext) => Promise<void> | void,
): void {
  const { register, backend } = suite;
  register(name, async () => {
    const kernel = backend.kernel();
    const baseline = kernel.liveHandles();
    const pipes = createWinpipe(kernel, { streams });
    await body({
      kernel,
      pipes,
      backend,
      name: (suffix = "pipe") => `\\\\.\\pipe\\winpipe-streams-${run}-${++counter}-${suffix}`,
      isPending: (promise) => isPending(promise, backend.pendingDelayMs),
    });
    assert.equal(kernel.liveHandles(), baseline, "the test left handles open");
  }, backend.skip?.[name]);
}

/** A connected pair: the server's instance and the client. Close both (and the server) when done. */
export interface Connected {
  server: PipeServer;
  conn: PipeConnection;
  client: PipeConnection;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates a server, connects a client with the same read mode, and accepts it. */
export async function connected(ctx: StreamsContext, options: ServerOptions = {}): Promise<Connected> {
  const name = ctx.name();
  const server = ctx.pipes.createServer(name, options);
  const accepted = server.accept();
  const client = await ctx.pipes.connect(name, { readMode: options.readMode ?? "byte" });
  const conn = await accepted;
  return {
    server,
    conn,
    client,
    [Symbol.asyncDispose]() {
      server.close();
      conn.close();
      client.close();
      return Promise.resolve();
    },
  };
}

/** Resolves after the macrotask queue had a turn: what the model settles at once has settled by then. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `promise` has not settled after `ms` milliseconds (0: after a tick). */
export async function isPending(promise: Promise<unknown>, ms = 0): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await tick(ms);
  return !settled;
}

/** Concatenates chunks. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Bytes 0, 1, 2, ... (mod 251, so that shifted data does not match by accident). */
export function pattern(length: number, start = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (start + i) % 251;
  return out;
}

/** Every chunk of a stream. */
export async function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Text encoded as UTF-8. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A stream of `items` (ReadableStream.from, which bun-types does not declare yet). */
export function streamOf<T>(items: Iterable<T>): ReadableStream<T> {
  const iterator = items[Symbol.iterator]();
  return new ReadableStream<T>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  }, { highWaterMark: 0 });
}

/**
 * Records the length every ReadFile of `ctx`'s kernel is asked for (a
 * length, never the caller's memory: docs/buffer-ownership.md), in order.
 */
export function recordReadLengths(ctx: StreamsContext): number[] {
  const asked: number[] = [];
  const original = ctx.kernel.read.bind(ctx.kernel);
  ctx.kernel.read = (handle, length, signal) => {
    asked.push(length);
    return original(handle, length, signal);
  };
  return asked;
}

/** Records the bytes of every ReadFile of `ctx`'s kernel as the kernel delivered them (its memory), in order. */
export function recordReadData(ctx: StreamsContext): Uint8Array[] {
  const delivered: Uint8Array[] = [];
  const original = ctx.kernel.read.bind(ctx.kernel);
  ctx.kernel.read = async (handle, length, signal) => {
    const data = await original(handle, length, signal);
    delivered.push(data.bytes);
    return data;
  };
  return delivered;
}

/** One WriteFile a scenario's kernel was asked for. */
export interface RecordedWrite {
  /** The bytes, as the kernel was given them (a view of the caller's memory when `owned`). */
  data: Uint8Array;
  /** Whether the caller handed `data` over until the write settled (no copy needed). */
  owned: boolean;
  /** Whether the write has settled. */
  settled: boolean;
  /** Whether `data` still held the bytes it held at the call when the write settled. */
  intact: boolean;
}

/** The scenario's API over its kernel, recording every WriteFile it makes, in order. */
export function recordWrites(ctx: StreamsContext): { pipes: StreamsContext["pipes"]; calls: RecordedWrite[] } {
  const calls: RecordedWrite[] = [];
  const kernel = new Proxy(ctx.kernel, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key !== "write" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (handle: unknown, data: Uint8Array, signal?: AbortSignal, owned?: boolean) => {
        const call: RecordedWrite = { data, owned: owned === true, settled: false, intact: true };
        calls.push(call);
        const before = data.slice();
        const settle = () => {
          call.settled = true;
          call.intact = data.length === before.length && data.every((b, i) => b === before[i]);
        };
        const writing: Promise<number> = value.call(target, handle, data, signal, owned);
        writing.then(settle, settle);
        return writing;
      };
    },
  }) as PipeKernel;
  return { pipes: createWinpipe(kernel, { streams }), calls };
}

/** The scenario's API over its kernel, counting the WriteFiles it makes (and the largest). */
export function countWrites(
  ctx: StreamsContext,
): { pipes: StreamsContext["pipes"]; writes(): number; largest(): number } {
  const { pipes, calls } = recordWrites(ctx);
  return {
    pipes,
    writes: () => calls.length,
    largest: () => calls.reduce((largest, call) => Math.max(largest, call.data.length), 0),
  };
}
