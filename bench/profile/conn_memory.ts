/**
 * Where the memory of the `conns-1000` server goes: the bench's server of
 * that case (1,000 connections on a message pipe, each echoing 64-byte
 * requests), printing the resident set and the heap after a full collection
 * at 1, 100 and 1,000 accepted clients, during the exchanges and at the end,
 * with the size and use of each V8 heap space (Deno) or the heap (Bun). The
 * clients are the bench's own peer (docs/benchmarks.md, "Memory per pending
 * read").
 *
 *   scripts/wine/run.sh -- 'wine /win/deno.exe run -A --v8-flags=--expose-gc bench/profile/conn_memory.ts &
 *     sleep 3; wine /win/deno.exe run -A bench/peers/winpipe_peer.ts client prefix=conn-memory cases=conns-1000; wait'
 *
 * (`wine /win/bun.exe bench/profile/conn_memory.ts` for Bun.) With
 * `idle` as argument the connections start no reads: the memory of the
 * connections alone.
 *
 * @module
 */
import process from "node:process";
import v8 from "node:v8";
import type { PipeConnection, Winpipe } from "@winpipe/core";
import { collectGarbage } from "./collect_garbage.ts";

const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
const pipes = await import(binding) as Winpipe;
const CONNECTIONS = 1000;
const idle = process.argv.includes("idle");

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The resident set and heap (MB) after a full collection; V8's spaces as size/used where the runtime has them. */
function report(when: string): void {
  collectGarbage();
  const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
  let spaces = "";
  try {
    spaces = v8.getHeapSpaceStatistics()
      .filter((space) => space.space_size > 0)
      .map((space) => `${space.space_name.replace(/_space$/, "")} ${mb(space.space_size)}/${mb(space.space_used_size)}`)
      .join(", ");
  } catch {
    // Bun has no heap spaces to show.
  }
  console.log(
    `${when}: rss ${mb(rss)}, heap ${mb(heapTotal)} (used ${mb(heapUsed)}), external ${mb(external)}` +
      (spaces ? `; spaces (MB size/used): ${spaces}` : ""),
  );
}

const server = pipes.createServer(String.raw`\\.\pipe\conn-memory-conns-1000`, {
  type: "message",
  readMode: "message",
  inBufferSize: 4096,
  outBufferSize: 4096,
});
report("server created");
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const connections: PipeConnection[] = [];
const echoes: Promise<void>[] = [];
for (let i = 1; i <= CONNECTIONS; i++) {
  const conn = await server.accept();
  connections.push(conn);
  if (!idle) {
    echoes.push((async () => {
      const buffer = new Uint8Array(64);
      for (;;) {
        const result = await conn.read(buffer);
        if (result === null) break;
        await conn.write(buffer.subarray(0, result.bytesRead));
      }
    })());
  }
  if (i === 1 || i === 100 || i === CONNECTIONS) report(`${i} accepted${idle ? " (no reads)" : ""}`);
}
server.close();
if (idle) {
  for (const conn of connections) conn.close();
} else {
  setTimeout(() => report("during the exchanges"), 1500);
  await Promise.all(echoes);
  for (const conn of connections) conn.close();
}
clearInterval(sampler);
report("end");
console.log(`peak rss ${mb(peak)} MB (sampled every 50 ms)`);
process.exit(0);
