/**
 * {@linkcode transactWholeSync}: a whole reply of TransactNamedPipe for
 * the synchronous calls (transactSync, callNamedPipeSync), reassembled as
 * {@linkcode readWholeMessage} does for the asynchronous ones.
 *
 * @module
 */
import { ERROR_BROKEN_PIPE } from "../constants.ts";
import { concatBytes } from "../concat_bytes.ts";
import { PipeError } from "../errors.ts";
import type { KernelHandle, PipeKernel } from "../port.ts";
import { behaviourOf } from "./failures.ts";
import { FIRST_CHUNK } from "./whole_message.ts";

/**
 * [TransactNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-transactnamedpipe)
 * of `request` in the calling thread, continued with synchronous
 * [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
 * calls while the reply is larger than the first buffer. A reply above
 * `maxSize` is read to its end, dropped, and throws a RangeError; a reply
 * cut short by the other end closing throws ERROR_BROKEN_PIPE with the part
 * that came.
 *
 * @example
 * ```ts ignore
 * // In core's PipeConnection.transactSync:
 * const reply = transactWholeSync(this.kernel, this.kernelHandle, request, maxReplySize);
 * ```
 */
export function transactWholeSync(
  kernel: PipeKernel,
  handle: KernelHandle,
  request: Uint8Array,
  maxSize: number,
): Uint8Array<ArrayBuffer> {
  const call = "TransactNamedPipe";
  const first = new Uint8Array(Math.min(FIRST_CHUNK, maxSize + 1));
  const result = kernel.transactSync(handle, request, first);
  const parts = [first.subarray(0, result.bytesRead)];
  let total = result.bytesRead;
  let complete = result.messageComplete;
  const rest = () => {
    try {
      return kernel.peek(handle).bytesLeftInMessage;
    } catch {
      return 0; // e.g. ERROR_BROKEN_PIPE: the next read says so
    }
  };
  const read = (length: number) => {
    const buffer = new Uint8Array(length);
    try {
      const { bytesRead, messageComplete } = kernel.readSync(handle, buffer);
      return { bytes: buffer.subarray(0, bytesRead), messageComplete };
    } catch (err) {
      if (behaviourOf("read", err) !== "end-of-data") throw err;
      throw new PipeError(ERROR_BROKEN_PIPE, call, {
        pipeName: handle.pipeName,
        partialMessage: concat(parts, total),
        detail: `the reply ended after ${total} bytes, before it was complete`,
      });
    }
  };
  while (!complete && total <= maxSize) {
    const part = read(Math.min(rest() || FIRST_CHUNK, maxSize + 1 - total));
    parts.push(part.bytes);
    total += part.bytes.length;
    complete = part.messageComplete;
  }
  if (total > maxSize) {
    const size = complete ? total : total + rest();
    while (!complete) complete = read(FIRST_CHUNK).messageComplete;
    throw new RangeError(`reply of ${size} bytes exceeds the limit of ${maxSize} bytes`);
  }
  return concat(parts, total);
}

/** The parts as one array (the only part itself when it is not much smaller than its memory). */
function concat(parts: readonly Uint8Array<ArrayBuffer>[], total: number): Uint8Array<ArrayBuffer> {
  if (parts.length === 1 && parts[0].length * 2 >= parts[0].buffer.byteLength) return parts[0];
  return concatBytes(parts, total);
}
