// The bench workloads through the `node:net` module on a named pipe: what
// Node users have today. One peer for both runtimes that implement it:
//
//   node bench/peers/node_net_peer.mjs server|client ARGS   node-libuv (node.exe: libuv's pipe code)
//   bun bench/peers/node_net_peer.mjs server|client ARGS    bun-node-net (bun.exe's node:net)
//
// ARGS are `key=value` pairs as for the other peers (see bench/run.mjs).
// node:net has no message mode: `rtt` and `msgrate-64b` run on a byte pipe
// with fixed 64-byte frames, and the reader receives whatever libuv (or Bun)
// read in one go, many frames at a time. Writes respect backpressure
// (`write()` returning false waits for "drain"), as a Node program should.
// libuv creates its pipe instances with 64 KiB quotas, like the other peers.
import net from "node:net";
import { Buffer } from "node:buffer";
import { once } from "node:events";
import process from "node:process";
import { parsePeerArgs } from "./peer_args.mjs";

const FRAME = 64;
// node:net's socket is its stream API: streams-64k is throughput-64k, frames-64b is msgrate-64b (a byte pipe).
const CHUNKS = {
  "throughput-4k": 4 * 1024,
  "throughput-64k": 64 * 1024,
  "throughput-1m": 1024 * 1024,
  "streams-64k": 64 * 1024,
};

const { role, cases, pipeName, limitBytes, limitMs, exchanges, warmup, limitMessages, connections } = parsePeerArgs(
  process.argv.slice(2),
);
/** The resident set of this process, in bytes. */
const rss = () => process.memoryUsage().rss;

/** Nearest-rank percentile of sorted samples (the same definition in every peer). */
function percentile(sorted, p) {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

/**
 * conns-1000, server side: accepts every client, echoes its bytes, and reports its resident memory
 * per connection (peak during the run minus before the first client, over the clients) and its peak.
 */
async function serveMany(name) {
  const server = net.createServer();
  server.listen(pipeName(name));
  await once(server, "listening");
  const before = rss();
  let peak = before, accepted = 0, closed = 0, allClosed = () => {};
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const done = new Promise((resolve) => (allClosed = resolve));
  server.on("connection", (socket) => {
    if (++accepted === connections) server.close();
    socket.on("error", () => {}); // a client gone early shows as a missing figure, not a crash
    socket.on("data", (data) => socket.write(data));
    socket.on("close", () => {
      if (++closed === connections) allClosed();
    });
  });
  await done;
  clearInterval(sampler);
  console.log(`result conns-1000-kb ${((peak - before) / 1e3 / connections).toFixed(1)} KB`);
  console.log(`result rss-conns-1000 ${(peak / 1e6).toFixed(1)} MB`);
}

/** conns-1000, client side: connects every client, then each does request/reply (64-byte frames) for the time limit. */
async function requestMany(name) {
  const sockets = [];
  for (let i = 0; i < connections; i++) sockets.push(await connectClient(name));
  let exchanges = 0;
  const start = performance.now();
  const deadline = start + limitMs;
  await Promise.all(sockets.map(async (socket) => {
    let received = 0, wake = () => {};
    socket.on("data", (data) => {
      received += data.length;
      if (received >= FRAME) wake();
    });
    const frame = Buffer.alloc(FRAME);
    while (performance.now() < deadline) {
      const replied = new Promise((resolve) => (wake = resolve));
      socket.write(frame);
      await replied;
      received -= FRAME;
      exchanges++;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  for (const socket of sockets) socket.end();
  await Promise.all(sockets.map((socket) => once(socket, "close")));
  console.log(`result conns-1000 ${(exchanges / seconds).toFixed(1)} req/s`);
}

/** Serves one case: accepts one connection, handles it, closes the listener. */
async function serve(name) {
  if (name === "conns-1000") return await serveMany(name);
  const server = net.createServer();
  server.listen(pipeName(name));
  await once(server, "listening");
  const [socket] = await once(server, "connection");
  server.close();
  if (name === "rtt") {
    // Echo: requests come one at a time, so echoing the bytes echoes the frames.
    socket.on("data", (data) => socket.write(data));
    await once(socket, "close");
    return;
  }
  // Throughput and message rate: the clock starts at the first read, as in the other peers.
  let start = 0, end = 0, bytes = 0, first = true;
  socket.on("data", (data) => {
    if (first) {
      first = false;
      start = performance.now();
      return;
    }
    bytes += data.length;
    end = performance.now();
  });
  await once(socket, "end");
  socket.destroy();
  const seconds = (end - start) / 1000;
  if (name === "msgrate-64b" || name === "frames-64b") {
    console.log(`result ${name} ${(bytes / FRAME / seconds).toFixed(1)} msg/s`);
  } else console.log(`result ${name} ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`);
  // This process's peak resident set so far, read once as raw_pipe.c reads PeakWorkingSetSize (maxRSS is it in KiB).
  if (name === "throughput-1m") {
    console.log(`result rss-1m ${(process.resourceUsage().maxRSS * 1024 / 1e6).toFixed(1)} MB`);
  }
}

/** The server of the case may not be listening yet (another process): retry for up to 30 s. */
async function connectClient(name) {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const socket = net.connect(pipeName(name));
    try {
      await once(socket, "connect");
      return socket;
    } catch (err) {
      socket.destroy();
      if (err.code !== "ENOENT" || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

async function request(name) {
  if (name === "conns-1000") return await requestMany(name);
  const socket = await connectClient(name);
  if (name === "rtt") {
    // Replies arrive as bytes: a round trip ends when the 64 bytes of its frame are in.
    let received = 0, wake = () => {};
    socket.on("data", (data) => {
      received += data.length;
      if (received >= FRAME) wake();
    });
    const frame = Buffer.alloc(FRAME);
    const samples = new Float64Array(exchanges);
    for (let i = 0; i < warmup + exchanges; i++) {
      const t0 = performance.now();
      const replied = new Promise((resolve) => (wake = resolve));
      socket.write(frame);
      await replied;
      received -= FRAME;
      if (i >= warmup) samples[i - warmup] = (performance.now() - t0) * 1000;
    }
    samples.sort();
    console.log(`result rtt-p50 ${percentile(samples, 0.5).toFixed(1)} us`);
    console.log(`result rtt-p99 ${percentile(samples, 0.99).toFixed(1)} us`);
  } else {
    // One way, until the byte (or frame) limit or the time limit.
    const chunk = CHUNKS[name];
    const data = Buffer.alloc(chunk ?? FRAME);
    const count = chunk !== undefined ? Math.floor(limitBytes / chunk) : limitMessages;
    const deadline = performance.now() + limitMs;
    for (let i = 0; i < count; i++) {
      if (!socket.write(data)) await once(socket, "drain");
      if ((i & 15) === 15 && performance.now() > deadline) break;
    }
  }
  socket.end();
  await once(socket, "close");
}

if (role !== "server" && role !== "client") {
  console.error("usage: node_net_peer.mjs server|client prefix=P cases=C,... bytes=N seconds=S ...");
  process.exit(2);
}
for (const name of cases) {
  if (role === "server") await serve(name);
  else await request(name);
}
process.exit(0);
