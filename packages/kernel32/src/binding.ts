/**
 * What a runtime provides to {@linkcode Kernel32Kernel}: the one seam
 * between the kernel32 layer (written once, in this package) and a runtime's
 * FFI. A backend implements {@linkcode Win32Binding} in a few dozen lines:
 * open the three DLLs from the neutral tables (kernel32_functions.ts,
 * ntdll_functions.ts, advapi32_functions.ts), take the
 * address of a typed array, unref a timer, and run the `offThread`
 * functions somewhere other than the main thread.
 *
 * @module
 */
import type { EventLoopTurnKind } from "./event_loop_turn.ts";
import type { ADVAPI32_FUNCTIONS } from "./advapi32_functions.ts";
import type { KERNEL32_FUNCTIONS } from "./kernel32_functions.ts";
import type { NTDLL_FUNCTIONS } from "./ntdll_functions.ts";
import type { OffThreadArguments, OffThreadFunction } from "./off_thread_functions.ts";
import type { Win32Functions } from "./symbols.ts";

/**
 * kernel32.dll, ntdll.dll and advapi32.dll as a runtime loaded them, with what only the runtime can do.
 *
 * @example
 * ```ts ignore
 * import type { OffThreadArguments, OffThreadFunction, Win32Binding, Win32Library } from "@winpipe/kernel32";
 * // In outline, what a binding's load() returns (packages/deno/src/binding.ts is a real one):
 * declare function openKernel32(): Win32Library["kernel32"];
 * declare function openNtdll(): Win32Library["ntdll"];
 * declare function openAdvapi32(): Win32Library["advapi32"];
 * declare function runOnAnotherThread(name: string, args: unknown[]): Promise<number>;
 * declare function addressOf(view: ArrayBufferView): number;
 * let library: Win32Library | undefined;
 * const binding: Win32Binding = {
 *   name: "kernel32-myruntime",
 *   load: () =>
 *     library ??= {
 *       kernel32: openKernel32(),
 *       ntdll: openNtdll(),
 *       advapi32: openAdvapi32(),
 *       offThread: <N extends OffThreadFunction>(name: N, ...args: OffThreadArguments<N>) => runOnAnotherThread(name, args),
 *       offThreadSlots: 16,
 *       addressOf,
 *       eventLoopTurn: "setImmediate",
 *       unrefTimer: (timer) => Deno.unrefTimer(timer),
 *     },
 * };
 * ```
 */
export interface Win32Library {
  /** The kernel32.dll functions, called synchronously on the main thread. */
  readonly kernel32: Win32Functions<typeof KERNEL32_FUNCTIONS>;
  /** The ntdll.dll functions, called synchronously on the main thread. */
  readonly ntdll: Win32Functions<typeof NTDLL_FUNCTIONS>;
  /** The advapi32.dll functions (access control and identity), called synchronously on the main thread. */
  readonly advapi32: Win32Functions<typeof ADVAPI32_FUNCTIONS>;
  /**
   * Runs one of the functions marked `offThread` on another thread and
   * resolves with its result. The typed arrays passed in stay referenced by
   * the caller until the promise settles (a backend that converts them to
   * addresses must keep them referenced too). The promise never rejects for
   * a failing call: the result carries the outcome.
   *
   * GetQueuedCompletionStatusEx is the completion port's one waiter (at most
   * one is outstanding); the NT calls are flushes and I/O on synchronous
   * handles, at most {@linkcode Win32Library.offThreadSlots} at once.
   */
  offThread<N extends OffThreadFunction>(name: N, ...args: OffThreadArguments<N>): Promise<number>;
  /**
   * How many NT calls may run off the main thread at once (the completion
   * port's waiter not counted); more are queued. A backend with a small
   * fixed thread pool leaves room for the waiter and its own work.
   */
  readonly offThreadSlots: number;
  /**
   * The address of a typed array's first byte, for pointers stored inside
   * structs (UNICODE_STRING.Buffer, OBJECT_ATTRIBUTES.ObjectName) and for
   * matching completion packets to OVERLAPPEDs. The array must be backed by
   * an ArrayBuffer made for it (`new Uint8Array(new ArrayBuffer(n))`), so
   * that the address stays valid (docs/kernel32.md, "Memory the kernel
   * writes later").
   */
  addressOf(view: ArrayBufferView): number;
  /**
   * The cheapest fair way this runtime has to wait for a later turn of its
   * event loop, between two polls of the completion port
   * (event_loop_turn.ts says what each costs).
   */
  readonly eventLoopTurn: EventLoopTurnKind;
  /** Makes a timer not keep the process alive (rechecks of completion packets). */
  unrefTimer(timer: ReturnType<typeof setTimeout>): void;
}

/**
 * A runtime's binding: its name and a loader. `load()` opens the libraries
 * on first use (and returns the same object afterwards); off Windows it
 * throws one clear Error, e.g. `winpipe: kernel32 is only available on
 * Windows (Deno.build.os is "linux")`, and opens nothing.
 *
 * @example A binding over a fake library (tests)
 * ```ts
 * import type { Win32Binding } from "@winpipe/kernel32";
 * const offWindows: Win32Binding = {
 *   name: "kernel32-example",
 *   load() {
 *     throw new Error("winpipe: kernel32 is only available on Windows");
 *   },
 * };
 * ```
 */
export interface Win32Binding {
  /** The kernel's name, e.g. "kernel32-deno". */
  readonly name: string;
  /** Opens (once) and returns the libraries; throws off Windows. */
  load(): Win32Library;
}
