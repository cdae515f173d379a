/**
 * {@linkcode ServerInstance}: one instance of a named pipe, server side.
 *
 * @module
 */
import type { KernelHandle } from "../port.ts";
import { requireOptions, requireSignal } from "../validate.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { HandleContext } from "./handle_context.ts";
import { PipeConnection } from "./pipe_connection.ts";
import { createInstanceHandle, serverConfig, type ServerOptions } from "./server_config.ts";
import { delay, type SignalOptions } from "./signals.ts";

/**
 * What a nonblocking ConnectNamedPipe found.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ConnectOutcome } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createNamedPipe, connect } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\outcome`;
 * await using instance = createNamedPipe(name, { wait: "nonblocking" });
 * let outcome: ConnectOutcome = await instance.tryConnect(); // "listening"
 * await using client = await connect(name);
 * outcome = await instance.tryConnect(); // "connected"
 * ```
 */
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
    context: HandleContext,
    handle: KernelHandle,
    release?: (instance: ServerInstance, closeHandle: () => void) => void,
  ) {
    super(context, handle);
    this.#release = release;
  }

  /**
   * Waits for a client
   * ([ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe)).
   * Resolves at once when a client already opened the instance
   * (ERROR_PIPE_CONNECTED), and also when a client opened and already closed it
   * (ERROR_NO_DATA): its data is still readable and the next read after it
   * reports the end. On a nonblocking instance the kernel is polled until a
   * client arrives.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createNamedPipe, connect } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\instance-connect`;
   * await using instance = createNamedPipe(name);
   * const connected = instance.connect(); // waits for a client
   * await using client = await connect(name);
   * await connected;
   * ```
   */
  async connect(options?: SignalOptions): Promise<void> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    while ((await this.#connectOnce(signal)) === "listening") await delay(POLL_MS, signal);
  }

  /**
   * One
   * [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe)
   * call, reporting rather than throwing what a nonblocking instance finds:
   * "connected", "listening" (no client yet; the instance keeps listening) or
   * "client-gone" (a client connected and closed; disconnect to listen again).
   * On a blocking instance it waits like {@linkcode ServerInstance.connect}.
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
   * Ends the connection with the client
   * ([DisconnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-disconnectnamedpipe)):
   * unread data is discarded, and the client's reads report the end of the data
   * (its other calls fail with ERROR_PIPE_NOT_CONNECTED). The instance can then
   * connect another client.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createNamedPipe, connect } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\instance-disconnect`;
   * await using instance = createNamedPipe(name, { maxInstances: 1 });
   * const connected = instance.connect();
   * await using client = await connect(name);
   * await connected;
   * instance.disconnect();
   * await client.read(new Uint8Array(8)); // null: the end of the data
   * ```
   */
  disconnect(): void {
    this.kernel.disconnect(this.kernelHandle);
  }

  /**
   * Closes the instance
   * ([CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle)).
   * An instance accepted from a {@linkcode PipeServer} is handed back to it,
   * which may keep the pipe instance alive to listen again (see PipeServer); to
   * the caller it is closed either way.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, connect } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\instance-close`;
   * using server = createServer(name, { maxInstances: 1 });
   * const accepted = server.accept();
   * await using client = await connect(name);
   * const conn = await accepted;
   * conn.close(); // the server keeps the instance and listens again once the client is done
   * conn.closed; // true
   * ```
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
export function createNamedPipeOn(context: HandleContext, name: string, options?: ServerOptions): ServerInstance {
  const config = serverConfig(name, options);
  return new ServerInstance(context, createInstanceHandle(context.kernel, config, config.firstInstance));
}
