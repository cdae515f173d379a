// Kernel32Processes.terminateProcess against a kernel32 that behaves as Microsoft documents TerminateProcess:
// it fails with ERROR_ACCESS_DENIED once the process has exited. Wine 10's returns success there (W-KILL in
// docs/wine-findings.md), so the process suite's case of a child that exited with 259 passes under Wine on the
// code before this test too, and only this stand-in shows what kill() does with that failure.
import assert from "node:assert/strict";
import { ERROR_ACCESS_DENIED, isPipeError } from "@winpipe/core";
import { Kernel32Process } from "../src/child_process.ts";
import { Kernel32Processes, type KernelAccess } from "../src/process.ts";
import type { Session } from "../src/session.ts";

const WAIT_OBJECT_0 = 0, WAIT_TIMEOUT = 0x102, STILL_ACTIVE = 259;

/** The processes of a kernel32 whose TerminateProcess always fails with ERROR_ACCESS_DENIED. */
function refusingKernel32(process: { exitCode: number; exited: boolean }): Kernel32Processes {
  const kernel32 = {
    TerminateProcess: () => 0,
    GetLastError: () => ERROR_ACCESS_DENIED,
    GetExitCodeProcess: (_native: number, out: Uint32Array) => {
      out[0] = process.exited ? process.exitCode : STILL_ACTIVE;
      return 1;
    },
    WaitForSingleObject: () => process.exited ? WAIT_OBJECT_0 : WAIT_TIMEOUT,
  };
  const access = {
    session: () => ({ lib: { kernel32 } }) as unknown as Session,
    native: () => 0,
    adopt: () => {
      throw new Error("not used");
    },
  } as KernelAccess;
  return new Kernel32Processes(access);
}

Deno.test("kill of a child that has exited does nothing, whatever its exit code, 259 (STILL_ACTIVE's value) too", () => {
  for (const exitCode of [0, 3, STILL_ACTIVE]) {
    const processes = refusingKernel32({ exitCode, exited: true });
    processes.terminateProcess(new Kernel32Process(1234, 42), 1); // nobody has waited for it yet
  }
});

Deno.test("kill of a child still running that Windows refuses to terminate throws the refusal", () => {
  const processes = refusingKernel32({ exitCode: 0, exited: false });
  assert.throws(
    () => processes.terminateProcess(new Kernel32Process(1234, 42), 1),
    (err) => isPipeError(err, ERROR_ACCESS_DENIED) && err.call === "TerminateProcess",
  );
});
