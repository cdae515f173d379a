/**
 * `@winpipe/streams/node`: winpipe connections for `node:stream` code.
 *
 * {@linkcode toNodeDuplex} makes a `node:stream` Duplex of a connection,
 * with the pipe's backpressure, for `node:http`, `stream.pipeline` and
 * libraries written for `net.Socket` (vscode-jsonrpc, ...). It is a subpath
 * of its own because it imports `node:stream`, which Deno and Bun both
 * provide but the main entry of `@winpipe/streams` (WHATWG streams only)
 * does not need.
 *
 * @example
 * ```ts
 * import { pipeline } from "node:stream/promises";
 * import { Writable } from "node:stream";
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { toNodeDuplex } from "@winpipe/streams/node";
 *
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\node-entry`;
 * await using server = pipes.createServer(name);
 * const accepted = server.accept();
 * const client = await pipes.connect(name);
 * await using conn = await accepted;
 * const writing = conn.write(new TextEncoder().encode("hello")).then(() => conn.close());
 * let received = "";
 * await pipeline(toNodeDuplex(client), new Writable({ write: (chunk, _enc, done) => done(void (received += chunk)) }));
 * await writing;
 * received; // "hello"
 * ```
 *
 * @module
 */
export { type NodeDuplexOptions, toNodeDuplex } from "./src/node_duplex.ts";
export type { SocketMethods } from "./src/socket_methods.ts";
