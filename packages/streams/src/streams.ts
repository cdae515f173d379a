/**
 * {@linkcode streams}: the factories to pass to `createWinpipe`.
 *
 * @module
 */
import type { StreamFactories } from "@winpipe/core";
import { readableFrom, type ReadableOptions } from "./readable_from.ts";
import { type WritableOptions, writableTo } from "./writable_to.ts";

/**
 * The stream factories of this package, to pass to `createWinpipe(kernel,
 * { streams })` of `@winpipe/core`: the handles that binding hands out then
 * have working `readable` / `writable` getters (made once with the default
 * options, then cached). `streams.readable` is {@linkcode readableFrom} and
 * `streams.writable` is {@linkcode writableTo}.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { streams } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * const text = new Response(pipe.reader.readable).text();
 * await ReadableStream.from(["hi"]).pipeThrough(new TextEncoderStream()).pipeTo(pipe.writer.writable);
 * await text; // "hi"
 * ```
 */
export const streams: StreamFactories<ReadableOptions, WritableOptions> = Object.freeze({
  readable: readableFrom,
  writable: writableTo,
});
