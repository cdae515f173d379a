/**
 * `@winpipe/streams`: WHATWG streams over winpipe handles, runtime-agnostic
 * (no Deno or Bun APIs).
 *
 * - {@linkcode readableFrom}: a ReadableStream of what a handle reads. In
 *   byte read mode a byte stream (`type: "bytes"`) whose BYOB readers get
 *   ReadFile's data in their own view; in message read mode one chunk per
 *   whole message, zero-length messages included. It ends at the end of the
 *   data (ERROR_BROKEN_PIPE).
 * - {@linkcode writableTo}: a WritableStream that writes each chunk with one
 *   WriteFile (one message on a message pipe), with the pipe's
 *   backpressure; closing it closes the handle so the reader sees the end.
 * - {@linkcode streams}: both, to pass to `createWinpipe(kernel, { streams })`
 *   so that connections and anonymous pipe ends get `readable` / `writable`.
 * - Framing, as TransformStreams to put between those streams and your code
 *   (bounded memory, backpressure kept): text lines
 *   ({@linkcode LineDecoderStream}, {@linkcode LineEncoderStream}), 32-bit
 *   length prefixes ({@linkcode LengthPrefixDecoderStream},
 *   {@linkcode LengthPrefixEncoderStream}), JSON Lines
 *   ({@linkcode JsonLinesDecoderStream}, {@linkcode JsonLinesEncoderStream}),
 *   one JSON value per message or frame ({@linkcode JsonDecoderStream},
 *   {@linkcode JsonEncoderStream}) and the `Content-Length` framing of
 *   JSON-RPC / LSP ({@linkcode ContentLengthDecoderStream},
 *   {@linkcode ContentLengthEncoderStream}).
 *
 * `@winpipe/streams/node` has `toNodeDuplex`, a `node:stream` Duplex over a
 * connection (it imports `node:stream`, which this entry does not).
 *
 * They work with `pipeTo`, `pipeThrough`, `TextDecoderStream` and
 * `for await`. Cancelling a readable or aborting a writable cancels the
 * pending ReadFile / WriteFile (CancelIoEx through its AbortSignal) and
 * closes the handle.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { streams } from "@winpipe/streams";
 *
 * const pipes = createWinpipe(createModelKernel(), { streams });
 * const name = String.raw`\\.\pipe\streams-demo`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await pipes.connect(name, { readMode: "message" });
 * await using conn = await accepted;
 *
 * // Each chunk is one message; closing the writable closes the client handle.
 * const sent = ReadableStream.from(["one", "two"])
 *   .pipeThrough(new TextEncoderStream())
 *   .pipeTo(client.writable);
 * for await (const message of conn.readable.pipeThrough(new TextDecoderStream())) {
 *   console.log(message); // "one", then "two"
 * }
 * await sent;
 * ```
 *
 * @module
 */
export * from "./src/readable_from.ts";
export * from "./src/writable_to.ts";
export * from "./src/streams.ts";
export {
  type LineDecoderOptions,
  LineDecoderStream,
  type LineEncoderOptions,
  LineEncoderStream,
  type LineEnding,
} from "./src/framing/lines.ts";
export {
  type ByteOrder,
  LengthPrefixDecoderStream,
  LengthPrefixEncoderStream,
  type LengthPrefixOptions,
} from "./src/framing/length_prefix.ts";
export {
  type JsonLinesDecoderOptions,
  JsonLinesDecoderStream,
  JsonLinesEncoderStream,
} from "./src/framing/json_lines.ts";
export { JsonDecoderStream, JsonEncoderStream } from "./src/framing/json.ts";
export {
  type ContentLengthDecoderOptions,
  ContentLengthDecoderStream,
  ContentLengthEncoderStream,
} from "./src/framing/content_length.ts";
