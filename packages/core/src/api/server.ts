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
import { ERROR_PIPE_BUSY } from "../constants.ts";
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
 * instance.disconnect(); // the client's handle is now not connected
 * ```
 */
export class ServerInstance extends PipeConnection {
  #onClose: (() => void) | undefined;

  /** @internal Use createNamedPipe or PipeServer.accept. */
  constructor(kernel: PipeKernel, handle: KernelHandle, onClose?: () => void) {
    super(kernel, handle);
    this.#onClose = onClose;
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
   * is discarded and the client's handle fails with
   * ERROR_PIPE_NOT_CONNECTED. The instance can then connect another client.
   */
  disconnect(): void {
    this.kernel.disconnect(this.kernelHandle);
  }

  override close(): void {
    const wasOpen = !this.closed;
    super.close();
    if (wasOpen) {
      const onClose = this.#onClose;
      this.#onClose = undefined;
      onClose?.();
    }
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

/**
 * A named pipe server: keeps one instance listening and hands out each
 * connected instance. Clients never find the name missing or busy between
 * two accepts while the instance limit allows another instance. Closing the
 * server closes the listening instance; accepted instances belong to the
 * caller and stay open.
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
  #listening: ServerInstance | undefined;
  readonly #handedOut = new Set<ServerInstance>();
  #closed = false;
  #accepting: Promise<unknown> = Promise.resolve();
  #slotWaiters: (() => void)[] = [];

  /** @internal Use createServer. */
  constructor(kernel: PipeKernel, name: string, options?: ServerOptions) {
    this.#kernel = kernel;
    this.#config = serverConfig(name, options);
    // The first instance is created now, so that a bad name or a taken name
    // fails here and clients can connect before the first accept().
    this.#listening = this.#wrap(createInstanceHandle(kernel, this.#config, this.#config.firstInstance));
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
    const instance: ServerInstance = new ServerInstance(this.#kernel, handle, () => this.#released(instance));
    return instance;
  }

  /** An instance closed: a slot may be free for the next one. */
  #released(instance?: ServerInstance): void {
    if (instance) this.#handedOut.delete(instance);
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Creates the next instance, waiting for a free slot while the instance limit is reached. */
  async #createListening(signal: AbortSignal | undefined): Promise<ServerInstance> {
    for (;;) {
      this.#throwIfClosed();
      try {
        return this.#wrap(createInstanceHandle(this.#kernel, this.#config, false));
      } catch (err) {
        if (!isPipeError(err, ERROR_PIPE_BUSY)) throw err;
      }
      if (this.#handedOut.size > 0) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(abortError(signal));
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
   * closed). Concurrent calls take turns. Rejects with
   * {@linkcode ServerClosedError} once the server is closed.
   */
  accept(options?: SignalOptions): Promise<ServerInstance> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    const turn = this.#accepting.then(() => this.#acceptNow(signal));
    this.#accepting = turn.catch(() => {});
    return turn;
  }

  async #acceptNow(signal: AbortSignal | undefined): Promise<ServerInstance> {
    this.#throwIfClosed();
    const instance = this.#listening ??= await this.#createListening(signal);
    try {
      await instance.connect({ signal });
    } catch (err) {
      // An aborted accept leaves the instance listening for the next one.
      if (this.#closed) throw new ServerClosedError(this.name, { cause: err });
      throw err;
    }
    this.#listening = undefined;
    this.#handedOut.add(instance);
    try {
      this.#listening = this.#wrap(createInstanceHandle(this.#kernel, this.#config, false));
    } catch (err) {
      // At the instance limit: the next accept() waits for a slot. Other
      // failures surface there too, where the caller can see them.
      if (!isPipeError(err)) throw err;
    }
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

  /** Stops listening: closes the listening instance. Accepted instances stay open. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listening?.close();
    this.#listening = undefined;
    this.#released();
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
