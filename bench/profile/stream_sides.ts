/**
 * One side of a one-way transfer through winpipe, layer by layer, against
 * the bare profile's other side (bench/profile/deno_bare_throughput.ts with
 * `reader PIPE` or `writer PIPE` and `BARE_CHUNK_KIB=256`), so that what
 * each layer of the streams costs shows against the same peer
 * (docs/benchmarks.md, fifteenth round, "Where each side's fifth goes"):
 *
 *   reader MODE PIPE   makes PIPE (byte, 64 KiB buffers), reads until the end, prints MB/s:
 *     plain    conn.read into one 256 KiB buffer
 *     fresh    conn.read into a fresh 256 KiB buffer each time (the default reader's memory, no stream)
 *     owned    256 KiB reads handed over as a default reader's are (readOwned, keepBytes), no stream
 *     byob     conn.readable through a BYOB reader into one 256 KiB buffer
 *     default  conn.readable through a default reader (the bench's streams-64k)
 *   writer MODE PIPE   connects to PIPE and writes 256 MiB (SIDES_MIB), then closes:
 *     plain     conn.write of 256 KiB, one at a time
 *     streams   conn.writable, 64 KiB chunks as pipeTo writes them (the bench's streams-64k)
 *     streams256  conn.writable, 256 KiB chunks
 *
 * For example, under the Wine test bed (a reader of each mode against a bare writer):
 *
 *   scripts/wine/run.sh -- 'export BARE_CHUNK_KIB=256; P="\\\\.\\pipe\\sides-$$";
 *     wine /win/deno.exe run -A bench/profile/stream_sides.ts reader default "$P" &
 *     sleep 0.3; wine /win/deno.exe run -A bench/profile/deno_bare_throughput.ts turns 256 writer "$P"; wait'
 *
 * and `bun bench/profile/stream_sides.ts ...` for Bun. From the environment:
 * `SIDES_CALL_KIB` sets the size of the `plain` and `fresh` reads and writes
 * and of the other readers' buffers (default 256; 1024 with
 * `BARE_CHUNK_KIB=1024` on the bare side: throughput-1m's calls,
 * docs/benchmarks.md, eighteenth round), `SIDES_MIB` what a writer writes
 * (default 256), `SIDES_POLL` the polling window in µs
 * (`kernel32.setWaitOptions`). The `plain` writer prints its CPU time per
 * write, as the bare writers do (a writer whose writes pend polls while it
 * waits, so this is no measure of its layers' cost alone). The bare reader prints
 * its MB/s and how many reads it made: 1,024 for 256 MiB means every write
 * carried 256 KiB. Readers also print their process's CPU time per read
 * (`process.cpuUsage`, every thread, from the first read to the last), which
 * moves less from run to run than MB/s (docs/benchmarks.md, seventeenth
 * round).
 *
 * @module
 */
import process from "node:process";
import type { PipeConnection, Winpipe } from "@winpipe/core";
import { keepBytes, readOwned } from "@winpipe/core/internal";
import { applyPollWindow } from "../peers/peer_args.mjs";

const READ_SIZE = Number(process.env.SIDES_CALL_KIB ?? 256) * 1024;
const TOTAL = Number(process.env.SIDES_MIB ?? 256) * 1024 * 1024;
const [role, mode, pipe] = process.argv.slice(2);
const READERS = ["plain", "fresh", "owned", "byob", "default"];
const WRITERS = ["plain", "streams", "streams256"];
if (pipe === undefined || !(role === "reader" ? READERS : role === "writer" ? WRITERS : []).includes(mode)) {
  console.error(`usage: stream_sides.ts reader ${READERS.join("|")} PIPE | writer ${WRITERS.join("|")} PIPE`);
  process.exit(2);
}
// A computed specifier: each runtime resolves only its own package.
const pipes = await import("Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno") as Winpipe;
applyPollWindow(pipes, process.env.SIDES_POLL);

/** Reads through `mode` until the end of the data and prints MB/s (from the end of the first read) and the reads. */
async function readAll(conn: PipeConnection): Promise<void> {
  let bytes = 0, reads = 0, start = 0, end = 0;
  let cpu: NodeJS.CpuUsage | undefined;
  const counted = (n: number) => {
    if (start === 0) {
      start = performance.now();
      cpu = process.cpuUsage();
    } else bytes += n; // the clock starts at the first read's end, as the bench's readers time it
    reads++;
    end = performance.now();
  };
  if (mode === "plain" || mode === "fresh") {
    const reused = new Uint8Array(READ_SIZE);
    for (;;) {
      const result = await conn.read(mode === "plain" ? reused : new Uint8Array(READ_SIZE));
      if (result === null) break;
      counted(result.bytesRead);
    }
  } else if (mode === "owned") {
    // What a default reader's pull does below the stream: the backend's buffer handed over (readOwned), kept.
    const signal = new AbortController().signal;
    for (;;) {
      const read = await readOwned(conn, READ_SIZE, signal);
      if (read === null) break;
      counted(keepBytes(read).length);
    }
  } else if (mode === "byob") {
    const reader = conn.readable.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(READ_SIZE);
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      buffer = value.buffer as ArrayBuffer;
      counted(value.length);
    }
  } else {
    const reader = conn.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      counted(value.length);
    }
  }
  const used = process.cpuUsage(cpu);
  const perRead = (used.user + used.system) / (reads - 1);
  console.log(
    `reader ${mode}: ${(bytes / 1e6 / ((end - start) / 1000)).toFixed(1)} MB/s, ${reads} reads, ` +
      `CPU ${perRead.toFixed(0)} µs per read (${(used.user / (reads - 1)).toFixed(0)} user)`,
  );
}

/** Writes TOTAL bytes through `mode`, then closes the handle (the reader sees the end). */
async function writeAll(conn: PipeConnection): Promise<void> {
  if (mode === "plain") {
    const data = new Uint8Array(READ_SIZE);
    const cpu = process.cpuUsage();
    let writes = 0;
    for (let sent = 0; sent < TOTAL; sent += data.length, writes++) await conn.write(data);
    const used = process.cpuUsage(cpu);
    console.log(
      `writer plain: CPU ${((used.user + used.system) / writes).toFixed(0)} µs per write (${
        (used.user / writes).toFixed(0)
      } user)`,
    );
    conn.close();
    return;
  }
  const data = new Uint8Array(mode === "streams256" ? 256 * 1024 : 64 * 1024);
  const writer = conn.writable.getWriter();
  for (let sent = 0; sent < TOTAL; sent += data.length) {
    await writer.ready; // as pipeTo does
    writer.write(data).catch(() => {}); // a failure shows in close()
  }
  await writer.close();
}

if (role === "reader") {
  await using server = pipes.createServer(pipe, {
    type: "byte",
    maxInstances: 1,
    inBufferSize: 65536,
    outBufferSize: 65536,
  });
  await using conn = await server.accept();
  await readAll(conn);
} else {
  const deadline = performance.now() + 30_000;
  let conn: PipeConnection | undefined;
  while (conn === undefined) {
    try {
      conn = await pipes.connect(pipe);
    } catch (err) {
      // The reader may not have made the pipe yet.
      if ((err as { code?: number }).code !== 2 || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  await writeAll(conn);
}
