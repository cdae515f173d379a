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
 *
 * The reader prints MB/s (from its first read to the end) and how many of
 * each side's calls pended. docs/benchmarks.md ("Where the asynchronous
 * throughput goes") compares it with raw C and the bindings in the same
 * minutes. Run under the Wine test bed (the writer is a child deno.exe):
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/deno_bare_throughput.ts [spin|turns] [MIB]
 *
 * @module
 */
/** The reader's arguments: [MODE] [MIB]; the writer it starts gets: writer MODE MIB READER_PID. */
const isWriter = Deno.args[0] === "writer";
const [modeArg, mibArg, readerPid] = isWriter ? Deno.args.slice(1) : Deno.args;
const MODE = modeArg === "turns" ? "turns" : "spin";
const MIB = Number(mibArg ?? 256);
const CHUNK = 64 * 1024;

const PIPE_ACCESS_DUPLEX = 3, FILE_FLAG_OVERLAPPED = 0x4000_0000, PIPE_TYPE_BYTE = 0;
const GENERIC_RW = 0xc000_0000, OPEN_EXISTING = 3;
const ERROR_IO_PENDING = 997, ERROR_PIPE_CONNECTED = 535, ERROR_BROKEN_PIPE = 109, STATUS_PENDING = 0x103;
const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;
const INVALID_HANDLE_VALUE = 0xffff_ffff_ffff_ffffn;

const k32 = Deno.dlopen("kernel32.dll", {
  CreateNamedPipeW: {
    parameters: ["buffer", "u32", "u32", "u32", "u32", "u32", "u32", "pointer"],
    result: "pointer",
  },
  ConnectNamedPipe: { parameters: ["pointer", "buffer"], result: "i32" },
  CreateFileW: { parameters: ["buffer", "u32", "u32", "pointer", "u32", "u32", "pointer"], result: "pointer" },
  CreateEventW: { parameters: ["pointer", "i32", "i32", "pointer"], result: "pointer" },
  WaitForSingleObject: { parameters: ["pointer", "u32"], result: "u32" },
  ReadFile: { parameters: ["pointer", "buffer", "u32", "pointer", "buffer"], result: "i32" },
  WriteFile: { parameters: ["pointer", "buffer", "u32", "pointer", "buffer"], result: "i32" },
  GetLastError: { parameters: [], result: "u32" },
  CreateIoCompletionPort: { parameters: ["pointer", "pointer", "usize", "u32"], result: "pointer" },
  SetFileCompletionNotificationModes: { parameters: ["pointer", "u8"], result: "i32" },
  GetQueuedCompletionStatusEx: {
    parameters: ["pointer", "buffer", "u32", "buffer", "u32", "i32"],
    result: "i32",
  },
  SwitchToThread: { parameters: [], result: "i32" },
  CloseHandle: { parameters: ["pointer"], result: "i32" },
}).symbols;

const wide = (s: string) => new Uint16Array([...s].map((c) => c.charCodeAt(0)).concat(0));
const name = String.raw`\\.\pipe\winpipe-bare-throughput-` + (readerPid ?? Deno.pid);
const overlapped = new Uint8Array(new ArrayBuffer(32));
const view = new DataView(overlapped.buffer);
const entries = new Uint8Array(new ArrayBuffer(16 * 4));
const removed = new Uint32Array(new ArrayBuffer(4));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
let pended = 0;

/** Puts `handle` on a completion port of its own, with no packet for calls that complete at once. */
function attach(handle: Deno.PointerValue): Deno.PointerValue {
  const port = k32.CreateIoCompletionPort(handle, null, 0n, 0);
  k32.SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
  return port;
}

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
      if (MODE === "turns") await nextTurn();
      k32.SwitchToThread();
    }
    // One call in flight per process: the packet is this one's.
    while (!k32.GetQueuedCompletionStatusEx(port, entries, 4, removed, 0xffff_ffff, 0)) { /* retry */ }
    const status = view.getUint32(0, true);
    if (status === 0xc000_014b /* STATUS_PIPE_BROKEN */) return null;
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
  const port = attach(handle);
  const data = new Uint8Array(new ArrayBuffer(CHUNK));
  for (let i = 0; i < (MIB * 1024 * 1024) / CHUNK; i++) await call("WriteFile", handle, port, data);
  console.log(`writer: ${pended} of ${(MIB * 1024 * 1024) / CHUNK} writes pended`);
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
const writer = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    import.meta.filename ?? new URL(import.meta.url).pathname,
    "writer",
    MODE,
    String(MIB),
    String(Deno.pid),
  ],
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
const port = attach(handle);
const buffer = new Uint8Array(new ArrayBuffer(CHUNK));
await call("ReadFile", handle, port, buffer); // the clock starts at the first data
const start = performance.now();
let bytes = 0, reads = 0;
for (let n; (n = await call("ReadFile", handle, port, buffer)) !== null; reads++) bytes += n;
const seconds = (performance.now() - start) / 1000;
console.log(`${MODE}: ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; reader: ${pended} of ${reads} reads pended`);
await writer.status;
