/**
 * Deno entry of the @winpipe/streams suites over the real kernel32
 * (`createWinpipe(new Kernel32(), { streams })`, a fresh Kernel32 per
 * scenario). Registers nothing off Windows. Under the Wine test bed
 * (docs/windows-test-bed.md):
 *
 *   bash scripts/wine/run.sh --env NO_COLOR=1 -- deno test -A packages/streams/test/kernel32_test.ts
 *
 * @module
 */
import { Kernel32 } from "@winpipe/deno";
import { register } from "@winpipe/testing/deno";
import { findNodeExe, type StreamsBackend } from "./helpers.ts";
import { streamsSuites } from "./suites.ts";

if (Deno.build.os === "windows") {
  // Open kernel32.dll and ntdll.dll before any test starts, so that Deno's
  // resource sanitizer does not count them against the first test.
  const warmUp = new Kernel32();
  const { read, write } = warmUp.createPipe(0, false, false);
  warmUp.close(read);
  warmUp.close(write);

  const kernel32: StreamsBackend = {
    name: "kernel32-deno",
    // node.exe peers for the interop cases (vscode-jsonrpc, node:http).
    nodeExe: findNodeExe(),
    kernel: () => new Kernel32(),
    // Pending operations complete through a completion port served on another
    // thread, and under Wine every call goes through the wineserver: wait as
    // long as the backend's own tests do before calling an operation pending.
    pendingDelayMs: 150,
  };

  streamsSuites(register, kernel32);
}
