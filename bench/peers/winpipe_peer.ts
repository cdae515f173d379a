/**
 * The bench workloads through winpipe's public API (createServer, accept,
 * connect, read, write), one peer for every binding so that all run the same
 * code:
 *
 *   deno run -A bench/peers/winpipe_peer.ts server|client ARGS   winpipe-deno (@winpipe/deno)
 *   bun bench/peers/winpipe_peer.ts server|client ARGS           winpipe-bun (@winpipe/bun)
 *   deno run -A bench/peers/winpipe_peer.ts both ARGS            model (@winpipe/core/model, in one process)
 *
 * ARGS are `key=value` pairs: prefix, cases, bytes, seconds, exchanges,
 * warmup, messages (see bench/run.mjs), and api=sync, handles=sync|overlapped, poll=MICROS, readahead=BYTES, readchunk=BYTES, byob=BYTES, inflight=WRITES, gather=BYTES and buffers=shared (below). Each case has its own pipe,
 * `\\.\pipe\PREFIX-CASE`, made by the server. Results are printed as
 * `result CASE VALUE UNIT` by the side that sees the whole transfer: the
 * reader for throughput and message rate, the requester for round trips.
 *
 * The calls mirror bench/peers/raw_pipe.c one for one (one ReadFile per
 * read into a reused buffer, one WriteFile per write), so the difference to
 * raw-c is the cost of the binding and nothing else.
 *
 * @module
 */
import process from "node:process";
import type { PipeConnection, Winpipe } from "@winpipe/core";
import { applyPollWindow, parsePeerArgs } from "./peer_args.mjs";

/** The same quotas as node's libuv and raw_pipe.c. */
const PIPE_BUFFER = 64 * 1024;
const FRAME = 64;
const CHUNKS: Record<string, number> = {
  "throughput-4k": 4 * 1024,
  "throughput-64k": 64 * 1024,
  "throughput-1m": 1024 * 1024,
};

const { role, args, cases, pipeName, limitBytes, limitMs, exchanges, warmup, limitMessages, connections } =
  parsePeerArgs(process.argv.slice(2));
/** The cases through the streams API (conn.writable -> conn.readable, default options) on a byte pipe: their chunk size. */
const STREAM_CHUNKS: Record<string, number> = { "streams-64k": 64 * 1024, "frames-64b": FRAME };
/**
 * `api=sync`: the round trip and the one-way throughput cases through the
 * synchronous calls (readSync, writeSync: WriteFile and ReadFile in the
 * calling thread, as raw_pipe.c makes them), on both sides; the other
 * cases ignore it.
 */
const syncApi = args.api === "sync";
/** The cases `api=sync` and `handles=` apply to. */
const syncCase = (name: string) => name === "rtt" || CHUNKS[name] !== undefined;
/**
 * `handles=sync|overlapped`: whether the two ends of those cases are opened
 * as synchronous handles (`synchronous: true`, without
 * FILE_FLAG_OVERLAPPED, as raw_pipe.c opens them). Default: synchronous
 * with `api=sync`, overlapped otherwise.
 */
const syncHandles = (args.handles ?? (syncApi ? "sync" : "overlapped")) === "sync";
/**
 * `buffers=shared`: the one-way cases' buffers (the writer's data, the
 * reader's buffer) in shared memory, a SharedArrayBuffer's, which the
 * kernel32 layer reads and writes as it is instead of copying
 * (docs/buffer-ownership.md, "Shared memory"): what the copies cost, through
 * the public API (docs/benchmarks.md, twenty-first round).
 */
const sharedBuffers = args.buffers === "shared";
/** `n` bytes for a one-way case's writer or reader: shared memory with `buffers=shared`. */
const oneWayBytes = (n: number) => sharedBuffers ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);

const isMessageCase = (name: string) => name === "rtt" || name === "msgrate-64b" || name === "conns-1000";
/** The resident set of this process, in bytes. */
const rss = () => process.memoryUsage().rss;
/**
 * The peak resident set of this process so far, in bytes, read once after
 * throughput-1m as raw_pipe.c reads PeakWorkingSetSize (libuv's maxRSS is
 * that figure in KiB). Sampling the resident set at every read instead
 * cost the reader 6-8 % of its 1 MiB throughput under Wine, a wineserver
 * request each (docs/benchmarks.md, eighteenth round).
 */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** The binding under test: the model for `both`, else this runtime's package. */
async function loadWinpipe(): Promise<Winpipe> {
  if (role === "both") {
    const { createWinpipe } = await import("@winpipe/core");
    const { createModelKernel } = await import("@winpipe/core/model");
    const { streams } = await import("@winpipe/streams"); // as the bindings do: conn.readable and conn.writable
    return createWinpipe(createModelKernel(), { streams });
  }
  // A computed specifier: each runtime resolves only its own package.
  const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
  const api = await import(binding) as Partial<Winpipe>;
  if (typeof api.createServer !== "function" || typeof api.connect !== "function") {
    throw new Error(`${binding} does not export createServer and connect`);
  }
  return api as Winpipe;
}

const pipes = await loadWinpipe();
applyPollWindow(pipes, args.poll);

function createServer(name: string) {
  const type = isMessageCase(name) ? "message" : "byte";
  return pipes.createServer(pipeName(name), {
    type,
    readMode: type,
    maxInstances: 1,
    inBufferSize: PIPE_BUFFER,
    outBufferSize: PIPE_BUFFER,
    synchronous: syncHandles && syncCase(name),
  });
}

/** The server of the case may not have created its pipe yet (another process): retry for up to 30 s. */
async function connectClient(name: string): Promise<PipeConnection> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      return await pipes.connect(pipeName(name), {
        readMode: isMessageCase(name) ? "message" : "byte",
        synchronous: syncHandles && syncCase(name),
      });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 2 /* ERROR_FILE_NOT_FOUND */ || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/** Nearest-rank percentile of sorted samples (the same definition in every peer). */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

/** Reads until the writer closes; the clock starts at the first read so that connecting is not counted. */
async function readAll(conn: PipeConnection, name: string, bufferSize: number, unit: "MB/s" | "msg/s") {
  const buffer = oneWayBytes(bufferSize);
  const sync = syncApi && syncCase(name);
  if ((await conn.read(buffer)) === null) throw new Error(`${name}: the writer sent nothing`);
  const start = performance.now();
  let end = start, bytes = 0, messages = 0;
  for (;;) {
    const result = sync ? conn.readSync(buffer) : await conn.read(buffer);
    if (result === null) break;
    bytes += result.bytesRead;
    messages++;
    end = performance.now();
  }
  const seconds = (end - start) / 1000;
  const value = unit === "MB/s" ? bytes / 1e6 / seconds : messages / seconds;
  console.log(`result ${name} ${value.toFixed(1)} ${unit}`);
  if (name === "throughput-1m") console.log(`result rss-1m ${(peakRss() / 1e6).toFixed(1)} MB`);
}

/** streams-64k and frames-64b, reading side: conn.readable until the end; the clock starts at the first chunk. */
async function readStream(conn: PipeConnection, name: string): Promise<void> {
  // `readahead=BYTES` and `readchunk=BYTES` (a remedy's before/after, docs/benchmarks.md): a readable with
  // that high-water mark, and reads of that size.
  const readable = args.readahead !== undefined || args.readchunk !== undefined
    ? (await import("@winpipe/streams")).readableFrom(conn, {
      ...(args.readahead !== undefined ? { highWaterMark: Number(args.readahead) } : {}),
      ...(args.readchunk !== undefined ? { chunkSize: Number(args.readchunk) } : {}),
    })
    : conn.readable;
  const next = args.byob !== undefined ? byobReads(readable, Number(args.byob)) : defaultReads(readable);
  if ((await next()) === null) throw new Error(`${name}: the writer sent nothing`);
  const start = performance.now();
  let end = start, bytes = 0;
  for (let n = await next(); n !== null; n = await next()) {
    bytes += n;
    end = performance.now();
  }
  const seconds = (end - start) / 1000;
  if (name === "frames-64b") console.log(`result ${name} ${(bytes / FRAME / seconds).toFixed(1)} msg/s`);
  else console.log(`result ${name} ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`);
}

/** Reads of `readable` through a default reader: each resolves with the chunk's length, or null at the end. */
function defaultReads(readable: ReadableStream<Uint8Array>): () => Promise<number | null> {
  const reader = readable.getReader();
  return async () => {
    const { value, done } = await reader.read();
    return done ? null : value.length;
  };
}

/**
 * `byob=BYTES` (a remedy's before/after, docs/benchmarks.md): reads of `readable` through a BYOB
 * reader into one buffer of BYTES, handed back by each read, instead of a default reader, whose
 * every chunk is fresh memory. Each resolves with the bytes read, or null at the end.
 */
function byobReads(readable: ReadableStream<Uint8Array>, size: number): () => Promise<number | null> {
  const reader = readable.getReader({ mode: "byob" });
  let buffer: ArrayBuffer = new ArrayBuffer(size);
  return async () => {
    const { value, done } = await reader.read(new Uint8Array(buffer));
    if (value !== undefined) buffer = value.buffer as ArrayBuffer;
    return done ? null : value!.length;
  };
}

/** streams-64k and frames-64b, writing side: chunks into conn.writable as pipeTo would (ready, then write). */
async function writeStream(conn: PipeConnection, chunk: number): Promise<void> {
  // `inflight=WRITES` and `gather=BYTES` (a remedy's before/after): a writable with that many writes in
  // flight (0: one at a time), and gathering at most that many bytes into one write.
  const writable = args.inflight !== undefined || args.gather !== undefined
    ? (await import("@winpipe/streams")).writableTo(conn, {
      ...(args.inflight !== undefined ? { writesInFlight: Number(args.inflight) } : {}),
      ...(args.gather !== undefined ? { gatherLimit: Number(args.gather) } : {}),
    })
    : conn.writable;
  const writer = writable.getWriter();
  const data = new Uint8Array(chunk);
  const count = chunk === FRAME ? limitMessages : Math.floor(limitBytes / chunk);
  const deadline = performance.now() + limitMs;
  for (let i = 0; i < count; i++) {
    await writer.ready;
    writer.write(data).catch(() => {}); // a failure shows in close()
    if ((i & 15) === 15 && performance.now() > deadline) break;
  }
  await writer.close(); // closes the handle: the reader sees the end
}

/**
 * conns-1000, server side: accepts every client (unlimited instances), echoes each request on its
 * connection, and reports its resident memory per connection (peak during the run minus before the
 * first client, over the clients) and its peak resident set.
 */
async function serveMany(name: string): Promise<void> {
  const server = pipes.createServer(pipeName(name), {
    type: "message",
    readMode: "message",
    inBufferSize: 4096,
    outBufferSize: 4096,
  });
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const echoes: Promise<void>[] = [];
  for (let i = 0; i < connections; i++) {
    const conn = await server.accept();
    echoes.push((async () => {
      const buffer = new Uint8Array(FRAME);
      for (;;) {
        const result = await conn.read(buffer);
        if (result === null) break;
        await conn.write(buffer.subarray(0, result.bytesRead));
      }
      conn.close();
    })());
  }
  server.close();
  await Promise.all(echoes);
  clearInterval(sampler);
  console.log(`result conns-1000-kb ${((peak - before) / 1e3 / connections).toFixed(1)} KB`);
  console.log(`result rss-conns-1000 ${(peak / 1e6).toFixed(1)} MB`);
}

/** conns-1000, client side: connects every client, then each does request/reply for the time limit. */
async function requestMany(name: string): Promise<void> {
  const conns: PipeConnection[] = [];
  for (let i = 0; i < connections; i++) conns.push(await connectClient(name));
  let exchanges = 0;
  const start = performance.now();
  const deadline = start + limitMs;
  await Promise.all(conns.map(async (conn) => {
    const requestBytes = new Uint8Array(FRAME), reply = new Uint8Array(FRAME);
    while (performance.now() < deadline) {
      await conn.write(requestBytes);
      if ((await conn.read(reply)) === null) throw new Error("conns-1000: the server closed");
      exchanges++;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  for (const conn of conns) conn.close();
  console.log(`result conns-1000 ${(exchanges / seconds).toFixed(1)} req/s`);
}

async function serve(name: string): Promise<void> {
  if (name === "conns-1000") return await serveMany(name);
  const server = createServer(name);
  const conn = await server.accept();
  server.close();
  const chunk = CHUNKS[name];
  if (STREAM_CHUNKS[name] !== undefined) {
    await readStream(conn, name);
  } else if (chunk !== undefined) {
    await readAll(conn, name, Math.max(chunk, PIPE_BUFFER), "MB/s");
  } else if (name === "msgrate-64b") {
    await readAll(conn, name, FRAME, "msg/s");
  } else {
    // rtt: echo each request.
    const buffer = new Uint8Array(FRAME);
    for (;;) {
      const result = syncApi ? conn.readSync(buffer) : await conn.read(buffer);
      if (result === null) break;
      if (syncApi) conn.writeSync(buffer.subarray(0, result.bytesRead));
      else await conn.write(buffer.subarray(0, result.bytesRead));
    }
  }
  conn.close();
}

async function request(name: string): Promise<void> {
  if (name === "conns-1000") return await requestMany(name);
  const conn = await connectClient(name);
  const chunk = CHUNKS[name];
  if (STREAM_CHUNKS[name] !== undefined) {
    return await writeStream(conn, STREAM_CHUNKS[name]);
  } else if (chunk !== undefined || name === "msgrate-64b") {
    // One way, until the byte (or message) limit or the time limit.
    const data = oneWayBytes(chunk ?? FRAME);
    const count = chunk !== undefined ? Math.floor(limitBytes / chunk) : limitMessages;
    const sync = syncApi && syncCase(name);
    const deadline = performance.now() + limitMs;
    for (let i = 0; i < count; i++) {
      if (sync) conn.writeSync(data);
      else await conn.write(data);
      if ((i & 15) === 15 && performance.now() > deadline) break;
    }
  } else {
    const requestBytes = new Uint8Array(FRAME);
    const reply = new Uint8Array(FRAME);
    const samples = new Float64Array(exchanges);
    for (let i = 0; i < warmup + exchanges; i++) {
      const t0 = performance.now();
      let result;
      if (syncApi) {
        conn.writeSync(requestBytes);
        result = conn.readSync(reply);
      } else {
        await conn.write(requestBytes);
        result = await conn.read(reply);
      }
      if (result === null || result.bytesRead !== FRAME) throw new Error("rtt: short reply");
      if (i >= warmup) samples[i - warmup] = (performance.now() - t0) * 1000;
    }
    samples.sort();
    console.log(`result rtt-p50 ${percentile(samples, 0.5).toFixed(1)} us`);
    console.log(`result rtt-p99 ${percentile(samples, 0.99).toFixed(1)} us`);
  }
  conn.close();
}

if (role !== "server" && role !== "client" && role !== "both") {
  console.error("usage: winpipe_peer.ts server|client|both prefix=P cases=C,... bytes=N seconds=S ...");
  process.exit(2);
}
for (const name of cases) {
  if (role === "server") await serve(name);
  else if (role === "client") await request(name);
  else await Promise.all([serve(name), request(name)]);
}
// Nothing should be left pending, but a binding that keeps a waiter alive must not hang the bench.
process.exit(0);
