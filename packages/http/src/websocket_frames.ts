/**
 * The WebSocket's frames (RFC 6455 §5): {@linkcode encodeFrameInto} writes one,
 * {@linkcode FrameParser} reads them from a byte stream and refuses what
 * the RFC says must fail the connection ({@linkcode WebSocketProtocolError}).
 *
 * @module
 */

/** Frame opcodes (RFC 6455 §5.2). */
export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/**
 * One frame, its payload unmasked. From {@linkcode FrameParser}, the
 * payload is often a view of a chunk pushed to it, which holds other
 * frames' bytes too: copy it to keep it, or to use its `buffer`.
 */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/**
 * Why a `PipeWebSocket` failed its connection (RFC 6455 §7.1.7):
 * what the peer sent that the RFC forbids. `code` is the status code of
 * the close frame sent for it (1002 protocol error, 1007 text that is not
 * UTF-8, 1009 a message above maxMessageSize). It is the `error` of the
 * socket's `error` event; the `close` event then has code 1006. (A Blob
 * passed to `send()` that cannot be read fails the connection too, with
 * 1011 and the Blob's own error.)
 *
 * @example
 * ```ts
 * import { type PipeWebSocket, WebSocketProtocolError } from "@winpipe/http";
 * function logFailures(socket: PipeWebSocket) {
 *   socket.onerror = (event) => {
 *     const error = (event as ErrorEvent).error;
 *     if (error instanceof WebSocketProtocolError) console.log(`the peer broke the protocol (${error.code}): ${error.message}`);
 *   };
 * }
 * ```
 */
export class WebSocketProtocolError extends Error {
  /** The close code to send. */
  readonly code: number;
  /** Makes one. */
  constructor(code: number, message: string) {
    super(message);
    this.name = "WebSocketProtocolError";
    this.code = code;
  }
}

/** Whether `opcode` is a control frame's (close, ping, pong). */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** Whether this machine stores a word's low byte first (maskInPlace reads the key as a word). */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Below this many bytes a byte loop masks faster than a word view, which costs an object (and V8 its buffer). */
const WORDS_FROM = 256;

/**
 * XORs `bytes` with the 4-byte `key` in place (§5.3); byte `i` of `bytes`
 * meets key byte `(i + keyAt) & 3`. A word at a time where it is long
 * enough, from its first word boundary.
 */
export function maskInPlace(bytes: Uint8Array, key: Uint8Array, keyAt = 0): void {
  const n = bytes.length;
  let i = 0;
  if (n >= WORDS_FROM) {
    for (; (bytes.byteOffset + i) % 4 !== 0; i++) bytes[i] ^= key[(i + keyAt) & 3];
    // The key as a word in this machine's byte order, turned so that each byte meets its own key byte.
    const k0 = key[(i + keyAt) & 3], k1 = key[(i + keyAt + 1) & 3], k2 = key[(i + keyAt + 2) & 3];
    const k3 = key[(i + keyAt + 3) & 3];
    const word = littleEndian ? (k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)) : ((k0 << 24) | (k1 << 16) | (k2 << 8) | k3);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (n - i) >>> 2);
    for (let w = 0; w < words.length; w++) words[w] ^= word;
    i += words.length << 2;
  }
  for (; i < n; i++) bytes[i] ^= key[(i + keyAt) & 3];
}

/**
 * Random bytes for masking keys, drawn from the system's generator (RFC 6455
 * §5.3: unpredictable keys) 4 KiB at a time: one call per frame cost more
 * than the rest of a small frame's making.
 */
const keyPool = new Uint8Array(4096);
let keyPoolUsed = keyPool.length;

/** Writes a new masking key into `target` at `at` (4 bytes). */
function newMaskingKey(target: Uint8Array, at: number): void {
  if (keyPoolUsed === keyPool.length) {
    crypto.getRandomValues(keyPool);
    keyPoolUsed = 0;
  }
  target[at] = keyPool[keyPoolUsed];
  target[at + 1] = keyPool[keyPoolUsed + 1];
  target[at + 2] = keyPool[keyPoolUsed + 2];
  target[at + 3] = keyPool[keyPoolUsed + 3];
  keyPoolUsed += 4;
}

/** The bytes of a frame's header for a payload of `length` bytes. */
function headerLength(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length <= 0xffff ? 4 : 10) + (masked ? 4 : 0);
}

/** The bytes of a frame whose payload is `length` bytes long. */
export function frameLength(length: number, masked: boolean): number {
  return headerLength(length, masked) + length;
}

/**
 * Writes one frame into `target` at `at` (room for
 * {@linkcode frameLength} bytes): FIN set, payload masked with a new random
 * key when `masked` (a client's frames must be, a server's must not: §5.1).
 * The payload is copied: `target` does not depend on it afterwards.
 */
export function encodeFrameInto(
  target: Uint8Array,
  at: number,
  opcode: number,
  payload: Uint8Array,
  masked: boolean,
): void {
  const length = payload.length;
  const header = headerLength(length, masked);
  target[at] = 0x80 | opcode;
  target[at + 1] = (masked ? 0x80 : 0) | (length < 126 ? length : length <= 0xffff ? 126 : 127);
  if (length >= 126 && length <= 0xffff) {
    target[at + 2] = length >>> 8;
    target[at + 3] = length & 0xff;
  } else if (length > 0xffff) {
    new DataView(target.buffer, target.byteOffset + at + 2, 8).setBigUint64(0, BigInt(length));
  }
  const start = at + header;
  if (!masked) {
    copyBytes(target, start, payload, 0, length);
    return;
  }
  const keyAt = start - 4;
  newMaskingKey(target, keyAt);
  if (length < WORDS_FROM) {
    // Copied and masked in one pass.
    const k0 = target[keyAt], k1 = target[keyAt + 1], k2 = target[keyAt + 2], k3 = target[keyAt + 3];
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      target[start + i] = payload[i] ^ k0;
      target[start + i + 1] = payload[i + 1] ^ k1;
      target[start + i + 2] = payload[i + 2] ^ k2;
      target[start + i + 3] = payload[i + 3] ^ k3;
    }
    for (; i < length; i++) target[start + i] = payload[i] ^ target[keyAt + (i & 3)];
    return;
  }
  target.set(payload, start);
  maskInPlace(target.subarray(start, start + length), target.subarray(keyAt, start));
}

/** Below this many bytes a loop copies faster than `set()` of a view, which costs an object. */
const SET_FROM = 64;

/** Copies `n` bytes of `from` at `fromAt` into `to` at `toAt`. */
function copyBytes(to: Uint8Array, toAt: number, from: Uint8Array, fromAt: number, n: number): void {
  if (n < SET_FROM) {
    for (let i = 0; i < n; i++) to[toAt + i] = from[fromAt + i];
  } else {
    to.set(fromAt === 0 && n === from.length ? from : from.subarray(fromAt, fromAt + n), toAt);
  }
}

/**
 * Reads frames from the chunks of a byte stream as they come. Refuses,
 * with a {@linkcode WebSocketProtocolError}: reserved bits set (no
 * extension is negotiated), unknown opcodes, control frames that are
 * fragmented or longer than 125 bytes, frames masked when they must not
 * be or unmasked when they must be, and payloads above `maxPayload`
 * (before reading them).
 */
export class FrameParser {
  readonly #masked: boolean;
  readonly #maxPayload: number;
  /** The chunks read and not yet consumed; the first from #offset on. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  /** The bytes not yet consumed, in all the chunks. */
  #buffered = 0;
  /** A header that spans chunks, gathered (14 bytes at most). */
  readonly #header = new Uint8Array(14);
  /** The masking key of the frame being read. */
  readonly #key = new Uint8Array(4);

  /**
   * `masked`: whether the peer's frames must be masked (a server reads a
   * client's). `maxPayload`: the largest payload accepted (1009 beyond).
   */
  constructor(masked: boolean, maxPayload: number) {
    this.#masked = masked;
    this.#maxPayload = maxPayload;
  }

  /**
   * Adds bytes read from the stream. They are not copied: the parser keeps
   * them, unmasks payloads in them in place and hands out views of them, so
   * the caller gives them up.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next whole frame, or null until more bytes come. A data frame may
   * carry `room` bytes at most (what a message in progress has left of
   * maxPayload; 1009 beyond, told from its header before its payload is read).
   */
  next(room: number = this.#maxPayload): Frame | null {
    if (this.#buffered < 2) return null;
    // A header is 14 bytes at most: read in place when the first chunk holds it (or all there is), else gathered.
    let head = this.#chunks[0], base = this.#offset;
    if (head.length - base < 14 && head.length - base !== this.#buffered) {
      head = this.#gatherHeader();
      base = 0;
    }
    const available = Math.min(head.length - base, this.#buffered);
    const b0 = head[base], b1 = head[base + 1];
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    if ((b0 & 0x70) !== 0) throw new WebSocketProtocolError(1002, "a frame has reserved bits set");
    if (opcode > 0xa || (opcode > 0x2 && opcode < 0x8)) {
      throw new WebSocketProtocolError(1002, `a frame has the unknown opcode ${opcode}`);
    }
    if (masked !== this.#masked) {
      throw new WebSocketProtocolError(
        1002,
        this.#masked ? "a client's frame is not masked" : "a server's frame is masked",
      );
    }
    let length = b1 & 0x7f;
    let at = 2;
    if (length === 126) {
      if (available < 4) return null;
      length = (head[base + 2] << 8) | head[base + 3];
      at = 4;
    } else if (length === 127) {
      if (available < 10) return null;
      const big = new DataView(head.buffer, head.byteOffset + base + 2, 8).getBigUint64(0);
      if (big >> 63n) throw new WebSocketProtocolError(1002, "a frame's 64-bit length has its top bit set");
      if (big > BigInt(this.#maxPayload)) {
        throw new WebSocketProtocolError(1009, `a frame of ${big} bytes is above maxMessageSize`);
      }
      length = Number(big);
      at = 10;
    }
    if (isControl(opcode) && (!fin || length > 125)) {
      throw new WebSocketProtocolError(1002, "a control frame is fragmented or longer than 125 bytes");
    }
    if (!isControl(opcode) && length > room) {
      throw new WebSocketProtocolError(1009, `a frame of ${length} bytes takes a message above maxMessageSize`);
    }
    if (masked) {
      if (this.#buffered < at + 4 + length) return null;
      for (let k = 0; k < 4; k++) this.#key[k] = head[base + at + k];
      at += 4;
    } else if (this.#buffered < at + length) {
      return null;
    }
    this.#skip(at);
    return { fin, opcode, payload: this.#take(length, masked) };
  }

  /** The first bytes buffered (up to 14), gathered from the chunks they span into #header. */
  #gatherHeader(): Uint8Array {
    const n = Math.min(this.#buffered, 14);
    let filled = 0, offset = this.#offset;
    for (const chunk of this.#chunks) {
      for (; offset < chunk.length && filled < n; offset++) this.#header[filled++] = chunk[offset];
      if (filled === n) break;
      offset = 0;
    }
    return this.#header.subarray(0, n);
  }

  /** Consumes `n` buffered bytes. */
  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const count = Math.min(this.#chunks[0].length - this.#offset, n);
      this.#consumedFromFirst(count);
      n -= count;
    }
  }

  /**
   * Consumes `n` buffered bytes: a view of its chunk when one chunk holds
   * them (unmasked there, in place), else an array of their own.
   */
  #take(n: number, masked: boolean): Uint8Array {
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (n === 0 || first.length - this.#offset >= n) {
      const view = n === 0 ? new Uint8Array(0) : first.subarray(this.#offset, this.#offset + n);
      this.#consumedFromFirst(n);
      if (masked) maskInPlace(view, this.#key);
      return view;
    }
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n;) {
      const chunk = this.#chunks[0];
      const count = Math.min(chunk.length - this.#offset, n - filled);
      copyBytes(out, filled, chunk, this.#offset, count);
      filled += count;
      this.#consumedFromFirst(count);
    }
    if (masked) maskInPlace(out, this.#key);
    return out;
  }

  /** `n` bytes of the first chunk are consumed (it goes once all of it is). */
  #consumedFromFirst(n: number): void {
    this.#offset += n;
    if (this.#offset === this.#chunks[0]?.length) {
      this.#chunks.shift();
      this.#offset = 0;
    }
  }
}
