/**
 * {@linkcode readSome}: one read of a byte stream's pull.
 *
 * @module
 */
import type { PipeConnection, PipeReader, ReadData, ReadResult } from "@winpipe/core";
import { readOwned } from "@winpipe/core/internal";
import { untilData } from "./until_data.ts";

/**
 * The bytes of one read into `view` (ReadFile), or null at the end of the
 * data. A read of 0 bytes is a zero-length message read in byte read mode:
 * with `emptyEnds` it is the end of the data (go-winio's `CloseWrite`, as
 * go-winio reads it), otherwise it is read again, since a byte stream cannot
 * deliver an empty chunk. Polls a nonblocking handle while it has nothing to
 * read.
 */
export async function readSome(
  handle: PipeConnection | PipeReader,
  view: Uint8Array,
  signal: AbortSignal,
  emptyEnds = false,
): Promise<number | null> {
  for (;;) {
    const result = await untilData<number | ReadResult | null>(() => handle.read(view, { signal }), signal);
    if (result === null) return null;
    const bytesRead = typeof result === "number" ? result : result.bytesRead;
    if (bytesRead > 0) return bytesRead;
    if (emptyEnds) return null;
  }
}

/**
 * {@linkcode readSome} into memory the backend hands over (`readOwned`):
 * up to `length` bytes, or null at the end of the data (with `emptyEnds`,
 * also at a read of 0 bytes).
 */
export function readSomeOwned(
  handle: PipeConnection | PipeReader,
  length: number,
  signal: AbortSignal,
  emptyEnds = false,
): Promise<ReadData | null> {
  // A promise chain, not an async function: every chunk of a default reader and of toNodeDuplex comes
  // through here (docs/benchmarks.md, seventeenth round).
  return untilData(() => readOwned(handle, length, signal), signal).then((data) => {
    if (data === null || data.bytes.length > 0) return data;
    data.release?.();
    if (emptyEnds) return null;
    return readSomeOwned(handle, length, signal); // an empty read: read again
  });
}
