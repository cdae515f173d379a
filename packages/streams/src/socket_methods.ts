/**
 * The `net.Socket` methods that code written for sockets calls on the
 * duplex of `toNodeDuplex`, as a pipe can honour them.
 *
 * @module
 */
import type { Duplex } from "node:stream";
import { clearTimeout, setTimeout } from "node:timers";
import { show } from "@winpipe/core/internal";

/**
 * The `net.Socket` methods of the duplex `toNodeDuplex` makes.
 *
 * @example An idle timeout, as a socket's
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * import { type SocketMethods, toNodeDuplex } from "@winpipe/streams/node";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\socket-methods`;
 * await using server = pipes.createServer(name);
 * await using client = await pipes.connect(name);
 * const duplex = toNodeDuplex(client);
 * const socket: SocketMethods = duplex.setTimeout(60_000, () => duplex.destroy());
 * socket.timeout; // 60000
 * duplex.destroy();
 * ```
 */
export interface SocketMethods {
  /** No effect on a pipe: there is no TCP keep-alive to turn on; a pipe's end is seen at once. Returns the duplex. */
  setKeepAlive(enable?: boolean, initialDelay?: number): Duplex & SocketMethods;
  /** No effect on a pipe: there is no Nagle delay; each WriteFile reaches the peer at once. Returns the duplex. */
  setNoDelay(noDelay?: boolean): Duplex & SocketMethods;
  /** No effect: the pipe's pending read keeps the event loop alive whatever ref() says. Returns the duplex. */
  ref(): Duplex & SocketMethods;
  /**
   * No effect: the pipe's pending read keeps the event loop alive (winpipe
   * has no unref); destroy the duplex to let the process exit. Returns the duplex.
   */
  unref(): Duplex & SocketMethods;
  /**
   * As `net.Socket`'s: after `timeout` ms without a read or a write, the
   * duplex emits `"timeout"` (once per idle spell) and stays open; 0 turns it
   * off. `callback` is added as a one-time `"timeout"` listener. Returns the
   * duplex.
   */
  setTimeout(timeout: number, callback?: () => void): Duplex & SocketMethods;
  /** The idle timeout set by setTimeout, in ms; undefined until it is set. */
  readonly timeout: number | undefined;
}

/**
 * Adds {@linkcode SocketMethods} to `duplex`, so that code written for
 * `net.Socket` works: a keep-alive `http.Agent` calls `setKeepAlive`,
 * `unref` and `setTimeout` on every socket it keeps, and `ref` when it
 * reuses one, and fails with a TypeError where they are missing. Returns
 * the function the duplex calls on each read and write, which restarts the
 * idle timer.
 */
export function addSocketMethods(duplex: Duplex): () => void {
  const self = duplex as Duplex & SocketMethods;
  let timeout: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const restart = () => {
    stop();
    if (timeout === undefined || timeout === 0 || duplex.destroyed) return;
    // Unref'd, as net.Socket's: a timer that only watches for idleness keeps no process alive.
    timer = setTimeout(() => {
      timer = undefined;
      duplex.emit("timeout");
    }, timeout);
    timer.unref();
  };
  const methods: SocketMethods = {
    setKeepAlive: () => self,
    setNoDelay: () => self,
    ref: () => self,
    unref: () => self,
    setTimeout(ms: number, callback?: () => void) {
      if (typeof ms !== "number") throw new TypeError(`timeout must be a number of ms: got ${show(ms)}`);
      if (!(ms >= 0) || !Number.isFinite(ms)) {
        throw new RangeError(`timeout must be a finite number of ms, 0 or more: got ${show(ms)}`);
      }
      if (callback !== undefined && typeof callback !== "function") {
        throw new TypeError(`callback must be a function: got ${show(callback)}`);
      }
      timeout = ms;
      if (callback !== undefined) {
        if (ms === 0) duplex.removeListener("timeout", callback);
        else duplex.once("timeout", callback);
      }
      restart();
      return self;
    },
    get timeout() {
      return timeout;
    },
  };
  Object.defineProperties(duplex, Object.getOwnPropertyDescriptors(methods));
  duplex.once("close", stop);
  return restart;
}
