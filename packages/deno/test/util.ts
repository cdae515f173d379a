/**
 * Shared pieces of the Deno backend's tests.
 *
 * @module
 */
import { onWindows } from "@winpipe/testing/deno";
import { loadLibraries } from "../src/ffi.ts";

export { onWindows, register, windowsRegister } from "@winpipe/testing/deno";

// Open the libraries before any test starts, so that the resource sanitizer
// does not count them against the first test that touches kernel32.
if (onWindows) loadLibraries();

/** True under Wine (its ntdll exports wine_get_version); false on Windows and elsewhere. */
export const underWine: boolean = onWindows && (() => {
  try {
    Deno.dlopen("ntdll.dll", { wine_get_version: { parameters: [], result: "pointer" } }).close();
    return true;
  } catch {
    return false;
  }
})();

/**
 * How long the conformance suite waits before concluding that an operation
 * is still pending. Under Wine every call goes through the wineserver, so
 * completions take a little longer than on Windows.
 */
export const PENDING_DELAY_MS = 150;

/** A pipe name no other test uses. */
export function uniqueName(suffix = ""): string {
  return `\\\\.\\pipe\\winpipe-deno-test-${crypto.randomUUID()}${suffix ? "-" + suffix : ""}`;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
