/**
 * How fast deno.exe itself can move data through a byte pipe with the
 * calls kernel32 makes, written directly against kernel32 with no winpipe
 * layer: the bench's throughput-64k (256 MiB in 64 KiB WriteFiles, one way,
 * two processes, 64 KiB pipe buffers), on overlapped handles attached to a
 * completion port with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, one call at a
 * time per side. A call that pends is watched in memory (its status in the
 * OVERLAPPED, SwitchToThread between looks) and then its packet removed,
 * as `raw_pipe.c io=port` does in C and kernel32's polling phase does
 * between turns of the event loop. Two ways of looking:
 *
 * - `spin`: in a loop on the main thread, blocking the event loop (what C
 *   does; no option for winpipe, it shows what deno.exe's calls cost).
 * - `turns`: one look per turn of the event loop (`setImmediate`), as a
 *   polling phase does, without its bookkeeping, promises or copies.
 * - `copies`: `turns` with the two copies winpipe makes of each 64 KiB (the
 *   writer's data into memory of its own before each WriteFile, the bytes
 *   read out into the caller's buffer after each ReadFile).
 *
 * The reader prints MB/s (from its first read to the end) and how many of
 * each side's calls pended. docs/benchmarks.md ("Where the asynchronous
 * throughput goes") compares it with raw C and the bindings in the same
 * minutes. Run under the Wine test bed (the writer is a child deno.exe):
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/deno_bare_throughput.ts [spin|turns|copies] [MIB]
 *
 * With `reader PIPE` or `writer PIPE` after them it is one side only, on the
 * pipe PIPE (the reader makes it), so that the other side can be a bench
 * peer's: bench/peers/winpipe_peer.ts's client writes to and its server
 * reads from `\\.\pipe\PREFIX-throughput-64k` (docs/benchmarks.md, "Which
 * side the quarter is on").
 *
 * @module
 */
import {
  attachToPort,
  ERROR_BROKEN_PIPE,
  ERROR_IO_PENDING,
  ERROR_PIPE_CONNECTED,
  FILE_FLAG_OVERLAPPED,
  GENERIC_RW,
  INVALID_HANDLE_VALUE,
  k32,
  OPEN_EXISTING,
  PIPE_ACCESS_DUPLEX,
  PIPE_TYPE_BYTE,
  STATUS_PENDING,
  STATUS_PIPE_BROKEN,
  wide,
} from "./bare_kernel32.ts";

/** [MODE] [MIB] [ROLE PIPE]; without a role, the reader starts a child deno.exe as its writer. */
const [modeArg, mibArg, role, pipeArg] = Deno.args;
const MODE = modeArg === "turns" || modeArg === "copies" ? modeArg : "spin";
const MIB = Number(mibArg ?? 256);
const isWriter = role === "writer";
const CHUNK = 64 * 1024;
const WRITES = (MIB * 1024 * 1024) / CHUNK;

/** Deno 2 has `setImmediate` (a turn of the event loop, as kernel32's polling phase takes) but does not declare it. */
const setImmediate = (globalThis as unknown as { setImmediate(callback: () => void): unknown }).setImmediate;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const name = pipeArg ?? String.raw`\\.\pipe\winpipe-bare-throughput-` + Deno.pid;
const overlapped = new Uint8Array(new ArrayBuffer(32));
const view = new DataView(overlapped.buffer);
const entries = new Uint8Array(new ArrayBuffer(16 * 4));
const removed = new Uint32Array(new ArrayBuffer(4));
let pended = 0;

/** One ReadFile or WriteFile of `buffer`; the bytes transferred, or null at the end of the data. */
async function call(
  op: "ReadFile" | "WriteFile",
  handle: Deno.PointerValue,
  port: Deno.PointerValue,
  buffer: Uint8Array<ArrayBuffer>,
): Promise<number | null> {
  overlapped.fill(0);
  if (!k32[op](handle, buffer, buffer.length, null, overlapped)) {
    const error = k32.GetLastError();
    if (error === ERROR_BROKEN_PIPE) return null;
    if (error !== ERROR_IO_PENDING) throw new Error(`${op}: Win32 error ${error}`);
    pended++;
    while (view.getUint32(0, true) === STATUS_PENDING) {
      if (MODE !== "spin") await nextTurn();
      k32.SwitchToThread();
    }
    // One call in flight per process: the packet is this one's.
    while (!k32.GetQueuedCompletionStatusEx(port, entries, 4, removed, 0xffff_ffff, 0)) { /* retry */ }
    const status = view.getUint32(0, true);
    if (status === STATUS_PIPE_BROKEN) return null;
    if (status !== 0) throw new Error(`${op}: NTSTATUS 0x${status.toString(16)}`);
  }
  return Number(view.getBigUint64(8, true));
}

if (isWriter) {
  let handle: Deno.PointerValue = null;
  for (;;) {
    handle = k32.CreateFileW(wide(name), GENERIC_RW, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, null);
    if (Deno.UnsafePointer.value(handle) !== INVALID_HANDLE_VALUE) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const port = attachToPort(handle);
  const data = new Uint8Array(new ArrayBuffer(CHUNK));
  // `copies`: the kernel gets a copy the layer owns, as kernel32.write does.
  const copy = MODE === "copies" ? new Uint8Array(new ArrayBuffer(CHUNK)) : undefined;
  for (let i = 0; i < WRITES; i++) {
    copy?.set(data);
    await call("WriteFile", handle, port, copy ?? data);
  }
  console.log(`writer: ${pended} of ${WRITES} writes pended`);
  k32.CloseHandle(handle);
  Deno.exit(0);
}

const handle = k32.CreateNamedPipeW(
  wide(name),
  PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
  PIPE_TYPE_BYTE,
  1,
  CHUNK,
  CHUNK,
  0,
  null,
);
const writer = role === "reader" ? undefined : new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", import.meta.filename ?? new URL(import.meta.url).pathname, MODE, String(MIB), "writer", name],
}).spawn();
// Wait for the writer on an event (the connect is not measured).
const connecting = new Uint8Array(new ArrayBuffer(32));
const event = k32.CreateEventW(null, 1, 0, null);
new DataView(connecting.buffer).setBigUint64(24, Deno.UnsafePointer.value(event), true);
if (!k32.ConnectNamedPipe(handle, connecting)) {
  const error = k32.GetLastError();
  if (error === ERROR_IO_PENDING) k32.WaitForSingleObject(event, 0xffff_ffff);
  else if (error !== ERROR_PIPE_CONNECTED) throw new Error(`ConnectNamedPipe: Win32 error ${error}`);
}
const port = attachToPort(handle);
const buffer = new Uint8Array(new ArrayBuffer(CHUNK));
await call("ReadFile", handle, port, buffer); // the clock starts at the first data
const start = performance.now();
let bytes = 0, reads = 0;
// `copies`: the bytes go on into the caller's buffer, as the API's read does.
const delivered = MODE === "copies" ? new Uint8Array(new ArrayBuffer(CHUNK)) : undefined;
for (let n; (n = await call("ReadFile", handle, port, buffer)) !== null; reads++) {
  delivered?.set(buffer.subarray(0, n));
  bytes += n;
}
const seconds = (performance.now() - start) / 1000;
console.log(`${MODE}: ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; reader: ${pended} of ${reads} reads pended`);
await writer?.status;
