/**
 * {@linkcode writeAll}: the loop behind `write()` on every handle.
 *
 * @module
 */
import { PIPE_SERVER_END, PIPE_TYPE_MESSAGE } from "../constants.ts";
import type { KernelHandle, PipeKernel } from "../port.ts";
import { isDetached } from "../validate.ts";
import { cancellable } from "./failures.ts";
import { Backoff } from "./signals.ts";

/**
 * Writes all of `data` with as many WriteFile calls as it takes. A blocking
 * handle takes everything in one call. A nonblocking handle gets no notice
 * of room, and its kernel takes a write whole or not at all when no reader
 * has a read pending (a byte pipe's 600-byte write into a 512-byte buffer
 * writes 0, every time): so when nothing fits, a byte pipe's rest goes in
 * pieces no larger than the pipe's buffer, halved while they still do not
 * fit (a 1-byte piece fits whenever there is any room), and the next try
 * waits a backoff of 1 ms doubling to 50 ms. A message cannot be split: it
 * is retried whole, and one larger than the buffer goes through only while
 * the reader has a read pending that takes the rest. `owned`: the caller
 * hands `data` over until this settles (the port's `write`), so the kernel
 * may write from it without a copy.
 */
export async function writeAll(
  kernel: PipeKernel,
  handle: KernelHandle,
  data: Uint8Array,
  signal: AbortSignal | undefined,
  owned = false,
): Promise<void> {
  let offset = 0;
  const backoff = new Backoff();
  let piece = data.length;
  /** The size of a byte pipe's buffer; undefined on a message pipe. Asked once, when a write first took nothing. */
  let bufferSize: number | undefined;
  let asked = false;
  const total = data.length;
  do {
    if (offset > 0 && (isDetached(data) || data.length < total)) {
      // Each WriteFile took its bytes when issued; what is left went away with the caller's buffer.
      throw new TypeError(
        `write: the data was ${isDetached(data) ? "detached" : "shrunk"} while the write was pending; ` +
          `${offset} of ${total} bytes were written`,
      );
    }
    const written = await cancellable(
      signal,
      () => kernel.write(handle, data.subarray(offset, offset + piece), signal, owned),
    );
    offset += written;
    if (offset === total) return;
    if (written > 0) {
      backoff.reset();
      if (bufferSize) piece = Math.min(piece * 2, bufferSize);
      continue;
    }
    if (!asked) {
      bufferSize = byteBufferSize(kernel, handle);
      asked = true;
    }
    if (bufferSize !== undefined) piece = Math.max(1, Math.min(bufferSize, piece) >>> (piece <= bufferSize ? 1 : 0));
    await backoff.wait(signal);
  } while (offset < total);
}

/** The size of the buffer that `handle`'s writes go into, or undefined on a message pipe (GetNamedPipeInfo). */
function byteBufferSize(kernel: PipeKernel, handle: KernelHandle): number | undefined {
  const info = kernel.getInfo(handle);
  if (info.flags & PIPE_TYPE_MESSAGE) return undefined;
  // The server end writes into the outbound buffer, a client end (an anonymous pipe's write end too) into the inbound one.
  return Math.max(1, info.flags & PIPE_SERVER_END ? info.outBufferSize : info.inBufferSize);
}
