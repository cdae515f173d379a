/**
 * The foreign functions winpipe's kernel32 backends call, described once and
 * neutrally: for each function its DLL, the kind of each parameter
 * (labelled with its Win32 name and C type), the kind of its result, and
 * whether a backend must be able to run it off the main thread. Each
 * runtime builds its own `dlopen` table from these descriptions
 * (`@winpipe/deno`: `Deno.dlopen`; `@winpipe/bun`: `bun:ffi`), and
 * {@linkcode Win32Functions} gives the calls their TypeScript signatures.
 *
 * Kinds (x64 Windows):
 * - `"handle"`: a HANDLE, passed and returned as a number (a bigint only if
 *   a runtime returns one; Windows handles are small values, and
 *   INVALID_HANDLE_VALUE comes back as -1);
 * - `"buffer"`: a pointer to memory the call reads or writes (a string,
 *   struct, out parameter or data buffer), passed as a typed array or null
 *   for NULL. A backend may reject an empty typed array: pass a non-empty
 *   one with a length argument of 0 instead;
 * - `"u8"`, `"u32"`, `"i32"`: UCHAR; DWORD/ULONG/ACCESS_MASK; BOOL/NTSTATUS;
 * - `"usize"`: ULONG_PTR, a number or bigint.
 *
 * `optional: true` marks a function a DLL may not export (Wine's kernel32
 * lacks some): a backend loads the table all the same and gives `null` for
 * it, and the caller fails with ERROR_PROC_NOT_FOUND when it needs it.
 *
 * `offThread: true` marks the calls that can wait in the kernel (and so
 * must not run on the main thread when they would): the completion port
 * wait and the NT calls of operations with no overlapped form. Only
 * functions whose result carries the whole outcome (an NTSTATUS, or a BOOL
 * whose FALSE is retried) are marked so: GetLastError is per thread, so it
 * is never read after a call that ran on another thread.
 *
 * The tables are in kernel32_functions.ts, ntdll_functions.ts and
 * advapi32_functions.ts; this module has the kinds and the types derived
 * from them.
 *
 * @module
 */

/**
 * The kind of a parameter; see the module documentation.
 *
 * @example
 * ```ts
 * import type { ParameterKind } from "@winpipe/kernel32";
 * // BOOL PeekNamedPipe(HANDLE, LPVOID, DWORD, LPDWORD, LPDWORD, LPDWORD):
 * const peekNamedPipe: ParameterKind[] = ["handle", "buffer", "u32", "buffer", "buffer", "buffer"];
 * ```
 */
export type ParameterKind = "handle" | "buffer" | "u8" | "u32" | "i32" | "usize";

/**
 * The kind of a result (`"void"`: the function returns nothing).
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS, type ResultKind } from "@winpipe/kernel32";
 * const result: ResultKind = KERNEL32_FUNCTIONS.CreateFileW.result; // "handle"
 * ```
 */
export type ResultKind = "handle" | "i32" | "u32" | "void";

/**
 * One foreign function.
 *
 * @example
 * ```ts
 * import type { Win32Function } from "@winpipe/kernel32";
 * // BOOL DisconnectNamedPipe(HANDLE hNamedPipe)
 * const DisconnectNamedPipe: Win32Function = { parameters: ["handle"], result: "i32" };
 * ```
 */
export interface Win32Function {
  /** Parameter kinds, in order. */
  readonly parameters: readonly ParameterKind[];
  /** Result kind. */
  readonly result: ResultKind;
  /** True when the call may be run off the main thread (see the module documentation). */
  readonly offThread?: boolean;
  /** True when the DLL may not export it: loaded as `null` then (see the module documentation). */
  readonly optional?: boolean;
}

/**
 * A table of foreign functions of one DLL.
 *
 * @example
 * ```ts
 * import type { Win32SymbolTable } from "@winpipe/kernel32";
 * const table = {
 *   // DWORD GetCurrentProcessId(void)
 *   GetCurrentProcessId: { parameters: [], result: "u32" },
 * } as const satisfies Win32SymbolTable;
 * ```
 */
export type Win32SymbolTable = Readonly<Record<string, Win32Function>>;

/**
 * A HANDLE as the backends pass and return it: a number (a bigint if a runtime returns one).
 *
 * @example
 * ```ts
 * import { isInvalidHandleValue, type NativeHandle } from "@winpipe/kernel32";
 * const handle: NativeHandle = -1; // what CreateFileW returns on failure
 * isInvalidHandleValue(handle); // true
 * ```
 */
export type NativeHandle = number | bigint;

/**
 * Memory passed to a `"buffer"` parameter: a typed array, or null for NULL.
 *
 * @example
 * ```ts
 * import type { BufferArgument } from "@winpipe/kernel32";
 * const lpOverlapped: BufferArgument = null; // NULL
 * const lpBuffer: BufferArgument = new Uint8Array(new ArrayBuffer(4096));
 * ```
 */
export type BufferArgument = ArrayBufferView | null;

/**
 * The JavaScript type of a parameter kind.
 *
 * @example
 * ```ts
 * import type { NativeHandle, ParameterType } from "@winpipe/kernel32";
 * const hFile: ParameterType<"handle"> = 0x1c4 satisfies NativeHandle;
 * const nNumberOfBytesToRead: ParameterType<"u32"> = 4096;
 * ```
 */
export type ParameterType<K extends ParameterKind> = K extends "handle" ? NativeHandle
  : K extends "buffer" ? BufferArgument
  : K extends "usize" ? number | bigint
  : number;

/**
 * The JavaScript type of a result kind.
 *
 * @example
 * ```ts
 * import type { ResultType } from "@winpipe/kernel32";
 * const ok: ResultType<"i32"> = 1; // BOOL TRUE
 * ```
 */
export type ResultType<K extends ResultKind> = K extends "handle" ? NativeHandle : K extends "void" ? void : number;

/**
 * The JavaScript types of a list of parameter kinds, as a tuple.
 *
 * @example
 * ```ts
 * import type { ParameterTypes } from "@winpipe/kernel32";
 * const args: ParameterTypes<["handle", "u32"]> = [0x1c4, 0];
 * ```
 */
export type ParameterTypes<P extends readonly unknown[]> = P extends
  readonly [infer Head extends ParameterKind, ...infer Rest] ? [ParameterType<Head>, ...ParameterTypes<Rest>]
  : [];

/**
 * The argument list of a function of a table.
 *
 * @example
 * ```ts
 * import { KERNEL32_FUNCTIONS, type Win32Arguments } from "@winpipe/kernel32";
 * // hNamedPipe, lpMode, lpMaxCollectionCount, lpCollectDataTimeout:
 * const args: Win32Arguments<typeof KERNEL32_FUNCTIONS.SetNamedPipeHandleState> = [0x1c4, null, null, null];
 * ```
 */
export type Win32Arguments<F extends Win32Function> = ParameterTypes<F["parameters"]>;

/**
 * The callable function of one entry of a table (null for a missing optional one).
 *
 * @example
 * ```ts ignore
 * import type { KERNEL32_FUNCTIONS, Win32Callable } from "@winpipe/kernel32";
 * // An optional function loads as null when the DLL lacks it (Wine's kernel32 has no GetNamedPipeClientComputerNameW):
 * type ComputerName = Win32Callable<typeof KERNEL32_FUNCTIONS.GetNamedPipeClientComputerNameW>;
 * declare const computerName: ComputerName;
 * computerName === null; // true under Wine
 * ```
 */
export type Win32Callable<F extends Win32Function> = F extends { readonly optional: true }
  ? ((...args: Win32Arguments<F>) => ResultType<F["result"]>) | null
  : (...args: Win32Arguments<F>) => ResultType<F["result"]>;

/**
 * The callable functions of a table, as a backend's loaded library exposes them.
 *
 * @example
 * ```ts ignore
 * import type { KERNEL32_FUNCTIONS, Win32Functions } from "@winpipe/kernel32";
 * declare const kernel32: Win32Functions<typeof KERNEL32_FUNCTIONS>; // what a binding's load() returns
 * const mode = new Uint32Array(new ArrayBuffer(4));
 * const ok: number = kernel32.GetNamedPipeHandleStateW(0x1c4, mode, null, null, null, null, 0);
 * ```
 */
export type Win32Functions<T extends Win32SymbolTable> = {
  readonly [N in keyof T]: Win32Callable<T[N]>;
};
