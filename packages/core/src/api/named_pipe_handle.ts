/**
 * {@linkcode NamedPipeHandle}: what any end of a named pipe can tell about
 * the pipe and its two ends: its security descriptor, and the process and
 * session ids of its client and its server (docs/security.md).
 *
 * @module
 */
import { PipeHandle } from "./pipe_handle.ts";
import { securityOf } from "./security.ts";

/**
 * An end of a named pipe: a {@linkcode PipeHandle} that can also read the
 * pipe's security descriptor and the ids of the processes at its two ends.
 * {@linkcode PipeConnection} (and so a server's instance) is one.
 *
 * @example
 * ```ts
 * import { createWinpipe, NamedPipeHandle } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\named-handle`;
 * await using server = pipes.createNamedPipe(name);
 * await using client = await pipes.connect(name);
 * client instanceof NamedPipeHandle; // true
 * client.serverProcessId() === server.clientProcessId(); // true: the model is one process
 * ```
 */
export class NamedPipeHandle extends PipeHandle {
  /**
   * The pipe's security descriptor as SDDL, read back from the kernel
   * (GetSecurityInfo): its owner, group, DACL and, where it has one, its
   * mandatory label. Either end can read it. A kernel may show generic
   * rights mapped to file rights (`GA` as `FA`); `parseSecurityDescriptor`
   * and `fileRights` compare them.
   *
   * @example
   * ```ts
   * import { createWinpipe, parseSecurityDescriptor } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-descriptor`;
   * await using server = pipes.createServer(name); // security: "current-user"
   * await using client = await pipes.connect(name);
   * const sd = parseSecurityDescriptor(client.securityDescriptor());
   * sd.owner === pipes.currentUser().sid; // true
   * sd.dacl!.aces.length; // 2: the current user and SYSTEM
   * ```
   */
  securityDescriptor(): string {
    return securityOf(this.kernel).getSecurityInfo(this.kernelHandle).descriptor;
  }

  /**
   * The process id of the pipe's client (GetNamedPipeClientProcessId), from
   * either end; still known after the client closed. A server that
   * disconnected its client gets ERROR_NOT_FOUND.
   *
   * @example
   * ```ts ignore
   * import { createServer } from "@winpipe/deno";
   * for await (const conn of createServer(String.raw`\\.\pipe\app`)) {
   *   console.log(`client process ${conn.clientProcessId()} in session ${conn.clientSessionId()}`);
   *   conn.close();
   * }
   * ```
   */
  clientProcessId(): number {
    return securityOf(this.kernel).clientProcessId(this.kernelHandle);
  }

  /**
   * The session id of the pipe's client's process (GetNamedPipeClientSessionId): which log-on session (desktop) it runs in.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-client-session`;
   * await using server = pipes.createNamedPipe(name);
   * await using client = await pipes.connect(name);
   * server.clientSessionId() === client.serverSessionId(); // true: one process, one session
   * ```
   */
  clientSessionId(): number {
    return securityOf(this.kernel).clientSessionId(this.kernelHandle);
  }

  /**
   * The process id of the pipe's server (GetNamedPipeServerProcessId), from
   * either end; still known after the server closed. A client that the
   * server disconnected gets ERROR_PIPE_NOT_CONNECTED.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-server-pid`;
   * await using server = pipes.createNamedPipe(name);
   * await using client = await pipes.connect(name);
   * client.serverProcessId() === server.clientProcessId(); // true: the model is one process
   * ```
   */
  serverProcessId(): number {
    return securityOf(this.kernel).serverProcessId(this.kernelHandle);
  }

  /**
   * The session id of the pipe's server's process (GetNamedPipeServerSessionId).
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\example-server-session`;
   * await using server = pipes.createNamedPipe(name);
   * await using client = await pipes.connect(name);
   * client.serverSessionId(); // 1
   * ```
   */
  serverSessionId(): number {
    return securityOf(this.kernel).serverSessionId(this.kernelHandle);
  }
}
