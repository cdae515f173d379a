// The `http-rps` workload through node:http on a named pipe: what Node users
// have today (`node-libuv`). The same workload as http_winpipe_peer.ts:
//
//   node bench/peers/node_http_peer.mjs server|client prefix=P seconds=S connections=N
//
// The client runs `connections` loops at once through a keep-alive Agent
// with that many sockets, each sending `GET /` and reading the 2-byte reply,
// for `seconds`; requests completed after the first tenth of the time count.
// It prints `result http-rps N req/s`, then sends `GET /stop`, which ends
// the server. Each side also prints its process's CPU time per request
// (`cpu http-rps server|client N us`, cpu_per_request.mjs).
import http from "node:http";
import process from "node:process";
import { cpuPerRequest } from "./cpu_per_request.mjs";

const [role = "", ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
const pipeName = `\\\\.\\pipe\\${args.prefix ?? "winpipe-bench"}-http-rps`;
const seconds = Number(args.seconds ?? 3);
const connections = Number(args.connections ?? 8);

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
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(pipeName, resolve);
  });
  await new Promise((resolve) => server.once("close", resolve));
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
  await get(agent, "/stop");
  agent.destroy();
}

if (role === "server") await serve();
else if (role === "client") await request();
else {
  console.error("usage: node_http_peer.mjs server|client prefix=P seconds=S connections=N");
  process.exit(2);
}
process.exit(0);
