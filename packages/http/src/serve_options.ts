/**
 * What serveHttp takes: the handler's signature, what a handler learns of
 * the connection ({@linkcode HttpRequestInfo}), the options, and their
 * validation ({@linkcode serveConfig}), which throws before any pipe exists.
 *
 * @module
 */
import { parsePipeName, type ServerOptions } from "@winpipe/core";
import type { PipeClientIdentity } from "./client_identity.ts";
import { integerOption, msOption } from "./options.ts";
import type { UpgradedConnection } from "./upgraded.ts";
import type { WebSocketUpgrade, WebSocketUpgradeOptions } from "./websocket_upgrade.ts";

/**
 * What {@linkcode HttpRequestInfo.upgrade} puts in the `101 Switching
 * Protocols` it has the server send.
 *
 * @example
 * ```ts
 * import type { ServerUpgradeOptions } from "@winpipe/http";
 * // As the Docker Engine answers an attach: its protocol, and the type of its stream.
 * const options: ServerUpgradeOptions = { protocol: "tcp", headers: { "content-type": "application/vnd.docker.raw-stream" } };
 * ```
 */
export interface ServerUpgradeOptions {
  /**
   * The protocol the 101's `Upgrade` field names: one the request offers (a TypeError otherwise). Default: the
   * request's `Upgrade` field, when it names one.
   */
  protocol?: string;
  /** More fields of the 101 (a WebSocket's `Sec-WebSocket-Accept`, a stream's `Content-Type`): what `new Headers()` takes. */
  headers?: ConstructorParameters<typeof Headers>[0];
}

/**
 * What {@linkcode HttpRequestInfo.upgrade} gives: the Response to return,
 * and the connection once the 101 for it is written.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type ServerUpgrade } from "@winpipe/http";
 * const { serveHttp, pipeUpgrade } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\server-upgrade`;
 * await using server = serveHttp(name, (_request, info) => {
 *   const upgrade: ServerUpgrade = info.upgrade();
 *   upgrade.connection.then(async (upgraded) => {
 *     await upgraded.writable.getWriter().write(new TextEncoder().encode("switched"));
 *   });
 *   return upgrade.response;
 * });
 * const result = await pipeUpgrade(name, "/", { headers: { upgrade: "demo" } });
 * if (result instanceof Response) throw new Error("not switched");
 * const { value } = await result.readable.getReader().read();
 * new TextDecoder().decode(value); // "switched"
 * result.close();
 * ```
 */
export interface ServerUpgrade {
  /**
   * Return this from the handler: the server then answers `101 Switching
   * Protocols` instead (a Response cannot have status 101 itself). A
   * framework's copy of it (Hono's middleware copies a Response to set a
   * header) switches too: it keeps the `x-winpipe-switch` field that names
   * this switch, which never goes out. Fields set on it go into the 101.
   */
  response: Response;
  /**
   * The connection, once the 101 went out; from then on it is no longer
   * the server's (its timeouts and `shutdown()` leave it alone) but yours
   * to close. Rejects with a TypeError when the handler returned another
   * Response or failed, or the 101 could not be written.
   */
  connection: Promise<UpgradedConnection>;
}

/**
 * The second argument of a handler: the connection a request came on.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\request-info`;
 * await using server = serveHttp(name, (_request, info) => new Response(`${info.pipeName} ${info.connection}.${info.request}`));
 * await (await pipeFetch(name, "/")).text(); // "\\.\pipe\request-info 1.1"
 * ```
 */
export interface HttpRequestInfo {
  /** The full pipe name the server listens on, `\\.\pipe\NAME`. */
  pipeName: string;
  /** The connection's number on this server, from 1; requests on one keep-alive connection share it. */
  connection: number;
  /** The request's number on its connection, from 1. */
  request: number;
  /** The client at the other end, as far as it is known (see {@linkcode PipeClientIdentity}). */
  client: PipeClientIdentity;
  /**
   * Switches this connection to the protocol the request asks for (its
   * `Upgrade` field, listed in its `Connection` field, as RFC 9110 §7.8
   * has it): return the `response` it gives, and the server answers `101
   * Switching Protocols` and hands the connection over through
   * `connection`. Bytes the client sent behind its request are the first
   * the connection's readable gives. Throws a TypeError for a request that
   * asks for no upgrade, when called twice, and once the handler has
   * answered (a call from a timer after it returned).
   */
  upgrade(options?: ServerUpgradeOptions): ServerUpgrade;
  /**
   * Makes this request's connection a WebSocket, as `Deno.upgradeWebSocket`
   * does: return the `response` it gives; `socket` opens once the 101 (with
   * its Sec-WebSocket-Accept) is written. Throws a TypeError for a request
   * that is not a WebSocket handshake (RFC 6455 §4.2.1: GET, HTTP/1.1,
   * `Upgrade: websocket` listed in `Connection`, a Sec-WebSocket-Key of 16
   * bytes, Sec-WebSocket-Version 13), for a `protocol` the request does not
   * offer, when an upgrade was already asked for, and once the handler has
   * answered; bad options (a
   * `maxMessageSize` or `closeTimeout` that is no whole number in range)
   * throw a TypeError or RangeError. The server's `shutdown()` closes the
   * socket with 1001 "Server shutting down" and waits for its close.
   */
  upgradeWebSocket(options?: WebSocketUpgradeOptions): WebSocketUpgrade;
}

/**
 * A fetch-style handler: any function from Request to Response (Hono's `app.fetch`, for one).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type HttpHandler } from "@winpipe/http";
 * const hello: HttpHandler = (request) => new Response(`hello ${new URL(request.url).pathname}`);
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * await using server = serveHttp(String.raw`\\.\pipe\handler`, hello);
 * await (await pipeFetch(String.raw`\\.\pipe\handler`, "/there")).text(); // "hello /there"
 * ```
 */
export type HttpHandler = (request: Request, info: HttpRequestInfo) => Response | Promise<Response>;

/**
 * Options of serveHttp: the pipe server's options (byte pipe, duplex) and HTTP's limits.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type ServeHttpOptions } from "@winpipe/http";
 * const options: ServeHttpOptions = {
 *   maxInstances: 16, // at most 16 connections at once
 *   security: "current-user", // the default: only this user (and SYSTEM) may connect
 *   maxHeaderSize: 8192, // 431 beyond
 *   keepAliveTimeout: 2000,
 *   signal: AbortSignal.timeout(60_000), // stops the server after a minute
 * };
 * const { serveHttp } = createHttp(createWinpipe(createModelKernel()));
 * await using server = serveHttp(String.raw`\\.\pipe\options`, () => new Response("ok"), options);
 * ```
 */
export interface ServeHttpOptions extends Omit<ServerOptions, "type" | "readMode" | "access" | "wait"> {
  /**
   * The pipe's type. "byte" (the default), or "message" for a pipe made as
   * go-winio makes the Docker Engine's (`PipeConfig.MessageMode`): each
   * write is a message, the server reads them in byte mode as one stream,
   * and a zero-length message from a client (go-winio's `CloseWrite`) ends
   * what it sends. Clients of either kind of pipe read it as a byte stream.
   */
  type?: "byte" | "message";
  /** Must be "byte" (or absent): HTTP is read as a byte stream, also from a message pipe. */
  readMode?: "byte";
  /** Must be "duplex" (or absent). */
  access?: "duplex";
  /** Must be "blocking" (or absent). */
  wait?: "blocking";
  /** Stops the server when aborted, as {@linkcode HttpServer.shutdown} does. */
  signal?: AbortSignal;
  /** The largest request head (request line and header fields) accepted, in bytes; 431 beyond. Default 16384. */
  maxHeaderSize?: number;
  /**
   * How long a client may take to send a request head, in ms, from its
   * first byte; 408 and close beyond. A new connection must also send its
   * first byte within this time (or is closed). Default 30000.
   */
  headerTimeout?: number;
  /**
   * How long an idle keep-alive connection stays open waiting for the next
   * request, in ms. Default 5000. 0: no keep-alive (every response says
   * `Connection: close`); Infinity: no limit.
   */
  keepAliveTimeout?: number;
  /**
   * Unread request body that is read and dropped after the response so
   * that the connection can serve its next request, in bytes; beyond, the
   * connection is closed instead. Default 65536.
   */
  maxDrainSize?: number;
  /**
   * Called with each error a handler throws (the client gets a 500) or
   * that breaks a response after it started; default: `console.error`.
   */
  onError?: (error: unknown, request: Request | undefined) => void;
}

/** The server's limits, validated. */
export interface Limits {
  maxHeaderSize: number;
  headerTimeout: number;
  keepAliveTimeout: number;
  maxDrainSize: number;
}

/** Validates serveHttp's arguments and turns its options into the pipe server's and the limits. */
export function serveConfig(
  name: unknown,
  handler: unknown,
  options: ServeHttpOptions | undefined,
): { serverOptions: ServerOptions; limits: Limits; opts: ServeHttpOptions } {
  parsePipeName(name, { localOnly: true });
  if (typeof handler !== "function") {
    throw new TypeError(`handler must be a function (request, info) => Response: got ${typeof handler}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`options must be an object: got ${options === null ? "null" : typeof options}`);
  }
  const opts: ServeHttpOptions = options ?? {};
  if (opts.type !== undefined && opts.type !== "byte" && opts.type !== "message") {
    throw new TypeError(`serveHttp: type must be "byte" or "message": got ${JSON.stringify(opts.type)}`);
  }
  const fixed: [keyof ServeHttpOptions, string, string][] = [
    ["readMode", "byte", "HTTP is read as a byte stream, also from a message pipe"],
    ["access", "duplex", "HTTP needs both directions"],
    ["wait", "blocking", "HTTP serves on blocking handles"],
  ];
  for (const [key, only, why] of fixed) {
    const value = opts[key];
    if (value !== undefined && value !== only) {
      throw new TypeError(`serveHttp: ${key} must be "${only}": got ${JSON.stringify(value)} (${why})`);
    }
  }
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
  if (opts.onError !== undefined && typeof opts.onError !== "function") {
    throw new TypeError("onError must be a function");
  }
  const limits: Limits = {
    maxHeaderSize: integerOption(opts.maxHeaderSize, "maxHeaderSize", 256, 1024 * 1024, 16384),
    headerTimeout: msOption(opts.headerTimeout, "headerTimeout", 30_000),
    keepAliveTimeout: msOption(opts.keepAliveTimeout, "keepAliveTimeout", 5_000),
    maxDrainSize: integerOption(opts.maxDrainSize, "maxDrainSize", 0, Number.MAX_SAFE_INTEGER, 65536),
  };
  const {
    signal: _signal,
    maxHeaderSize: _h,
    headerTimeout: _t,
    keepAliveTimeout: _k,
    maxDrainSize: _d,
    onError: _e,
    ...pipeOptions
  } = opts;
  return { serverOptions: { ...pipeOptions, type: opts.type ?? "byte", readMode: "byte" }, limits, opts };
}
