/**
 * The foreign symbols of winpipe's Bun backend: the neutral tables of
 * `@winpipe/kernel32` turned into `bun:ffi` tables (HANDLE as `"i64_fast"`,
 * memory as `"ptr"`; docs/bun-backend.md, "The binding", has the whole
 * mapping), and opened lazily. The functions marked `offThread` run in
 * Workers (worker.ts), which open their own copy from the tables
 * {@linkcode bunSymbols}`(table, true)` makes. bun:ffi has no optional
 * symbols: a function marked `optional` is opened on its own, and is `null`
 * when the DLL does not export it.
 *
 * Importing this module on Linux or macOS opens nothing; calling
 * {@linkcode loadLibraries} there throws one clear Error.
 *
 * @module
 */
import { dlopen, type FFIFunction, FFIType, type FFITypeOrString } from "bun:ffi";
import {
  ADVAPI32_FUNCTIONS,
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
    if (fn.optional) continue; // opened on its own: see openLibrary
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
  /** advapi32.dll (none of its functions runs off the thread) */
  advapi32: Win32Functions<typeof ADVAPI32_FUNCTIONS>;
}

/**
 * Opens `dll` from a neutral table: its functions at once, and each one
 * marked `optional` on its own (null when the DLL does not export it).
 */
function openLibrary(dll: string, table: Win32SymbolTable): Record<string, unknown> {
  const symbols: Record<string, unknown> = { ...dlopen(dll, bunSymbols(table)).symbols };
  for (const [name, fn] of Object.entries(table)) {
    if (!fn.optional) continue;
    const only: Record<string, FFIFunction> = {
      [name]: { args: fn.parameters.map((kind) => PARAMETER_TYPES[kind]), returns: RESULT_TYPES[fn.result] },
    };
    try {
      symbols[name] = dlopen(dll, only).symbols[name];
    } catch {
      symbols[name] = null; // not exported (e.g. by Wine's kernel32)
    }
  }
  return symbols;
}

/** Throws the one Error of every use off Windows. */
export function requireWindows(): void {
  if (process.platform !== "win32") {
    throw new Error(`winpipe: kernel32 is only available on Windows (process.platform is "${process.platform}")`);
  }
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
  if (libraries === undefined) {
    requireWindows();
    libraries = {
      kernel32: openLibrary("kernel32.dll", KERNEL32_FUNCTIONS) as unknown as Libraries["kernel32"],
      ntdll: openLibrary("ntdll.dll", NTDLL_FUNCTIONS) as unknown as Libraries["ntdll"],
      advapi32: openLibrary("advapi32.dll", ADVAPI32_FUNCTIONS) as unknown as Libraries["advapi32"],
    };
  }
  return libraries;
}
