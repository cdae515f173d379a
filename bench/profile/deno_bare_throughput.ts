/**
 * How fast deno.exe itself can move data through a byte pipe with the
 * calls kernel32 makes, written directly against kernel32 with no winpipe
 * layer: the bench's throughput-64k (256 MiB in 64 KiB WriteFiles, one way,
 * two processes, 64 KiB pipe buffers), on overlapped handles attached to a
 * completion port with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, one call at a
 * time per side. A call that pends is watched in memory (its status in the
 * OVERLAPPED, SwitchToThread between looks) and then its packet removed,
 * as `raw_pipe.c io=port` does in C and kernel32's polling phase does
 * between turns of the event loop. Two ways of looking, and two variants of `turns`:
 *
 * - `spin`: in a loop on the main thread, blocking the event loop (what C
 *   does; no option for winpipe, it shows what deno.exe's calls cost).
 * - `turns`: one look per turn of the event loop (`setImmediate`), as a
 *   polling phase does, without its bookkeeping, promises or copies.
 * - `copies`: `turns` with the two copies winpipe makes of each 64 KiB (the
 *   writer's data into memory of its own before each WriteFile, the bytes
 *   read out into the caller's buffer after each ReadFile).
 * - `streams`: `turns` through WHATWG streams as the thinnest binding would
 *   make them ({@linkcode BareCalls.readAllThroughStream}, a default reader
 *   with a fresh buffer per read; {@linkcode BareCalls.writeAllThroughStream},
 *   64 KiB chunks gathered into writes of the call size): the floor of
 *   streams over these calls (docs/benchmarks.md, fifteenth round).
 *
 * The reader prints MB/s (from its first read to the end) and how many of
 * each side's calls pended. docs/benchmarks.md ("Where the asynchronous
 * throughput goes") compares it with raw C and the bindings in the same
 * minutes. Run under the Wine test bed (the writer is a child deno.exe):
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A bench/profile/deno_bare_throughput.ts [spin|turns|copies|streams] [MIB]
 *
 * `BARE_CHUNK_KIB=256` in the environment makes each call 256 KiB (the pipe's
 * buffers stay 64 KiB): the floor at the sizes of the streams' gathered
 * writes and grown reads (docs/benchmarks.md, fourteenth round).
 *
 * With `reader PIPE` or `writer PIPE` after them it is one side only, on the
 * pipe PIPE (the reader makes it), so that the other side can be a bench
 * peer's: bench/peers/winpipe_peer.ts's client writes to and its server
 * reads from `\\.\pipe\PREFIX-throughput-64k` (docs/benchmarks.md, "Which
 * side the quarter is on").
 *
 * @module
 */
import { barePipes } from "./bare_kernel32.ts";

/** [MODE] [MIB] [ROLE PIPE]; without a role, the reader starts a child deno.exe as its writer. */
const [modeArg, mibArg, role, pipeArg] = Deno.args;
const MODE = modeArg === "turns" || modeArg === "copies" || modeArg === "streams" ? modeArg : "spin";
const MIB = Number(mibArg ?? 256);
const name = pipeArg ?? String.raw`\\.\pipe\winpipe-bare-throughput-` + Deno.pid;
const calls = barePipes.calls(MODE === "spin");

if (role === "writer") {
  const handle = await barePipes.connect(name);
  console.log(await calls.writeSide(MODE, handle, barePipes.attachToPort(handle), MIB));
  barePipes.close(handle);
  Deno.exit(0);
}

const handle = barePipes.createServer(name);
const writer = role === "reader" ? undefined : new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", import.meta.filename ?? new URL(import.meta.url).pathname, MODE, String(MIB), "writer", name],
}).spawn();
barePipes.waitForClient(handle);
console.log(`${MODE}: ${await calls.readSide(MODE, handle, barePipes.attachToPort(handle))}`);
await writer?.status;
