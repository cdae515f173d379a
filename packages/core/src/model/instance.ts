/**
 * Named pipes and their instances: what CreateNamedPipe creates (NPFS's FCB
 * and CCB).
 *
 * A {@linkcode NamedPipe} is a name with the properties its first instance
 * fixed: type, access direction, max instances and default timeout (S11,
 * A5). It lives as long as it has instances (A9). Each
 * {@linkcode PipeInstance} is one server end, at most one client end, and a
 * data queue per direction.
 *
 * A {@linkcode PipeEnd} is what Windows calls the file object of one end of
 * an instance: the server end CreateNamedPipe made, or a client end
 * CreateFile made. Read mode, wait mode and pending I/O belong to the end,
 * so handles duplicated from one another share them (NPFS keeps them per
 * end; CancelIoEx through any of the handles cancels I/O started through
 * another, as Wine's ntdll pipe tests show). An end closes when its last
 * handle closes. Instances and ends refer to each other, so they live in
 * one module.
 *
 * @module
 */
import { PIPE_NOWAIT, PIPE_READMODE_MESSAGE } from "../constants.ts";
import type { SecurityDescriptorInfo } from "../security/sddl.ts";
import type { Access } from "./access.ts";
import type { ModelProcess } from "./identity.ts";
import type { Cancellable, PendingOperation } from "./operation.ts";
import { DataQueue } from "./queue.ts";

/**
 * A WaitNamedPipe caller waiting for an instance of a name to listen.
 *
 * @internal The model's own vocabulary: `@winpipe/core/internal` exports the
 * classes that use it, not this type.
 */
export interface NameWaiter {
  /** An instance was created or started listening (B17). */
  wake(): void;
  /** The name ceased to exist. */
  vanish(): void;
}

/**
 * A pipe name and what all its instances share. Anonymous pipes have one
 * too, outside any namespace (S9).
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * import { NamedPipe } from "@winpipe/core/internal";
 * const descriptor = parseSecurityDescriptor("O:S-1-5-18G:S-1-5-18D:P(A;;GA;;;SY)");
 * const pipe = new NamedPipe("app", { messageType: true, direction: 3, maxInstances: 1, defaultTimeoutMs: 50, descriptor });
 * pipe.instances.length; // 0: no instance yet
 * ```
 */
export class NamedPipe {
  /** The instances, in creation order; their count is lpCurInstances. */
  readonly instances: PipeInstance[] = [];
  /**
   * Listening instances in the order they started listening: a client
   * connects to the first (Wine's test_multiple_instances, validated on
   * Windows).
   */
  readonly listening: PipeInstance[] = [];
  /** WaitNamedPipe callers (B12, B17). */
  readonly waiters: Set<NameWaiter> = new Set();

  /** The namespace key, undefined for anonymous pipes. */
  readonly key: string | undefined;
  /** The name after `\\.\pipe\` as its first instance spelled it (what the directory lists); undefined for anonymous pipes. */
  readonly name: string | undefined;
  /** PIPE_TYPE_MESSAGE: every write is a message (S11). */
  readonly messageType: boolean;
  /** INBOUND, OUTBOUND or DUPLEX. */
  readonly direction: number;
  /** nMaxInstances; 255 is PIPE_UNLIMITED_INSTANCES. */
  readonly maxInstances: number;
  /** WaitNamedPipe(NMPWAIT_USE_DEFAULT_WAIT) waits this long, in ms. */
  readonly defaultTimeoutMs: number;
  /** The security descriptor the first instance set: owner and group filled in, a DACL always present. */
  readonly descriptor: SecurityDescriptorInfo;

  /** A name (`key` undefined for an anonymous pipe) with the properties its first instance fixes. */
  constructor(
    key: string | undefined,
    properties: {
      messageType: boolean;
      direction: number;
      maxInstances: number;
      defaultTimeoutMs: number;
      descriptor: SecurityDescriptorInfo;
    },
    name?: string,
  ) {
    this.key = key;
    this.name = name;
    this.messageType = properties.messageType;
    this.direction = properties.direction;
    this.maxInstances = properties.maxInstances;
    this.defaultTimeoutMs = properties.defaultTimeoutMs;
    this.descriptor = properties.descriptor;
  }

  /** Whether another instance may be created (A5). */
  get hasRoomForInstance(): boolean {
    return this.maxInstances === 255 || this.instances.length < this.maxInstances;
  }

  /** Wakes every WaitNamedPipe caller (B17). */
  wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
  }
}

/**
 * The states of an instance (NPFS FILE_PIPE_*_STATE).
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { HandleRecord, InstanceState } from "@winpipe/core/internal";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * const state: InstanceState | undefined = (read as HandleRecord).end.instance?.state; // "connected"
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export type InstanceState =
  /** Waiting for a client: CreateFile connects (B10). */
  | "listening"
  /** A client is connected. */
  | "connected"
  /** One end closed; the other may still read what was written (G49). */
  | "closing"
  /** DisconnectNamedPipe ran; ConnectNamedPipe makes it listen again (B13). */
  | "disconnected";

/**
 * The security context NPFS keeps of a client (its token at the level the
 * client allowed, captured when it opened the pipe: static tracking), which
 * ImpersonateNamedPipeClient puts on the server's thread.
 *
 * @example
 * ```ts
 * import { createWinpipe, SECURITY_IDENTIFICATION } from "@winpipe/core";
 * import { createModelKernel, type ModelKernel } from "@winpipe/core/model";
 * const kernel: ModelKernel = createModelKernel();
 * const { createNamedPipe, connect } = createWinpipe(kernel);
 * const name = String.raw`\\.\pipe\context`;
 * await using server = createNamedPipe(name);
 * await using client = await connect(name); // impersonation: "identification", the default
 * server.clientUser().sid === kernel.process.user.sid; // true: read from the client context
 * SECURITY_IDENTIFICATION; // the level the context was captured at
 * ```
 */
export interface ClientContext {
  /** The client's process (and token). */
  readonly process: ModelProcess;
  /** The SECURITY_* impersonation level the client allowed. */
  readonly level: number;
}

/**
 * One instance: a server end, at most one client end, a queue per direction.
 *
 * @example
 * ```ts
 * import { parseSecurityDescriptor } from "@winpipe/core";
 * import { NamedPipe, PipeInstance } from "@winpipe/core/internal";
 * import { ModelProcess } from "@winpipe/core/model";
 * const descriptor = parseSecurityDescriptor("O:S-1-5-18G:S-1-5-18D:P(A;;GA;;;SY)");
 * const pipe = new NamedPipe("app", { messageType: false, direction: 3, maxInstances: 1, defaultTimeoutMs: 50, descriptor });
 * const instance = new PipeInstance(pipe, 4096, 4096, new ModelProcess(1000));
 * instance.state; // "listening"
 * instance.inbound.quota; // 4096
 * ```
 */
export class PipeInstance {
  /** The name this instance belongs to; kept after the instance leaves it. */
  readonly pipe: NamedPipe;
  /** The process that created the instance (GetNamedPipeServerProcessId). */
  readonly serverProcess: ModelProcess;
  /**
   * The process of the client that connected, until a disconnect
   * (GetNamedPipeClientProcessId); kept when the client closes.
   */
  clientProcess: ModelProcess | undefined;
  /** The client's security context, until a disconnect (NpUninitializeSecurity); kept when the client closes. */
  clientContext: ClientContext | undefined;
  /** Where the instance is in its life: {@linkcode InstanceState}. */
  state: InstanceState = "listening";
  /** Client to server; its quota is nInBufferSize. */
  readonly inbound: DataQueue;
  /** Server to client; its quota is nOutBufferSize. */
  readonly outbound: DataQueue;
  /** The server end until it closes. */
  server: PipeEnd | undefined;
  /** The connected client end until it closes or is disconnected. */
  client: PipeEnd | undefined;
  /** Pending ConnectNamedPipe calls (B18). */
  readonly pendingConnects: PendingOperation<void>[] = [];

  /** A new instance of `pipe`, listening, created by `serverProcess`, with a queue of each quota (nInBufferSize, nOutBufferSize). */
  constructor(pipe: NamedPipe, inQuota: number, outQuota: number, serverProcess: ModelProcess) {
    this.pipe = pipe;
    this.serverProcess = serverProcess;
    this.inbound = new DataQueue(inQuota);
    this.outbound = new DataQueue(outQuota);
  }

  /** The queue `end` reads from. */
  readQueue(end: PipeEnd): DataQueue {
    return end.role === "server" ? this.inbound : this.outbound;
  }

  /** The queue `end` writes to. */
  writeQueue(end: PipeEnd): DataQueue {
    return end.role === "server" ? this.outbound : this.inbound;
  }

  /** The other end of `end`, if it is there. */
  peer(end: PipeEnd): PipeEnd | undefined {
    return end.role === "server" ? this.client : this.server;
  }

  /** Enters the listening state at the back of the name's line of listeners. */
  listen(): void {
    this.state = "listening";
    this.pipe.listening.push(this);
  }

  /** Leaves the line of listeners (connected, disconnected or closed). */
  stopListening(): void {
    const at = this.pipe.listening.indexOf(this);
    if (at >= 0) this.pipe.listening.splice(at, 1);
  }
}

/**
 * One end of an instance: what its handles refer to.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { HandleRecord, PipeEnd } from "@winpipe/core/internal";
 * const kernel = createModelKernel();
 * const { read, write } = kernel.createPipe(0, false, false);
 * const end: PipeEnd = (write as HandleRecord).end; // the client end of the anonymous pipe
 * end.access.writeData; // true
 * end.messageReadMode; // false
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class PipeEnd {
  /** "server" for CreateNamedPipe ends and anonymous read ends, "client" otherwise. */
  readonly role: "server" | "client";
  /** What the end may do. */
  readonly access: Access;
  /** The pipe (name) the end belongs to, also once a disconnect cut it off its instance. */
  readonly pipe: NamedPipe;
  /** The name it was created or opened with, for error messages; undefined for anonymous pipes. */
  readonly pipeName: string | undefined;
  /**
   * The instance, until a disconnect detaches a client end from it: every
   * call on a detached client then fails with ERROR_PIPE_NOT_CONNECTED (B14).
   */
  instance: PipeInstance | undefined;
  /** PIPE_READMODE_MESSAGE (S12). */
  messageReadMode: boolean;
  /** PIPE_NOWAIT (S16). */
  nonblocking: boolean;
  /** Handles open on this end. */
  openHandles = 0;
  /** Pending operations started through any handle of this end (CancelIoEx). */
  readonly pending: Set<Cancellable> = new Set();

  /** An end of `instance` opened with `access`, in the read and wait modes of `pipeMode`. */
  constructor(
    role: "server" | "client",
    access: Access,
    pipeName: string | undefined,
    instance: PipeInstance,
    pipeMode: number,
  ) {
    this.role = role;
    this.access = access;
    this.pipeName = pipeName;
    this.instance = instance;
    this.pipe = instance.pipe;
    this.messageReadMode = (pipeMode & PIPE_READMODE_MESSAGE) !== 0;
    this.nonblocking = (pipeMode & PIPE_NOWAIT) !== 0;
  }
}
