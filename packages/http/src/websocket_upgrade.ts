/**
 * The server's side of the WebSocket handshake: `info.upgradeWebSocket()`
 * checks the request (RFC 6455 §4.2.1), asks the server for a switch to
 * `websocket` with the 101's Sec-WebSocket-Accept, and makes the socket.
 *
 * @module
 */
import { fieldValues, type RequestHead } from "./head.ts";
import { PendingSwitch } from "./server_upgrade.ts";
import { makeWebSocket, type PipeWebSocket } from "./websocket.ts";
import { listElements } from "./syntax.ts";
import { acceptFor, isKey } from "./websocket_handshake.ts";
import { webSocketLimits, type WebSocketOptions } from "./websocket_options.ts";

/**
 * What {@linkcode HttpRequestInfo.upgradeWebSocket} takes.
 *
 * @example
 * ```ts
 * import type { WebSocketUpgradeOptions } from "@winpipe/http";
 * const options: WebSocketUpgradeOptions = { protocol: "chat.v2", maxMessageSize: 1 << 20 };
 * ```
 */
export interface WebSocketUpgradeOptions extends WebSocketOptions {
  /**
   * The subprotocol to speak: one the request offers in
   * `Sec-WebSocket-Protocol` (a TypeError otherwise). Default: none.
   */
  protocol?: string;
  /** More fields of the 101 (not `Sec-WebSocket-*` ones): what `new Headers()` takes. */
  headers?: ConstructorParameters<typeof Headers>[0];
}

/**
 * What {@linkcode HttpRequestInfo.upgradeWebSocket} gives, as
 * `Deno.upgradeWebSocket` does: the Response to return from the handler,
 * and the socket, which opens once the server wrote the 101.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { createHttp, type WebSocketUpgrade } from "@winpipe/http";
 * const { serveHttp, pipeWebSocket } = createHttp(createWinpipe(createModelKernel()));
 * const name = String.raw`\\.\pipe\websocket-upgrade`;
 * await using server = serveHttp(name, (_request, info) => {
 *   const upgrade: WebSocketUpgrade = info.upgradeWebSocket();
 *   upgrade.socket.onopen = () => upgrade.socket.send("welcome");
 *   return upgrade.response;
 * });
 * await using socket = pipeWebSocket(name, "/");
 * const event = await new Promise<MessageEvent>((resolve) => (socket.onmessage = resolve));
 * event.data; // "welcome"
 * ```
 */
export interface WebSocketUpgrade {
  /**
   * Return this from the handler (or a framework's copy of it, as for
   * `info.upgrade()`'s response): the server answers `101 Switching
   * Protocols` for it.
   */
  response: Response;
  /**
   * The server's end of the WebSocket: CONNECTING until the 101 is
   * written, then OPEN. When the handler returns another Response or the
   * 101 cannot be written, it fires `error` and `close` (code 1006).
   */
  socket: PipeWebSocket;
}

/** The switch `info.upgradeWebSocket(options)` asks for on the request `head` (whose URL is `url`), and its socket. */
export function webSocketSwitch(
  head: RequestHead,
  url: string,
  options: WebSocketUpgradeOptions | undefined,
): { pending: PendingSwitch; upgrade: WebSocketUpgrade } {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError("upgradeWebSocket: options must be an object");
  }
  const limits = webSocketLimits(options, "upgradeWebSocket");
  if (head.method !== "GET") throw new TypeError(`upgradeWebSocket: a WebSocket opens with GET, not ${head.method}`);
  const asked = listElements(fieldValues(head, "upgrade"));
  if (!asked.some((protocol) => protocol.toLowerCase() === "websocket")) {
    throw new TypeError("upgradeWebSocket: the request's Upgrade field does not ask for websocket");
  }
  const keys = fieldValues(head, "sec-websocket-key");
  if (keys.length !== 1 || !isKey(keys[0].trim())) {
    throw new TypeError("upgradeWebSocket: the request has no valid Sec-WebSocket-Key (base64 of 16 bytes)");
  }
  const versions = fieldValues(head, "sec-websocket-version");
  if (versions.length !== 1 || versions[0].trim() !== "13") {
    // RFC 6455 §4.4: the handler may answer 426 with `Sec-WebSocket-Version: 13`.
    throw new TypeError("upgradeWebSocket: the request's Sec-WebSocket-Version is not 13");
  }
  const offered = listElements(fieldValues(head, "sec-websocket-protocol"));
  const protocol = options?.protocol;
  if (protocol !== undefined && (typeof protocol !== "string" || !offered.includes(protocol))) {
    throw new TypeError(
      `upgradeWebSocket: the request offers ${offered.length === 0 ? "no subprotocol" : offered.join(", ")}, ` +
        `not ${JSON.stringify(protocol)}`,
    );
  }
  const headers = new Headers(options?.headers);
  headers.forEach((_value, field) => {
    if (field.startsWith("sec-websocket-")) {
      throw new TypeError(`upgradeWebSocket: ${field} is the handshake's own field`);
    }
  });
  const more = acceptFor(keys[0].trim()).then((accept): [string, string][] => [
    ["sec-websocket-accept", accept],
    ...(protocol === undefined ? [] : [["sec-websocket-protocol", protocol] as [string, string]]),
  ]);
  const pending = new PendingSwitch(head, { protocol: "websocket", headers }, {
    later: more,
    reserved: (field) => field.startsWith("sec-websocket-"),
  });
  const socket = makeWebSocket({
    role: "server",
    url: url.replace(/^http/, "ws"),
    opening: pending.upgrade.connection.then((upgraded) => ({ upgraded, protocol: protocol ?? "" })),
    abortOpening: () => {},
    ...limits,
  });
  return { pending, upgrade: { response: pending.response, socket } };
}
