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
import { createWinpipe, type PipeKernel } from "@winpipe/core";
import { streams } from "@winpipe/streams";
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
 * The public winpipe API bound to {@linkcode kernel32}: see `createWinpipe`
 * in `@winpipe/core` for each function. The handles it hands out (and a
 * child's `stdin` / `stdout` / `stderr`) have working `readable` /
 * `writable` getters: the binding uses the `streams` of `@winpipe/streams`.
 *
 * @example
 * ```ts ignore
 * import { connect, waitNamedPipe } from "@winpipe/deno";
 * const name = String.raw`\\.\pipe\some-service`;
 * if (await waitNamedPipe(name, { timeout: 1000 })) {
 *   await using conn = await connect(name, { readMode: "message" });
 *   await conn.write(new TextEncoder().encode("hello"));
 * }
 * ```
 */
export const {
  createPipe,
  createServer,
  createNamedPipe,
  connect,
  callNamedPipe,
  waitNamedPipe,
  spawn,
  openInheritedHandle,
  liveHandles,
  currentUser,
} = createWinpipe(getKernel, { streams });
