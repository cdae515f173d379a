/**
 * Named pipe clients: connect (CreateFile with busy handling), waitNamedPipe
 * and callNamedPipe.
 *
 * @module
 */
import {
  ERROR_FILE_NOT_FOUND,
  ERROR_PIPE_BUSY,
  ERROR_SEM_TIMEOUT,
  FILE_READ_ATTRIBUTES,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  GENERIC_WRITE,
  NMPWAIT_NOWAIT,
  NMPWAIT_USE_DEFAULT_WAIT,
  NMPWAIT_WAIT_FOREVER,
  PIPE_READMODE_MESSAGE,
} from "../constants.ts";
import { abortError, isPipeError, PipeError } from "../errors.ts";
import type { KernelHandle, OpenPipeParams, PipeKernel } from "../port.ts";
import {
  parsePipeName,
  requireBoolean,
  requireBytes,
  requireChoice,
  requireInteger,
  requireOptions,
  requireSignal,
  validateTimeout,
} from "../validate.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { HandleContext } from "./handle_context.ts";
import { modeBits, MODES, type PipeMode, type WaitMode, WAITS } from "./modes.ts";
import { PipeConnection } from "./pipe_connection.ts";
import { type ConnectionTimeoutOptions, connectionTimeouts } from "./connection_timeouts.ts";
import { Backoff, type SignalOptions } from "./signals.ts";
import { DEFAULT_MAX_MESSAGE_SIZE } from "./whole_message.ts";
import {
  type ImpersonationLevel,
  type ServerOwner,
  validateImpersonation,
  validateServerOwner,
  verifyServerOwner,
} from "./security.ts";

/**
 * What a client may do with the pipe (dwDesiredAccess).
 *
 * @example
 * ```ts
 * import { createWinpipe, type ClientAccess } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const access: ClientAccess = "write";
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\logs`, { access: "inbound" });
 * await using client = await connect(String.raw`\\.\pipe\logs`, { access });
 * ```
 */
export type ClientAccess = "duplex" | "read" | "write";

/**
 * Options of {@linkcode connect}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type ConnectOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: ConnectOptions = { readMode: "message", timeout: 5000 };
 * const { createServer, connect } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\connect-options`, { type: "message" });
 * await using client = await connect(String.raw`\\.\pipe\connect-options`, options);
 * client.state().readMode; // "message"
 * ```
 */
export interface ConnectOptions extends SignalOptions, ConnectionTimeoutOptions {
  /** "read" (GENERIC_READ), "write" (GENERIC_WRITE) or "duplex" (both). Default "duplex". */
  access?: ClientAccess;
  /** The client handle's read mode; "message" needs a message pipe. Default "byte" (as CreateFile opens it). */
  readMode?: PipeMode;
  /** The client handle's wait mode. Default "blocking". */
  wait?: WaitMode;
  /**
   * How long to wait for a free instance while every instance is busy
   * (ERROR_PIPE_BUSY), and with `waitForCreation` for the pipe to be
   * created, in ms, all told; 0 fails at once, Infinity waits until one is
   * free. Default Infinity.
   */
  timeout?: number;
  /**
   * Wait for a pipe that does not exist yet: CreateFile's
   * ERROR_FILE_NOT_FOUND is retried with a backoff (1 ms doubling to 50 ms)
   * until the server creates the pipe, `timeout` runs out (then
   * ERROR_FILE_NOT_FOUND is thrown) or `signal` aborts. Windows has no
   * notice of a pipe being created (WaitNamedPipe fails at once for a
   * missing name), so this polls, as .NET's NamedPipeClientStream.Connect
   * does. Default false: a missing pipe fails at once.
   */
  waitForCreation?: boolean;
  /** bInheritHandle: child processes inherit the client handle. Default false. */
  inheritable?: boolean;
  /**
   * Open a synchronous handle (CreateFile without FILE_FLAG_OVERLAPPED), as
   * a C program that makes blocking calls does. Its synchronous calls
   * (`readSync`, `writeSync`, `transactSync`) are then the plain Win32
   * calls, the fastest round trip there is, and `spawn` can give the
   * connection to a child process as its stdin, stdout or stderr (an
   * overlapped one it refuses). The asynchronous calls still
   * work: each runs in another thread, as on an anonymous pipe's
   * inheritable end. Windows serializes the I/O of such a handle: a read
   * that waits holds up a write on the same handle until it completes, so
   * do one call at a time on it (Wine does not serialize them:
   * docs/wine-findings.md). Each asynchronous call on it holds one of the
   * backend's few threads for blocking calls while it waits (docs/kernel32.md,
   * "Other choices"): for a script's few connections, not a server's many.
   * Default false: an overlapped handle.
   *
   * @example A client for blocking calls (the model ignores the option: it has no threads)
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, connect } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\blocking-client`;
   * await using server = createServer(name);
   * const accepted = server.accept();
   * await using client = await connect(name, { synchronous: true });
   * await using conn = await accepted;
   * client.writeSync(new TextEncoder().encode("ping"));
   * conn.readSync(new Uint8Array(16))?.bytesRead; // 4
   * ```
   */
  synchronous?: boolean;
  /**
   * The owner the pipe must have: `"current-user"` (this process's user) or
   * a SID. Checked right after the pipe is opened, before anything is
   * written to it (GetSecurityInfo); another owner fails the connect with
   * a PipeError (ERROR_ACCESS_DENIED) that names the expected and actual
   * owner, and closes the handle. This is the defence against a process
   * that creates the pipe's name before the real server does (squatting):
   * it cannot give its pipe an owner other than its own user. Default: no
   * check.
   *
   * @example A client that only talks to a server of its own user
   * ```ts ignore
   * import { connect } from "@winpipe/deno";
   * await using conn = await connect(String.raw`\\.\pipe\app`, { serverOwner: "current-user" });
   * ```
   */
  serverOwner?: ServerOwner;
  /**
   * What the server may do with this client's identity (SECURITY_SQOS_PRESENT
   * and the level, static tracking): `"anonymous"`, `"identification"` (it
   * can read who the client is, not act as it), `"impersonation"` or
   * `"delegation"`. Default `"identification"`.
   */
  impersonation?: ImpersonationLevel;
}

/** The security options of a client, validated. */
interface ClientSecurity {
  /** "current-user", a SID, or undefined: no owner check. */
  serverOwner: "current-user" | string | undefined;
  /** The SECURITY_* flag of the impersonation level. */
  securityQos: number;
}

function clientSecurity(opts: { serverOwner?: unknown; impersonation?: unknown }): ClientSecurity {
  return {
    serverOwner: opts.serverOwner === undefined ? undefined : validateServerOwner(opts.serverOwner),
    securityQos: validateImpersonation(opts.impersonation),
  };
}

/** Opens the pipe (CreateFile) and checks its owner before anything else happens on it; closes it on failure. */
function openChecked(
  kernel: PipeKernel,
  params: OpenPipeParams,
  security: ClientSecurity,
  call: string,
): KernelHandle {
  const handle = kernel.openPipe(params);
  if (security.serverOwner === undefined) return handle;
  try {
    verifyServerOwner(kernel, handle, security.serverOwner, call);
  } catch (err) {
    kernel.close(handle);
    throw err;
  }
  return handle;
}

const ACCESS_MASKS: Record<ClientAccess, number> = {
  // FILE_WRITE_ATTRIBUTES lets a read-only client set its read mode (S15);
  // FILE_READ_ATTRIBUTES lets a write-only client query its state.
  duplex: GENERIC_READ | GENERIC_WRITE,
  read: GENERIC_READ | FILE_WRITE_ATTRIBUTES,
  write: GENERIC_WRITE | FILE_READ_ATTRIBUTES,
};

/** The WaitNamedPipe nTimeOut for a timeout of the public API. */
function waitTimeout(timeout: number | "default"): number {
  if (timeout === "default") return NMPWAIT_USE_DEFAULT_WAIT;
  if (timeout === Infinity) return NMPWAIT_WAIT_FOREVER;
  // 0 would mean "use the default" to WaitNamedPipe: ask for the shortest wait instead.
  return timeout === 0 ? NMPWAIT_NOWAIT : timeout;
}

function now(): number {
  return performance.now();
}

/**
 * Opens the client end of a named pipe (CreateFile), waiting for a free
 * instance while all are busy (WaitNamedPipe, up to `timeout`), then sets
 * the requested read and wait modes (SetNamedPipeHandleState).
 */
export async function connectOn(
  context: HandleContext,
  name: string,
  options?: ConnectOptions,
): Promise<PipeConnection> {
  const { kernel } = context;
  const { full } = parsePipeName(name);
  const opts = requireOptions<ConnectOptions>(options);
  const access = requireChoice(opts.access ?? "duplex", "access", ["duplex", "read", "write"]);
  const readMode = requireChoice(opts.readMode ?? "byte", "readMode", MODES);
  const wait = requireChoice(opts.wait ?? "blocking", "wait", WAITS);
  const timeout = validateTimeout(opts.timeout ?? Infinity);
  const inheritable = requireBoolean(opts.inheritable ?? false, "inheritable");
  const synchronous = requireBoolean(opts.synchronous ?? false, "synchronous");
  const waitForCreation = requireBoolean(opts.waitForCreation ?? false, "waitForCreation");
  const timeouts = connectionTimeouts(opts);
  const signal = requireSignal(opts.signal);
  const security = clientSecurity(opts);

  const params: OpenPipeParams = {
    name: full,
    access: ACCESS_MASKS[access],
    inheritable,
    securityQos: security.securityQos,
    ...(synchronous ? { synchronous } : {}),
  };
  const waiting: Waiting = { timeout, waitForCreation, signal };
  const handle = await openWaiting(kernel, params, security, waiting, "connect");
  try {
    if (readMode !== "byte" || wait !== "blocking") kernel.setState(handle, modeBits(readMode, wait));
  } catch (err) {
    kernel.close(handle);
    throw err;
  }
  return new PipeConnection(context, handle, timeouts);
}

/** How {@linkcode openWaiting} waits. */
interface Waiting {
  /** In ms, for busy instances and (with waitForCreation) for the pipe to exist, all told. */
  timeout: number;
  /** Retry ERROR_FILE_NOT_FOUND until the pipe exists. */
  waitForCreation: boolean;
  signal: AbortSignal | undefined;
}

/**
 * CreateFile (and the owner check), and while the pipe is busy
 * WaitNamedPipe and CreateFile again (and, with `waitForCreation`, while it
 * does not exist a backoff and CreateFile again), until `timeout`.
 */
async function openWaiting(
  kernel: PipeKernel,
  params: OpenPipeParams,
  security: ClientSecurity,
  { timeout, waitForCreation, signal }: Waiting,
  call: string,
): Promise<KernelHandle> {
  const name = params.name;
  const deadline = now() + timeout;
  const creation = new Backoff();
  for (;;) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return openChecked(kernel, params, security, call);
    } catch (err) {
      const missing = waitForCreation && isPipeError(err, ERROR_FILE_NOT_FOUND);
      if (!missing && behaviourOf("open", err) !== "busy") throw err;
      if (missing) {
        const remaining = Math.ceil(deadline - now());
        if (remaining <= 0) {
          throw new PipeError(ERROR_FILE_NOT_FOUND, call, {
            pipeName: name,
            cause: err,
            detail: `no server created it within the timeout of ${timeout} ms`,
          });
        }
        await creation.wait(signal, remaining);
        continue;
      }
    }
    creation.reset();
    const remaining = Math.ceil(deadline - now());
    if (remaining <= 0) throw new PipeError(ERROR_PIPE_BUSY, call, { pipeName: name });
    try {
      await cancellable(
        signal,
        () => kernel.waitNamedPipe(name, waitTimeout(timeout === Infinity ? Infinity : remaining), signal),
      );
    } catch (err) {
      // A timed-out wait loops to the deadline check; a vanished pipe shows up as
      // ERROR_FILE_NOT_FOUND at the next CreateFile.
      if (!isPipeError(err)) throw err;
      if (err.code !== ERROR_SEM_TIMEOUT && err.code !== ERROR_FILE_NOT_FOUND) throw err;
    }
  }
}

/**
 * Options of {@linkcode waitNamedPipe}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type WaitNamedPipeOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: WaitNamedPipeOptions = { timeout: 1000 };
 * const { createServer, waitNamedPipe } = createWinpipe(createModelKernel());
 * using server = createServer(String.raw`\\.\pipe\wait-options`);
 * await waitNamedPipe(String.raw`\\.\pipe\wait-options`, options); // true
 * ```
 */
export interface WaitNamedPipeOptions extends SignalOptions {
  /** In ms; Infinity waits forever; "default" uses the server's default timeout. Default Infinity. */
  timeout?: number | "default";
}

/**
 * Waits until an instance of the pipe is available for a client
 * (WaitNamedPipe). Resolves true when one is, false when the timeout
 * expired (ERROR_SEM_TIMEOUT); throws ERROR_FILE_NOT_FOUND when no pipe of
 * that name exists.
 */
export async function waitNamedPipeOn(
  kernel: PipeKernel,
  name: string,
  options?: WaitNamedPipeOptions,
): Promise<boolean> {
  const { full } = parsePipeName(name);
  const opts = requireOptions<WaitNamedPipeOptions>(options);
  const timeout = opts.timeout === "default" ? "default" : validateTimeout(opts.timeout ?? Infinity);
  const signal = requireSignal(opts.signal);
  try {
    await cancellable(signal, () => kernel.waitNamedPipe(full, waitTimeout(timeout), signal));
    return true;
  } catch (err) {
    if (isPipeError(err, ERROR_SEM_TIMEOUT)) return false;
    throw err;
  }
}

/**
 * Options of {@linkcode callNamedPipe}.
 *
 * @example
 * ```ts
 * import { createWinpipe, type CallNamedPipeOptions } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const options: CallNamedPipeOptions = { timeout: 1000, maxReplySize: 4096 };
 * const { createServer, callNamedPipe } = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\call-options`;
 * using server = createServer(name, { type: "message", readMode: "message" });
 * server.accept().then(async (conn) => {
 *   await conn.write((await conn.readMessage())!); // echo
 *   conn.close();
 * });
 * await callNamedPipe(name, new Uint8Array([7]), options); // Uint8Array [7]
 * ```
 */
export interface CallNamedPipeOptions extends SignalOptions {
  /** How long to wait once for a busy pipe, in ms (Infinity: forever). Default Infinity. */
  timeout?: number;
  /** The largest reply accepted, in bytes. Default 16 MiB. */
  maxReplySize?: number;
  /** The owner the pipe must have, checked before the request is sent: as {@linkcode ConnectOptions.serverOwner}. */
  serverOwner?: ServerOwner;
  /** What the server may do with this client's identity: as {@linkcode ConnectOptions.impersonation}. */
  impersonation?: ImpersonationLevel;
}

/**
 * Sends one request message and returns the reply (CallNamedPipe): opens the
 * pipe (waiting once with WaitNamedPipe if it is busy), sets message read
 * mode, transacts, and closes. The pipe must be a message pipe.
 */
export async function callNamedPipeOn(
  kernel: PipeKernel,
  name: string,
  request: Uint8Array,
  options?: CallNamedPipeOptions,
): Promise<Uint8Array> {
  const { full, timeout, maxReplySize, security, params } = callArguments(name, request, options);
  const signal = requireSignal(options?.signal);
  // As connect: an aborted signal opens nothing (a server would see a client come and go).
  if (signal?.aborted) throw abortError(signal);
  let handle: KernelHandle;
  try {
    handle = openChecked(kernel, params, security, "callNamedPipe");
  } catch (err) {
    if (behaviourOf("open", err) !== "busy") throw err;
    await cancellable(signal, () => kernel.waitNamedPipe(full, waitTimeout(timeout), signal));
    handle = openChecked(kernel, params, security, "callNamedPipe");
  }
  const conn = new PipeConnection({ kernel, streams: undefined }, handle);
  try {
    kernel.setState(handle, PIPE_READMODE_MESSAGE);
    return await conn.transact(request, { maxReplySize, signal });
  } finally {
    conn.close();
  }
}

/** CallNamedPipe's arguments, validated before any system call, and the CreateFile it starts with. */
function callArguments(name: string, request: Uint8Array, options: CallNamedPipeSyncOptions | undefined) {
  const { full } = parsePipeName(name);
  requireBytes(request, "request");
  const opts = requireOptions<CallNamedPipeSyncOptions>(options);
  const timeout = validateTimeout(opts.timeout ?? Infinity);
  const maxReplySize = requireInteger(opts.maxReplySize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxReplySize", 0, 0xffffffff);
  const security = clientSecurity(opts);
  const params: OpenPipeParams = {
    name: full,
    access: GENERIC_READ | GENERIC_WRITE,
    inheritable: false,
    securityQos: security.securityQos,
  };
  return { full, timeout, maxReplySize, security, params };
}

/**
 * Options of {@linkcode callNamedPipeSyncOn} (callNamedPipeSync): those of
 * {@linkcode CallNamedPipeOptions} without the signal, as a synchronous call
 * cannot be aborted from the thread it blocks.
 *
 * @example
 * ```ts
 * import type { CallNamedPipeSyncOptions } from "@winpipe/core";
 * const options: CallNamedPipeSyncOptions = { timeout: 1000, maxReplySize: 4096 };
 * options.timeout; // 1000
 * ```
 */
export type CallNamedPipeSyncOptions = Omit<CallNamedPipeOptions, "signal">;

/**
 * {@linkcode callNamedPipeOn} in the calling thread: CreateFile (on
 * ERROR_PIPE_BUSY, one WaitNamedPipe of up to `timeout`, blocking), message
 * read mode, a synchronous TransactNamedPipe of the whole reply, and
 * CloseHandle. Blocks the event loop until the reply has come.
 */
export function callNamedPipeSyncOn(
  kernel: PipeKernel,
  name: string,
  request: Uint8Array,
  options?: CallNamedPipeSyncOptions,
): Uint8Array {
  const { full, timeout, maxReplySize, security, params: overlapped } = callArguments(name, request, options);
  // A synchronous handle, as CallNamedPipe opens: its one transact is the plain call, waiting in this thread.
  const params: OpenPipeParams = { ...overlapped, synchronous: true };
  let handle: KernelHandle;
  try {
    handle = openChecked(kernel, params, security, "callNamedPipeSync");
  } catch (err) {
    if (behaviourOf("open", err) !== "busy") throw err;
    kernel.waitNamedPipeSync(full, waitTimeout(timeout));
    handle = openChecked(kernel, params, security, "callNamedPipeSync");
  }
  const conn = new PipeConnection({ kernel, streams: undefined }, handle);
  try {
    kernel.setState(handle, PIPE_READMODE_MESSAGE);
    return conn.transactSync(request, { maxReplySize });
  } finally {
    conn.close();
  }
}
