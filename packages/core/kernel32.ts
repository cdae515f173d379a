/**
 * `@winpipe/core/kernel32`: winpipe's kernel port over kernel32.dll, written
 * once for every runtime. A runtime package (`@winpipe/deno`,
 * `@winpipe/bun`) implements {@linkcode Win32Binding}: it opens kernel32.dll
 * and ntdll.dll from the neutral tables {@linkcode KERNEL32_FUNCTIONS} and
 * {@linkcode NTDLL_FUNCTIONS}, takes the address of a typed array, and runs
 * the calls marked `offThread` off the main thread. Everything else (the
 * completion port, overlapped I/O, NTSTATUS conversion, the structs, UTF-16
 * names, handle tracking) is here.
 *
 * This module uses no runtime API: importing it anywhere works, and nothing
 * is loaded until a kernel's first call.
 *
 * @example A binding (what `@winpipe/deno` does, in outline)
 * ```ts ignore
 * import { Kernel32Kernel, type Win32Binding } from "@winpipe/core/kernel32";
 * const binding: Win32Binding = { name: "kernel32-myruntime", load: () => openLibrariesSomehow() };
 * const kernel = new Kernel32Kernel(binding);
 * ```
 *
 * @module
 */
export * from "./src/kernel32/symbols.ts";
export type { Win32Binding, Win32Library } from "./src/kernel32/binding.ts";
export { isInvalidHandleValue, wideString } from "./src/kernel32/structs.ts";
export { Kernel32Handle, Kernel32Kernel } from "./src/kernel32/kernel.ts";
export { Kernel32Process, Kernel32Processes } from "./src/kernel32/process.ts";
