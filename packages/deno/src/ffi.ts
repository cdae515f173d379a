/**
 * The foreign symbols of winpipe's Deno backend: the neutral tables of
 * `@winpipe/kernel32` turned into `Deno.dlopen` tables (HANDLE as
 * `"isize"`, memory as `"buffer"`; docs/deno-backend.md, "The binding",
 * has the whole mapping), and opened lazily. Each function marked
 * `offThread` is declared twice: under its own name, and as `NameBlocking`
 * with `nonblocking: true`. A function marked `optional` is declared with
 * Deno's `optional: true`: `null` when the DLL does not export it.
 *
 * Importing this module on Linux or macOS opens nothing; calling
 * {@linkcode loadLibraries} there throws one clear Error.
 *
 * @module
 */
import {
  ADVAPI32_FUNCTIONS,
  KERNEL32_FUNCTIONS,
  NTDLL_FUNCTIONS,
  type ParameterKind,
  type ResultKind,
  type Win32Functions,
  type Win32SymbolTable,
} from "@winpipe/kernel32";

export { wideString } from "@winpipe/kernel32";

const PARAMETER_TYPES: Readonly<Record<ParameterKind, Deno.NativeType>> = {
  handle: "isize", // HANDLE
  buffer: "buffer", // LPVOID, LPCWSTR, LPDWORD, struct pointers
  u8: "u8", // UCHAR
  u32: "u32", // DWORD, ULONG, ACCESS_MASK
  i32: "i32", // BOOL, NTSTATUS
  usize: "usize", // ULONG_PTR
};

const RESULT_TYPES: Readonly<Record<ResultKind, Deno.NativeResultType>> = {
  handle: "isize", // HANDLE
  i32: "i32", // BOOL, NTSTATUS
  u32: "u32", // DWORD, ULONG
  void: "void",
};

/**
 * The `Deno.dlopen` table of a neutral table: every function under its own
 * name, plus `NameBlocking` (`nonblocking: true`) for those marked
 * `offThread`.
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS } from "@winpipe/kernel32";
 * import { denoSymbols } from "./ffi.ts";
 * denoSymbols(KERNEL32_FUNCTIONS).GetQueuedCompletionStatusExBlocking; // { name: "GetQueuedCompletionStatusEx", ..., nonblocking: true }
 * ```
 */
export function denoSymbols(table: Win32SymbolTable): Deno.ForeignLibraryInterface {
  const symbols: Record<string, Deno.ForeignFunction> = {};
  for (const [name, fn] of Object.entries(table)) {
    const parameters = fn.parameters.map((kind) => PARAMETER_TYPES[kind]);
    const result = RESULT_TYPES[fn.result];
    symbols[name] = fn.optional ? { parameters, result, optional: true } : { parameters, result };
    if (fn.offThread) symbols[`${name}Blocking`] = { name, parameters, result, nonblocking: true };
  }
  return symbols;
}

/** The opened libraries. */
export interface Libraries {
  /** kernel32.dll */
  kernel32: Win32Functions<typeof KERNEL32_FUNCTIONS>;
  /** ntdll.dll */
  ntdll: Win32Functions<typeof NTDLL_FUNCTIONS>;
  /** advapi32.dll */
  advapi32: Win32Functions<typeof ADVAPI32_FUNCTIONS>;
  /**
   * The `NameBlocking` (`nonblocking: true`) variants of the functions
   * marked `offThread`, by their own name (e.g. `NtFlushBuffersFile`);
   * each returns a promise of its result.
   */
  blocking: Record<string, (...args: unknown[]) => Promise<number>>;
}

let libraries: Libraries | undefined;

/**
 * Opens kernel32.dll, ntdll.dll and advapi32.dll on first use and returns their symbols.
 * Off Windows it throws an Error that says so (and opens nothing).
 *
 * @example
 * ```ts ignore
 * import { loadLibraries } from "./ffi.ts";
 * const { kernel32 } = loadLibraries();
 * kernel32.GetCurrentProcessId();
 * ```
 */
export function loadLibraries(): Libraries {
  if (libraries !== undefined) return libraries;
  if (Deno.build.os !== "windows") {
    throw new Error(`winpipe: kernel32 is only available on Windows (Deno.build.os is "${Deno.build.os}")`);
  }
  const kernel32 = Deno.dlopen("kernel32.dll", denoSymbols(KERNEL32_FUNCTIONS)).symbols;
  const ntdll = Deno.dlopen("ntdll.dll", denoSymbols(NTDLL_FUNCTIONS)).symbols;
  const advapi32 = Deno.dlopen("advapi32.dll", denoSymbols(ADVAPI32_FUNCTIONS)).symbols;
  const blocking: Libraries["blocking"] = {};
  for (const [table, symbols] of [[KERNEL32_FUNCTIONS, kernel32], [NTDLL_FUNCTIONS, ntdll]] as const) {
    for (const [name, fn] of Object.entries(table as Win32SymbolTable)) {
      if (fn.offThread) blocking[name] = symbols[`${name}Blocking`] as (...args: unknown[]) => Promise<number>;
    }
  }
  libraries = {
    kernel32: kernel32 as unknown as Libraries["kernel32"],
    ntdll: ntdll as unknown as Libraries["ntdll"],
    advapi32: advapi32 as unknown as Libraries["advapi32"],
    blocking,
  };
  return libraries;
}
