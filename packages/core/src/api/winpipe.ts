/**
 * {@linkcode createWinpipe}: the public API bound to one kernel.
 *
 * @module
 */
import type { PipeKernel } from "../port.ts";
import { type AnonymousPipe, createPipeOn, type CreatePipeOptions } from "./anonymous.ts";
import {
  callNamedPipeOn,
  type CallNamedPipeOptions,
  connectOn,
  type ConnectOptions,
  waitNamedPipeOn,
  type WaitNamedPipeOptions,
} from "./client.ts";
import type { PipeConnection } from "./handle.ts";
import { createNamedPipeOn, PipeServer, type ServerInstance, type ServerOptions } from "./server.ts";

/** The public API bound to a kernel. */
export interface Winpipe {
  /**
   * Creates an anonymous pipe (CreatePipe).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe } = createWinpipe(createModelKernel());
   * using pipe = createPipe({ bufferSize: 65536, inheritable: "writer" });
   * await pipe.writer.write(new Uint8Array([1]));
   * ```
   */
  createPipe(options?: CreatePipeOptions): AnonymousPipe;
  /**
   * Creates a server that keeps an instance listening and accepts clients
   * (CreateNamedPipe + ConnectNamedPipe in a loop).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer } = createWinpipe(createModelKernel());
   * using server = createServer(String.raw`\\.\pipe\app`, { type: "message", readMode: "message", maxInstances: 4 });
   * ```
   */
  createServer(name: string, options?: ServerOptions): PipeServer;
  /**
   * Creates one server instance (CreateNamedPipe), listening at once.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createNamedPipe } = createWinpipe(createModelKernel());
   * using instance = createNamedPipe(String.raw`\\.\pipe\one`, { maxInstances: 1 });
   * ```
   */
  createNamedPipe(name: string, options?: ServerOptions): ServerInstance;
  /**
   * Connects to a named pipe server (CreateFile, with WaitNamedPipe while it is busy).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, connect } = createWinpipe(createModelKernel());
   * using server = createServer(String.raw`\\.\pipe\svc`);
   * await using client = await connect(String.raw`\\.\pipe\svc`, { timeout: 5000 });
   * ```
   */
  connect(name: string, options?: ConnectOptions): Promise<PipeConnection>;
  /**
   * Sends one request message and returns the reply (CallNamedPipe).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, callNamedPipe } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\rpc`;
   * using server = createServer(name, { type: "message", readMode: "message" });
   * server.accept().then(async (conn) => {
   *   const request = await conn.readMessage();
   *   await conn.write(request!); // echo
   *   conn.close();
   * });
   * await callNamedPipe(name, new Uint8Array([5])); // Uint8Array [ 5 ]
   * ```
   */
  callNamedPipe(name: string, request: Uint8Array, options?: CallNamedPipeOptions): Promise<Uint8Array>;
  /**
   * Waits until an instance of a pipe is available (WaitNamedPipe); false on timeout.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, waitNamedPipe } = createWinpipe(createModelKernel());
   * using server = createServer(String.raw`\\.\pipe\ready`);
   * await waitNamedPipe(String.raw`\\.\pipe\ready`, { timeout: 1000 }); // true
   * ```
   */
  waitNamedPipe(name: string, options?: WaitNamedPipeOptions): Promise<boolean>;
  /**
   * How many handles the kernel holds open for this process (a leak check).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createPipe, liveHandles } = createWinpipe(createModelKernel());
   * const before = liveHandles();
   * createPipe()[Symbol.dispose]();
   * liveHandles() === before; // true
   * ```
   */
  liveHandles(): number;
}

/**
 * Binds the public API to a kernel: the in-memory model, or a kernel32
 * backend. `kernel` may be a function that returns the kernel when first
 * needed, so that binding on a platform without the kernel does not throw.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * using pipe = pipes.createPipe();
 * await pipe.writer.write(new TextEncoder().encode("hi"));
 * const buf = new Uint8Array(2);
 * await pipe.reader.read(buf); // 2
 * ```
 */
export function createWinpipe(kernel: PipeKernel | (() => PipeKernel)): Winpipe {
  const get = typeof kernel === "function" ? kernel : () => kernel;
  return {
    createPipe: (options) => createPipeOn(get(), options),
    createServer: (name, options) => new PipeServer(get(), name, options),
    createNamedPipe: (name, options) => createNamedPipeOn(get(), name, options),
    connect: (name, options) => connectOn(get(), name, options),
    callNamedPipe: (name, request, options) => callNamedPipeOn(get(), name, request, options),
    waitNamedPipe: (name, options) => waitNamedPipeOn(get(), name, options),
    liveHandles: () => get().liveHandles(),
  };
}
