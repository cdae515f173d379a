/**
 * The byte-level grammar of HTTP/1.1 (RFC 9110 §5.6, RFC 9112) that the
 * parser and the writer share: which bytes a token, a field value, a
 * request target and a reason phrase may hold, and Latin-1 text.
 *
 * @module
 */

/** CR, LF, SP, HTAB. */
export const CR = 0x0d, LF = 0x0a, SP = 0x20, HTAB = 0x09;

/** tchar (RFC 9110 §5.6.2): the bytes of a token (method, field name, coding). */
export const TOKEN: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x21; b < 0x7f; b++) table[b] = 1;
  for (const c of '"(),/:;<=>?@[\\]{}') table[c.charCodeAt(0)] = 0;
  return table;
})();

/**
 * field-vchar / SP / HTAB (RFC 9110 §5.5): the bytes a field value may
 * hold. obs-text (0x80-0xFF) is allowed, as the grammar still does; every
 * control byte but HTAB (NUL, CR, LF, DEL, ...) is not.
 */
export const FIELD_VALUE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x20; b < 0x100; b++) table[b] = 1;
  table[0x7f] = 0;
  table[HTAB] = 1;
  return table;
})();

/** The bytes of a request target: visible ASCII (no space, no control byte, no obs-text). */
export const TARGET: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x21; b < 0x7f; b++) table[b] = 1;
  return table;
})();

/** True when `text` is a non-empty token. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) return false;
  }
  return true;
}

/** True when `text` may be sent as a field value (or a reason phrase): no control byte but HTAB, nothing above 0xFF. */
export function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] === 0) return false;
  }
  return true;
}

/** The methods fetch's Request writes in upper case in whatever case they come (Fetch standard, "normalize a method"). */
const CASE_NORMALISED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

/** `method` as fetch's Request reads it: one of those six in upper case, any other as it is. */
export function normalisedMethod(method: string): string {
  const upper = method.toUpperCase();
  return CASE_NORMALISED.has(upper) ? upper : method;
}

/** The bytes `start..end` of `bytes` as Latin-1 text (one character per byte, as HTTP field values are). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  // String.fromCharCode takes its arguments on the stack: go in slices.
  for (let at = start; at < end; at += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(at, Math.min(end, at + 8192)) as unknown as number[]);
  }
  return text;
}

/** `text` (Latin-1: every character below 0x100, checked by the caller) as bytes, written into `out` at `at`. */
export function writeLatin1(text: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** Text as Latin-1 bytes; the caller has checked that every character is below 0x100. */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  writeLatin1(text, out, 0);
  return out;
}

/** The reason phrases of the status codes a server or client is likely to meet (RFC 9110 §15). */
export const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  422: "Unprocessable Content",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

/** The elements of a list field (RFC 9110 §5.6.1) given as its values: split at commas, trimmed, empty ones dropped. */
export function listElements(values: readonly string[]): string[] {
  return values.join(",").split(",").map((p) => p.trim()).filter((p) => p !== "");
}

/** True when `value`, a comma-separated list of tokens (the Connection field), holds `token` (lower case). */
export function listHas(value: string | null | undefined, token: string): boolean {
  if (!value) return false;
  for (const item of value.split(",")) if (item.trim().toLowerCase() === token) return true;
  return false;
}
