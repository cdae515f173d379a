/**
 * {@linkcode LineDecoderStream} and {@linkcode LineEncoderStream}: text
 * lines over a byte stream.
 *
 * @module
 */
import { bytesOf, requireBoolean, requireInteger, requireOptions, show } from "@winpipe/core/internal";
import { LineSplitter } from "./_line_splitter.ts";

/** The default longest line a {@linkcode LineDecoderStream} accepts: 1 MiB. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

/** The largest limit the decoders take: a line must fit in one JavaScript string and one buffer. */
export const MAX_LINE_LIMIT = 0x3fffffff;

/**
 * Options of {@linkcode LineDecoderStream}.
 *
 * @example
 * ```ts
 * import { type LineDecoderOptions, LineDecoderStream } from "@winpipe/streams";
 * const options: LineDecoderOptions = { maxLineLength: 10 };
 * const lines = ReadableStream.from([new TextEncoder().encode("a line much longer than ten bytes\n")])
 *   .pipeThrough(new LineDecoderStream(options));
 * await Array.fromAsync(lines).catch((err) => err.name); // "RangeError"
 * ```
 */
export interface LineDecoderOptions {
  /**
   * The longest line accepted, in bytes of UTF-8, its ending not counted.
   * A longer line errors the stream with a RangeError as soon as it passes
   * the limit, so a peer that never sends a line ending cannot make the
   * decoder hold more than this. Default 1 MiB.
   */
  maxLineLength?: number;
  /**
   * Invalid UTF-8 errors the stream (TextDecoder's TypeError) instead of
   * becoming U+FFFD. Default false, as in TextDecoderStream.
   */
  fatal?: boolean;
}

/**
 * A TransformStream from bytes to lines of text: each chunk out is one line
 * without its ending, which may be "\n" or "\r\n" (both may occur in one
 * stream). Lines are found however the bytes are split into chunks,
 * characters cut in the middle included. A last line without an ending is
 * delivered as it is when the input ends; a byte order mark at the start is
 * dropped (as TextDecoderStream does).
 *
 * Memory is bounded by `maxLineLength` (see {@linkcode LineDecoderOptions}).
 * Backpressure is kept: the decoder takes the next chunk only when its
 * reader wants more lines, so over a pipe unread data stays in the pipe.
 *
 * @example A child's output (or any byte stream) as lines
 * ```ts
 * import { LineDecoderStream } from "@winpipe/streams";
 *
 * const bytes = ReadableStream.from([new TextEncoder().encode("one\r\ntw"), new TextEncoder().encode("o\nthree")]);
 * const lines = await Array.fromAsync(bytes.pipeThrough(new LineDecoderStream()));
 * lines; // ["one", "two", "three"]
 * ```
 *
 * @example Over a pipe: `conn.readable.pipeThrough(new LineDecoderStream())`
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { LineDecoderStream, streams } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * await pipe.writer.write(new TextEncoder().encode("first\nsecond\n"));
 * pipe.writer.close();
 * for await (const line of pipe.reader.readable.pipeThrough(new LineDecoderStream({ maxLineLength: 4096 }))) {
 *   console.log(line); // "first", then "second"
 * }
 * ```
 */
export class LineDecoderStream extends TransformStream<Uint8Array, string> {
  /** A decoder with the limit of `options`; bad options throw a TypeError or RangeError here. */
  constructor(options?: LineDecoderOptions) {
    const opts = requireOptions<LineDecoderOptions>(options);
    const maxLineLength = requireInteger(
      opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
      "maxLineLength",
      0,
      MAX_LINE_LIMIT,
    );
    const fatal = requireBoolean(opts.fatal ?? false, "fatal");
    const splitter = new LineSplitter(maxLineLength);
    // Each line is decoded on its own, so the decoder must not drop a U+FEFF
    // at the start of every line: only the stream's first one is a BOM.
    const decoder = new TextDecoder("utf-8", { fatal, ignoreBOM: true });
    let first = true;
    const decode = (line: Uint8Array): string => {
      const text = decoder.decode(line);
      if (!first) return text;
      first = false;
      return text.startsWith("\uFEFF") ? text.slice(1) : text;
    };
    super({
      transform(chunk, controller) {
        splitter.push(bytesOf(chunk), (line) => controller.enqueue(decode(line)));
      },
      flush(controller) {
        const last = splitter.end();
        if (last !== undefined) controller.enqueue(decode(last));
      },
    });
  }
}

/**
 * The line endings {@linkcode LineEncoderStream} writes.
 *
 * @example
 * ```ts
 * import { LineEncoderStream, type LineEnding } from "@winpipe/streams";
 * const ending: LineEnding = "\r\n";
 * const bytes = ReadableStream.from(["one"]).pipeThrough(new LineEncoderStream({ ending }));
 * new TextDecoder().decode((await Array.fromAsync(bytes))[0]); // "one\r\n"
 * ```
 */
export type LineEnding = "\n" | "\r\n";

/**
 * Options of {@linkcode LineEncoderStream}.
 *
 * @example
 * ```ts
 * import { LineEncoderStream, type LineEncoderOptions } from "@winpipe/streams";
 * const options: LineEncoderOptions = { ending: "\n" };
 * const encoder = new LineEncoderStream(options);
 * ```
 */
export interface LineEncoderOptions {
  /** The ending written after each line. Default "\n". */
  ending?: LineEnding;
}

/**
 * A TransformStream from lines of text to bytes: each string in becomes one
 * chunk out, the line in UTF-8 followed by its ending ("\n" by default, or
 * "\r\n"), so that each line is one WriteFile when piped to a pipe's
 * writable. A line that contains "\n", or ends with "\r", would not read
 * back as one line: it errors the stream with a TypeError.
 *
 * @example Lines to a pipe, read back with LineDecoderStream
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { LineDecoderStream, LineEncoderStream, streams } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * const sent = ReadableStream.from(["alpha", "beta"])
 *   .pipeThrough(new LineEncoderStream({ ending: "\r\n" }))
 *   .pipeTo(pipe.writer.writable); // closes the write end at the end
 * const lines = await Array.fromAsync(pipe.reader.readable.pipeThrough(new LineDecoderStream()));
 * await sent;
 * lines; // ["alpha", "beta"]
 * ```
 */
export class LineEncoderStream extends TransformStream<string, Uint8Array<ArrayBuffer>> {
  /** An encoder with the line ending of `options`; bad options throw a TypeError here. */
  constructor(options?: LineEncoderOptions) {
    const opts = requireOptions<LineEncoderOptions>(options);
    const ending = opts.ending ?? "\n";
    if (ending !== "\n" && ending !== "\r\n") {
      throw new TypeError(`ending must be "\\n" or "\\r\\n": got ${show(ending)}`);
    }
    const encoder = new TextEncoder();
    super({
      transform(line, controller) {
        if (typeof line !== "string") throw new TypeError(`a line must be a string: got ${show(line)}`);
        if (line.includes("\n") || line.endsWith("\r")) {
          throw new TypeError(`a line must not contain "\\n" nor end with "\\r": got ${JSON.stringify(line)}`);
        }
        controller.enqueue(encoder.encode(line + ending));
      },
    });
  }
}
