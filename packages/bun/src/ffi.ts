/**
 * The foreign symbols of winpipe's Bun backend: the neutral tables of
 * `@winpipe/kernel32` turned into `bun:ffi` tables (HANDLE as `"i64_fast"`,
 * memory as `"ptr"`; docs/bun-backend.md, "The binding", has the whole
 * mapping), and opened lazily. The functions marked `offThread` run in
 * Workers (worker.ts), which open their own copy from the tables
 * {@linkcode bunSymbols}`(table, true)` makes.
 *
 * Importing this module on Linux or macOS opens nothing; calling
 * {@linkcode loadLibraries} there throws one clear Error.
 *
 * @module
 */
import { dlopen, type FFIFunction, FFIType, type FFITypeOrString } from "bun:ffi";
import {
  KERNEL32_FUNCTIONS,
  NTDLL_FUNCTIONS,
  type ParameterKind,
  type ResultKind,
  type Win32Functions,
  type Win32SymbolTable,
} from "@winpipe/kernel32";

const PARAMETER_TYPES: Readonly<Record<ParameterKind, FFITypeOrString>> = {
  handle: FFIType.i64_fast, // HANDLE
  buffer: "ptr", // LPVOID, LPCWSTR, LPDWORD, struct pointers
  u8: "u8", // UCHAR
  u32: "u32", // DWORD, ULONG, ACCESS_MASK
  i32: "i32", // BOOL, NTSTATUS
  usize: "u64", // ULONG_PTR
};

const RESULT_TYPES: Readonly<Record<ResultKind, FFITypeOrString>> = {
  handle: FFIType.i64_fast, // HANDLE
  i32: "i32", // BOOL, NTSTATUS
  u32: "u32", // DWORD, ULONG
  void: "void",
};

/**
 * The `bun:ffi` table of a neutral table; with `offThreadOnly`, only the
 * functions marked `offThread` (what a worker needs).
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS } from "@winpipe/kernel32";
 * import { bunSymbols } from "./ffi.ts";
 * bunSymbols(KERNEL32_FUNCTIONS).CloseHandle; // { args: ["i64_fast"], returns: "i32" }
 * ```
 */
export function bunSymbols(table: Win32SymbolTable, offThreadOnly = false): Record<string, FFIFunction> {
  const symbols: Record<string, FFIFunction> = {};
  for (const [name, fn] of Object.entries(table)) {
    if (offThreadOnly && !fn.offThread) continue;
    symbols[name] = { args: fn.parameters.map((kind) => PARAMETER_TYPES[kind]), returns: RESULT_TYPES[fn.result] };
  }
  return symbols;
}

/** The opened libraries. */
export interface Libraries {
  /** kernel32.dll */
  kernel32: Win32Functions<typeof KERNEL32_FUNCTIONS>;
  /** ntdll.dll */
  ntdll: Win32Functions<typeof NTDLL_FUNCTIONS>;
}

/** Throws the one Error of every use off Windows. */
export function requireWindows(): void {
  if (process.platform !== "win32") {
    throw new Error(`winpipe: kernel32 is only available on Windows (process.platform is "${process.platform}")`);
  }
}

let libraries: Libraries | undefined;

/**
 * Opens kernel32.dll and ntdll.dll on first use and returns their symbols.
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
  if (libraries === undefined) {
    requireWindows();
    const kernel32 = dlopen("kernel32.dll", bunSymbols(KERNEL32_FUNCTIONS)).symbols;
    const ntdll = dlopen("ntdll.dll", bunSymbols(NTDLL_FUNCTIONS)).symbols;
    libraries = {
      kernel32: kernel32 as unknown as Libraries["kernel32"],
      ntdll: ntdll as unknown as Libraries["ntdll"],
    };
  }
  return libraries;
}
