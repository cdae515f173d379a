/**
 * Outgoing messages: a head and its body, written to the pipe with its
 * backpressure. Small pieces go out together (one WriteFile for a small
 * response: head, body and end), big ones one by one; the body is read from
 * its stream only when the previous piece was written, so the memory held
 * is one chunk.
 *
 * @module
 */
import { bytesOf, concatBytes } from "@winpipe/core/internal";
import type { ByteConnection } from "./reader.ts";
import { settlesAtOnce } from "./settles_at_once.ts";
import { isFieldValue, writeLatin1 } from "./syntax.ts";

/** How an outgoing body is delimited. */
export type OutFraming = "none" | "length" | "chunked" | "close";

/** Pieces up to this size are copied together into one write; bigger ones are written as they are. */
const COALESCE = 64 * 1024;

const CRLF = new Uint8Array([13, 10]);
const LAST_CHUNK = new Uint8Array([0x30, 13, 10, 13, 10]);

/**
 * A head as bytes: the first line, then each field as `name: value`. A
 * field value holding a byte HTTP forbids (a control byte, a character
 * above U+00FF) throws a TypeError naming the field.
 */
export function encodeHead(firstLine: string, fields: Iterable<[string, string]>): Uint8Array {
  let text = firstLine + "\r\n";
  for (const [name, value] of fields) {
    if (!isFieldValue(value)) throw new TypeError(`the value of the header "${name}" holds a byte HTTP does not allow`);
    text += name + ": " + value + "\r\n";
  }
  text += "\r\n";
  const out = new Uint8Array(text.length);
  writeLatin1(text, out, 0);
  return out;
}

/** The size line of a chunk. */
function sizeLine(size: number): Uint8Array {
  const text = size.toString(16) + "\r\n";
  const out = new Uint8Array(text.length);
  writeLatin1(text, out, 0);
  return out;
}

/** Pieces gathered for one write. */
class Batch {
  #parts: Uint8Array[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#parts.push(part);
    this.#size += part.length;
  }

  /** Writes what was gathered: one write, copied together when there are several parts. */
  async flush(conn: ByteConnection, signal: AbortSignal | undefined): Promise<void> {
    const parts = this.#parts;
    if (parts.length === 0) return;
    const bytes = parts.length === 1 ? parts[0] : concatBytes(parts, this.#size);
    this.#parts = [];
    this.#size = 0;
    await conn.write(bytes, { signal });
  }
}

/** One read of a body stream. */
export type ChunkRead = { done: true; value?: undefined } | { done: false; value: unknown };

/** The part of a ReadableStreamDefaultReader a writer uses (structural: runtimes' reader types differ). */
export interface ChunkReader {
  read(): Promise<ChunkRead>;
  cancel(reason?: unknown): Promise<void>;
}

/** A body to send: the chunks already taken from its stream, and the reader for the rest (none when it is done). */
export interface OutgoingBody {
  /** Chunks already read from the stream (to choose the framing), in order. */
  first: Uint8Array[];
  /** The rest of the stream; undefined when `first` is all of it. */
  reader?: ChunkReader;
  /** A read of `reader` already issued, to take before reading again. */
  pending?: Promise<ChunkRead>;
}

/** The body did not have the length its Content-Length announced. */
export class BodyLengthError extends Error {
  constructor(announced: number, actual: string) {
    super(`the body has ${actual} bytes, but its Content-Length says ${announced}`);
    this.name = "BodyLengthError";
  }
}

/**
 * The body's own stream failed: a read of it rejected, or it gave a chunk
 * that is not bytes. Not the connection's failure: the peer is still there
 * and must be told the message is broken. `cause` is what the stream gave.
 */
export class BodySourceError extends Error {
  /** What the stream's failure says: its message, or the value it failed with. */
  readonly detail: string;
  constructor(cause: unknown) {
    const detail = (cause as Error | null)?.message ?? String(cause);
    super(`the body's stream failed: ${detail}`, { cause });
    this.name = "BodySourceError";
    this.detail = detail;
  }
}

/** The next chunk of a body's stream as bytes; a failure of the stream is a BodySourceError. */
async function nextChunk(reading: Promise<ChunkRead>): Promise<Uint8Array | undefined> {
  try {
    const { done, value } = await reading;
    return done ? undefined : bytesOf(value);
  } catch (err) {
    throw new BodySourceError(err);
  }
}

/**
 * Writes `head` and `body` framed as `framing` ("length": exactly `length`
 * bytes, a BodyLengthError otherwise, after which the connection must
 * close). Reads the body's stream only after the previous piece was
 * written. A failure of the body's stream is a BodySourceError; any
 * failure leaves the reader for the caller to cancel.
 */
export async function writeMessage(
  conn: ByteConnection,
  head: Uint8Array,
  body: OutgoingBody | undefined,
  framing: OutFraming,
  length: number,
  signal?: AbortSignal,
): Promise<void> {
  const batch = new Batch();
  batch.add(head);
  let sent = 0;
  const add = async (chunk: Uint8Array) => {
    if (chunk.length === 0) return;
    if (framing === "length" && sent + chunk.length > length) {
      throw new BodyLengthError(length, `more than ${length}`);
    }
    sent += chunk.length;
    if (framing === "chunked") batch.add(sizeLine(chunk.length));
    if (chunk.length > COALESCE) {
      // A big chunk goes as it is: no copy of it is made here.
      await batch.flush(conn, signal);
      await conn.write(chunk, { signal });
    } else {
      batch.add(chunk);
    }
    if (framing === "chunked") batch.add(CRLF);
    if (batch.size >= COALESCE) await batch.flush(conn, signal);
  };
  if (framing !== "none" && body !== undefined) {
    for (const chunk of body.first) await add(chunk);
    if (body.reader !== undefined) {
      let pending = body.pending;
      for (;;) {
        // The stream may take its time: what is gathered goes out first.
        await batch.flush(conn, signal);
        const chunk = await nextChunk(pending ?? body.reader.read());
        pending = undefined;
        if (chunk === undefined) break;
        await add(chunk);
      }
    }
  }
  if (framing === "length" && sent !== length) throw new BodyLengthError(length, String(sent));
  if (framing === "chunked") batch.add(LAST_CHUNK);
  await batch.flush(conn, signal);
}

/**
 * The length of a body that is all there at once (one made from a string,
 * bytes or a Blob), read and dropped: what a HEAD response says it would
 * have sent. A stream still producing is cancelled instead, and gives
 * undefined; so does a stream that fails.
 */
export async function lengthAtOnce(reader: ChunkReader): Promise<number | undefined> {
  let length = 0;
  for (;;) {
    const reading = reader.read();
    if (!(await settlesAtOnce(reading))) {
      reading.catch(() => {});
      await reader.cancel().catch(() => {});
      return undefined;
    }
    let read: ChunkRead;
    try {
      read = await reading;
    } catch {
      return undefined;
    }
    if (read.done) return length;
    length += bytesOf(read.value).length;
  }
}

/**
 * Reads the start of a body stream to choose its framing: resolves with the
 * chunks read and, unless that was all of it (no `reader`), the reader and
 * the read in flight. It reads one chunk, then
 * looks whether the stream already ended (a body made from a string or
 * bytes has); it never waits for a stream that is still producing, so a
 * streamed response starts at once. `onWait` is called before it waits for
 * a first chunk that is not there yet.
 */
export async function startBody(reader: ChunkReader, onWait?: () => void): Promise<OutgoingBody> {
  const first: Uint8Array[] = [];
  const reading = reader.read();
  if (onWait !== undefined && !(await settlesAtOnce(reading))) onWait();
  const one = await reading;
  if (one.done) return { first };
  first.push(bytesOf(one.value));
  const next = reader.read();
  // A stream that is already closed (or has the next chunk queued) settles at once.
  if (!(await settlesAtOnce(next))) return { first, reader, pending: next };
  let settled: ChunkRead;
  try {
    settled = await next;
  } catch {
    // Its failure is the writer's to meet, after what was read so far.
    return { first, reader, pending: next };
  }
  if (settled.done) return { first };
  first.push(bytesOf(settled.value));
  return { first, reader };
}
