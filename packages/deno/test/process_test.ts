/**
 * The process suite of `@winpipe/testing` against the Deno kernel32
 * backend: deno.exe children whose standard handles (and extra handles) are
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
  runtime: Deno.execPath(),
  script: (path, args) => ["run", "-A", "--no-check", path, ...args],
  childScript: new URL("../../testing/fixtures/child.ts", import.meta.url).href,
  inheritedScript: new URL("./fixtures/inherited_child.ts", import.meta.url).href,
});
