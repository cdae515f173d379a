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

/** The names of a table's functions marked `offThread`. */
export type OffThreadName<T extends Win32SymbolTable> =
  & {
    [N in keyof T]: T[N] extends { readonly offThread: true } ? N : never;
  }[keyof T]
  & string;

/** Every function that may run off the main thread, by name (the names are unique across both DLLs). */
export type OffThreadFunction =
  | OffThreadName<typeof KERNEL32_FUNCTIONS>
  | OffThreadName<typeof NTDLL_FUNCTIONS>;

/** The arguments of an off-thread function. */
export type OffThreadArguments<N extends OffThreadFunction> = N extends keyof typeof KERNEL32_FUNCTIONS
  ? Win32Arguments<(typeof KERNEL32_FUNCTIONS)[N]>
  : N extends keyof typeof NTDLL_FUNCTIONS ? Win32Arguments<(typeof NTDLL_FUNCTIONS)[N]>
  : never;
