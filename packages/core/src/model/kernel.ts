/**
 * The in-memory reference kernel: every behaviour of docs/behaviours.md, as Windows
 * does it, without Windows.
 *
 * The semantics follow the Windows named pipe file system as the ReactOS
 * reimplementation restates it (drivers/filesystems/npfs) and as Wine's
 * pipe tests (dlls/kernel32/tests/pipe.c, dlls/ntdll/tests/pipe.c),
 * validated on real Windows, pin it down. Where those disagree, the tests
 * win; where docs/behaviours.md lists a Wine deviation, the model does what Windows
 * does.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_FOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
} from "../constants.ts";
import type {
  AnonymousPipeHandles,
  CreateNamedPipeParams,
  HandleState,
  OpenPipeParams,
  PeekResult,
  PipeDirectoryEntry,
  PipeInfo,
  PipeKernel,
  ReadData,
  SyncReadResult,
} from "../port.ts";
import { HandleRecord, type ModelHandle } from "./handle_record.ts";
import { PipeEnd } from "./instance.ts";
import { PipeNamespace } from "./namespace.ts";
import { attachedInstance, checkNotAborted, failure, pipeNameOf } from "./checks.ts";
import { startCall } from "../start_call.ts";
import { flushEnd, readEnd, transactEnd, writeEnd } from "./transfer.ts";
import { connectEnd, waitForInstance } from "./connecting.ts";
import { closeEnd } from "./closing.ts";
import { settledNow } from "./immediate.ts";
import { ModelProcess, type ModelProcessOptions } from "./identity.ts";
import type { ClientContext } from "./instance.ts";
import { ModelSecurity } from "./security.ts";
import { Machine, type ModelKernelOptions } from "./machine.ts";
import { anonymousPipeEnds, newClientEnd, newServerEnd } from "./creating.ts";
import { disconnectEnd, infoOf, peekEnd, stateOf } from "./handle_calls.ts";

export type { ModelKernelOptions } from "./machine.ts";

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
 * A kernel is one process of a machine: it acts as that process (its
 * process and session ids, its user, groups and integrity level), which is
 * what access checks and the peer identity calls see.
 * {@linkcode ModelKernel.otherProcess} gives another process of the same
 * machine (same pipe names; its own handles), to test pipe code against
 * clients of other users or sandboxed clients.
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
  readonly #machine: Machine;
  readonly #names: PipeNamespace;
  readonly #process: ModelProcess;
  #liveHandles = 0;
  /** The client context this process's thread impersonates (ImpersonateNamedPipeClient), if any. */
  #impersonating: ClientContext | undefined;
  /** Access control and identity: descriptors, peer ids, impersonation (model/security.ts). */
  readonly security: ModelSecurity;

  /**
   * Makes a kernel: the first process of a new, empty machine (no pipe
   * names, no handles), or with `sameMachineAs` another process of that
   * kernel's machine (prefer {@linkcode ModelKernel.otherProcess}).
   */
  constructor(options: ModelKernelOptions = {}, sameMachineAs?: ModelKernel) {
    this.name = options.name ?? sameMachineAs?.name ?? "model";
    this.#machine = sameMachineAs === undefined ? new Machine() : sameMachineAs.#machine;
    this.#names = this.#machine.names;
    this.#process = this.#machine.process(options.process);
    this.security = new ModelSecurity({
      process: this.#process,
      accounts: this.#machine.accounts,
      end: (handle, call) => this.#end(handle, call),
      impersonation: () => this.#impersonating,
      impersonate: (context) => (this.#impersonating = context),
    });
  }

  /**
   * Another process of the same machine: it sees the same pipe names and
   * has its own handles (a handle of one process is invalid in another, as
   * in Windows), ids and token. By default it runs as the same user, with
   * the next process id.
   *
   * @example A client of another user is refused by a current-user pipe
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const machine = createModelKernel();
   * const mallory = machine.otherProcess({ user: { sid: "S-1-5-21-1000-2000-3000-1066", account: "MODEL\\mallory" } });
   * const name = String.raw`\\.\pipe\private`;
   * using server = createWinpipe(machine).createServer(name); // security: "current-user"
   * await createWinpipe(mallory).connect(name).catch((e) => e.codeName); // "ERROR_ACCESS_DENIED"
   * ```
   */
  otherProcess(options: ModelProcessOptions = {}): ModelKernel {
    return new ModelKernel({ name: this.name, process: options }, this);
  }

  /** The process this kernel acts as. */
  get process(): ModelProcess {
    return this.#process;
  }

  // ------------------------------------------------------------------ creation

  /**
   * [CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe):
   * an anonymous pipe, which is a byte-type inbound named pipe with a single
   * instance and no name (S9). The read end is its server end and the write end
   * its client end (F48); nSize 0 means 4096 (F48).
   */
  createPipe(bufferSize: number, inheritRead: boolean, inheritWrite: boolean): AnonymousPipeHandles<ModelHandle> {
    const { read, write } = anonymousPipeEnds(bufferSize, this.#process);
    return { read: this.#newHandle(read, inheritRead), write: this.#newHandle(write, inheritWrite) };
  }

  /**
   * [CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew):
   * a new instance, listening at once (B10). The first instance of a name
   * fixes its type, direction, max instances, default timeout and security
   * descriptor (K68, K70, K73); later instances must fit them (A5, A7) and be
   * granted FILE_CREATE_PIPE_INSTANCE by the descriptor (K72).
   */
  createNamedPipe(params: CreateNamedPipeParams): ModelHandle {
    return this.#newHandle(newServerEnd(this.#names, this.#process, params), params.inheritable);
  }

  /**
   * [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)
   * on a pipe name: connects to the instance that has been listening longest.
   * The new client end is in byte read mode and blocking (S15, S20).
   */
  openPipe(params: OpenPipeParams): ModelHandle {
    return this.#newHandle(newClientEnd(this.#names, this.#process, params), params.inheritable);
  }

  /**
   * [DuplicateHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-duplicatehandle):
   * another handle to the same end, sharing its modes and pending I/O.
   */
  duplicate(handle: ModelHandle, inheritable: boolean): ModelHandle {
    const end = this.#end(handle, "DuplicateHandle");
    return this.#newHandle(end, inheritable);
  }

  /**
   * [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle).
   * Closing the last handle of an end closes the end: the other end can still
   * read what it wrote, then gets ERROR_BROKEN_PIPE; its writes fail with
   * ERROR_NO_DATA (G49-G55). A name ceases to exist when its last server end
   * closes (A9). Closing a closed handle does nothing.
   */
  close(handle: ModelHandle): void {
    if (!(handle instanceof HandleRecord) || handle.owner !== this) {
      throw failure(ERROR_INVALID_HANDLE, "CloseHandle", pipeNameOf(handle));
    }
    if (handle.closed) return;
    this.#liveHandles--;
    if (handle.markClosed()) closeEnd(handle.end, this.#names);
  }

  // ---------------------------------------------------------------- immediate

  /**
   * [PeekNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-peeknamedpipe):
   * counts the unread bytes, pending writes included, and copies from them
   * without consuming. On a message-type pipe the copy stops at the end of the
   * current message (D25); bytesLeftInMessage is what is left of it after the
   * copy, 0 on byte-type pipes.
   */
  peek(handle: ModelHandle, buffer?: Uint8Array): PeekResult {
    return peekEnd(this.#end(handle, "PeekNamedPipe"), buffer);
  }

  /**
   * [GetNamedPipeHandleStateW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-getnamedpipehandlestatew):
   * the end's read and wait modes and the name's instance count (J66).
   */
  getState(handle: ModelHandle): HandleState {
    return stateOf(this.#end(handle, "GetNamedPipeHandleStateW"));
  }

  /**
   * [SetNamedPipeHandleState](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-setnamedpipehandlestate)(lpMode):
   * sets the end's read and wait modes (S15, S20, J67). Needs
   * FILE_WRITE_ATTRIBUTES; message read mode needs a message-type pipe (C24).
   */
  setState(handle: ModelHandle, mode: number): void {
    const call = "SetNamedPipeHandleState";
    // kernel32 rejects undefined bits before it calls the kernel (D35).
    if (!Number.isInteger(mode) || mode < 0 || (mode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) !== 0) {
      throw failure(ERROR_INVALID_PARAMETER, call, pipeNameOf(handle));
    }
    const end = this.#end(handle, call);
    if (!end.access.writeAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName); // S15
    const instance = attachedInstance(end, call);
    const messageReadMode = (mode & PIPE_READMODE_MESSAGE) !== 0;
    if (messageReadMode && !instance.pipe.messageType) throw failure(ERROR_INVALID_PARAMETER, call, end.pipeName);
    end.messageReadMode = messageReadMode;
    end.nonblocking = (mode & PIPE_NOWAIT) !== 0;
  }

  /**
   * [GetNamedPipeInfo](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-getnamedpipeinfo):
   * the end, the type, the buffer sizes and max instances as created (A6, F48).
   */
  getInfo(handle: ModelHandle): PipeInfo {
    return infoOf(this.#end(handle, "GetNamedPipeInfo"));
  }

  /**
   * [DisconnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-disconnectnamedpipe):
   * discards unread data in both directions, fails every pending read, write,
   * flush and transact of both ends with ERROR_PIPE_NOT_CONNECTED and cuts the
   * client end off (B14, B15, G53). The instance does not listen again until
   * ConnectNamedPipe (B13).
   */
  disconnect(handle: ModelHandle): void {
    disconnectEnd(this.#end(handle, "DisconnectNamedPipe"));
  }

  /**
   * [CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func)(handle,
   * NULL): cancels every pending operation of the end, whichever of its handles
   * started it; each rejects with ERROR_OPERATION_ABORTED. Fails with
   * ERROR_NOT_FOUND when nothing is pending (H57, B19).
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
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile).
   * Takes queued data at once, pending writes included; byte read mode reads
   * across writes, message read mode one message at most and reports a partial
   * one as `messageComplete: false` (C21-D34). On an empty pipe it waits, or
   * fails with ERROR_NO_DATA on a nonblocking end (E36), or ERROR_BROKEN_PIPE
   * once the writer has gone (S4, G49). The data goes into a buffer of `length`
   * bytes the model allocates for the read.
   */
  read(handle: ModelHandle, length: number, signal?: AbortSignal): Promise<ReadData> {
    return startCall(() => readEnd(this.#begin(handle, "ReadFile", signal), length, signal));
  }

  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile).
   * Hands the bytes to waiting readers first, in the order they were issued,
   * and queues the rest against the buffer quota; a blocking write waits until
   * readers make room for all of it (S5). Nonblocking writes never wait
   * (E38-E41): a write that does not fit writes nothing on a message pipe, and
   * on a byte pipe only what waiting readers take.
   */
  write(handle: ModelHandle, data: Uint8Array, signal?: AbortSignal): Promise<number> {
    return startCall(() => writeEnd(this.#begin(handle, "WriteFile", signal), data, signal));
  }

  /**
   * [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe).
   * Resolves at once when a client is connected (ERROR_PIPE_CONNECTED is
   * success, B10), otherwise waits for CreateFile (B18); nonblocking servers
   * get ERROR_PIPE_LISTENING instead (E42). After the client closed it fails
   * with ERROR_NO_DATA (B20); on a client handle with ERROR_INVALID_FUNCTION
   * (B10).
   */
  connect(handle: ModelHandle, signal?: AbortSignal): Promise<void> {
    return startCall(() => connectEnd(this.#begin(handle, "ConnectNamedPipe", signal), signal));
  }

  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe):
   * writes `input` as one message, which never waits for room, and waits for
   * the reply (I64). Needs a duplex message pipe in message read mode
   * (ERROR_BAD_PIPE, I61) and nothing unread or waiting on the reading side
   * (ERROR_PIPE_BUSY). Cancelling it withdraws the read only; the request stays
   * written.
   */
  transact(handle: ModelHandle, input: Uint8Array, replyLength: number, signal?: AbortSignal): Promise<ReadData> {
    return startCall(() => transactEnd(this.#begin(handle, "TransactNamedPipe", signal), input, replyLength, signal));
  }

  /**
   * [FlushFileBuffers](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-flushfilebuffers):
   * waits until the other end has read everything this end wrote, pending
   * writes included (F46); fails with ERROR_BROKEN_PIPE if the other end closes
   * first (G53).
   */
  flush(handle: ModelHandle, signal?: AbortSignal): Promise<void> {
    return startCall(() => flushEnd(this.#begin(handle, "FlushFileBuffers", signal), signal));
  }

  /**
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew):
   * resolves at once when an instance of `name` is listening, otherwise when
   * one is created or starts listening (B17); fails with ERROR_SEM_TIMEOUT
   * after `timeout` ms (B12), with ERROR_FILE_NOT_FOUND when the name does not
   * exist or ceases to (A1). NMPWAIT_USE_DEFAULT_WAIT waits the name's default
   * timeout (50 ms when created with 0); NMPWAIT_WAIT_FOREVER has no timeout.
   */
  waitNamedPipe(name: string, timeout: number, signal?: AbortSignal): Promise<void> {
    return startCall(() => waitForInstance(this.#names, name, timeout, signal));
  }

  // ------------------------------------------------------------------ synchronous calls

  /**
   * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
   * into `buffer`, for a synchronous caller: what {@linkcode ModelKernel.read}
   * would complete at once (queued data, ERROR_NO_DATA, ERROR_BROKEN_PIPE, ...).
   * A read that would wait throws an Error (immediate.ts says why).
   */
  readSync(handle: ModelHandle, buffer: Uint8Array): SyncReadResult {
    const call = "ReadFile";
    const data = settledNow(
      call,
      pipeNameOf(handle),
      (signal) => readEnd(this.#begin(handle, call, signal), buffer.length, signal),
    );
    buffer.set(data.bytes);
    return { bytesRead: data.bytes.length, messageComplete: data.messageComplete };
  }

  /**
   * [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)
   * for a synchronous caller: a write that fits completes at once; one that
   * would wait for room is withdrawn (what waiting readers took stays taken,
   * as with a cancelled write, H58) and throws an Error.
   */
  writeSync(handle: ModelHandle, data: Uint8Array): number {
    return settledNow(
      "WriteFile",
      pipeNameOf(handle),
      (signal) => writeEnd(this.#begin(handle, "WriteFile", signal), data, signal),
    );
  }

  /**
   * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe)
   * for a synchronous caller: its failures at once (I61, ERROR_PIPE_BUSY);
   * otherwise the request is written and, as no reply can come while the
   * thread waits, the read is withdrawn and this throws an Error.
   */
  transactSync(handle: ModelHandle, input: Uint8Array, reply: Uint8Array): SyncReadResult {
    const call = "TransactNamedPipe";
    const data = settledNow(
      call,
      pipeNameOf(handle),
      (signal) => transactEnd(this.#begin(handle, call, signal), input, reply.length, signal),
    );
    reply.set(data.bytes);
    return { bytesRead: data.bytes.length, messageComplete: data.messageComplete };
  }

  /**
   * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)
   * for a synchronous caller: returns when an instance is listening, throws
   * ERROR_FILE_NOT_FOUND for a missing name, and an Error when it would wait.
   */
  waitNamedPipeSync(name: string, timeout: number): void {
    settledNow("WaitNamedPipeW", name, (signal) => waitForInstance(this.#names, name, timeout, signal));
  }

  /**
   * NtQueryDirectoryFile on `\\.\pipe\`: the model's named pipes, each with
   * its instance count and limit (L68). Anonymous pipes have no name here
   * (Windows lists the names CreatePipe gives them).
   */
  listPipes(): PipeDirectoryEntry[] {
    return [...this.#names.all()].map((pipe) => ({
      name: pipe.name!,
      currentInstances: pipe.instances.length,
      maxInstances: pipe.maxInstances,
    }));
  }

  /** How many handles are open (for leak checks). */
  liveHandles(): number {
    return this.#liveHandles;
  }

  // ------------------------------------------------------------ implementation

  #newHandle(end: PipeEnd, inheritable: boolean): ModelHandle {
    const handle = new HandleRecord(this, this.#machine.nextHandleValue, end, inheritable);
    this.#machine.nextHandleValue += 4; // HANDLE values are multiples of 4
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

  /** The start of a waiting call: a signal already aborted, then the handle's end. */
  #begin(handle: ModelHandle, call: string, signal: AbortSignal | undefined): PipeEnd {
    checkNotAborted(signal, call, handle);
    return this.#end(handle, call);
  }
}

/**
 * Makes an in-memory pipe kernel: a {@linkcode PipeKernel} with the exact
 * Win32 semantics of docs/behaviours.md that runs anywhere, for tests and for
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
