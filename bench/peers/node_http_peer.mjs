// The HTTP workloads through node:http and the npm package `ws` on a named
// pipe: what Node users have today (`node-libuv`). The same workloads as
// http_winpipe_peer.ts (which says what each case does):
//
//   node bench/peers/node_http_peer.mjs server|client prefix=P cases=C,... seconds=S connections=N ...
//
// http-rps: the client runs `connections` loops at once through a
// keep-alive Agent with that many sockets, each sending `GET /` and reading
// the 2-byte reply, for `seconds`; requests completed after the first tenth
// of the time count. Each side also prints its process's CPU time per
// request (`cpu http-rps server|client N us`, cpu_per_request.mjs).
// ws-rtt-p50 and ws-msgs-64b: `ws`'s WebSocketServer on the same server and
// its client over the pipe (`createConnection`). The client prints `result
// CASE N UNIT` for each, then sends `GET /stop`, which ends the server.
import http from "node:http";
import net from "node:net";
import process from "node:process";
import WebSocket, { WebSocketServer } from "ws";
import { cpuPerRequest } from "./cpu_per_request.mjs";

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

async function serve() {
  const body = Buffer.from("ok");
  const cpu = cpuPerRequest("server");
  const server = http.createServer((req, res) => {
    if (req.url === "/stop") cpu.print();
    else cpu.count();
    res.end(body);
    if (req.url === "/stop") {
      server.close();
      server.closeAllConnections();
    }
  });
  // ws-rtt-p50 echoes binary messages; ws-msgs-64b's are only received; both answer a text message.
  const wss = new WebSocketServer({ server, path: "/ws" });
  wss.on("connection", (ws) => {
    let echoing = true;
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        if (echoing) ws.send(data);
        return;
      }
      if (data.toString() === "one way") echoing = false;
      ws.send(data.toString());
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(pipeName, resolve);
  });
  await new Promise((resolve) => server.once("close", resolve));
  wss.close();
}

/** One GET through `agent`, resolved when the reply is read; ENOENT while the server is not listening yet. */
function get(agent, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: pipeName, agent, path, host: "localhost" }, (res) => {
      res.on("data", () => {});
      res.on("end", resolve);
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function request() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await firstRequest(agent);
  if (cases.includes("http-rps")) await requestsPerSecond(agent);
  if (cases.includes("ws-rtt-p50") || cases.includes("ws-msgs-64b")) await webSocketCases();
  await get(agent, "/stop");
  agent.destroy();
}

/** The server may not be listening yet (another process): retry for up to 30 s. */
async function firstRequest(agent) {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      await get(agent, "/");
      break;
    } catch (err) {
      if (err.code !== "ENOENT" || performance.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** http-rps. */
async function requestsPerSecond(agent) {
  const start = performance.now();
  const warm = start + seconds * 100;
  const end = start + seconds * 1000;
  let counted = 0;
  const cpu = cpuPerRequest("client");
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      await get(agent, "/");
      cpu.count();
      if (performance.now() >= warm) counted++;
    }
  }));
  const elapsed = (performance.now() - warm) / 1000;
  cpu.print();
  console.log(`result http-rps ${(counted / elapsed).toFixed(1)} req/s`);
}

/** ws-rtt-p50, then ws-msgs-64b, on one WebSocket. */
async function webSocketCases() {
  const ws = new WebSocket("ws://localhost/ws", { createConnection: () => net.connect(pipeName) });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const queued = [];
  let waiting;
  ws.on("message", (data) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(data);
    } else {
      queued.push(data);
    }
  });
  const next = () => queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((r) => (waiting = r));
  const message = Buffer.alloc(64);
  if (cases.includes("ws-rtt-p50")) {
    const times = [];
    for (let i = 0; i < warmup + exchanges; i++) {
      const sent = performance.now();
      ws.send(message);
      await next();
      if (i >= warmup) times.push((performance.now() - sent) * 1000);
    }
    times.sort((a, b) => a - b);
    console.log(`result ws-rtt-p50 ${times[Math.ceil(times.length / 2) - 1].toFixed(1)} us`);
  }
  if (cases.includes("ws-msgs-64b")) {
    ws.send("one way");
    await next();
    const start = performance.now();
    const end = start + seconds * 1000;
    let sent = 0;
    while (sent < messages && performance.now() < end) {
      for (let i = 0; i < BATCH; i++) ws.send(message);
      sent += BATCH;
      ws.send("sync");
      await next();
    }
    console.log(`result ws-msgs-64b ${(sent / ((performance.now() - start) / 1000)).toFixed(1)} msg/s`);
  }
  ws.close();
  await new Promise((resolve) => ws.once("close", resolve));
}

if (role === "server") await serve();
else if (role === "client") await request();
else {
  console.error("usage: node_http_peer.mjs server|client prefix=P cases=C,... seconds=S connections=N ...");
  process.exit(2);
}
process.exit(0);
