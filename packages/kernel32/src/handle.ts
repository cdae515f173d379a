/**
 * {@linkcode Kernel32Handle}: a native pipe HANDLE of the kernel32 layer.
 *
 * @module
 */
import type { KernelHandle } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import { check } from "./win32.ts";

/**
 * A kernel32 pipe handle: the native HANDLE in a private field, an
 * idempotent {@linkcode Kernel32Handle.close} and `Symbol.dispose`.
 *
 * @example
 * ```ts ignore
 * import { kernel32 } from "@winpipe/deno"; // or "@winpipe/bun"
 * using pipe = kernel32.createPipe(0, false, false).read; // closed at the end of the scope
 * pipe.unsafeHandle; // the HANDLE as a number
 * ```
 */
export class Kernel32Handle implements KernelHandle {
  #native: number | null;
  readonly #lib: Win32Library;
  readonly #live: Set<Kernel32Handle>;
  /** The pipe name it was created or opened with; undefined for anonymous pipes. */
  readonly pipeName: string | undefined;
  /** True when the handle was opened with FILE_FLAG_OVERLAPPED. */
  readonly overlapped: boolean;
  /** How many calls on this synchronous handle other threads are making (io.ts's offThreadCall counts them). */
  #callsInOtherThreads = 0;
  /** The native value of a handle closed while such calls ran: released when the last one returns. */
  #closing: number | null = null;

  /** @internal Use the `Kernel32Kernel` methods to make handles. */
  constructor(
    native: number,
    pipeName: string | undefined,
    overlapped: boolean,
    lib: Win32Library,
    live: Set<Kernel32Handle>,
  ) {
    this.#native = native;
    this.pipeName = pipeName;
    this.overlapped = overlapped;
    this.#lib = lib;
    this.#live = live;
    live.add(this);
  }

  /** True once {@linkcode Kernel32Handle.close} ran. */
  get closed(): boolean {
    return this.#native === null;
  }

  /**
   * The native HANDLE value. Unsafe: it is only valid until the handle is
   * closed, after which Windows may give the same value to another object.
   * Throws once the handle is closed.
   */
  get unsafeHandle(): number {
    if (this.#native === null) throw new Error("winpipe: the handle is closed");
    return this.#native;
  }

  /**
   * [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle).
   * Idempotent: a second call does nothing. Operations in flight on the
   * handle are completed by the kernel (a pipe read then fails with
   * ERROR_BROKEN_PIPE, for example). On a synchronous handle, calls that
   * other threads are making on it are cancelled first
   * ([CancelIoEx](https://learn.microsoft.com/en-us/windows/win32/fileio/cancelioex-func),
   * they fail with ERROR_OPERATION_ABORTED): Windows serializes a
   * synchronous handle's I/O, so closing it may wait for the call in
   * progress, and a read may never finish (libuv cancels such reads for the
   * same reason). The native handle is then released once those calls have
   * returned, cancelled again every few milliseconds until they have: a
   * call handed to another thread may not have reached the kernel yet, and
   * it must not find the value given to a handle opened meanwhile.
   */
  close(): void {
    const native = this.#native;
    if (native === null) return;
    this.#native = null;
    this.#live.delete(this);
    if (this.#callsInOtherThreads > 0) {
      this.#closing = native;
      this.#cancelUntilReturned(native);
      return;
    }
    check(this.#lib, this.#lib.kernel32.CloseHandle(native), "CloseHandle", this.pipeName);
  }

  /** @internal io.ts: a call on this synchronous handle was handed to another thread. */
  callStarted(): void {
    this.#callsInOtherThreads++;
  }

  /** @internal io.ts: that call returned; after close, the last one releases the handle. */
  callReturned(): void {
    if (--this.#callsInOtherThreads > 0 || this.#closing === null) return;
    const native = this.#closing;
    this.#closing = null;
    // Closed already as far as the caller knows: a failure here has nobody to report to.
    this.#lib.kernel32.CloseHandle(native);
  }

  /** CancelIoEx(native, NULL) until the calls in other threads have returned. */
  #cancelUntilReturned(native: number): void {
    if (this.#closing !== native) return;
    this.#lib.kernel32.CancelIoEx(native, null);
    this.#lib.unrefTimer(setTimeout(() => this.#cancelUntilReturned(native), 5));
  }

  /** Closes the handle (`using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}
