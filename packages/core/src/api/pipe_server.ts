/**
 * {@linkcode PipeServer}: a named pipe server that keeps an instance
 * listening and hands out each connected one.
 *
 * @module
 */
import { abortError, isPipeError } from "../errors.ts";
import type { KernelHandle, PipeKernel } from "../port.ts";
import { requireOptions, requireSignal } from "../validate.ts";
import { behaviourOf, cancellable } from "./failures.ts";
import type { HandleContext } from "./handle_context.ts";
import { createInstanceHandle, type ServerConfig, serverConfig, type ServerOptions } from "./server_config.ts";
import { Serializer } from "./serializer.ts";
import { ServerInstance } from "./server_instance.ts";
import { delay, type SignalOptions, untilAborted } from "./signals.ts";

/** How often the server looks again while instances of another process hold every slot. */
const POLL_MS = 50;
/** The reads that drop what the client of a kept instance still writes. */
const DRAIN_CHUNK = 64 * 1024;

/** The instance that waits for the next client, and its ConnectNamedPipe once one has been issued. */
interface Listener {
  readonly instance: ServerInstance;
  connected?: Promise<void>;
}

/**
 * A named pipe server: keeps an instance listening and hands out each
 * connected instance. While the server is open its name exists: clients
 * never get ERROR_FILE_NOT_FOUND, and while every instance is connected
 * they get ERROR_PIPE_BUSY and wait.
 *
 * - After each accept a new instance is created at once, as long as the
 *   instance limit allows.
 * - When an accepted instance is closed and no instance is listening, the
 *   next listening one is made at once: a new instance while another
 *   instance of the server keeps the name alive; otherwise (the last
 *   instance, e.g. with `maxInstances: 1`) the closed instance itself is
 *   kept and reused, as Windows servers do: its pending operations are
 *   cancelled, the caller's handle is closed, and in the background the
 *   server waits until the client has read everything written to it
 *   (FlushFileBuffers), disconnects it (DisconnectNamedPipe: the client's
 *   reads then report the end of the data) and listens again
 *   (ConnectNamedPipe). Closing the instance never waits for this. While
 *   it waits, what the client writes is read and dropped, so that a client
 *   blocked in a large write can finish it and read what was written to
 *   it: its writes succeed where those to a closed handle would fail
 *   (ERROR_NO_DATA), since the instance is still open.
 *
 * Closing the server closes its listening instance and any instance it is
 * reusing; accepted instances belong to the caller and stay open.
 *
 * @example
 * ```ts
 * import { createWinpipe } from "@winpipe/core";
 * import { createModelKernel } from "@winpipe/core/model";
 * const pipes = createWinpipe(createModelKernel());
 * const name = String.raw`\\.\pipe\example-server`;
 * const server = pipes.createServer(name);
 * (async () => {
 *   for await (const conn of server) {
 *     const buf = new Uint8Array(64);
 *     const r = await conn.read(buf);
 *     if (r) await conn.write(buf.subarray(0, r.bytesRead)); // echo
 *     conn.close();
 *   }
 * })();
 * await using client = await pipes.connect(name);
 * await client.write(new Uint8Array([1, 2]));
 * await client.read(new Uint8Array(64)); // { bytesRead: 2, messageComplete: true }
 * server.close();
 * ```
 */
export class PipeServer implements AsyncIterable<ServerInstance>, Disposable, AsyncDisposable {
  readonly #context: HandleContext;
  readonly #kernel: PipeKernel;
  readonly #config: ServerConfig;
  #listening: Listener | undefined;
  /** Accepted instances the caller has not closed yet. */
  readonly #handedOut = new Set<ServerInstance>();
  /** Instances being readied for reuse (their clients finishing): the server's own handles. */
  readonly #reusing = new Set<KernelHandle>();
  #closed = false;
  /** Concurrent accepts take turns; one aborted while it waits gives up its turn. */
  readonly #accepts = new Serializer();
  #slotWaiters: (() => void)[] = [];

  /** @internal Use createServer. */
  constructor(context: HandleContext, name: string, options?: ServerOptions) {
    this.#context = context;
    const kernel = this.#kernel = context.kernel;
    this.#config = serverConfig(kernel, name, options);
    // The first instance is created now, so that a bad name or a taken name
    // fails here and clients can connect before the first accept().
    this.#listening = { instance: this.#wrap(createInstanceHandle(kernel, this.#config, this.#config.firstInstance)) };
  }

  /** The pipe name. */
  get name(): string {
    return this.#config.params.name;
  }

  /** True once the server is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  #wrap(handle: KernelHandle): ServerInstance {
    return new ServerInstance(
      this.#context,
      handle,
      (instance, closeHandle) => this.#release(instance, closeHandle),
      this.#config.timeouts,
    );
  }

  /** Creates an instance to listen next, if none listens and the limit allows; returns whether one listens. */
  #createListening(): boolean {
    if (this.#listening !== undefined) return true;
    if (this.#closed) return false;
    try {
      this.#listening = { instance: this.#wrap(createInstanceHandle(this.#kernel, this.#config, false)) };
      return true;
    } catch (err) {
      // At the instance limit (or out of resources): the next accept() waits
      // for a slot, and surfaces other failures where the caller sees them.
      if (!isPipeError(err)) throw err;
      return false;
    }
  }

  /**
   * An accepted instance is being closed by its owner. See the class
   * documentation for what becomes of it.
   */
  #release(instance: ServerInstance, closeHandle: () => void): void {
    this.#handedOut.delete(instance);
    if (this.#closed || this.#listening !== undefined) {
      closeHandle();
    } else if (this.#handedOut.size > 0 || this.#reusing.size > 0 || this.#createListening()) {
      // Another instance keeps the name alive (or a new one listens already): close, then listen with a new one.
      closeHandle();
      this.#createListening();
    } else {
      this.#reuse(instance, closeHandle);
    }
    this.#wakeSlotWaiters();
  }

  /**
   * Keeps the server's last instance alive for the next client: a
   * duplicate of its handle becomes the server's, the caller's handle is
   * closed, and once the client is done the instance listens again.
   */
  #reuse(instance: ServerInstance, closeHandle: () => void): void {
    const kernel = this.#kernel;
    let kept: KernelHandle;
    try {
      kept = kernel.duplicate(instance.kernelHandle, false);
    } catch {
      closeHandle();
      this.#createListening();
      return;
    }
    // Operations pending on the caller's handle end as a close would end
    // them (closing one of two handles to the instance cancels nothing).
    try {
      kernel.cancelIo(instance.kernelHandle);
    } catch {
      // ERROR_NOT_FOUND: nothing was pending.
    }
    closeHandle();
    this.#reusing.add(kept);
    void this.#relisten(kept);
  }

  /** Waits for the client of a kept instance to finish, disconnects it and makes the instance listen again. */
  async #relisten(handle: KernelHandle): Promise<void> {
    const kernel = this.#kernel;
    const stopDraining = new AbortController();
    try {
      // Until the client has read everything written to it, or has gone: unread data is never discarded.
      // Meanwhile what the client writes is read and dropped, so that a client blocked in a write (a request
      // larger than the pipe's buffer, answered before it was read) can finish it and read the answer.
      const draining = this.#drain(handle, stopDraining.signal);
      await kernel.flush(handle).catch(() => {});
      stopDraining.abort();
      await draining;
      if (this.#closed || handle.closed) return;
      try {
        kernel.disconnect(handle);
      } catch {
        // ERROR_PIPE_NOT_CONNECTED and the like: nothing is connected; listen all the same.
      }
      if (this.#listening !== undefined) return;
      this.#reusing.delete(handle);
      const instance = this.#wrap(handle);
      // A disconnected instance listens only once ConnectNamedPipe is issued: issue it now.
      const listener: Listener = { instance, connected: instance.connect() };
      listener.connected!.catch(() => {});
      this.#listening = listener;
      this.#wakeSlotWaiters();
    } finally {
      if (this.#reusing.delete(handle)) kernel.close(handle);
    }
  }

  /**
   * Reads what the client of a kept instance writes and drops it, until
   * `signal` aborts or the client or the handle is gone.
   */
  async #drain(handle: KernelHandle, signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        (await cancellable(signal, () => this.#kernel.read(handle, DRAIN_CHUNK, signal))).release?.();
      } catch (err) {
        if (signal.aborted || behaviourOf("read", err) !== "no-data") return;
        // A nonblocking instance with nothing to read: look again later.
        if (!(await delay(POLL_MS, signal).then(() => true, () => false))) return;
      }
    }
  }

  #wakeSlotWaiters(): void {
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }

  /** The listening instance, once one exists: made now if the limit allows, otherwise when a slot frees up. */
  async #nextListener(signal: AbortSignal | undefined): Promise<Listener> {
    for (;;) {
      this.#throwIfClosed();
      if (this.#createListening()) return this.#listening!;
      if (this.#handedOut.size > 0 || this.#reusing.size > 0) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(abortError(signal));
          if (signal?.aborted) return onAbort();
          signal?.addEventListener("abort", onAbort, { once: true });
          this.#slotWaiters.push(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          });
        });
      } else {
        // Instances of another process hold every slot: nothing tells us when one closes.
        await delay(POLL_MS, signal);
      }
    }
  }

  #throwIfClosed(): void {
    if (this.#closed) throw new ServerClosedError(this.name);
  }

  /**
   * Waits for the next client
   * ([ConnectNamedPipe](https://learn.microsoft.com/en-us/windows/win32/api/namedpipeapi/nf-namedpipeapi-connectnamedpipe)
   * on the listening instance) and resolves with its connected instance. A
   * fresh instance is listening again before this resolves (as long as the
   * instance limit allows; otherwise as soon as an accepted instance is
   * closed). Concurrent calls take turns; one whose signal aborts while it
   * waits for its turn rejects at once. An aborted accept leaves the
   * listening instance listening. Rejects with {@linkcode ServerClosedError}
   * once the server is closed.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer, connect } = createWinpipe(createModelKernel());
   * const name = String.raw`\\.\pipe\accept`;
   * using server = createServer(name);
   * const accepted = server.accept({ signal: AbortSignal.timeout(5000) });
   * await using client = await connect(name);
   * await using conn = await accepted; // connected; another instance already listens
   * ```
   */
  accept(options?: SignalOptions): Promise<ServerInstance> {
    const signal = requireSignal(requireOptions<SignalOptions>(options).signal);
    return this.#accepts.run(() => this.#acceptNow(signal), signal);
  }

  async #acceptNow(signal: AbortSignal | undefined): Promise<ServerInstance> {
    this.#throwIfClosed();
    const listener = this.#listening ?? await this.#nextListener(signal);
    // One ConnectNamedPipe per listening instance, shared by the accepts that wait for it.
    listener.connected ??= listener.instance.connect();
    listener.connected.catch(() => {});
    try {
      await untilAborted(listener.connected, signal);
    } catch (err) {
      if (this.#closed) throw new ServerClosedError(this.name, { cause: err });
      throw err;
    }
    const instance = listener.instance;
    if (this.#listening === listener) this.#listening = undefined;
    this.#handedOut.add(instance);
    this.#createListening();
    return instance;
  }

  /** Accepts clients until the server is closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ServerInstance, void, undefined> {
    for (;;) {
      try {
        yield await this.accept();
      } catch (err) {
        if (err instanceof ServerClosedError) return;
        throw err;
      }
    }
  }

  /**
   * Stops listening: closes
   * ([CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle))
   * the listening instance and any instance being readied for reuse. Accepted
   * instances stay open. Idempotent.
   *
   * @example
   * ```ts
   * import { createWinpipe } from "@winpipe/core";
   * import { createModelKernel } from "@winpipe/core/model";
   * const { createServer } = createWinpipe(createModelKernel());
   * const server = createServer(String.raw`\\.\pipe\closing`);
   * const accepting = server.accept();
   * server.close();
   * await accepting.catch((err) => err.name); // "ServerClosedError"
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const listening = this.#listening;
    this.#listening = undefined;
    listening?.instance.close();
    for (const handle of this.#reusing) this.#kernel.close(handle);
    this.#wakeSlotWaiters();
  }

  /** Closes the server. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the server. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * The server was closed while waiting for a client, or accept() was called
 * after close().
 *
 * @example
 * ```ts
 * import { ServerClosedError } from "@winpipe/core";
 * new ServerClosedError(String.raw`\\.\pipe\x`).message; // 'accept "\\.\pipe\x": the server is closed'
 * ```
 */
export class ServerClosedError extends Error {
  /** The error of an accept on the server of `pipeName`. */
  constructor(pipeName: string, options?: ErrorOptions) {
    super(`accept "${pipeName}": the server is closed`, options);
    this.name = "ServerClosedError";
  }
}
