/**
 * Incoming bodies: {@linkcode BodyDecoder} takes a body off the connection
 * as its framing says (Content-Length, chunked, or until the end of the
 * data), strictly, and {@linkcode bodyStream} makes it a ReadableStream that
 * reads from the pipe only when its consumer asks (backpressure).
 *
 * @module
 */
import { type Framing, HttpParseError } from "./head.ts";
import type { ConnReader } from "./reader.ts";
import { FIELD_VALUE, HTAB, SP, TOKEN } from "./syntax.ts";

/** The longest chunk-size line accepted (size and extensions). */
const MAX_CHUNK_LINE = 4096;
/** Hex digits of a chunk size: 13 keep it below 2^53. */
const MAX_CHUNK_DIGITS = 13;
/** The largest piece of body one read hands out. */
const PIECE = 64 * 1024;

/** The size of a chunk-size line `1*HEXDIG [ chunk-ext ]` (RFC 9112 §7.1); extensions are checked and ignored. */
function chunkSize(line: Uint8Array): number {
  let i = 0, size = 0;
  for (; i < line.length; i++) {
    const b = line[i];
    const digit = b >= 0x30 && b <= 0x39 ? b - 0x30 : (b | 0x20) >= 0x61 && (b | 0x20) <= 0x66 ? (b | 0x20) - 0x57 : -1;
    if (digit < 0) break;
    size = size * 16 + digit;
  }
  if (i === 0 || i > MAX_CHUNK_DIGITS) throw new HttpParseError(400, "an invalid chunk size");
  if (i < line.length) {
    // BWS ";" chunk-ext: only after the digits, and only printable bytes in it.
    let k = i;
    while (k < line.length && (line[k] === SP || line[k] === HTAB)) k++;
    if (line[k] !== 0x3b) throw new HttpParseError(400, "an invalid chunk size");
    for (; k < line.length; k++) {
      if (FIELD_VALUE[line[k]] === 0) throw new HttpParseError(400, "an invalid byte in a chunk extension");
    }
  }
  return size;
}

/** Limits of a {@linkcode BodyDecoder}. */
export interface DecoderLimits {
  /** The largest trailer section accepted, in bytes. */
  maxTrailerSize: number;
}

/**
 * Takes one message body off a connection, piece by piece. A body cut off
 * by the end of the data, or a malformed chunk, throws (HttpParseError for
 * malformed data); the connection is unusable after that.
 */
export class BodyDecoder {
  readonly #reader: ConnReader;
  readonly #framing: Framing;
  readonly #limits: DecoderLimits;
  /** Content-Length: bytes left; chunked: bytes left in the current chunk. */
  #left: number;
  /** chunked: the CRLF after the current chunk's data is still to be read. */
  #chunkCrlf = false;
  #done: boolean;
  /** Bytes of body handed out so far. */
  received = 0;

  constructor(reader: ConnReader, framing: Framing, limits: DecoderLimits) {
    this.#reader = reader;
    this.#framing = framing;
    this.#limits = limits;
    this.#left = framing.kind === "length" ? framing.length : 0;
    this.#done = framing.kind === "none";
  }

  /** The bytes of a Content-Length body not read yet; undefined for a chunked one (whose rest is unknown). */
  get lengthLeft(): number | undefined {
    return this.#framing.kind === "length" ? this.#left : undefined;
  }

  /** True once the whole body was read. */
  get done(): boolean {
    return this.#done;
  }

  /** The next piece of the body (never empty), or null once it is complete. */
  async next(signal?: AbortSignal): Promise<Uint8Array | null> {
    if (this.#done) return null;
    const piece = await this.#next(signal);
    if (piece === null) this.#done = true;
    else {
      this.received += piece.length;
      // A Content-Length body is whole with its last byte: the connection may go on without another read.
      if (this.#framing.kind === "length" && this.#left === 0) this.#done = true;
    }
    return piece;
  }

  async #next(signal: AbortSignal | undefined): Promise<Uint8Array | null> {
    const reader = this.#reader;
    switch (this.#framing.kind) {
      case "length": {
        if (this.#left === 0) return null;
        const piece = await reader.readSome(Math.min(this.#left, PIECE), signal);
        if (piece === null) throw new PrematureEndError(this.#left);
        this.#left -= piece.length;
        return piece;
      }
      case "close":
        return await reader.readSome(PIECE, signal);
      case "chunked": {
        if (this.#left === 0) {
          if (this.#chunkCrlf) {
            const crlf = await reader.readLine(1, signal).catch(() => {
              throw new HttpParseError(400, "chunk data not followed by CRLF");
            });
            if (crlf === null) throw new PrematureEndError();
            if (crlf.length !== 0) throw new HttpParseError(400, "chunk data not followed by CRLF");
            this.#chunkCrlf = false;
          }
          const line = await reader.readLine(MAX_CHUNK_LINE, signal);
          if (line === null) throw new PrematureEndError();
          const size = chunkSize(line);
          if (size === 0) {
            await this.#trailers(signal);
            return null;
          }
          this.#left = size;
          this.#chunkCrlf = true;
        }
        const piece = await reader.readSome(Math.min(this.#left, PIECE), signal);
        if (piece === null) throw new PrematureEndError(this.#left);
        this.#left -= piece.length;
        return piece;
      }
      default:
        return null;
    }
  }

  /** The trailer section after the last chunk: header field lines up to an empty line, checked and dropped. */
  async #trailers(signal: AbortSignal | undefined): Promise<void> {
    let size = 0;
    for (;;) {
      const line = await this.#reader.readLine(this.#limits.maxTrailerSize - size, signal, trailerTooLarge);
      if (line === null) throw new PrematureEndError();
      if (line.length === 0) return;
      size += line.length + 2;
      if (size > this.#limits.maxTrailerSize) throw trailerTooLarge();
      checkFieldLine(line);
    }
  }
}

/** The refusal of a trailer section above its limit, whether a line or the lines together pass it. */
function trailerTooLarge(): HttpParseError {
  return new HttpParseError(431, "the trailer section is too large");
}

/** Checks one `name: value` line (without its CRLF) by the rules of a header field line. */
function checkFieldLine(line: Uint8Array): void {
  if (line[0] === SP || line[0] === HTAB) throw new HttpParseError(400, "obsolete line folding in the trailers");
  let colon = 0;
  while (colon < line.length && TOKEN[line[colon]] === 1) colon++;
  if (colon === 0 || line[colon] !== 0x3a) throw new HttpParseError(400, "a malformed trailer field");
  for (let i = colon + 1; i < line.length; i++) {
    if (FIELD_VALUE[line[i]] === 0) throw new HttpParseError(400, "an invalid byte in a trailer field");
  }
}

/** The data ended before the body did. */
export class PrematureEndError extends Error {
  constructor(left?: number) {
    super(
      `the connection ended ${
        left === undefined ? "in the middle of a chunked body" : `${left} bytes before the end of the body`
      }`,
    );
    this.name = "PrematureEndError";
  }
}

/** Hooks of {@linkcode bodyStream}. */
export interface BodyStreamHooks {
  /** Before the first read from the pipe (a server sends `100 Continue` here). */
  beforeFirstRead?: () => Promise<void>;
  /** The body was read to its end. */
  onEnd?: () => void;
  /** The stream failed or was cancelled: the connection cannot go on. */
  onAbort?: (reason: unknown) => void;
  /** Aborts the pending read (for example the fetch signal of a client). */
  signal?: AbortSignal;
  /** What the stream errors with, given what failed (a client makes failures TypeErrors, as fetch does). */
  mapError?: (error: unknown) => unknown;
  /** Why the body may no longer be read (another reader took over), if it may not. */
  refusal?: () => Error | undefined;
}

/**
 * A ReadableStream of a body. Its high-water mark is 0: the pipe is read
 * only when the consumer asks for a chunk, so unread data stays in the
 * pipe and the sender's writes wait (the memory held here is one piece of
 * at most 64 KiB).
 */
export function bodyStream(decoder: BodyDecoder, hooks: BodyStreamHooks = {}): ReadableStream<Uint8Array<ArrayBuffer>> {
  const { signal } = hooks;
  let started = false;
  let finished = false;
  // An abort of `signal` ends the body at once, read or not, as fetch's abort does: the stream errors and the
  // connection goes (onAbort), rather than wait for the consumer's next read to find out.
  let onSignal: (() => void) | undefined;
  const finish = () => {
    finished = true;
    if (onSignal !== undefined) signal!.removeEventListener("abort", onSignal);
  };
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      if (signal === undefined) return;
      onSignal = () => {
        if (finished) return;
        finish();
        hooks.onAbort?.(signal.reason);
        controller.error(hooks.mapError ? hooks.mapError(signal.reason) : signal.reason);
      };
      if (signal.aborted) onSignal();
      else signal.addEventListener("abort", onSignal, { once: true });
    },
    async pull(controller) {
      const refused = hooks.refusal?.();
      if (refused !== undefined) throw refused;
      try {
        if (!started) {
          started = true;
          await hooks.beforeFirstRead?.();
        }
        const piece = await decoder.next(signal);
        if (finished) return; // aborted meanwhile: the stream has errored already
        if (piece === null) {
          finish();
          controller.close();
          hooks.onEnd?.();
        } else {
          controller.enqueue(piece as Uint8Array<ArrayBuffer>);
        }
      } catch (err) {
        if (finished) return;
        finish();
        hooks.onAbort?.(err);
        throw hooks.mapError ? hooks.mapError(err) : err;
      }
    },
    cancel(reason) {
      if (finished) return;
      finish();
      if (!decoder.done) hooks.onAbort?.(reason);
    },
  }, { highWaterMark: 0 });
}
