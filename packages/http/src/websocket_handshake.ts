/**
 * The WebSocket opening handshake (RFC 6455 §4): the key a client sends,
 * the accept value a server answers with, and the checks of a request
 * (server) and of a 101 (client).
 *
 * @module
 */
import { isToken } from "./syntax.ts";

/** RFC 6455 §1.3: appended to the key before hashing. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** A new Sec-WebSocket-Key: 16 random bytes in base64 (§4.1). */
export function newKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** Whether `key` is a Sec-WebSocket-Key: base64 of 16 bytes (§4.2.1 item 5). */
export function isKey(key: string): boolean {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(key)) return false;
  try {
    return atob(key).length === 16;
  } catch {
    return false;
  }
}

/** The Sec-WebSocket-Accept for `key`: base64 of SHA-1 of key + GUID (§4.2.2 item 5.4). */
export async function acceptFor(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * The subprotocols a client asks for (`protocols` of `new WebSocket(url,
 * protocols)`), checked as the WHATWG WebSocket constructor checks them: a
 * SyntaxError for one that is not a token or is named twice.
 */
export function subprotocols(protocols: string | readonly string[] | undefined): string[] {
  const list = protocols === undefined ? [] : typeof protocols === "string" ? [protocols] : [...protocols];
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== "string" || !isToken(protocol)) {
      throw new DOMException(`${JSON.stringify(protocol)} is not a subprotocol name (a token)`, "SyntaxError");
    }
    if (seen.has(protocol)) throw new DOMException(`the subprotocol ${protocol} is named twice`, "SyntaxError");
    seen.add(protocol);
  }
  return list;
}
