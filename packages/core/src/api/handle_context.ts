/**
 * {@linkcode HandleContext}: what every handle of one bound API shares, the
 * kernel and the stream factories its `readable` / `writable` getters use,
 * given to each handle when it is made.
 *
 * @module
 */
import type { KernelHandle, PipeKernel } from "../port.ts";

/**
 * What every handle has, as the stream factories see it: the factories
 * accept a PipeConnection, a PipeReader or a PipeWriter (whose classes this
 * module does not import: they import it).
 *
 * @example
 * ```ts
 * import type { StreamHandle } from "@winpipe/core";
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { createPipe } = createWinpipe(createModelKernel());
 * using pipe = createPipe();
 * const handle: StreamHandle = pipe.reader; // what a stream factory gets
 * handle.pipeName; // undefined: an anonymous pipe
 * ```
 */
export interface StreamHandle {
  /** The pipe name, or undefined for an anonymous pipe. */
  readonly pipeName: string | undefined;
  /** True once the handle is closed. */
  readonly closed: boolean;
  /** The backend's handle object. */
  readonly kernelHandle: KernelHandle;
  /** Closes the handle. */
  close(): void;
}

/**
 * Builds WHATWG streams over pipe handles: what the `streams` option of
 * `createWinpipe` takes, so that {@linkcode PipeConnection.readable},
 * `PipeReader.readable` and friends work. Core only defines the shape (it
 * does not depend on `@winpipe/streams`, which exports a ready `streams`
 * object of this type). The getters call the factories with the handle
 * alone (a PipeConnection, PipeReader or PipeWriter, described here only as
 * far as every handle has it, {@linkcode StreamHandle}); `R` and `W` are the
 * option types a factory accepts when called directly.
 *
 * @example
 * ```ts
 * import { createWinpipe, type StreamFactories } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * // A toy factory: a stream of one chunk (use `streams` of @winpipe/streams instead).
 * const streams: StreamFactories = {
 *   readable: () => ReadableStream.from([new Uint8Array([1])]),
 *   writable: () => new WritableStream(),
 * };
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * pipe.reader.readable; // the stream made by streams.readable(pipe.reader)
 * ```
 */
export interface StreamFactories<R = never, W = never> {
  /** A stream of the data read from `handle` (a PipeConnection or a PipeReader). */
  readable(handle: StreamHandle, options?: R): ReadableStream<Uint8Array<ArrayBuffer>>;
  /** A stream whose chunks are written to `handle` (a PipeConnection or a PipeWriter). */
  writable(handle: StreamHandle, options?: W): WritableStream<Uint8Array>;
}

/** What the handles of one bound API share. */
export interface HandleContext {
  /** The kernel the handles belong to. */
  readonly kernel: PipeKernel;
  /** The factories of the `readable` / `writable` getters, when the API was bound with them. */
  readonly streams: StreamFactories | undefined;
}
