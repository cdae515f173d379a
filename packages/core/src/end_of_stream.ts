/**
 * {@linkcode writeEndOfStream}: go-winio's `CloseWrite` on a message pipe,
 * the one way winpipe ends what one side of a connection sends.
 *
 * @module
 */
import type { SignalOptions } from "./api/signals.ts";

/**
 * What the end-of-stream marker is written through: a pipe handle's flush
 * and write (a PipeConnection, or an anonymous pipe's PipeWriter).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import type { EndOfStreamHandle } from "@winpipe/core/internal";
 * using pipe = createWinpipe(createModelKernel()).createPipe();
 * const handle: EndOfStreamHandle = pipe.writer;
 * ```
 */
export interface EndOfStreamHandle {
  /** FlushFileBuffers: resolves once the reader took every byte written. */
  flush(options?: SignalOptions): Promise<void>;
  /** WriteFile of all of `data`. */
  write(data: Uint8Array, options?: SignalOptions): Promise<void>;
}

/**
 * Ends what this side sends, as go-winio's `CloseWrite` does: FlushFileBuffers,
 * which waits until the reader took every byte, then a zero-length message.
 * The flush comes first so that the marker is read on its own: on Windows a
 * byte-mode read that takes the data may take a zero-length message queued
 * behind it along (docs/wine-findings.md, W-D33), and the reader would never
 * see the end. Only meaningful on a message pipe (a zero-length write on a
 * byte pipe sends nothing). Resolves once the reader took the data and the
 * marker is in the pipe.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { writeEndOfStream } from "@winpipe/core/internal";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\end-of-stream`;
 * using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * using client = await pipes.connect(name);
 * using conn = await accepted;
 * await writeEndOfStream(client);
 * (await conn.readMessage())?.length; // 0: the marker
 * ```
 */
export async function writeEndOfStream(handle: EndOfStreamHandle, signal?: AbortSignal): Promise<void> {
  await handle.flush({ signal });
  await handle.write(new Uint8Array(0), { signal });
}
