/**
 * The model's data transfer on an open end: ReadFile, WriteFile (blocking
 * and nonblocking), TransactNamedPipe and FlushFileBuffers. ModelKernel
 * resolves the handle to its end and checks the signal first.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_LISTENING,
  ERROR_PIPE_NOT_CONNECTED,
} from "../constants.ts";
import type { ReadData } from "../port.ts";
import { attachedInstance, failure } from "./checks.ts";
import { DUPLEX } from "./directions.ts";
import type { PipeEnd } from "./instance.ts";
import { immediate } from "./immediate.ts";
import { PendingOperation } from "./operation.ts";
import type { DataQueue, ReadRequest } from "./queue.ts";

/** A pending read into `buffer` (the model's own) that settles `operation` with what arrived. */
function readRequest(buffer: Uint8Array<ArrayBuffer>, operation: PendingOperation<ReadData>): ReadRequest {
  return {
    buffer,
    complete: (bytesRead, messageComplete) =>
      operation.resolve({ bytes: buffer.subarray(0, bytesRead), messageComplete }),
    fail: (code) => operation.fail(code),
  };
}

export function readEnd(end: PipeEnd, length: number, signal: AbortSignal | undefined): Promise<ReadData> {
  const call = "ReadFile";
  if (!end.access.readData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  if (instance.state === "disconnected") throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
  if (instance.state === "listening") throw failure(ERROR_PIPE_LISTENING, call, end.pipeName); // B11
  const queue = instance.readQueue(end);
  const buffer = new Uint8Array(length);
  if (queue.hasData) {
    const { bytesRead, messageComplete } = queue.read(buffer, end.messageReadMode);
    return immediate({ bytes: buffer.subarray(0, bytesRead), messageComplete });
  }
  if (instance.state === "closing") throw failure(ERROR_BROKEN_PIPE, call, end.pipeName); // G49
  if (end.nonblocking) throw failure(ERROR_NO_DATA, call, end.pipeName); // E36
  const operation = new PendingOperation<ReadData>(call, end.pipeName);
  const request = readRequest(buffer, operation);
  queue.addReader(request);
  return operation.begin(() => queue.removeReader(request), end.pending, signal);
}

export function writeEnd(end: PipeEnd, data: Uint8Array, signal: AbortSignal | undefined): Promise<number> {
  const call = "WriteFile";
  if (!end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  if (instance.state === "disconnected") throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
  if (instance.state === "listening") throw failure(ERROR_PIPE_LISTENING, call, end.pipeName); // B11
  if (instance.state === "closing") throw failure(ERROR_NO_DATA, call, end.pipeName); // B20, G49
  const queue = instance.writeQueue(end);
  const messageType = instance.pipe.messageType;
  // A byte pipe has no boundaries to keep: a 0-byte write does nothing (D33).
  if (data.length === 0 && !messageType) return immediate(0);
  const readerMessageMode = instance.peer(end)?.messageReadMode ?? false;
  if (end.nonblocking) return immediate(writeNonblocking(queue, data, messageType, readerMessageMode));

  const fed = queue.feedReaders(data, messageType, readerMessageMode);
  if (fed.delivered) return immediate(data.length);
  const written = data.length;
  const operation = new PendingOperation<number>(call, end.pipeName);
  const { entry, pending } = queue.append(data.subarray(fed.taken), {
    // The count as the call was made: the caller may detach `data` before the write completes.
    waiter: { complete: () => operation.resolve(written), fail: (code) => operation.fail(code) },
  });
  if (!pending) return immediate(data.length);
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
function writeNonblocking(
  queue: DataQueue,
  data: Uint8Array,
  messageType: boolean,
  readerMessageMode: boolean,
): number {
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

export function transactEnd(
  end: PipeEnd,
  input: Uint8Array,
  replyLength: number,
  signal: AbortSignal | undefined,
): Promise<ReadData> {
  const call = "TransactNamedPipe";
  // FSCTL_PIPE_TRANSCEIVE needs read and write access.
  if (!end.access.readData || !end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
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

export function flushEnd(end: PipeEnd, signal: AbortSignal | undefined): Promise<void> {
  const call = "FlushFileBuffers";
  if (!end.access.writeData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  // No state check: with nothing of ours unread, there is nothing to wait for (G52).
  const queue = instance.writeQueue(end);
  if (!queue.hasData) return immediate(undefined);
  const operation = new PendingOperation<void>(call, end.pipeName);
  const marker = queue.addFlush({ complete: () => operation.resolve(), fail: (code) => operation.fail(code) });
  return operation.begin(() => queue.removeEntry(marker), end.pending, signal);
}
