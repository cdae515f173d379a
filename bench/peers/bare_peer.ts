/**
 * The bench's one-way cases over bare kernel32 calls, in the runtime that
 * runs it, with no winpipe layer: what any binding of that runtime can reach
 * on the same machine, the floor under winpipe's figures:
 *
 *   deno run -A bench/peers/bare_peer.ts server|client ARGS
 *   bun bench/peers/bare_peer.ts server|client ARGS
 *
 * - `throughput-64k`, `throughput-1m` (rows `bare-calls-deno`,
 *   `bare-calls-bun`): kernel32's asynchronous pattern itself, one
 *   ReadFile or WriteFile at a time on overlapped handles attached to a
 *   completion port, a call that pends watched once per turn of the event
 *   loop (bench/profile/bare_calls.ts), from and into one reused buffer:
 *   the floor of winpipe's asynchronous calls, which add a copy, a promise
 *   chain and their checks (docs/benchmarks.md, "Where the asynchronous
 *   throughput goes").
 * - `streams-64k` (rows `thinnest-streams-deno`, `thinnest-streams-bun`):
 *   the thinnest WHATWG streams over those calls, a default reader whose
 *   every pull is one ReadFile of 256 KiB into a fresh buffer (the size
 *   winpipe's reads grow to), a writable gathering the 64 KiB chunks into
 *   WriteFiles of 256 KiB, one in flight, as winpipe's writable does: the
 *   floor of winpipe's streams (docs/benchmarks.md, "The floor of streams
 *   over bare calls").
 *
 * ARGS as bench/peers/winpipe_peer.ts takes them (prefix, cases, bytes,
 * seconds). The server makes `\\.\pipe\PREFIX-CASE` (a byte pipe, 64 KiB
 * buffers, as the other peers) and reads, timing from the end of its first
 * read to the end of the data; the client writes.
 *
 * @module
 */
import process from "node:process";
import type { BarePipes } from "../profile/bare_calls.ts";
import { parsePeerArgs } from "./peer_args.mjs";

/** The write size of each throughput case. */
const CHUNKS: Record<string, number> = { "throughput-64k": 64 * 1024, "throughput-1m": 1024 * 1024 };
/** The streams' sizes: 64 KiB chunks, gathered writes and grown reads of 256 KiB. */
const STREAM_CHUNK = 64 * 1024, STREAM_CALL = 256 * 1024;
const PIPE_BUFFER = 64 * 1024;

const { role, cases, pipeName, limitBytes, limitMs } = parsePeerArgs(process.argv.slice(2));
if ((role !== "server" && role !== "client") || cases.some((c) => c !== "streams-64k" && !(c in CHUNKS))) {
  console.error("usage: bare_peer.ts server|client prefix=P cases=throughput-64k,throughput-1m,streams-64k ...");
  process.exit(2);
}
// A computed specifier: each runtime loads only its own FFI.
const runtime = "Bun" in globalThis ? "../profile/bun_bare_kernel32.ts" : "../profile/bare_kernel32.ts";
const { barePipes } = await import(runtime) as { barePipes: BarePipes<unknown> };
const calls = barePipes.calls(false);

/** The reading side of case `name`: prints its MB/s. */
async function serve(name: string): Promise<void> {
  const handle = barePipes.createServer(pipeName(name));
  barePipes.waitForClient(handle);
  const port = barePipes.attachToPort(handle);
  const { bytes, seconds } = name === "streams-64k"
    ? await calls.readThroughStream(handle, port, STREAM_CALL)
    : await calls.readMeasured(handle, port, new Uint8Array(new ArrayBuffer(Math.max(CHUNKS[name], PIPE_BUFFER))));
  console.log(`result ${name} ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`);
  barePipes.close(handle);
}

/** The writing side of case `name`: the bytes of the workload (the throughput cases stop at the time limit too). */
async function request(name: string): Promise<void> {
  const handle = await barePipes.connect(pipeName(name));
  const port = barePipes.attachToPort(handle);
  if (name === "streams-64k") {
    const count = Math.max(1, Math.floor(limitBytes / STREAM_CHUNK));
    await calls.writeAllThroughStream(handle, port, STREAM_CHUNK, count, STREAM_CALL);
  } else {
    const data = new Uint8Array(new ArrayBuffer(CHUNKS[name]));
    const count = Math.floor(limitBytes / data.length);
    const deadline = performance.now() + limitMs;
    for (let i = 0; i < count; i++) {
      await calls.call("WriteFile", handle, port, data);
      if ((i & 15) === 15 && performance.now() > deadline) break;
    }
  }
  barePipes.close(handle);
}

for (const name of cases) {
  if (role === "server") await serve(name);
  else await request(name);
}
process.exit(0);
