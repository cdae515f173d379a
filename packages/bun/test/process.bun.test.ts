/**
 * The process suite of `@winpipe/testing` against the Bun kernel32
 * backend: bun.exe children whose standard handles (and extra handles) are
 * winpipe pipe ends. Run under the Wine test bed
 * (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import { processSuite } from "@winpipe/testing";
import { streams } from "@winpipe/streams";
import { kernel32 } from "../mod.ts";
import { windowsRegister } from "./util.ts";

processSuite(() => kernel32, {
  register: windowsRegister,
  streams,
  runtime: process.execPath,
  script: (path, args) => [path, ...args],
  childScript: Bun.fileURLToPath(new URL("../../testing/fixtures/child.ts", import.meta.url)),
  inheritedScript: Bun.fileURLToPath(new URL("./fixtures/inherited_child.ts", import.meta.url)),
  // bun.exe under Wine prints these while resolving packages (harmless: docs/windows-test-bed.md).
  runtimeNoise: /^Internal error: directory mismatch for directory /,
});
