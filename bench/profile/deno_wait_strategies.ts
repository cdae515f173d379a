/**
 * What would close the round-trip gap between winpipe's FFI backends and
 * raw C: the 64-byte round trip of the bench (two processes, a message
 * pipe), written directly against kernel32 with three ways of waiting for
 * a read that pends:
 *
 * - `pool`: what @winpipe/deno does. Overlapped I/O, and a pending read is
 *   waited for by a `nonblocking` GetQueuedCompletionStatusEx on Deno's
 *   blocking pool; its result reaches JavaScript through Deno's event loop.
 * - `spin`: the same, but the main thread first polls the completion port
 *   (GetQueuedCompletionStatusEx with a zero timeout) for up to SPIN µs
 *   before handing the wait to the pool; the event loop does not block.
 * - `sync`: synchronous ReadFile/WriteFile on the main thread, as raw C does.
 *   It blocks the event loop, so it is no option for winpipe: it shows what
 *   Deno itself costs.
 *
 * Run under the Wine test bed (the client is a child deno.exe):
 *   bash scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/deno_wait_strategies.ts [EXCHANGES] [SPIN]
 *
 * @module
 */
const EXCHANGES = Number(Deno.args[0] ?? 3000);
const SPIN_MICROS = Number(Deno.args[1] ?? 200);
const FRAME = 64;

import {
  attachToPort,
  ERROR_IO_PENDING,
  ERROR_PIPE_CONNECTED,
  FILE_FLAG_OVERLAPPED,
  GENERIC_RW,
  INVALID_HANDLE_VALUE,
  k32,
  OPEN_EXISTING,
  PIPE_ACCESS_DUPLEX,
  PIPE_READMODE_MESSAGE,
  PIPE_TYPE_MESSAGE,
  STATUS_PENDING,
  wide,
} from "./bare_kernel32.ts";

const overlapped = new Uint8Array(new ArrayBuffer(32));
const status = new DataView(overlapped.buffer);
const entries = new Uint8Array(new ArrayBuffer(32 * 4));
const removed = new Uint32Array(new ArrayBuffer(4));
const transferred = new Uint32Array(new ArrayBuffer(4));

/** A pipe handle, overlapped unless `sync`, associated with its own completion port. */
function prepare(handle: Deno.PointerValue, sync: boolean): Deno.PointerValue {
  return sync ? null : attachToPort(handle);
}

/** One ReadFile or WriteFile of `buffer`, waited for with `strategy`. */
async function io(
  op: "ReadFile" | "WriteFile",
  handle: Deno.PointerValue,
  port: Deno.PointerValue,
  buffer: Uint8Array<ArrayBuffer>,
  strategy: string,
): Promise<void> {
  if (strategy === "sync") {
    if (!k32[op](handle, buffer, buffer.length, transferred, null)) throw new Error(`${op}: ${k32.GetLastError()}`);
    return;
  }
  overlapped.fill(0);
  status.setUint32(0, STATUS_PENDING, true);
  if (k32[op](handle, buffer, buffer.length, null, overlapped)) return;
  const error = k32.GetLastError();
  if (error !== ERROR_IO_PENDING) throw new Error(`${op}: ${error}`);
  let done = false;
  if (strategy === "spin") {
    const deadline = performance.now() + SPIN_MICROS / 1000;
    while (!done && performance.now() < deadline) {
      done = !!k32.GetQueuedCompletionStatusEx(port, entries, 4, removed, 0, 0);
    }
  }
  while (!done) done = !!(await k32.GetQueuedCompletionStatusExBlocking(port, entries, 4, removed, 0xffff_ffff, 0));
  // One operation in flight per process: the packet is this one's; its NTSTATUS is in OVERLAPPED.Internal.
  if (status.getUint32(0, true) !== 0) throw new Error(`${op}: NTSTATUS 0x${status.getUint32(0, true).toString(16)}`);
}

const name = String.raw`\\.\pipe\winpipe-wait-strategies`;
const strategies = ["pool", "spin", "sync"];

if (Deno.args[0] === "client") {
  for (const strategy of strategies) {
    let handle: Deno.PointerValue = null;
    while (Deno.UnsafePointer.value(handle) === 0n || Deno.UnsafePointer.value(handle) === INVALID_HANDLE_VALUE) {
      handle = k32.CreateFileW(
        wide(`${name}-${strategy}`),
        GENERIC_RW,
        0,
        null,
        OPEN_EXISTING,
        strategy === "sync" ? 0 : FILE_FLAG_OVERLAPPED,
        null,
      );
      if (Deno.UnsafePointer.value(handle) === INVALID_HANDLE_VALUE) await new Promise((r) => setTimeout(r, 2));
    }
    k32.SetNamedPipeHandleState(handle, new Uint32Array([PIPE_READMODE_MESSAGE]), null, null);
    const port = prepare(handle, strategy === "sync");
    const buffer = new Uint8Array(new ArrayBuffer(FRAME));
    for (;;) {
      try {
        await io("ReadFile", handle, port, buffer, strategy);
      } catch {
        break; // the server closed: next strategy
      }
      await io("WriteFile", handle, port, buffer, strategy);
    }
    k32.CloseHandle(handle);
  }
  Deno.exit(0);
}

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", import.meta.filename ?? new URL(import.meta.url).pathname, "client"],
}).spawn();
for (const strategy of strategies) {
  const handle = k32.CreateNamedPipeW(
    wide(`${name}-${strategy}`),
    PIPE_ACCESS_DUPLEX | (strategy === "sync" ? 0 : FILE_FLAG_OVERLAPPED),
    PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE,
    1,
    65536,
    65536,
    0,
    null,
  );
  const port = prepare(handle, strategy === "sync");
  if (strategy === "sync") {
    k32.ConnectNamedPipe(handle, null);
  } else {
    overlapped.fill(0);
    if (!k32.ConnectNamedPipe(handle, overlapped)) {
      const error = k32.GetLastError();
      if (error === ERROR_IO_PENDING) {
        while (!(await k32.GetQueuedCompletionStatusExBlocking(port, entries, 4, removed, 0xffff_ffff, 0)));
      } else if (error !== ERROR_PIPE_CONNECTED) throw new Error(`ConnectNamedPipe: ${error}`);
    }
  }
  const request = new Uint8Array(new ArrayBuffer(FRAME));
  const reply = new Uint8Array(new ArrayBuffer(FRAME));
  const samples = new Float64Array(EXCHANGES);
  for (let i = -200; i < EXCHANGES; i++) {
    const t0 = performance.now();
    await io("WriteFile", handle, port, request, strategy);
    await io("ReadFile", handle, port, reply, strategy);
    if (i >= 0) samples[i] = (performance.now() - t0) * 1000;
  }
  samples.sort();
  const p = (q: number) => samples[Math.max(1, Math.ceil(q * samples.length)) - 1].toFixed(0);
  console.log(
    `${strategy}${strategy === "spin" ? ` (${SPIN_MICROS} µs)` : ""}: rtt p50 ${p(0.5)} µs, p99 ${p(0.99)} µs`,
  );
  k32.CloseHandle(handle);
}
await child.status;
