/**
 * The strict parser of an HTTP/1.1 message head (RFC 9112 §2-§6): the
 * request line or status line, the header fields, and what frames the body.
 * It refuses what two parsers could read two ways (the root of request
 * smuggling) instead of guessing: see docs/http.md for the list.
 *
 * @module
 */
import { CR, FIELD_VALUE, HTAB, latin1, LF, listHas, normalisedMethod, SP, TARGET, TOKEN } from "./syntax.ts";

/**
 * A message the parser refuses. `status` is what a server answers (400,
 * 431, 501, 505); the connection is closed after it, since where the next
 * message starts is no longer known. pipeFetch reports an invalid response
 * as a TypeError whose `cause` is one of these.
 *
 * @example
 * ```ts
 * import { HttpParseError } from "@winpipe/http";
 * const error = new HttpParseError(400, "both Content-Length and Transfer-Encoding");
 * error.status; // 400
 * ```
 */
export class HttpParseError extends Error {
  /** The status code a server answers with. */
  readonly status: number;

  /** An error that a server answers with `status` (400, 408, 413, 431, 501, ...). */
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpParseError";
    this.status = status;
  }
}

/** What request and response heads share. */
export interface MessageHead {
  /** The minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minor: 0 | 1;
  /** The header fields in order, names in lower case, values without surrounding whitespace. */
  fields: [name: string, value: string][];
}

/** A request line and its header fields. */
export interface RequestHead extends MessageHead {
  method: string;
  target: string;
}

/** A status line and its header fields. */
export interface ResponseHead extends MessageHead {
  status: number;
  reason: string;
}

/** How the body of a message is delimited (RFC 9112 §6.3). */
export type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  /** Until the connection closes (responses only). */
  | { kind: "close" };

/** The head ends at an empty line: where it ends, or how far the scan got, or why it is refused. */
export type ScanResult = { end: number } | { scanned: number };

/**
 * Looks for the empty line that ends a head in `bytes[start..end)`, resuming
 * at `from` (a previous scan's `scanned`). Every line must end with CRLF: a
 * bare LF is refused (two parsers disagree on it). Empty lines before the
 * first line are skipped by the caller, not here.
 */
export function scanHead(bytes: Uint8Array, start: number, end: number, from: number): ScanResult {
  const view = bytes.subarray(0, end); // indexOf must not look at stale bytes past `end`
  let i = Math.max(from, start);
  for (;;) {
    const lf = view.indexOf(LF, i);
    // A CR must be followed by LF: one inside a line (or before the last byte so far) is refused now,
    // rather than after waiting for a line end that a CR-only sender never sends.
    const cr = view.indexOf(CR, i);
    if (cr !== -1 && (lf === -1 ? cr < end - 1 : cr < lf - 1)) {
      throw new HttpParseError(400, "a CR that is not followed by LF");
    }
    if (lf === -1) return { scanned: end };
    if (lf === start || bytes[lf - 1] !== CR) throw new HttpParseError(400, "a line ends with LF without CR");
    // An empty line: CRLF right after the previous line's LF.
    if (lf - 1 > start && bytes[lf - 2] === LF) return { end: lf + 1 };
    i = lf + 1;
  }
}

/** Parses the header field lines of `bytes[at..end)` (each ending with CRLF, the empty line excluded). */
function parseFields(bytes: Uint8Array, at: number, end: number): [string, string][] {
  const fields: [string, string][] = [];
  while (at < end) {
    const lineEnd = bytes.indexOf(LF, at) - 1; // the CR; scanHead checked every LF has one
    const first = bytes[at];
    if (first === SP || first === HTAB) {
      throw new HttpParseError(400, "obsolete line folding (a header line starting with whitespace)");
    }
    let colon = at;
    while (colon < lineEnd && TOKEN[bytes[colon]] === 1) colon++;
    if (colon === at || bytes[colon] !== 0x3a) {
      throw new HttpParseError(
        400,
        colon === at ? "a header field without a name" : "an invalid byte in a header field name",
      );
    }
    let valueStart = colon + 1;
    let valueEnd = lineEnd;
    while (valueStart < valueEnd && (bytes[valueStart] === SP || bytes[valueStart] === HTAB)) valueStart++;
    while (valueEnd > valueStart && (bytes[valueEnd - 1] === SP || bytes[valueEnd - 1] === HTAB)) valueEnd--;
    for (let i = valueStart; i < valueEnd; i++) {
      if (FIELD_VALUE[bytes[i]] === 0) {
        throw new HttpParseError(
          400,
          `an invalid byte (0x${bytes[i].toString(16).padStart(2, "0")}) in a header value`,
        );
      }
    }
    fields.push([latin1(bytes, at, colon).toLowerCase(), latin1(bytes, valueStart, valueEnd)]);
    at = lineEnd + 2;
  }
  return fields;
}

/**
 * "HTTP/1.x" at `bytes[at..at+8)`: the minor version, a higher one than 1
 * read as 1 (RFC 9110 §2.5: a message of a higher minor version is
 * processed as of the highest one the recipient knows; Go's server does
 * so too); 505 for other major versions, 400 for no version.
 */
function parseVersion(bytes: Uint8Array, at: number, end: number): 0 | 1 {
  const ok = end - at === 8 && bytes[at] === 0x48 && bytes[at + 1] === 0x54 && bytes[at + 2] === 0x54 &&
    bytes[at + 3] === 0x50 && bytes[at + 4] === 0x2f && bytes[at + 6] === 0x2e;
  const major = bytes[at + 5] - 0x30, minor = bytes[at + 7] - 0x30;
  if (!ok || major < 0 || major > 9 || minor < 0 || minor > 9) {
    throw new HttpParseError(400, "a malformed HTTP version");
  }
  if (major !== 1) throw new HttpParseError(505, `HTTP/${major}.${minor} is not supported`);
  return minor === 0 ? 0 : 1;
}

/**
 * Parses a request head, `bytes[start..end)` as found by {@linkcode scanHead}
 * (empty lines before it already skipped).
 */
export function parseRequestHead(bytes: Uint8Array, start: number, end: number): RequestHead {
  const lineEnd = bytes.indexOf(LF, start) - 1;
  let i = start;
  while (i < lineEnd && TOKEN[bytes[i]] === 1) i++;
  if (i === start || bytes[i] !== SP) throw new HttpParseError(400, "a malformed request line (method)");
  const method = latin1(bytes, start, i);
  if (normalisedMethod(method) !== method) {
    // fetch's Request would turn "get" into "GET": a different method to HTTP, which is case-sensitive.
    throw new HttpParseError(400, `method names are case-sensitive: ${JSON.stringify(method)}`);
  }
  const targetStart = ++i;
  while (i < lineEnd && TARGET[bytes[i]] === 1) i++;
  if (i === targetStart || bytes[i] !== SP) throw new HttpParseError(400, "a malformed request line (target)");
  const target = latin1(bytes, targetStart, i);
  const minor = parseVersion(bytes, i + 1, lineEnd);
  return { method, target, minor, fields: parseFields(bytes, lineEnd + 2, end - 2) };
}

/** Parses a response head, `bytes[start..end)` as found by {@linkcode scanHead}. */
export function parseResponseHead(bytes: Uint8Array, start: number, end: number): ResponseHead {
  const lineEnd = bytes.indexOf(LF, start) - 1;
  if (bytes[start + 8] !== SP) throw new HttpParseError(400, "a malformed status line");
  const minor = parseVersion(bytes, start, start + 8);
  let status = 0;
  for (let k = start + 9; k < start + 12; k++) {
    const digit = bytes[k] - 0x30;
    if (digit < 0 || digit > 9 || k >= lineEnd) throw new HttpParseError(400, "a malformed status code");
    status = status * 10 + digit;
  }
  if (status < 100) throw new HttpParseError(400, "a malformed status code");
  let reasonStart = start + 12;
  if (reasonStart < lineEnd) {
    if (bytes[reasonStart] !== SP) throw new HttpParseError(400, "a malformed status line");
    reasonStart++;
  }
  for (let k = reasonStart; k < lineEnd; k++) {
    if (FIELD_VALUE[bytes[k]] === 0) throw new HttpParseError(400, "an invalid byte in the reason phrase");
  }
  return {
    status,
    reason: latin1(bytes, reasonStart, lineEnd),
    minor,
    fields: parseFields(bytes, lineEnd + 2, end - 2),
  };
}

/** The largest Content-Length accepted: what a JavaScript number counts exactly. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER;

/**
 * The body length of Content-Length fields: 1*DIGIT each, possibly a list
 * ("5, 5"); every value must be the same (RFC 9112 §6.3 item 5).
 */
function contentLength(values: string[]): number {
  let length: number | undefined;
  for (const value of values) {
    for (const item of value.split(",")) {
      const text = item.trim();
      if (!/^[0-9]+$/.test(text)) throw new HttpParseError(400, `an invalid Content-Length: ${JSON.stringify(value)}`);
      const n = Number(text);
      if (n > MAX_LENGTH) throw new HttpParseError(400, `a Content-Length too large: ${text}`);
      if (length !== undefined && n !== length) throw new HttpParseError(400, "differing Content-Length values");
      length = n;
    }
  }
  return length!;
}

/** The values of the fields named `name` (lower case). */
export function fieldValues(head: MessageHead, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of head.fields) if (n === name) out.push(v);
  return out;
}

/**
 * Content-Length or Transfer-Encoding, checked: both at once is refused, and
 * the only transfer coding accepted is `chunked` alone (a request with any
 * other is refused: 501 when chunked comes last, 400 otherwise).
 */
function lengthOrChunked(head: MessageHead): Framing | undefined {
  const te = fieldValues(head, "transfer-encoding");
  const cl = fieldValues(head, "content-length");
  if (te.length > 0) {
    if (cl.length > 0) throw new HttpParseError(400, "both Content-Length and Transfer-Encoding");
    if (head.minor === 0) throw new HttpParseError(400, "Transfer-Encoding in an HTTP/1.0 message");
    const codings = te.join(",").split(",").map((c) => c.trim().toLowerCase());
    if (codings.length === 1 && codings[0] === "chunked") return { kind: "chunked" };
    if (codings.at(-1) === "chunked" && codings.indexOf("chunked") === codings.length - 1) {
      throw new HttpParseError(501, `unsupported transfer coding: ${te.join(", ")}`);
    }
    throw new HttpParseError(400, `a Transfer-Encoding that does not end with chunked: ${te.join(", ")}`);
  }
  if (cl.length > 0) return { kind: "length", length: contentLength(cl) };
  return undefined;
}

/** How the body of a request is delimited; a request has none unless it says so. */
export function requestFraming(head: RequestHead): Framing {
  const framing = lengthOrChunked(head) ?? { kind: "none" };
  return framing.kind === "length" && framing.length === 0 ? { kind: "none" } : framing;
}

/**
 * How the body of a response is delimited (RFC 9112 §6.3): none for a
 * response to HEAD and for 1xx, 204 and 304; otherwise Transfer-Encoding,
 * Content-Length, or the rest of the connection.
 */
export function responseFraming(head: ResponseHead, requestMethod: string): Framing {
  const framing = lengthOrChunked(head);
  if (requestMethod === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304) {
    return { kind: "none" };
  }
  if (framing === undefined) return { kind: "close" };
  return framing.kind === "length" && framing.length === 0 ? { kind: "none" } : framing;
}

/** Whether the connection stays open after this message (RFC 9112 §9.3). */
export function keepsAlive(head: MessageHead): boolean {
  const connection = fieldValues(head, "connection").join(",");
  if (head.minor === 0) return listHas(connection, "keep-alive");
  return !listHas(connection, "close");
}

/**
 * The Host of an HTTP/1.1 request: exactly one field (RFC 9112 §3.2), a
 * valid authority. HTTP/1.0 requests may leave it out.
 */
export function requestHost(head: RequestHead): string | undefined {
  const hosts = fieldValues(head, "host");
  if (hosts.length > 1) throw new HttpParseError(400, "more than one Host field");
  if (hosts.length === 0) {
    if (head.minor === 1) throw new HttpParseError(400, "an HTTP/1.1 request without Host");
    return undefined;
  }
  const host = hosts[0];
  // reg-name / IP-literal, then an optional port: nothing that would change the meaning of a URL.
  if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/.test(host)) {
    throw new HttpParseError(400, `an invalid Host: ${JSON.stringify(host)}`);
  }
  return host;
}
