/**
 * {@linkcode LengthPrefixDecoderStream} and
 * {@linkcode LengthPrefixEncoderStream}: frames with a 32-bit length prefix
 * over a byte stream.
 *
 * @module
 */
import { DEFAULT_MAX_MESSAGE_SIZE } from "@winpipe/core";
import { bytesOf, requireInteger, requireOptions, show } from "@winpipe/core/internal";

/**
 * The byte order of the length prefix: "big" (network order, the default) or "little".
 *
 * @example
 * ```ts
 * import { type ByteOrder, LengthPrefixEncoderStream } from "@winpipe/streams";
 * const byteOrder: ByteOrder = "little";
 * const frames = ReadableStream.from([new Uint8Array([7])]).pipeThrough(new LengthPrefixEncoderStream({ byteOrder }));
 * (await Array.fromAsync(frames))[0]; // Uint8Array [1, 0, 0, 0, 7]
 * ```
 */
export type ByteOrder = "big" | "little";

/**
 * Options of {@linkcode LengthPrefixDecoderStream} and {@linkcode LengthPrefixEncoderStream}.
 *
 * @example
 * ```ts
 * import { LengthPrefixDecoderStream, type LengthPrefixOptions } from "@winpipe/streams";
 * const options: LengthPrefixOptions = { byteOrder: "big", maxFrameSize: 1024 };
 * const frames = ReadableStream.from([new Uint8Array([0, 0, 0x10, 0])]) // announces 4096 bytes
 *   .pipeThrough(new LengthPrefixDecoderStream(options));
 * await Array.fromAsync(frames).catch((err) => err.name); // "RangeError", before any of it is buffered
 * ```
 */
export interface LengthPrefixOptions {
  /** The byte order of the 4-byte length. Default "big" (network byte order). */
  byteOrder?: ByteOrder;
  /**
   * The largest frame, in bytes, the prefix not counted (at most
   * 0xFFFFFFFF, what 32 bits can say). The decoder errors with a RangeError
   * as soon as it reads a larger length, before it buffers any of the
   * frame; the encoder refuses a larger chunk the same way. Default 16 MiB.
   */
  maxFrameSize?: number;
}

/** The size of the length prefix: an unsigned 32-bit integer. */
const PREFIX = 4;

function settingsOf(options: unknown): { littleEndian: boolean; maxFrameSize: number } {
  const opts = requireOptions<LengthPrefixOptions>(options);
  const byteOrder = opts.byteOrder ?? "big";
  if (byteOrder !== "big" && byteOrder !== "little") {
    throw new TypeError(`byteOrder must be "big" or "little": got ${show(byteOrder)}`);
  }
  return {
    littleEndian: byteOrder === "little",
    maxFrameSize: requireInteger(opts.maxFrameSize ?? DEFAULT_MAX_MESSAGE_SIZE, "maxFrameSize", 0, 0xffffffff),
  };
}

/**
 * A TransformStream from bytes to frames: each frame on the wire is a
 * 4-byte unsigned length (big-endian unless `byteOrder: "little"`)
 * followed by that many bytes, and each chunk out is one frame's bytes
 * (zero-length frames included, as empty arrays). Frames are found however
 * the bytes are split into chunks.
 *
 * Memory is bounded: a length above `maxFrameSize` errors the stream with a
 * RangeError as soon as its 4 bytes arrive, before anything of the frame is
 * buffered, so a peer that sends a huge length cannot make the decoder
 * allocate it. Input that ends in the middle of a frame errors the stream
 * with a SyntaxError saying how much of it arrived.
 *
 * @example Frames over a byte pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { LengthPrefixDecoderStream, LengthPrefixEncoderStream, streams } from "@winpipe/streams";
 *
 * const { createPipe } = createWinpipe(createModelKernel(), { streams });
 * using pipe = createPipe();
 * const sent = ReadableStream.from([new Uint8Array([1, 2, 3]), new Uint8Array(0)])
 *   .pipeThrough(new LengthPrefixEncoderStream())
 *   .pipeTo(pipe.writer.writable);
 * const frames = await Array.fromAsync(
 *   pipe.reader.readable.pipeThrough(new LengthPrefixDecoderStream({ maxFrameSize: 1024 })),
 * );
 * await sent;
 * frames; // [Uint8Array [1, 2, 3], Uint8Array []]
 * ```
 */
export class LengthPrefixDecoderStream extends TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  /** A decoder with the byte order and limit of `options`; bad options throw a TypeError or RangeError here. */
  constructor(options?: LengthPrefixOptions) {
    const { littleEndian, maxFrameSize } = settingsOf(options);
    const prefix = new Uint8Array(PREFIX);
    const prefixView = new DataView(prefix.buffer);
    let prefixFilled = 0;
    /** The frame being filled, allocated at its announced size once the length is known and allowed. */
    let frame: Uint8Array<ArrayBuffer> | undefined;
    let frameFilled = 0;
    let frames = 0;
    super({
      transform(chunk, controller) {
        const bytes = bytesOf(chunk);
        let at = 0;
        while (at < bytes.length) {
          if (frame === undefined) {
            const n = Math.min(PREFIX - prefixFilled, bytes.length - at);
            prefix.set(bytes.subarray(at, at + n), prefixFilled);
            prefixFilled += n;
            at += n;
            if (prefixFilled < PREFIX) return;
            prefixFilled = 0;
            const length = prefixView.getUint32(0, littleEndian);
            if (length > maxFrameSize) {
              throw new RangeError(
                `frame ${frames + 1} announces ${length} bytes, more than the limit of ${maxFrameSize} bytes ` +
                  `(maxFrameSize)`,
              );
            }
            frame = new Uint8Array(length);
            frameFilled = 0;
          }
          const n = Math.min(frame.length - frameFilled, bytes.length - at);
          frame.set(bytes.subarray(at, at + n), frameFilled);
          frameFilled += n;
          at += n;
          if (frameFilled === frame.length) {
            controller.enqueue(frame);
            frames++;
            frame = undefined;
          }
        }
      },
      flush() {
        if (frame !== undefined) {
          throw new SyntaxError(
            `the data ended in the middle of frame ${frames + 1}: ${frameFilled} of its ${frame.length} bytes arrived`,
          );
        }
        if (prefixFilled > 0) {
          throw new SyntaxError(
            `the data ended in the length prefix of frame ${
              frames + 1
            }: ${prefixFilled} of its ${PREFIX} bytes arrived`,
          );
        }
      },
    });
  }
}

/**
 * A TransformStream from frames to bytes: each chunk in (a Uint8Array,
 * another ArrayBufferView or an ArrayBuffer) becomes one chunk out, its
 * 4-byte length (big-endian unless `byteOrder: "little"`) and then its
 * bytes, so each frame is one WriteFile when piped to a pipe's writable. A
 * chunk larger than `maxFrameSize` errors the stream with a RangeError.
 *
 * @example A little-endian prefix
 * ```ts
 * import { LengthPrefixEncoderStream } from "@winpipe/streams";
 *
 * const encoded = ReadableStream.from([new Uint8Array([7, 8])]).pipeThrough(
 *   new LengthPrefixEncoderStream({ byteOrder: "little" }),
 * );
 * await Array.fromAsync(encoded); // [Uint8Array [2, 0, 0, 0, 7, 8]]
 * ```
 */
export class LengthPrefixEncoderStream extends TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  /** An encoder with the byte order and limit of `options`; bad options throw a TypeError or RangeError here. */
  constructor(options?: LengthPrefixOptions) {
    const { littleEndian, maxFrameSize } = settingsOf(options);
    super({
      transform(chunk, controller) {
        const payload = bytesOf(chunk);
        if (payload.length > maxFrameSize) {
          throw new RangeError(
            `a frame of ${payload.length} bytes exceeds the limit of ${maxFrameSize} bytes (maxFrameSize)`,
          );
        }
        const framed = new Uint8Array(PREFIX + payload.length);
        new DataView(framed.buffer).setUint32(0, payload.length, littleEndian);
        framed.set(payload, PREFIX);
        controller.enqueue(framed);
      },
    });
  }
}
