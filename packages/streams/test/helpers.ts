/**
 * Helpers shared by the @winpipe/streams suites (runtime-agnostic).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWinpipe, type PipeConnection, type PipeServer, type ServerOptions, type Winpipe } from "@winpipe/core";
import { createModelKernel, type ModelKernel } from "@winpipe/core/model";
import type { RegisterTest } from "@winpipe/core/testing";
import { streams } from "../mod.ts";

export type { RegisterTest };

/** What a scenario gets: a fresh model kernel and the API bound to it with the stream factories. */
export interface StreamsContext {
  kernel: ModelKernel;
  pipes: Winpipe;
  /** A pipe name no other test uses. */
  name(suffix?: string): string;
}

let counter = 0;

/** Registers a test over a fresh model kernel that must leave no handle open. */
export function scenario(
  register: RegisterTest,
  name: string,
  body: (ctx: StreamsContext) => Promise<void> | void,
): void {
  register(name, async () => {
    const kernel = createModelKernel();
    const pipes = createWinpipe(kernel, { streams });
    await body({
      kernel,
      pipes,
      name: (suffix = "pipe") => `\\\\.\\pipe\\winpipe-streams-${++counter}-${suffix}`,
    });
    assert.equal(kernel.liveHandles(), 0, "the test left handles open");
  });
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

/** True when `promise` has not settled after a tick. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await tick();
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
