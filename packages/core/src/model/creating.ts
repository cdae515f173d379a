/**
 * What CreatePipe, CreateNamedPipeW and CreateFileW make in the model: the
 * ends of an anonymous pipe, a server end of a new instance, a client end
 * connected to a listening instance; each check in the order NPFS makes it.
 * The kernel turns the ends into handles.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_NAME,
  ERROR_INVALID_PARAMETER,
  ERROR_PIPE_BUSY,
  FILE_FLAG_FIRST_PIPE_INSTANCE,
  GENERIC_READ,
  GENERIC_WRITE,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
  SECURITY_IDENTIFICATION,
} from "../constants.ts";
import type { CreateNamedPipeParams, OpenPipeParams } from "../port.ts";
import { ANONYMOUS_READ_ACCESS, ANONYMOUS_WRITE_ACCESS, clientAccess, serverAccess } from "./access.ts";
import {
  accessGranted,
  anonymousPipeDescriptor,
  createFileAccess,
  FILE_CREATE_PIPE_INSTANCE,
  newPipeDescriptor,
  SYNCHRONIZE,
} from "./access_control.ts";
import { failure } from "./checks.ts";
import { INBOUND, OUTBOUND } from "./directions.ts";
import type { ModelProcess } from "./identity.ts";
import { NamedPipe, PipeEnd, PipeInstance } from "./instance.ts";
import { localPart, pipeKey } from "./names.ts";
import type { PipeNamespace } from "./namespace.ts";

/** CreatePipe with nSize 0 uses this buffer size (F48). */
const DEFAULT_ANONYMOUS_BUFFER_SIZE = 4096;
/** CreatePipe's instance default timeout (kernel32 passes 120 s). */
const ANONYMOUS_DEFAULT_TIMEOUT_MS = 120_000;
/** CreateNamedPipe with nDefaultTimeOut 0 means 50 ms (kernel32). */
const DEFAULT_WAIT_TIMEOUT_MS = 50;

/** The two ends of a new anonymous pipe: its read end (the server end) and its write end (the client end). */
export function anonymousPipeEnds(bufferSize: number, process: ModelProcess): { read: PipeEnd; write: PipeEnd } {
  const size = bufferSize === 0 ? DEFAULT_ANONYMOUS_BUFFER_SIZE : bufferSize;
  const pipe = new NamedPipe(undefined, {
    messageType: false,
    direction: INBOUND,
    maxInstances: 1,
    defaultTimeoutMs: ANONYMOUS_DEFAULT_TIMEOUT_MS,
    descriptor: anonymousPipeDescriptor(process),
  });
  const instance = new PipeInstance(pipe, size, size, process);
  // Both ends are this process's; CreatePipe's own open of the write end
  // gives no security context (dynamic tracking, nothing written yet).
  instance.clientProcess = process;
  pipe.instances.push(instance);
  const readEnd = new PipeEnd("server", ANONYMOUS_READ_ACCESS, undefined, instance, 0);
  const writeEnd = new PipeEnd("client", ANONYMOUS_WRITE_ACCESS, undefined, instance, 0);
  instance.server = readEnd;
  instance.client = writeEnd;
  instance.state = "connected";
  return { read: readEnd, write: writeEnd };
}

/** The server end of a new instance of `params.name`, listening (see ModelKernel.createNamedPipe). */
export function newServerEnd(names: PipeNamespace, process: ModelProcess, params: CreateNamedPipeParams): PipeEnd {
  const call = "CreateNamedPipeW";
  const name = params.name;
  // kernel32 checks nMaxInstances before it calls the kernel.
  const max = params.maxInstances;
  if (!Number.isInteger(max) || max < 1 || max > PIPE_UNLIMITED_INSTANCES) {
    throw failure(ERROR_INVALID_PARAMETER, call, name);
  }
  const key = pipeKey(name);
  if (key === undefined) throw failure(ERROR_INVALID_NAME, call, name); // A2
  const direction = params.openMode & PIPE_ACCESS_DUPLEX;
  if (direction === 0) throw failure(ERROR_INVALID_PARAMETER, call, name);
  const messageType = (params.pipeMode & PIPE_TYPE_MESSAGE) !== 0;

  let pipe: NamedPipe | undefined = names.get(key);
  const nameExisted = pipe !== undefined;
  if (pipe !== undefined) {
    // NPFS checks in this order (NpCreateExistingNamedPipe): the access
    // check (the access asked for and FILE_CREATE_PIPE_INSTANCE), room for
    // an instance, FILE_FLAG_FIRST_PIPE_INSTANCE, the access direction.
    const desired = (direction & INBOUND ? GENERIC_READ : 0) | (direction & OUTBOUND ? GENERIC_WRITE : 0) |
      SYNCHRONIZE | FILE_CREATE_PIPE_INSTANCE;
    if (!accessGranted(pipe.descriptor, process, desired)) throw failure(ERROR_ACCESS_DENIED, call, name); // K72
    if (!pipe.hasRoomForInstance) throw failure(ERROR_PIPE_BUSY, call, name); // A5
    if ((params.openMode & FILE_FLAG_FIRST_PIPE_INSTANCE) !== 0) throw failure(ERROR_ACCESS_DENIED, call, name); // A7
    if (direction !== pipe.direction) throw failure(ERROR_ACCESS_DENIED, call, name); // A5
  } else {
    // Only a new name checks the type against the read mode (A3); a later
    // instance takes the name's type whatever it asks for.
    if (!messageType && (params.pipeMode & PIPE_READMODE_MESSAGE) !== 0) {
      throw failure(ERROR_INVALID_PARAMETER, call, name);
    }
    pipe = new NamedPipe(key, {
      messageType,
      direction,
      maxInstances: max,
      defaultTimeoutMs: params.defaultTimeout === 0 ? DEFAULT_WAIT_TIMEOUT_MS : params.defaultTimeout,
      descriptor: newPipeDescriptor(params.securityDescriptor, process, call, name), // K68, K70, K73
    }, localPart(name));
    names.add(pipe);
  }
  const instance = new PipeInstance(pipe, params.inBufferSize, params.outBufferSize, process);
  pipe.instances.push(instance);
  instance.listen();
  const end = new PipeEnd("server", serverAccess(pipe.direction), name, instance, params.pipeMode);
  instance.server = end;
  if (nameExisted) pipe.wakeWaiters(); // B17
  return end;
}

/** A client end connected to the instance of `params.name` that has listened longest (see ModelKernel.openPipe). */
export function newClientEnd(names: PipeNamespace, process: ModelProcess, params: OpenPipeParams): PipeEnd {
  const call = "CreateFileW";
  const name = params.name;
  const key = pipeKey(name);
  const pipe = key === undefined ? undefined : names.get(key);
  if (pipe === undefined) throw failure(ERROR_FILE_NOT_FOUND, call, name); // A1
  // NPFS checks the caller's access first (NpCreateClientEnd: SeAccessCheck), then the direction, then for a listener.
  if (!accessGranted(pipe.descriptor, process, createFileAccess(params.access))) {
    throw failure(ERROR_ACCESS_DENIED, call, name); // K71
  }
  const access = clientAccess(params.access);
  if ((access.readData && pipe.direction === INBOUND) || (access.writeData && pipe.direction === OUTBOUND)) {
    throw failure(ERROR_ACCESS_DENIED, call, name); // A8
  }
  const instance = pipe.listening[0];
  if (instance === undefined) throw failure(ERROR_PIPE_BUSY, call, name); // B13
  instance.stopListening();
  instance.state = "connected";
  // The client's process and security context, captured as it opens (static tracking; K74, K77).
  instance.clientProcess = process;
  instance.clientContext = { process: process, level: params.securityQos ?? SECURITY_IDENTIFICATION };
  const end = new PipeEnd("client", access, name, instance, 0);
  instance.client = end;
  for (const connect of instance.pendingConnects.splice(0)) connect.resolve(); // B18
  return end;
}
