/**
 * Pipe ends and handles.
 *
 * A {@linkcode PipeEnd} is what Windows calls the file object of one end of
 * an instance: the server end CreateNamedPipe made, or a client end
 * CreateFile made. Read mode, wait mode and pending I/O belong to the end,
 * so handles duplicated from one another share them (NPFS keeps them per
 * end; CancelIoEx through any of the handles cancels I/O started through
 * another, as Wine's ntdll pipe tests show). An end closes when its last
 * handle closes.
 *
 * @module
 */
import {
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
} from "../constants.ts";
import type { KernelHandle } from "../port.ts";
import type { PipeInstance } from "./instance.ts";
import { INBOUND, OUTBOUND } from "./instance.ts";
import type { Cancellable } from "./operation.ts";

/** GENERIC_ALL: every access right. */
const GENERIC_ALL = 0x10000000;
/** FILE_READ_DATA, the specific right GENERIC_READ maps to. */
const FILE_READ_DATA = 0x0001;
/** FILE_WRITE_DATA, the specific right GENERIC_WRITE maps to. */
const FILE_WRITE_DATA = 0x0002;

/**
 * The access rights of an end that pipe calls check before anything else
 * (the I/O manager checks them before NPFS sees the call).
 */
export interface Access {
  /** FILE_READ_DATA: ReadFile, PeekNamedPipe, TransactNamedPipe. */
  readonly readData: boolean;
  /** FILE_WRITE_DATA: WriteFile, FlushFileBuffers, TransactNamedPipe. */
  readonly writeData: boolean;
  /** FILE_READ_ATTRIBUTES: GetNamedPipeHandleState, GetNamedPipeInfo. */
  readonly readAttributes: boolean;
  /** FILE_WRITE_ATTRIBUTES: SetNamedPipeHandleState (S15). */
  readonly writeAttributes: boolean;
}

/**
 * The access of a server end: CreateNamedPipe asks for GENERIC_READ when
 * the pipe is inbound and GENERIC_WRITE when it is outbound, so an
 * outbound-only server cannot query its state and an inbound-only one
 * cannot change it (Wine's test_file_access, validated on Windows).
 */
export function serverAccess(direction: number): Access {
  const read = (direction & INBOUND) !== 0;
  const write = (direction & OUTBOUND) !== 0;
  return { readData: read, writeData: write, readAttributes: read, writeAttributes: write };
}

/**
 * The access of a client end from CreateFile's dwDesiredAccess. CreateFile
 * always adds FILE_READ_ATTRIBUTES; GENERIC_WRITE includes
 * FILE_WRITE_ATTRIBUTES.
 */
export function clientAccess(desired: number): Access {
  const all = (desired & GENERIC_ALL) !== 0;
  const read = all || (desired & GENERIC_READ) !== 0 || (desired & FILE_READ_DATA) !== 0;
  const write = all || (desired & GENERIC_WRITE) !== 0 || (desired & FILE_WRITE_DATA) !== 0;
  const writeAttributes = all || (desired & GENERIC_WRITE) !== 0 || (desired & FILE_WRITE_ATTRIBUTES) !== 0;
  return { readData: read, writeData: write, readAttributes: true, writeAttributes };
}

/**
 * The ends of an anonymous pipe: CreatePipe opens the read end with
 * GENERIC_READ | FILE_WRITE_ATTRIBUTES and the write end with GENERIC_WRITE
 * | FILE_READ_ATTRIBUTES, so both can use the named-pipe state calls (S9).
 */
export const ANONYMOUS_READ_ACCESS: Access = {
  readData: true,
  writeData: false,
  readAttributes: true,
  writeAttributes: true,
};
/** See {@linkcode ANONYMOUS_READ_ACCESS}. */
export const ANONYMOUS_WRITE_ACCESS: Access = {
  readData: false,
  writeData: true,
  readAttributes: true,
  writeAttributes: true,
};

/** One end of an instance: what its handles refer to. */
export class PipeEnd {
  /** "server" for CreateNamedPipe ends and anonymous read ends, "client" otherwise. */
  readonly role: "server" | "client";
  /** What the end may do. */
  readonly access: Access;
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
    this.messageReadMode = (pipeMode & PIPE_READMODE_MESSAGE) !== 0;
    this.nonblocking = (pipeMode & PIPE_NOWAIT) !== 0;
  }
}

/**
 * A handle of the model kernel: what {@linkcode ModelKernel} methods return
 * and take.
 *
 * @example
 * ```ts
 * import { createModelKernel, type ModelHandle } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const { read, write }: { read: ModelHandle; write: ModelHandle } = kernel.createPipe(0, false, false);
 * read.pipeName; // undefined: anonymous pipes have no name
 * kernel.close(read);
 * read.closed; // true
 * kernel.close(write);
 * ```
 */
export interface ModelHandle extends KernelHandle {
  /** A number unique within its kernel, like a HANDLE value. */
  readonly id: number;
  /** bInheritHandle: recorded only, the model has no child processes. */
  readonly inheritable: boolean;
}

/** The model's handle object; the end stays private to the model. */
export class HandleRecord implements ModelHandle {
  readonly id: number;
  readonly inheritable: boolean;
  /** The kernel that made it; other kernels treat it as an invalid handle. */
  readonly owner: object;
  readonly end: PipeEnd;
  #closed = false;

  constructor(owner: object, id: number, end: PipeEnd, inheritable: boolean) {
    this.owner = owner;
    this.id = id;
    this.end = end;
    this.inheritable = inheritable;
    end.openHandles++;
  }

  get pipeName(): string | undefined {
    return this.end.pipeName;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the handle closed; true when it was the end's last handle. */
  markClosed(): boolean {
    this.#closed = true;
    return --this.end.openHandles === 0;
  }
}
