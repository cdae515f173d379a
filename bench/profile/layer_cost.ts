/**
 * What winpipe's own JavaScript costs per call, with no kernel underneath:
 * the kernel32 layer and the public API over a Win32Library held in memory,
 * whose ReadFile and WriteFile complete at once (or, with `PEND=1`, every
 * other call pends and completes before the next turn of the event loop,
 * its status stored and its packet queued, as Wine does). It runs natively
 * in both runtimes, where the runtimes' CPU profilers work, and under Wine:
 *
 *   deno run -A bench/profile/layer_cost.ts MODE
 *   bun bench/profile/layer_cost.ts MODE
 *   scripts/wine/run.sh -- wine /win/bun.exe bench/profile/layer_cost.ts MODE
 *
 * MODE: `write` (`pipe.writer.write`: the API, the layer's copy into its own
 * buffer, one WriteFile), `write-owned` (the same with the memory handed
 * over, `writeOwned`: no copy), `read` (`pipe.reader.read` into one
 * buffer: one ReadFile and the copy out), or `batch` (`BATCH` pipes, 8 by
 * default, each written once, all at once, then awaited together). From
 * the environment: `SIZE` (bytes per call, 65536), `N` (calls or batches
 * per repetition, 100,000), `PEND=1`. Prints µs per call (per batch for
 * `batch`) for three repetitions after a warm-up, then how many OVERLAPPEDs
 * the layer made and how many completion packets it left in the port: the
 * two figures that showed the packets owed piling up and the pool's bound
 * (docs/benchmarks.md, twentieth round). The tests' fake port
 * (packages/kernel32/test/completion_port_test.ts) counts a polling
 * phase's asks instead; this one is a whole library, to time.
 *
 * @module
 */
import process from "node:process";
import { createWinpipe } from "@winpipe/core";
import { writeOwned } from "@winpipe/core/internal";
import { Kernel32Kernel, type Win32Library } from "@winpipe/kernel32";

const MODES = ["write", "write-owned", "read", "batch"];
const mode = process.argv[2] ?? "write";
if (!MODES.includes(mode)) {
  console.error(`usage: layer_cost.ts ${MODES.join("|")}`);
  process.exit(2);
}
const SIZE = Number(process.env.SIZE ?? 65536);
const N = Number(process.env.N ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 8);
const PEND = process.env.PEND === "1";

/** STATUS_PENDING, ERROR_IO_PENDING, and where OVERLAPPED_ENTRY keeps lpOverlapped (x64). */
const STATUS_PENDING = 0x103, ERROR_IO_PENDING = 997, ENTRY_SIZE = 32, ENTRY_OVERLAPPED = 8;

/** Addresses for the memory the layer hands over: one per ArrayBuffer, as if it never moved. */
const addresses = new WeakMap<ArrayBufferLike, number>();
let nextAddress = 0x10000, overlappedsMade = 0, nextHandle = 0x100, calls = 0;
const packets: number[] = [];
function addressOf(view: ArrayBufferView): number {
  let address = addresses.get(view.buffer);
  if (address === undefined) addresses.set(view.buffer, address = nextAddress += 0x100000);
  return address + view.byteOffset;
}

/** A ReadFile or WriteFile of `length` bytes: done at once, or (every other one with PEND) before the next turn. */
function transfer(length: number, overlapped: Uint8Array): number {
  const words = new Uint32Array(overlapped.buffer, overlapped.byteOffset, 4);
  words[2] = length; // InternalHigh: bytes transferred, stored before the status
  if (PEND && (calls++ & 1) === 1) {
    words[0] = STATUS_PENDING;
    queueMicrotask(() => {
      words[0] = 0;
      packets.push(addressOf(overlapped));
    });
    return 0;
  }
  words[0] = 0;
  return 1;
}

const lib = {
  kernel32: {
    GetCurrentProcessId: () => 1,
    CreateIoCompletionPort: () => 0x50,
    SetFileCompletionNotificationModes: () => 1,
    CloseHandle: () => 1,
    SwitchToThread: () => 0,
    PostQueuedCompletionStatus: () => 1,
    GetLastError: () => ERROR_IO_PENDING,
    ReadFile: (_file: number, _buffer: Uint8Array, length: number, _read: null, overlapped: Uint8Array) =>
      transfer(length, overlapped),
    WriteFile: (_file: number, _buffer: Uint8Array, length: number, _written: null, overlapped: Uint8Array) =>
      transfer(length, overlapped),
    GetQueuedCompletionStatusEx: (_port: number, entries: Uint8Array, count: number, removed: Uint32Array) => {
      const view = new DataView(entries.buffer, entries.byteOffset);
      let i = 0;
      for (; i < count && packets.length > 0; i++) {
        view.setBigUint64(i * ENTRY_SIZE + ENTRY_OVERLAPPED, BigInt(packets.shift()!), true);
      }
      removed[0] = i;
      return i > 0 ? 1 : 0;
    },
  },
  ntdll: {
    // The anonymous pipe's two ends (anonymous_pipe.ts), each a new handle value.
    NtCreateNamedPipeFile: (out: BigUint64Array) => (out[0] = BigInt(nextHandle += 4), 0),
    NtOpenFile: (out: BigUint64Array) => (out[0] = BigInt(nextHandle += 4), 0),
    RtlNtStatusToDosError: () => 0,
  },
  advapi32: {},
  offThread: () => new Promise(() => {}), // never called: every completion shows in memory
  offThreadSlots: 1,
  addressOf: (view: ArrayBufferView) => {
    if (view.byteLength === 32) overlappedsMade++; // OVERLAPPED_SIZE: the pool makes one
    return addressOf(view);
  },
  eventLoopTurn: "Bun" in globalThis ? "MessageChannel" : "setImmediate",
  unrefTimer: () => {},
} as unknown as Win32Library;

const pipes = createWinpipe(new Kernel32Kernel({ name: "in-memory", load: () => lib }));
const pipe = pipes.createPipe();
const batch = Array.from({ length: BATCH }, () => pipes.createPipe());
const data = new Uint8Array(SIZE), into = new Uint8Array(SIZE);

async function once(): Promise<void> {
  if (mode === "write") await pipe.writer.write(data);
  else if (mode === "write-owned") await writeOwned(pipe.writer, data);
  else if (mode === "read") await pipe.reader.read(into);
  else await Promise.all(batch.map((each) => each.writer.write(data)));
}

for (let i = 0; i < N / 10; i++) await once();
for (let repetition = 0; repetition < 3; repetition++) {
  const start = performance.now();
  for (let i = 0; i < N; i++) await once();
  const per = ((performance.now() - start) * 1000 / N).toFixed(2);
  console.log(
    `${mode} of ${SIZE} bytes${PEND ? ", every other call pending" : ""}: ${per} µs per ${
      mode === "batch" ? `batch of ${BATCH}` : "call"
    }`,
  );
}
console.log(`OVERLAPPEDs made: ${overlappedsMade}; completion packets left in the port: ${packets.length}`);
