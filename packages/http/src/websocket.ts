/**
 * {@linkcode PipeWebSocket}: the WHATWG `WebSocket` interface over an
 * {@linkcode UpgradedConnection}, for either end of a pipe (RFC 6455 after
 * the handshake: frames, fragmented messages, ping and pong, the closing
 * handshake, and failing the connection on what the RFC says to).
 *
 * @module
 */
import { concatBytes, isSharedArrayBuffer } from "@winpipe/core/internal";
import type { UpgradedConnection } from "./upgraded.ts";
import {
  encodeFrameInto,
  type Frame,
  frameLength,
  FrameParser,
  isControl,
  Opcode,
  WebSocketProtocolError,
} from "./websocket_frames.ts";

/**
 * How a {@linkcode PipeWebSocket} hands binary messages to `message` listeners, as `WebSocket.binaryType`.
 *
 * @example
 * ```ts
 * import type { WebSocketBinaryType } from "@winpipe/http";
 * const type: WebSocketBinaryType = "arraybuffer"; // event.data is an ArrayBuffer, not a Blob
 * ```
 */
export type WebSocketBinaryType = "blob" | "arraybuffer";

/** Limits of one socket, as the options of pipeWebSocket and upgradeWebSocket give them. */
export interface WebSocketLimits {
  maxMessageSize: number;
  closeTimeout: number;
}

/** What makes a socket: its end, its URL, and the handshake that opens it (rejects when it fails). */
interface Making extends WebSocketLimits {
  role: "client" | "server";
  url: string;
  opening: Promise<{ upgraded: UpgradedConnection; protocol: string }>;
  /** Stops a handshake still under way (close() while CONNECTING). */
  abortOpening: () => void;
}

/** The socket being made: the constructor takes it from here (it takes no argument a user could give). */
let making: Making | undefined;

/** Set by PipeWebSocket's static block: see {@linkcode closeGoingAway}. */
let goingAway: (socket: PipeWebSocket) => Promise<void>;

/**
 * Closes `socket` with 1001 (going away; a code close() may not send) and
 * "Server shutting down", as Deno.serve's shutdown closes its WebSockets:
 * now when it is open, once it opens when it is still CONNECTING (its
 * handler's response not yet written). Resolves at its `close` event.
 */
export function closeGoingAway(socket: PipeWebSocket): Promise<void> {
  return goingAway(socket);
}

/** Makes the socket for a handshake under way. */
export function makeWebSocket(what: Making): PipeWebSocket {
  making = what;
  try {
    return new PipeWebSocket();
  } finally {
    making = undefined;
  }
}

/** UTF-8 that keeps a leading U+FEFF: a message's text is its data as it is (WHATWG: "UTF-8 decode without BOM"). */
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** RFC 6455 §7.4: the codes a close frame may carry (ws and the browsers accept the same). */
function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999);
}

/** WebIDL's `[Clamp] unsigned short`: NaN is 0, the rest clamped to 0-65535 and rounded half to even. */
function clampedUnsignedShort(value: unknown): number {
  const x = Number(value);
  if (Number.isNaN(x)) return 0;
  const clamped = Math.min(Math.max(x, 0), 65535);
  const floor = Math.floor(clamped), fraction = clamped - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * send()'s argument as WebIDL converts `(BufferSource or Blob or
 * USVString)`: a Blob as it is; an ArrayBuffer or a view of one as binary
 * bytes (a view of the caller's memory; a detached one as no bytes);
 * anything else as text. Shared memory is refused (send()'s BufferSource
 * is not `[AllowShared]`, and Deno's and Bun's WebSocket refuse it too),
 * as are a Symbol and no argument.
 */
function messageOf(count: number, data: unknown): Blob | { opcode: number; bytes: Uint8Array } {
  if (count === 0) throw new TypeError("send: 1 argument required, but only 0 present");
  if (data instanceof Blob) return data;
  // WebIDL copies a detached buffer as no bytes: an empty message, as Deno and Bun send (a view of one
  // cannot even be made). Any empty one is that.
  if (data instanceof ArrayBuffer) {
    return { opcode: Opcode.binary, bytes: data.byteLength === 0 ? new Uint8Array(0) : new Uint8Array(data) };
  }
  if (ArrayBuffer.isView(data)) {
    if (isSharedArrayBuffer(data.buffer)) throw new TypeError("send: a view of a SharedArrayBuffer is not a message");
    if (data.byteLength === 0) return { opcode: Opcode.binary, bytes: new Uint8Array(0) };
    return { opcode: Opcode.binary, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  if (isSharedArrayBuffer(data)) throw new TypeError("send: a SharedArrayBuffer is not a message");
  if (typeof data === "symbol") throw new TypeError("send: a Symbol is not a message");
  return { opcode: Opcode.text, bytes: utf8Of(String(data)) };
}

/** Where a text message's UTF-8 goes when it fits (3 bytes at most per UTF-16 unit): one array, reused. */
const textScratch = new Uint8Array(48 * 1024);

/**
 * `text` as UTF-8: in textScratch when it fits, valid until the next call
 * (send() copies it into its frame at once, or into its queue), else a new
 * array. In Deno a new array costs about 1 µs, encodeInto about 0.25.
 */
function utf8Of(text: string): Uint8Array {
  if (text.length * 3 > textScratch.length) return encoder.encode(text);
  return textScratch.subarray(0, encoder.encodeInto(text, textScratch).written);
}

/**
 * A message's bytes as an ArrayBuffer of its own: their buffer when they
 * fill it (an array made for them: the parser's chunks are given up to it),
 * else a copy (a view of a chunk that holds other frames too).
 */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole ? bytes : bytes.slice()).buffer as ArrayBuffer;
}

/** A close frame's payload: the code and the reason, or nothing. */
function closePayload(code: number | undefined, reason: string): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = encoder.encode(reason);
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/**
 * The events of a {@linkcode PipeWebSocket}, by type, as `WebSocketEventMap`.
 *
 * @example
 * ```ts
 * import type { PipeWebSocketEventMap } from "@winpipe/http";
 * const onMessage = (event: PipeWebSocketEventMap["message"]) => console.log(event.data);
 * ```
 */
export interface PipeWebSocketEventMap {
  /** The handshake succeeded. */
  open: Event;
  /** A message came: `data` is a string, a Blob or an ArrayBuffer (see `binaryType`). */
  message: MessageEvent;
  /** The connection failed (an ErrorEvent whose `error` says why). */
  error: Event;
  /** The connection is closed. */
  close: CloseEvent;
}
/** How the handlers are kept, whatever their event. */
type AnyHandler = ((event: Event) => unknown) | null;

/**
 * A WebSocket over a named pipe: the interface of the WHATWG `WebSocket`
 * (`readyState`, `send()`, `close()`, `binaryType`, `bufferedAmount`,
 * `protocol`, and the `open`, `message`, `error` and `close` events, as
 * listeners or `on...` properties), so code written for a browser's or
 * Deno's WebSocket works with it, and TypeScript takes it where a
 * standard `WebSocket` is expected (Deno's or the DOM's type; Bun's adds
 * members of its own). `pipeWebSocket` of `createHttp`,
 * `@winpipe/deno` and `@winpipe/bun` opens one to a server;
 * `info.upgradeWebSocket()` makes one in a serveHttp handler. It cannot be
 * constructed directly.
 *
 * What the RFC says fails the connection does (a close frame with 1002,
 * 1007 or 1009 goes out, then `error` and `close` with code 1006 fire):
 * unmasked frames from a client or masked ones from a server, reserved
 * bits, unknown opcodes, broken fragmentation, text that is not UTF-8,
 * messages above `maxMessageSize`. Pings are answered. No extension is
 * negotiated (no compression). Beyond WebSocket: `await using` closes it
 * and waits for its `close` event.
 *
 * @example A server and a client on one pipe
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 * const { serveHttp, pipeWebSocket } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\websocket-example`;
 * await using server = serveHttp(name, (_request, info) => {
 *   const { socket, response } = info.upgradeWebSocket();
 *   socket.onmessage = (event) => socket.send(`echo: ${event.data}`);
 *   return response;
 * });
 * const socket = pipeWebSocket(name, "/chat");
 * const reply = new Promise((resolve) => (socket.onmessage = (event) => resolve(event.data)));
 * socket.onopen = () => socket.send("hello");
 * await reply; // "echo: hello"
 * socket.close();
 * ```
 */
export class PipeWebSocket extends EventTarget {
  static {
    goingAway = (socket) => socket.#goAway();
  }
  /** The handshake is under way. */
  static readonly CONNECTING = 0;
  /** Messages go both ways. */
  static readonly OPEN = 1;
  /** The closing handshake is under way. */
  static readonly CLOSING = 2;
  /** The connection is closed. */
  static readonly CLOSED = 3;
  /** The handshake is under way. */
  readonly CONNECTING = 0;
  /** Messages go both ways. */
  readonly OPEN = 1;
  /** The closing handshake is under way. */
  readonly CLOSING = 2;
  /** The connection is closed. */
  readonly CLOSED = 3;

  readonly #role: "client" | "server";
  readonly #url: string;
  readonly #origin: string;
  readonly #limits: WebSocketLimits;
  readonly #abortOpening: () => void;
  #readyState: 0 | 1 | 2 | 3 = 0;
  #protocol = "";
  #binaryType: WebSocketBinaryType = "blob";
  #bufferedAmount = 0;
  #upgraded: UpgradedConnection | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  /** The last frame written: true once it is, false if it could not be (the connection closes behind the close frame). */
  #lastWrite: Promise<boolean> = Promise.resolve(true);
  /** Frames waiting for the write in flight, gathered into writes of at most GATHER_BYTES (or one frame). */
  readonly #batches: OutgoingBatch[] = [];
  #writing = false;
  /** Sends waiting for a Blob's bytes, in order: the last one's promise; undefined when none waits. */
  #queue: Promise<void> | undefined;
  /** A close frame was handed to the writer (nothing goes out after it). */
  #sentClose = false;
  /** ... and written: the handshake can be clean. */
  #closeWritten = false;
  #receivedClose: { code: number; reason: string } | undefined;
  /** Why the connection failed, when it did: the `error` event's. */
  #failure: unknown;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Its server is shutting down (closeGoingAway): it closes with 1001 as soon as it is open. */
  #goingAway = false;
  readonly #closed: Promise<void>;
  #markClosed!: () => void;
  /** The listener each set event handler attribute has. */
  readonly #handlerListeners = new Map<keyof PipeWebSocketEventMap, (event: Event) => void>();
  readonly #handlers: Record<keyof PipeWebSocketEventMap, AnyHandler> = {
    open: null,
    message: null,
    error: null,
    close: null,
  };

  /** Not for use: a PipeWebSocket comes from pipeWebSocket or info.upgradeWebSocket() (a TypeError otherwise). */
  constructor() {
    super();
    const what = making;
    making = undefined;
    if (what === undefined) {
      throw new TypeError("PipeWebSocket: not a constructor to call; use pipeWebSocket or info.upgradeWebSocket()");
    }
    this.#role = what.role;
    this.#url = what.url;
    this.#origin = new URL(what.url).origin;
    this.#limits = { maxMessageSize: what.maxMessageSize, closeTimeout: what.closeTimeout };
    this.#abortOpening = what.abortOpening;
    this.#closed = new Promise((resolve) => (this.#markClosed = resolve));
    what.opening.then(
      ({ upgraded, protocol }) => this.#open(upgraded, protocol),
      (err) => {
        this.#failure ??= err;
        this.#finish();
      },
    );
  }

  /** The URL the socket was opened with (`ws://localhost/path`; a server's: its request's, as `ws:`). */
  get url(): string {
    return this.#url;
  }
  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): 0 | 1 | 2 | 3 {
    return this.#readyState;
  }
  /** The subprotocol the server chose, or "". */
  get protocol(): string {
    return this.#protocol;
  }
  /** The extensions in use: always "" (none is negotiated). */
  get extensions(): string {
    return "";
  }
  /** The bytes of data passed to `send()` and not yet written to the pipe. */
  get bufferedAmount(): number {
    return this.#bufferedAmount;
  }
  /** What binary messages arrive as: "blob" (the default, as WebSocket's) or "arraybuffer". */
  get binaryType(): WebSocketBinaryType {
    return this.#binaryType;
  }
  set binaryType(type: WebSocketBinaryType) {
    // As WebSocket's: any other value is ignored.
    if (type === "blob" || type === "arraybuffer") this.#binaryType = type;
  }

  /** Listener of the `open` event. */
  get onopen(): ((event: PipeWebSocketEventMap["open"]) => unknown) | null {
    return this.#handlers.open as ((event: PipeWebSocketEventMap["open"]) => unknown) | null;
  }
  set onopen(handler: ((event: PipeWebSocketEventMap["open"]) => unknown) | null) {
    this.#setHandler("open", handler);
  }
  /** Listener of `message` events (a MessageEvent; `data` is a string, a Blob or an ArrayBuffer). */
  get onmessage(): ((event: PipeWebSocketEventMap["message"]) => unknown) | null {
    return this.#handlers.message as ((event: PipeWebSocketEventMap["message"]) => unknown) | null;
  }
  set onmessage(handler: ((event: PipeWebSocketEventMap["message"]) => unknown) | null) {
    this.#setHandler("message", handler);
  }
  /** Listener of the `error` event (an ErrorEvent whose `error` says why the connection failed). */
  get onerror(): ((event: PipeWebSocketEventMap["error"]) => unknown) | null {
    return this.#handlers.error as ((event: PipeWebSocketEventMap["error"]) => unknown) | null;
  }
  set onerror(handler: ((event: PipeWebSocketEventMap["error"]) => unknown) | null) {
    this.#setHandler("error", handler);
  }
  /** Listener of the `close` event (a CloseEvent: `code`, `reason`, `wasClean`). */
  get onclose(): ((event: PipeWebSocketEventMap["close"]) => unknown) | null {
    return this.#handlers.close as ((event: PipeWebSocketEventMap["close"]) => unknown) | null;
  }
  set onclose(handler: ((event: PipeWebSocketEventMap["close"]) => unknown) | null) {
    this.#setHandler("close", handler);
  }

  /**
   * Sets an event handler attribute as HTML does: one listener while it is
   * non-null, added when it is set and removed when it is set to null
   * (set again, it listens after the listeners added meanwhile).
   */
  #setHandler<K extends keyof PipeWebSocketEventMap>(
    type: K,
    handler: ((event: PipeWebSocketEventMap[K]) => unknown) | null,
  ): void {
    // HTML's [LegacyTreatNonObjectAsNull]: any object is kept (and read back), a non-object is null.
    this.#handlers[type] = typeof handler === "function" || (typeof handler === "object" && handler !== null)
      ? handler as AnyHandler
      : null;
    const listener = this.#handlerListeners.get(type);
    if (this.#handlers[type] === null && listener !== undefined) {
      this.removeEventListener(type, listener);
      this.#handlerListeners.delete(type);
    } else if (this.#handlers[type] !== null && listener === undefined) {
      const added = (event: Event) => this.#handlers[type]?.call(this, event);
      this.addEventListener(type, added);
      this.#handlerListeners.set(type, added);
    }
  }

  /** Adds a listener; for the four events of a WebSocket, typed as {@linkcode PipeWebSocketEventMap} says. */
  override addEventListener<K extends keyof PipeWebSocketEventMap>(
    type: K,
    listener: (event: PipeWebSocketEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Adds a listener of any event type, as EventTarget's. */
  override addEventListener(
    type: string,
    listener: Parameters<EventTarget["addEventListener"]>[1],
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: Parameters<EventTarget["addEventListener"]>[1] | ((event: never) => unknown),
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as Parameters<EventTarget["addEventListener"]>[1], options);
  }

  /** Removes a listener added with addEventListener. */
  override removeEventListener<K extends keyof PipeWebSocketEventMap>(
    type: K,
    listener: (event: PipeWebSocketEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Removes a listener of any event type, as EventTarget's. */
  override removeEventListener(
    type: string,
    listener: Parameters<EventTarget["addEventListener"]>[1],
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: Parameters<EventTarget["addEventListener"]>[1] | ((event: never) => unknown),
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener as Parameters<EventTarget["addEventListener"]>[1], options);
  }

  /**
   * Sends a message: a string as text, an ArrayBuffer, a view of one or a
   * Blob as binary (a detached buffer as an empty message). Throws a
   * TypeError for a SharedArrayBuffer or a view of one (as WebSocket
   * does), then an InvalidStateError while CONNECTING; once closing, the
   * data is counted in `bufferedAmount` and not sent, as WebSocket does.
   */
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void {
    // WebIDL converts the argument before the method runs: its TypeErrors come before the state's error.
    const message = messageOf(arguments.length, data);
    if (this.#readyState === this.CONNECTING) {
      throw new DOMException("send: the WebSocket is not open yet", "InvalidStateError");
    }
    // Whether it goes out is decided now (close() makes the socket CLOSING): data sent before close() goes
    // out even when it waits for a Blob.
    const goesOut = this.#readyState === this.OPEN;
    if (message instanceof Blob) {
      this.#enqueue(message.size, async () => new Uint8Array(await message.arrayBuffer()), Opcode.binary, goesOut);
    } else if (this.#queue !== undefined) {
      const copy = message.bytes.slice();
      this.#enqueue(copy.length, () => copy, message.opcode, goesOut);
    } else {
      this.#sendData(message.opcode, message.bytes, goesOut);
    }
  }

  /**
   * Starts the closing handshake: `code` 1000 or 3000-4999 (an
   * InvalidAccessError otherwise; 1000 when only a reason is given),
   * `reason` at most 123 bytes of UTF-8 (a SyntaxError otherwise), behind
   * the messages sent before it. While CONNECTING, a client's socket stops
   * its handshake; a server's, whose handler is still to return its
   * response, closes the pipe once the 101 is out. Either way the `close`
   * event has code 1006.
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined) {
      code = clampedUnsignedShort(code);
      if (code !== 1000 && (code < 3000 || code > 4999)) {
        throw new DOMException(`close: the code ${code} is neither 1000 nor in 3000-4999`, "InvalidAccessError");
      }
    }
    // WebIDL USVString: a template string, not String(), which would take a Symbol (a TypeError here).
    const why = reason === undefined ? "" : `${reason}`;
    if (encoder.encode(why).length > 123) {
      throw new DOMException("close: the reason is longer than 123 bytes of UTF-8", "SyntaxError");
    }
    // WHATWG: a reason without a code goes out with 1000 (a close frame has no reason without a code).
    if (code === undefined && why !== "") code = 1000;
    if (this.#readyState === this.CLOSING || this.#readyState === this.CLOSED) return;
    if (this.#readyState === this.CONNECTING) {
      this.#readyState = this.CLOSING;
      this.#failure = new DOMException("the WebSocket was closed before it opened", "AbortError");
      this.#abortOpening();
      return;
    }
    this.#startClosing(code, why);
  }

  /** Starts the closing handshake of an open socket. */
  #startClosing(code: number | undefined, why: string): void {
    this.#readyState = this.CLOSING;
    // Messages sent before close() go first, a Blob's too (they wait in the queue).
    if (this.#queue === undefined) this.#sendClose(code, why);
    else void this.#queue.then(() => this.#sendClose(code, why));
    this.#armCloseTimer();
  }

  /** See closeGoingAway. */
  #goAway(): Promise<void> {
    // While CONNECTING, #open calls this again after its `open` listeners ran (what they send goes first).
    this.#goingAway = true;
    if (this.#readyState === this.OPEN) this.#startClosing(1001, "Server shutting down");
    return this.#closed;
  }

  /** Closes the pipe if the closing handshake has not ended within closeTimeout. */
  #armCloseTimer(): void {
    clearTimeout(this.#closeTimer);
    this.#closeTimer = setTimeout(() => this.#upgraded?.close(), this.#limits.closeTimeout);
  }

  /** Closes the socket (code 1000) and waits for its `close` event. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#readyState === this.OPEN) this.close(1000);
    else this.close();
    await this.#closed;
  }

  /** The handshake succeeded: OPEN, then read frames until the connection ends. */
  #open(upgraded: UpgradedConnection, protocol: string): void {
    this.#upgraded = upgraded;
    if (this.#readyState !== this.CONNECTING) {
      // close() was called meanwhile and the switch happened anyway.
      upgraded.close();
      this.#finish();
      return;
    }
    this.#writer = upgraded.writable.getWriter();
    this.#writer.closed.catch(() => {});
    this.#protocol = protocol;
    this.#readyState = this.OPEN;
    this.dispatchEvent(new Event("open"));
    if (this.#goingAway) void this.#goAway();
    void this.#read(upgraded).then(() => this.#drained()).then(() => this.#finish());
  }

  /** Resolves when the frames written so far are out (a close frame before the connection closes), or after closeTimeout. */
  #drained(): Promise<void> {
    // A pipe already closed (by closeTimeout) takes no more writes: nothing to wait for.
    if (this.#upgraded?.connection.closed) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#limits.closeTimeout)));
    return Promise.race([this.#lastWrite.then(() => {}), late]).finally(() => clearTimeout(timer));
  }

  /** Reads and handles frames until the connection ends or fails. */
  async #read(upgraded: UpgradedConnection): Promise<void> {
    const reader = upgraded.readable.getReader();
    const parser = new FrameParser(this.#role === "server", this.#limits.maxMessageSize);
    const message: { opcode: number; parts: Uint8Array[]; size: number } = { opcode: -1, parts: [], size: 0 };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (this.#receivedClose !== undefined) continue; // nothing after a close frame counts
        parser.push(value);
        for (let frame; (frame = parser.next(this.#limits.maxMessageSize - message.size)) !== null;) {
          // One turn of the microtask queue between messages: what a message's listeners queued runs before the
          // next message's listeners, as in Deno's WebSocket (Bun's runs every microtask: a task per read here).
          if (this.#frame(frame, message)) await undefined;
          if (this.#receivedClose !== undefined) break;
        }
      }
    } catch (err) {
      if (err instanceof WebSocketProtocolError) this.#fail(err.code, err);
      // Otherwise the pipe broke (or this side closed it): the connection is over.
    } finally {
      reader.releaseLock();
    }
  }

  /** One frame: a part of a message, a control frame. True when a `message` event was dispatched. */
  #frame(frame: Frame, message: { opcode: number; parts: Uint8Array[]; size: number }): boolean {
    if (isControl(frame.opcode)) {
      if (frame.opcode === Opcode.ping) {
        if (!this.#sentClose) this.#write(Opcode.pong, frame.payload, 0);
      } else if (frame.opcode === Opcode.close) {
        this.#closeFrame(frame.payload);
      }
      return false;
    }
    if (frame.opcode === Opcode.continuation) {
      if (message.opcode === -1) throw new WebSocketProtocolError(1002, "a continuation frame starts no message");
    } else {
      if (message.opcode !== -1) throw new WebSocketProtocolError(1002, "a new message began inside a fragmented one");
      message.opcode = frame.opcode;
    }
    message.size += frame.payload.length;
    // (The parser refused a frame that would take the message past maxMessageSize, from its header.)
    message.parts.push(frame.payload);
    if (!frame.fin) return false;
    const bytes = message.parts.length === 1 ? message.parts[0] : concatBytes(message.parts, message.size);
    const opcode = message.opcode;
    message.opcode = -1;
    message.parts = [];
    message.size = 0;
    let data: string | Blob | ArrayBuffer;
    if (opcode === Opcode.text) {
      try {
        data = fatalUtf8.decode(bytes);
      } catch {
        throw new WebSocketProtocolError(1007, "a text message is not UTF-8");
      }
    } else {
      data = this.#binaryType === "blob" ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : ownBuffer(bytes);
    }
    // HTML: a message that arrives once this side started closing is not delivered.
    if (this.#readyState !== this.OPEN) return false;
    this.dispatchEvent(new MessageEvent("message", { data, origin: this.#origin }));
    return true;
  }

  /** The peer's close frame: answered with the same code, then the connection ends (RFC 6455 §5.5.1). */
  #closeFrame(payload: Uint8Array): void {
    let code = 1005, reason = "";
    if (payload.length === 1) throw new WebSocketProtocolError(1002, "a close frame of 1 byte");
    if (payload.length >= 2) {
      code = (payload[0] << 8) | payload[1];
      if (!isValidCloseCode(code)) throw new WebSocketProtocolError(1002, `a close frame with the code ${code}`);
      try {
        reason = fatalUtf8.decode(payload.subarray(2));
      } catch {
        throw new WebSocketProtocolError(1007, "a close frame's reason is not UTF-8");
      }
    }
    this.#receivedClose = { code, reason };
    if (!this.#sentClose) {
      this.#readyState = this.CLOSING;
      this.#sendClose(code === 1005 ? undefined : code, "");
    }
    // §7.1.1: the server closes the connection first, once its close frame is out; the client waits for it.
    // Either waits for closeTimeout at most (a peer that does not read can hold the close frame back).
    if (this.#role === "server") void this.#lastWrite.finally(() => this.#upgraded?.close());
    this.#armCloseTimer();
  }

  /** Fails the connection (RFC 6455 §7.1.7): a close frame with `code`, then the pipe closes; `why` is the error event's. */
  #fail(code: number, why: unknown): void {
    this.#failure ??= why;
    this.#readyState = this.CLOSING;
    if (!this.#sentClose) this.#sendClose(code, "");
    void this.#lastWrite.finally(() => this.#upgraded?.close());
  }

  /** The connection is over: CLOSED, then `error` (if it failed) and `close`. */
  #finish(): void {
    if (this.#readyState === this.CLOSED) return;
    clearTimeout(this.#closeTimer);
    this.#upgraded?.close();
    this.#readyState = this.CLOSED;
    const received = this.#receivedClose;
    const clean = this.#failure === undefined && received !== undefined && this.#closeWritten;
    if (this.#failure !== undefined) {
      const error = this.#failure;
      const message = error instanceof Error ? error.message : String(error);
      this.dispatchEvent(new ErrorEvent("error", { error, message }));
    }
    this.dispatchEvent(
      new CloseEvent("close", {
        wasClean: clean,
        code: this.#failure === undefined && received !== undefined ? received.code : 1006,
        reason: this.#failure === undefined && received !== undefined ? received.reason : "",
      }),
    );
    this.#markClosed();
  }

  /** Sends a close frame; nothing goes out after it. */
  #sendClose(code: number | undefined, reason: string): void {
    if (this.#sentClose) return;
    this.#sentClose = true;
    this.#write(Opcode.close, closePayload(code, reason), 0);
    void this.#lastWrite.then((written) => (this.#closeWritten = written));
  }

  /** A data frame now, or (sent once closing, or after a close frame) only counted, as WebSocket counts it. */
  #sendData(opcode: number, bytes: Uint8Array, sendable: boolean): void {
    if (!sendable || this.#sentClose) {
      this.#bufferedAmount += bytes.length;
      return;
    }
    this.#write(opcode, bytes, bytes.length);
  }

  /** A send that waits for a Blob's bytes, or for one before it. */
  #enqueue(size: number, bytes: () => Uint8Array | Promise<Uint8Array>, opcode: number, sendable: boolean): void {
    this.#bufferedAmount += size;
    const queued: Promise<void> = (this.#queue ?? Promise.resolve()).then(async () => {
      let data: Uint8Array;
      try {
        data = await bytes();
      } catch (err) {
        // A Blob that cannot be read fails the connection (HTML); the peer is told 1011 (an unexpected condition),
        // the `error` event gets the Blob's own error.
        this.#bufferedAmount -= size;
        if (this.#readyState === this.OPEN) this.#fail(1011, err);
        return;
      } finally {
        // The last send queued leaves the queue empty.
        if (this.#queue === queued) this.#queue = undefined;
      }
      this.#bufferedAmount -= size;
      this.#sendData(opcode, data, sendable);
    });
    this.#queue = queued;
  }

  /**
   * Writes a frame of `payload` (copied now; the caller may change it
   * afterwards); `data` bytes of it count in bufferedAmount until it is
   * written. A frame sent while a write is in flight waits for it with the
   * others sent meanwhile, encoded into one buffer, and they go out in one
   * write: one WriteFile for many small messages, as Node's sockets gather
   * their queued writes.
   */
  #write(opcode: number, payload: Uint8Array, data: number): void {
    const writer = this.#writer;
    if (writer === undefined) return;
    this.#bufferedAmount += data;
    const masked = this.#role === "client";
    const length = frameLength(payload.length, masked);
    let batch = this.#batches.at(-1);
    if (batch === undefined || batch.size + length > GATHER_BYTES) {
      // On a quiet socket the frame goes out at once, alone: its buffer is its own size.
      batch = new OutgoingBatch(this.#writing ? Math.max(length, FIRST_GATHER_BYTES) : length);
      this.#batches.push(batch);
    }
    batch.add(opcode, payload, masked, length, data);
    this.#lastWrite = batch.written;
    if (!this.#writing) void this.#writeBatches(writer);
  }

  /** Writes the batches in order, one write each, until none is left. */
  async #writeBatches(writer: WritableStreamDefaultWriter<Uint8Array>): Promise<void> {
    this.#writing = true;
    for (let batch; (batch = this.#batches.shift()) !== undefined;) {
      const written = await writer.write(batch.bytes()).then(() => true, () => false);
      // The pipe broke: the reader sees the end, and the close event says so.
      if (written) this.#bufferedAmount -= batch.data;
      batch.settle(written);
    }
    this.#writing = false;
  }
}

/** Frames gathered into one write: at most this many bytes, unless one frame is larger. */
const GATHER_BYTES = 64 * 1024;
/** The buffer a batch starts with while a write is in flight (it doubles as frames come, up to GATHER_BYTES). */
const FIRST_GATHER_BYTES = 4 * 1024;

/** Frames that go out in one write, encoded one after the other into one buffer, and whether they were written. */
class OutgoingBatch {
  #buffer: Uint8Array<ArrayBuffer>;
  /** The bytes of its frames. */
  size = 0;
  /** The bytes of messages among them (bufferedAmount's part). */
  data = 0;
  /** Resolves with whether the write succeeded. */
  readonly written: Promise<boolean>;
  /** Resolves `written`. */
  settle!: (written: boolean) => void;

  /** A batch whose buffer holds `capacity` bytes to start with. */
  constructor(capacity: number) {
    this.#buffer = new Uint8Array(capacity);
    this.written = new Promise((resolve) => (this.settle = resolve));
  }

  /** Adds a frame of `length` bytes (frameLength's) carrying `payload`, `data` bytes of which are a message's. */
  add(opcode: number, payload: Uint8Array, masked: boolean, length: number, data: number): void {
    if (this.size + length > this.#buffer.length) {
      const grown = new Uint8Array(Math.min(Math.max(this.#buffer.length * 2, this.size + length), GATHER_BYTES));
      grown.set(this.#buffer.subarray(0, this.size));
      this.#buffer = grown;
    }
    encodeFrameInto(this.#buffer, this.size, opcode, payload, masked);
    this.size += length;
    this.data += data;
  }

  /** The frames, as one array (handed to the writer: the batch writes nothing into it afterwards). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.size === this.#buffer.length ? this.#buffer : this.#buffer.subarray(0, this.size);
  }
}
