/**
 * The bench's streams-64k through the thinnest WHATWG-streams binding over
 * bare kernel32 calls, in the runtime that runs it (rows
 * `thinnest-streams-deno` and `thinnest-streams-bun`): what any streams
 * binding of that runtime can reach on the same machine, the floor under
 * the target that winpipe's streams reach 0.95 x raw C (docs/benchmarks.md,
 * "The floor of streams over bare calls"):
 *
 *   deno run -A bench/peers/thinnest_streams_peer.ts server|client ARGS
 *   bun bench/peers/thinnest_streams_peer.ts server|client ARGS
 *
 * ARGS as bench/peers/winpipe_peer.ts takes them (prefix, cases, bytes); the
 * only case is streams-64k. The server makes `\\.\pipe\PREFIX-streams-64k`
 * (a byte pipe, 64 KiB buffers, as the other peers) and reads through a
 * default reader whose every pull is one ReadFile of 256 KiB into a fresh
 * buffer, the size winpipe's reads grow to; the client writes 64 KiB chunks
 * through a WritableStream that gathers them into WriteFiles of 256 KiB, as
 * winpipe's writable does, one call in flight. The calls are the bare
 * profiles' (bench/profile/bare_calls.ts: overlapped handles on a
 * completion port, a pending call watched once per turn of the event loop),
 * without winpipe's layers, its pool, its checks or its error handling.
 *
 * @module
 */
import process from "node:process";
import type { BarePipes } from "../profile/bare_calls.ts";
import { parsePeerArgs } from "./peer_args.mjs";

/** The streams' sizes: 64 KiB chunks, gathered writes and grown reads of 256 KiB. */
const CHUNK = 64 * 1024, CALL = 256 * 1024;

const { role, cases, pipeName, limitBytes } = parsePeerArgs(process.argv.slice(2));
if ((role !== "server" && role !== "client") || cases.some((name) => name !== "streams-64k")) {
  console.error("usage: thinnest_streams_peer.ts server|client prefix=P cases=streams-64k bytes=N");
  process.exit(2);
}
// A computed specifier: each runtime loads only its own FFI.
const runtime = "Bun" in globalThis ? "../profile/bun_bare_kernel32.ts" : "../profile/bare_kernel32.ts";
const { barePipes } = await import(runtime) as { barePipes: BarePipes<unknown> };
const calls = barePipes.calls(false);

for (const name of cases) {
  if (role === "server") {
    const handle = barePipes.createServer(pipeName(name));
    barePipes.waitForClient(handle);
    const { bytes, seconds } = await calls.readThroughStream(handle, barePipes.attachToPort(handle), CALL);
    console.log(`result ${name} ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`);
    barePipes.close(handle);
  } else {
    const handle = await barePipes.connect(pipeName(name));
    const count = Math.max(1, Math.floor(limitBytes / CHUNK));
    await calls.writeAllThroughStream(handle, barePipes.attachToPort(handle), CHUNK, count, CALL);
    barePipes.close(handle);
  }
}
process.exit(0);
