/**
 * The in-memory reference kernel: every behaviour of SPEC.md, as Windows
 * does it, without Windows.
 *
 * The semantics follow the Windows named pipe file system as the ReactOS
 * reimplementation restates it (drivers/filesystems/npfs) and as Wine's
 * pipe tests (dlls/kernel32/tests/pipe.c, dlls/ntdll/tests/pipe.c),
 * validated on real Windows, pin it down. Where those disagree, the tests
 * win; where the SPEC lists a Wine deviation, the model does what Windows
 * does.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_FUNCTION,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_NAME,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  ERROR_NOT_FOUND,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_LISTENING,
  ERROR_PIPE_NOT_CONNECTED,
  ERROR_SEM_TIMEOUT,
  FILE_FLAG_FIRST_PIPE_INSTANCE,
  NMPWAIT_USE_DEFAULT_WAIT,
  NMPWAIT_WAIT_FOREVER,
  PIPE_ACCESS_DUPLEX,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { PipeError } from "../errors.ts";
import type {
  AnonymousPipeHandles,
  CreateNamedPipeParams,
  HandleState,
  OpenPipeParams,
  PeekResult,
  PipeInfo,
  PipeKernel,
  ReadData,
} from "../port.ts";
import {
  ANONYMOUS_READ_ACCESS,
  ANONYMOUS_WRITE_ACCESS,
  clientAccess,
  HandleRecord,
  type ModelHandle,
  PipeEnd,
  serverAccess,
} from "./end.ts";
import { DUPLEX, INBOUND, NamedPipe, type NameWaiter, OUTBOUND, PipeInstance } from "./instance.ts";
import { pipeKey } from "./names.ts";
import { PipeNamespace } from "./namespace.ts";
import { PendingOperation } from "./operation.ts";
import type { DataQueue, ReadRequest } from "./queue.ts";

/** CreatePipe with nSize 0 uses this buffer size (F48). */
const DEFAULT_ANONYMOUS_BUFFER_SIZE = 4096;
/** CreatePipe's instance default timeout (kernel32 passes 120 s). */
const ANONYMOUS_DEFAULT_TIMEOUT_MS = 120_000;
/** CreateNamedPipe with nDefaultTimeOut 0 means 50 ms (kernel32). */
const DEFAULT_WAIT_TIMEOUT_MS = 50;
/** setTimeout cannot wait longer; longer WaitNamedPipe timeouts wait forever. */
const LONGEST_TIMER_MS = 0x7fffffff;

/** Options of {@linkcode createModelKernel}. */
export interface ModelKernelOptions {
  /** The kernel's {@linkcode PipeKernel.name}, for messages and test labels. Default "model". */
  name?: string;
}

function failure(code: number, call: string, pipeName: string | undefined): PipeError {
  return new PipeError(code, call, { pipeName });
}

/** The pipe name of anything passed as a handle, for error messages. */
function pipeNameOf(handle: unknown): string | undefined {
  if (typeof handle !== "object" || handle === null) return undefined;
  const name = (handle as { pipeName?: unknown }).pipeName;
  return typeof name === "string" ? name : undefined;
}

/** A pending read into `buffer` (the model's own) that settles `operation` with what arrived. */
function readRequest(buffer: Uint8Array<ArrayBuffer>, operation: PendingOperation<ReadData>): ReadRequest {
  return {
    buffer,
    complete: (bytesRead, messageComplete) =>
      operation.resolve({ bytes: buffer.subarray(0, bytesRead), messageComplete }),
    fail: (code) => operation.fail(code),
  };
}

/** Runs the synchronous start of a waiting call; a failure there rejects at once. */
function start<T>(begin: () => Promise<T>): Promise<T> {
  try {
    return begin();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The in-memory pipe kernel. Each instance is a separate machine with its
 * own `\\.\pipe\` namespace and handle table.
 *
 * Calls that Windows completes at once complete at once here (a resolved or
 * rejected promise, no timers). Calls that would wait return promises that
 * settle when another call on the same kernel satisfies them (a write for a
 * pending read, a CreateFile for a pending ConnectNamedPipe, ...), when a
 * close or disconnect ends them, when their AbortSignal aborts or CancelIoEx
 * cancels them, or, for WaitNamedPipe, when the timeout runs out (the only
 * timer). Nothing else can satisfy them, so a wait that no later call
 * satisfies stays pending, as it would on Windows.
 *
 * @example
 * ```ts
 * import { ModelKernel } from "@winpipe/core/model";
 * const kernel = new ModelKernel({ name: "model-a" });
 * const { read, write } = kernel.createPipe(0, false, false);
 * const pending = kernel.read(read, 16); // waits for data
 * await kernel.write(write, new Uint8Array([1, 2, 3]));
 * (await pending).bytes; // Uint8Array [1, 2, 3]
 * kernel.close(read);
 * kernel.close(write);
 * ```
 */
export class ModelKernel implements PipeKernel<ModelHandle> {
  /** "model" unless {@linkcode ModelKernelOptions.name} says otherwise. */
  readonly name: string;
  readonly #names = new PipeNamespace();
  #nextHandleValue = 4;
  #liveHandles = 0;

  /** Makes an empty kernel: no pipe names, no handles. */
  constructor(options: ModelKernelOptions = {}) {
    this.name = options.name ?? "model";
  }

  // ------------------------------------------------------------------ creation

  /**
   * CreatePipe: an anonymous pipe, which is a byte-type inbound named pipe
   * with a single instance and no name (S9). The read end is its server end
   * and the write end its client end (F48); nSize 0 means 4096 (F48).
   */
  createPipe(bufferSize: number, inheritRead: boolean, inheritWrite: boolean): AnonymousPipeHandles<ModelHandle> {
    const size = bufferSize === 0 ? DEFAULT_ANONYMOUS_BUFFER_SIZE : bufferSize;
    const pipe = new NamedPipe(undefined, {
      messageType: false,
      direction: INBOUND,
      maxInstances: 1,
      defaultTimeoutMs: ANONYMOUS_DEFAULT_TIMEOUT_MS,
    });
    const instance = new PipeInstance(pipe, size, size);
    pipe.instances.push(instance);
    const readEnd = new PipeEnd("server", ANONYMOUS_READ_ACCESS, undefined, instance, 0);
    const writeEnd = new PipeEnd("client", ANONYMOUS_WRITE_ACCESS, undefined, instance, 0);
    instance.server = readEnd;
    instance.client = writeEnd;
    instance.state = "connected";
    return { read: this.#newHandle(readEnd, inheritRead), write: this.#newHandle(writeEnd, inheritWrite) };
  }

  /**
   * CreateNamedPipeW: a new instance, listening at once (B10). The first
   * instance of a name fixes its type, direction, max instances and default
   * timeout; later instances must fit them (A5, A7).
   */
  createNamedPipe(params: CreateNamedPipeParams): ModelHandle {
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

    let pipe: NamedPipe | undefined = this.#names.get(key);
    const nameExisted = pipe !== undefined;
    if (pipe !== undefined) {
      // NPFS checks in this order: room for an instance, then
      // FILE_FLAG_FIRST_PIPE_INSTANCE, then the access direction.
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
      });
      this.#names.add(pipe);
    }
    const instance = new PipeInstance(pipe, params.inBufferSize, params.outBufferSize);
    pipe.instances.push(instance);
    instance.listen();
    const end = new PipeEnd("server", serverAccess(pipe.direction), name, instance, params.pipeMode);
    instance.server = end;
    if (nameExisted) pipe.wakeWaiters(); // B17
    return this.#newHandle(end, params.inheritable);
  }

  /**
   * CreateFileW on a pipe name: connects to the instance that has been
   * listening longest. The new client end is in byte read mode and blocking
   * (S15, S20).
   */
  openPipe(params: OpenPipeParams): ModelHandle {
    const call = "CreateFileW";
    const name = params.name;
    const key = pipeKey(name);
    const pipe = key === undefined ? undefined : this.#names.get(key);
    if (pipe === undefined) throw failure(ERROR_FILE_NOT_FOUND, call, name); // A1
    const access = clientAccess(params.access);
    if ((access.readData && pipe.direction === INBOUND) || (access.writeData && pipe.direction === OUTBOUND)) {
      throw failure(ERROR_ACCESS_DENIED, call, name); // A8
    }
    const instance = pipe.listening[0];
    if (instance === undefined) throw failure(ERROR_PIPE_BUSY, call, name); // B13
    instance.stopListening();
    instance.state = "connected";
    const end = new PipeEnd("client", access, name, instance, 0);
    instance.client = end;
    for (const connect of instance.pendingConnects.splice(0)) connect.resolve(); // B18
    return this.#newHandle(end, params.inheritable);
  }

  /** DuplicateHandle: another handle to the same end, sharing its modes and pending I/O. */
  duplicate(handle: ModelHandle, inheritable: boolean): ModelHandle {
    const end = this.#end(handle, "DuplicateHandle");
    return this.#newHandle(end, inheritable);
  }

  /**
   * CloseHandle. Closing the last handle of an end closes the end: the
   * other end can still read what it wrote, then gets ERROR_BROKEN_PIPE;
   * its writes fail with ERROR_NO_DATA (G49-G55). A name ceases to exist
   * when its last server end closes (A9). Closing a closed handle does
   * nothing.
   */
  close(handle: ModelHandle): void {
    if (!(handle instanceof HandleRecord) || handle.owner !== this) {
      throw failure(ERROR_INVALID_HANDLE, "CloseHandle", pipeNameOf(handle));
    }
    if (handle.closed) return;
    this.#liveHandles--;
    if (handle.markClosed()) this.#closeEnd(handle.end);
  }

  // ---------------------------------------------------------------- immediate

  /**
   * PeekNamedPipe: counts the unread bytes, pending writes included, and
   * copies from them without consuming. On a message-type pipe the copy
   * stops at the end of the current message (D25); bytesLeftInMessage is
   * what is left of it after the copy, 0 on byte-type pipes.
   */
  peek(handle: ModelHandle, buffer?: Uint8Array): PeekResult {
    const call = "PeekNamedPipe";
    const end = this.#end(handle, call);
    if (!end.access.readData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    const queue = instance.readQueue(end);
    if (instance.state !== "connected") {
      // Listening or disconnected servers (B11, B14); a closed peer once the data is gone (G49).
      if (instance.state !== "closing") throw failure(ERROR_BAD_PIPE, call, end.pipeName);
      if (!queue.hasData) throw failure(ERROR_BROKEN_PIPE, call, end.pipeName);
    }
    const messageType = instance.pipe.messageType;
    const bytesRead = buffer === undefined ? 0 : queue.peek(buffer, messageType); // F43
    return {
      bytesRead,
      bytesAvailable: queue.bytesAvailable,
      bytesLeftInMessage: messageType ? queue.headMessageLength - bytesRead : 0,
    };
  }

  /** GetNamedPipeHandleStateW: the end's read and wait modes and the name's instance count (J66). */
  getState(handle: ModelHandle): HandleState {
    const call = "GetNamedPipeHandleStateW";
    const end = this.#end(handle, call);
    if (!end.access.readAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    let mode = 0;
    if (end.messageReadMode) mode |= PIPE_READMODE_MESSAGE;
    if (end.nonblocking) mode |= PIPE_NOWAIT;
    return { mode, currentInstances: instance.pipe.instances.length };
  }

  /**
   * SetNamedPipeHandleState(lpMode): sets the end's read and wait modes
   * (S15, S20, J67). Needs FILE_WRITE_ATTRIBUTES; message read mode needs a
   * message-type pipe (C24).
   */
  setState(handle: ModelHandle, mode: number): void {
    const call = "SetNamedPipeHandleState";
    // kernel32 rejects undefined bits before it calls the kernel (D35).
    if (!Number.isInteger(mode) || mode < 0 || (mode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) !== 0) {
      throw failure(ERROR_INVALID_PARAMETER, call, pipeNameOf(handle));
    }
    const end = this.#end(handle, call);
    if (!end.access.writeAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName); // S15
    const instance = this.#attached(end, call);
    const messageReadMode = (mode & PIPE_READMODE_MESSAGE) !== 0;
    if (messageReadMode && !instance.pipe.messageType) throw failure(ERROR_INVALID_PARAMETER, call, end.pipeName);
    end.messageReadMode = messageReadMode;
    end.nonblocking = (mode & PIPE_NOWAIT) !== 0;
  }

  /** GetNamedPipeInfo: the end, the type, the buffer sizes and max instances as created (A6, F48). */
  getInfo(handle: ModelHandle): PipeInfo {
    const call = "GetNamedPipeInfo";
    const end = this.#end(handle, call);
    if (!end.access.readAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    let flags = 0;
    if (end.role === "server") flags |= PIPE_SERVER_END;
    if (instance.pipe.messageType) flags |= PIPE_TYPE_MESSAGE;
    return {
      flags,
      outBufferSize: instance.outbound.quota,
      inBufferSize: instance.inbound.quota,
      maxInstances: instance.pipe.maxInstances,
    };
  }

  /**
   * DisconnectNamedPipe: discards unread data in both directions, fails
   * every pending read, write, flush and transact of both ends with
   * ERROR_PIPE_NOT_CONNECTED and cuts the client end off (B14, B15, G53).
   * The instance does not listen again until ConnectNamedPipe (B13).
   */
  disconnect(handle: ModelHandle): void {
    const call = "DisconnectNamedPipe";
    const end = this.#end(handle, call);
    const instance = this.#attached(end, call);
    if (end.role === "client") throw failure(ERROR_INVALID_FUNCTION, call, end.pipeName);
    switch (instance.state) {
      case "disconnected":
        throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
      case "listening":
        for (const connect of instance.pendingConnects.splice(0)) connect.fail(ERROR_PIPE_NOT_CONNECTED);
        instance.stopListening();
        break;
      case "connected":
      case "closing":
        instance.inbound.clear(ERROR_PIPE_NOT_CONNECTED);
        instance.outbound.clear(ERROR_PIPE_NOT_CONNECTED);
        if (instance.client !== undefined) {
          instance.client.instance = undefined;
          instance.client = undefined;
        }
        break;
    }
    instance.state = "disconnected";
  }

  /**
   * CancelIoEx(handle, NULL): cancels every pending operation of the end,
   * whichever of its handles started it; each rejects with
   * ERROR_OPERATION_ABORTED. Fails with ERROR_NOT_FOUND when nothing is
   * pending (H57, B19).
   *
   * Newest first: NT queues each I/O request at the head of its thread's
   * request list and cancels by walking that list from its head. The order
   * shows when cancelling an older write frees quota that would complete a
   * newer write or flush: cancelled newest first, every operation that was
   * pending is aborted (docs/model-findings.md, M1).
   */
  cancelIo(handle: ModelHandle): void {
    const call = "CancelIoEx";
    const end = this.#end(handle, call);
    if (end.pending.size === 0) throw failure(ERROR_NOT_FOUND, call, end.pipeName);
    for (const operation of [...end.pending].reverse()) operation.cancel();
  }

  // ------------------------------------------------------------------ waiting

  /**
   * ReadFile. Takes queued data at once, pending writes included; byte read
   * mode reads across writes, message read mode one message at most and
   * reports a partial one as `messageComplete: false` (C21-D34). On an empty
   * pipe it waits, or fails with ERROR_NO_DATA on a nonblocking end (E36),
   * or ERROR_BROKEN_PIPE once the writer has gone (S4, G49). The data goes
   * into a buffer of `length` bytes the model allocates for the read.
   */
  read(handle: ModelHandle, length: number, signal?: AbortSignal): Promise<ReadData> {
    return start(() => this.#read(handle, length, signal));
  }

  /**
   * WriteFile. Hands the bytes to waiting readers first, in the order they
   * were issued, and queues the rest against the buffer quota; a blocking
   * write waits until readers make room for all of it (S5). Nonblocking
   * writes never wait (E38-E41): a write that does not fit writes nothing
   * on a message pipe, and on a byte pipe only what waiting readers take.
   */
  write(handle: ModelHandle, data: Uint8Array, signal?: AbortSignal): Promise<number> {
    return start(() => this.#write(handle, data, signal));
  }

  /**
   * ConnectNamedPipe. Resolves at once when a client is connected
   * (ERROR_PIPE_CONNECTED is success, B10), otherwise waits for CreateFile
   * (B18); nonblocking servers get ERROR_PIPE_LISTENING instead (E42). After
   * the client closed it fails with ERROR_NO_DATA (B20); on a client handle
   * with ERROR_INVALID_FUNCTION (B10).
   */
  connect(handle: ModelHandle, signal?: AbortSignal): Promise<void> {
    return start(() => this.#connect(handle, signal));
  }

  /**
   * TransactNamedPipe: writes `input` as one message, which never waits for
   * room, and waits for the reply (I64). Needs a duplex message pipe in
   * message read mode (ERROR_BAD_PIPE, I61) and nothing unread or waiting
   * on the reading side (ERROR_PIPE_BUSY). Cancelling it withdraws the read
   * only; the request stays written.
   */
  transact(handle: ModelHandle, input: Uint8Array, replyLength: number, signal?: AbortSignal): Promise<ReadData> {
    return start(() => this.#transact(handle, input, replyLength, signal));
  }

  /**
   * FlushFileBuffers: waits until the other end has read everything this
   * end wrote, pending writes included (F46); fails with ERROR_BROKEN_PIPE
   * if the other end closes first (G53).
   */
  flush(handle: ModelHandle, signal?: AbortSignal): Promise<void> {
    return start(() => this.#flush(handle, signal));
  }

  /**
   * WaitNamedPipeW: resolves at once when an instance of `name` is
   * listening, otherwise when one is created or starts listening (B17);
   * fails with ERROR_SEM_TIMEOUT after `timeout` ms (B12), with
   * ERROR_FILE_NOT_FOUND when the name does not exist or ceases to (A1).
   * NMPWAIT_USE_DEFAULT_WAIT waits the name's default timeout (50 ms when
   * created with 0); NMPWAIT_WAIT_FOREVER has no timeout.
   */
  waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void> {
    return start(() => this.#waitNamedPipe(name, timeout, signal));
  }

  /** How many handles are open (for leak checks). */
  liveHandles(): number {
    return this.#liveHandles;
  }

  // ------------------------------------------------------------ implementation

  #read(handle: ModelHandle, length: number, signal: AbortSignal | undefined): Promise<ReadData> {
    const call = "ReadFile";
    this.#checkNotAborted(signal, call, handle);
    const end = this.#end(handle, call);
    if (!end.access.readData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    if (instance.state === "disconnected") throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
    if (instance.state === "listening") throw failure(ERROR_PIPE_LISTENING, call, end.pipeName); // B11
    const queue = instance.readQueue(end);
    const buffer = new Uint8Array(length);
    if (queue.hasData) {
      const { bytesRead, messageComplete } = queue.read(buffer, end.messageReadMode);
      return Promise.resolve({ bytes: buffer.subarray(0, bytesRead), messageComplete });
    }
    if (instance.state === "closing") throw failure(ERROR_BROKEN_PIPE, call, end.pipeName); // G49
    if (end.nonblocking) throw failure(ERROR_NO_DATA, call, end.pipeName); // E36
    const operation = new PendingOperation<ReadData>(call, end.pipeName);
    const request = readRequest(buffer, operation);
    queue.addReader(request);
    return operation.begin(() => queue.removeReader(request), end.pending, signal);
  }

  #write(handle: ModelHandle, data: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
    const call = "WriteFile";
    this.#checkNotAborted(signal, call, handle);
    const end = this.#end(handle, call);
    if (!end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    if (instance.state === "disconnected") throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
    if (instance.state === "listening") throw failure(ERROR_PIPE_LISTENING, call, end.pipeName); // B11
    if (instance.state === "closing") throw failure(ERROR_NO_DATA, call, end.pipeName); // B20, G49
    const queue = instance.writeQueue(end);
    const messageType = instance.pipe.messageType;
    // A byte pipe has no boundaries to keep: a 0-byte write does nothing (D33).
    if (data.length === 0 && !messageType) return Promise.resolve(0);
    const readerMessageMode = instance.peer(end)?.messageReadMode ?? false;
    if (end.nonblocking) return Promise.resolve(this.#writeNonblocking(queue, data, messageType, readerMessageMode));

    const fed = queue.feedReaders(data, messageType, readerMessageMode);
    if (fed.delivered) return Promise.resolve(data.length);
    const written = data.length;
    const operation = new PendingOperation<number>(call, end.pipeName);
    const { entry, pending } = queue.append(data.subarray(fed.taken), {
      // The count as the call was made: the caller may detach `data` before the write completes.
      waiter: { complete: () => operation.resolve(written), fail: (code) => operation.fail(code) },
    });
    if (!pending) return Promise.resolve(data.length);
    // Cancelling takes the unread bytes back out of the pipe (H58).
    return operation.begin(() => queue.removeEntry(entry), end.pending, signal);
  }

  /**
   * The nonblocking write rule of NPFS (NpCommonWrite), E38-E41. With
   * readers waiting for R bytes in total, a write of N bytes fits when
   * N <= R or N - R <= the quota (nothing is buffered while readers wait, so
   * all of the quota is free). A message write that does not fit writes
   * nothing and leaves the readers waiting (E40, message pipe). Otherwise
   * the readers take what they asked for, and the rest is buffered if the
   * free quota holds all of it; if not, only what the readers took counts
   * as written (E40, byte pipe; 0 with no reader waiting: Wine's
   * test_nowait writes 513 bytes into an empty 512-byte pipe and gets 0 on
   * Windows, whatever the documentation of S18 says).
   */
  #writeNonblocking(queue: DataQueue, data: Uint8Array, messageType: boolean, readerMessageMode: boolean): number {
    if (messageType && queue.hasReaders) {
      const waiting = queue.pendingReadBytes;
      const fits = data.length <= waiting || data.length - waiting <= queue.quota;
      if (!fits) return 0;
    }
    const fed = queue.feedReaders(data, messageType, readerMessageMode);
    if (fed.delivered) return data.length;
    const rest = data.subarray(fed.taken);
    if (rest.length > queue.freeQuota) return fed.taken;
    queue.append(rest);
    return data.length;
  }

  #connect(handle: ModelHandle, signal: AbortSignal | undefined): Promise<void> {
    const call = "ConnectNamedPipe";
    this.#checkNotAborted(signal, call, handle);
    const end = this.#end(handle, call);
    const instance = end.instance;
    if (end.role === "client" || instance === undefined) {
      throw failure(ERROR_INVALID_FUNCTION, call, end.pipeName); // B10
    }
    switch (instance.state) {
      case "connected":
        return Promise.resolve(); // ERROR_PIPE_CONNECTED (B10, B18)
      case "closing":
        throw failure(ERROR_NO_DATA, call, end.pipeName); // B20, E42
      case "disconnected":
        instance.listen();
        instance.pipe.wakeWaiters(); // B17
        break;
      case "listening":
        break;
    }
    // A nonblocking server keeps listening and says so (S19, E42).
    if (end.nonblocking) throw failure(ERROR_PIPE_LISTENING, call, end.pipeName);
    const operation = new PendingOperation<void>(call, end.pipeName);
    instance.pendingConnects.push(operation);
    return operation.begin(
      () => {
        const at = instance.pendingConnects.indexOf(operation);
        if (at >= 0) instance.pendingConnects.splice(at, 1);
      },
      end.pending,
      signal,
    );
  }

  #transact(
    handle: ModelHandle,
    input: Uint8Array,
    replyLength: number,
    signal: AbortSignal | undefined,
  ): Promise<ReadData> {
    const call = "TransactNamedPipe";
    this.#checkNotAborted(signal, call, handle);
    const end = this.#end(handle, call);
    // FSCTL_PIPE_TRANSCEIVE needs read and write access.
    if (!end.access.readData || !end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    if (instance.state !== "connected") throw failure(ERROR_BAD_PIPE, call, end.pipeName);
    if (instance.pipe.direction !== DUPLEX || !end.messageReadMode) {
      throw failure(ERROR_BAD_PIPE, call, end.pipeName); // I61
    }
    const readQueue = instance.readQueue(end);
    // Unread data or a read already waiting: the reply could not be told apart.
    if (!readQueue.isEmpty) throw failure(ERROR_PIPE_BUSY, call, end.pipeName);
    const writeQueue = instance.writeQueue(end);
    // NPFS delivers the request as a message whatever the reader's read mode,
    // and queues what no reader took without charging the quota.
    const fed = writeQueue.feedReaders(input, instance.pipe.messageType, true);
    if (!fed.delivered) writeQueue.append(input.subarray(fed.taken), { unbuffered: true });
    const operation = new PendingOperation<ReadData>(call, end.pipeName);
    const request = readRequest(new Uint8Array(replyLength), operation);
    readQueue.addReader(request);
    return operation.begin(() => readQueue.removeReader(request), end.pending, signal);
  }

  #flush(handle: ModelHandle, signal: AbortSignal | undefined): Promise<void> {
    const call = "FlushFileBuffers";
    this.#checkNotAborted(signal, call, handle);
    const end = this.#end(handle, call);
    if (!end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
    const instance = this.#attached(end, call);
    // No state check: with nothing of ours unread, there is nothing to wait for (G52).
    const queue = instance.writeQueue(end);
    if (!queue.hasData) return Promise.resolve();
    const operation = new PendingOperation<void>(call, end.pipeName);
    const marker = queue.addFlush({ complete: () => operation.resolve(), fail: (code) => operation.fail(code) });
    return operation.begin(() => queue.removeEntry(marker), end.pending, signal);
  }

  #waitNamedPipe(name: string, timeout: number, signal: AbortSignal | undefined): Promise<void> {
    const call = "WaitNamedPipeW";
    if (signal?.aborted) throw failure(ERROR_OPERATION_ABORTED, call, name);
    const key = pipeKey(name);
    const pipe = key === undefined ? undefined : this.#names.get(key);
    if (pipe === undefined) throw failure(ERROR_FILE_NOT_FOUND, call, name); // A1
    if (pipe.listening.length > 0) return Promise.resolve(); // B12
    const waitMs = timeout === NMPWAIT_USE_DEFAULT_WAIT ? pipe.defaultTimeoutMs : timeout;
    const operation = new PendingOperation<void>(call, name);
    const waiter: NameWaiter = {
      wake: () => operation.resolve(),
      vanish: () => operation.fail(ERROR_FILE_NOT_FOUND),
    };
    pipe.waiters.add(waiter);
    operation.onSettle(() => pipe.waiters.delete(waiter));
    if (waitMs < NMPWAIT_WAIT_FOREVER && waitMs <= LONGEST_TIMER_MS) {
      const timer = setTimeout(() => operation.fail(ERROR_SEM_TIMEOUT), waitMs); // B12
      operation.onSettle(() => clearTimeout(timer));
    }
    return operation.begin(() => {}, undefined, signal);
  }

  /**
   * The last handle of `end` closed (NPFS cleanup, NpSetClosingPipeState).
   * What waits on data the closing end will never read or write fails with
   * ERROR_BROKEN_PIPE; what it wrote stays readable.
   */
  #closeEnd(end: PipeEnd): void {
    const instance = end.instance;
    if (instance === undefined) return; // a client a disconnect already cut off
    const isServer = end.role === "server";
    switch (instance.state) {
      case "listening":
        for (const connect of instance.pendingConnects.splice(0)) connect.fail(ERROR_BROKEN_PIPE);
        this.#removeInstance(instance);
        break;
      case "disconnected":
        this.#removeInstance(instance);
        break;
      case "closing":
        // The other end closed first: nobody will read what it left behind.
        instance.readQueue(end).clear(ERROR_BROKEN_PIPE);
        if (isServer) this.#removeInstance(instance);
        break;
      case "connected":
        instance.state = "closing";
        // Our unread data goes; the other end's pending writes and flushes fail (G53).
        instance.readQueue(end).clear(ERROR_BROKEN_PIPE);
        // Its pending reads fail once our data is gone; now, since there is none (G55).
        instance.writeQueue(end).failReaders(ERROR_BROKEN_PIPE);
        // Windows (since Vista) stops counting the instance when its server
        // end closes, even while the client is still open (Wine's ntdll
        // test_pipe_local_info).
        if (isServer) this.#removeInstance(instance);
        break;
    }
    if (isServer) instance.server = undefined;
    else instance.client = undefined;
    end.instance = undefined;
  }

  #removeInstance(instance: PipeInstance): void {
    const pipe = instance.pipe;
    const at = pipe.instances.indexOf(instance);
    if (at >= 0) pipe.instances.splice(at, 1);
    instance.stopListening();
    if (pipe.instances.length === 0) this.#names.remove(pipe); // A9
  }

  #newHandle(end: PipeEnd, inheritable: boolean): ModelHandle {
    const handle = new HandleRecord(this, this.#nextHandleValue, end, inheritable);
    this.#nextHandleValue += 4; // HANDLE values are multiples of 4
    this.#liveHandles++;
    return handle;
  }

  /** The end behind a handle of this kernel; anything else, or a closed handle, is ERROR_INVALID_HANDLE. */
  #end(handle: ModelHandle, call: string): PipeEnd {
    if (!(handle instanceof HandleRecord) || handle.owner !== this || handle.closed) {
      throw failure(ERROR_INVALID_HANDLE, call, pipeNameOf(handle));
    }
    return handle.end;
  }

  /** The instance of an end a disconnect has not cut off (B14: ERROR_PIPE_NOT_CONNECTED). */
  #attached(end: PipeEnd, call: string): PipeInstance {
    if (end.instance === undefined) throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName);
    return end.instance;
  }

  /** A signal that is already aborted rejects without issuing the call (port convention). */
  #checkNotAborted(signal: AbortSignal | undefined, call: string, handle: ModelHandle): void {
    if (signal?.aborted) throw failure(ERROR_OPERATION_ABORTED, call, pipeNameOf(handle));
  }
}

/**
 * Makes an in-memory pipe kernel: a {@linkcode PipeKernel} with the exact
 * Win32 semantics of SPEC.md that runs anywhere, for tests and for
 * differential checks against kernel32.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * const kernel = createModelKernel();
 * const server = kernel.createNamedPipe({
 *   name: String.raw`\\.\pipe\example`,
 *   openMode: 0x3, // PIPE_ACCESS_DUPLEX
 *   pipeMode: 0x4 | 0x2, // PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
 *   maxInstances: 1,
 *   outBufferSize: 4096,
 *   inBufferSize: 4096,
 *   defaultTimeout: 0,
 *   inheritable: false,
 * });
 * const client = kernel.openPipe({
 *   name: String.raw`\\.\pipe\example`,
 *   access: 0x80000000 | 0x40000000, // GENERIC_READ | GENERIC_WRITE
 *   inheritable: false,
 * });
 * await kernel.connect(server); // already connected: resolves at once
 * await kernel.write(client, new TextEncoder().encode("hello"));
 * const first = await kernel.read(server, 2); // { bytes: "he", messageComplete: false }
 * const rest = await kernel.read(server, 16); // { bytes: "llo", messageComplete: true }
 * kernel.close(client);
 * kernel.close(server);
 * ```
 */
export function createModelKernel(options: ModelKernelOptions = {}): ModelKernel {
  return new ModelKernel(options);
}
