/**
 * {@linkcode bunBinding}: what Bun provides to the kernel32 kernel of
 * `@winpipe/kernel32`. Calls run through `bun:ffi` on the main thread; the
 * calls that can wait run in Workers (Bun's FFI has no `nonblocking`
 * option): one Worker is the completion port's waiter, and a small pool
 * runs the NT calls with no overlapped form, one call per Worker at a time.
 * A Worker keeps the process alive only while a call of its own is
 * outstanding. docs/bun-backend.md ("Waiting without blocking the event
 * loop") has the design and the measurements behind it.
 *
 * @module
 */
import { ptr } from "bun:ffi";
import {
  KERNEL32_FUNCTIONS,
  NTDLL_FUNCTIONS,
  type OffThreadArguments,
  type OffThreadFunction,
  type Win32Binding,
  type Win32Library,
} from "@winpipe/kernel32";
import { bunSymbols, loadLibraries, requireWindows } from "./ffi.ts";
import { type OffThreadReply, type OffThreadRequest, type OffThreadSetup, offThreadWorkerUrl } from "./worker.ts";

/** How many NT calls may wait in workers at once (each holds a worker; more are queued in core). */
const OFF_THREAD_SLOTS = 16;
/** A pool worker idle this long is terminated (its thread and JS heap freed); a later call starts a new one. */
const IDLE_WORKER_MS = 10_000;

/** Bun's Worker: the web Worker plus `ref()` / `unref()` (whether it keeps the process alive). */
interface BunWorker extends Worker {
  ref(): void;
  unref(): void;
}

let setup: OffThreadSetup | undefined;

/** What every worker is sent first: the tables of the functions it runs (made once). */
function workerSetup(): OffThreadSetup {
  setup ??= { kernel32: bunSymbols(KERNEL32_FUNCTIONS, true), ntdll: bunSymbols(NTDLL_FUNCTIONS, true) };
  return setup;
}

/** One call in flight: how to settle it and what it uses. */
interface Call {
  resolve(result: number): void;
  reject(err: Error): void;
  /** The typed arrays whose addresses the worker was given: referenced until the reply. */
  keep: unknown[];
}

let nextId = 0;

/** A worker that runs off-thread calls one at a time. */
class FfiWorker {
  readonly #worker: BunWorker;
  readonly #calls = new Map<number, Call>();
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called when the worker has no call left (pool bookkeeping). */
  onIdle: (worker: FfiWorker) => void = () => {};
  /** Called once if the worker itself fails (its calls are rejected; it takes no more). */
  onFail: () => void = () => {};

  constructor() {
    this.#worker = new Worker(offThreadWorkerUrl(), { smol: true } as WorkerOptions) as BunWorker;
    this.#worker.unref(); // it keeps the process alive only while a call is outstanding
    this.#worker.postMessage(workerSetup());
    this.#worker.onmessage = (event: MessageEvent<OffThreadReply>) => this.#reply(event.data);
    this.#worker.onerror = (event: ErrorEvent) =>
      this.#fail(new Error(`winpipe: a Bun FFI worker failed: ${event.message}`));
  }

  /** True while a call is outstanding. */
  get busy(): boolean {
    return this.#calls.size > 0;
  }

  call(name: string, args: unknown[]): Promise<number> {
    const id = ++nextId;
    const keep: unknown[] = [];
    const message: OffThreadRequest = {
      id,
      name,
      args: args.map((arg) => {
        if (!ArrayBuffer.isView(arg)) return arg as number | bigint | null;
        keep.push(arg);
        return ptr(arg as Uint8Array);
      }),
    };
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#calls.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject, keep });
      this.#worker.postMessage(message);
    });
  }

  #reply(reply: OffThreadReply): void {
    const call = this.#calls.get(reply.id);
    if (call === undefined) return;
    this.#calls.delete(reply.id);
    if (this.#calls.size === 0) this.#worker.unref();
    if (reply.error !== undefined) call.reject(new Error(`winpipe: an off-thread call failed: ${reply.error}`));
    else call.resolve(reply.result!);
    if (this.#calls.size === 0) this.onIdle(this);
  }

  #fail(err: Error): void {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.#worker.unref();
    this.onIdle = () => {};
    this.onFail();
    void this.#worker.terminate();
    for (const call of calls) call.reject(err);
  }

  /** Terminates the worker after `ms` without a call (unref'd timer). */
  retireAfter(ms: number, retire: () => void): void {
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.busy) return;
      retire();
      void this.#worker.terminate();
    }, ms);
    this.#idleTimer.unref();
  }
}

/** The completion port's waiter (made on first use). */
let waiter: FfiWorker | undefined;
/** Pool workers with no call outstanding. */
const idle: FfiWorker[] = [];

/** A pool worker for one NT call: an idle one, or a new one (core bounds how many run at once). */
function poolWorker(): FfiWorker {
  const worker = idle.pop();
  if (worker !== undefined) return worker;
  const created = new FfiWorker();
  created.onIdle = (w) => {
    idle.push(w);
    w.retireAfter(IDLE_WORKER_MS, () => {
      const at = idle.indexOf(w);
      if (at >= 0) idle.splice(at, 1);
    });
  };
  return created;
}

let library: Win32Library | undefined;

/**
 * The Bun binding. `load()` opens kernel32.dll, ntdll.dll and advapi32.dll on first use
 * and throws off Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32Kernel } from "@winpipe/kernel32";
 * import { bunBinding } from "@winpipe/bun";
 * const kernel = new Kernel32Kernel(bunBinding); // what `new Kernel32()` is
 * ```
 */
export const bunBinding: Win32Binding = {
  name: "kernel32-bun",
  load(): Win32Library {
    if (library !== undefined) return library;
    requireWindows();
    const { kernel32, ntdll, advapi32 } = loadLibraries();
    library = {
      kernel32,
      ntdll,
      advapi32,
      offThread<N extends OffThreadFunction>(name: N, ...args: OffThreadArguments<N>): Promise<number> {
        if (name === "GetQueuedCompletionStatusEx") {
          if (waiter === undefined) {
            const created = new FfiWorker();
            created.onFail = () => {
              if (waiter === created) waiter = undefined; // the next wait starts a new one
            };
            waiter = created;
          }
          return waiter.call(name, args);
        }
        return poolWorker().call(name, args);
      },
      offThreadSlots: OFF_THREAD_SLOTS,
      addressOf: (view) => ptr(view as Uint8Array),
      // Bun's setImmediate costs far more than a message (event_loop_turn.ts has the figures).
      eventLoopTurn: "MessageChannel",
      unrefTimer: (timer) => timer.unref(),
    };
    return library;
  },
};
