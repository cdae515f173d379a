/**
 * Bun entry of the @winpipe/streams suites over the real kernel32
 * (`createWinpipe(new Kernel32(), { streams })` with the Kernel32 of
 * `@winpipe/bun`, a fresh one per scenario). Windows only: off Windows it
 * registers one skipped note, and the native model-bun suite does not list it
 * (scripts/suites.mjs). Under the Wine test bed (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- bun test ./packages/streams/test/kernel32.bun.test.ts
 *
 * @module
 */
import { Kernel32 } from "@winpipe/bun";
import { register, windowsRegister } from "@winpipe/testing/bun";
import { findNodeExe, type StreamsBackend } from "./helpers.ts";
import { streamsSuites } from "./suites.ts";

if (process.platform === "win32") {
  const kernel32: StreamsBackend = {
    name: "kernel32-bun",
    // node.exe peers for the interop cases (vscode-jsonrpc, node:http).
    nodeExe: findNodeExe(),
    kernel: () => new Kernel32(),
    // Pending operations complete through a completion port whose waits run in
    // a Worker, and under Wine every call goes through the wineserver: wait as
    // long as the backend's own tests do before calling an operation pending.
    pendingDelayMs: 150,
  };

  streamsSuites(register, kernel32);
} else {
  windowsRegister("streams: kernel32-bun", () => {});
}
