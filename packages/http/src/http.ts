/**
 * {@linkcode createHttp}: serveHttp and pipeFetch bound to one winpipe API.
 *
 * @module
 */
import type { Winpipe } from "@winpipe/core";
import { type PipeFetchInit, PipeHttpClient } from "./client.ts";
import { type HttpHandler, type HttpServer, serveHttpOn, type ServeHttpOptions } from "./server.ts";
import type { UpgradedConnection } from "./upgraded.ts";
import type { PipeWebSocket } from "./websocket.ts";
import type { PipeWebSocketInit } from "./websocket_client.ts";

/**
 * serveHttp and pipeFetch of one winpipe API (a kernel32 binding, or the model).
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type WinpipeHttp } from "@winpipe/http";
 * const http: WinpipeHttp = createHttp(createWinpipe(createModelKernel()));
 * await using server = http.serveHttp(String.raw`\\.\pipe\pair`, () => Response.json({ ok: true }));
 * await (await http.pipeFetch(String.raw`\\.\pipe\pair`, "/")).json(); // { ok: true }
 * ```
 */
export interface WinpipeHttp {
  /**
   * Serves HTTP/1.1 on the named pipe `name`: each request goes to
   * `handler` as a Request, the Response it returns goes back. See
   * {@linkcode ServeHttpOptions} for the limits and {@linkcode HttpServer}
   * for stopping it.
   */
  serveHttp(name: string, handler: HttpHandler, options?: ServeHttpOptions): HttpServer;
  /**
   * fetch over a named pipe: the `fetch` of a {@linkcode PipeHttpClient}
   * shared by every call (8 idle connections per pipe, at most).
   */
  pipeFetch(name: string, input: Request | string | URL, init?: PipeFetchInit): Promise<Response>;
  /**
   * A request to switch protocols (`Upgrade`), through the same client as
   * pipeFetch: the connection after a `101`, or the Response of any other
   * answer. See {@linkcode PipeHttpClient.upgrade}.
   */
  pipeUpgrade(
    name: string,
    input: Request | string | URL,
    init?: PipeFetchInit,
  ): Promise<UpgradedConnection | Response>;
  /**
   * Opens a WebSocket to the server on pipe `name`, through the same
   * client as pipeFetch: `new WebSocket(url, protocols)` with the pipe
   * name first. See {@linkcode PipeHttpClient.webSocket}.
   */
  pipeWebSocket(
    name: string,
    input: string | URL,
    protocolsOrInit?: string | string[] | PipeWebSocketInit,
  ): PipeWebSocket;
}

/**
 * Binds serveHttp and pipeFetch to a winpipe API. `@winpipe/deno` and
 * `@winpipe/bun` export the pair bound to kernel32; bind it to the model
 * to test HTTP code on any OS.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp } from "@winpipe/http";
 *
 * const { serveHttp, pipeFetch } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\create-http-example`;
 * await using server = serveHttp(name, async (request) => Response.json({ got: await request.text() }));
 * const response = await pipeFetch(name, "/echo", { method: "POST", body: "hello" });
 * await response.json(); // { got: "hello" }
 * ```
 */
export function createHttp(pipes: Winpipe): WinpipeHttp {
  let client: PipeHttpClient | undefined;
  return {
    serveHttp: (name, handler, options) => serveHttpOn(pipes, name, handler, options),
    pipeFetch: (name, input, init) => (client ??= new PipeHttpClient(pipes)).fetch(name, input, init),
    pipeUpgrade: (name, input, init) => (client ??= new PipeHttpClient(pipes)).upgrade(name, input, init),
    pipeWebSocket: (name, input, init) => (client ??= new PipeHttpClient(pipes)).webSocket(name, input, init),
  };
}
