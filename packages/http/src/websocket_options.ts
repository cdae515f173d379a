/**
 * The options both ends of a WebSocket take, and their checks.
 *
 * @module
 */
import { integerOption } from "./options.ts";
import type { WebSocketLimits } from "./websocket.ts";

/**
 * Limits of a WebSocket, at either end.
 *
 * @example
 * ```ts
 * import type { WebSocketOptions } from "@winpipe/http";
 * const options: WebSocketOptions = { maxMessageSize: 1 << 20, closeTimeout: 2000 };
 * ```
 */
export interface WebSocketOptions {
  /**
   * The largest message accepted, in bytes (whole, after reassembling its
   * fragments); a bigger one fails the connection with close code 1009.
   * Default 64 MiB.
   */
  maxMessageSize?: number;
  /**
   * How long the closing handshake may take, in ms: after `close()`, the
   * wait for the peer's close frame; after it, the client's wait for the
   * server to close the pipe. The pipe is closed when it passes: without
   * the peer's close frame the `close` event has code 1006, not clean;
   * after both close frames it is clean, with the peer's code. Default 5000.
   */
  closeTimeout?: number;
}

/** The limits `options` give: a TypeError or RangeError for a bad one, before anything is made. */
export function webSocketLimits(options: WebSocketOptions | undefined, what: string): WebSocketLimits {
  return {
    maxMessageSize: integerOption(options?.maxMessageSize, `${what}: maxMessageSize`, 1, 2 ** 32, 64 * 1024 * 1024),
    closeTimeout: integerOption(options?.closeTimeout, `${what}: closeTimeout`, 0, 0x7fffffff, 5000),
  };
}
