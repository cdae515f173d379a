/**
 * What winpipe adds to a call that completes at once, in one deno.exe: a
 * 64-byte WriteFile on a message pipe's client end and the ReadFile that
 * takes it on the server end (neither pends), N pairs at a time, four ways
 * in turn for R rounds:
 *
 * - `bare`: the two calls through a `Deno.dlopen` of its own, on the same
 *   handles, with one reused OVERLAPPED each: the floor.
 * - `bare-fresh`: the same with a fresh OVERLAPPED (an ArrayBuffer of its
 *   own, and its address) per call, as the kernel32 layer made before it
 *   reused them (docs/benchmarks.md, "Reused OVERLAPPEDs and fewer
 * blind asks").
 * - `layer`: `kernel32.write` and `kernel32.read` (the kernel32 layer).
 * - `api`: `conn.write` and `conn.read` (the public API).
 *
 * Prints µs per pair (median over rounds) and each way's ratio to `bare`
 * round by round, so that the machine's drift cancels:
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/call_cost.ts [N] [ROUNDS]
 *
 * @module
 */
import { connect, createServer, kernel32, type Kernel32Handle } from "@winpipe/deno";

const PAIRS = Number(Deno.args[0] ?? 2000);
const ROUNDS = Number(Deno.args[1] ?? 20);
const FRAME = 64;

const name = String.raw`\\.\pipe\winpipe-call-cost-` + Deno.pid;
await using server = createServer(name, { type: "message", readMode: "message" });
const accepted = server.accept();
await using client = await connect(name, { readMode: "message" });
await using conn = await accepted;
const clientHandle = client.kernelHandle as Kernel32Handle;
const serverHandle = conn.kernelHandle as Kernel32Handle;

/** The calls, with HANDLEs as numbers, as the layer passes them (Deno takes a number for an `isize`). */
interface Calls {
  ReadFile(file: number, buffer: Uint8Array, length: number, read: null, overlapped: Uint8Array): number;
  WriteFile(file: number, buffer: Uint8Array, length: number, written: null, overlapped: Uint8Array): number;
  GetLastError(): number;
}
const k32 = Deno.dlopen("kernel32.dll", {
  ReadFile: { parameters: ["isize", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  WriteFile: { parameters: ["isize", "buffer", "u32", "buffer", "buffer"], result: "i32" },
  GetLastError: { parameters: [], result: "u32" },
}).symbols as unknown as Calls;

const request = new Uint8Array(FRAME).fill(7);
const reply = new Uint8Array(new ArrayBuffer(FRAME));
const writeOverlapped = new Uint8Array(new ArrayBuffer(32));
const readOverlapped = new Uint8Array(new ArrayBuffer(32));
/** Where `bare-fresh` puts each fresh OVERLAPPED's address, so that taking it is not optimized away. */
let lastAddress = 0;

/** One WriteFile and one ReadFile, each of which must complete at once. */
function pair(writeWith: Uint8Array<ArrayBuffer>, readWith: Uint8Array<ArrayBuffer>): void {
  if (!k32.WriteFile(clientHandle.unsafeHandle, request, FRAME, null, writeWith)) {
    throw new Error(`WriteFile: ${k32.GetLastError()}`);
  }
  if (!k32.ReadFile(serverHandle.unsafeHandle, reply, FRAME, null, readWith)) {
    throw new Error(`ReadFile: ${k32.GetLastError()}`);
  }
}

function fresh(): Uint8Array<ArrayBuffer> {
  const overlapped = new Uint8Array(new ArrayBuffer(32));
  lastAddress = Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(overlapped)));
  return overlapped;
}

const ways: Record<string, () => Promise<void> | void> = {
  bare() {
    for (let i = 0; i < PAIRS; i++) pair(writeOverlapped, readOverlapped);
  },
  "bare-fresh"() {
    for (let i = 0; i < PAIRS; i++) pair(fresh(), fresh());
  },
  async layer() {
    for (let i = 0; i < PAIRS; i++) {
      await kernel32.write(clientHandle, request);
      (await kernel32.read(serverHandle, FRAME)).release?.();
    }
  },
  async api() {
    for (let i = 0; i < PAIRS; i++) {
      await client.write(request);
      await conn.read(reply);
    }
  },
};

const perPair: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [way, run] of Object.entries(ways)) {
    const start = performance.now();
    await run();
    (perPair[way] ??= []).push((performance.now() - start) * 1000 / PAIRS);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [way, values] of Object.entries(perPair)) {
  const ratios = values.map((value, round) => value / perPair.bare[round]).sort((a, b) => a - b);
  console.log(
    `${way.padEnd(10)} ${median(values).toFixed(1).padStart(6)} µs a pair; / bare, round by round: median ${
      median(ratios).toFixed(2)
    }, ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}`,
  );
}
if (lastAddress === 0) throw new Error("no OVERLAPPED had an address");
