/**
 * {@linkcode PipeHttpClient}: fetch over named pipes, with a pool of idle
 * keep-alive connections per pipe name.
 *
 * @module
 */
import { parsePipeName, type PipeConnection, type ServerOwner, type Winpipe } from "@winpipe/core";
import { requireBoolean } from "@winpipe/core/internal";
import { BodyDecoder, bodyStream } from "./body_in.ts";
import { BodySourceError, type ChunkReader, encodeHead, type OutFraming, writeMessage } from "./body_out.ts";
import { decodedBody, decodingFormats } from "./content_coding.ts";
import {
  fieldValues,
  type Framing,
  HttpParseError,
  keepsAlive,
  parseResponseHead,
  responseFraming,
  type ResponseHead,
} from "./head.ts";
import { integerOption, msOption } from "./options.ts";
import { ConnReader } from "./reader.ts";
import { listHas, normalisedMethod } from "./syntax.ts";
import { type UpgradedConnection, upgradedConnection } from "./upgraded.ts";
import type { PipeWebSocket } from "./websocket.ts";
import { openWebSocket, type PipeWebSocketInit } from "./websocket_client.ts";

/**
 * The fetch options of pipeFetch: RequestInit and what pipes add.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type PipeFetchInit } from "@winpipe/http";
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\fetch-init`;
 * await using server = serveHttp(name, async (request) => new Response(await request.text()));
 * const init: PipeFetchInit = { method: "POST", body: "ping", connectTimeout: 1000, signal: AbortSignal.timeout(5000) };
 * await (await pipeFetch(name, "/", init)).text(); // "ping"
 * ```
 */
export interface PipeFetchInit extends RequestInit {
  /**
   * How long to wait for a free pipe instance while every instance of the
   * server is busy (ERROR_PIPE_BUSY, waited out with WaitNamedPipe), in ms.
   * Default 30000. A pipe that does not exist fails at once (see `waitForCreation`).
   */
  connectTimeout?: number;
  /**
   * Wait for a pipe that does not exist yet, as `connect`'s
   * `waitForCreation` does (a script that starts a server and asks it at
   * once): within `connectTimeout`, which then bounds the whole wait, for
   * the name and then for a free instance. Default false: a missing pipe
   * fails at once.
   */
  waitForCreation?: boolean;
  /** The largest response head accepted, in bytes. Default 65536. */
  maxHeaderSize?: number;
  /**
   * The owner the pipe must have: `"current-user"` or a SID. A pipe owned by
   * anyone else (a process that created the name first: name squatting) is
   * refused with a PipeError of ERROR_ACCESS_DENIED before any byte of the
   * request is written, as `connect`'s `serverOwner` does. Pooled
   * connections are reused only for requests that ask for the owner they
   * were checked against.
   */
  serverOwner?: ServerOwner;
}

/**
 * Options of {@linkcode PipeHttpClient}.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { PipeHttpClient, type PipeHttpClientOptions } from "@winpipe/http";
 * const options: PipeHttpClientOptions = { maxIdlePerPipe: 0 }; // a new connection for every request
 * using client = new PipeHttpClient(createWinpipe(createModelKernel()), options);
 * ```
 */
export interface PipeHttpClientOptions {
  /** Idle keep-alive connections kept per pipe name. Default 8; 0 keeps none. */
  maxIdlePerPipe?: number;
  /**
   * An idle connection older than this (ms) is closed instead of reused.
   * Default 4000, below the 5000 ms after which serveHttp (and Node) close
   * idle connections, so a request rarely meets a connection the server is
   * closing.
   */
  idleTimeout?: number;
}

/** An idle connection in the pool. */
interface Pooled {
  conn: PipeConnection;
  reader: ConnReader;
  since: number;
  /** The `serverOwner` the connection was opened with (undefined: none was asked for). */
  owner: ServerOwner | undefined;
}

/** What pipeFetch sends: the request, its body as bytes (replayable) or as a stream. */
interface Outgoing {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  signal: AbortSignal;
  connectTimeout: number;
  waitForCreation: boolean;
  maxHeaderSize: number;
  serverOwner: ServerOwner | undefined;
  /** Sent by {@linkcode PipeHttpClient.upgrade}: a 101 answer hands the connection over. */
  upgrade: boolean;
}

/** Methods that may be sent again on a new connection when a reused one turned out closed (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
/** Request fields the client sets itself. */
const OWN_FIELDS = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A Content-Length body up to this size that arrived with its head is handed over as bytes, not as a pipe stream. */
const WHOLE_BODY = 64 * 1024;
const MAX_REDIRECTS = 20;
/**
 * A pooled connection idle for longer than this is probed (PeekNamedPipe)
 * before it is reused: a server that closed it meanwhile (its keep-alive
 * timeout) is found before a non-idempotent request is sent on it. Reuse
 * within this time, as under load, costs no call.
 */
const PROBE_AFTER_MS = 1000;

/** A relative URL (`/containers/json`) is resolved against `http://localhost`: the pipe is the host. */
function requestUrl(input: Request | string | URL): Request | string {
  if (input instanceof Request) return input;
  return typeof input === "string" && input.startsWith("/") ? new URL(input, "http://localhost").href : String(input);
}

/** A network error as fetch reports it: a TypeError whose cause says what happened. */
function networkError(message: string, cause: unknown): TypeError {
  return new TypeError(`pipeFetch: ${message}`, { cause });
}

/**
 * What `input` and `init` ask to send to pipe `name`, checked: TypeErrors and RangeErrors before any pipe
 * is opened. `upgrade`: for {@linkcode PipeHttpClient.upgrade}, which needs an `Upgrade` field and a body
 * that is all there (bytes), since the connection carries another protocol once it is sent.
 */
async function outgoing(
  name: string,
  input: Request | string | URL,
  init: PipeFetchInit | undefined,
  upgrade: boolean,
): Promise<{ pipeName: string; request: Request; out: Outgoing }> {
  const pipeName = parsePipeName(name).full;
  if (init !== undefined && (typeof init !== "object" || init === null)) {
    throw new TypeError("init must be an object");
  }
  const { connectTimeout, waitForCreation, maxHeaderSize, serverOwner, ...requestInit } = init ?? {};
  const target = requestUrl(input);
  const request = typeof target === "string" ? new Request(target, requestInit) : new Request(target, requestInit);
  if (requestInit.method !== undefined && request.method !== normalisedMethod(String(requestInit.method))) {
    // Bun 1.4's Request turns a method it does not know into GET, and `patch` into PATCH: refused rather than
    // sent as another method.
    throw new TypeError(`this runtime's Request reads the method ${requestInit.method} as ${request.method}`);
  }
  const url = new URL(request.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`pipeFetch: ${request.url} is not an HTTP URL (${url.protocol} ...)`);
  }
  const streamed = requestInit.body instanceof ReadableStream ||
    (input instanceof Request && requestInit.body === undefined && input.body !== null);
  if (upgrade) {
    if (!request.headers.get("upgrade")) {
      throw new TypeError('upgrade: the request needs an Upgrade field naming the protocol (Docker\'s: "tcp")');
    }
    if (streamed) throw new TypeError("upgrade: the request body must be all there (bytes, a string), not a stream");
  }
  const out: Outgoing = {
    method: request.method,
    url,
    headers: request.headers,
    body: request.body === null ? null : streamed ? request.body : new Uint8Array(await request.arrayBuffer()),
    signal: request.signal,
    connectTimeout: msOption(connectTimeout, "connectTimeout", 30_000),
    waitForCreation: requireBoolean(waitForCreation ?? false, "waitForCreation"),
    maxHeaderSize: integerOption(maxHeaderSize, "maxHeaderSize", 256, 16 * 1024 * 1024, 65536),
    serverOwner,
    upgrade,
  };
  return { pipeName, request, out };
}

/**
 * fetch over named pipes: HTTP/1.1 requests to a server listening on a
 * pipe, with up to `maxIdlePerPipe` idle keep-alive connections kept per
 * pipe name for the next requests. `pipeFetch` of the runtime packages is
 * the `fetch` of a default client; make your own for other pool settings or
 * to close its connections ({@linkcode PipeHttpClient.closeIdle}).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, PipeHttpClient } from "@winpipe/http";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\http-client-example`;
 * await using server = createHttp(pipes).serveHttp(name, (request) => new Response(new URL(request.url).pathname));
 * using client = new PipeHttpClient(pipes, { maxIdlePerPipe: 2 });
 * await (await client.fetch(name, "/one")).text(); // "/one"
 * await (await client.fetch(name, "/two")).text(); // "/two", on the same connection
 * client.idleConnections(name); // 1
 * ```
 */
export class PipeHttpClient implements Disposable {
  readonly #pipes: Pick<Winpipe, "connect">;
  readonly #maxIdle: number;
  readonly #idleTimeout: number;
  readonly #idle = new Map<string, Pooled[]>();

  /** A client that connects through `pipes` (a winpipe API: the model's, or kernel32's; it uses `connect`). */
  constructor(pipes: Pick<Winpipe, "connect">, options?: PipeHttpClientOptions) {
    if (typeof (pipes as Partial<Winpipe> | null)?.connect !== "function") {
      throw new TypeError(
        "pipes must be a winpipe API (createWinpipe(kernel), or the API of @winpipe/deno or @winpipe/bun)",
      );
    }
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("options must be an object");
    }
    this.#pipes = pipes;
    this.#maxIdle = integerOption(options?.maxIdlePerPipe, "maxIdlePerPipe", 0, 1024, 8);
    this.#idleTimeout = msOption(options?.idleTimeout, "idleTimeout", 4000);
  }

  /** Idle connections kept for `name` (or for every pipe). */
  idleConnections(name?: string): number {
    if (name !== undefined) return this.#idle.get(parsePipeName(name).full)?.length ?? 0;
    let n = 0;
    for (const list of this.#idle.values()) n += list.length;
    return n;
  }

  /** Closes every idle connection. Connections in use are closed when their response ends. */
  closeIdle(): void {
    for (const list of this.#idle.values()) for (const { conn } of list) conn.close();
    this.#idle.clear();
  }

  /** Closes every idle connection. */
  [Symbol.dispose](): void {
    this.closeIdle();
  }

  /**
   * Sends a request to the HTTP server on pipe `name` and resolves with its
   * Response, whose body streams from the pipe. `input` and `init` are
   * fetch's; a URL's host goes in the Host field (the pipe is where it
   * goes), a path alone (`"/v1.43/info"`) means `http://localhost/...`.
   * Same-origin redirects are followed (unless `redirect` says otherwise),
   * redirects to other hosts are returned as they are. Rejects with a
   * TypeError, before the pipe is opened, for a URL that is not `http:` or
   * `https:`; with a PipeError when the pipe cannot be opened, a TypeError
   * when the response is not valid HTTP or the connection broke, the
   * signal's reason when `init.signal` aborts.
   */
  async fetch(name: string, input: Request | string | URL, init?: PipeFetchInit): Promise<Response> {
    const { pipeName, request, out } = await outgoing(name, input, init, false);
    for (let redirects = 0;; redirects++) {
      const response = await this.#send(pipeName, out) as Response;
      // fetch's `redirected`: the response came after following at least one redirect.
      if (redirects > 0) Object.defineProperty(response, "redirected", { value: true });
      if (!REDIRECTS.has(response.status) || request.redirect === "manual") return response;
      const location = response.headers.get("location");
      if (location === null) return response;
      if (request.redirect === "error") {
        await response.body?.cancel();
        throw networkError(`redirected (${response.status}) while redirect is "error"`, undefined);
      }
      let next: URL;
      try {
        next = new URL(location, out.url);
      } catch (err) {
        // The Fetch standard's network error, as both runtimes' fetch give; `redirect: "manual"` returns it.
        await response.body?.cancel();
        throw networkError(
          `the Location of a ${response.status} redirect is not a URL: ${JSON.stringify(location)}`,
          err,
        );
      }
      // The pipe is the host: a redirect elsewhere is not followed; nor one that would need a streamed body again.
      if (next.origin !== out.url.origin) return response;
      const changesToGet = response.status === 303 ? out.method !== "HEAD" : out.method === "POST" &&
        (response.status === 301 || response.status === 302);
      if (!changesToGet && out.body instanceof ReadableStream) return response;
      if (redirects === MAX_REDIRECTS) {
        await response.body?.cancel();
        throw networkError(`more than ${MAX_REDIRECTS} redirects`, undefined);
      }
      await response.body?.cancel();
      out.url = next;
      if (changesToGet) {
        out.method = "GET";
        out.body = null;
        out.headers = new Headers(out.headers);
        for (const field of ["content-type", "content-encoding", "content-language", "content-location"]) {
          out.headers.delete(field);
        }
      }
    }
  }

  /**
   * Sends a request that asks the server on pipe `name` to switch protocols
   * (its `Upgrade` field names the protocol; the client adds `Connection:
   * upgrade`) and resolves with the connection when the server answers `101
   * Switching Protocols`: from then on it carries that protocol, read and
   * written through the {@linkcode UpgradedConnection}'s streams. This is how
   * the Docker Engine API attaches to a container or starts an exec with
   * its standard input (`Upgrade: tcp`, answered `101 UPGRADED`). Any other
   * answer resolves as the Response it is (a 404 for a container that does
   * not exist), as pipeFetch would give it; redirects are not followed.
   * Rejects as pipeFetch does, and with a TypeError, before the pipe is
   * opened, when the request has no `Upgrade` field or its body is a
   * stream. `init.signal` covers the request until the answer; the
   * connection after a 101 ends with its `close()`.
   *
   * @example The Docker Engine: attach to a container's standard streams
   * ```ts ignore
   * import { PipeHttpClient } from "@winpipe/http";
   * import * as pipes from "@winpipe/deno";
   * using client = new PipeHttpClient(pipes);
   * const result = await client.upgrade(String.raw`\\.\pipe\docker_engine`,
   *   "/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1", { method: "POST", headers: { upgrade: "tcp" } });
   * if (result instanceof Response) throw new Error(`attach: ${result.status} ${await result.text()}`);
   * await using attached = result;
   * const stdin = attached.writable.getWriter();
   * await stdin.write(new TextEncoder().encode("ls\n"));
   * await stdin.close(); // go-winio's CloseWrite: the container's stdin ends
   * for await (const chunk of attached.readable) console.log(chunk); // Docker's multiplexed frames
   * ```
   */
  async upgrade(
    name: string,
    input: Request | string | URL,
    init?: PipeFetchInit,
  ): Promise<UpgradedConnection | Response> {
    const { pipeName, out } = await outgoing(name, input, init, true);
    return await this.#send(pipeName, out);
  }

  /**
   * Opens a WebSocket to the server on pipe `name` (RFC 6455; the
   * handshake is a request through {@linkcode PipeHttpClient.upgrade}):
   * the socket comes back at once, CONNECTING, as `new WebSocket(url,
   * protocols)` gives it, and fires `open` once the server switched, or
   * `error` and `close` (code 1006) when it did not. `input` is a path (on
   * `ws://localhost`) or a ws: URL; the third argument is the subprotocols
   * or a {@linkcode PipeWebSocketInit}. A bad URL or subprotocol throws a
   * SyntaxError, bad options a TypeError or RangeError, before any pipe is
   * opened.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * import { createHttp, PipeHttpClient } from "@winpipe/http";
   * const pipes = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\client-websocket`;
   * await using server = createHttp(pipes).serveHttp(name, (_request, info) => {
   *   const { socket, response } = info.upgradeWebSocket({ protocol: "shout" });
   *   socket.onmessage = (event) => socket.send(String(event.data).toUpperCase());
   *   return response;
   * });
   * using client = new PipeHttpClient(pipes);
   * await using socket = client.webSocket(name, "/", ["shout"]);
   * await new Promise((resolve) => (socket.onopen = resolve));
   * socket.protocol; // "shout"
   * socket.send("hi");
   * const event = await new Promise<MessageEvent>((resolve) => (socket.onmessage = resolve));
   * event.data; // "HI"
   * ```
   */
  webSocket(name: string, input: string | URL, protocolsOrInit?: string | string[] | PipeWebSocketInit): PipeWebSocket {
    return openWebSocket(this, name, input, protocolsOrInit);
  }

  /** An idle connection to `name`, or a new one (waiting while the pipe is busy). */
  async #checkout(
    name: string,
    out: Outgoing,
  ): Promise<{ conn: PipeConnection; reader: ConnReader; reused: boolean; owner: ServerOwner | undefined }> {
    const list = this.#idle.get(name);
    const now = performance.now();
    // The newest idle connection that was opened with the owner check this request asks for (any, if none).
    for (let i = (list?.length ?? 0) - 1; list !== undefined && i >= 0; i--) {
      const pooled = list[i];
      if (out.serverOwner !== undefined && pooled.owner !== out.serverOwner) continue;
      list.splice(i, 1);
      if (list.length === 0) this.#idle.delete(name);
      const idle = now - pooled.since;
      if (!pooled.conn.closed && idle < this.#idleTimeout && (idle < PROBE_AFTER_MS || stillOpen(pooled.conn))) {
        return { conn: pooled.conn, reader: pooled.reader, reused: true, owner: pooled.owner };
      }
      pooled.conn.close();
    }
    const conn = await this.#pipes.connect(name, {
      timeout: out.connectTimeout,
      waitForCreation: out.waitForCreation,
      signal: out.signal,
      ...(out.serverOwner === undefined ? {} : { serverOwner: out.serverOwner }),
    });
    // A message pipe (go-winio's MessageMode, as the Docker Engine's) is read in byte mode, as a client handle
    // starts (S15): its messages are one byte stream. This client's writes are never empty (an empty message
    // would be go-winio's CloseWrite).
    return { conn, reader: new ConnReader(conn, out.maxHeaderSize + 1024), reused: false, owner: out.serverOwner };
  }

  /** Puts a connection whose exchange is complete back in the pool, or closes it. */
  #release(name: string, { conn, reader, owner }: Omit<Pooled, "since">, reusable: boolean): void {
    let list = this.#idle.get(name);
    if (
      !reusable || conn.closed || reader.buffered > 0 || this.#maxIdle === 0 || (list?.length ?? 0) >= this.#maxIdle
    ) {
      conn.close();
      return;
    }
    if (list === undefined) this.#idle.set(name, list = []);
    list.push({ conn, reader, since: performance.now(), owner });
  }

  /** One exchange: on a reused connection that the server had closed, once more on a new one. */
  async #send(name: string, out: Outgoing): Promise<Response | UpgradedConnection> {
    for (let attempt = 1;; attempt++) {
      const { conn, reader, reused, owner } = await this.#checkout(name, out);
      try {
        return await this.#exchange(name, { conn, reader, owner }, out);
      } catch (err) {
        conn.close();
        if (out.signal.aborted) throw out.signal.reason ?? err;
        const replayable = !(out.body instanceof ReadableStream) && IDEMPOTENT.has(out.method);
        if (reused && attempt === 1 && replayable && err instanceof StaleConnection) continue;
        if (err instanceof StaleConnection) throw networkError("the server closed the connection", err.cause);
        throw err;
      }
    }
  }

  async #exchange(
    name: string,
    pooled: Omit<Pooled, "since">,
    out: Outgoing,
  ): Promise<Response | UpgradedConnection> {
    const { conn, reader } = pooled;
    const { signal } = out;
    const fields: [string, string][] = [["host", out.url.host]];
    // forEach rather than the iterator: the same fields in the same order, at a fifth of the cost in Deno.
    out.headers.forEach((value, field) => {
      if (!OWN_FIELDS.has(field)) fields.push([field, value]);
    });
    if (!out.headers.has("accept")) fields.push(["accept", "*/*"]);
    // A connection this client will not keep says so (RFC 9112 §9.3): the caller's `Connection: close`, or a
    // client that keeps none (maxIdlePerPipe or idleTimeout 0).
    const closeAfter = this.#maxIdle === 0 || this.#idleTimeout === 0 ||
      listHas(out.headers.get("connection"), "close");
    if (out.upgrade) fields.push(["connection", closeAfter ? "upgrade, close" : "upgrade"]);
    else if (closeAfter) fields.push(["connection", "close"]);
    let framing: OutFraming = "none";
    let length = 0;
    if (out.body instanceof Uint8Array) {
      framing = "length";
      length = out.body.length;
      fields.push(["content-length", String(length)]);
    } else if (out.body !== null) {
      framing = "chunked";
      fields.push(["transfer-encoding", "chunked"]);
    } else if (out.method === "POST" || out.method === "PUT" || out.method === "PATCH") {
      fields.push(["content-length", "0"]);
    }
    const path = out.url.pathname + out.url.search;
    let head: Uint8Array;
    try {
      head = encodeHead(`${out.method} ${path} HTTP/1.1`, fields);
    } catch (err) {
      throw new TypeError(`pipeFetch: ${(err as Error).message}`);
    }
    // The body goes out while the response is awaited: a server may answer before it read everything.
    const sourceReader = out.body instanceof ReadableStream ? out.body.getReader() as ChunkReader : undefined;
    const body = out.body instanceof Uint8Array
      ? { first: [out.body] }
      : sourceReader
      ? { first: [], reader: sourceReader }
      : undefined;
    let written = false;
    // The request body's own stream failing: the server waits for the rest of a body that will not come, so
    // the connection is closed, and the request fails with what the stream gave (fetch rejects likewise).
    let bodyFailed: BodySourceError | undefined;
    const writing = writeMessage(conn, head, body, framing, length, signal).then(() => {
      written = true;
    });
    writing.catch((err) => {
      sourceReader?.cancel().catch(() => {});
      if (err instanceof BodySourceError) {
        bodyFailed = err;
        conn.close();
      }
    });
    const failedBody = () => networkError(`the request body failed: ${bodyFailed!.detail}`, bodyFailed!.cause);

    let response: ResponseHead;
    for (;;) {
      let bytes;
      try {
        bytes = await reader.readHead(out.maxHeaderSize, signal);
      } catch (err) {
        if (err instanceof HttpParseError) throw networkError(`an invalid response: ${err.message}`, err);
        if (signal.aborted) throw err;
        if (bodyFailed !== undefined) throw failedBody();
        throw new StaleConnection(err);
      }
      if (bytes === null) {
        // Nothing came back: the server closed the connection (a reused one it had timed out, typically).
        await writing.catch(() => {});
        if (bodyFailed !== undefined) throw failedBody();
        throw new StaleConnection(undefined);
      }
      try {
        response = parseResponseHead(bytes.bytes, bytes.start, bytes.end);
      } catch (err) {
        throw networkError(`an invalid response: ${(err as Error).message}`, err);
      }
      if (response.status >= 200) break;
      if (response.status === 101) {
        if (!out.upgrade) {
          throw networkError("the server switched protocols (101), which pipeFetch does not do", undefined);
        }
        return await switched(pooled, response, writing);
      }
      // 100 Continue and other interim responses: the final one follows.
    }

    let responseFramingKind: Framing;
    try {
      responseFramingKind = responseFraming(response, out.method);
    } catch (err) {
      throw networkError(`an invalid response: ${(err as Error).message}`, err);
    }
    const reusable = !closeAfter && keepsAlive(response) && responseFramingKind.kind !== "close";
    let released = false;
    const finish = (ok: boolean) => {
      if (released) return;
      released = true;
      if (ok && !written) {
        // The request is still going out (or its last write has not reported yet): reusable once it is out.
        writing.then(() => this.#release(name, pooled, reusable), () => conn.close());
        return;
      }
      this.#release(name, pooled, ok && reusable);
    };
    let stream: ReadableStream<Uint8Array<ArrayBuffer>> | null = null;
    let whole: Uint8Array<ArrayBuffer> | undefined;
    if (responseFramingKind.kind === "none") {
      finish(true);
    } else if (
      responseFramingKind.kind === "length" && responseFramingKind.length <= WHOLE_BODY &&
      (whole = reader.takeBuffered(responseFramingKind.length)) !== undefined
    ) {
      // The whole body came with the head (small responses do): the connection is free at once.
      finish(true);
    } else {
      const decoder = new BodyDecoder(reader, responseFramingKind, { maxTrailerSize: out.maxHeaderSize });
      stream = bodyStream(decoder, {
        signal,
        // As fetch: a body that breaks errors with a TypeError; an abort with the signal's reason.
        mapError: (err) =>
          signal.aborted
            ? signal.reason ?? err
            : networkError(`the response body broke: ${(err as Error)?.message}`, err),
        onEnd: () => finish(true),
        onAbort: () => {
          released = true;
          conn.close();
        },
      });
    }
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    if (nullBody && stream !== null) {
      // A body where Response allows none (205 with a length): dropped, and the connection with it.
      void stream.cancel();
      stream = null;
    }
    // As fetch: no body for HEAD and the null-body statuses; otherwise a body, empty (Content-Length: 0) or not.
    const noBody = nullBody || out.method === "HEAD";
    if (!noBody && responseFramingKind.kind === "none") whole = new Uint8Array(0);
    let responseBody: ReadableStream<Uint8Array<ArrayBuffer>> | Uint8Array<ArrayBuffer> | null = noBody
      ? null
      : whole ?? stream;
    const codings = fieldValues(response, "content-encoding");
    const formats = responseBody === null || codings.length === 0 || whole?.length === 0
      ? undefined // nothing to decode
      : decodingFormats(codings.join(","));
    if (formats !== undefined) {
      const raw = whole === undefined ? stream! : new ReadableStream({
        start(controller) {
          controller.enqueue(whole!);
          controller.close();
        },
      });
      responseBody = decodedBody(raw, formats);
    }
    let result: Response;
    try {
      result = new Response(responseBody, {
        status: response.status,
        statusText: response.reason,
      });
      // Into the Response's own headers: a Headers in init is filled by iterating it, which made a Response cost
      // Deno twice as much (5.6 against 2.7 µs natively). The body is bytes, a stream or null, so the constructor
      // adds no Content-Type of its own.
      for (const [field, value] of response.fields) result.headers.append(field, value);
    } catch (err) {
      conn.close();
      throw networkError(`an invalid response: ${(err as Error).message}`, err);
    }
    // fetch's Response.url is its URL without the fragment (the Fetch standard; Deno's, where Bun 1.4 keeps it).
    const url = new URL(out.url);
    url.hash = "";
    Object.defineProperty(result, "url", { value: url.href });
    return result;
  }
}

/**
 * The connection handed over after a 101, once the request is all out (its
 * body went before the switch). Bytes that came with the 101's head stay in
 * `reader` and are the first the UpgradedConnection reads.
 */
async function switched(
  { conn, reader }: Omit<Pooled, "since">,
  head: ResponseHead,
  writing: Promise<void>,
): Promise<UpgradedConnection> {
  await writing;
  const messagePipe = conn.info().type === "message";
  return upgradedConnection(
    conn,
    reader,
    { status: head.status, reason: head.reason, fields: head.fields },
    messagePipe,
  );
}

/** True when an idle connection's server end is still there and sent nothing unasked. */
function stillOpen(conn: PipeConnection): boolean {
  try {
    return conn.peek({ maxBytes: 0 }).bytesAvailable === 0;
  } catch {
    return false; // ERROR_BROKEN_PIPE, ERROR_PIPE_NOT_CONNECTED: the server closed or disconnected it
  }
}

/** The connection failed before any byte of a response came back. */
class StaleConnection extends Error {
  constructor(cause: unknown) {
    super("the connection closed before a response", { cause });
    this.name = "StaleConnection";
  }
}
