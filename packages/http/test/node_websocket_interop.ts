/**
 * WebSocket interop with a peer nobody here wrote: the npm package `ws`
 * (8.x) in node.exe (fixtures/node_ws_peer.mjs). Its client, over the pipe
 * through `createConnection` and through a `ws+unix:` URL, against
 * serveHttp's `info.upgradeWebSocket()`; pipeWebSocket against its
 * `WebSocketServer` on `http.createServer().listen(pipe)`. Text and 1 MiB
 * binary messages both ways, a text message in fragments cut inside UTF-8
 * characters with a ping between them, pings answered, subprotocol
 * selection, ws's offer of permessage-deflate refused, and closing
 * handshakes begun by either end. Windows only, as node_interop.ts (whose
 * NodePeer runs node.exe).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { PipeWebSocket } from "@winpipe/http";
import { type HttpBackend, type RegisterTest, uniqueName, withDeadline } from "./helpers.ts";
import { findNode, NO_NODE, NodePeer, patternByte } from "./node_interop.ts";

/** Bytes of each binary message. */
const SIZE = 1024 * 1024 + 7;
/** The test's whole exchange must end within this (node.exe gives up after 100 s). */
const DEADLINE_MS = 120_000;
/** The text node.exe sends in three fragments; the same is in fixtures/node_ws_peer.mjs. */
const FRAGMENTED = "fragmented: h\u00e9llo, w\u00f6rld";

const WS_PEER = fileURLToPath(new URL("./fixtures/node_ws_peer.mjs", import.meta.url));

/** `n` bytes of `sender`'s pattern. */
function patternBytes(sender: "node" | "winpipe", n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = patternByte(sender, k);
  return out;
}

/** { bytes, badAt } of a message that should be `sender`'s pattern (badAt -1 when it is). */
function checkBytes(bytes: Uint8Array, sender: "node" | "winpipe"): { bytes: number; badAt: number } {
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k] !== patternByte(sender, k)) return { bytes: bytes.length, badAt: k };
  }
  return { bytes: bytes.length, badAt: -1 };
}

/** `promise`, or a rejection naming `what` once `deadline` (a Date.now() time) passed. */
function within<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  return withDeadline(promise, Math.max(0, deadline - Date.now()), `no ${what} in time`);
}

/** What a close event said. */
interface Closed {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** The events of one PipeWebSocket: its open, its messages in order, its errors, its close. */
class Watched {
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  readonly errors: string[] = [];
  readonly #messages: unknown[] = [];
  readonly #waiters: ((data: unknown) => void)[] = [];

  constructor(socket: PipeWebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve());
      socket.addEventListener("close", () => reject(new Error("the socket closed before it opened")));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      socket.addEventListener("close", (event) => {
        const { code, reason, wasClean } = event as CloseEvent;
        resolve({ code, reason, wasClean });
      });
    });
    socket.addEventListener("error", (event) => this.errors.push((event as ErrorEvent).message));
    socket.addEventListener("message", (event) => {
      const data = (event as MessageEvent).data;
      const waiter = this.#waiters.shift();
      if (waiter) waiter(data);
      else this.#messages.push(data);
    });
  }

  /** Messages that came and were not taken. */
  get unread(): unknown[] {
    return [...this.#messages];
  }

  /** The next message's data, by `deadline`. */
  next(deadline: number, what: string): Promise<unknown> {
    if (this.#messages.length > 0) return Promise.resolve(this.#messages.shift());
    return within(
      Promise.race([
        new Promise((resolve) => this.#waiters.push(resolve)),
        this.closed.then((c) => Promise.reject(new Error(`closed (${c.code}) before ${what}`))),
      ]),
      deadline,
      what,
    );
  }
}

/** Server-side sockets, closed when the test ends however it ends (5 s at most each). */
class SocketsToClose {
  readonly #sockets = new Set<PipeWebSocket>();

  add(socket: PipeWebSocket): void {
    this.#sockets.add(socket);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all(
      [...this.#sockets].map((s) => within(s[Symbol.asyncDispose](), Date.now() + 5000, "close").catch(() => {})),
    );
  }
}

/** A promise and its resolve. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** What node.exe's `ws` client reports (fixtures/node_ws_peer.mjs). */
interface WsClientResults {
  protocol: string;
  extensions: string;
  greeting: string;
  echo: string;
  binaryReport: { bytes: number; badAt: number };
  binary: { isBinary: boolean; bytes: number; badAt: number };
  fragmentedEcho: string;
  pongs: string[];
  close: { code: number; reason: string };
  errors: string[];
  second: {
    protocol: string;
    extensions: string;
    message: string;
    close: { code: number; reason: string };
    errors: string[];
  };
}

/** What node.exe's `WebSocketServer` reports of one connection. */
interface WsServerConnection {
  path: string;
  offered: string | null;
  extensionsOffered: string | null;
  protocol: string;
  messages: string[];
  binary: { bytes: number; badAt: number }[];
  pongs: string[];
  errors: string[];
  close: { code: number; reason: string };
}

export function nodeWebSocketInteropSuite(register: RegisterTest, b: HttpBackend): void {
  const node = findNode();
  const skip = node === undefined ? NO_NODE : undefined;
  const t = (name: string, fn: () => Promise<void>) => register(`http interop (${b.name}): ${name}`, fn, skip);

  t(
    "node.exe's ws client against upgradeWebSocket: subprotocol, no deflate, text, 1 MiB binary, fragments, pings, closes (4001 by node, 4002 by us)",
    async () => {
      const deadline = Date.now() + DEADLINE_MS;
      const name = uniqueName("node-ws-client");
      const requests: { path: string; protocols: string | null; extensions: string | null }[] = [];
      const chat = { protocol: "", extensions: "", messages: [] as unknown[], errors: [] as string[] };
      const chatClosed = deferred<Closed>();
      const last = { protocol: "", errors: [] as string[] };
      const lastClosed = deferred<Closed>();
      await using _server = b.http.serveHttp(name, (request, info) => {
        const path = new URL(request.url).pathname;
        requests.push({
          path,
          protocols: request.headers.get("sec-websocket-protocol"),
          extensions: request.headers.get("sec-websocket-extensions"),
        });
        if (path === "/chat") {
          const { socket, response } = info.upgradeWebSocket({ protocol: "chat.v2" });
          sockets.add(socket);
          socket.binaryType = "arraybuffer";
          socket.onopen = () => {
            chat.protocol = socket.protocol;
            chat.extensions = socket.extensions;
            socket.send("hello from winpipe");
          };
          socket.onmessage = (event) => {
            const data = (event as MessageEvent).data;
            if (typeof data === "string") {
              chat.messages.push(data);
              socket.send(`echo: ${data}`);
            } else {
              const check = data instanceof ArrayBuffer ? checkBytes(new Uint8Array(data), "node") : String(data);
              chat.messages.push(check);
              socket.send(JSON.stringify(check));
              socket.send(patternBytes("winpipe", SIZE));
            }
          };
          socket.onerror = (event) => chat.errors.push((event as ErrorEvent).message);
          socket.onclose = (event) => {
            const { code, reason, wasClean } = event as CloseEvent;
            chatClosed.resolve({ code, reason, wasClean });
          };
          return response;
        }
        if (path === "/server-closes") {
          const { socket, response } = info.upgradeWebSocket({ protocol: "chat.v1" });
          sockets.add(socket);
          socket.onopen = () => {
            last.protocol = socket.protocol;
            socket.send("before the close");
            socket.close(4002, "winpipe says bye");
          };
          socket.onerror = (event) => last.errors.push((event as ErrorEvent).message);
          socket.onclose = (event) => {
            const { code, reason, wasClean } = event as CloseEvent;
            lastClosed.resolve({ code, reason, wasClean });
          };
          return response;
        }
        return new Response("not found", { status: 404 });
      });
      // Declared after the server, so disposed before it (the peer first).
      await using sockets = new SocketsToClose();
      await using peer = await NodePeer.start(node!, WS_PEER, ["client", name, String(SIZE)]);
      const done = await peer.waitFor("done", deadline);
      assert.equal(await peer.exited, 0);
      const results = done.results as WsClientResults;

      // The handshake: ws offered two subprotocols and permessage-deflate; the server chose chat.v2 and no extension.
      assert.equal(requests[0].path, "/chat");
      assert.equal(requests[0].protocols, "chat.v1,chat.v2");
      assert.match(requests[0].extensions ?? "", /^permessage-deflate\b/, "ws offers permessage-deflate");
      assert.deepEqual({ protocol: results.protocol, extensions: results.extensions }, {
        protocol: "chat.v2",
        extensions: "",
      });
      assert.deepEqual({ protocol: chat.protocol, extensions: chat.extensions }, {
        protocol: "chat.v2",
        extensions: "",
      });
      // Text both ways.
      assert.equal(results.greeting, "hello from winpipe");
      assert.equal(results.echo, "echo: hello from node");
      // 1 MiB binary both ways, checked where it arrived.
      assert.deepEqual(results.binaryReport, { bytes: SIZE, badAt: -1 });
      assert.deepEqual(results.binary, { isBinary: true, bytes: SIZE, badAt: -1 });
      // Three fragments (cut inside UTF-8 characters, a ping between them) came as one message.
      assert.deepEqual(chat.messages, ["hello from node", { bytes: SIZE, badAt: -1 }, FRAGMENTED]);
      assert.equal(results.fragmentedEcho, `echo: ${FRAGMENTED}`);
      // Both pings were answered with their payloads.
      assert.deepEqual(results.pongs, ["between fragments", "are you there?"]);
      // node closed with 4001: our close event has its code and reason, and node got 4001 back.
      assert.deepEqual(await within(chatClosed.promise, deadline, "close event of /chat"), {
        code: 4001,
        reason: "node says bye",
        wasClean: true,
      });
      assert.equal(results.close.code, 4001);
      assert.deepEqual(results.errors, []);
      assert.deepEqual(chat.errors, []);

      // The second connection (a ws+unix: URL): the server closed with 4002 after a message.
      assert.deepEqual(requests[1], {
        path: "/server-closes",
        protocols: "chat.v1",
        extensions: requests[0].extensions,
      });
      assert.equal(results.second.protocol, "chat.v1");
      assert.equal(last.protocol, "chat.v1");
      assert.equal(results.second.extensions, "");
      assert.equal(results.second.message, "before the close");
      assert.deepEqual(results.second.close, { code: 4002, reason: "winpipe says bye" });
      assert.deepEqual(results.second.errors, []);
      // ws echoes the close frame's code and reason.
      assert.deepEqual(await within(lastClosed.promise, deadline, "close event of /server-closes"), {
        code: 4002,
        reason: "winpipe says bye",
        wasClean: true,
      });
      assert.deepEqual(last.errors, []);
      assert.equal(requests.length, 2);
    },
  );

  t(
    "pipeWebSocket against node.exe's ws server: subprotocol, text and 1 MiB binary echoed, its ping, its fragments, closes (4003 by node, 4004 by us)",
    async () => {
      const deadline = Date.now() + DEADLINE_MS;
      const name = uniqueName("node-ws-server");
      await using peer = await NodePeer.start(node!, WS_PEER, ["server", name, String(SIZE)]);
      await peer.waitFor("listening", deadline);

      await using socket = b.http.pipeWebSocket(name, "/echo", ["chat.v1", "chat.v2"]);
      socket.binaryType = "arraybuffer";
      const first = new Watched(socket);
      await within(first.opened, deadline, "open event");
      assert.equal(socket.protocol, "chat.v2", "ws's handleProtocols chose chat.v2");
      assert.equal(socket.extensions, "");
      socket.send("hello from winpipe");
      assert.equal(await first.next(deadline, "the text echo"), "echo: hello from winpipe");
      socket.send(patternBytes("winpipe", SIZE));
      const echoed = await first.next(deadline, "the binary echo");
      assert.ok(echoed instanceof ArrayBuffer, `binaryType "arraybuffer" gives an ArrayBuffer, not ${echoed}`);
      assert.deepEqual(checkBytes(new Uint8Array(echoed), "winpipe"), { bytes: SIZE, badAt: -1 });
      // node pings, and tells when our pong came.
      socket.send("ping me");
      assert.equal(await first.next(deadline, "the word of the pong"), "pong came: node-ping");
      // node sends three fragments, cut inside UTF-8 characters, with a ping between them: one message.
      socket.send("fragments please");
      assert.equal(await first.next(deadline, "the fragmented message"), FRAGMENTED);
      // node closes with 4003.
      socket.send("close please");
      assert.deepEqual(await within(first.closed, deadline, "close event"), {
        code: 4003,
        reason: "node says bye",
        wasClean: true,
      });
      assert.equal(socket.readyState, socket.CLOSED);
      assert.deepEqual(first.errors, []);
      assert.deepEqual(first.unread, []);

      // We close with 4004; ws echoes the code and the reason.
      await using second = b.http.pipeWebSocket(name, "/second", "chat.v1");
      const last = new Watched(second);
      await within(last.opened, deadline, "open event of the second socket");
      assert.equal(second.protocol, "chat.v1");
      second.close(4004, "winpipe says bye");
      assert.deepEqual(await within(last.closed, deadline, "close event of the second socket"), {
        code: 4004,
        reason: "winpipe says bye",
        wasClean: true,
      });
      assert.deepEqual(last.errors, []);

      const done = await peer.waitFor("done", deadline);
      assert.equal(await peer.exited, 0);
      const [one, two] = done.connections as WsServerConnection[];
      assert.deepEqual(one, {
        path: "/echo",
        offered: "chat.v1, chat.v2",
        extensionsOffered: null,
        protocol: "chat.v2",
        messages: ["hello from winpipe", "ping me", "fragments please", "close please"],
        binary: [{ bytes: SIZE, badAt: -1 }],
        pongs: ["node-ping", "between fragments"],
        errors: [],
        close: { code: 4003, reason: "" },
      });
      assert.deepEqual(two, {
        path: "/second",
        offered: "chat.v1",
        extensionsOffered: null,
        protocol: "chat.v1",
        messages: [],
        binary: [],
        pongs: [],
        errors: [],
        close: { code: 4004, reason: "winpipe says bye" },
      });
    },
  );
}
