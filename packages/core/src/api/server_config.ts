/**
 * The options of a named pipe server and the CreateNamedPipeW parameters
 * they become.
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
import type { CreateNamedPipeParams, KernelHandle, PipeKernel } from "../port.ts";
import {
  parsePipeName,
  requireBoolean,
  requireChoice,
  requireInteger,
  requireOptions,
  validateBufferSize,
  validateMaxInstances,
} from "../validate.ts";
import { type ConnectionTimeoutOptions, type ConnectionTimeouts, connectionTimeouts } from "./connection_timeouts.ts";
import { modeBits, MODES, type PipeMode, type WaitMode, WAITS } from "./modes.ts";
import { securityDescriptorFor, type ServerSecurity, validateServerSecurity } from "./security.ts";

/**
 * The direction of a pipe, from the server's side (dwOpenMode).
 *
 * @example
 * ```ts
 * import { createWinpipe, type PipeAccess } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const access: PipeAccess = "inbound"; // clients write, the server reads
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\drop-box`, { access });
 * ```
 */
export type PipeAccess = "duplex" | "inbound" | "outbound";

/**
 * Options of {@linkcode PipeServer} and {@linkcode ServerInstance} creation (CreateNamedPipe).
 *
 * @example
 * ```ts
 * import { createWinpipe, type ServerOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: ServerOptions = {
 *   type: "message",
 *   readMode: "message",
 *   maxInstances: 4,
 *   inBufferSize: 65536,
 *   outBufferSize: 65536,
 * };
 * const { createServer } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\service`, options);
 * ```
 */
export interface ServerOptions extends ConnectionTimeoutOptions {
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
  /**
   * Create synchronous instances (CreateNamedPipeW without
   * FILE_FLAG_OVERLAPPED), as a C server that makes blocking calls does;
   * as `synchronous` of the client's ConnectOptions: the
   * synchronous calls are the plain Win32 calls, every asynchronous call
   * (`accept` too) runs in another thread, holding one of the backend's
   * few threads for blocking calls while it waits, and Windows serializes
   * the I/O of each instance. For a server of a few clients, not of many.
   * An accepted connection can be a child's standard handle (`spawn`).
   * Default false: overlapped instances.
   */
  synchronous?: boolean;
  /**
   * Who may open the pipe: its security descriptor (lpSecurityAttributes).
   * `"current-user"` (the default) lets only this process's user and SYSTEM
   * open it, and makes that user its owner; `"os-default"` is Windows'
   * default for pipes (which lets every local user and the anonymous
   * account open it for reading); any other string is a descriptor in SDDL,
   * checked before any system call. See docs/security.md.
   *
   * @example An SDDL server: SYSTEM has full control, every signed-in user may read and write
   * ```ts ignore
   * import { createServer } from "@winpipe/deno";
   * const server = createServer(String.raw`\\.\pipe\shared`, { security: "D:P(A;;GA;;;SY)(A;;GRGW;;;AU)" });
   * ```
   */
  security?: ServerSecurity;
}

/** The CreateNamedPipeW parameters of validated options, with FILE_FLAG_FIRST_PIPE_INSTANCE left out. */
export interface ServerConfig {
  params: CreateNamedPipeParams;
  firstInstance: boolean;
  /** The timeouts of each connected instance, if any. */
  timeouts: ConnectionTimeouts | undefined;
}

const ACCESS_BITS: Record<PipeAccess, number> = {
  duplex: PIPE_ACCESS_DUPLEX,
  inbound: PIPE_ACCESS_INBOUND,
  outbound: PIPE_ACCESS_OUTBOUND,
};

/**
 * Validates server options and turns them into CreateNamedPipeW parameters.
 * Everything is checked before the one system call it may make: reading
 * this process's user for `security: "current-user"`.
 */
export function serverConfig(kernel: PipeKernel, name: unknown, options: unknown): ServerConfig {
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
  const synchronous = requireBoolean(opts.synchronous ?? false, "synchronous");
  const timeouts = connectionTimeouts(opts);
  const security = validateServerSecurity(opts.security);
  const securityDescriptor = securityDescriptorFor(kernel, security);
  return {
    firstInstance,
    timeouts,
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
      ...(securityDescriptor === undefined ? {} : { securityDescriptor }),
      ...(synchronous ? { synchronous } : {}),
    },
  };
}

/** Creates one instance from a config, with or without FILE_FLAG_FIRST_PIPE_INSTANCE. */
export function createInstanceHandle(kernel: PipeKernel, config: ServerConfig, first: boolean): KernelHandle {
  const params = { ...config.params };
  if (first) params.openMode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
  return kernel.createNamedPipe(params);
}
