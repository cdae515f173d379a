/**
 * One-way throughput of the Deno kernel32 backend: 64 MiB in 64 KiB writes
 * over a byte pipe with 64 KiB buffers, writer and reader in this process.
 *
 * Run under the Wine test bed (the argument is the number of runs, default 3):
 *   bash scripts/wine/run.sh -- wine /win/deno.exe run -A packages/deno/bench/throughput.ts 3
 * and the C baseline in the same session, for ratios (delete the .exe afterwards):
 *   x86_64-w64-mingw32-gcc -O2 -o packages/deno/bench/raw_pipe.exe packages/deno/bench/raw_pipe.c
 *   bash scripts/wine/run.sh -- 'wine packages/deno/bench/raw_pipe.exe; wine /win/deno.exe run -A packages/deno/bench/throughput.ts'
 *
 * Mechanisms measured in one run (compare ratios, not absolute figures):
 * - overlapped: the backend's own path (FILE_FLAG_OVERLAPPED handles,
 *   immediate completion taken at once, otherwise through the completion
 *   port and one nonblocking GetQueuedCompletionStatusEx), named pipe and
 *   anonymous pipe, in one process and with the writer in a child process;
 * - synchronous: the path of inheritable anonymous-pipe ends (nonblocking
 *   NtReadFile / NtWriteFile on a thread each), the "Deno nonblocking
 *   ReadFile/WriteFile" row of DESIGN.md.
 *
 * @module
 */
import { GENERIC_READ, GENERIC_WRITE, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE } from "@winpipe/core";
import { Kernel32, type Kernel32Handle } from "../src/kernel.ts";
import { loadLibraries } from "../src/ffi.ts";

const TOTAL = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const kernel = new Kernel32();

async function transfer(reader: Kernel32Handle, writer: Kernel32Handle): Promise<number> {
  const data = new Uint8Array(CHUNK).fill(0x5a);
  const start = performance.now();
  const writing = (async () => {
    for (let sent = 0; sent < TOTAL; sent += CHUNK) await kernel.write(writer, data);
  })();
  let received = 0;
  while (received < TOTAL) received += (await kernel.read(reader, CHUNK)).bytes.length;
  await writing;
  const seconds = (performance.now() - start) / 1000;
  return TOTAL / 1e6 / seconds;
}

function namedPair(): [Kernel32Handle, Kernel32Handle] {
  const name = `\\\\.\\pipe\\winpipe-bench-${crypto.randomUUID()}`;
  const server = kernel.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_INBOUND,
    pipeMode: PIPE_TYPE_BYTE,
    maxInstances: 1,
    outBufferSize: CHUNK,
    inBufferSize: CHUNK,
    defaultTimeout: 0,
    inheritable: false,
  });
  const client = kernel.openPipe({ name, access: GENERIC_WRITE, inheritable: false });
  return [server, client];
}

// Count the waits for completions (GetQueuedCompletionStatusEx calls, each a thread hop): the
// binding looks the nonblocking variant up at each call, so the bench wraps it.
let waits = 0;
const libs = loadLibraries();
const wait = libs.blocking.GetQueuedCompletionStatusEx;
libs.blocking.GetQueuedCompletionStatusEx = (...args) => (waits++, wait(...args));

/** Round trips of one byte over a duplex byte pipe: reads issued before (hop) or after (no hop) the data. */
async function pingPong(readFirst: boolean, rounds = 2000): Promise<number> {
  const name = `\\\\.\\pipe\\winpipe-bench-pp-${crypto.randomUUID()}`;
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

/**
 * The reader here, the writer in a child deno.exe (this script with
 * `writer NAME`): reads pend whenever the pipe is empty, as they do between
 * real processes.
 */
async function crossProcess(): Promise<[number, number]> {
  const name = `\\\\.\\pipe\\winpipe-bench-x-${crypto.randomUUID()}`;
  const server = kernel.createNamedPipe({
    name,
    openMode: PIPE_ACCESS_INBOUND,
    pipeMode: PIPE_TYPE_BYTE,
    maxInstances: 1,
    outBufferSize: CHUNK,
    inBufferSize: CHUNK,
    defaultTimeout: 0,
    inheritable: false,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", import.meta.url, "writer", name],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
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
  await child.status;
  return [mbps, pended];
}

if (Deno.args[0] === "writer") {
  const client = kernel.openPipe({ name: Deno.args[1], access: GENERIC_WRITE, inheritable: false });
  const data = new Uint8Array(CHUNK).fill(0x5a);
  for (let sent = 0; sent < TOTAL; sent += CHUNK) await kernel.write(client, data);
  kernel.close(client);
  Deno.exit(0);
}

const results: Record<string, number[]> = {};
const runs = Number(Deno.args[0] ?? 3);
for (let i = 0; i < runs; i++) {
  for (
    const [label, make] of [
      ["named pipe, overlapped (backend path)", namedPair],
      ["anonymous pipe, overlapped ends (backend path)", () => {
        const { read, write } = kernel.createPipe(CHUNK, false, false);
        return [read, write];
      }],
      ["anonymous pipe, synchronous ends (nonblocking NtReadFile/NtWriteFile)", () => {
        const { read, write } = kernel.createPipe(CHUNK, true, true);
        return [read, write];
      }],
    ] as const
  ) {
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
    ? "1-byte round trip, reads pending first (thread hop)"
    : "1-byte round trip, data first (no hop)";
  console.log(`${label}: ${values.map((v) => v.toFixed(0)).join(", ")} µs`);
}
for (const [label, values] of Object.entries(results)) {
  console.log(`${label}: ${values.map((v) => v.toFixed(0)).join(", ")} MB/s`);
}
