/**
 * The request corpus: messages sent raw over the pipe and the answer each
 * must get. The invalid ones are the classic request-smuggling and
 * parser-confusion cases (two parsers reading one message two ways); each
 * must get its status and the connection closed, with the handler never
 * called unless the fault is in the body (`inBody`). The valid ones are their near neighbours that must be served.
 * Text is bytes: each character one byte.
 *
 * @module
 */

/** One message and the answer it must get. */
export interface CorpusCase {
  name: string;
  /** The bytes sent, as text with one character per byte. */
  request: string;
  /** The status of the (only) response. */
  status: number;
  /** Valid cases: the body the echo handler must have seen. */
  body?: string;
  /** The fault is in the body: the handler is called, and the server answers once it reads the body. */
  inBody?: boolean;
}

const H = "Host: pipe\r\n";

/** Requests that must be refused, and the connection closed. */
export const INVALID: CorpusCase[] = [
  {
    name: "Content-Length and Transfer-Encoding",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding and Content-Length",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "two differing Content-Lengths",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nContent-Length: 0\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`,
    status: 400,
  },
  {
    name: "a Content-Length list with differing values",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 1, 2\r\n\r\nab`,
    status: 400,
  },
  { name: "a signed Content-Length", request: `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`, status: 400 },
  { name: "a negative Content-Length", request: `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, status: 400 },
  {
    name: "a hexadecimal Content-Length",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 0x3\r\n\r\nabc`,
    status: 400,
  },
  {
    name: "a Content-Length with a space inside",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 1 2\r\n\r\n`,
    status: 400,
  },
  {
    name: "an overflowing Content-Length",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding: chunked, chunked",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "two Transfer-Encoding fields, chunked twice",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding: identity",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding not ending with chunked",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "a coding before chunked (not implemented)",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
    status: 501,
  },
  {
    name: "Transfer-Encoding with a vertical tab",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding in HTTP/1.0",
    request: `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "whitespace before the colon",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc`,
    status: 400,
  },
  { name: "obsolete line folding", request: `GET / HTTP/1.1\r\n${H}X-Folded: a\r\n b\r\n\r\n`, status: 400 },
  {
    name: "obsolete line folding with a tab",
    request: `GET / HTTP/1.1\r\n${H}X-Folded: a\r\n\tb\r\n\r\n`,
    status: 400,
  },
  { name: "a NUL byte in a header value", request: `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, status: 400 },
  { name: "a DEL byte in a header value", request: `GET / HTTP/1.1\r\n${H}X-A: a\x7fb\r\n\r\n`, status: 400 },
  { name: "a bare CR in a header value", request: `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, status: 400 },
  { name: "a bare CR ending a line", request: `GET / HTTP/1.1\r${H}\r\n`, status: 400 },
  { name: "an invalid byte in a header name", request: `GET / HTTP/1.1\r\n${H}X@A: 1\r\n\r\n`, status: 400 },
  { name: "a non-ASCII byte in a header name", request: `GET / HTTP/1.1\r\n${H}X-\xe9: 1\r\n\r\n`, status: 400 },
  { name: "a header field without a name", request: `GET / HTTP/1.1\r\n${H}: value\r\n\r\n`, status: 400 },
  { name: "a header line without a colon", request: `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`, status: 400 },
  { name: "lines ending with a bare LF", request: `GET / HTTP/1.1\nHost: pipe\n\n`, status: 400 },
  { name: "a head ending with a bare LF", request: `GET / HTTP/1.1\r\n${H}\n`, status: 400 },
  { name: "an HTTP/1.1 request without Host", request: `GET / HTTP/1.1\r\n\r\n`, status: 400 },
  { name: "two Host fields", request: `GET / HTTP/1.1\r\n${H}Host: other\r\n\r\n`, status: 400 },
  { name: "an invalid Host", request: `GET / HTTP/1.1\r\nHost: a/b@c\r\n\r\n`, status: 400 },
  { name: "a Host whose port is out of range", request: `GET / HTTP/1.1\r\nHost: pipe:99999\r\n\r\n`, status: 400 },
  { name: "a Host with an invalid percent-encoding", request: `GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n`, status: 400 },
  { name: "a Host that is an invalid IPv4 address", request: `GET / HTTP/1.1\r\nHost: 999.1.1.1\r\n\r\n`, status: 400 },
  {
    name: "an absolute-form target whose port is out of range",
    request: `GET http://pipe:99999/ HTTP/1.1\r\n${H}\r\n`,
    status: 400,
  },
  { name: "two spaces in the request line", request: `GET  / HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: "a space in the request target", request: `GET /a b HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: "a trailing space after the version", request: `GET / HTTP/1.1 \r\n${H}\r\n`, status: 400 },
  { name: "a lower-case version", request: `GET / http/1.1\r\n${H}\r\n`, status: 400 },
  { name: "HTTP/2.0 in a request line", request: `GET / HTTP/2.0\r\n${H}\r\n`, status: 505 },
  { name: "a lower-case standard method", request: `get / HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: "a target that is neither a path nor a URL", request: `GET index.html HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: "CONNECT", request: `CONNECT pipe:80 HTTP/1.1\r\n${H}\r\n`, status: 501 },
  { name: "TRACE", request: `TRACE / HTTP/1.1\r\n${H}\r\n`, status: 501 },
  {
    name: "an unsupported expectation",
    request: `POST / HTTP/1.1\r\n${H}Expect: 200-ok\r\nContent-Length: 1\r\n\r\na`,
    status: 417,
  },
  {
    name: "a chunk size with 0x",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a negative chunk size",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a chunk size with a leading space",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a chunk size with trailing junk",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "an empty chunk size",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "an overflowing chunk size",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "chunk data longer than its size",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a chunk size ending with a bare LF",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a control byte in a chunk extension",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a chunk-size line longer than 4096 bytes (its extensions)",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;${"e".repeat(4095)}\r\nhello\r\n0\r\n\r\n`,
    status: 400,
    inBody: true,
  },
  {
    name: "a trailer field line longer than the header limit (16384 bytes)",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: ${
      "t".repeat(16380)
    }\r\n\r\n`,
    status: 431,
    inBody: true,
  },
  {
    name: "obsolete line folding in the trailers",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: a\r\n b\r\n\r\n`,
    status: 400,
    inBody: true,
  },
];

/** Near neighbours of the invalid cases that must be served (the handler echoes the body). */
export const VALID: CorpusCase[] = [
  {
    name: "two identical Content-Lengths",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`,
    status: 200,
    body: "abc",
  },
  {
    name: "a Content-Length list of one value twice",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`,
    status: 200,
    body: "abc",
  },
  {
    name: "Transfer-Encoding in upper case",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    status: 200,
    body: "abc",
  },
  {
    name: "chunk sizes in hex with extensions and trailers",
    request:
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nA;name=value\r\n0123456789\r\n1 ; x\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n`,
    status: 200,
    body: "0123456789!",
  },
  {
    name: "a chunk-size line of exactly 4096 bytes",
    request: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;${"e".repeat(4094)}\r\nhello\r\n0\r\n\r\n`,
    status: 200,
    body: "hello",
  },
  {
    name: "whitespace around a header value",
    request: `POST / HTTP/1.1\r\n${H}Content-Length: \t 3 \t\r\n\r\nabc`,
    status: 200,
    body: "abc",
  },
  {
    name: "obs-text in a header value",
    request: `POST / HTTP/1.1\r\n${H}X-Latin: caf\xe9\r\nContent-Length: 1\r\n\r\nx`,
    status: 200,
    body: "x",
  },
  {
    name: "empty lines before the request line",
    request: `\r\n\r\nPOST / HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nok`,
    status: 200,
    body: "ok",
  },
  {
    name: "an absolute-form target",
    request: `POST http://pipe/abs HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabs`,
    status: 200,
    body: "abs",
  },
  {
    // RFC 9110 §2.5: a higher minor version of a major version the server knows is read as its highest, 1.1.
    name: "a higher minor version (HTTP/1.2), served as HTTP/1.1",
    request: `POST / HTTP/1.2\r\n${H}Content-Length: 3\r\n\r\n1.2`,
    status: 200,
    body: "1.2",
  },
  {
    name: "an HTTP/1.0 request without Host",
    request: `POST / HTTP/1.0\r\nContent-Length: 4\r\n\r\n1.0!`,
    status: 200,
    body: "1.0!",
  },
  {
    name: "an extension method",
    request: `PURGE / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\npurge`,
    status: 200,
    body: "purge",
  },
];
