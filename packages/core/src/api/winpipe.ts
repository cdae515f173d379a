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
  callNamedPipeSyncOn,
  type CallNamedPipeSyncOptions,
  connectOn,
  type ConnectOptions,
  waitNamedPipeOn,
  type WaitNamedPipeOptions,
} from "./client.ts";
import { type ListedPipe, listPipesOn, type ListPipesOptions, pipeExistsOn } from "./discovery.ts";
import type { HandleContext, StreamFactories } from "./handle_context.ts";
import type { SignalOptions } from "./signals.ts";
import type { PipeConnection } from "./pipe_connection.ts";
import { PipeServer } from "./pipe_server.ts";
import type { ServerOptions } from "./server_config.ts";
import { createNamedPipeOn, type ServerInstance } from "./server_instance.ts";
import { type ChildProcess, type InheritedEnd, openInheritedHandleOn, spawnOn, type SpawnOptions } from "./process.ts";
import type { PipeReader, PipeWriter } from "./anonymous.ts";
import { requireOptions } from "../validate.ts";
import { type AccountInfo, currentUserOf } from "./security.ts";

/**
 * Options of {@linkcode createWinpipe}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type WinpipeOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { streams } from "@winpipe/streams";
 * const options: WinpipeOptions = { streams };
 * const { createPipe } = createWinpipe(createModelKernel(), options);
 * using pipe = createPipe();
 * pipe.reader.readable; // a ReadableStream
 * ```
 */
export interface WinpipeOptions {
  /**
   * The factories behind the `readable` / `writable` getters of the handles
   * this binding hands out (connections, server instances, anonymous pipe
   * ends): pass `streams` from `@winpipe/streams`. Without them the getters
   * throw. Core does not depend on `@winpipe/streams`; this is how the two
   * meet.
   */
  streams?: StreamFactories;
}

function requireStreams(value: unknown): StreamFactories | undefined {
  if (value === undefined) return undefined;
  const factories = value as Partial<StreamFactories> | null;
  if (typeof factories?.readable !== "function" || typeof factories.writable !== "function") {
    throw new TypeError(
      `streams must be an object with readable() and writable() methods (streams of "@winpipe/streams"): got ${
        value === null ? "null" : typeof value
      }`,
    );
  }
  return factories as StreamFactories;
}

/**
 * The public API bound to a kernel.
 *
 * @example
 * ```ts
 * import { createWinpipe, type Winpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // Code written against the interface runs on kernel32 (pass `@winpipe/deno`) or on the model.
 * async function ping(pipes: Winpipe, name: string): Promise<Uint8Array> {
 *   return await pipes.callNamedPipe(name, new TextEncoder().encode("ping"), { timeout: 1000 });
 * }
 * const pipes: Winpipe = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\ping`;
 * using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * server.accept().then(async (conn) => {
 *   await conn.write((await conn.readMessage())!);
 *   conn.close();
 * });
 * new TextDecoder().decode(await ping(pipes, name)); // "ping"
 * ```
 */
export interface Winpipe {
  /**
   * Creates an anonymous pipe
   * ([CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe)):
   * a read end and a write end. A write waits while the pipe's buffer is full,
   * until a reader makes room; a read waits for data.
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
   * ([CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew),
   * then
   * [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe)
   * in a loop). The first instance is created at once, so a bad or taken name
   * fails here and clients can connect before the first `accept()`.
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
   * Creates one server instance
   * ([CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew)),
   * listening at once.
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
   * Connects to a named pipe server
   * ([CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew),
   * with
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)
   * while every instance is busy, then
   * [SetNamedPipeHandleState](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-setnamedpipehandlestate)
   * for the read and wait modes asked for).
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
   * Sends one request message and returns the reply
   * ([CallNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-callnamedpipew):
   * open, transact, close). The pipe must be a message pipe.
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
   * {@linkcode Winpipe.callNamedPipe} in the calling thread: opens the pipe
   * (on ERROR_PIPE_BUSY waiting once with
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)),
   * sets message read mode, transacts
   * ([TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe))
   * and closes, as
   * [CallNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-callnamedpipew)
   * does, and returns the reply. **It blocks the event loop** until the
   * reply has come, so the server must be another process or thread; for
   * scripts and CLIs that want the lowest latency. Argument errors throw a
   * TypeError or RangeError before any system call; failures of the calls
   * throw a PipeError. The model, in this thread, throws an Error instead of
   * waiting for a reply.
   *
   * @example
   * ```ts
   * import { createWinpipe, isPipeError } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { callNamedPipeSync } = createWinpipe(createModelKernel());
   * try {
   *   callNamedPipeSync(String.raw`\\.\pipe\no-such-service`, new Uint8Array([1]), { timeout: 1000 });
   * } catch (err) {
   *   isPipeError(err) && err.code; // 2 (ERROR_FILE_NOT_FOUND): no server by that name
   * }
   * ```
   */
  callNamedPipeSync(name: string, request: Uint8Array, options?: CallNamedPipeSyncOptions): Uint8Array;
  /**
   * Waits until an instance of a pipe is available
   * ([WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)):
   * true when one is, false on timeout (ERROR_SEM_TIMEOUT); a pipe that does
   * not exist fails with ERROR_FILE_NOT_FOUND.
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
   * The pipes under `\\.\pipe\` with their current and maximum instance
   * counts (NtQueryDirectoryFile on the pipe file system), sorted by name,
   * optionally only those with a `prefix` or matching a `pattern` (`*`,
   * `?`; case-insensitive). Opens no pipe. Where the pipe file system cannot
   * list its names (Wine 10), it throws a PipeError that says so: use
   * {@linkcode Winpipe.pipeExists} there.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, listPipes } = createWinpipe(createModelKernel());
   * using server = createServer(String.raw`\\.\pipe\app-events`, { maxInstances: 4 });
   * listPipes({ pattern: "app-*" }); // [{ name: "\\\\.\\pipe\\app-events", instances: 1, maxInstances: 4 }]
   * ```
   */
  listPipes(options?: ListPipesOptions): ListedPipe[];
  /**
   * Whether a pipe of this name exists now, asked without listing and
   * without connecting to its server (WaitNamedPipe for the shortest time:
   * a busy pipe exists too). Works where listing does not (Wine 10).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, pipeExists } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\maybe`;
   * await pipeExists(name); // false
   * using server = createServer(name);
   * await pipeExists(name); // true
   * ```
   */
  pipeExists(name: string, options?: SignalOptions): Promise<boolean>;
  /**
   * Starts a Windows program whose standard handles are pipe ends
   * ([CreateProcessW](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-createprocessw)
   * with STARTF_USESTDHANDLES). The child inherits its three standard handles
   * and `options.handles`, and nothing else
   * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), so no stray write end keeps a reader
   * here from seeing the end of its data. Defaults: stdin `"null"`, stdout
   * `"pipe"`, stderr `"inherit"`. Throws on a kernel that cannot start
   * processes (the model).
   *
   * A batch file (`.bat`, `.cmd`) runs through the system's cmd.exe with its
   * arguments quoted for cmd, as Deno.Command does, so an argument such as
   * `"&calc` reaches the script as text instead of running `calc` (the
   * BatBadBut flaw); an argument with CR or LF is a TypeError there.
   *
   * @example Reading a child's output as lines of text
   * ```ts ignore
   * import { spawn } from "@winpipe/deno"; // or "@winpipe/bun"
   * await using child = spawn("cmd.exe", ["/c", "for /l %i in (1,1,3) do @echo line %i"]);
   * const text = child.stdout!.readable.pipeThrough(new TextDecoderStream());
   * for await (const chunk of text) console.log(chunk); // "line 1\r\nline 2\r\nline 3\r\n", in chunks
   * await child.wait(); // 0
   * ```
   */
  spawn(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /**
   * Opens a pipe end this process inherited from its parent, by the value the
   * parent passed on (`end.handleValue()` there, for an end it passed in
   * spawn's `handles`; a number or its decimal string). Fails with a PipeError
   * of ERROR_INVALID_HANDLE when the value is not a pipe handle of this process
   * ([GetFileType](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfiletype)).
   *
   * @example A child writing to the pipe its parent passed as argument 1
   * ```ts ignore
   * import { openInheritedHandle } from "@winpipe/deno"; // or "@winpipe/bun"
   * using writer = openInheritedHandle(Deno.args[0], "writer");
   * await writer.write(new TextEncoder().encode("hello, parent"));
   * ```
   */
  openInheritedHandle(value: number | string, end: "reader"): PipeReader;
  /** Opens an inherited write end: see the `"reader"` overload. */
  openInheritedHandle(value: number | string, end: "writer"): PipeWriter;
  /** Opens an inherited end of either kind: see the `"reader"` overload. */
  openInheritedHandle(value: number | string, end: InheritedEnd): PipeReader | PipeWriter;
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
  /**
   * The user this process runs as (OpenProcessToken, GetTokenInformation,
   * LookupAccountSidW): the user `security: "current-user"` lets in and
   * `serverOwner: "current-user"` requires. Handy to compose SDDL.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, currentUser } = createWinpipe(createModelKernel());
   * const { sid, account } = currentUser(); // "S-1-5-21-...-1001", "MODEL\\user"
   * // The current user and SYSTEM, and sandboxed (low integrity) processes of that user too:
   * using server = createServer(String.raw`\\.\pipe\low`, { security: `O:${sid}D:P(A;;GA;;;${sid})(A;;GA;;;SY)S:(ML;;NW;;;LW)` });
   * ```
   */
  currentUser(): AccountInfo;
}

/**
 * Binds the public API to a kernel: the in-memory model, or a kernel32
 * backend. `kernel` may be a function that returns the kernel when first
 * needed, so that binding on a platform without the kernel does not throw.
 * With `options.streams` (from `@winpipe/streams`), the handles it hands out
 * get working `readable` / `writable` getters.
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
 *
 * @example With WHATWG streams
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { streams } from "@winpipe/streams";
 * const pipes = createWinpipe(createModelKernel(), { streams });
 * using pipe = pipes.createPipe();
 * const text = new Response(pipe.reader.readable).text();
 * await ReadableStream.from(["hello"]).pipeThrough(new TextEncoderStream()).pipeTo(pipe.writer.writable);
 * await text; // "hello"
 * ```
 */
export function createWinpipe(kernel: PipeKernel | (() => PipeKernel), options?: WinpipeOptions): Winpipe {
  const get = typeof kernel === "function" ? kernel : () => kernel;
  const streams = requireStreams(requireOptions<WinpipeOptions>(options).streams);
  // Made when a handle is made, so that a kernel that cannot load fails there.
  const context = (): HandleContext => ({ kernel: get(), streams });
  return {
    createPipe: (options) => createPipeOn(context(), options),
    createServer: (name, options) => new PipeServer(context(), name, options),
    createNamedPipe: (name, options) => createNamedPipeOn(context(), name, options),
    connect: async (name, options) => await connectOn(context(), name, options),
    // async, so that a kernel that cannot load rejects like every other failure of these.
    callNamedPipe: async (name, request, options) => await callNamedPipeOn(get(), name, request, options),
    callNamedPipeSync: (name, request, options) => callNamedPipeSyncOn(get(), name, request, options),
    waitNamedPipe: async (name, options) => await waitNamedPipeOn(get(), name, options),
    listPipes: (options) => listPipesOn(get(), options),
    pipeExists: async (name, options) => await pipeExistsOn(get(), name, options),
    spawn: (command, args, options) => spawnOn(context(), command, args, options),
    openInheritedHandle:
      ((value: number | string, end: InheritedEnd) => openInheritedHandleOn(context(), value, end)) as Winpipe[
        "openInheritedHandle"
      ],
    liveHandles: () => get().liveHandles(),
    currentUser: () => currentUserOf(get()),
  };
}
