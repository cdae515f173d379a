/**
 * `@winpipe/deno`: Windows pipes for Deno, anonymous and named, with their
 * exact Win32 semantics, through `Deno.dlopen("kernel32.dll")`.
 *
 * The public API of `@winpipe/core` bound to the kernel32 backend
 * ({@linkcode Kernel32}). Nothing blocks the event loop: every pipe handle is
 * overlapped and waits happen off the main thread. Importing this module on
 * Linux or macOS works (so shared code and type checks do); calling into it
 * there throws an Error that says kernel32 is only available on Windows. To
 * run pipe code on any OS, bind `createWinpipe` from `@winpipe/core` to the
 * in-memory model instead.
 *
 * @example
 * ```ts ignore
 * import { callNamedPipe, createPipe, createServer } from "@winpipe/deno";
 *
 * // An anonymous pipe.
 * {
 *   using pipe = createPipe({ bufferSize: 65536 });
 *   await pipe.writer.write(new TextEncoder().encode("hello"));
 *   const buf = new Uint8Array(16);
 *   const n = await pipe.reader.read(buf); // 5
 * }
 *
 * // A message-mode server and a client.
 * const name = String.raw`\\.\pipe\winpipe-example`;
 * await using server = createServer(name, { type: "message", readMode: "message", maxInstances: 4 });
 * (async () => {
 *   for await (const conn of server) {
 *     const request = await conn.readMessage();
 *     if (request !== null) await conn.write(request); // echo
 *     conn.close();
 *   }
 * })();
 * const reply = await callNamedPipe(name, new TextEncoder().encode("ping"));
 * new TextDecoder().decode(reply); // "ping"
 * ```
 *
 * @module
 */
import { createWinpipe, type PipeKernel, type Winpipe } from "@winpipe/core";
import { streams } from "@winpipe/streams";
import { createHttp, type WinpipeHttp } from "@winpipe/http";
import { Kernel32 } from "./src/kernel.ts";

export * from "@winpipe/core";
export { isInvalidHandleValue, Kernel32, Kernel32Handle } from "./src/kernel.ts";
export { denoBinding } from "./src/binding.ts";
export { type PipeAddr, toDenoConn } from "./src/deno_conn.ts";
export { toDenoListener } from "./src/deno_listener.ts";

/**
 * The kernel32 backend of this process. Creating it loads nothing; its first
 * call opens kernel32.dll (and throws off Windows).
 *
 * @example
 * ```ts ignore
 * import { kernel32 } from "@winpipe/deno";
 * kernel32.name; // "kernel32-deno"
 * const { read, write } = kernel32.createPipe(0, false, false);
 * kernel32.close(read);
 * kernel32.close(write);
 * ```
 */
export const kernel32: Kernel32 = new Kernel32();

/**
 * The kernel the API is bound to. It loads kernel32.dll on its first call,
 * so off Windows each function fails the way it reports errors: the
 * synchronous ones throw, the asynchronous ones reject, with an Error that
 * says kernel32 is only available on Windows.
 */
function getKernel(): PipeKernel {
  return kernel32;
}

/**
 * The public winpipe API bound to {@linkcode kernel32}, with the `streams` of
 * `@winpipe/streams`, so that the handles it hands out (and a child's
 * `stdin` / `stdout` / `stderr`) have working `readable` / `writable`
 * getters. Each export below is one of its functions, typed and documented
 * by the {@linkcode Winpipe} interface of `@winpipe/core`. `serveHttp` and
 * `pipeFetch` below are bound to it as well.
 */
const winpipe: Winpipe = createWinpipe(getKernel, { streams });

/**
 * {@linkcode Winpipe.createPipe} on kernel32: an anonymous pipe
 * ([CreatePipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-createpipe)).
 *
 * @example
 * ```ts ignore
 * import { createPipe } from "@winpipe/deno";
 * using pipe = createPipe({ bufferSize: 65536 });
 * await pipe.writer.write(new TextEncoder().encode("hello"));
 * await pipe.reader.read(new Uint8Array(16)); // 5
 * ```
 */
export const createPipe: Winpipe["createPipe"] = winpipe.createPipe;

/**
 * {@linkcode Winpipe.createServer} on kernel32: a named pipe server that
 * keeps an instance listening
 * ([CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew),
 * [ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe)).
 *
 * @example
 * ```ts ignore
 * import { createServer } from "@winpipe/deno";
 * await using server = createServer(String.raw`\\.\pipe\echo`, { maxInstances: 8 });
 * for await (const conn of server) {
 *   conn.readable.pipeTo(conn.writable).catch(() => {}); // echo until the client closes
 * }
 * ```
 */
export const createServer: Winpipe["createServer"] = winpipe.createServer;

/**
 * {@linkcode Winpipe.createNamedPipe} on kernel32: one server instance
 * ([CreateNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-createnamedpipew)).
 *
 * @example
 * ```ts ignore
 * import { createNamedPipe } from "@winpipe/deno";
 * await using instance = createNamedPipe(String.raw`\\.\pipe\one`, { maxInstances: 1 });
 * await instance.connect(); // ConnectNamedPipe: waits for a client
 * ```
 */
export const createNamedPipe: Winpipe["createNamedPipe"] = winpipe.createNamedPipe;

/**
 * {@linkcode Winpipe.connect} on kernel32: a client
 * ([CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew),
 * with [WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)
 * while every instance is busy).
 *
 * @example
 * ```ts ignore
 * import { connect } from "@winpipe/deno";
 * await using conn = await connect(String.raw`\\.\pipe\echo`, { timeout: 5000 });
 * await conn.write(new TextEncoder().encode("hello"));
 * ```
 */
export const connect: Winpipe["connect"] = winpipe.connect;

/**
 * {@linkcode Winpipe.callNamedPipe} on kernel32: one request, one reply
 * ([CallNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-callnamedpipew)).
 *
 * @example
 * ```ts ignore
 * import { callNamedPipe } from "@winpipe/deno";
 * const reply = await callNamedPipe(String.raw`\\.\pipe\service`, new TextEncoder().encode("ping"));
 * ```
 */
export const callNamedPipe: Winpipe["callNamedPipe"] = winpipe.callNamedPipe;

/**
 * {@linkcode Winpipe.callNamedPipeSync} on kernel32: one request, one
 * reply, in the calling thread
 * ([CallNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-callnamedpipew)'s
 * steps). It blocks the event loop until the reply has come: for scripts and
 * CLIs that want the lowest latency.
 *
 * @example
 * ```ts ignore
 * import { callNamedPipeSync } from "@winpipe/deno";
 * const reply = callNamedPipeSync(String.raw`\\.\pipe\service`, new TextEncoder().encode("ping"), { timeout: 1000 });
 * ```
 */
export const callNamedPipeSync: Winpipe["callNamedPipeSync"] = winpipe.callNamedPipeSync;

/**
 * {@linkcode Winpipe.waitNamedPipe} on kernel32: true once an instance is
 * free, false on timeout
 * ([WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)).
 *
 * @example
 * ```ts ignore
 * import { waitNamedPipe } from "@winpipe/deno";
 * await waitNamedPipe(String.raw`\\.\pipe\service`, { timeout: 1000 }); // true or false
 * ```
 */
export const waitNamedPipe: Winpipe["waitNamedPipe"] = winpipe.waitNamedPipe;

/**
 * {@linkcode Winpipe.listPipes} on kernel32: the pipes under `\\.\pipe\`
 * with their instance counts
 * ([NtQueryDirectoryFile](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ntifs/nf-ntifs-ntquerydirectoryfile)
 * on the pipe file system's root). Under Wine 10 it fails: the root cannot
 * be listed (docs/wine-findings.md, W-L80).
 *
 * @example
 * ```ts ignore
 * import { listPipes } from "@winpipe/deno";
 * for (const pipe of listPipes({ prefix: "docker" })) console.log(pipe.name, pipe.instances, pipe.maxInstances);
 * ```
 */
export const listPipes: Winpipe["listPipes"] = winpipe.listPipes;

/**
 * {@linkcode Winpipe.pipeExists} on kernel32: whether a server has created
 * the pipe `name`
 * ([WaitNamedPipeW](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-waitnamedpipew)
 * for the shortest time; connects nothing).
 *
 * @example
 * ```ts ignore
 * import { pipeExists } from "@winpipe/deno";
 * await pipeExists(String.raw`\\.\pipe\docker_engine`); // true when Docker runs
 * ```
 */
export const pipeExists: Winpipe["pipeExists"] = winpipe.pipeExists;

/**
 * {@linkcode Winpipe.spawn} on kernel32: a Windows program whose standard
 * handles are pipe ends
 * ([CreateProcessW](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-createprocessw)).
 * It goes through FFI, so `--allow-run` does not restrict it.
 *
 * @example
 * ```ts ignore
 * import { spawn } from "@winpipe/deno";
 * await using child = spawn("cmd.exe", ["/c", "echo hello"]);
 * await new Response(child.stdout!.readable).text(); // "hello\r\n"
 * await child.wait(); // 0
 * ```
 */
export const spawn: Winpipe["spawn"] = winpipe.spawn;

/**
 * {@linkcode Winpipe.openInheritedHandle} on kernel32: in a child, the pipe
 * end its parent passed down by value.
 *
 * @example
 * ```ts ignore
 * import { openInheritedHandle } from "@winpipe/deno";
 * using out = openInheritedHandle(Deno.args[0], "writer");
 * await out.write(new TextEncoder().encode("done"));
 * ```
 */
export const openInheritedHandle: Winpipe["openInheritedHandle"] = winpipe.openInheritedHandle;

/**
 * {@linkcode Winpipe.liveHandles} on kernel32: how many handles
 * {@linkcode kernel32} holds open (a leak check; 0 off Windows).
 *
 * @example
 * ```ts ignore
 * import { createPipe, liveHandles } from "@winpipe/deno";
 * const before = liveHandles();
 * createPipe()[Symbol.dispose]();
 * liveHandles() === before; // true
 * ```
 */
export const liveHandles: Winpipe["liveHandles"] = winpipe.liveHandles;

/**
 * {@linkcode Winpipe.currentUser} on kernel32: the user this process runs as
 * ([OpenProcessToken](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-openprocesstoken),
 * [GetTokenInformation](https://learn.microsoft.com/en-us/windows/win32/api/securitybaseapi/nf-securitybaseapi-gettokeninformation),
 * [LookupAccountSidW](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-lookupaccountsidw)).
 *
 * @example
 * ```ts ignore
 * import { createServer, currentUser } from "@winpipe/deno";
 * const { sid } = currentUser();
 * // Only this user and SYSTEM, and only to read and write:
 * using server = createServer(String.raw`\\.\pipe\mine`, { security: `D:P(A;;GRGW;;;${sid})(A;;GA;;;SY)` });
 * ```
 */
export const currentUser: Winpipe["currentUser"] = winpipe.currentUser;

export type {
  HttpHandler,
  HttpRequestInfo,
  HttpServer,
  PipeClientIdentity,
  PipeFetchInit,
  PipeWebSocket,
  PipeWebSocketInit,
  ServeHttpOptions,
  UpgradedConnection,
  WebSocketUpgrade,
  WebSocketUpgradeOptions,
} from "@winpipe/http";

/**
 * HTTP/1.1 over named pipes, bound to {@linkcode kernel32} (`@winpipe/http`):
 * `serveHttp(name, handler, options?)` serves a fetch-style handler on a
 * pipe, `pipeFetch(name, input, init?)` is fetch to a server on a pipe, with
 * idle keep-alive connections reused per pipe. See docs/http.md.
 *
 * @example A server and a client
 * ```ts ignore
 * import { pipeFetch, serveHttp } from "@winpipe/deno";
 * const name = String.raw`\\.\pipe\my-service`;
 * await using server = serveHttp(name, (request) => Response.json({ path: new URL(request.url).pathname }));
 * const response = await pipeFetch(name, "/hello");
 * await response.json(); // { path: "/hello" }
 * ```
 *
 * @example The Docker Engine API
 * ```ts ignore
 * import { pipeFetch } from "@winpipe/deno";
 * const containers = await (await pipeFetch(String.raw`\\.\pipe\docker_engine`, "/containers/json")).json();
 * ```
 */
const http: WinpipeHttp = createHttp(winpipe);

/**
 * {@linkcode WinpipeHttp.serveHttp} on kernel32: an HTTP/1.1 server with a
 * fetch-style handler on a named pipe (see `@winpipe/http`).
 *
 * @example
 * ```ts ignore
 * import { serveHttp } from "@winpipe/deno";
 * await using server = serveHttp(String.raw`\\.\pipe\my-service`, () => new Response("hello"));
 * await server.finished;
 * ```
 */
export const serveHttp: WinpipeHttp["serveHttp"] = http.serveHttp;

/**
 * {@linkcode WinpipeHttp.pipeFetch} on kernel32: fetch to an HTTP server on a
 * named pipe, with idle keep-alive connections reused per pipe.
 *
 * @example
 * ```ts ignore
 * import { pipeFetch } from "@winpipe/deno";
 * const response = await pipeFetch(String.raw`\\.\pipe\docker_engine`, "/version");
 * await response.json();
 * ```
 */
export const pipeFetch: WinpipeHttp["pipeFetch"] = http.pipeFetch;

/**
 * {@linkcode WinpipeHttp.pipeUpgrade} on kernel32: a request that asks the
 * server on a pipe to switch protocols (`Upgrade`); after its `101` the
 * connection is an `UpgradedConnection` with a readable and a writable
 * (the Docker Engine's attach and exec), any other answer the Response.
 *
 * @example
 * ```ts ignore
 * import { pipeUpgrade } from "@winpipe/deno";
 * const result = await pipeUpgrade(String.raw`\\.\pipe\docker_engine`, "/containers/web/attach?stream=1&stdout=1", {
 *   method: "POST",
 *   headers: { upgrade: "tcp" },
 * });
 * if (!(result instanceof Response)) for await (const chunk of result.readable) console.log(chunk);
 * ```
 */
export const pipeUpgrade: WinpipeHttp["pipeUpgrade"] = http.pipeUpgrade;

/**
 * {@linkcode WinpipeHttp.pipeWebSocket} on kernel32: a WebSocket to the
 * server on a pipe, as `new WebSocket(url, protocols)` with the pipe name
 * first (a `PipeWebSocket`: the WHATWG WebSocket interface). A serveHttp
 * handler makes the other end with `info.upgradeWebSocket()`.
 *
 * @example
 * ```ts ignore
 * import { pipeWebSocket, serveHttp } from "@winpipe/deno";
 * const name = String.raw`\\.\pipe\chat`;
 * await using server = serveHttp(name, (_request, info) => {
 *   const { socket, response } = info.upgradeWebSocket();
 *   socket.onmessage = (event) => socket.send(`echo: ${event.data}`);
 *   return response;
 * });
 * const socket = pipeWebSocket(name, "/chat");
 * socket.onopen = () => socket.send("hello");
 * const reply = await new Promise<MessageEvent>((resolve) => (socket.onmessage = resolve));
 * console.log(reply.data); // "echo: hello"
 * socket.close(1000);
 * await new Promise((resolve) => (socket.onclose = resolve)); // before the server goes
 * ```
 */
export const pipeWebSocket: WinpipeHttp["pipeWebSocket"] = http.pipeWebSocket;
