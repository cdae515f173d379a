/**
 * Does keeping more than one operation in flight close the throughput gap?
 * The bench's throughput-64k case (two processes, 64 KiB writes over a byte
 * pipe with 64 KiB quotas) through winpipe's public API, with DEPTH writes
 * in flight on the writer and DEPTH reads (each into its own buffer) on the
 * reader. Depth 1 is the bench's peer. Every read or write that pends costs
 * a hand-over between threads (see docs/benchmarks.md); more operations in
 * flight make fewer of them pend.
 *
 * Run under the Wine test bed, server and client in one Wine run:
 *   A="d=1,2,4"; bash scripts/wine/run.sh -- "wine /win/deno.exe run -A bench/profile/inflight_depth.ts server \$A &
 *     wine /win/deno.exe run -A bench/profile/inflight_depth.ts client \$A; wait"
 * (or /win/bun.exe bench/profile/inflight_depth.ts for @winpipe/bun).
 *
 * @module
 */
import process from "node:process";
import type { PipeConnection, Winpipe } from "@winpipe/core";

const CHUNK = 64 * 1024;
const LIMIT_BYTES = 256 * 1024 * 1024;
const LIMIT_MS = 3000;
const [role = "", arg = "d=1,2,4"] = process.argv.slice(2);
const depths = arg.replace(/^d=/, "").split(",").map(Number);
const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
const pipes = await import(binding) as Winpipe;
const pipeName = (depth: number) => `\\\\.\\pipe\\winpipe-depth-${depth}`;

async function serve(depth: number): Promise<void> {
  const server = pipes.createServer(pipeName(depth), { maxInstances: 1 });
  const conn = await server.accept();
  server.close();
  let start = 0, end = 0, bytes = 0, ended = false;
  // DEPTH readers, each with its own buffer, each issuing its next read as soon as its last one completes.
  const reader = async (buffer: Uint8Array) => {
    while (!ended) {
      const result = await conn.read(buffer);
      if (result === null) {
        ended = true;
        return;
      }
      if (start === 0) start = performance.now();
      else bytes += result.bytesRead;
      end = performance.now();
    }
  };
  await Promise.all(Array.from({ length: depth }, () => reader(new Uint8Array(CHUNK))));
  console.log(`${binding} depth ${depth}: ${(bytes / 1e6 / ((end - start) / 1000)).toFixed(0)} MB/s`);
  conn.close();
}

async function send(depth: number): Promise<void> {
  let conn: PipeConnection | undefined;
  while (conn === undefined) {
    conn = await pipes.connect(pipeName(depth)).catch(() => new Promise((r) => setTimeout(r, 2)).then(() => undefined));
  }
  const data = new Uint8Array(CHUNK);
  const deadline = performance.now() + LIMIT_MS;
  let next = 0;
  // DEPTH writers share the count: the pipe gets the writes in the order they were issued.
  const writer = async () => {
    while (next < LIMIT_BYTES / CHUNK && performance.now() < deadline) {
      next++;
      await conn.write(data);
    }
  };
  await Promise.all(Array.from({ length: depth }, writer));
  conn.close();
}

for (const depth of depths) await (role === "server" ? serve(depth) : send(depth));
process.exit(0);
