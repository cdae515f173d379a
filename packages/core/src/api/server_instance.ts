/**
 * {@linkcode ServerInstance}: one instance of a named pipe, server side.
 *
 * @module
 */
import type { KernelHandle } from "../port.ts";
import type { ConnectionTimeouts } from "./connection_timeouts.ts";
import { requireOptions, requireSignal } from "../validate.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { HandleContext } from "./handle_context.ts";
import { PipeConnection } from "./pipe_connection.ts";
import { createInstanceHandle, serverConfig, type ServerOptions } from "./server_config.ts";
import { delay, type SignalOptions } from "./signals.ts";
import { type AccountInfo, clientUserOf, securityOf } from "./security.ts";
import { ERROR_PIPE_LOCAL } from "../constants.ts";
import { isPipeError } from "../errors.ts";

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
   * and after what the server decides (see PipeServer). `timeouts` start
   * when a client is connected.
   */
  constructor(
    context: HandleContext,
    handle: KernelHandle,
    release?: (instance: ServerInstance, closeHandle: () => void) => void,
    timeouts?: ConnectionTimeouts,
  ) {
    super(context, handle, timeouts, false);
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
    } catch (err) {
      const behaviour = behaviourOf("connect", err);
      if (behaviour === "listening") return behaviour;
      if (behaviour !== "client-gone") throw err;
      this.startTimeouts();
      return behaviour;
    }
    this.startTimeouts();
    return "connected";
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
   * The machine a remote client connects from
   * (GetNamedPipeClientComputerNameW), or undefined for a client on this
   * machine (ERROR_PIPE_LOCAL). Servers refuse remote clients unless created
   * with `rejectRemoteClients: false`.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-computer`;
   * await using server = pipes.createNamedPipe(name);
   * await using client = await pipes.connect(name);
   * server.clientComputerName(); // undefined: a local client
   * ```
   */
  clientComputerName(): string | undefined {
    try {
      return securityOf(this.kernel).clientComputerName(this.kernelHandle);
    } catch (err) {
      if (isPipeError(err, ERROR_PIPE_LOCAL)) return undefined;
      throw err;
    }
  }

  /**
   * The user the client runs as: its SID and its account (`DOMAIN\name`).
   * Reads the client's token by impersonating it
   * (ImpersonateNamedPipeClient, OpenThreadToken, GetTokenInformation) and
   * reverts (RevertToSelf) before it returns, whatever fails: impersonation
   * belongs to the OS thread, and JavaScript code running on this thread
   * after an await would run as the client. So it is synchronous, and
   * winpipe never impersonates across an await (docs/security.md).
   *
   * Needs a connected client (ERROR_CANNOT_IMPERSONATE otherwise) that
   * allows at least identification: a client that connected with
   * `impersonation: "anonymous"` gives ERROR_CANT_OPEN_ANONYMOUS.
   *
   * @example A server that logs who called it
   * ```ts ignore
   * import { createServer } from "@winpipe/deno";
   * for await (const conn of createServer(String.raw`\\.\pipe\audited`)) {
   *   const { sid, account } = conn.clientUser();
   *   console.log(`${account ?? sid} (process ${conn.clientProcessId()}) connected`);
   *   conn.close();
   * }
   * ```
   */
  clientUser(): AccountInfo {
    return clientUserOf(this.kernel, this.kernelHandle);
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
  const config = serverConfig(context.kernel, name, options);
  const handle = createInstanceHandle(context.kernel, config, config.firstInstance);
  return new ServerInstance(context, handle, undefined, config.timeouts);
}
