/**
 * What kernel.ts (pipes) and process.ts (child processes) share of the
 * Win32 calls they make: constants that are the backend's own business (not
 * part of the public API), keeping memory referenced while the kernel reads
 * it, and duplicating a native handle.
 *
 * @module
 */
import { PipeError } from "../errors.ts";
import type { Win32Library } from "./binding.ts";
import { handleAt } from "./structs.ts";

/** CreateFileW dwCreationDisposition: open an existing file (pipe, device). */
export const OPEN_EXISTING = 3;
/** DuplicateHandle dwOptions: same access as the source. */
export const DUPLICATE_SAME_ACCESS = 0x00000002;
/** A wait's dwMilliseconds: no time-out. */
export const INFINITE = 0xffffffff;
/** ShareAccess / dwShareMode: FILE_SHARE_READ | FILE_SHARE_WRITE. */
export const FILE_SHARE_READ_WRITE = 0x3;
/** The pseudo handle of the current process, (HANDLE)-1, as GetCurrentProcess returns it. */
export const CURRENT_PROCESS = -1;

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
 * DuplicateHandle within this process, same access, with the given
 * inheritability: the new native handle. Throws a PipeError of
 * DuplicateHandle (naming `pipeName` when given) on failure.
 */
export function duplicateNative(
  lib: Win32Library,
  native: number,
  inheritable: boolean,
  pipeName?: string,
): number {
  const { kernel32 } = lib;
  const out = new BigUint64Array(new ArrayBuffer(8));
  const ok = kernel32.DuplicateHandle(
    CURRENT_PROCESS,
    native,
    CURRENT_PROCESS,
    out,
    0,
    inheritable ? 1 : 0,
    DUPLICATE_SAME_ACCESS,
  );
  if (!ok) throw new PipeError(kernel32.GetLastError(), "DuplicateHandle", { pipeName });
  return handleAt(out);
}
