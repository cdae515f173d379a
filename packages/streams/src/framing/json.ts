/**
 * {@linkcode JsonDecoderStream} and {@linkcode JsonEncoderStream}: one JSON
 * value per chunk, for message pipes and for the frames of another decoder.
 *
 * @module
 */
import { bytesOf } from "@winpipe/core/internal";
import { parseJson, stringifyJson } from "./_json_text.ts";

/**
 * A TransformStream from chunks to JSON values: each chunk in is one whole
 * UTF-8 JSON text. That is what a message pipe read in message mode gives
 * (`conn.readable` delivers one chunk per message, and its
 * `maxMessageSize` bounds the memory), and what a frame decoder gives
 * ({@linkcode ContentLengthDecoderStream}, {@linkcode LengthPrefixDecoderStream}).
 * A chunk that is not JSON (a zero-length message included) or not UTF-8
 * errors the stream with a SyntaxError that says which chunk.
 *
 * Do not use it on a byte pipe's readable directly: byte pipes keep no
 * boundaries, so a chunk may hold part of a value or several; use
 * {@linkcode JsonLinesDecoderStream} there.
 *
 * @example One JSON value per message
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { JsonDecoderStream, JsonEncoderStream, streams } from "@winpipe/streams";
 *
 * const pipes = createWinpipe(createModelKernel(), { streams });
 * const name = String.raw`\\.\pipe\json-messages`;
 * await using server = pipes.createServer(name, { type: "message", readMode: "message" });
 * const accepted = server.accept();
 * await using client = await pipes.connect(name, { readMode: "message" });
 * await using conn = await accepted;
 * const sent = ReadableStream.from([{ id: 1 }, [2, 3]]).pipeThrough(new JsonEncoderStream()).pipeTo(client.writable);
 * const values = await Array.fromAsync(conn.readable.pipeThrough(new JsonDecoderStream()));
 * await sent;
 * values; // [{ id: 1 }, [2, 3]]
 * ```
 */
export class JsonDecoderStream extends TransformStream<Uint8Array, unknown> {
  constructor() {
    let chunks = 0;
    super({
      transform(chunk, controller) {
        controller.enqueue(parseJson(bytesOf(chunk), `chunk ${++chunks}`));
      },
    });
  }
}

/**
 * A TransformStream from values to chunks: each value in becomes one chunk
 * out, its JSON text in UTF-8, so each value is one message when piped to a
 * message pipe's writable (or one frame through a frame encoder). A value
 * with no JSON text (undefined, a function) errors the stream with a
 * TypeError, and so does one JSON.stringify refuses (a BigInt, a cycle).
 *
 * @example
 * ```ts
 * import { JsonEncoderStream } from "@winpipe/streams";
 *
 * const chunks = await Array.fromAsync(ReadableStream.from([{ a: 1 }]).pipeThrough(new JsonEncoderStream()));
 * new TextDecoder().decode(chunks[0]); // '{"a":1}'
 * ```
 */
export class JsonEncoderStream extends TransformStream<unknown, Uint8Array<ArrayBuffer>> {
  constructor() {
    super({
      transform(value, controller) {
        controller.enqueue(stringifyJson(value));
      },
    });
  }
}
