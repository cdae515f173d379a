/**
 * The client's side of the WebSocket handshake (RFC 6455 §4.1): the
 * request through {@linkcode PipeHttpClient.upgrade}, the checks of the
 * server's 101, and the socket.
 *
 * @module
 */
import { parsePipeName } from "@winpipe/core";
import type { PipeFetchInit, PipeHttpClient } from "./client.ts";
import { listHas } from "./syntax.ts";
import { makeWebSocket, type PipeWebSocket } from "./websocket.ts";
import { acceptFor, newKey, subprotocols } from "./websocket_handshake.ts";
import { webSocketLimits, type WebSocketOptions } from "./websocket_options.ts";

/**
 * Options of pipeWebSocket: the subprotocols to offer, the handshake's
 * request, and the socket's limits.
 *
 * @example
 * ```ts
 * import type { PipeWebSocketInit } from "@winpipe/http";
 * const init: PipeWebSocketInit = {
 *   protocols: ["chat.v2", "chat.v1"],
 *   headers: { authorization: "Bearer abc" },
 *   waitForCreation: true, // the server may still be starting
 *   connectTimeout: 5000,
 * };
 * ```
 */
export interface PipeWebSocketInit
  extends
    WebSocketOptions,
    Pick<PipeFetchInit, "headers" | "signal" | "connectTimeout" | "waitForCreation" | "serverOwner" | "maxHeaderSize"> {
  /** The subprotocols offered, as `new WebSocket(url, protocols)` takes them; the server picks one or none. */
  protocols?: string | string[];
  /**
   * Stops the handshake when it aborts (the socket then fires `error` and
   * `close` with 1006, as `close()` while CONNECTING does); once the socket
   * is open it has no effect.
   */
  signal?: AbortSignal | null;
}

/** Fields of the handshake that the client writes itself. */
const HANDSHAKE_FIELDS = ["upgrade", "connection", "sec-websocket-key", "sec-websocket-version"];

/** The ws: URL `input` names (a path is on `ws://localhost`, http: is read as ws:), or a SyntaxError. */
function webSocketUrl(input: string | URL): URL {
  const text = input instanceof URL ? input.href : String(input);
  let url: URL;
  try {
    url = new URL(text.startsWith("/") ? `ws://localhost${text}` : text);
  } catch {
    throw new DOMException(`pipeWebSocket: ${JSON.stringify(text)} is not a URL`, "SyntaxError");
  }
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:" || url.protocol === "wss:") {
    throw new DOMException(`pipeWebSocket: ${text}: TLS is not spoken over a pipe; use ws:`, "SyntaxError");
  }
  if (url.protocol !== "ws:") {
    throw new DOMException(`pipeWebSocket: ${text} is not a ws: URL`, "SyntaxError");
  }
  // WHATWG: a fragment is a SyntaxError (a WebSocket URL has none to go to).
  if (url.hash !== "" || url.href.endsWith("#")) {
    throw new DOMException(`pipeWebSocket: ${text} has a fragment`, "SyntaxError");
  }
  return url;
}

/**
 * Opens a WebSocket to the server on pipe `name`; what
 * {@linkcode PipeHttpClient.webSocket} does. Bad arguments throw before
 * any pipe is opened: a SyntaxError for the URL and the subprotocols (as
 * `new WebSocket` throws), a TypeError or RangeError for the options.
 */
export function openWebSocket(
  client: PipeHttpClient,
  name: string,
  input: string | URL,
  protocolsOrInit?: string | string[] | PipeWebSocketInit,
): PipeWebSocket {
  const pipeName = parsePipeName(name).full;
  const init: PipeWebSocketInit = typeof protocolsOrInit === "string" || Array.isArray(protocolsOrInit)
    ? { protocols: protocolsOrInit }
    : protocolsOrInit ?? {};
  if (typeof init !== "object" || init === null) throw new TypeError("pipeWebSocket: init must be an object");
  const url = webSocketUrl(input);
  const protocols = subprotocols(init.protocols);
  const limits = webSocketLimits(init, "pipeWebSocket");
  const headers = new Headers(init.headers);
  for (const field of HANDSHAKE_FIELDS) {
    if (headers.has(field)) throw new TypeError(`pipeWebSocket: ${field} is the handshake's own field`);
  }
  if (headers.has("sec-websocket-protocol")) {
    throw new TypeError("pipeWebSocket: give the subprotocols as init.protocols, not as a field");
  }
  if (headers.has("sec-websocket-extensions")) {
    throw new TypeError("pipeWebSocket: no extension is spoken (Sec-WebSocket-Extensions)");
  }
  const key = newKey();
  headers.set("upgrade", "websocket");
  headers.set("sec-websocket-key", key);
  headers.set("sec-websocket-version", "13");
  if (protocols.length > 0) headers.set("sec-websocket-protocol", protocols.join(", "));
  const abort = new AbortController();
  const signal = init.signal ? AbortSignal.any([init.signal, abort.signal]) : abort.signal;
  const httpUrl = new URL(url.href);
  httpUrl.protocol = "http:";

  const opening = (async () => {
    const result = await client.upgrade(pipeName, httpUrl, {
      method: "GET",
      headers,
      signal,
      connectTimeout: init.connectTimeout,
      waitForCreation: init.waitForCreation,
      maxHeaderSize: init.maxHeaderSize,
      serverOwner: init.serverOwner,
    });
    if (result instanceof Response) {
      await result.body?.cancel().catch(() => {});
      throw new TypeError(
        `pipeWebSocket: the server answered ${result.status} ${result.statusText}, not 101 Switching Protocols`,
        { cause: result },
      );
    }
    const refuse = (why: string) => {
      result.close();
      return new TypeError(`pipeWebSocket: the server's 101 ${why}`);
    };
    // RFC 6455 §4.1: what the client checks of the server's handshake, failing the connection otherwise.
    if (result.headers.get("upgrade")?.trim().toLowerCase() !== "websocket") {
      throw refuse("does not switch to websocket alone (its Upgrade field)");
    }
    if (!listHas(result.headers.get("connection"), "upgrade")) throw refuse("has no Connection: upgrade");
    if (result.headers.get("sec-websocket-accept") !== await acceptFor(key)) {
      throw refuse("has a wrong or no Sec-WebSocket-Accept");
    }
    if (result.headers.has("sec-websocket-extensions")) throw refuse("names extensions, and none was offered");
    const protocol = result.headers.get("sec-websocket-protocol") ?? "";
    if (protocol !== "" && !protocols.includes(protocol)) {
      throw refuse(`chose the subprotocol ${JSON.stringify(protocol)}, which was not offered`);
    }
    // WHATWG: subprotocols were offered and the server chose none (ws fails it too; Deno's WebSocket opens).
    if (protocol === "" && protocols.length > 0) throw refuse(`chose none of the offered subprotocols`);
    return { upgraded: result, protocol };
  })();
  return makeWebSocket({
    role: "client",
    url: url.href,
    opening,
    abortOpening: () => abort.abort(new DOMException("the WebSocket was closed before it opened", "AbortError")),
    ...limits,
  });
}
