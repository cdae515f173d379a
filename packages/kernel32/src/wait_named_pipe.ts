/**
 * WaitNamedPipeW as its own call, so that it can wait off the main thread
 * and be cancelled: WaitNamedPipeW has no overlapped form.
 *
 * @module
 */
import { ERROR_INVALID_NAME, ERROR_IO_PENDING, ERROR_OPERATION_ABORTED, FILE_READ_ATTRIBUTES } from "@winpipe/core";
import { PipeError } from "@winpipe/core";
import { completionCode, overlappedIo } from "./io.ts";
import { PendingOperation } from "./pending_operation.ts";
import type { Session } from "./session.ts";
import { handleAt, ioStatusBlock, objectAttributes, pipeWaitRequest, STATUS_PENDING } from "./structs.ts";
import { FILE_SHARE_READ_WRITE, FSCTL_PIPE_WAIT, SYNCHRONIZE } from "./win32_constants.ts";
import { keepUntilHere } from "./win32.ts";

/**
 * [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew),
 * as what it does inside: NtFsControlFile(FSCTL_PIPE_WAIT) on the pipe file
 * system's root (`\??\PIPE\`, or `\??\UNC\SERVER\pipe\` for a remote name),
 * issued asynchronously so that it waits off the main thread (its
 * completion comes through the completion port) and CancelIoEx cancels
 * it. Its NTSTATUS is converted with RtlNtStatusToDosError (a missing pipe
 * is ERROR_FILE_NOT_FOUND, a time-out ERROR_SEM_TIMEOUT).
 */
export async function waitNamedPipe(
  session: Session,
  name: string,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const call = "WaitNamedPipeW";
  if (signal?.aborted) throw new PipeError(ERROR_OPERATION_ABORTED, call, { pipeName: name });
  const match = /^\\\\([^\\]+)\\pipe\\(.+)$/is.exec(name);
  if (match === null) throw new PipeError(ERROR_INVALID_NAME, call, { pipeName: name });
  const [, server, pipe] = match;
  const { kernel32, ntdll } = session.lib;
  const remote = server !== ".";
  let device: number;
  try {
    device = remote ? openPipeDevice(session, `\\??\\UNC\\${server}\\pipe\\`) : localPipeDevice(session);
  } catch (err) {
    throw err instanceof PipeError ? new PipeError(err.code, call, { pipeName: name, cause: err }) : err;
  }
  try {
    const request = pipeWaitRequest(pipe, timeout);
    const op = new PendingOperation(session.overlappeds.take(), [request]);
    const status = ntdll.NtFsControlFile(
      device,
      0,
      null,
      op.overlapped, // ApcContext: the completion packet's lpOverlapped
      op.overlapped,
      FSCTL_PIPE_WAIT,
      request,
      request.length,
      null,
      0,
    ) >>> 0;
    const done = status === STATUS_PENDING
      ? await overlappedIo(session, undefined, device, op, ERROR_IO_PENDING, signal)
      : { status, information: 0 };
    const code = completionCode(session, done);
    if (code !== 0) throw new PipeError(code, call, { pipeName: name });
  } finally {
    if (remote) kernel32.CloseHandle(device);
  }
}

/** The handle to `\??\PIPE\` that local waits go through (one per process; not a pipe handle, not counted). */
function localPipeDevice(session: Session): number {
  session.localPipeDevice ??= openPipeDevice(session, "\\??\\PIPE\\");
  return session.localPipeDevice;
}

/** Opens a pipe file system root (`\??\PIPE\`) for FSCTL_PIPE_WAIT, without FILE_SYNCHRONOUS_IO_*: asynchronous. */
function openPipeDevice(session: Session, ntName: string): number {
  const { kernel32, ntdll, addressOf } = session.lib;
  const attributes = objectAttributes(ntName, false, addressOf);
  const out = new BigUint64Array(new ArrayBuffer(8));
  const iosb = ioStatusBlock();
  const status = ntdll.NtOpenFile(
    out,
    FILE_READ_ATTRIBUTES | SYNCHRONIZE,
    attributes.bytes,
    iosb,
    FILE_SHARE_READ_WRITE,
    0,
  ) >>> 0;
  keepUntilHere(attributes.keep);
  if (status !== 0) throw new PipeError(session.dosError(status), "NtOpenFile");
  const device = handleAt(out);
  try {
    session.port.associate(device, "WaitNamedPipeW", undefined);
  } catch (err) {
    kernel32.CloseHandle(device);
    throw err;
  }
  return device;
}
