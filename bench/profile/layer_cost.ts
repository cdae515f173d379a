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
 * (docs/benchmarks.md, twentieth round). The library is the kernel32
 * tests' (packages/kernel32/test/in_memory_library.ts), with this file's
 * ReadFile and WriteFile; the tests' fake port (completion_port_test.ts)
 * counts a polling phase's asks instead. `read` with buffers in shared
 * memory would time no copy: the layer reads into those as they are.
 *
 * @module
 */
import process from "node:process";
import { createWinpipe } from "@winpipe/core";
import { writeOwned } from "@winpipe/core/internal";
import { Kernel32Kernel } from "@winpipe/kernel32";
import {
  addressOf,
  inMemoryLibrary,
  OVERLAPPED_SIZE,
  STATUS_PENDING,
  storeOutcome,
} from "../../packages/kernel32/test/in_memory_library.ts";

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

let overlappedsMade = 0, calls = 0;
const packets: number[] = [];

/** A ReadFile or WriteFile of `length` bytes: done at once, or (every other one with PEND) before the next turn. */
function transfer(_call: string, _buffer: Uint8Array, length: number, overlapped: Uint8Array): number {
  if (PEND && (calls++ & 1) === 1) {
    storeOutcome(overlapped, length, STATUS_PENDING);
    queueMicrotask(() => {
      storeOutcome(overlapped, length);
      packets.push(addressOf(overlapped));
    });
    return 0;
  }
  storeOutcome(overlapped, length);
  return 1;
}

const lib = inMemoryLibrary({
  transfer,
  packets,
  onAddress: (view) => {
    if (view.byteLength === OVERLAPPED_SIZE) overlappedsMade++; // the OVERLAPPED pool makes a record
  },
});

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
