/**
 * {@linkcode ContentLengthDecoderStream} and
 * {@linkcode ContentLengthEncoderStream}: the `Content-Length` header
 * framing of JSON-RPC as language servers use it (the base protocol of the
 * Language Server Protocol).
 *
 * @module
 */
import { DEFAULT_MAX_MESSAGE_SIZE } from "@winpipe/core";
import { bytesOf, requireInteger, requireOptions } from "@winpipe/core/internal";
import { GrowableBytes } from "./_growable_bytes.ts";

/**
 * Options of {@linkcode ContentLengthDecoderStream}.
 *
 * @example
 * ```ts
 * import { type ContentLengthDecoderOptions, ContentLengthDecoderStream } from "@winpipe/streams";
 * const options: ContentLengthDecoderOptions = { maxMessageSize: 1024 * 1024, maxHeaderSize: 1024 };
 * const bodies = ReadableStream.from([new TextEncoder().encode("Content-Length: 2\r\n\r\n{}")])
 *   .pipeThrough(new ContentLengthDecoderStream(options));
 * new TextDecoder().decode((await Array.fromAsync(bodies))[0]); // "{}"
 * ```
 */
export interface ContentLengthDecoderOptions {
  /**
   * The largest body accepted, in bytes. A larger `Content-Length` errors
   * the stream with a RangeError as soon as its header is read, before any
   * of the body is buffered. Default 16 MiB.
   */
  maxMessageSize?: number;
  /**
   * The largest header block accepted, in bytes, its blank line included.
   * A peer that sends more without the blank line errors the stream with a
   * RangeError. Default 8192.
   */
  maxHeaderSize?: number;
}

const HEADER_END = [0x0d, 0x0a, 0x0d, 0x0a]; // "\r\n\r\n"
const latin1 = new TextDecoder("latin1");
const encoder = new TextEncoder();

/** The index of "\r\n\r\n" in `bytes` at or after `from`, or -1. */
function headerEnd(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(0x0d, from); i !== -1 && i + 4 <= bytes.length; i = bytes.indexOf(0x0d, i + 1)) {
    if (bytes[i + 1] === HEADER_END[1] && bytes[i + 2] === HEADER_END[2] && bytes[i + 3] === HEADER_END[3]) return i;
  }
  return -1;
}

/**
 * The body length a header block announces. Fields are `Name: value` lines
 * ended by "\r\n"; names are case-insensitive; fields other than
 * Content-Length (Content-Type) are accepted and ignored.
 */
function contentLength(block: Uint8Array, message: number, maxMessageSize: number): number {
  let length: number | undefined;
  for (const line of latin1.decode(block).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) {
      throw new SyntaxError(`message ${message}: the header line ${JSON.stringify(line)} is not "Name: value"`);
    }
    if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
    const value = line.slice(colon + 1).trim();
    if (!/^[0-9]{1,16}$/.test(value)) {
      throw new SyntaxError(`message ${message}: Content-Length ${JSON.stringify(value)} is not a byte count`);
    }
    if (length !== undefined && length !== Number(value)) {
      throw new SyntaxError(`message ${message}: two different Content-Length headers (${length} and ${value})`);
    }
    length = Number(value);
  }
  if (length === undefined) throw new SyntaxError(`message ${message}: the header has no Content-Length`);
  if (length > maxMessageSize) {
    throw new RangeError(
      `message ${message} announces ${length} bytes, more than the limit of ${maxMessageSize} bytes (maxMessageSize)`,
    );
  }
  return length;
}

/**
 * A TransformStream from bytes to message bodies, framed as in the base
 * protocol of the Language Server Protocol (JSON-RPC over stdio or a pipe):
 *
 * ```
 * Content-Length: 52\r\n
 * Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n
 * \r\n
 * {"jsonrpc":"2.0","id":1,"method":"initialize", ...}
 * ```
 *
 * Each chunk out is one body's bytes; pipe them through
 * {@linkcode JsonDecoderStream} for the JSON-RPC messages. Content-Length
 * is required; other fields are ignored (the body's charset is the reader's
 * business: LSP bodies are UTF-8, which JsonDecoderStream expects).
 *
 * Memory is bounded: a Content-Length above `maxMessageSize` errors the
 * stream with a RangeError as soon as the header is read, before the body
 * is buffered, and a header block longer than `maxHeaderSize` without its
 * blank line errors it too. A malformed header, or input that ends in the
 * middle of a message, errors it with a SyntaxError.
 *
 * @example JSON-RPC messages from a byte pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import {
 *   ContentLengthDecoderStream,
 *   ContentLengthEncoderStream,
 *   JsonDecoderStream,
 *   JsonEncoderStream,
 *   streams,
 * } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * const sent = ReadableStream.from([{ jsonrpc: "2.0", id: 1, method: "ping" }])
 *   .pipeThrough(new JsonEncoderStream())
 *   .pipeThrough(new ContentLengthEncoderStream())
 *   .pipeTo(pipe.writer.writable);
 * const messages = await Array.fromAsync(
 *   pipe.reader.readable
 *     .pipeThrough(new ContentLengthDecoderStream({ maxMessageSize: 1 << 20 }))
 *     .pipeThrough(new JsonDecoderStream()),
 * );
 * await sent;
 * messages; // [{ jsonrpc: "2.0", id: 1, method: "ping" }]
 * ```
 */
export class ContentLengthDecoderStream extends TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  /** A decoder with the limits of `options`; bad options throw a TypeError or RangeError here. */
  constructor(options?: ContentLengthDecoderOptions) {
    const opts = requireOptions<ContentLengthDecoderOptions>(options);
    const maxMessageSize = requireInteger(
      opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      "maxMessageSize",
      0,
      0xffffffff,
    );
    const maxHeaderSize = requireInteger(opts.maxHeaderSize ?? 8192, "maxHeaderSize", 4, 0x100000);
    const header = new GrowableBytes(maxHeaderSize);
    /** The body being filled, allocated at its announced size once the header is read and the size allowed. */
    let body: Uint8Array<ArrayBuffer> | undefined;
    let bodyFilled = 0;
    let messages = 0;
    super({
      transform(chunk, controller) {
        const bytes = bytesOf(chunk);
        let at = 0;
        while (at < bytes.length) {
          if (body === undefined) {
            // Gather the header block, never more than maxHeaderSize bytes, until its blank line.
            const held = header.length;
            const n = Math.min(maxHeaderSize - held, bytes.length - at);
            header.append(bytes.subarray(at, at + n));
            const end = headerEnd(header.view(), Math.max(0, held - 3));
            if (end === -1) {
              if (header.length >= maxHeaderSize) {
                throw new RangeError(
                  `message ${messages + 1}: the header is longer than the limit of ${maxHeaderSize} bytes ` +
                    `(maxHeaderSize) and its blank line has not come`,
                );
              }
              at += n;
              continue;
            }
            // Bytes past the blank line were the body's: take them from the chunk again.
            at += end + HEADER_END.length - held;
            body = new Uint8Array(contentLength(header.view().subarray(0, end), messages + 1, maxMessageSize));
            bodyFilled = 0;
            header.clear();
          }
          const n = Math.min(body.length - bodyFilled, bytes.length - at);
          body.set(bytes.subarray(at, at + n), bodyFilled);
          bodyFilled += n;
          at += n;
          if (bodyFilled === body.length) {
            controller.enqueue(body);
            messages++;
            body = undefined;
          }
        }
      },
      flush() {
        if (body !== undefined) {
          throw new SyntaxError(
            `the data ended in the middle of message ${
              messages + 1
            }: ${bodyFilled} of its ${body.length} bytes arrived`,
          );
        }
        if (header.length > 0) {
          throw new SyntaxError(
            `the data ended in the header of message ${messages + 1} (${header.length} bytes, no blank line)`,
          );
        }
      },
    });
  }
}

/**
 * A TransformStream from message bodies to bytes: each chunk in (usually
 * the output of {@linkcode JsonEncoderStream}) becomes one chunk out,
 * `Content-Length: N\r\n\r\n` followed by the body, so each message is one
 * WriteFile when piped to a pipe's writable. Language servers and
 * `vscode-jsonrpc`'s StreamMessageReader read this framing.
 *
 * @example
 * ```ts
 * import { ContentLengthEncoderStream } from "@winpipe/streams";
 *
 * const body = new TextEncoder().encode('{"jsonrpc":"2.0","method":"exit"}');
 * const [framed] = await Array.fromAsync(ReadableStream.from([body]).pipeThrough(new ContentLengthEncoderStream()));
 * new TextDecoder().decode(framed); // 'Content-Length: 33\r\n\r\n{"jsonrpc":"2.0","method":"exit"}'
 * ```
 */
export class ContentLengthEncoderStream extends TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  constructor() {
    super({
      transform(chunk, controller) {
        const body = bytesOf(chunk);
        const head = encoder.encode(`Content-Length: ${body.length}\r\n\r\n`);
        const framed = new Uint8Array(head.length + body.length);
        framed.set(head);
        framed.set(body, head.length);
        controller.enqueue(framed);
      },
    });
  }
}
