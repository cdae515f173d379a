/**
 * Named pipe servers: single instances with connect and disconnect
 * ({@linkcode ServerInstance}) and an accept loop that keeps an instance
 * listening ({@linkcode PipeServer}).
 *
 * @module
 */
import {
  FILE_FLAG_FIRST_PIPE_INSTANCE,
  FILE_FLAG_WRITE_THROUGH,
  PIPE_ACCESS_DUPLEX,
  PIPE_ACCESS_INBOUND,
  PIPE_ACCESS_OUTBOUND,
  PIPE_REJECT_REMOTE_CLIENTS,
  PIPE_TYPE_MESSAGE,
} from "../constants.ts";
import { abortError, isPipeError } from "../errors.ts";
import type { CreateNamedPipeParams, KernelHandle, PipeKernel } from "../port.ts";
import {
  parsePipeName,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  validateBufferSize,
  validateMaxInstances,
} from "../validate.ts";
import {
  behaviourOf,
  cancellable,
  delay,
  modeBits,
  MODES,
  PipeConnection,
  type PipeMode,
  type SignalOptions,
  type WaitMode,
  WAITS,
} from "./handle.ts";

/** The direction of a pipe, from the server's side (dwOpenMode). */
export type PipeAccess = "duplex" | "inbound" | "outbound";

/** Options of {@linkcode PipeServer} and {@linkcode ServerInstance} creation (CreateNamedPipe). */
export interface ServerOptions {
  /** dwOpenMode direction: "inbound" (clients write), "outbound" (clients read) or "duplex". Default "duplex". */
  access?: PipeAccess;
  /** dwPipeMode type: "byte" (one stream) or "message" (each write one message). Default "byte". */
  type?: PipeMode;
  /** dwPipeMode read mode of the server end; "message" needs type "message". Default "byte". */
  readMode?: PipeMode;
  /** dwPipeMode wait mode of the server end. Default "blocking". */
  wait?: WaitMode;
  /** nMaxInstances: 1 to 255 (255 = unlimited) or "unlimited". Default "unlimited". */
  maxInstances?: number | "unlimited";
  /** nInBufferSize: bytes reserved for data flowing to the server. Default 65536. */
  inBufferSize?: number;
  /** nOutBufferSize: bytes reserved for data flowing to clients. Default 65536. */
  outBufferSize?: number;
  /** nDefaultTimeOut in ms, used by WaitNamedPipe with the default wait; 0 means 50. Default 0. */
  defaultTimeout?: number;
  /**
   * FILE_FLAG_FIRST_PIPE_INSTANCE on the first instance: fail with
   * ERROR_ACCESS_DENIED if the name is already taken, so that no other
   * process squats it. Default true. (Wine 10 ignores the flag.)
   */
  firstInstance?: boolean;
  /** PIPE_REJECT_REMOTE_CLIENTS: refuse clients from other machines. Default true. */
  rejectRemoteClients?: boolean;
  /** FILE_FLAG_WRITE_THROUGH (affects remote byte pipes only). Default false. */
  writeThrough?: boolean;
  /** bInheritHandle: child processes inherit the server handles. Default false. */
  inheritable?: boolean;
}

/** The CreateNamedPipeW parameters of validated options, with FILE_FLAG_FIRST_PIPE_INSTANCE left out. */
export interface ServerConfig {
  params: CreateNamedPipeParams;
  firstInstance: boolean;
}

const ACCESS_BITS: Record<PipeAccess, number> = {
  duplex: PIPE_ACCESS_DUPLEX,
  inbound: PIPE_ACCESS_INBOUND,
  outbound: PIPE_ACCESS_OUTBOUND,
};

/** Validates server options and turns them into CreateNamedPipeW parameters. */
export function serverConfig(name: unknown, options: unknown): ServerConfig {
  const { full } = parsePipeName(name, { localOnly: true });
  const opts = requireOptions<ServerOptions>(options);
  const access = requireChoice(opts.access ?? "duplex", "access", ["duplex", "inbound", "outbound"]);
  const type = requireChoice(opts.type ?? "byte", "type", MODES);
  const readMode = requireChoice(opts.readMode ?? "byte", "readMode", MODES);
  const wait = requireChoice(opts.wait ?? "blocking", "wait", WAITS);
  if (type === "byte" && readMode === "message") {
    throw new TypeError(`readMode "message" needs type "message": a byte pipe can only be read as bytes`);
  }
  const maxInstances = validateMaxInstances(opts.maxInstances ?? "unlimited");
  const inBufferSize = validateBufferSize(opts.inBufferSize ?? 65536, "inBufferSize");
  const outBufferSize = validateBufferSize(opts.outBufferSize ?? 65536, "outBufferSize");
  const defaultTimeout = requireInteger(opts.defaultTimeout ?? 0, "defaultTimeout", 0, 0xfffffffe);
  const firstInstance = requireBoolean(opts.firstInstance ?? true, "firstInstance");
  const rejectRemote = requireBoolean(opts.rejectRemoteClients ?? true, "rejectRemoteClients");
  const writeThrough = requireBoolean(opts.writeThrough ?? false, "writeThrough");
  const inheritable = requireBoolean(opts.inheritable ?? false, "inheritable");
  return {
    firstInstance,
    params: {
      name: full,
      openMode: ACCESS_BITS[access] | (writeThrough ? FILE_FLAG_WRITE_THROUGH : 0),
      pipeMode: (type === "message" ? PIPE_TYPE_MESSAGE : 0) | modeBits(readMode, wait) |
        (rejectRemote ? PIPE_REJECT_REMOTE_CLIENTS : 0),
      maxInstances,
      outBufferSize,
      inBufferSize,
      defaultTimeout,
      inheritable,
    },
  };
}

/** Creates one instance from a config, with or without FILE_FLAG_FIRST_PIPE_INSTANCE. */
function createInstanceHandle(kernel: PipeKernel, config: ServerConfig, first: boolean): KernelHandle {
  const params = { ...config.params };
  if (first) params.openMode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
  return kernel.createNamedPipe(params);
}

/** What a nonblocking ConnectNamedPipe found. */
export type ConnectOutcome = "connected" | "listening" | "client-gone";

const POLL_MS = 10;

/**
 * One instance of a named pipe, server side: a {@linkcode PipeConnection}
 * that also connects and disconnects clients. A new instance is listening at
 * once: a client can open it before {@linkcode ServerInstance.connect} is
 * called.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\example-instance`;
 * await using instance = pipes.createNamedPipe(name, { maxInstances: 1 });
 * const connected = instance.connect();
 * await using client = await pipes.connect(name);
 * await connected;
 * instance.disconnect(); // the client's reads now report the end of the data
 * ```
 */
export class ServerInstance extends PipeConnection {
  #release: ((instance: ServerInstance, closeHandle: () => void) => void) | undefined;

  /**
   * @internal Use createNamedPipe or PipeServer.accept. `release`, given by
   * a PipeServer, runs in place of the close: it calls `closeHandle` when
   * and after what the server decides (see PipeServer).
   */
  constructor(
    kernel: PipeKernel,
    handle: KernelHandle,
    release?: (instance: ServerInstance, closeHandle: () => void) => void,
  ) {
    super(kernel, handle);
    this.#release = release;
  }

  /**
   * Waits for a client (ConnectNamedPipe). Resolves at once when a client
   * already opened the instance (ERROR_PIPE_CONNECTED), and also when a
   * client opened and already closed it (ERROR_NO_DATA): its data is still
   * readable and the next read after it reports the end. On a nonblocking
   * instance the kernel is polled until a client arrives.
   */
  async connect(options?: SignalOptions): Promise<void> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    while ((await this.#connectOnce(signal)) === "listening") await delay(POLL_MS, signal);
  }

  /**
   * One ConnectNamedPipe call, reporting rather than throwing what a
   * nonblocking instance finds: "connected", "listening" (no client yet; the
   * instance keeps listening) or "client-gone" (a client connected and
   * closed; disconnect to listen again). On a blocking instance it waits
   * like {@linkcode ServerInstance.connect}.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * await using instance = pipes.createNamedPipe(String.raw`\\.\pipe\example-try`, { wait: "nonblocking" });
   * await instance.tryConnect(); // "listening"
   * ```
   */
  tryConnect(options?: SignalOptions): Promise<ConnectOutcome> {
    return this.#connectOnce(requireSignal(requireOptions<SignalOptions>(options).signal));
  }

  async #connectOnce(signal: AbortSignal | undefined): Promise<ConnectOutcome> {
    try {
      await cancellable(signal, () => this.kernel.connect(this.kernelHandle, signal));
      return "connected";
    } catch (err) {
      const behaviour = behaviourOf("connect", err);
      if (behaviour === "listening" || behaviour === "client-gone") return behaviour;
      throw err;
    }
  }

  /**
   * Ends the connection with the client (DisconnectNamedPipe): unread data
   * is discarded, and the client's reads report the end of the data (its
   * other calls fail with ERROR_PIPE_NOT_CONNECTED). The instance can then
   * connect another client.
   */
  disconnect(): void {
    this.kernel.disconnect(this.kernelHandle);
  }

  /**
   * Closes the instance (CloseHandle). An instance accepted from a
   * {@linkcode PipeServer} is handed back to it, which may keep the pipe
   * instance alive to listen again (see PipeServer); to the caller it is
   * closed either way.
   */
  override close(): void {
    const release = this.#release;
    this.#release = undefined;
    if (release === undefined || this.closed) super.close();
    else release(this, () => super.close());
  }
}

/**
 * Creates one server instance of a named pipe (CreateNamedPipe), listening
 * at once. Prefer {@linkcode PipeServer} for a server that takes many
 * clients.
 */
export function createNamedPipeOn(kernel: PipeKernel, name: string, options?: ServerOptions): ServerInstance {
  const config = serverConfig(name, options);
  return new ServerInstance(kernel, createInstanceHandle(kernel, config, config.firstInstance));
}

/** The instance that waits for the next client, and its ConnectNamedPipe once one has been issued. */
interface Listener {
  readonly instance: ServerInstance;
  connected?: Promise<void>;
}

/**
 * A named pipe server: keeps an instance listening and hands out each
 * connected instance. While the server is open its name exists: clients
 * never get ERROR_FILE_NOT_FOUND, and while every instance is connected
 * they get ERROR_PIPE_BUSY and wait.
 *
 * - After each accept a new instance is created at once, as long as the
 *   instance limit allows.
 * - When an accepted instance is closed and no instance is listening, the
 *   next listening one is made at once: a new instance while another
 *   instance of the server keeps the name alive; otherwise (the last
 *   instance, e.g. with `maxInstances: 1`) the closed instance itself is
 *   kept and reused, as Windows servers do: its pending operations are
 *   cancelled, the caller's handle is closed, and in the background the
 *   server waits until the client has read everything written to it
 *   (FlushFileBuffers), disconnects it (DisconnectNamedPipe: the client's
 *   reads then report the end of the data) and listens again
 *   (ConnectNamedPipe). Closing the instance never waits for this.
 *
 * Closing the server closes its listening instance and any instance it is
 * reusing; accepted instances belong to the caller and stay open.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\example-server`;
 * const server = pipes.createServer(name);
 * (async () => {
 *   for await (const conn of server) {
 *     const buf = new Uint8Array(64);
 *     const r = await conn.read(buf);
 *     if (r) await conn.write(buf.subarray(0, r.bytesRead)); // echo
 *     conn.close();
 *   }
 * })();
 * await using client = await pipes.connect(name);
 * await client.write(new Uint8Array([1, 2]));
 * await client.read(new Uint8Array(64)); // { bytesRead: 2, messageComplete: true }
 * server.close();
 * ```
 */
export class PipeServer implements AsyncIterable<ServerInstance>, Disposable, AsyncDisposable {
  readonly #kernel: PipeKernel;
  readonly #config: ServerConfig;
  #listening: Listener | undefined;
  /** Accepted instances the caller has not closed yet. */
  readonly #handedOut = new Set<ServerInstance>();
  /** Instances being readied for reuse (their clients finishing): the server's own handles. */
  readonly #reusing = new Set<KernelHandle>();
  #closed = false;
  #accepting: Promise<unknown> = Promise.resolve();
  #slotWaiters: (() => void)[] = [];

  /** @internal Use createServer. */
  constructor(kernel: PipeKernel, name: string, options?: ServerOptions) {
    this.#kernel = kernel;
    this.#config = serverConfig(name, options);
    // The first instance is created now, so that a bad name or a taken name
    // fails here and clients can connect before the first accept().
    this.#listening = { instance: this.#wrap(createInstanceHandle(kernel, this.#config, this.#config.firstInstance)) };
  }

  /** The pipe name. */
  get name(): string {
    return this.#config.params.name;
  }

  /** True once the server is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  #wrap(handle: KernelHandle): ServerInstance {
    return new ServerInstance(this.#kernel, handle, (instance, closeHandle) => this.#release(instance, closeHandle));
  }

  /** Creates an instance to listen next, if none listens and the limit allows; returns whether one listens. */
  #createListening(): boolean {
    if (this.#listening !== undefined) return true;
    if (this.#closed) return false;
    try {
      this.#listening = { instance: this.#wrap(createInstanceHandle(this.#kernel, this.#config, false)) };
      return true;
    } catch (err) {
      // At the instance limit (or out of resources): the next accept() waits
      // for a slot, and surfaces other failures where the caller sees them.
      if (!isPipeError(err)) throw err;
      return false;
    }
  }

  /**
   * An accepted instance is being closed by its owner. See the class
   * documentation for what becomes of it.
   */
  #release(instance: ServerInstance, closeHandle: () => void): void {
    this.#handedOut.delete(instance);
    if (this.#closed || this.#listening !== undefined) {
      closeHandle();
    } else if (this.#handedOut.size > 0 || this.#reusing.size > 0 || this.#createListening()) {
      // Another instance keeps the name alive (or a new one listens already): close, then listen with a new one.
      closeHandle();
      this.#createListening();
    } else {
      this.#reuse(instance, closeHandle);
    }
    this.#wakeSlotWaiters();
  }

  /**
   * Keeps the server's last instance alive for the next client: a
   * duplicate of its handle becomes the server's, the caller's handle is
   * closed, and once the client is done the instance listens again.
   */
  #reuse(instance: ServerInstance, closeHandle: () => void): void {
    const kernel = this.#kernel;
    let kept: KernelHandle;
    try {
      kept = kernel.duplicate(instance.kernelHandle, false);
    } catch {
      closeHandle();
      this.#createListening();
      return;
    }
    // Operations pending on the caller's handle end as a close would end
    // them (closing one of two handles to the instance cancels nothing).
    try {
      kernel.cancelIo(instance.kernelHandle);
    } catch {
      // ERROR_NOT_FOUND: nothing was pending.
    }
    closeHandle();
    this.#reusing.add(kept);
    void this.#relisten(kept);
  }

  /** Waits for the client of a kept instance to finish, disconnects it and makes the instance listen again. */
  async #relisten(handle: KernelHandle): Promise<void> {
    const kernel = this.#kernel;
    try {
      // Until the client has read everything written to it, or has gone: unread data is never discarded.
      await kernel.flush(handle).catch(() => {});
      if (this.#closed || handle.closed) return;
      try {
        kernel.disconnect(handle);
      } catch {
        // ERROR_PIPE_NOT_CONNECTED and the like: nothing is connected; listen all the same.
      }
      if (this.#listening !== undefined) return;
      this.#reusing.delete(handle);
      const instance = this.#wrap(handle);
      // A disconnected instance listens only once ConnectNamedPipe is issued: issue it now.
      const listener: Listener = { instance, connected: instance.connect() };
      listener.connected!.catch(() => {});
      this.#listening = listener;
      this.#wakeSlotWaiters();
    } finally {
      if (this.#reusing.delete(handle)) kernel.close(handle);
    }
  }

  #wakeSlotWaiters(): void {
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The listening instance, once one exists: made now if the limit allows, otherwise when a slot frees up. */
  async #nextListener(signal: AbortSignal | undefined): Promise<Listener> {
    for (;;) {
      this.#throwIfClosed();
      if (this.#createListening()) return this.#listening!;
      if (this.#handedOut.size > 0 || this.#reusing.size > 0) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(abortError(signal));
          if (signal?.aborted) return onAbort();
          signal?.addEventListener("abort", onAbort, { once: true });
          this.#slotWaiters.push(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          });
        });
      } else {
        // Instances of another process hold every slot: nothing tells us when one closes.
        await delay(POLL_MS * 5, signal);
      }
    }
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new ServerClosedError(this.name);
  }

  /**
   * Waits for the next client and resolves with its connected instance. A
   * fresh instance is listening again before this resolves (as long as the
   * instance limit allows; otherwise as soon as an accepted instance is
   * closed). Concurrent calls take turns. An aborted accept leaves the
   * listening instance listening. Rejects with {@linkcode ServerClosedError}
   * once the server is closed.
   */
  accept(options?: SignalOptions): Promise<ServerInstance> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    const turn = this.#accepting.then(() => this.#acceptNow(signal));
    this.#accepting = turn.catch(() => {});
    return turn;
  }

  async #acceptNow(signal: AbortSignal | undefined): Promise<ServerInstance> {
    this.#throwIfClosed();
    const listener = this.#listening ?? await this.#nextListener(signal);
    // One ConnectNamedPipe per listening instance, shared by the accepts that wait for it.
    listener.connected ??= listener.instance.connect();
    listener.connected.catch(() => {});
    try {
      await untilAborted(listener.connected, signal);
    } catch (err) {
      if (this.#closed) throw new ServerClosedError(this.name, { cause: err });
      throw err;
    }
    const instance = listener.instance;
    if (this.#listening === listener) this.#listening = undefined;
    this.#handedOut.add(instance);
    this.#createListening();
    return instance;
  }

  /** Accepts clients until the server is closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ServerInstance, void, undefined> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (err) {
        if (err instanceof ServerClosedError) return;
        throw err;
      }
    }
  }

  /**
   * Stops listening: closes the listening instance and any instance being
   * readied for reuse. Accepted instances stay open. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const listening = this.#listening;
    this.#listening = undefined;
    listening?.instance.close();
    for (const handle of this.#reusing) this.#kernel.close(handle);
    this.#wakeSlotWaiters();
  }

  /** Closes the server. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the server. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** `promise`, or the AbortError of `signal` as soon as it aborts (the promise itself goes on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The server was closed while waiting for a client, or accept() was called
 * after close().
 *
 * @example
 * ```ts
 * import { ServerClosedError } from "@winpipe/core";
 * new ServerClosedError(String.raw`\\.\pipe\x`).message; // 'accept "\\.\pipe\x": the server is closed'
 * ```
 */
export class ServerClosedError extends Error {
  constructor(pipeName: string, options?: ErrorOptions) {
    super(`accept "${pipeName}": the server is closed`, options);
    this.name = "ServerClosedError";
  }
}
