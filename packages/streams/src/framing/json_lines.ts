/**
 * {@linkcode JsonLinesDecoderStream} and {@linkcode JsonLinesEncoderStream}:
 * newline-delimited JSON (NDJSON, JSON Lines) over a byte stream.
 *
 * @module
 */
import { DEFAULT_MAX_MESSAGE_SIZE } from "@winpipe/core";
import { bytesOf, requireInteger, requireOptions } from "@winpipe/core/internal";
import { LineSplitter } from "./_line_splitter.ts";
import { parseJson, stringifyJson } from "./_json_text.ts";
import { MAX_LINE_LIMIT } from "./lines.ts";

/**
 * Options of {@linkcode JsonLinesDecoderStream}.
 *
 * @example
 * ```ts
 * import { type JsonLinesDecoderOptions, JsonLinesDecoderStream } from "@winpipe/streams";
 * const options: JsonLinesDecoderOptions = { maxLineLength: 1024 };
 * const values = ReadableStream.from([new TextEncoder().encode('{"id":1}\n{"id":2}\n')])
 *   .pipeThrough(new JsonLinesDecoderStream(options));
 * await Array.fromAsync(values); // [{ id: 1 }, { id: 2 }]
 * ```
 */
export interface JsonLinesDecoderOptions {
  /**
   * The longest line (one JSON text) accepted, in bytes, its ending not
   * counted. A longer line errors the stream with a RangeError as soon as
   * it passes the limit, before more of it is buffered. Default 16 MiB.
   */
  maxLineLength?: number;
}

/** Space, tab and "\r" only: a line of JSON Lines that carries no value. */
function isBlank(line: Uint8Array): boolean {
  return line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d);
}

/**
 * A TransformStream from bytes to JSON values, one per line (NDJSON / JSON
 * Lines): lines end with "\n" or "\r\n", blank lines are skipped, and a
 * last value without a line ending is parsed when the input ends. A line
 * that is not JSON (or not UTF-8) errors the stream with a SyntaxError that
 * gives its line number.
 *
 * Memory is bounded by `maxLineLength`; backpressure is kept, as in
 * {@linkcode LineDecoderStream}.
 *
 * @example Values over a byte pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { JsonLinesDecoderStream, JsonLinesEncoderStream, streams } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * const sent = ReadableStream.from([{ event: "start" }, { event: "stop", code: 0 }])
 *   .pipeThrough(new JsonLinesEncoderStream())
 *   .pipeTo(pipe.writer.writable);
 * const events = await Array.fromAsync(pipe.reader.readable.pipeThrough(new JsonLinesDecoderStream()));
 * await sent;
 * events; // [{ event: "start" }, { event: "stop", code: 0 }]
 * ```
 */
export class JsonLinesDecoderStream extends TransformStream<Uint8Array, unknown> {
  /** A decoder with the limits of `options`; bad options throw a TypeError or RangeError here. */
  constructor(options?: JsonLinesDecoderOptions) {
    const opts = requireOptions<JsonLinesDecoderOptions>(options);
    const maxLineLength = requireInteger(
      opts.maxLineLength ?? DEFAULT_MAX_MESSAGE_SIZE,
      "maxLineLength",
      0,
      MAX_LINE_LIMIT,
    );
    const splitter = new LineSplitter(maxLineLength);
    let lines = 0;
    const parse = (line: Uint8Array, controller: TransformStreamDefaultController<unknown>) => {
      lines++;
      if (!isBlank(line)) controller.enqueue(parseJson(line, `line ${lines}`));
    };
    super({
      transform(chunk, controller) {
        splitter.push(bytesOf(chunk), (line) => parse(line, controller));
      },
      flush(controller) {
        const last = splitter.end();
        if (last !== undefined) parse(last, controller);
      },
    });
  }
}

/**
 * A TransformStream from values to bytes: each value in becomes one chunk
 * out, its JSON text and "\n" (JSON text never holds a raw newline), so each
 * value is one WriteFile when piped to a pipe's writable. A value with no
 * JSON text errors the stream with a TypeError.
 *
 * @example
 * ```ts
 * import { JsonLinesEncoderStream } from "@winpipe/streams";
 *
 * const chunks = await Array.fromAsync(ReadableStream.from([1, "two"]).pipeThrough(new JsonLinesEncoderStream()));
 * chunks.map((c) => new TextDecoder().decode(c)).join(""); // '1\n"two"\n'
 * ```
 */
export class JsonLinesEncoderStream extends TransformStream<unknown, Uint8Array<ArrayBuffer>> {
  constructor() {
    super({
      transform(value, controller) {
        controller.enqueue(stringifyJson(value, "\n"));
      },
    });
  }
}
