/**
 * `@winpipe/testing/deno`: the suites' test registration for `deno test`.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { createModelKernel } from "@winpipe/core/model";
 * conformanceSuite(() => createModelKernel(), { register });
 * ```
 *
 * @module
 */
import type { RegisterTest } from "./src/harness.ts";

/**
 * True on Windows (natively or under Wine), where the kernel32 suites run.
 *
 * @example
 * ```ts
 * import { onWindows } from "@winpipe/testing/deno";
 * if (!onWindows) console.log("the kernel32 suites are skipped here");
 * ```
 */
export const onWindows: boolean = Deno.build.os === "windows";

/**
 * Registers a case with Deno.test; a skipped one is ignored and names its reason.
 *
 * @example
 * ```ts ignore
 * import { conformanceSuite } from "@winpipe/testing";
 * import { register } from "@winpipe/testing/deno";
 * import { createModelKernel } from "@winpipe/core/model";
 * conformanceSuite(() => createModelKernel(), { register, pendingDelayMs: 5 });
 * ```
 */
export const register: RegisterTest = (name, fn, skip): void =>
  Deno.test({ name: skip === undefined ? name : `${name} (skipped: ${skip})`, ignore: skip !== undefined, fn });

/**
 * Like {@linkcode register}, but skips every case off Windows.
 *
 * @example
 * ```ts ignore
 * import { abortSuite } from "@winpipe/testing";
 * import { windowsRegister } from "@winpipe/testing/deno";
 * import { Kernel32 } from "@winpipe/deno";
 * abortSuite(() => new Kernel32(), { register: windowsRegister, pendingDelayMs: 150 }); // skipped off Windows
 * ```
 */
export const windowsRegister: RegisterTest = (name, fn, skip): void =>
  register(name, fn, onWindows ? skip : skip ?? "Windows only");
