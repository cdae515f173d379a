/**
 * {@linkcode ExitWatcher}: waiting for child processes to exit, off the main
 * thread, with one wait for all of them.
 *
 * @module
 */
import { ERROR_INVALID_HANDLE, ERROR_OPERATION_ABORTED, PipeError } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import type { Kernel32Process } from "./child_process.ts";
import type { Session } from "./session.ts";
import { validHandle } from "./structs.ts";
import { INFINITE } from "./win32_constants.ts";
import { check, lastError } from "./win32.ts";

/** WaitForMultipleObjects: at most this many handles; results. */
const MAXIMUM_WAIT_OBJECTS = 64, WAIT_TIMEOUT = 0x102, WAIT_FAILED = 0xffffffff;
/** While more children are watched than one wait can hold, the wait is cut short this often (ms) to rotate. */
const ROTATE_MS = 50;

/** One watched process and who waits for it. */
interface Watched {
  process: Kernel32Process;
  native: number;
  waiters: Set<{ resolve(code: number): void; reject(err: Error): void }>;
}

/**
 * The one exit watcher of a loaded library: one WaitForMultipleObjects, run
 * off the main thread, waits for every child somebody awaits (up to 63 at
 * once, rotated beyond that) and an auto-reset event that wakes it when
 * that set changes; it runs only while somebody waits, so it never keeps
 * the process alive by itself.
 */
export class ExitWatcher {
  readonly #session: Session;
  readonly #lib: Win32Library;
  readonly #watched = new Map<Kernel32Process, Watched>();
  #wake: number | undefined;
  #running = false;
  /** Natives the running wait is using: their CloseHandle waits until it returns. */
  #inUse = new Set<number>();
  readonly #closeLater = new Set<number>();

  constructor(session: Session) {
    this.#session = session;
    this.#lib = session.lib;
  }

  /** Resolves with the exit code of `process` once it has exited. */
  wait(process: Kernel32Process, native: number, signal: AbortSignal | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      let entry = this.#watched.get(process);
      if (entry === undefined) {
        entry = { process, native, waiters: new Set() };
        this.#watched.set(process, entry);
        this.#changed();
      }
      const watched = entry;
      const onAbort = () => {
        watched.waiters.delete(waiter);
        if (watched.waiters.size === 0) this.#unwatch(process);
        reject(new PipeError(ERROR_OPERATION_ABORTED, "WaitForSingleObject"));
      };
      const waiter = {
        resolve(code: number) {
          signal?.removeEventListener("abort", onAbort);
          resolve(code);
        },
        reject(err: Error) {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
      watched.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Stops watching `process` (nobody waits, or its handle is being closed); its waiters are not settled. */
  #unwatch(process: Kernel32Process): void {
    if (this.#watched.delete(process)) this.#changed();
  }

  /** Closes a process handle now, or once the running wait no longer uses it. */
  close(process: Kernel32Process): void {
    const entry = this.#watched.get(process);
    const native = process.release();
    if (native === null) return;
    if (entry !== undefined) {
      this.#unwatch(process);
      for (const waiter of entry.waiters) waiter.reject(new PipeError(ERROR_INVALID_HANDLE, "WaitForSingleObject"));
    }
    if (this.#inUse.has(native)) this.#closeLater.add(native);
    else this.#lib.kernel32.CloseHandle(native);
  }

  /** The watched set changed: start the waiter, or wake the running one so that it waits for the new set. */
  #changed(): void {
    if (!this.#running) {
      if (this.#watched.size > 0) void this.#run();
      return;
    }
    if (this.#wake !== undefined) this.#lib.kernel32.SetEvent(this.#wake);
  }

  #wakeEvent(): number {
    if (this.#wake === undefined) {
      const { kernel32 } = this.#lib;
      const event = validHandle(kernel32.CreateEventW(null, 0, 0, null));
      if (event === undefined) throw lastError(this.#lib, "CreateEventW");
      this.#wake = event;
    }
    return this.#wake;
  }

  async #run(): Promise<void> {
    this.#running = true;
    let slot = false;
    try {
      const wake = this.#wakeEvent();
      const queued = this.#session.slots.take(undefined, () => new Error("unreachable: no signal"));
      if (queued !== undefined) await queued;
      slot = true;
      while (this.#watched.size > 0) {
        const entries = [...this.#watched.values()].slice(0, MAXIMUM_WAIT_OBJECTS - 1);
        const handles = new BigInt64Array(new ArrayBuffer(8 * (entries.length + 1)));
        handles[0] = BigInt(wake);
        entries.forEach((entry, i) => {
          handles[i + 1] = BigInt(entry.native);
          this.#inUse.add(entry.native);
        });
        const rotate = this.#watched.size > entries.length;
        let result: number;
        try {
          result = (await this.#lib.offThread(
            "WaitForMultipleObjects",
            entries.length + 1,
            handles,
            0,
            rotate ? ROTATE_MS : INFINITE,
          )) >>> 0;
        } finally {
          this.#inUse.clear();
          for (const native of this.#closeLater) this.#lib.kernel32.CloseHandle(native);
          this.#closeLater.clear();
        }
        if (result >= 1 && result <= entries.length) {
          this.#exited(entries[result - 1]);
        } else if (result === WAIT_FAILED) {
          // The reason is in the other thread's last error; look again shortly.
          await new Promise((resolve) => setTimeout(resolve, 1));
        } else if (result === WAIT_TIMEOUT && rotate) {
          // Move the ones just waited for to the back, so that every child gets its turn.
          for (const entry of entries) {
            if (this.#watched.delete(entry.process)) this.#watched.set(entry.process, entry);
          }
        }
      }
    } catch (err) {
      // The watcher itself failed (it should not): fail its waiters rather than leave them hanging.
      for (const entry of this.#watched.values()) {
        for (const waiter of entry.waiters) waiter.reject(err as Error);
      }
      this.#watched.clear();
    } finally {
      if (slot) this.#session.slots.release();
      this.#running = false;
      // Something was added while the last wait was ending.
      if (this.#watched.size > 0) void this.#run();
    }
  }

  #exited(entry: Watched): void {
    if (this.#watched.get(entry.process) !== entry) return;
    this.#watched.delete(entry.process);
    const code = exitCodeOf(this.#lib, entry.native);
    entry.process.exitCode = code;
    for (const waiter of entry.waiters) waiter.resolve(code);
  }
}

/**
 * [GetExitCodeProcess](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getexitcodeprocess),
 * as an unsigned DWORD.
 */
export function exitCodeOf(lib: Win32Library, native: number): number {
  const code = new Uint32Array(new ArrayBuffer(4));
  check(lib, lib.kernel32.GetExitCodeProcess(native, code), "GetExitCodeProcess");
  return code[0];
}

const watchers = new WeakMap<Session, ExitWatcher>();

/** The exit watcher of a session, made on first use. */
export function watcherOf(session: Session): ExitWatcher {
  let watcher = watchers.get(session);
  if (watcher === undefined) {
    watcher = new ExitWatcher(session);
    watchers.set(session, watcher);
  }
  return watcher;
}

/** The exit watcher of a session if one was made. */
export function existingWatcherOf(session: Session): ExitWatcher | undefined {
  return watchers.get(session);
}
