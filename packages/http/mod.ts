/**
 * `@winpipe/http`: HTTP/1.1 over Windows named pipes, in the fetch style,
 * for Deno and Bun (runtime-neutral: no Deno or Bun API, no Node internals).
 *
 * - {@linkcode createHttp}`(pipes)` binds the pair to a winpipe API:
 *   `@winpipe/deno` and `@winpipe/bun` export `serveHttp` and `pipeFetch`
 *   bound to kernel32; bind them to the in-memory model to test on any OS.
 * - `serveHttp(name, handler, options?)`: a server whose handler is
 *   `(request: Request, info) => Response`, so any fetch-handler framework
 *   (Hono's `app.fetch`, ...) plugs in. Keep-alive, pipelined requests
 *   answered in order, bodies streamed both ways with the pipe's
 *   backpressure, chunked and Content-Length bodies, HEAD, `Expect:
 *   100-continue`; ambiguous or malformed requests get 400 and the
 *   connection closes; limits on header size (431), header time (408) and
 *   idle keep-alive time. Returns an {@linkcode HttpServer} (`finished`,
 *   `shutdown()`, `await using`, `signal`).
 * - `pipeFetch(name, input, init?)`: fetch's signature after the pipe name;
 *   a standard Response whose body streams; idle connections kept per pipe
 *   ({@linkcode PipeHttpClient}); `init.signal`; waits while the pipe is busy
 *   (`connectTimeout`); follows no redirect to another host. Servers on
 *   message pipes (the Docker Engine's) are read as byte streams.
 * - `pipeUpgrade(name, input, init?)`: a request with `Upgrade` (Docker's
 *   attach and exec); after `101` the pipe is an
 *   {@linkcode UpgradedConnection} with a readable and a writable.
 * - `pipeWebSocket(name, url, protocols?)` and, in a handler,
 *   `info.upgradeWebSocket()`: WebSockets (RFC 6455) with the interface of
 *   the WHATWG `WebSocket` ({@linkcode PipeWebSocket}).
 *
 * The parser is this package's own, strict one ({@linkcode HttpParseError}):
 * see docs/http.md for why and for what it refuses.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 *
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\http-demo`;
 * await using server = serveHttp(name, (request, info) =>
 *   Response.json({ method: request.method, path: new URL(request.url).pathname, connection: info.connection }));
 * const response = await pipeFetch(name, "/hello");
 * await response.json(); // { method: "GET", path: "/hello", connection: 1 }
 * ```
 *
 * @module
 */
export { createHttp, type WinpipeHttp } from "./src/http.ts";
export {
  type HttpHandler,
  type HttpRequestInfo,
  HttpServer,
  type PipeClientIdentity,
  serveHttpOn,
  type ServeHttpOptions,
  type ServerUpgrade,
  type ServerUpgradeOptions,
} from "./src/server.ts";
export { type PipeFetchInit, PipeHttpClient, type PipeHttpClientOptions } from "./src/client.ts";
export { HttpParseError } from "./src/head.ts";
export type { UpgradedConnection } from "./src/upgraded.ts";
export { PipeWebSocket, type PipeWebSocketEventMap, type WebSocketBinaryType } from "./src/websocket.ts";
export type { PipeWebSocketInit } from "./src/websocket_client.ts";
export { WebSocketProtocolError } from "./src/websocket_frames.ts";
export type { WebSocketOptions } from "./src/websocket_options.ts";
export type { WebSocketUpgrade, WebSocketUpgradeOptions } from "./src/websocket_upgrade.ts";
