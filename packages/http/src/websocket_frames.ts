/**
 * The WebSocket's frames (RFC 6455 §5): {@linkcode encodeFrame} makes one,
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

/** One frame, its payload unmasked. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array<ArrayBuffer>;
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

/**
 * XORs `bytes` with the 4-byte `key` in place (§5.3), a word at a time
 * where `bytes` starts on a word boundary of its buffer.
 */
export function maskInPlace(bytes: Uint8Array, key: Uint8Array): void {
  let i = 0;
  if (bytes.byteOffset % 4 === 0 && bytes.length >= 16) {
    // The key as a word in this machine's byte order, so that each byte meets its own key byte.
    const word = littleEndian
      ? (key[0] | (key[1] << 8) | (key[2] << 16) | (key[3] << 24))
      : ((key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3]);
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    for (let w = 0; w < words.length; w++) words[w] ^= word;
    i = words.length << 2;
  }
  for (; i < bytes.length; i++) bytes[i] ^= key[i & 3];
}

/**
 * Random bytes for masking keys, drawn from the system's generator (RFC 6455
 * §5.3: unpredictable keys) 4 KiB at a time: one call per frame cost more
 * than the rest of a small frame's making.
 */
const keyPool = new Uint8Array(4096);
let keyPoolUsed = keyPool.length;

/** Writes a new masking key into `target` (4 bytes). */
function newMaskingKey(target: Uint8Array): void {
  if (keyPoolUsed === keyPool.length) {
    crypto.getRandomValues(keyPool);
    keyPoolUsed = 0;
  }
  target.set(keyPool.subarray(keyPoolUsed, keyPoolUsed + 4));
  keyPoolUsed += 4;
}

/**
 * One frame as bytes: FIN set, payload masked with a new random key when
 * `masked` (a client's frames must be, a server's must not: §5.1).
 */
export function encodeFrame(opcode: number, payload: Uint8Array, masked: boolean): Uint8Array<ArrayBuffer> {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const headerLength = 2 + lengthBytes + (masked ? 4 : 0);
  // The frame starts where its payload lands on a word boundary, for maskInPlace.
  const lead = (4 - headerLength % 4) % 4;
  const frame = new Uint8Array(lead + headerLength + length).subarray(lead) as Uint8Array<ArrayBuffer>;
  frame[0] = 0x80 | opcode;
  frame[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) {
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else if (lengthBytes === 8) {
    new DataView(frame.buffer, frame.byteOffset).setBigUint64(2, BigInt(length));
  }
  frame.set(payload, headerLength);
  if (masked) {
    const key = frame.subarray(headerLength - 4, headerLength);
    newMaskingKey(key);
    maskInPlace(frame.subarray(headerLength), key);
  }
  return frame;
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
  #chunks: Uint8Array[] = [];
  #buffered = 0;
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

  /** Adds bytes read from the stream. */
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
    // A header is 14 bytes at most: read it in place when the first chunk holds it (or all there is).
    const first = this.#chunks[0];
    const head = first.length >= 14 || first.length === this.#buffered
      ? first
      : this.#peek(Math.min(this.#buffered, 14));
    const fin = (head[0] & 0x80) !== 0;
    const opcode = head[0] & 0x0f;
    const masked = (head[1] & 0x80) !== 0;
    if ((head[0] & 0x70) !== 0) throw new WebSocketProtocolError(1002, "a frame has reserved bits set");
    if (opcode > 0xa || (opcode > 0x2 && opcode < 0x8)) {
      throw new WebSocketProtocolError(1002, `a frame has the unknown opcode ${opcode}`);
    }
    if (masked !== this.#masked) {
      throw new WebSocketProtocolError(
        1002,
        this.#masked ? "a client's frame is not masked" : "a server's frame is masked",
      );
    }
    let length = head[1] & 0x7f;
    let at = 2;
    if (length === 126) {
      if (head.length < 4) return null;
      length = (head[2] << 8) | head[3];
      at = 4;
    } else if (length === 127) {
      if (head.length < 10) return null;
      const view = new DataView(head.buffer, head.byteOffset, head.length);
      const big = view.getBigUint64(2);
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
    const keyAt = at;
    if (masked) at += 4;
    if (this.#buffered < at + length) return null;
    if (masked) this.#key.set(head.subarray(keyAt, keyAt + 4));
    this.#skip(at);
    const payload = this.#take(length);
    if (masked) maskInPlace(payload, this.#key);
    return { fin, opcode, payload };
  }

  /** The first `n` buffered bytes, without consuming them. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === n) break;
    }
    return out;
  }

  /** Consumes `n` buffered bytes. */
  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const first = this.#chunks[0];
      if (first.length <= n) {
        this.#chunks.shift();
        n -= first.length;
      } else {
        this.#chunks[0] = first.subarray(n);
        n = 0;
      }
    }
  }

  /** Consumes `n` buffered bytes into a new array (the payload is unmasked in place, so never a view). */
  #take(n: number): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const first = this.#chunks[0];
      const part = first.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (part.length === first.length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(part.length);
    }
    this.#buffered -= n;
    return out;
  }
}
