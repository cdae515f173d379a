/**
 * `@winpipe/kernel32`: winpipe's kernel port over kernel32.dll, written
 * once for every runtime. A runtime package (`@winpipe/deno`,
 * `@winpipe/bun`) implements {@linkcode Win32Binding}: it opens kernel32.dll,
 * ntdll.dll and advapi32.dll from the neutral tables
 * {@linkcode KERNEL32_FUNCTIONS}, {@linkcode NTDLL_FUNCTIONS} and
 * {@linkcode ADVAPI32_FUNCTIONS}, takes the address of a typed array, and runs
 * the calls marked `offThread` off the main thread. Everything else (the
 * completion port, overlapped I/O, NTSTATUS conversion, the structs, UTF-16
 * names, handle tracking) is here.
 *
 * This module uses no runtime API: importing it anywhere works, and nothing
 * is loaded until a kernel's first call.
 *
 * @example A binding (what `@winpipe/deno` does, in outline)
 * ```ts ignore
 * import { Kernel32Kernel, type Win32Binding } from "@winpipe/kernel32";
 * const binding: Win32Binding = { name: "kernel32-myruntime", load: () => openLibrariesSomehow() };
 * const kernel = new Kernel32Kernel(binding);
 * ```
 *
 * @module
 */
export * from "./src/symbols.ts";
export { KERNEL32_FUNCTIONS } from "./src/kernel32_functions.ts";
export { NTDLL_FUNCTIONS } from "./src/ntdll_functions.ts";
export { ADVAPI32_FUNCTIONS } from "./src/advapi32_functions.ts";
export type { OffThreadArguments, OffThreadFunction, OffThreadName } from "./src/off_thread_functions.ts";
export type { Win32Binding, Win32Library } from "./src/binding.ts";
export { isInvalidHandleValue, wideString } from "./src/structs.ts";
export { Kernel32Handle } from "./src/handle.ts";
export { Kernel32Kernel, type WaitOptions } from "./src/kernel.ts";
export { DEFAULT_POLL_WINDOW_MICROS } from "./src/poll_policy.ts";
export type { EventLoopTurnKind } from "./src/event_loop_turn.ts";
export { Kernel32Process } from "./src/child_process.ts";
export { Kernel32Processes } from "./src/process.ts";
export { Kernel32Security } from "./src/security.ts";
