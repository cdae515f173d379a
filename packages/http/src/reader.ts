/**
 * {@linkcode ConnReader}: buffered reading of HTTP messages from a byte
 * pipe. Bytes that arrived ahead (the next pipelined request, the start of
 * a body) stay in the buffer for the next reader.
 *
 * @module
 */
import { HttpParseError, scanHead } from "./head.ts";
import { CR, LF } from "./syntax.ts";

/** The part of a winpipe connection (`PipeConnection`) that HTTP uses. */
export interface ByteConnection {
  read(buffer: Uint8Array, options?: { signal?: AbortSignal }): Promise<{ bytesRead: number } | null>;
  write(data: Uint8Array, options?: { signal?: AbortSignal }): Promise<void>;
  close(): void;
  readonly closed: boolean;
}

/** The read buffer, and the largest body read: the pipes' default quota is 64 KiB. */
const READ_SIZE = 64 * 1024;
/**
 * A read into the buffer asks for at most this much: heads are small, and a
 * kernel may allocate what a read asks for (the model does, zero-filled);
 * big bodies are read 64 KiB at a time by readSome.
 */
const FILL_SIZE = 16 * 1024;
/** Below this much room at the end of the buffer, buffered bytes move to its start before the next read. */
const MIN_ROOM = 4096;
/**
 * While reads bring at least this much, readSome reads straight into a new
 * array of READ_SIZE, without the staging copy; after a smaller read it
 * reads into the buffer and copies what came, so that a small chunk keeps
 * only its bytes.
 */
const DIRECT_READ = 16 * 1024;

/** A head found in the buffer: `bytes[start..end)`, ending with the empty line. Valid until the next read. */
export interface HeadBytes {
  bytes: Uint8Array;
  start: number;
  end: number;
}

/**
 * True when a read says the peer's data has ended: the pipe broke (null),
 * or a read of 0 bytes. A read into room never returns 0 bytes on a byte
 * pipe (D33); on a message pipe read in byte mode it is a zero-length
 * message, which is how go-winio's `CloseWrite` ends a side of a connection
 * (the Docker Engine's pipe is such a message pipe): no more data follows.
 */
function isEnd(result: { bytesRead: number } | null): result is null {
  return result === null || result.bytesRead === 0;
}

/** Buffered reads over a byte stream on a pipe (a byte pipe, or a message pipe read in byte mode). */
export class ConnReader {
  readonly #conn: ByteConnection;
  #buf: Uint8Array;
  #start = 0;
  #end = 0;
  #eof = false;
  /** The read in flight: one at a time, shared by whoever waits for data. */
  #filling: Promise<boolean> | undefined;
  /** Bytes read from the pipe so far (see {@linkcode ConnReader.waitForArrival}). */
  #received = 0;
  /** What the last read from the pipe brought. */
  #lastRead = 0;

  /** `capacity`: the buffer size, at least the largest head accepted. */
  constructor(conn: ByteConnection, capacity = READ_SIZE) {
    this.#conn = conn;
    this.#buf = new Uint8Array(Math.max(capacity, READ_SIZE));
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** True once the other end closed and everything it sent was read into the buffer. */
  get eof(): boolean {
    return this.#eof;
  }

  /**
   * Reads once more from the pipe into the buffer, `size` bytes at most.
   * False at the end of the data. A read already in flight is shared (and
   * keeps its own signal and size).
   */
  fill(signal?: AbortSignal, size = FILL_SIZE): Promise<boolean> {
    if (this.#filling !== undefined) return this.#filling;
    const filling = this.#fillOnce(signal, size).finally(() => (this.#filling = undefined));
    this.#filling = filling;
    return filling;
  }

  async #fillOnce(signal: AbortSignal | undefined, size: number): Promise<boolean> {
    if (this.#eof) return false;
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#buf.length - this.#end < MIN_ROOM && this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    if (this.#end === this.#buf.length) throw new Error("ConnReader: the buffer is full"); // callers bound what they keep
    const room = this.#buf.subarray(this.#end, this.#end + size);
    const result = await this.#conn.read(room, { signal });
    if (isEnd(result)) {
      this.#eof = true;
      return false;
    }
    this.#end += result.bytesRead;
    this.#received += result.bytesRead;
    this.#lastRead = result.bytesRead;
    return true;
  }

  /** Resolves when a byte is buffered (true), or at the end of the data (false); a read asks for `size` bytes at most. */
  async waitForData(signal?: AbortSignal, size = FILL_SIZE): Promise<boolean> {
    while (this.#start === this.#end) if (!(await this.fill(signal, size))) return false;
    return true;
  }

  /**
   * Resolves true when a byte is buffered or bytes arrive, whoever takes
   * them; false at the end of the data. Unlike
   * {@linkcode ConnReader.waitForData} it does not wait again when another
   * reader took the bytes first: the server's watch for a client that goes
   * away (exchange.ts) ends with the next request instead of waiting on,
   * one more watch per request served on a keep-alive connection, each
   * woken by every later read.
   */
  async waitForArrival(signal?: AbortSignal): Promise<boolean> {
    const received = this.#received;
    while (this.#start === this.#end && this.#received === received) {
      if (!(await this.fill(signal))) return false;
    }
    return true;
  }

  /**
   * Reads one message head of at most `maxSize` bytes (HttpParseError 431
   * beyond). Empty lines before it are skipped (RFC 9112 §2.2). Resolves
   * with null when the data ends before its first byte; a head cut off by
   * the end of the data is a 400.
   */
  async readHead(maxSize: number, signal?: AbortSignal): Promise<HeadBytes | null> {
    let scanned = 0; // relative to #start: the buffer may move between reads
    for (;;) {
      // Leading empty lines: CRLF pairs (a lone LF is refused by the scan).
      while (scanned === 0 && this.#end - this.#start >= 2 && this.#buf[this.#start] === CR) {
        if (this.#buf[this.#start + 1] !== LF) throw new HttpParseError(400, "a CR without LF");
        this.#start += 2;
      }
      const available = this.#end - this.#start;
      if (available > 0 && !(available === 1 && this.#buf[this.#start] === CR)) {
        const found = scanHead(this.#buf, this.#start, this.#end, this.#start + scanned);
        if ("end" in found) {
          if (found.end - this.#start > maxSize) {
            throw new HttpParseError(431, `the header section is larger than ${maxSize} bytes`);
          }
          const head = { bytes: this.#buf, start: this.#start, end: found.end };
          this.#start = found.end;
          return head;
        }
        scanned = found.scanned - this.#start;
        if (available >= maxSize) throw new HttpParseError(431, `the header section is larger than ${maxSize} bytes`);
      }
      // fill() may move the buffered bytes to the start of the buffer: `scanned` is relative to #start.
      if (!(await this.fill(signal))) {
        if (this.#start === this.#end) return null;
        throw new HttpParseError(400, "the connection ended in the middle of a header section");
      }
    }
  }

  /**
   * Reads one line ending with CRLF of at most `maxSize` bytes (a chunk
   * size, a trailer field) and returns its bytes without the CRLF, as a
   * view valid until the next read; null at the end of the data. A longer
   * line throws `tooLong()` (by default a 400), however its bytes arrive:
   * whole in one read, or without its end in the bytes read so far.
   */
  async readLine(
    maxSize: number,
    signal?: AbortSignal,
    tooLong: () => HttpParseError = () => new HttpParseError(400, `a line longer than ${maxSize} bytes`),
  ): Promise<Uint8Array | null> {
    let scanned = 0;
    for (;;) {
      const view = this.#buf.subarray(this.#start, this.#end);
      const lf = view.indexOf(LF, scanned);
      if (lf !== -1) {
        if (lf === 0 || view[lf - 1] !== CR) throw new HttpParseError(400, "a line ends with LF without CR");
        if (lf - 1 > maxSize) throw tooLong();
        this.#start += lf + 1;
        return view.subarray(0, lf - 1);
      }
      scanned = view.length;
      // One byte more than the line may be its CR, whose LF has not come yet.
      if (view.length > maxSize + 1) throw tooLong();
      if (!(await this.fill(signal))) return null;
    }
  }

  /**
   * Up to `max` bytes of body, in a new array the caller keeps: buffered
   * bytes first; otherwise one read from the pipe of up to 64 KiB, straight
   * into the new array while reads are large (DIRECT_READ). Null at the end
   * of the data.
   */
  async readSome(max: number, signal?: AbortSignal): Promise<Uint8Array | null> {
    if (
      this.#start === this.#end && !this.#eof && max >= DIRECT_READ && this.#filling === undefined &&
      this.#lastRead >= DIRECT_READ
    ) {
      this.#start = this.#end = 0;
      const out = new Uint8Array(Math.min(max, READ_SIZE));
      const result = await this.#conn.read(out, { signal });
      if (isEnd(result)) {
        this.#eof = true;
        return null;
      }
      this.#lastRead = result.bytesRead;
      return out.subarray(0, result.bytesRead);
    }
    // Staged: a read of up to READ_SIZE into the buffer, and a copy of what it brought (a new array of 64 KiB for
    // every small read cost more than the copy: about 20 us in Deno).
    if (!(await this.waitForData(signal, Math.max(FILL_SIZE, Math.min(max, READ_SIZE))))) return null;
    const n = Math.min(max, this.#end - this.#start);
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /** The next `n` bytes as a new array if they are all buffered already (consumed), else undefined. */
  takeBuffered(n: number): Uint8Array<ArrayBuffer> | undefined {
    if (this.#end - this.#start < n) return undefined;
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /** Consumes up to `n` buffered bytes without copying them; returns how many. */
  skip(n: number): number {
    const k = Math.min(n, this.#end - this.#start);
    this.#start += k;
    return k;
  }
}
