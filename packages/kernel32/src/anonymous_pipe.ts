/**
 * CreatePipe the way CreatePipe itself does it, with overlapped ends.
 *
 * @module
 */
import { FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES, GENERIC_READ, PipeError } from "@winpipe/core";
import type { AnonymousPipeHandles } from "@winpipe/core";
import type { Kernel32Handle } from "./handle.ts";
import type { Session } from "./session.ts";
import { handleAt, hex8, ioStatusBlock, objectAttributes, STATUS_OBJECT_NAME_COLLISION } from "./structs.ts";
import {
  FILE_CREATE,
  FILE_GENERIC_WRITE,
  FILE_NON_DIRECTORY_FILE,
  FILE_SHARE_READ,
  FILE_SHARE_READ_WRITE,
  FILE_SYNCHRONOUS_IO_NONALERT,
  SYNCHRONIZE,
} from "./win32_constants.ts";
import { keepUntilHere } from "./win32.ts";

/** Makes a handle object of a new native handle, associating an overlapped one with the completion port. */
export type WrapHandle = (native: number, overlapped: boolean) => Kernel32Handle;

/**
 * [CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe),
 * as CreatePipe itself does it (NtCreateNamedPipeFile for the read end,
 * NtOpenFile for the write end) under a unique name of this layer's own: a
 * byte pipe of one instance with nSize (or 4096) bytes of quota each way,
 * read end GENERIC_READ | FILE_WRITE_ATTRIBUTES (the server end), write end
 * FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES (the client end). CreatePipe's
 * own handles cannot do overlapped I/O; ends not made inheritable are
 * opened for overlapped I/O here, and inheritable ends are synchronous, as
 * a child process expects of its standard handles.
 */
export function createAnonymousPipe(
  session: Session,
  bufferSize: number,
  inheritRead: boolean,
  inheritWrite: boolean,
  wrap: WrapHandle,
): AnonymousPipeHandles<Kernel32Handle> {
  const { kernel32, ntdll, addressOf } = session.lib;
  const size = bufferSize === 0 ? 4096 : bufferSize;
  const pid = kernel32.GetCurrentProcessId();
  const out = new BigUint64Array(new ArrayBuffer(8));
  const iosb = ioStatusBlock();
  const timeout = new BigInt64Array(new ArrayBuffer(8));
  timeout[0] = -1_200_000_000n; // 120 s, as CreatePipe
  for (let attempt = 0;; attempt++) {
    const random = crypto.getRandomValues(new Uint32Array(2));
    const name = `\\??\\pipe\\winpipe-anonymous.${hex8(pid)}.${hex8(++session.anonymousSerial)}.` +
      `${hex8(random[0])}${hex8(random[1])}`;
    const readAttributes = objectAttributes(name, inheritRead, addressOf);
    const status = ntdll.NtCreateNamedPipeFile(
      out,
      (GENERIC_READ | FILE_WRITE_ATTRIBUTES | SYNCHRONIZE) >>> 0,
      readAttributes.bytes,
      iosb,
      FILE_SHARE_READ_WRITE,
      FILE_CREATE,
      inheritRead ? FILE_SYNCHRONOUS_IO_NONALERT : 0,
      0, // FILE_PIPE_BYTE_STREAM_TYPE
      0, // FILE_PIPE_BYTE_STREAM_MODE
      0, // FILE_PIPE_QUEUE_OPERATION
      1,
      size,
      size,
      timeout,
    ) >>> 0;
    keepUntilHere(readAttributes.keep);
    if (status === STATUS_OBJECT_NAME_COLLISION && attempt < 8) continue;
    if (status !== 0) throw new PipeError(session.dosError(status), "CreatePipe");
    const readNative = handleAt(out);
    const writeAttributes = objectAttributes(name, inheritWrite, addressOf);
    const openStatus = ntdll.NtOpenFile(
      out,
      FILE_GENERIC_WRITE | FILE_READ_ATTRIBUTES,
      writeAttributes.bytes,
      iosb,
      FILE_SHARE_READ,
      FILE_NON_DIRECTORY_FILE | (inheritWrite ? FILE_SYNCHRONOUS_IO_NONALERT : 0),
    ) >>> 0;
    keepUntilHere(writeAttributes.keep);
    if (openStatus !== 0) {
      kernel32.CloseHandle(readNative);
      throw new PipeError(session.dosError(openStatus), "CreatePipe");
    }
    const writeNative = handleAt(out);
    let read: Kernel32Handle;
    try {
      read = wrap(readNative, !inheritRead);
    } catch (err) {
      kernel32.CloseHandle(writeNative);
      throw err;
    }
    try {
      return { read, write: wrap(writeNative, !inheritWrite) };
    } catch (err) {
      read.close();
      throw err;
    }
  }
}
