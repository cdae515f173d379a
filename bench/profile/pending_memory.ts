/**
 * What one pending read keeps alive in the JavaScript heap: the memory a
 * server with many idle connections holds per connection besides the
 * connection itself (docs/benchmarks.md, "Memory per pending read"). Accepts
 * N connections on a message pipe (as conns-1000's server), collects
 * garbage and samples the heap, starts one `conn.read` on each, and samples
 * again; then each client writes one message so that every read completes.
 * The difference over N is printed.
 *
 *   scripts/wine/run.sh -- wine /win/deno.exe run -A --v8-flags=--expose-gc bench/profile/pending_memory.ts
 *   scripts/wine/run.sh -- wine /win/bun.exe bench/profile/pending_memory.ts
 *
 * @module
 */
import process from "node:process";
import type { Winpipe } from "@winpipe/core";
import { collectGarbage } from "./collect_garbage.ts";

const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
const pipes = await import(binding) as Winpipe;
const N = 2000;

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

// Twice: the first round also pays for code compiled and caches filled on first use.
for (let round = 1; round <= 2; round++) {
  const name = String.raw`\\.\pipe\winpipe-pending-memory-` + round;
  const server = pipes.createServer(name, { type: "message", readMode: "message" });
  const pairs = [];
  for (let i = 0; i < N; i++) {
    const accepted = server.accept();
    const client = await pipes.connect(name, { readMode: "message" });
    pairs.push({ client, conn: await accepted, buffer: new Uint8Array(64) });
  }
  server.close();
  const idle = heapUsed();
  const reads = pairs.map(({ conn, buffer }) => conn.read(buffer));
  const pending = heapUsed();
  await Promise.all(pairs.map(({ client }) => client.write(new Uint8Array([1]))));
  const results = await Promise.all(reads);
  if (results.some((result) => result?.bytesRead !== 1)) throw new Error("a read did not get its message");
  for (const { client, conn } of pairs) {
    client.close();
    conn.close();
  }
  console.log(
    `${binding} round ${round}: ${((pending - idle) / N).toFixed(0)} B of heap per pending read (${N} reads)`,
  );
}
process.exit(0);
