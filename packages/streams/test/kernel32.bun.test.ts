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
import { test } from "bun:test";
import { Kernel32 } from "@winpipe/bun";
import { findNodeExe, type RegisterTest, type StreamsBackend } from "./helpers.ts";
import { streamsSuites } from "./suites.ts";

/** Per-test timeout: Wine on a loaded machine is slow (the Bun backend's own tests use the same). */
const TIMEOUT_MS = 60_000;

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

  const register: RegisterTest = (name, fn, skip) =>
    skip === undefined ? test(name, fn, TIMEOUT_MS) : test.skip(`${name} (skipped: ${skip})`, fn);

  streamsSuites(register, kernel32);
} else {
  test.skip("streams: kernel32-bun (skipped: Windows only; run it under the Wine test bed)", () => {});
}
