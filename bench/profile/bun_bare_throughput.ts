/**
 * deno_bare_throughput.ts for Bun: how fast bun.exe itself can move data
 * through a byte pipe with the calls kernel32 makes, written directly
 * against kernel32 with `bun:ffi` and no winpipe layer: the bench's
 * throughput-64k (256 MiB in 64 KiB WriteFiles, one way, two processes,
 * 64 KiB pipe buffers), on overlapped handles attached to a completion port
 * with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, one call at a time per side. A
 * call that pends is watched in memory (its status in the OVERLAPPED,
 * SwitchToThread between looks) and then its packet removed, as
 * `raw_pipe.c io=port` does in C and kernel32's polling phase does between
 * turns of the event loop. Two ways of looking, and streams:
 *
 * - `spin`: in a loop on the main thread, blocking the event loop (what C
 *   does; no option for winpipe, it shows what bun.exe's calls cost).
 * - `turns`: one look per turn of the event loop, taken as winpipe-bun's
 *   polling phase takes it (a MessageChannel message, Bun's cheapest turn:
 *   packages/kernel32/src/event_loop_turn.ts), without its bookkeeping,
 *   promises or copies.
 * - `streams`: `turns` through WHATWG streams as the thinnest binding would
 *   make them, as in deno_bare_throughput.ts.
 *
 * The reader prints MB/s (from its first read to the end) and how many of
 * its reads pended. docs/benchmarks.md ("Bun's floor") compares it with raw
 * C and winpipe-bun in the same minutes. Run under the Wine test bed (the
 * writer is a child bun.exe):
 *
 *   scripts/wine/run.sh -- wine /win/bun.exe bench/profile/bun_bare_throughput.ts [spin|turns|streams] [MIB]
 *
 * `BARE_CHUNK_KIB=256` in the environment makes each call 256 KiB (the pipe's
 * buffers stay 64 KiB), as in deno_bare_throughput.ts.
 *
 * With `reader PIPE` or `writer PIPE` after them it is one side only, on the
 * pipe PIPE (the reader makes it), as in deno_bare_throughput.ts.
 *
 * @module
 */
import { dlopen, FFIType } from "bun:ffi";
import {
  BARE_PIPE_BUFFER as PIPE_BUFFER,
  BareCalls,
  FILE_FLAG_OVERLAPPED,
  FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
  GENERIC_RW,
  OPEN_EXISTING,
  PIPE_ACCESS_DUPLEX,
  PIPE_TYPE_BYTE,
  waitForClient,
  wide,
} from "./bare_calls.ts";

/** INVALID_HANDLE_VALUE as `FFIType.i64_fast` gives it. */
const INVALID_HANDLE_VALUE = -1;

const HANDLE = FFIType.i64_fast;
const k32 = dlopen("kernel32.dll", {
  CreateNamedPipeW: { args: ["ptr", "u32", "u32", "u32", "u32", "u32", "u32", "ptr"], returns: HANDLE },
  ConnectNamedPipe: { args: [HANDLE, "ptr"], returns: "i32" },
  CreateFileW: { args: ["ptr", "u32", "u32", "ptr", "u32", "u32", HANDLE], returns: HANDLE },
  CreateEventW: { args: ["ptr", "i32", "i32", "ptr"], returns: HANDLE },
  WaitForSingleObject: { args: [HANDLE, "u32"], returns: "u32" },
  ReadFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  WriteFile: { args: [HANDLE, "ptr", "u32", "ptr", "ptr"], returns: "i32" },
  GetLastError: { args: [], returns: "u32" },
  CreateIoCompletionPort: { args: [HANDLE, HANDLE, "u64", "u32"], returns: HANDLE },
  SetFileCompletionNotificationModes: { args: [HANDLE, "u8"], returns: "i32" },
  GetQueuedCompletionStatusEx: { args: [HANDLE, "ptr", "u32", "ptr", "u32", "i32"], returns: "i32" },
  SwitchToThread: { args: [], returns: "i32" },
  CloseHandle: { args: [HANDLE], returns: "i32" },
}).symbols;

/** [MODE] [MIB] [ROLE PIPE]; without a role, the reader starts a child bun.exe as its writer. */
const [modeArg, mibArg, role, pipeArg] = process.argv.slice(2);
const MODE = modeArg === "turns" || modeArg === "streams" ? modeArg : "spin";
const MIB = Number(mibArg ?? 256);
const isWriter = role === "writer";

/** Puts an overlapped pipe handle on a completion port of its own, as deno_bare_throughput.ts does. */
function attachToPort(handle: number): number {
  const port = Number(k32.CreateIoCompletionPort(handle, 0, 0, 0));
  k32.SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  return port;
}

/** A turn of the event loop as winpipe-bun's polling phase takes it: a MessageChannel message. */
const channel = new MessageChannel();
let turned: (() => void) | undefined;
channel.port1.onmessage = () => turned?.();
const nextTurn = () =>
  new Promise<void>((resolve) => {
    turned = resolve;
    channel.port2.postMessage(null);
  });

const name = pipeArg ?? String.raw`\\.\pipe\winpipe-bun-bare-throughput-` + process.pid;
const calls = new BareCalls<number>(k32, MODE === "spin" ? undefined : nextTurn);

if (isWriter) {
  let handle = INVALID_HANDLE_VALUE;
  while (
    (handle = Number(k32.CreateFileW(wide(name), GENERIC_RW, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0))) ===
      INVALID_HANDLE_VALUE
  ) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  console.log(await calls.writeSide(MODE, handle, attachToPort(handle), MIB));
  k32.CloseHandle(handle);
  process.exit(0);
}

const handle = Number(
  k32.CreateNamedPipeW(
    wide(name),
    PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
    PIPE_TYPE_BYTE,
    1,
    PIPE_BUFFER,
    PIPE_BUFFER,
    0,
    null,
  ),
);
if (handle === INVALID_HANDLE_VALUE) throw new Error(`CreateNamedPipeW: Win32 error ${k32.GetLastError()}`);
const event = Number(k32.CreateEventW(null, 1, 0, null));
const writer = role === "reader"
  ? undefined
  : Bun.spawn([process.execPath, import.meta.path, MODE, String(MIB), "writer", name], { stdout: "inherit" });
waitForClient(k32, handle, event, BigInt(event));
console.log(`${MODE}: ${await calls.readSide(MODE, handle, attachToPort(handle))}`);
await writer?.exited;
process.exit(0);
