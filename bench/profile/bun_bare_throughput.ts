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
import process from "node:process";
import { barePipes } from "./bun_bare_kernel32.ts";

/** [MODE] [MIB] [ROLE PIPE]; without a role, the reader starts a child bun.exe as its writer. */
const [modeArg, mibArg, role, pipeArg] = process.argv.slice(2);
const MODE = modeArg === "turns" || modeArg === "streams" ? modeArg : "spin";
const MIB = Number(mibArg ?? 256);
const name = pipeArg ?? String.raw`\\.\pipe\winpipe-bun-bare-throughput-` + process.pid;
const calls = barePipes.calls(MODE === "spin");

if (role === "writer") {
  const handle = await barePipes.connect(name);
  console.log(await calls.writeSide(MODE, handle, barePipes.attachToPort(handle), MIB));
  barePipes.close(handle);
  process.exit(0);
}

const handle = barePipes.createServer(name);
const writer = role === "reader"
  ? undefined
  : Bun.spawn([process.execPath, import.meta.path, MODE, String(MIB), "writer", name], { stdout: "inherit" });
barePipes.waitForClient(handle);
console.log(`${MODE}: ${await calls.readSide(MODE, handle, barePipes.attachToPort(handle))}`);
await writer?.exited;
process.exit(0);
