/**
 * {@linkcode readSome}: one read of a byte stream's pull.
 *
 * @module
 */
import type { PipeConnection, PipeReader, ReadResult } from "@winpipe/core";
import { untilData } from "./until_data.ts";

/**
 * The bytes of one read into `view` (ReadFile), or null at the end of the
 * data. Retries 0-byte reads (a zero-length message read in byte read mode),
 * since a byte stream cannot deliver an empty chunk, and polls a
 * nonblocking handle while it has nothing to read.
 */
export async function readSome(
  handle: PipeConnection | PipeReader,
  view: Uint8Array,
  signal: AbortSignal,
): Promise<number | null> {
  for (;;) {
    const result = await untilData<number | ReadResult | null>(() => handle.read(view, { signal }), signal);
    if (result === null) return null;
    const bytesRead = typeof result === "number" ? result : result.bytesRead;
    if (bytesRead > 0) return bytesRead;
  }
}
