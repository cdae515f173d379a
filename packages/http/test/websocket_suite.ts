/**
 * WebSockets over pipes (RFC 6455): pipeWebSocket and
 * `info.upgradeWebSocket()` with each other, and each against a raw peer
 * written here frame by frame (so that it can send what the RFC forbids:
 * unmasked or masked frames, reserved bits, broken fragmentation, bad
 * UTF-8, a wrong accept value).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PipeConnection } from "@winpipe/core";
import { concatBytes } from "@winpipe/core/internal";
import { PipeWebSocket, WebSocketProtocolError } from "@winpipe/http";
import { delay, type HttpBackend, type RegisterTest, uniqueName, utf8, withDeadline } from "./helpers.ts";

const latin1 = new TextDecoder("latin1");
const utf8Text = new TextDecoder();

/** Sec-WebSocket-Accept for `key`, computed here as RFC 6455 §4.2.2 says (not with the package's code). */
async function accept(key: string): Promise<string> {
  const text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** The members of the WHATWG WebSocket interface (Bun's WebSocket type adds its own). */
type StandardWebSocket = Pick<
  WebSocket,
  | "url"
  | "readyState"
  | "bufferedAmount"
  | "extensions"
  | "protocol"
  | "binaryType"
  | "onopen"
  | "onmessage"
  | "onerror"
  | "onclose"
  | "send"
  | "close"
  | "addEventListener"
  | "removeEventListener"
  | "dispatchEvent"
  | "CONNECTING"
  | "OPEN"
  | "CLOSING"
  | "CLOSED"
>;

/** One frame as a peer writes it, including what a peer must not write. */
function frame(
  opcode: number,
  payload: Uint8Array | string,
  { fin = true, mask = true, rsv = 0 }: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Uint8Array {
  const data = typeof payload === "string" ? utf8(payload) : payload;
  const n = data.length;
  const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + extra + (mask ? 4 : 0) + n);
  out[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  out[1] = (mask ? 0x80 : 0) | (extra === 0 ? n : extra === 2 ? 126 : 127);
  const view = new DataView(out.buffer);
  if (extra === 2) view.setUint16(2, n);
  if (extra === 8) view.setBigUint64(2, BigInt(n));
  const key = [0x12, 0x34, 0x56, 0x78];
  let at = 2 + extra;
  if (mask) out.set(key, (at += 4) - 4);
  for (let i = 0; i < n; i++) out[at + i] = mask ? data[i] ^ key[i & 3] : data[i];
  return out;
}

/** The code a close frame carries (a failed assertion for anything else). */
function closeCode(frame: ReadFrame | null): number {
  assert.equal(frame?.opcode, 0x8, "a close frame");
  return (frame!.payload[0] << 8) | frame!.payload[1];
}

/** A close frame's payload. */
function closeBody(code: number, reason = ""): Uint8Array {
  const text = utf8(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 255;
  out.set(text, 2);
  return out;
}

interface ReadFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** A peer that speaks WebSocket by hand over a pipe connection. */
class RawPeer {
  readonly conn: PipeConnection;
  #buffered: Uint8Array = new Uint8Array(0);
  #ended = false;

  constructor(conn: PipeConnection, rest: Uint8Array = new Uint8Array(0)) {
    this.conn = conn;
    this.#buffered = rest;
  }

  async write(...frames: Uint8Array[]): Promise<void> {
    for (const f of frames) await this.conn.write(f);
  }

  /** Reads more bytes; false at the end of the data. */
  async #more(deadline: number): Promise<boolean> {
    if (this.#ended) return false;
    const buf = new Uint8Array(65536);
    const timer = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    const r = await this.conn.read(buf, { signal: timer }).catch((err) => {
      if (timer.aborted) throw new Error("RawPeer: no frame came in time");
      throw err;
    });
    if (r === null || r.bytesRead === 0) {
      this.#ended = true;
      return false;
    }
    const next = new Uint8Array(this.#buffered.length + r.bytesRead);
    next.set(this.#buffered);
    next.set(buf.subarray(0, r.bytesRead), this.#buffered.length);
    this.#buffered = next;
    return true;
  }

  /** The next frame, or null when the connection ended first. */
  async readFrame(timeoutMs = 5000): Promise<ReadFrame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const b = this.#buffered;
      if (b.length >= 2) {
        let n = b[1] & 0x7f, at = 2;
        if (n === 126 && b.length >= 4) [n, at] = [(b[2] << 8) | b[3], 4];
        else if (n === 127 && b.length >= 10) [n, at] = [Number(new DataView(b.buffer).getBigUint64(2)), 10];
        const masked = (b[1] & 0x80) !== 0;
        const start = at + (masked ? 4 : 0);
        if ((n < 126 || at > 2) && b.length >= start + n) {
          const payload = b.slice(start, start + n);
          if (masked) { for (let i = 0; i < n; i++) payload[i] ^= b[at + (i & 3)]; }
          this.#buffered = b.slice(start + n);
          return { fin: (b[0] & 0x80) !== 0, opcode: b[0] & 0x0f, masked, payload };
        }
      }
      if (!(await this.#more(deadline))) return null;
    }
  }

  /** Resolves when the other side closed the connection (any frames before are dropped). */
  async ended(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#buffered = new Uint8Array(0);
    while (await this.#more(deadline)) this.#buffered = new Uint8Array(0);
  }
}

/** Connects to a serveHttp server and does the client's handshake by hand. */
async function rawClient(b: HttpBackend, name: string, extra = ""): Promise<{ peer: RawPeer; head: string }> {
  const conn = await b.pipes.connect(name);
  const key = btoa("0123456789abcdef");
  await conn.write(utf8(
    `GET /raw HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
  ));
  const buf = new Uint8Array(65536);
  let got = new Uint8Array(0);
  for (;;) {
    const r = await conn.read(buf);
    if (r === null) throw new Error(`the server closed during the handshake: ${latin1.decode(got)}`);
    const next = new Uint8Array(got.length + r.bytesRead);
    next.set(got);
    next.set(buf.subarray(0, r.bytesRead), got.length);
    got = next;
    const end = latin1.decode(got).indexOf("\r\n\r\n");
    if (end === -1) continue;
    const head = latin1.decode(got.subarray(0, end));
    if (head.startsWith("HTTP/1.1 101")) {
      assert.match(head, new RegExp(`\r\nsec-websocket-accept: ${(await accept(key)).replace(/[+/]/g, "\\$&")}`, "i"));
    }
    return { peer: new RawPeer(conn, got.slice(end + 4)), head };
  }
}

/**
 * A server on `name` that reads one handshake and answers it by hand:
 * `answer(accept, request)` gives the head (null: the right 101); then `then` talks frames.
 */
function rawWebSocketServer(
  b: HttpBackend,
  name: string,
  then: (peer: RawPeer, request: string) => Promise<void>,
  answer: (acceptValue: string, request: string) => string | null = () => null,
) {
  const server = b.pipes.createServer(name);
  const failures: unknown[] = [];
  const serving = (async () => {
    for await (const conn of server) {
      void (async () => {
        try {
          const buf = new Uint8Array(65536);
          let text = "";
          while (!text.includes("\r\n\r\n")) {
            const r = await conn.read(buf);
            if (r === null) return;
            text += latin1.decode(buf.subarray(0, r.bytesRead));
          }
          const request = text.slice(0, text.indexOf("\r\n\r\n"));
          const key = /\r\nsec-websocket-key: *([^\r]*)/i.exec(request)?.[1] ?? "";
          const acceptValue = await accept(key);
          const head = answer(acceptValue, request) ??
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Accept: ${acceptValue}\r\n\r\n`;
          await conn.write(utf8(head));
          await then(new RawPeer(conn), request);
        } catch (err) {
          failures.push(err);
        } finally {
          conn.close();
        }
      })();
    }
  })();
  return {
    failures,
    [Symbol.asyncDispose]: async () => {
      server.close();
      await serving;
    },
  };
}

/** What a socket's events were, in order, and the close event. */
function watch(socket: PipeWebSocket) {
  const events: string[] = [];
  const messages: unknown[] = [];
  let error: unknown;
  let resolveClose!: (event: CloseEvent) => void;
  const closed = new Promise<CloseEvent>((resolve) => (resolveClose = resolve));
  socket.addEventListener("open", () => events.push("open"));
  socket.addEventListener("message", (event) => {
    events.push("message");
    messages.push((event as MessageEvent).data);
  });
  socket.addEventListener("error", (event) => {
    events.push("error");
    error = (event as ErrorEvent).error;
  });
  socket.addEventListener("close", (event) => {
    events.push("close");
    resolveClose(event as CloseEvent);
  });
  const nextMessage = async (count: number, timeoutMs = 5000): Promise<unknown[]> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${messages.length} of ${count} messages came`);
      await delay(2);
    }
    return messages.slice(0, count);
  };
  return {
    events,
    messages,
    get error() {
      return error;
    },
    closed: withDeadline(closed, 10_000, "no close event"),
    nextMessage,
  };
}

/** Resolves when `socket` is open; rejects if it closes first. */
function opened(socket: PipeWebSocket): Promise<void> {
  return withDeadline(
    new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve());
      socket.addEventListener("close", (e) => reject(new Error(`closed (${(e as CloseEvent).code}) before open`)));
    }),
    10_000,
    "no open event",
  );
}

export function webSocketSuite(register: RegisterTest, b: HttpBackend): void {
  const t = (name: string, fn: () => Promise<void>) => register(`websocket (${b.name}): ${name}`, fn);

  /** A server whose sockets take messages up to `maxMessageSize`; `seen` watches the last one. */
  const limitedServer = (name: string, maxMessageSize: number) => {
    const watched: { server: ReturnType<typeof b.http.serveHttp>; seen?: ReturnType<typeof watch> } = {
      server: b.http.serveHttp(name, (_request, info) => {
        const { socket, response } = info.upgradeWebSocket({ maxMessageSize });
        socket.binaryType = "arraybuffer";
        watched.seen = watch(socket);
        return response;
      }),
    };
    return watched;
  };

  /** A serveHttp server whose handler upgrades every request and hands the socket to `onSocket`. */
  const echoServer = (name: string, onSocket?: (socket: PipeWebSocket, request: Request) => void) =>
    b.http.serveHttp(name, (request, info) => {
      const { socket, response } = info.upgradeWebSocket();
      socket.binaryType = "arraybuffer";
      if (onSocket) onSocket(socket, request);
      else socket.onmessage = (event) => socket.send(event.data);
      return response;
    });

  t("text and binary messages both ways, in order: strings, ArrayBuffers, views, Blobs; binaryType", async () => {
    const name = uniqueName("ws-echo");
    await using _server = echoServer(name);
    await using socket = b.http.pipeWebSocket(name, "/echo?x=1");
    assert.equal(socket.readyState, PipeWebSocket.CONNECTING);
    // To TypeScript it is a standard WebSocket: code typed for one takes it (type-checked in Deno and with
    // bun-types, whose WebSocket adds Bun's own members).
    const typedAsWebSocket: StandardWebSocket = socket;
    assert.equal(typedAsWebSocket.url, socket.url);
    assert.equal(socket.url, "ws://localhost/echo?x=1");
    const seen = watch(socket);
    await opened(socket);
    assert.equal(socket.readyState, socket.OPEN);
    assert.equal(socket.protocol, "");
    assert.equal(socket.extensions, "");
    assert.equal(socket.binaryType, "blob");
    socket.send("héllo ✓");
    socket.send(new Uint8Array([1, 2, 3]).buffer);
    socket.send(new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 3));
    socket.send(new Blob(["blob"]));
    socket.send("after the blob");
    socket.send("");
    const got = await seen.nextMessage(6);
    assert.equal(got[0], "héllo ✓");
    assert.ok(got[1] instanceof Blob);
    assert.deepEqual([...new Uint8Array(await (got[1] as Blob).arrayBuffer())], [1, 2, 3]);
    assert.deepEqual([...new Uint8Array(await (got[2] as Blob).arrayBuffer())], [8, 7]);
    assert.equal(await (got[3] as Blob).text(), "blob");
    assert.equal(got[4], "after the blob");
    assert.equal(got[5], "");
    socket.binaryType = "arraybuffer";
    socket.binaryType = "nodebuffer" as never; // ignored, as WebSocket ignores it
    assert.equal(socket.binaryType, "arraybuffer");
    socket.send(new Uint16Array([0x0102]));
    const [, , , , , , last] = await seen.nextMessage(7);
    assert.ok(last instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(last)], [...new Uint8Array(new Uint16Array([0x0102]).buffer)]);
    assert.deepEqual(seen.events, ["open", ...Array(7).fill("message")]);
  });

  t("a subprotocol the client offers is chosen; one it does not offer is a TypeError in the handler", async () => {
    const name = uniqueName("ws-protocol");
    const refusals: string[] = [];
    await using _server = b.http.serveHttp(name, (request, info) => {
      const wanted = new URL(request.url).searchParams.get("p")!;
      try {
        const { socket, response } = info.upgradeWebSocket({ protocol: wanted });
        socket.onopen = () => socket.send(`speaking ${socket.protocol}`);
        return response;
      } catch (err) {
        assert.ok(err instanceof TypeError);
        refusals.push(err.message);
        return new Response("no such subprotocol", { status: 400 });
      }
    });
    await using socket = b.http.pipeWebSocket(name, "/?p=chat.v2", ["chat.v1", "chat.v2"]);
    const seen = watch(socket);
    await opened(socket);
    assert.equal(socket.protocol, "chat.v2");
    assert.deepEqual(await seen.nextMessage(1), ["speaking chat.v2"]);
    const refused = b.http.pipeWebSocket(name, "/?p=chat.v3", { protocols: ["chat.v1"] });
    const refusedSeen = watch(refused);
    const close = await refusedSeen.closed;
    assert.deepEqual(refusedSeen.events, ["error", "close"]);
    assert.equal(close.code, 1006);
    assert.equal(close.wasClean, false);
    assert.match(String((refusedSeen.error as Error).message), /400/);
    assert.equal(refusals.length, 1);
    assert.match(refusals[0], /chat\.v1.*chat\.v3/);
  });

  for (const binaryType of ["arraybuffer", "blob"] as const) {
    t(`messages that come in one write are each their own ${binaryType}, unchanged by those after them`, async () => {
      const name = uniqueName("ws-own");
      let seen: ReturnType<typeof watch> | undefined;
      await using _server = echoServer(name, (socket) => {
        socket.binaryType = binaryType;
        seen = watch(socket);
      });
      const { peer } = await rawClient(b, name);
      const sizes = [3, 64, 0, 300, 125, 126, 70_000, 5];
      const payloads = sizes.map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k * 13) & 255));
      const halves = [payloads[1].subarray(0, 30), payloads[1].subarray(30)];
      const frames = [
        ...payloads.map((payload) => frame(0x2, payload)),
        frame(0x2, halves[0], { fin: false }),
        frame(0x0, halves[1]),
        frame(0x1, "after ✓"),
      ];
      const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
      frames.reduce((at, f) => (all.set(f, at), at + f.length), 0);
      await peer.conn.write(all);
      const count = payloads.length + 2;
      const messages = await seen!.nextMessage(count, 10_000);
      assert.equal(messages[count - 1], "after ✓");
      const bytesOf = async (data: unknown) =>
        new Uint8Array(binaryType === "blob" ? await (data as Blob).arrayBuffer() : data as ArrayBuffer);
      const expected = [...payloads, payloads[1]];
      for (const [k, data] of messages.slice(0, -1).entries()) {
        assert.ok(binaryType === "blob" ? data instanceof Blob : data instanceof ArrayBuffer, `message ${k}`);
        // Exactly its bytes: an ArrayBuffer holds no other frame's bytes around them.
        assert.equal(
          binaryType === "blob" ? (data as Blob).size : (data as ArrayBuffer).byteLength,
          expected[k].length,
        );
        assert.deepEqual(await bytesOf(data), expected[k], `message ${k} (${expected[k].length} bytes)`);
      }
      // A listener that changes a message's bytes changes nothing else.
      if (binaryType === "arraybuffer") new Uint8Array(messages[0] as ArrayBuffer).fill(0xff);
      for (const [k, data] of messages.slice(1, -1).entries()) {
        assert.deepEqual(await bytesOf(data), expected[k + 1], `message ${k + 1} after the others`);
      }
      // A frame whose header came in one read and whose payload opens the next, with another frame behind
      // it: the payload starts its chunk, and still its message holds only its own bytes.
      const cut = frame(0x2, payloads[3]);
      await peer.conn.write(cut.subarray(0, 8)); // 2 bytes, 2 of length, 4 of masking key
      await delay(50); // the server reads the header alone
      const behindIt = frame(0x1, "behind it");
      const rest = new Uint8Array(cut.length - 8 + behindIt.length);
      rest.set(cut.subarray(8));
      rest.set(behindIt, cut.length - 8);
      await peer.conn.write(rest);
      const [payloadFirst, behind] = (await seen!.nextMessage(count + 2, 10_000)).slice(count);
      assert.equal(behind, "behind it");
      assert.equal(
        binaryType === "blob" ? (payloadFirst as Blob).size : (payloadFirst as ArrayBuffer).byteLength,
        payloads[3].length,
      );
      assert.deepEqual(await bytesOf(payloadFirst), payloads[3]);
      peer.conn.close();
    });
  }

  t(
    "text messages sent back to back arrive as sent, also behind a Blob: short, long, non-ASCII, a lone surrogate",
    async () => {
      const name = uniqueName("ws-texts");
      await using _server = echoServer(name);
      await using socket = b.http.pipeWebSocket(name, "/");
      const seen = watch(socket);
      await opened(socket);
      const texts = ["one", "ünïcödé ✓ 🚀", "x".repeat(20_000), "two", "lone \ud800 surrogate", "", "three"];
      // As sent: a lone surrogate goes as U+FFFD (WebIDL's USVString), as TextEncoder and WebSocket make it.
      const expected = texts.map((text) => text.replace("\ud800", "\ufffd"));
      for (const text of texts) socket.send(text); // the first alone, the others gathered behind its write
      // Behind a Blob, whose bytes are read first: these wait in the send queue, in order.
      socket.send(new Blob([new Uint8Array([1, 2])]));
      for (const text of texts) socket.send(text);
      const echoed = await seen.nextMessage(2 * texts.length + 1, 10_000);
      assert.deepEqual(echoed.slice(0, texts.length), expected);
      assert.deepEqual(echoed.slice(texts.length + 1), expected);
    },
  );

  for (const side of ["client", "server"] as const) {
    t(`a ${side}'s buffer changed right after send() still goes out as it was sent, alone or gathered`, async () => {
      // The first goes out at once, alone; the others wait for its write and go out gathered (one of them above
      // the 64 KiB a gathered write holds, so alone too).
      const sizes = [64, 10, 200, 70_000, 3, 5000];
      const sendAll = (socket: PipeWebSocket) => {
        const buffer = new Uint8Array(70_000 + 1);
        const view = (n: number) => buffer.subarray(1, 1 + n); // at an odd offset, as a caller's view may be
        for (const [k, n] of sizes.entries()) {
          view(n).fill(k + 1);
          socket.send(view(n));
          buffer.fill(0xaa); // changed before the frame can have been written
        }
      };
      const name = uniqueName("ws-sent");
      // The server echoes the client's messages, or sends its own when the client says "go".
      await using _server = echoServer(name, (socket) => {
        socket.onmessage = (event) => event.data === "go" ? sendAll(socket) : socket.send(event.data);
      });
      await using socket = b.http.pipeWebSocket(name, "/");
      socket.binaryType = "arraybuffer";
      const seen = watch(socket);
      await opened(socket);
      if (side === "client") sendAll(socket);
      else socket.send("go");
      const received = await seen.nextMessage(sizes.length, 10_000);
      for (const [k, n] of sizes.entries()) {
        assert.deepEqual(new Uint8Array(received[k] as ArrayBuffer), new Uint8Array(n).fill(k + 1), `message ${k}`);
      }
    });
  }

  t("a message of 4 MiB each way, and a peer's fragmented message with a ping inside, reassembled", async () => {
    const name = uniqueName("ws-big");
    await using _server = echoServer(name);
    await using socket = b.http.pipeWebSocket(name, "/");
    socket.binaryType = "arraybuffer";
    const seen = watch(socket);
    await opened(socket);
    const big = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 255;
    socket.send(big);
    assert.equal(socket.bufferedAmount > 0, true, "bufferedAmount counts the message until it is written");
    const [echoed] = await seen.nextMessage(1, 60_000);
    assert.deepEqual(new Uint8Array(echoed as ArrayBuffer), big);
    assert.equal(socket.bufferedAmount, 0);

    // A raw client sends "fragmented ✓" in three frames with a ping between them.
    const { peer } = await rawClient(b, name);
    const text = utf8("fragmented ✓");
    await peer.write(
      frame(0x1, text.subarray(0, 4), { fin: false }),
      frame(0x9, "inside"),
      frame(0x0, text.subarray(4, 11), { fin: false }),
      frame(0x0, text.subarray(11)),
    );
    const pong = await peer.readFrame();
    assert.deepEqual([pong?.opcode, pong?.masked, utf8Text.decode(pong?.payload)], [0xa, false, "inside"]);
    const reply = await peer.readFrame();
    assert.deepEqual([reply?.opcode, reply?.fin, utf8Text.decode(reply?.payload)], [0x1, true, "fragmented ✓"]);
    peer.conn.close();
  });

  t(
    "the client closes: its close frame, the server's echo, both close events clean, the server closes the pipe",
    async () => {
      const name = uniqueName("ws-client-close");
      let serverSeen: ReturnType<typeof watch> | undefined;
      await using _server = echoServer(name, (socket) => (serverSeen = watch(socket)));
      const socket = b.http.pipeWebSocket(name, "/");
      const seen = watch(socket);
      await opened(socket);
      socket.close(4001, "done here");
      assert.equal(socket.readyState, socket.CLOSING);
      socket.send("dropped");
      assert.equal(socket.bufferedAmount, 7, "a send after close() is counted, not sent");
      const close = await seen.closed;
      assert.deepEqual([close.code, close.wasClean], [4001, true]);
      assert.equal(socket.readyState, socket.CLOSED);
      const serverClose = await serverSeen!.closed;
      assert.deepEqual([serverClose.code, serverClose.reason, serverClose.wasClean], [4001, "done here", true]);
      assert.deepEqual(serverSeen!.messages, [], "the send after close() never arrived");
      socket.close(); // closing a closed socket does nothing
      assert.equal(socket.readyState, socket.CLOSED);
      await delay(20);
      assert.equal(seen.events.filter((e) => e === "close").length, 1, "one close event");
    },
  );

  t("the server closes: the client answers, both clean; a raw client sees the close frame then the end", async () => {
    const name = uniqueName("ws-server-close");
    await using _server = echoServer(name, (socket) => {
      socket.onmessage = () => socket.close(4002, "server says bye");
    });
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    await opened(socket);
    socket.send("close please");
    const close = await seen.closed;
    assert.deepEqual([close.code, close.reason, close.wasClean], [4002, "server says bye", true]);
    assert.deepEqual(seen.events, ["open", "close"]);

    const { peer } = await rawClient(b, name);
    await peer.write(frame(0x1, "close please"));
    const closeFrame = await peer.readFrame();
    assert.equal(closeFrame?.opcode, 0x8);
    assert.deepEqual(closeFrame?.payload, closeBody(4002, "server says bye"));
    await peer.write(frame(0x8, closeBody(4002)));
    await peer.ended();
  });

  t("a close frame without a code is answered with an empty one; the close event has 1005", async () => {
    const name = uniqueName("ws-close-1005");
    let serverSeen: ReturnType<typeof watch> | undefined;
    await using _server = echoServer(name, (socket) => (serverSeen = watch(socket)));
    const { peer } = await rawClient(b, name);
    await peer.write(frame(0x8, new Uint8Array(0)));
    const reply = await peer.readFrame();
    assert.deepEqual([reply?.opcode, reply?.payload.length], [0x8, 0]);
    await peer.ended();
    const close = await serverSeen!.closed;
    assert.deepEqual([close.code, close.wasClean], [1005, true]);
  });

  t("RFC 6455 §7.1.7: the server fails the connection on what a client must not send", async () => {
    const cases: [string, Uint8Array[], number][] = [
      ["an unmasked frame", [frame(0x1, "plain", { mask: false })], 1002],
      ["reserved bits (no extension)", [frame(0x1, "x", { rsv: 4 })], 1002],
      ["an unknown opcode", [frame(0x3, "x")], 1002],
      ["a control frame over 125 bytes", [frame(0x9, new Uint8Array(126))], 1002],
      ["a fragmented control frame", [frame(0x9, "x", { fin: false })], 1002],
      ["a continuation that starts nothing", [frame(0x0, "x")], 1002],
      ["a new message inside a fragmented one", [frame(0x1, "a", { fin: false }), frame(0x1, "b")], 1002],
      ["text that is not UTF-8", [frame(0x1, new Uint8Array([0xc3, 0x28]))], 1007],
      ["a close frame of one byte", [frame(0x8, new Uint8Array([3]))], 1002],
      ...[999, 1004, 1005, 1006, 1015, 2999, 5000].map((
        bad,
      ): [string, Uint8Array[], number] => [`a close frame with the code ${bad}`, [frame(0x8, closeBody(bad))], 1002]),
      [
        "a 64-bit length with its top bit set",
        [new Uint8Array([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4])],
        1002,
      ],
      ["a close reason that is not UTF-8", [frame(0x8, new Uint8Array([3, 232, 0xff]))], 1007],
      ["a message above maxMessageSize", [frame(0x2, new Uint8Array(1025))], 1009],
      [
        "fragments that together pass maxMessageSize",
        [frame(0x2, new Uint8Array(600), { fin: false }), frame(0x0, new Uint8Array(600))],
        1009,
      ],
    ];
    for (const [what, frames, code] of cases) {
      const name = uniqueName("ws-fail");
      const watched = limitedServer(name, 1024);
      await using _server = watched.server;
      const { peer } = await rawClient(b, name);
      await peer.write(...frames);
      assert.equal(closeCode(await peer.readFrame()), code, what);
      await peer.ended();
      const serverSeen = watched.seen;
      const close = await serverSeen!.closed;
      assert.deepEqual([close.code, close.wasClean], [1006, false], what);
      assert.deepEqual(serverSeen!.events.slice(-2), ["error", "close"], what);
      assert.ok(serverSeen!.error instanceof WebSocketProtocolError, what);
      assert.equal(serverSeen!.error.code, code, what);
      assert.deepEqual(serverSeen!.messages, [], what);
      peer.conn.close();
    }
  });

  t("the client fails the connection on a masked frame from the server (1002)", async () => {
    const name = uniqueName("ws-masked");
    const closeFrames: (ReadFrame | null)[] = [];
    await using server = rawWebSocketServer(b, name, async (peer) => {
      await peer.write(frame(0x1, "masked", { mask: true }));
      closeFrames.push(await peer.readFrame());
    });
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    const close = await seen.closed;
    assert.deepEqual(seen.events, ["open", "error", "close"]);
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
    await withDeadline(
      (async () => {
        while (closeFrames.length === 0 && server.failures.length === 0) await delay(5);
      })(),
      5000,
      "the raw server saw nothing",
    );
    assert.deepEqual(server.failures, []);
    assert.equal(closeFrames[0]?.opcode, 0x8);
    assert.equal(closeFrames[0]?.masked, true, "a client's close frame is masked");
    assert.deepEqual(closeFrames[0]?.payload.subarray(0, 2), new Uint8Array([1002 >> 8, 1002 & 255]));
  });

  t(
    "handshakes the client refuses: a 404, a wrong accept, no Upgrade or another beside websocket, an unoffered subprotocol or none when offered, an extension",
    async () => {
      const answers: [string, (acceptValue: string) => string, RegExp][] = [
        ["a 404", () => "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope", /404/],
        [
          "a wrong accept",
          () =>
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
          /Sec-WebSocket-Accept/,
        ],
        [
          "another protocol",
          (a) =>
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
          /Upgrade/,
        ],
        [
          "an unoffered subprotocol",
          (a) =>
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n` +
            "Sec-WebSocket-Protocol: other\r\n\r\n",
          /other/,
        ],
        [
          "no Upgrade field",
          (a) => `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
          /Upgrade/,
        ],
        [
          "no Connection: upgrade",
          (a) => `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
          /Connection/,
        ],
        [
          "Upgrade naming another protocol beside websocket",
          (a) =>
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
          /Upgrade/,
        ],
        [
          "no subprotocol when one was offered",
          (a) =>
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n\r\n`,
          /none of the offered subprotocols/,
        ],
        [
          "an extension",
          (a) =>
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${a}\r\n` +
            "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
          /extension/,
        ],
      ];
      for (const [what, answer, why] of answers) {
        const name = uniqueName("ws-refused");
        const requests: string[] = [];
        await using _server = rawWebSocketServer(b, name, async (peer, request) => {
          requests.push(request);
          await peer.ended().catch(() => {});
        }, (acceptValue) => answer(acceptValue));
        const socket = b.http.pipeWebSocket(name, "/chat", ["mine"]);
        const seen = watch(socket);
        const close = await seen.closed;
        assert.deepEqual(seen.events, ["error", "close"], what);
        assert.deepEqual([close.code, close.wasClean], [1006, false], what);
        assert.match((seen.error as Error).message, why, what);
        assert.match(requests[0], /^GET \/chat HTTP\/1\.1\r\n/, what);
        assert.match(requests[0], /\r\nsec-websocket-version: 13\r\n/i, what);
        assert.match(requests[0], /\r\nsec-websocket-protocol: mine(\r\n|$)/i, what);
      }
    },
  );

  t("upgradeWebSocket refuses what is no WebSocket handshake (TypeError; the handler answers)", async () => {
    const name = uniqueName("ws-not-handshake");
    const errors: string[] = [];
    await using _server = b.http.serveHttp(name, (_request, info) => {
      try {
        return info.upgradeWebSocket().response;
      } catch (err) {
        assert.ok(err instanceof TypeError);
        errors.push(err.message);
        return new Response(null, { status: 426, headers: { "sec-websocket-version": "13" } });
      }
    });
    const key = btoa("0123456789abcdef");
    const requests = [
      `POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: tcp\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 8\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ];
    for (const request of requests) {
      const conn = await b.pipes.connect(name);
      await conn.write(utf8(request));
      const buf = new Uint8Array(4096);
      const r = await conn.read(buf);
      assert.match(latin1.decode(buf.subarray(0, r!.bytesRead)), /^HTTP\/1\.1 426 /);
      conn.close();
    }
    assert.equal(errors.length, 6);
    for (
      const [i, why] of [/GET/, /Upgrade/, /Sec-WebSocket-Key/, /Sec-WebSocket-Key/, /Version/, /Connection/].entries()
    ) {
      assert.match(errors[i], why);
    }
  });

  t(
    "a handler that asks for the switch and answers otherwise: the server socket fails, the client gets the status",
    async () => {
      const name = uniqueName("ws-answered-otherwise");
      let serverSeen: ReturnType<typeof watch> | undefined;
      await using _server = b.http.serveHttp(name, (_request, info) => {
        serverSeen = watch(info.upgradeWebSocket().socket);
        return new Response("go away", { status: 403 });
      });
      const socket = b.http.pipeWebSocket(name, "/");
      const seen = watch(socket);
      const close = await seen.closed;
      assert.deepEqual(seen.events, ["error", "close"]);
      assert.equal(close.code, 1006);
      assert.match((seen.error as Error).message, /403/);
      assert.equal(((seen.error as Error).cause as Response).status, 403);
      const serverClose = await serverSeen!.closed;
      assert.deepEqual(serverSeen!.events, ["error", "close"]);
      assert.equal(serverClose.code, 1006);
    },
  );

  t(
    "close() while CONNECTING stops the handshake (error, close 1006, never open); send() before open throws",
    async () => {
      const name = uniqueName("ws-close-connecting");
      await using _server = echoServer(name);
      const socket = b.http.pipeWebSocket(name, "/");
      assert.throws(
        () => socket.send("early"),
        (err: unknown) => err instanceof DOMException && err.name === "InvalidStateError",
      );
      // WebIDL converts the argument first: a bad one is a TypeError even now.
      assert.throws(() => socket.send(new SharedArrayBuffer(1)), TypeError);
      const seen = watch(socket);
      socket.close();
      assert.equal(socket.readyState, socket.CLOSING);
      const close = await seen.closed;
      assert.deepEqual(seen.events, ["error", "close"]);
      assert.deepEqual([close.code, close.wasClean], [1006, false]);
      assert.equal(socket.readyState, socket.CLOSED);

      // init.signal does the same.
      const controller = new AbortController();
      const aborted = b.http.pipeWebSocket(name, "/", { signal: controller.signal });
      const abortedSeen = watch(aborted);
      controller.abort(new Error("changed my mind"));
      assert.equal((await abortedSeen.closed).code, 1006);
      assert.deepEqual(abortedSeen.events, ["error", "close"]);
      assert.match(String(abortedSeen.error), /changed my mind/);
    },
  );

  t("a peer that goes away without a close frame: close 1006, not clean, no error", async () => {
    const name = uniqueName("ws-abrupt");
    await using rawServer = rawWebSocketServer(b, `${name}-raw`, async (peer) => {
      await peer.write(frame(0x1, "one", { mask: false }));
      peer.conn.close();
    });
    const socket = b.http.pipeWebSocket(`${name}-raw`, "/");
    const seen = watch(socket);
    const close = await seen.closed;
    assert.deepEqual(seen.events, ["open", "message", "close"]);
    assert.deepEqual(seen.messages, ["one"]);
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
    assert.deepEqual(rawServer.failures, []);

    let serverSeen: ReturnType<typeof watch> | undefined;
    await using _server2 = echoServer(`${name}-2`, (s) => (serverSeen = watch(s)));
    const { peer } = await rawClient(b, `${name}-2`);
    await peer.write(frame(0x1, "bye"));
    await serverSeen!.nextMessage(1);
    peer.conn.close();
    const serverClose = await serverSeen!.closed;
    assert.deepEqual([serverClose.code, serverClose.wasClean], [1006, false]);
    assert.deepEqual(serverSeen!.events, ["open", "message", "close"]);
  });

  t("a peer that never answers close(): the pipe closes after closeTimeout, code 1006", async () => {
    const name = uniqueName("ws-close-timeout");
    const seenByPeer: (ReadFrame | null)[] = [];
    await using _server = rawWebSocketServer(b, name, async (peer) => {
      seenByPeer.push(await peer.readFrame());
      await peer.ended(10_000); // holds the pipe, never answers
    });
    const socket = b.http.pipeWebSocket(name, "/", { closeTimeout: 200 });
    const seen = watch(socket);
    await opened(socket);
    const started = Date.now();
    socket.close(1000, "bye");
    const close = await seen.closed;
    assert.ok(Date.now() - started >= 150, "waited for the closeTimeout");
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
    assert.equal(seenByPeer[0]?.opcode, 0x8);
    assert.deepEqual(seenByPeer[0]?.payload, closeBody(1000, "bye"));
  });

  t("after the closing handshake the client waits for the server to close the pipe, closeTimeout at most", async () => {
    const name = uniqueName("ws-client-waits");
    let answered = 0, ended = 0;
    await using server = rawWebSocketServer(b, name, async (peer) => {
      const closeFrame = await peer.readFrame();
      // close() with only a reason: WHATWG sends 1000 with it.
      assert.deepEqual(closeFrame?.payload, closeBody(1000, "only a reason"));
      // From before the write: the client may read the frame (and start its wait) before this write's completion
      // reaches this side.
      answered = Date.now();
      await peer.write(frame(0x8, closeBody(1000), { mask: false }));
      await peer.ended(10_000); // this server holds the pipe: the client must close it
      ended = Date.now();
    });
    const socket = b.http.pipeWebSocket(name, "/", { closeTimeout: 300 });
    const seen = watch(socket);
    await opened(socket);
    socket.close(undefined, "only a reason");
    const close = await seen.closed;
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
    await withDeadline(
      (async () => {
        while (ended === 0 && server.failures.length === 0) await delay(5);
      })(),
      5000,
      "the raw server did not see the end",
    );
    assert.deepEqual(server.failures, []);
    assert.ok(ended - answered >= 250, `the client closed the pipe ${ended - answered} ms after the handshake`);
  });

  t("a message that arrives after close() is not delivered (HTML: the socket is CLOSING)", async () => {
    const name = uniqueName("ws-late-message");
    await using server = rawWebSocketServer(b, name, async (peer) => {
      await peer.write(frame(0x1, "before", { mask: false }));
      const closeFrame = await peer.readFrame();
      assert.equal(closeFrame?.opcode, 0x8);
      // Then the server closes the pipe, as a server does after the closing handshake.
      await peer.write(frame(0x1, "late", { mask: false }), frame(0x8, closeBody(1000), { mask: false }));
    });
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    socket.onmessage = () => socket.close(1000);
    const close = await seen.closed;
    assert.deepEqual(seen.messages, ["before"]);
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
    assert.deepEqual(server.failures, []);
  });

  t(
    "a message's listener's microtasks (one turn) run before the next message's listener, as in Deno",
    async () => {
      const name = uniqueName("ws-microtasks");
      await using server = rawWebSocketServer(b, name, async (peer) => {
        // Three messages in one write: the client reads them together.
        const parts = ["a", "b", "c"].map((text) => frame(0x1, text, { mask: false }));
        await peer.write(concatBytes(parts, parts.reduce((n, part) => n + part.length, 0)));
        assert.equal((await peer.readFrame())?.opcode, 0x8);
        await peer.write(frame(0x8, closeBody(1000), { mask: false }));
      });
      const socket = b.http.pipeWebSocket(name, "/");
      const seen = watch(socket);
      const order: string[] = [];
      socket.onmessage = (event) => {
        order.push(`message ${event.data}`);
        queueMicrotask(() => order.push(`microtask ${event.data}`));
        void Promise.resolve().then(() => order.push(`then ${event.data}`));
        if (event.data === "c") socket.close(1000);
      };
      await seen.closed;
      assert.deepEqual(order, ["a", "b", "c"].flatMap((m) => [`message ${m}`, `microtask ${m}`, `then ${m}`]));
      assert.deepEqual(server.failures, []);
    },
  );

  t(
    "shutdown() closes the handlers' WebSockets with 1001 (one still CONNECTING once it opens) and waits for them",
    async () => {
      const name = uniqueName("ws-shutdown");
      const serverSockets: PipeWebSocket[] = [];
      let releaseLate!: () => void;
      const lateGate = new Promise<void>((resolve) => (releaseLate = resolve));
      let lateAsked!: () => void;
      const lateArrived = new Promise<void>((resolve) => (lateAsked = resolve));
      const server = b.http.serveHttp(name, async (request, info) => {
        const { socket, response } = info.upgradeWebSocket();
        serverSockets.push(socket);
        socket.onmessage = (event) => socket.send(`echo ${event.data}`);
        if (new URL(request.url).pathname === "/late") {
          // CONNECTING when the shutdown begins: its handler has not returned.
          lateAsked();
          await lateGate;
          socket.onopen = () => socket.send("opened late");
        }
        return response;
      });
      const clients = [b.http.pipeWebSocket(name, "/a"), b.http.pipeWebSocket(name, "/b")];
      const seen = clients.map(watch);
      await Promise.all(clients.map(opened));
      const late = b.http.pipeWebSocket(name, "/late");
      const lateSeen = watch(late);
      await lateArrived;
      let shutDown = false;
      const stopping = server.shutdown().then(() => (shutDown = true));
      const closes = await Promise.all(seen.map((s) => s.closed));
      for (const close of closes) {
        assert.deepEqual([close.code, close.reason, close.wasClean], [1001, "Server shutting down", true]);
      }
      releaseLate();
      const lateClose = await lateSeen.closed;
      assert.deepEqual(lateSeen.messages, ["opened late"], "what its open listener sent went first");
      assert.deepEqual([lateClose.code, lateClose.wasClean], [1001, true]);
      await withDeadline(stopping, 5000, "shutdown did not resolve");
      assert.ok(shutDown);
      assert.deepEqual(serverSockets.map((s) => s.readyState), [3, 3, 3], "every server socket closed first");
    },
  );

  t("shutdown() waits for a WebSocket's closing handshake: resolved only after the peer's close frame", async () => {
    const name = uniqueName("ws-shutdown-waits");
    const server = b.http.serveHttp(name, (_request, info) => info.upgradeWebSocket({ closeTimeout: 10_000 }).response);
    const { peer } = await rawClient(b, name);
    let shutDown = false;
    const stopping = server.shutdown().then(() => (shutDown = true));
    const goingAway = await peer.readFrame();
    assert.equal(goingAway?.opcode, 0x8);
    assert.deepEqual(goingAway?.payload, closeBody(1001, "Server shutting down"));
    await delay(100);
    assert.equal(shutDown, false, "shutdown() waits while the peer has not answered");
    await peer.write(frame(0x8, closeBody(1001)));
    await withDeadline(stopping, 5000, "shutdown did not resolve after the peer's close frame");
    assert.equal(await peer.readFrame(), null, "the server closed the pipe");
    peer.conn.close();
  });

  t("a detached ArrayBuffer or a view of one goes as an empty binary message (WebIDL, as Deno and Bun)", async () => {
    const name = uniqueName("ws-detached");
    let serverSeen: ReturnType<typeof watch> | undefined;
    await using _server = echoServer(name, (s) => (serverSeen = watch(s)));
    await using socket = b.http.pipeWebSocket(name, "/");
    const detached = new ArrayBuffer(8);
    detached.transfer();
    const view = new Uint8Array(new ArrayBuffer(4), 1, 2);
    view.buffer.transfer();
    const invalidState = (err: unknown) => err instanceof DOMException && err.name === "InvalidStateError";
    assert.throws(() => socket.send(detached), invalidState, "converted first, then refused while CONNECTING");
    await opened(socket);
    socket.send(detached);
    socket.send(view);
    socket.send("after");
    const [first, second, third] = await serverSeen!.nextMessage(3);
    assert.deepEqual([(first as ArrayBuffer).byteLength, (second as ArrayBuffer).byteLength, third], [0, 0, "after"]);
  });

  t(
    "upgrade() or upgradeWebSocket() called after the handler answered throws; shutdown() does not wait for it",
    async () => {
      const name = uniqueName("ws-late-upgrade");
      const caught: unknown[] = [];
      const server = b.http.serveHttp(name, (_request, info) => {
        setTimeout(() => {
          for (const late of [() => info.upgradeWebSocket(), () => info.upgrade()]) {
            try {
              late();
            } catch (err) {
              caught.push(err);
            }
          }
        }, 20);
        return new Response("plain");
      });
      const { peer, head } = await rawClient(b, name);
      assert.match(head, /^HTTP\/1\.1 200 /, "the handler's own answer");
      await delay(60);
      assert.equal(caught.length, 2);
      for (const err of caught) {
        assert.ok(
          err instanceof TypeError && /already answered/.test(err.message),
          String(err),
        );
      }
      peer.conn.close();
      await withDeadline(server.shutdown(), 5000, "shutdown did not resolve");
    },
  );

  t("a ping from the client peer is answered with its payload; pongs are not answered", async () => {
    const name = uniqueName("ws-ping");
    await using _server = echoServer(name);
    const { peer } = await rawClient(b, name);
    await peer.write(frame(0xa, "unsolicited"), frame(0x9, "p1"), frame(0x9, new Uint8Array(0)));
    const first = await peer.readFrame();
    const second = await peer.readFrame();
    assert.deepEqual([first?.opcode, utf8Text.decode(first?.payload)], [0xa, "p1"]);
    assert.deepEqual([second?.opcode, second?.payload.length], [0xa, 0]);
    await peer.write(frame(0x8, closeBody(1000)));
    const closeFrame = await peer.readFrame();
    assert.equal(closeFrame?.opcode, 0x8, "the pong was not answered: the next frame is the close");
    peer.conn.close();
  });

  t("on a message pipe (serveHttp type message, as go-winio serves)", async () => {
    const name = uniqueName("ws-message-pipe");
    await using _server = b.http.serveHttp(name, (_request, info) => {
      const { socket, response } = info.upgradeWebSocket();
      socket.onmessage = (event) => socket.send(`got ${event.data}`);
      return response;
    }, { type: "message" });
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    await opened(socket);
    for (const text of ["a", "b", "c"]) socket.send(text);
    assert.deepEqual(await seen.nextMessage(3), ["got a", "got b", "got c"]);
    socket.close(1000);
    assert.deepEqual([(await seen.closed).code, (await seen.closed).wasClean], [1000, true]);
  });

  t("await using closes with 1000 and waits for the close event", async () => {
    const name = uniqueName("ws-dispose");
    let serverSeen: ReturnType<typeof watch> | undefined;
    await using _server = echoServer(name, (socket) => (serverSeen = watch(socket)));
    let socket: PipeWebSocket;
    {
      await using s = b.http.pipeWebSocket(name, "/");
      socket = s;
      await opened(s);
    }
    assert.equal(socket.readyState, socket.CLOSED);
    const close = await serverSeen!.closed;
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
  });

  t("close() right behind a Blob send: what was sent before close() goes out first, in order", async () => {
    const name = uniqueName("ws-close-after-blob");
    let serverSeen: ReturnType<typeof watch> | undefined;
    await using _server = echoServer(name, (socket) => (serverSeen = watch(socket)));
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    await opened(socket);
    socket.send("before");
    socket.send(new Blob(["blob!"]));
    socket.send("after the blob");
    socket.close(1000);
    socket.send("after close()"); // counted, never sent
    const close = await seen.closed;
    assert.deepEqual([close.code, close.wasClean], [1000, true]);
    assert.deepEqual(
      serverSeen!.messages.map((m) => typeof m === "string" ? m : new TextDecoder().decode(m as ArrayBuffer)),
      ["before", "blob!", "after the blob"],
    );
    assert.equal(socket.bufferedAmount, "after close()".length);
  });

  t(
    "on... handlers as HTML sets them: set to null removes the listener, set again adds one (no handler runs twice)",
    async () => {
      const name = uniqueName("ws-handlers");
      await using _server = echoServer(name);
      const socket = b.http.pipeWebSocket(name, "/");
      await opened(socket);
      const calls: string[] = [];
      socket.onmessage = () => calls.push("h1");
      socket.addEventListener("message", () => calls.push("listener"));
      socket.onmessage = null; // its listener goes
      assert.equal(socket.onmessage, null);
      socket.onmessage = () => calls.push("h2"); // a new one, after the listener
      socket.onmessage = () => calls.push("h3"); // takes h2's place
      socket.send("one");
      const seen = watch(socket);
      await seen.nextMessage(1);
      assert.deepEqual(calls, ["listener", "h3"]);
      socket.close();
      await seen.closed;
    },
  );

  t("text keeps a leading U+FEFF, in messages and close reasons (WHATWG: UTF-8 decode without BOM)", async () => {
    const name = uniqueName("ws-bom");
    await using _server = rawWebSocketServer(b, name, async (peer) => {
      await peer.write(frame(0x1, "\uFEFFhi", { mask: false }));
      await peer.write(frame(0x8, closeBody(1000, "\uFEFFbye"), { mask: false }));
      await peer.readFrame();
    });
    const socket = b.http.pipeWebSocket(name, "/");
    const seen = watch(socket);
    const close = await seen.closed;
    assert.deepEqual(seen.messages, ["\uFEFFhi"]);
    assert.equal(close.reason, "\uFEFFbye");
  });

  t(
    "a peer that sends its close frame and stops reading: the server closes the pipe after closeTimeout, not clean",
    async () => {
      const name = uniqueName("ws-close-unread");
      let serverSeen: ReturnType<typeof watch> | undefined;
      await using _server = b.http.serveHttp(name, (_request, info) => {
        const { socket, response } = info.upgradeWebSocket({ closeTimeout: 200 });
        serverSeen = watch(socket);
        // More than the pipe holds, to a peer that never reads: writes stay pending.
        socket.onopen = () => {
          for (let i = 0; i < 64; i++) socket.send(new Uint8Array(65536));
        };
        return response;
      });
      const { peer } = await rawClient(b, name);
      await delay(50);
      await peer.write(frame(0x8, closeBody(1000)));
      const close = await serverSeen!.closed;
      assert.deepEqual([close.code, close.wasClean], [1000, false], "its close frame was never written");
      peer.conn.close();
    },
  );

  t(
    "a data frame that would take a message past maxMessageSize fails at its header (1009); control frames do not count",
    async () => {
      const name = uniqueName("ws-budget");
      const watched = limitedServer(name, 1024);
      await using _server = watched.server;
      const { peer } = await rawClient(b, name);
      // 1000 bytes, a ping of 100 inside (more than the 24 the message has left), the last 24: one message.
      await peer.write(
        frame(0x2, new Uint8Array(1000), { fin: false }),
        frame(0x9, new Uint8Array(100)),
        frame(0x0, new Uint8Array(24)),
      );
      assert.equal((await peer.readFrame())?.opcode, 0xa, "the ping was answered");
      await watched.seen!.nextMessage(1);
      assert.equal((watched.seen!.messages[0] as ArrayBuffer).byteLength, 1024);
      // 600 bytes, then the header of 600 more (masked, length 600) and none of its payload.
      const second = frame(0x0, new Uint8Array(600));
      await peer.write(frame(0x2, new Uint8Array(600), { fin: false }), second.subarray(0, 8));
      assert.equal(closeCode(await peer.readFrame()), 1009);
      assert.equal((await watched.seen!.closed).code, 1006);
      peer.conn.close();
    },
  );

  t("50 sockets at once, 100 messages each way on each, every one back in order on its own socket", async () => {
    const name = uniqueName("ws-many");
    const serverCloses: Promise<CloseEvent>[] = [];
    await using _server = b.http.serveHttp(name, (request, info) => {
      const who = new URL(request.url).searchParams.get("who");
      const { socket, response } = info.upgradeWebSocket();
      socket.onmessage = (event) => socket.send(`${who}:${event.data}`);
      serverCloses.push(new Promise((resolve) => (socket.onclose = resolve)));
      return response;
    }, { maxInstances: 64 });
    const clients = Array.from({ length: 50 }, async (_, who) => {
      const socket = b.http.pipeWebSocket(name, `/?who=${who}`, { connectTimeout: 60_000 });
      const seen = watch(socket);
      await opened(socket);
      for (let i = 0; i < 100; i++) socket.send(String(i));
      const got = await seen.nextMessage(100, 60_000);
      assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => `${who}:${i}`));
      socket.close(1000);
      const close = await seen.closed;
      assert.deepEqual([close.code, close.wasClean], [1000, true]);
    });
    await Promise.all(clients);
    const closes = await Promise.all(serverCloses);
    assert.equal(closes.length, 50);
    assert.ok(closes.every((c) => c.code === 1000 && c.wasClean));
  });

  t("bad arguments throw before any pipe is opened", async () => {
    const name = uniqueName("ws-args");
    const syntax = (err: unknown) => err instanceof DOMException && err.name === "SyntaxError";
    assert.throws(() => b.http.pipeWebSocket(name, "ftp://localhost/"), syntax);
    assert.throws(() => b.http.pipeWebSocket(name, "wss://localhost/"), syntax);
    assert.throws(() => b.http.pipeWebSocket(name, "not a url"), syntax);
    assert.throws(() => b.http.pipeWebSocket(name, "/", ["a b"]), syntax);
    assert.throws(() => b.http.pipeWebSocket(name, "/", ["a", "a"]), syntax);
    assert.throws(() => b.http.pipeWebSocket("no-prefix", "/"), TypeError);
    assert.throws(() => b.http.pipeWebSocket(name, "/", { maxMessageSize: 0 }), RangeError);
    assert.throws(() => b.http.pipeWebSocket(name, "/", { closeTimeout: "1" as never }), TypeError);
    assert.throws(() => b.http.pipeWebSocket(name, "/", { headers: { upgrade: "h2c" } }), TypeError);
    assert.throws(() => b.http.pipeWebSocket(name, "/", { headers: { "sec-websocket-protocol": "x" } }), TypeError);
    assert.throws(() => new (PipeWebSocket as unknown as new () => unknown)(), TypeError);
    // WHATWG: a fragment is a SyntaxError, an empty one too.
    assert.throws(() => b.http.pipeWebSocket(name, "/chat#frag"), syntax);
    assert.throws(() => b.http.pipeWebSocket(name, "ws://localhost/chat#"), syntax);
    // An http: URL is read as ws:, as WebSocket reads it.
    await using _server = echoServer(name);
    const socket = b.http.pipeWebSocket(name, "http://localhost/a?b");
    assert.equal(socket.url, "ws://localhost/a?b");
    await opened(socket);
    const invalidAccess = (err: unknown) => err instanceof DOMException && err.name === "InvalidAccessError";
    assert.throws(() => socket.close(1001), invalidAccess);
    assert.throws(() => socket.close(5000), invalidAccess);
    assert.throws(() => socket.close(1000, "x".repeat(124)), syntax);
    assert.throws(() => socket.close(NaN), invalidAccess, "WebIDL [Clamp] makes NaN 0");
    assert.throws(() => socket.close(1000, Symbol("r") as never), TypeError, "a Symbol is no USVString");
    // HTML keeps any object as an event handler and reads it back; a non-object is null.
    const notCallable = {};
    socket.onerror = notCallable as never;
    assert.equal(socket.onerror, notCallable);
    socket.onerror = 5 as never;
    assert.equal(socket.onerror, null);
    assert.throws(() => (socket.send as (this: PipeWebSocket) => void).call(socket), /1 argument required/);
    assert.throws(() => socket.send(Symbol("s") as never), /a Symbol is not a message/);
    // WebIDL: send()'s BufferSource does not allow shared memory.
    const shared = new SharedArrayBuffer(8);
    assert.throws(() => socket.send(shared), TypeError);
    assert.throws(() => socket.send(new Uint8Array(shared, 2, 4)), TypeError);
    assert.throws(() => socket.send(new DataView(shared)), TypeError);
    assert.equal(socket.bufferedAmount, 0, "nothing refused was counted");
    assert.equal(socket.readyState, socket.OPEN, "a refused close() leaves the socket open");
    // WebIDL [Clamp] unsigned short: 2999.5 rounds to even (3000).
    socket.close(2999.5, "é".repeat(61));
    const seen = watch(socket);
    assert.equal((await seen.closed).code, 3000);
  });
}
