/**
 * {@linkcode denoBinding}: what Deno provides to the kernel32 kernel of
 * `@winpipe/kernel32`. Calls run through `Deno.dlopen`; the calls that
 * can wait run `nonblocking` on Deno's blocking pool (their result carries
 * the whole outcome, so no thread's last error is read afterwards).
 *
 * @module
 */
import type { OffThreadArguments, OffThreadFunction, Win32Binding, Win32Library } from "@winpipe/kernel32";
import { loadLibraries } from "./ffi.ts";

let library: Win32Library | undefined;

/**
 * The Deno binding. `load()` opens kernel32.dll, ntdll.dll and advapi32.dll on first use
 * and throws off Windows.
 *
 * @example
 * ```ts ignore
 * import { Kernel32Kernel } from "@winpipe/kernel32";
 * import { denoBinding } from "@winpipe/deno";
 * const kernel = new Kernel32Kernel(denoBinding); // what `new Kernel32()` is
 * ```
 */
export const denoBinding: Win32Binding = {
  name: "kernel32-deno",
  load(): Win32Library {
    if (library !== undefined) return library;
    const { kernel32, ntdll, advapi32 } = loadLibraries();
    library = {
      kernel32,
      ntdll,
      advapi32,
      offThread<N extends OffThreadFunction>(name: N, ...args: OffThreadArguments<N>): Promise<number> {
        // Looked up at each call (not cached), so that a bench can count the waits by wrapping one.
        return loadLibraries().blocking[name](...args);
      },
      // Deno's blocking pool has 4 threads per CPU on Windows: leave two for the completion port's
      // waiter and Deno's own work, so that flushes waiting for a reader here never starve the port.
      offThreadSlots: Math.max(1, 4 * (navigator.hardwareConcurrency || 1) - 2),
      addressOf: (view) => Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view))),
      // Cheaper than a MessageChannel message in Deno, and fair to timers (event_loop_turn.ts has the figures).
      eventLoopTurn: "setImmediate",
      unrefTimer: (timer) => Deno.unrefTimer(timer),
    };
    return library;
  },
};
