/**
 * Helpers every part of the kernel32 layer uses around its Win32 calls:
 * turning a failed call into a PipeError, keeping memory referenced while
 * the kernel reads it, and duplicating a native handle.
 *
 * @module
 */
import { PipeError } from "@winpipe/core";
import type { Win32Library } from "./binding.ts";
import { handleAt } from "./structs.ts";
import { CURRENT_PROCESS, DUPLICATE_SAME_ACCESS } from "./win32_constants.ts";

/**
 * The PipeError of a Win32 call that just failed on this thread: the
 * thread's last error (GetLastError, read at once, before any other call).
 */
export function lastError(lib: Win32Library, call: string, pipeName?: string): PipeError {
  return new PipeError(lib.kernel32.GetLastError(), call, { pipeName });
}

/**
 * Throws the {@linkcode lastError} of `call` when a Win32 call returned
 * FALSE (0): the one place the pattern `if (!ok) throw ...` is written.
 */
export function check(lib: Win32Library, ok: number | boolean, call: string, pipeName?: string): void {
  if (!ok) throw lastError(lib, call, pipeName);
}

/**
 * Marks the point until which `keep` (memory a struct points to, or buffers
 * an off-thread call uses) must stay referenced: the array is stored where
 * no engine can prove it dead (it stays there until the next call), so it
 * cannot be collected before this point. A plain `void keep` is not enough:
 * JavaScriptCore drops variables only a `void` statement uses.
 */
export function keepUntilHere(keep: readonly unknown[]): void {
  kept.last = keep;
}
const kept: { last: readonly unknown[] | undefined } = { last: undefined };

/**
 * [DuplicateHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-duplicatehandle)
 * within this process, same access, with the given inheritability: the new
 * native handle. Throws a PipeError of DuplicateHandle (naming `pipeName`
 * when given) on failure.
 */
export function duplicateNative(
  lib: Win32Library,
  native: number,
  inheritable: boolean,
  pipeName?: string,
): number {
  const out = new BigUint64Array(new ArrayBuffer(8));
  const ok = lib.kernel32.DuplicateHandle(
    CURRENT_PROCESS,
    native,
    CURRENT_PROCESS,
    out,
    0,
    inheritable ? 1 : 0,
    DUPLICATE_SAME_ACCESS,
  );
  check(lib, ok, "DuplicateHandle", pipeName);
  return handleAt(out);
}
