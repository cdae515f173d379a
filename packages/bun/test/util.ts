/**
 * Shared pieces of the Bun backend's tests (bun:test, run under the Wine
 * test bed: docs/windows-test-bed.md).
 *
 * @module
 */
import { test } from "bun:test";
import { dlopen } from "bun:ffi";
import type { RegisterTest } from "@winpipe/core/testing";

/** True when running on Windows (natively or under Wine); the kernel32 tests run only there. */
export const onWindows: boolean = process.platform === "win32";

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

/** Per-test timeout: Wine on a loaded machine is slow. */
export const TIMEOUT_MS = 60_000;

/** Registers a suite case with bun:test, naming the reason when it is skipped. */
export const register: RegisterTest = (name, fn, skip) =>
  skip === undefined ? test(name, fn, TIMEOUT_MS) : test.skip(`${name} (skipped: ${skip})`, fn);

/** Like {@linkcode register}, but skips every case off Windows. */
export const windowsRegister: RegisterTest = (name, fn, skip) =>
  register(name, fn, onWindows ? skip : skip ?? "Windows only");

/** Registers a Windows-only test (skipped elsewhere). */
export function windowsTest(name: string, fn: () => Promise<void> | void, timeout = TIMEOUT_MS): void {
  if (onWindows) test(name, fn, timeout);
  else test.skip(`${name} (skipped: Windows only)`, fn);
}

/** A pipe name no other test uses. */
export function uniqueName(suffix = ""): string {
  return `\\\\.\\pipe\\winpipe-bun-test-${crypto.randomUUID()}${suffix ? "-" + suffix : ""}`;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
