/**
 * Shared pieces of the Bun backend's tests (bun:test, run under the Wine
 * test bed: docs/windows-test-bed.md).
 *
 * @module
 */
import { dlopen } from "bun:ffi";
import { onWindows } from "@winpipe/testing/bun";

export { onWindows, register, windowsRegister } from "@winpipe/testing/bun";

/** True under Wine (its ntdll exports wine_get_version); false on Windows and elsewhere. */
export const underWine: boolean = onWindows && (() => {
  try {
    dlopen("ntdll.dll", { wine_get_version: { args: [], returns: "ptr" } }).close();
    return true;
  } catch {
    return false;
  }
})();

/**
 * How long the conformance suite waits before concluding that an operation
 * is still pending. Under Wine every call goes through the wineserver, and
 * a completion reaches the main thread through a worker.
 */
export const PENDING_DELAY_MS = 150;

/** A pipe name no other test uses. */
export function uniqueName(suffix = ""): string {
  return `\\\\.\\pipe\\winpipe-bun-test-${crypto.randomUUID()}${suffix ? "-" + suffix : ""}`;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
