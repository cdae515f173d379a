/**
 * The functions a backend must be able to run off the main thread, and
 * their arguments: the union over both tables of the functions marked
 * `offThread`.
 *
 * @module
 */
import type { KERNEL32_FUNCTIONS } from "./kernel32_functions.ts";
import type { NTDLL_FUNCTIONS } from "./ntdll_functions.ts";
import type { Win32Arguments, Win32SymbolTable } from "./symbols.ts";

/**
 * The names of a table's functions marked `offThread`.
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS, type OffThreadName } from "@winpipe/kernel32";
 * const waiter: OffThreadName<typeof KERNEL32_FUNCTIONS> = "GetQueuedCompletionStatusEx";
 * ```
 */
export type OffThreadName<T extends Win32SymbolTable> =
  & {
    [N in keyof T]: T[N] extends { readonly offThread: true } ? N : never;
  }[keyof T]
  & string;

/**
 * Every function that may run off the main thread, by name (the names are unique across both DLLs).
 *
 * @example
 * ```ts
 * import type { OffThreadFunction } from "@winpipe/kernel32";
 * const names: OffThreadFunction[] = ["GetQueuedCompletionStatusEx", "NtFlushBuffersFile", "NtReadFile"];
 * ```
 */
export type OffThreadFunction =
  | OffThreadName<typeof KERNEL32_FUNCTIONS>
  | OffThreadName<typeof NTDLL_FUNCTIONS>;

/**
 * The arguments of an off-thread function.
 *
 * @example
 * ```ts
 * import type { OffThreadArguments } from "@winpipe/kernel32";
 * // FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock:
 * const args: OffThreadArguments<"NtFlushBuffersFile"> = [0x1c4, new Uint8Array(new ArrayBuffer(16))];
 * ```
 */
export type OffThreadArguments<N extends OffThreadFunction> = N extends keyof typeof KERNEL32_FUNCTIONS
  ? Win32Arguments<(typeof KERNEL32_FUNCTIONS)[N]>
  : N extends keyof typeof NTDLL_FUNCTIONS ? Win32Arguments<(typeof NTDLL_FUNCTIONS)[N]>
  : never;
