/**
 * {@linkcode LineSplitter}: the line framing shared by the line and NDJSON
 * decoders (not exported by mod.ts).
 *
 * @module
 */
import { GrowableBytes } from "./_growable_bytes.ts";

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits bytes into lines ended by "\n" or "\r\n", whatever the chunks'
 * boundaries. It works on bytes, not text: in UTF-8 the byte 0x0A is never
 * part of another character, so splitting before decoding is exact, and the
 * limit counts what is actually held in memory.
 *
 * A line may hold at most `maxLineLength` bytes, its ending not counted. The
 * limit is checked before bytes are kept: a peer that never sends a line
 * ending gets a RangeError once its line passes the limit, and the splitter
 * never holds more than `maxLineLength + 1` bytes (the one more may be the
 * "\r" of a "\r\n" still to come).
 */
export class LineSplitter {
  readonly #maxLineLength: number;
  readonly #partial: GrowableBytes;
  #lines = 0;

  constructor(maxLineLength: number) {
    this.#maxLineLength = maxLineLength;
    this.#partial = new GrowableBytes(maxLineLength + 1);
  }

  /**
   * Calls `emit` with each line that `chunk` completes, without its ending.
   * The line is a view that is valid only during the call: decode or copy
   * it there.
   */
  push(chunk: Uint8Array, emit: (line: Uint8Array) => void): void {
    let start = 0;
    for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, lf);
      let line = piece;
      if (this.#partial.length > 0) {
        this.#checkHeld(this.#partial.length + piece.length);
        this.#partial.append(piece);
        line = this.#partial.view();
      }
      const content = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
      if (content.length > this.#maxLineLength) throw this.#tooLong();
      this.#lines++;
      emit(content);
      this.#partial.clear();
      start = lf + 1;
    }
    if (start < chunk.length) {
      this.#checkHeld(this.#partial.length + chunk.length - start);
      this.#partial.append(chunk.subarray(start));
    }
  }

  /** The last line when the data ended without a line ending (as it is), or undefined. */
  end(): Uint8Array | undefined {
    if (this.#partial.length === 0) return undefined;
    // push held one byte more than the limit for a CR that a LF would have
    // made an ending; no LF came, so that byte is the line's and over it.
    if (this.#partial.length > this.#maxLineLength) throw this.#tooLong();
    this.#lines++;
    return this.#partial.view();
  }

  /** Throws unless `held` bytes without a line ending can still become a line within the limit. */
  #checkHeld(held: number): void {
    if (held > this.#maxLineLength + 1) throw this.#tooLong();
  }

  #tooLong(): RangeError {
    return new RangeError(
      `line ${this.#lines + 1} is longer than the limit of ${this.#maxLineLength} bytes (maxLineLength): ` +
        `no line ending came within it`,
    );
  }
}
