/**
 * Throughput and latency of the Bun kernel32 backend (the numbers of
 * docs/bun-backend.md): 64 MiB one way in 64 KiB writes over a byte pipe
 * with 64 KiB buffers, and 1-byte round trips.
 *
 * Run under the Wine test bed (the argument is the number of runs, default 3):
 *   bash scripts/wine/run.sh -- bun packages/bun/bench/throughput.ts 3
 * With the C baseline and the Deno backend in the same session, for ratios:
 *   x86_64-w64-mingw32-gcc -O2 -o /tmp/raw/raw_pipe.exe packages/deno/bench/raw_pipe.c
 *   bash scripts/wine/run.sh --bind /tmp/raw:/mnt/raw -- 'wine /mnt/raw/raw_pipe.exe;
 *     wine /win/deno.exe run -A packages/deno/bench/throughput.ts 3; wine /win/bun.exe packages/bun/bench/throughput.ts 3'
 *
 * Paths measured:
 * - overlapped, one process: the backend's own path (immediate completion
 *   taken at once, otherwise through the completion port's worker), named
 *   pipe and anonymous pipe;
 * - synchronous ends: an inheritable anonymous pipe, whose I/O runs as
 *   NtReadFile / NtWriteFile in pool workers (the "Bun Worker doing blocking
 *   ReadFile" row of DESIGN.md);
 * - two processes: the writer in a child bun.exe, reads pend whenever the
 *   pipe is empty, as between real processes;
 * - round trips of one byte, with the data there before each read (no
 *   thread hop) and with each read issued first (a hop through the worker).
 *
 * @module
 */
import { GENERIC_READ, GENERIC_WRITE, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE } from "@winpipe/core";
import type { Win32Library } from "@winpipe/kernel32";
import { bunBinding, Kernel32, type Kernel32Handle } from "../mod.ts";

const TOTAL = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const kernel = new Kernel32();

if (process.argv[2] === "writer") {
  const client = kernel.openPipe({ name: process.argv[3], access: GENERIC_WRITE, inheritable: false });
  const data = new Uint8Array(CHUNK).fill(0x5a);
  for (let sent = 0; sent < TOTAL; sent += CHUNK) await kernel.write(client, data);
  kernel.close(client);
  process.exit(0);
}

// Count the waits for completions (each a hop through the completion port's worker).
let waits = 0;
const library = bunBinding.load() as { -readonly [K in keyof Win32Library]: Win32Library[K] };
const offThread = library.offThread as (name: string, ...args: unknown[]) => Promise<number>;
library.offThread = ((name: string, ...args: unknown[]) => {
  if (name === "GetQueuedCompletionStatusEx") waits++;
  return offThread(name, ...args);
}) as Win32Library["offThread"];

async function transfer(reader: Kernel32Handle, writer: Kernel32Handle): Promise<number> {
  const data = new Uint8Array(CHUNK).fill(0x5a);
  const start = performance.now();
  const writing = (async () => {
    for (let sent = 0; sent < TOTAL; sent += CHUNK) await kernel.write(writer, data);
  })();
  let received = 0;
  while (received < TOTAL) received += (await kernel.read(reader, CHUNK)).bytes.length;
  await writing;
  return TOTAL / 1e6 / ((performance.now() - start) / 1000);
}

function namedServer(name: string): Kernel32Handle {
  return kernel.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_INBOUND,
    pipeMode: PIPE_TYPE_BYTE,
    maxInstances: 1,
    outBufferSize: CHUNK,
    inBufferSize: CHUNK,
    defaultTimeout: 0,
    inheritable: false,
  });
}

function namedPair(): [Kernel32Handle, Kernel32Handle] {
  const name = `\\\\.\\pipe\\winpipe-bun-bench-${crypto.randomUUID()}`;
  const server = namedServer(name);
  return [server, kernel.openPipe({ name, access: GENERIC_WRITE, inheritable: false })];
}

/** Round trips of one byte over a duplex byte pipe: reads issued before (hop) or after (no hop) the data. */
async function pingPong(readFirst: boolean, rounds = 2000): Promise<number> {
  const name = `\\\\.\\pipe\\winpipe-bun-bench-pp-${crypto.randomUUID()}`;
  const server = kernel.createNamedPipe({
    name,
    openMode: 3,
    pipeMode: PIPE_TYPE_BYTE,
    maxInstances: 1,
    outBufferSize: 4096,
    inBufferSize: 4096,
    defaultTimeout: 0,
    inheritable: false,
  });
  const client = kernel.openPipe({ name, access: (GENERIC_READ | GENERIC_WRITE) >>> 0, inheritable: false });
  const one = new Uint8Array([1]);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    if (readFirst) {
      const atServer = kernel.read(server, 1);
      await kernel.write(client, one);
      await atServer;
      const atClient = kernel.read(client, 1);
      await kernel.write(server, one);
      await atClient;
    } else {
      await kernel.write(client, one);
      await kernel.read(server, 1);
      await kernel.write(server, one);
      await kernel.read(client, 1);
    }
  }
  const micros = (performance.now() - start) * 1000 / rounds;
  kernel.close(client);
  kernel.close(server);
  return micros;
}

/** The reader here, the writer in a child bun.exe (this script with `writer NAME`). */
async function crossProcess(): Promise<[number, number]> {
  const name = `\\\\.\\pipe\\winpipe-bun-bench-x-${crypto.randomUUID()}`;
  const server = namedServer(name);
  const child = Bun.spawn([process.execPath, import.meta.path, "writer", name], {
    stdout: "inherit",
    stderr: "inherit",
  });
  await kernel.connect(server);
  waits = 0;
  const start = performance.now();
  let received = 0;
  let reads = 0;
  while (received < TOTAL) {
    received += (await kernel.read(server, CHUNK)).bytes.length;
    reads++;
  }
  const mbps = TOTAL / 1e6 / ((performance.now() - start) / 1000);
  const pended = waits / reads;
  kernel.close(server);
  await child.exited;
  return [mbps, pended];
}

const runs = Number(process.argv[2] ?? 3);
const results: Record<string, number[]> = {};
const cases: [string, () => [Kernel32Handle, Kernel32Handle]][] = [
  ["named pipe, overlapped, one process (backend path)", namedPair],
  ["anonymous pipe, overlapped ends, one process (backend path)", () => {
    const { read, write } = kernel.createPipe(CHUNK, false, false);
    return [read, write];
  }],
  ["anonymous pipe, synchronous ends (NtReadFile/NtWriteFile in pool workers)", () => {
    const { read, write } = kernel.createPipe(CHUNK, true, true);
    return [read, write];
  }],
];
for (let i = 0; i < runs; i++) {
  for (const [label, make] of cases) {
    const [r, w] = make();
    waits = 0;
    const mbps = await transfer(r, w);
    if (i === 0 && label.includes("overlapped")) {
      console.log(`${label}: ${waits} completion waits for ${2 * TOTAL / CHUNK} reads and writes`);
    }
    kernel.close(r);
    kernel.close(w);
    (results[label] ??= []).push(mbps);
  }
}
{
  const values = [];
  let pended = 0;
  for (let i = 0; i < runs; i++) {
    const [mbps, p] = await crossProcess();
    values.push(mbps);
    pended = p;
  }
  console.log(
    `two processes, overlapped (backend path): ${values.map((v) => v.toFixed(0)).join(", ")} MB/s ` +
      `(completion waits: ${(pended * 100).toFixed(0)}% of reads in the last run)`,
  );
}
for (const readFirst of [false, true]) {
  const values = [];
  for (let i = 0; i < runs; i++) values.push(await pingPong(readFirst));
  const label = readFirst
    ? "1-byte round trip, reads pending first (a hop through the worker)"
    : "1-byte round trip, data first (no hop)";
  console.log(`${label}: ${values.map((v) => v.toFixed(0)).join(", ")} µs`);
}
for (const [label, values] of Object.entries(results)) {
  console.log(`${label}: ${values.map((v) => v.toFixed(0)).join(", ")} MB/s`);
}
process.exit(0);
