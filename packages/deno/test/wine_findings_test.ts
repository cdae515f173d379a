/**
 * The Wine deviations this backend found (docs/wine-findings.md), shown
 * with kernel32 alone, without winpipe in between. Each test asserts what
 * Wine does; when a Wine update makes it behave like Windows, the test fails
 * and the matching skip in conformance_test.ts can go.
 *
 * @module
 */
import assert from "node:assert/strict";
import { wideString } from "../src/ffi.ts";
import { underWine, uniqueName } from "./util.ts";

const GENERIC_READ = 0x80000000;
const OPEN_EXISTING = 3;
const PIPE_ACCESS_INBOUND = 0x1;
const PIPE_ACCESS_OUTBOUND = 0x2;
const PIPE_TYPE_MESSAGE = 0x4;
const PIPE_READMODE_MESSAGE = 0x2;
const ERROR_ACCESS_DENIED = 5;

function kernel32() {
  return Deno.dlopen("kernel32.dll", {
    CreateNamedPipeW: { parameters: ["buffer", "u32", "u32", "u32", "u32", "u32", "u32", "buffer"], result: "pointer" },
    CreateFileW: { parameters: ["buffer", "u32", "u32", "buffer", "u32", "u32", "pointer"], result: "pointer" },
    SetNamedPipeHandleState: { parameters: ["pointer", "buffer", "buffer", "buffer"], result: "i32" },
    GetNamedPipeHandleStateW: {
      parameters: ["pointer", "buffer", "buffer", "buffer", "buffer", "buffer", "u32"],
      result: "i32",
    },
    GetLastError: { parameters: [], result: "u32" },
    CloseHandle: { parameters: ["pointer"], result: "i32" },
  });
}

Deno.test({
  name: "W-S15 Wine: SetNamedPipeHandleState succeeds on a client handle without FILE_WRITE_ATTRIBUTES",
  ignore: !underWine,
  fn() {
    const lib = kernel32();
    const k = lib.symbols;
    try {
      const name = wideString(uniqueName("w-s15"));
      // A plain synchronous client opened with GENERIC_READ only (FILE_GENERIC_READ: no FILE_WRITE_ATTRIBUTES).
      const server = k.CreateNamedPipeW(name, PIPE_ACCESS_OUTBOUND, PIPE_TYPE_MESSAGE, 1, 512, 512, 0, null);
      const client = k.CreateFileW(name, GENERIC_READ, 0, null, OPEN_EXISTING, 0, null);
      const mode = new Uint32Array([PIPE_READMODE_MESSAGE]);
      const ok = k.SetNamedPipeHandleState(client, mode, null, null);
      const state = new Uint32Array(1);
      k.GetNamedPipeHandleStateW(client, state, null, null, null, null, 0);
      k.CloseHandle(client);
      k.CloseHandle(server);
      // Windows: FALSE with ERROR_ACCESS_DENIED, and the handle stays in byte read mode (docs/behaviours.md S15).
      assert.equal(ok, 1, "Wine lets the call through");
      assert.equal(state[0] & PIPE_READMODE_MESSAGE, PIPE_READMODE_MESSAGE, "and the read mode changed");
    } finally {
      lib.close();
    }
  },
});

Deno.test({
  name: "W-S15 Wine: a server handle without FILE_WRITE_ATTRIBUTES is refused (the check exists for servers)",
  ignore: !underWine,
  fn() {
    const lib = kernel32();
    const k = lib.symbols;
    try {
      const name = wideString(uniqueName("w-s15-server"));
      // CreateNamedPipeW gives an inbound-only server GENERIC_READ | SYNCHRONIZE.
      const server = k.CreateNamedPipeW(name, PIPE_ACCESS_INBOUND, 0, 1, 512, 512, 0, null);
      const mode = new Uint32Array([1 /* PIPE_NOWAIT */]);
      const ok = k.SetNamedPipeHandleState(server, mode, null, null);
      const code = k.GetLastError();
      k.CloseHandle(server);
      assert.equal(ok, 0);
      assert.equal(code, ERROR_ACCESS_DENIED);
    } finally {
      lib.close();
    }
  },
});
