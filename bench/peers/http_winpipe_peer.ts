/**
 * The HTTP workloads through @winpipe/http, one peer for every binding:
 *
 *   deno run -A bench/peers/http_winpipe_peer.ts server|client ARGS   winpipe-deno (@winpipe/deno)
 *   bun bench/peers/http_winpipe_peer.ts server|client ARGS           winpipe-bun (@winpipe/bun)
 *   deno run -A bench/peers/http_winpipe_peer.ts both ARGS            model (@winpipe/core/model, one process)
 *
 * ARGS are `key=value` pairs: prefix, cases, seconds, connections,
 * exchanges, warmup, messages (see bench/run.mjs), and `poll=MICROS`, the
 * binding's polling window (bench/peers/peer_args.mjs). The cases, in this
 * order, each printed by the client as `result CASE N UNIT`:
 *
 * - `http-rps`: serveHttp answering small GET requests, pipeFetch sending
 *   them: `connections` loops at once, each on its own keep-alive
 *   connection (a PipeHttpClient keeping that many idle), for `seconds`;
 *   requests completed after the first tenth of the time count. Each side
 *   also prints its process's CPU time per request (`cpu http-rps
 *   server|client N us`, bench/peers/cpu_per_request.mjs; not a bench figure).
 * - `ws-rtt-p50`: a WebSocket (pipeWebSocket to `info.upgradeWebSocket()`)
 *   echoing 64-byte binary messages, `exchanges` round trips after `warmup`
 *   unmeasured; the median, µs.
 * - `ws-msgs-64b`: 64-byte binary messages one way on a WebSocket, in
 *   batches of 1,000 each followed by a text `sync` the server answers,
 *   until `messages` or `seconds`; messages per second from the first send
 *   to the last answer.
 *
 * Then the client sends `GET /stop`, which ends the server.
 * bench/peers/node_http_peer.mjs does the same with node:http and `ws`.
 *
 * @module
 */
import process from "node:process";
import type { Winpipe } from "@winpipe/core";
import { createHttp, PipeHttpClient, type PipeWebSocket, type WinpipeHttp } from "@winpipe/http";
import { cpuPerRequest } from "./cpu_per_request.mjs";
import { applyPollWindow } from "./peer_args.mjs";

const [role = "", ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
const pipeName = `\\\\.\\pipe\\${args.prefix ?? "winpipe-bench"}-http-rps`;
const seconds = Number(args.seconds ?? 3);
const connections = Number(args.connections ?? 8);
const cases = (args.cases ?? "http-rps,ws-rtt-p50,ws-msgs-64b").split(",");
const exchanges = Number(args.exchanges ?? 5000);
const warmup = Number(args.warmup ?? 200);
const messages = Number(args.messages ?? 1_000_000);
/** Messages of ws-msgs-64b between two syncs. */
const BATCH = 1000;

/** The binding under test: the model for `both`, else this runtime's package. */
async function load(): Promise<{ pipes: Winpipe; http: WinpipeHttp }> {
  if (role === "both") {
    const { createWinpipe } = await import("@winpipe/core");
    const { createModelKernel } = await import("@winpipe/core/model");
    const pipes = createWinpipe(createModelKernel());
    return { pipes, http: createHttp(pipes) };
  }
  // A computed specifier: each runtime resolves only its own package.
  const binding = "Bun" in globalThis ? "@winpipe/bun" : "@winpipe/deno";
  const api = await import(binding) as Winpipe & Partial<WinpipeHttp>;
  if (typeof api.serveHttp !== "function") throw new Error(`${binding} does not export serveHttp`);
  return { pipes: api, http: api as WinpipeHttp };
}

const { pipes, http } = await load();
applyPollWindow(pipes, args.poll);

async function serve(): Promise<void> {
  const body = new TextEncoder().encode("ok");
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const cpu = cpuPerRequest("server");
  const server = http.serveHttp(pipeName, (request, info) => {
    if (request.url.endsWith("/ws")) {
      // ws-rtt-p50 echoes binary messages; ws-msgs-64b's are only received; both answer a text message.
      const { socket, response } = info.upgradeWebSocket();
      socket.binaryType = "arraybuffer";
      let echoing = true;
      socket.onmessage = (event) => {
        if (typeof event.data !== "string") {
          if (echoing) socket.send(event.data as ArrayBuffer);
          return;
        }
        if (event.data === "one way") echoing = false;
        socket.send(event.data);
      };
      return response;
    }
    if (request.url.endsWith("/stop")) {
      cpu.print();
      stop();
    } else {
      cpu.count();
    }
    return new Response(body);
  });
  await stopped;
  await server.shutdown();
}

/** The server may not be listening yet (another process): retry for up to 30 s. */
async function firstRequest(client: PipeHttpClient): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      await (await client.fetch(pipeName, "/")).arrayBuffer();
      return;
    } catch (err) {
      if ((err as { code?: number }).code !== 2 /* ERROR_FILE_NOT_FOUND */ || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

async function request(): Promise<void> {
  using client = new PipeHttpClient(pipes, { maxIdlePerPipe: connections });
  await firstRequest(client);
  if (cases.includes("http-rps")) await requestsPerSecond(client);
  if (cases.includes("ws-rtt-p50") || cases.includes("ws-msgs-64b")) await webSocketCases(client);
  await (await client.fetch(pipeName, "/stop", { headers: { connection: "close" } })).arrayBuffer();
}

/** http-rps. */
async function requestsPerSecond(client: PipeHttpClient): Promise<void> {
  const start = performance.now();
  const warm = start + seconds * 100; // the first tenth of the time does not count
  const end = start + seconds * 1000;
  let counted = 0;
  const cpu = cpuPerRequest("client");
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const response = await client.fetch(pipeName, "/");
      await response.arrayBuffer();
      cpu.count();
      if (performance.now() >= warm) counted++;
    }
  }));
  const elapsed = (performance.now() - warm) / 1000;
  cpu.print();
  console.log(`result http-rps ${(counted / elapsed).toFixed(1)} req/s`);
}

/** The messages of `socket`, one at a time. */
function messagesOf(socket: PipeWebSocket): () => Promise<unknown> {
  const queued: unknown[] = [];
  let waiting: ((data: unknown) => void) | undefined;
  socket.onmessage = (event) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(event.data);
    } else {
      queued.push(event.data);
    }
  };
  return () => queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => (waiting = resolve));
}

/** ws-rtt-p50, then ws-msgs-64b, on one WebSocket. */
async function webSocketCases(client: PipeHttpClient): Promise<void> {
  await using socket = client.webSocket(pipeName, "/ws");
  socket.binaryType = "arraybuffer";
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onclose = () => reject(new Error("the WebSocket closed before it opened"));
  });
  socket.onclose = null;
  const next = messagesOf(socket);
  const message = new Uint8Array(64);
  if (cases.includes("ws-rtt-p50")) {
    const times: number[] = [];
    for (let i = 0; i < warmup + exchanges; i++) {
      const sent = performance.now();
      socket.send(message);
      await next();
      if (i >= warmup) times.push((performance.now() - sent) * 1000);
    }
    times.sort((a, b) => a - b);
    console.log(`result ws-rtt-p50 ${times[Math.ceil(times.length / 2) - 1].toFixed(1)} us`);
  }
  if (cases.includes("ws-msgs-64b")) {
    socket.send("one way");
    await next();
    const start = performance.now();
    const end = start + seconds * 1000;
    let sent = 0;
    while (sent < messages && performance.now() < end) {
      for (let i = 0; i < BATCH; i++) socket.send(message);
      sent += BATCH;
      socket.send("sync");
      await next();
    }
    console.log(`result ws-msgs-64b ${(sent / ((performance.now() - start) / 1000)).toFixed(1)} msg/s`);
  }
}

if (role === "server") await serve();
else if (role === "client") await request();
else if (role === "both") await Promise.all([serve(), request()]);
else {
  console.error("usage: http_winpipe_peer.ts server|client|both prefix=P cases=C,... seconds=S connections=N ...");
  process.exit(2);
}
process.exit(0);
