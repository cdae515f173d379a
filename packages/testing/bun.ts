/**
 * `@winpipe/testing/bun`: the suites' test registration for `bun test`.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/bun";
 * import { createModelKernel } from "@winpipe/core/model";
 * conformanceSuite(() => createModelKernel(), { register });
 * ```
 *
 * @module
 */
import { test } from "bun:test";
import type { RegisterTest } from "./src/harness.ts";

/**
 * True on Windows (natively or under Wine), where the kernel32 suites run.
 *
 * @example
 * ```ts ignore
 * import { onWindows } from "@winpipe/testing/bun";
 * if (!onWindows) console.log("the kernel32 suites are skipped here");
 * ```
 */
export const onWindows: boolean = process.platform === "win32";

/**
 * Per-case timeout: Wine on a loaded machine is slow, and the longest cases
 * (a differential batch, the Deno/Bun interop rounds) take minutes there.
 * Deno's test runner has no per-case timeout; the Wine runs have one for
 * the whole run (scripts/wine/run.sh --timeout).
 *
 * @example
 * ```ts ignore
 * import { test } from "bun:test";
 * import { TIMEOUT_MS } from "@winpipe/testing/bun";
 * test("a long differential batch", async () => {}, TIMEOUT_MS);
 * ```
 */
export const TIMEOUT_MS = 300_000;

/**
 * Registers a case with bun:test; a skipped one names its reason.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/bun";
 * import { createModelKernel } from "@winpipe/core/model";
 * conformanceSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
 * ```
 */
export const register: RegisterTest = (name, fn, skip): void =>
  skip === undefined ? test(name, fn, TIMEOUT_MS) : test.skip(`${name} (skipped: ${skip})`, fn);

/**
 * Like {@linkcode register}, but skips every case off Windows.
 *
 * @example
 * ```ts ignore
 * import { abortSuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/bun";
 * import { Kernel32 } from "@winpipe/bun";
 * abortSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: 150 }); // skipped off Windows
 * ```
 */
export const windowsRegister: RegisterTest = (name, fn, skip): void =>
  register(name, fn, onWindows ? skip : skip ?? "Windows only");
