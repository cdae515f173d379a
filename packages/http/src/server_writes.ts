/**
 * What the HTTP server writes on its own account: the refusals it answers
 * itself, `100 Continue`, the Date field, and the fields it keeps for
 * itself.
 *
 * @module
 */
import { encodeHead } from "./body_out.ts";
import { REASONS } from "./syntax.ts";

/** A request the server answers itself (malformed, too large, timed out), then closes the connection. */
export function refusal(status: number, detail: string): Uint8Array {
  const body = new TextEncoder().encode(`${REASONS[status] ?? "Error"}: ${detail}\n`);
  const head = encodeHead(`HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}`, [
    ["content-type", "text/plain; charset=utf-8"],
    ["content-length", String(body.length)],
    ["connection", "close"],
    ["date", httpDate()],
  ]);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

let dateText = "", dateSecond = -1;
/** The Date field, made once a second. */
export function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** Response fields the server sets itself: the handler's are dropped. */
export const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

/** The interim response to `Expect: 100-continue`. */
export const CONTINUE = encodeHead("HTTP/1.1 100 Continue", []);
