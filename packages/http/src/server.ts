/**
 * {@linkcode serveHttpOn}: an HTTP/1.1 server on a named pipe that calls a
 * fetch-style handler (`(request) => Response`) for each request.
 *
 * @module
 */
import type { PipeConnection, PipeServer, ServerInstance, Winpipe } from "@winpipe/core";
import { clientIdentityOf } from "./client_identity.ts";
import { settlesAtOnce } from "./settles_at_once.ts";
import { BodyDecoder, bodyStream } from "./body_in.ts";
import {
  BodyLengthError,
  BodySourceError,
  type ChunkReader,
  encodeHead,
  lengthAtOnce,
  type OutFraming,
  startBody,
  writeMessage,
} from "./body_out.ts";
import {
  fieldValues,
  HttpParseError,
  keepsAlive,
  parseRequestHead,
  requestFraming,
  type RequestHead,
  requestHost,
} from "./head.ts";
import { Exchange } from "./exchange.ts";
import { ConnReader } from "./reader.ts";
import {
  type HttpHandler,
  type HttpRequestInfo,
  type Limits,
  serveConfig,
  type ServeHttpOptions,
} from "./serve_options.ts";
import { CONTINUE, HOP_BY_HOP, httpDate, refusal } from "./server_writes.ts";
import { PendingSwitch } from "./server_upgrade.ts";
import { isFieldValue, listHas, REASONS } from "./syntax.ts";
import { upgradedConnection } from "./upgraded.ts";
import { closeGoingAway, type PipeWebSocket } from "./websocket.ts";
import { webSocketSwitch } from "./websocket_upgrade.ts";

export type {
  HttpHandler,
  HttpRequestInfo,
  ServeHttpOptions,
  ServerUpgrade,
  ServerUpgradeOptions,
} from "./serve_options.ts";
export type { PipeClientIdentity } from "./client_identity.ts";

/** One connection's state, as shutdown() and the timeout sweep see it. */
interface Connection {
  /** Waiting for the first byte of a request: shutdown closes it at once. */
  idle: boolean;
  /** Cancels the connection's pending read. */
  readonly abort: AbortController;
  /** When the current phase (waiting for a request, reading its head) times out (performance.now()); Infinity: no limit. */
  deadline: number;
  /** What timed out, if it does. */
  phase: string;
}

/** The reason a connection's read was aborted by one of its timers. */
class TimeoutReason extends Error {
  constructor(what: string) {
    super(what);
    this.name = "TimeoutError";
  }
}

/**
 * An HTTP server on a named pipe, from serveHttp. `finished` settles once it
 * has stopped and every connection is closed.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 *
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\http-server-example`;
 * await using server = serveHttp(name, () => new Response("hi"));
 * await (await pipeFetch(name, "/")).text(); // "hi"
 * await server.shutdown();
 * await server.finished;
 * ```
 */
export class HttpServer implements AsyncDisposable {
  readonly #pipes: PipeServer;
  readonly #handler: HttpHandler;
  readonly #limits: Limits;
  readonly #onError: (error: unknown, request: Request | undefined) => void;
  /** The pipe is a message pipe (`type: "message"`): an upgraded connection's CloseWrite is a zero-length message. */
  readonly #messagePipe: boolean;
  readonly #connections = new Set<Connection>();
  readonly #finished: Promise<void>;
  #closing = false;
  /** The WebSockets of handlers (info.upgradeWebSocket()) until they close. */
  readonly #webSockets = new Set<PipeWebSocket>();
  /** Their closes, once shutdown told them to go away. */
  readonly #goingAway: Promise<void>[] = [];
  #count = 0;
  /**
   * One timer for the whole server checks the connections' deadlines, rather
   * than a timer per phase of each request (two setTimeout/clearTimeout per
   * request cost Deno about 8 µs): a timeout fires up to a quarter of the
   * shortest limit late.
   */
  readonly #sweep: ReturnType<typeof setInterval> | undefined;

  /** @internal Use serveHttp. */
  constructor(pipes: PipeServer, handler: HttpHandler, limits: Limits, options: ServeHttpOptions) {
    this.#pipes = pipes;
    this.#handler = handler;
    this.#limits = limits;
    this.#onError = options.onError ?? ((error) => console.error("serveHttp: the handler failed:", error));
    this.#messagePipe = options.type === "message";
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#startShutdown();
      else signal.addEventListener("abort", () => this.#startShutdown(), { once: true });
    }
    const shortest = Math.min(limits.headerTimeout, limits.keepAliveTimeout);
    if (shortest !== Infinity) {
      this.#sweep = setInterval(() => this.#expire(), Math.min(1000, Math.max(10, Math.floor(shortest / 4))));
    }
    this.#finished = this.#acceptLoop().finally(() => clearInterval(this.#sweep));
  }

  /** Aborts the pending read of every connection whose phase is past its deadline. */
  #expire(): void {
    const now = performance.now();
    for (const connection of this.#connections) {
      if (connection.deadline <= now) connection.abort.abort(new TimeoutReason(connection.phase));
    }
  }

  /** The full pipe name, `\\.\pipe\NAME`. */
  get name(): string {
    return this.#pipes.name;
  }

  /** Settles when the server has stopped and its last connection closed; rejects if accepting failed. */
  get finished(): Promise<void> {
    return this.#finished;
  }

  /** The connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Stops accepting, closes idle connections at once, lets requests in
   * progress finish (their responses say `Connection: close`), then
   * resolves when every connection is closed. The handlers' WebSockets
   * (`info.upgradeWebSocket()`) are closed with 1001 "Server shutting
   * down", as Deno.serve's shutdown closes them (one still CONNECTING once
   * it opens), and it waits for their closing handshakes (each within its
   * closeTimeout). Connections switched by `info.upgrade()` stay the
   * handler's. Idempotent.
   */
  async shutdown(): Promise<void> {
    this.#startShutdown();
    await this.#finished.catch(() => {});
    // Every handler has returned by now (finished waits for them) and a later upgradeWebSocket() throws, so
    // every socket that will be told to go away has been: those of requests in progress too.
    await Promise.all(this.#goingAway);
  }

  /** Shuts the server down (see {@linkcode HttpServer.shutdown}). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #startShutdown(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#pipes.close();
    for (const connection of this.#connections) if (connection.idle) connection.abort.abort();
    for (const socket of this.#webSockets) this.#goingAway.push(closeGoingAway(socket));
  }

  /** A WebSocket of a handler: told to go away at shutdown (now, if it already began). */
  #keepWebSocket(socket: PipeWebSocket): void {
    if (this.#closing) {
      this.#goingAway.push(closeGoingAway(socket));
      return;
    }
    this.#webSockets.add(socket);
    socket.addEventListener("close", () => this.#webSockets.delete(socket), { once: true });
  }

  async #acceptLoop(): Promise<void> {
    const served = new Set<Promise<void>>();
    let failure: unknown;
    try {
      for await (const instance of this.#pipes) {
        const connection: Connection = { idle: true, abort: new AbortController(), deadline: Infinity, phase: "" };
        this.#connections.add(connection);
        const serving = this.#serve(instance, connection, ++this.#count).finally(() => {
          this.#connections.delete(connection);
          served.delete(serving);
        });
        served.add(serving);
        if (this.#closing) connection.abort.abort();
      }
    } catch (err) {
      failure = err;
      this.#startShutdown();
    }
    while (served.size > 0) await Promise.all(served);
    if (failure !== undefined) throw failure;
  }

  /**
   * Serves the requests of one connection, one after the other, then closes
   * it; unless a handler switched it to another protocol, which makes it
   * the handler's.
   */
  async #serve(conn: ServerInstance, connection: Connection, number: number): Promise<void> {
    const limits = this.#limits;
    const reader = new ConnReader(conn, limits.maxHeaderSize + 1024);
    const info = { pipeName: this.name, connection: number, client: clientIdentityOf(conn) };
    let switched = false;
    try {
      for (let index = 1;; index++) {
        // Waiting for a request: the first one within the header timeout, the next ones within the keep-alive timeout.
        connection.idle = true;
        if (this.#closing && reader.buffered === 0) return;
        connection.phase = "idle";
        connection.deadline = performance.now() + (index === 1 ? limits.headerTimeout : limits.keepAliveTimeout);
        const more = await reader.waitForData(connection.abort.signal);
        if (!more) return;
        connection.idle = false;
        connection.phase = "head";
        connection.deadline = performance.now() + limits.headerTimeout;
        let head: RequestHead | null;
        try {
          const bytes = await reader.readHead(limits.maxHeaderSize, connection.abort.signal);
          if (bytes === null) return;
          head = parseRequestHead(bytes.bytes, bytes.start, bytes.end);
        } catch (err) {
          if (connection.abort.signal.reason instanceof TimeoutReason) {
            await conn.write(refusal(408, "the request head took too long")).catch(() => {});
          } else if (err instanceof HttpParseError) {
            await conn.write(refusal(err.status, err.message)).catch(() => {});
          }
          return;
        } finally {
          connection.deadline = Infinity;
        }
        const next = await this.#exchange(conn, reader, head, info, index, connection.abort.signal);
        if (next === "switched") switched = true;
        if (next !== true) return;
      }
    } catch {
      // The client went away (a failed read or write), or a timer cancelled a read: the connection is over.
    } finally {
      if (!switched) conn.close();
    }
  }

  /**
   * One request and its response. Resolves with whether the connection can
   * carry another request, or "switched" when the handler took it over
   * (`info.upgrade()`).
   */
  async #exchange(
    conn: PipeConnection,
    reader: ConnReader,
    head: RequestHead,
    connectionInfo: Omit<HttpRequestInfo, "request" | "upgrade" | "upgradeWebSocket">,
    index: number,
    signal: AbortSignal,
  ): Promise<boolean | "switched"> {
    let pending: PendingSwitch | undefined;
    /** The handler's answer is in: a switch asked for now could never happen (and its socket never open). */
    let answered = false;
    const info: HttpRequestInfo = {
      ...connectionInfo,
      request: index,
      upgrade: (options) => {
        if (answered) throw new TypeError("upgrade: the handler has already answered this request");
        if (pending !== undefined) throw new TypeError("upgrade: already called for this request");
        pending = new PendingSwitch(head, options);
        return pending.upgrade;
      },
      upgradeWebSocket: (options) => {
        if (answered) throw new TypeError("upgradeWebSocket: the handler has already answered this request");
        if (pending !== undefined) {
          throw new TypeError("upgradeWebSocket: an upgrade was already asked for this request");
        }
        const asked = webSocketSwitch(head, request.url, options);
        pending = asked.pending;
        this.#keepWebSocket(asked.upgrade.socket);
        return asked.upgrade;
      },
    };
    let request: Request, exchange: Exchange;
    try {
      ({ request, exchange } = this.#request(head, reader, conn, signal));
    } catch (err) {
      if (!(err instanceof HttpParseError)) throw err;
      await conn.write(refusal(err.status, err.message));
      return false;
    }

    let response: Response;
    try {
      response = await exchange.awaitAnswer(Promise.resolve(this.#handler(request, info)));
      if (!(response instanceof Response)) {
        throw new TypeError(`the handler returned ${typeof response}, not a Response`);
      }
      // Bun 1.4 keeps the Content-Type it takes from a body (FormData, URLSearchParams, a Blob's or
      // Bun.file's type) only when the headers are read before the body: read them first (docs/http.md).
      void response.headers;
      // Deno.serve refuses these too: none of them can be sent as the handler meant it.
      if (response.type === "error") throw new TypeError("the handler returned Response.error(), not a response");
      if (response.bodyUsed) throw new TypeError("the handler returned a Response whose body was already read");
      if (response.body?.locked) {
        throw new TypeError("the handler returned a Response whose body is locked to a reader");
      }
    } catch (err) {
      if (!(exchange.bodyError instanceof HttpParseError)) this.#onError(err, request);
      response = new Response("Internal Server Error\n", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    }
    answered = true;
    // The handler called info.upgrade(): a switch if it returned its response and the request was whole.
    const upgrade = pending as PendingSwitch | undefined;
    if (upgrade !== undefined) {
      const switching = upgrade.isSwitch(response);
      if (switching && !(exchange.bodyError instanceof HttpParseError)) {
        return await this.#switch(conn, reader, exchange, upgrade, response);
      }
      upgrade.refuse(switching ? "the request body was malformed" : "the handler answered otherwise");
    }
    if (exchange.bodyError instanceof HttpParseError && !exchange.responseStarted) {
      // The body was malformed (a bad chunk): the answer is the parser's, whatever the handler made of it.
      await response.body?.cancel().catch(() => {});
      await exchange.continueWrite?.catch(() => {});
      await conn.write(refusal(exchange.bodyError.status, exchange.bodyError.message));
      return false;
    }

    // A 100 Continue being written goes first; none is sent once the response started.
    await exchange.continueWrite?.catch(() => {});
    exchange.responseStarted = true;
    // keepAliveTimeout 0: no idle wait for a next request, so the response says the connection ends.
    const keepAlive = keepsAlive(head) && !this.#closing && this.#limits.keepAliveTimeout > 0 &&
      !listHas(response.headers.get("connection"), "close") &&
      // A client still waiting for 100 Continue may or may not send its body now: what comes next is ambiguous.
      !(exchange.expectContinue && !exchange.bodyStarted);
    if (!(await this.#respond(conn, head, response, keepAlive, request, exchange))) return false;
    // The rest of the request body, if the handler left some (a streamed response's handler may still read it
    // while the response goes out): dropped when it is small, otherwise the connection closes.
    return await this.#dropBody(exchange) && !this.#closing;
  }

  /**
   * Answers `101 Switching Protocols` for `upgrade` and hands the connection
   * to its handler: after the request's body (what the handler left of it
   * is dropped first, up to maxDrainSize), so the bytes that follow are the
   * new protocol's. False when that cannot be done (the connection closes).
   */
  async #switch(
    conn: PipeConnection,
    reader: ConnReader,
    exchange: Exchange,
    upgrade: PendingSwitch,
    response: Response,
  ): Promise<"switched" | false> {
    // A framework's copy of the marker may have been given a body: the 101 has none.
    await response.body?.cancel().catch(() => {});
    await exchange.continueWrite?.catch(() => {});
    exchange.responseStarted = true;
    if (!(await this.#dropBody(exchange))) {
      upgrade.refuse("the request body was not read to its end");
      await conn.write(refusal(500, "the request body was not read before switching protocols")).catch(() => {});
      return false;
    }
    let fields: [string, string][];
    try {
      fields = await upgrade.fieldsFor(response);
      await conn.write(encodeHead("HTTP/1.1 101 Switching Protocols", fields));
    } catch (err) {
      upgrade.refuse("the 101 could not be written", err);
      return false;
    }
    const head = { status: 101, reason: "Switching Protocols", fields };
    upgrade.switched(upgradedConnection(conn, reader, head, this.#messagePipe));
    return "switched";
  }

  /**
   * Reads and drops the request body nobody read, up to maxDrainSize;
   * resolves with whether it ended within that (the connection can carry
   * another request). A body the handler started and left unfinished, a
   * Content-Length body whose rest is above the limit (not read at all), a
   * chunked one that passes it, or one that breaks while dropped: false.
   * `atOnce`: only what has arrived; a body still coming gives false rather
   * than hold up the response that waits on this.
   */
  async #dropBody(exchange: Exchange, atOnce = false): Promise<boolean> {
    const decoder = exchange.decoder;
    if (decoder.done) return true;
    if (exchange.bodyStarted) return false; // the handler is reading it still, or gave up in the middle
    const left = decoder.lengthLeft;
    if (left !== undefined && left > this.#limits.maxDrainSize) return false;
    exchange.bodyStarted = true;
    exchange.bodyDropped = true;
    try {
      while (!decoder.done) {
        if (decoder.received > this.#limits.maxDrainSize) return false;
        const next = decoder.next(this.#drainSignal());
        if (atOnce && !(await settlesAtOnce(next))) {
          next.catch(() => {}); // the connection closes after the response, which ends this read
          return false;
        }
        await next;
      }
    } catch {
      return false; // a malformed chunk, the client gone, or too slow: what follows cannot be trusted
    }
    return true;
  }

  /** Dropping a body takes no longer than a head may. */
  #drainSignal(): AbortSignal | undefined {
    const ms = this.#limits.headerTimeout;
    return ms === Infinity ? undefined : AbortSignal.timeout(ms);
  }

  /** The Request for a head (URL, method, header fields, a streamed body) and the state of its exchange. */
  #request(
    head: RequestHead,
    reader: ConnReader,
    conn: PipeConnection,
    signal: AbortSignal,
  ): { request: Request; exchange: Exchange } {
    if (UNSERVED_METHODS.has(head.method)) throw new HttpParseError(501, `${head.method} is not supported`);
    const framing = requestFraming(head);
    const host = requestHost(head);
    const target = head.target;
    let url: URL;
    if (target.startsWith("/")) {
      url = targetUrl(`http://${host || "localhost"}${target}`);
    } else if (/^https?:\/\//i.test(target)) {
      url = targetUrl(target);
    } else if (target === "*" && head.method === "OPTIONS") {
      url = targetUrl(`http://${host || "localhost"}/*`);
    } else {
      throw new HttpParseError(400, `an invalid request target: ${JSON.stringify(target)}`);
    }
    const decoder = new BodyDecoder(reader, framing, { maxTrailerSize: this.#limits.maxHeaderSize });
    const exchange = new Exchange(decoder, reader, signal);
    const expect = fieldValues(head, "expect");
    if (expect.length > 0) {
      if (expect.length > 1 || expect[0].toLowerCase() !== "100-continue") {
        throw new HttpParseError(417, `unsupported expectation: ${expect.join(", ")}`);
      }
      exchange.expectContinue = head.minor === 1 && framing.kind !== "none";
    }
    // GET and HEAD cannot carry a body in a Request: one sent anyway is dropped after the response.
    const bodyless = head.method === "GET" || head.method === "HEAD" || framing.kind === "none";
    const body = bodyless ? null : bodyStream(exchange.decoder, {
      beforeFirstRead: () => {
        exchange.bodyStarted = true;
        if (!exchange.expectContinue || exchange.responseStarted) return Promise.resolve();
        exchange.continueWrite = conn.write(CONTINUE);
        return exchange.continueWrite;
      },
      onAbort: (reason) => {
        exchange.bodyError ??= reason;
      },
      onEnd: () => exchange.bodyEnded(),
      refusal: () =>
        exchange.bodyDropped
          ? new TypeError("the request body was dropped: it was not read before the response was sent")
          : undefined,
    });
    try {
      const init = body === null ? { method: head.method } : { method: head.method, body, duplex: "half" };
      const request = new Request(url.href, init as RequestInit);
      if (request.method !== head.method) {
        // Bun 1.4's Request turns a method it does not know into GET, and `patch` into PATCH: refused rather
        // than handed to the handler as another method.
        throw new TypeError(`this runtime's Request reads the method ${head.method} as ${request.method}`);
      }
      // The fields go into the Request's own headers: a Headers (or list) in init is filled by iterating it,
      // which made a Request cost Deno twice as much (7.1 against 3.0 µs natively; the same headers either way).
      for (const [name, value] of head.fields) request.headers.append(name, value);
      // request.signal aborts when the client goes away. Set as an own property rather than through init.signal,
      // which makes Deno build a following signal (13 µs instead of 6 per Request). (A clone has its own signal.)
      Object.defineProperty(request, "signal", { value: exchange.abort.signal, enumerable: true });
      return { request, exchange };
    } catch (err) {
      // A method fetch forbids (CONNECT, TRACE, TRACK) or the runtime cannot carry, or a field value Headers refuses.
      throw new HttpParseError(501, `the request cannot be served: ${(err as Error).message}`);
    }
  }

  /**
   * Writes the response. Resolves with false when the connection cannot go
   * on (the write failed, the body broke, or its framing ends with the
   * connection).
   */
  async #respond(
    conn: PipeConnection,
    head: RequestHead,
    response: Response,
    keepAlive: boolean,
    request: Request,
    exchange: Exchange,
  ): Promise<boolean> {
    const status = response.status;
    const noBody = head.method === "HEAD" || status === 204 || status === 304;
    const fields: [string, string][] = [];
    let lengthField: string | undefined;
    let hasDate = false;
    // forEach rather than the iterator: the same fields in the same order, at a fifth of the cost in Deno.
    response.headers.forEach((value, name) => {
      if (HOP_BY_HOP.has(name)) return;
      if (name === "content-length") lengthField = value;
      else {
        if (name === "date") hasDate = true;
        fields.push([name, value]);
      }
    });
    let announced: number | undefined;
    if (lengthField !== undefined) {
      if (!/^[0-9]+$/.test(lengthField)) {
        this.#onError(new TypeError(`the response has an invalid Content-Length: ${lengthField}`), request);
        await conn.write(refusal(500, "the response had an invalid Content-Length")).catch(() => {});
        await response.body?.cancel().catch(() => {});
        return false;
      }
      announced = Number(lengthField);
    }
    if (!hasDate) fields.push(["date", httpDate()]);

    const reader: ChunkReader | undefined = response.body?.getReader() as ChunkReader | undefined;
    exchange.responseBody = reader;
    if (exchange.abort.signal.aborted) {
      await reader?.cancel().catch(() => {});
      return false;
    }
    let framing: OutFraming;
    let length = 0;
    let body: Awaited<ReturnType<typeof startBody>> | undefined;
    try {
      if (noBody) {
        framing = "none";
        // HEAD: the Content-Length a GET would have had (RFC 9110 §9.3.2), when the body says it at once.
        const wouldSend = announced ??
          (head.method === "HEAD" && status !== 204 && status !== 304
            ? reader === undefined ? 0 : await lengthAtOnce(reader)
            : undefined);
        if (wouldSend !== undefined && status !== 204) fields.push(["content-length", String(wouldSend)]);
        await reader?.cancel().catch(() => {});
      } else if (announced !== undefined) {
        framing = "length";
        length = announced;
        fields.push(["content-length", String(announced)]);
        body = reader === undefined ? { first: [] } : { first: [], reader };
      } else {
        body = reader === undefined ? { first: [] } : await startBody(reader, () => exchange.watchWhileWaiting());
        if (body.reader === undefined) {
          framing = "length";
          length = body.first.reduce((n, c) => n + c.length, 0);
          fields.push(["content-length", String(length)]);
        } else if (head.minor === 1) {
          framing = "chunked";
          fields.push(["transfer-encoding", "chunked"]);
        } else {
          framing = "close";
          keepAlive = false;
        }
      }
    } catch (err) {
      // The body stream failed before anything was sent: still a 500.
      this.#onError(err, request);
      await conn.write(refusal(500, "the response body failed")).catch(() => {});
      return false;
    }
    // A response complete in hand, to a request whose body nobody read: what has arrived of the body is dropped
    // now, before the head, so that the head can say whether the connection goes on (RFC 9112 §9.6). A client told
    // keep-alive must not find the connection closed under its next request. A body still coming is not waited
    // for (Go's server waits for up to 256 KiB of it): the response goes out at once and ends the connection.
    if (keepAlive && body?.reader === undefined && !exchange.decoder.done) {
      // A body the handler started and left unfinished ends the connection (#dropBody): the head says so.
      keepAlive = !exchange.bodyStarted && await this.#dropBody(exchange, true);
    }
    if (!keepAlive) fields.push(["connection", "close"]);
    else if (head.minor === 0) fields.push(["connection", "keep-alive"]);
    // The rest of the body comes from a stream that may take its time: the client may go away meanwhile.
    if (body?.reader !== undefined) exchange.streamResponse();

    let headBytes: Uint8Array;
    try {
      const reason = response.statusText || REASONS[status] || "";
      // Bun's Response takes any status text, CR and LF included: written as it is, it would add header lines.
      if (!isFieldValue(reason)) {
        throw new TypeError(`the response has an invalid status text: ${JSON.stringify(reason)}`);
      }
      headBytes = encodeHead(`HTTP/1.1 ${status} ${reason}`, fields);
    } catch (err) {
      this.#onError(err, request);
      await reader?.cancel().catch(() => {});
      await conn.write(refusal(500, "the response had an invalid header")).catch(() => {});
      return false;
    }
    try {
      await writeMessage(conn, headBytes, body, framing, length);
    } catch (err) {
      // After the head went out nothing can be corrected: the connection ends, the handler's stream is cancelled.
      // The stream's own failure goes to onError as it is, even one that looks like a pipe's (a body proxied
      // from another pipe): only the connection's failures are the client going away.
      const failure = err instanceof BodySourceError ? err.cause : err;
      await reader?.cancel(failure).catch(() => {});
      if (err instanceof BodySourceError || err instanceof BodyLengthError || !isConnectionError(err)) {
        this.#onError(failure, request);
      }
      return false;
    }
    return keepAlive;
  }
}

/**
 * The URL of a request: a 400 when the URL standard refuses it (a port out
 * of range, an invalid IPv4 address or percent-encoding in the host, which
 * the Host check lets through), rather than a connection closed without an
 * answer.
 */
function targetUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new HttpParseError(400, `an invalid request target or Host: ${JSON.stringify(text)}`);
  }
}

/** A failed pipe read or write (the client went away), as opposed to a failure of the handler's body. */
function isConnectionError(err: unknown): boolean {
  return typeof (err as { code?: unknown } | null)?.code === "number";
}

/** Methods fetch forbids in a Request (Deno refuses them, Bun does not): answered 501 in both. */
const UNSERVED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * Serves HTTP/1.1 on the named pipe `name` with the pipe API `pipes`: each
 * request is handed to `handler` as a Request, and the Response it returns
 * is written back. The pipe server is created at once (so a bad or taken
 * name throws here); requests are served from then on. `createHttp(pipes)`
 * binds this as `serveHttp`.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { PipeHttpClient, serveHttpOn } from "@winpipe/http";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\serve-http-on-example`;
 * await using server = serveHttpOn(pipes, name, (request) => new Response(request.method), { maxInstances: 4 });
 * using client = new PipeHttpClient(pipes);
 * await (await client.fetch(name, "/", { method: "PUT" })).text(); // "PUT"
 * ```
 */
export function serveHttpOn(
  pipes: Winpipe,
  name: string,
  handler: HttpHandler,
  options?: ServeHttpOptions,
): HttpServer {
  const { serverOptions, limits, opts } = serveConfig(name, handler, options);
  if (opts.signal?.aborted) {
    throw new DOMException("serveHttp: the signal is already aborted", "AbortError");
  }
  return new HttpServer(pipes.createServer(name, serverOptions), handler, limits, opts);
}
