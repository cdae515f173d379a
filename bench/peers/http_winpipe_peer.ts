/**
 * The `http-rps` workload through @winpipe/http: serveHttp answering small
 * GET requests, and pipeFetch sending them over keep-alive connections, one
 * peer for every binding:
 *
 *   deno run -A bench/peers/http_winpipe_peer.ts server|client ARGS   winpipe-deno (@winpipe/deno)
 *   bun bench/peers/http_winpipe_peer.ts server|client ARGS           winpipe-bun (@winpipe/bun)
 *   deno run -A bench/peers/http_winpipe_peer.ts both ARGS            model (@winpipe/core/model, one process)
 *
 * ARGS are `key=value` pairs: prefix, seconds, connections (see bench/run.mjs),
 * and `poll=MICROS`, the binding's polling window (bench/peers/peer_args.mjs).
 * The client runs `connections` loops at once, each sending `GET /` and
 * reading the 2-byte reply, each on its own keep-alive connection (a
 * PipeHttpClient keeping that many idle), for `seconds`; requests completed
 * after the first tenth of the time count. It prints `result http-rps N req/s`,
 * then `GET /stop`, which ends the server. Each side also prints its
 * process's CPU time per request (`cpu http-rps server|client N us`,
 * bench/peers/cpu_per_request.mjs; not a bench figure). bench/peers/node_http_peer.mjs
 * does the same with node:http.
 *
 * @module
 */
import process from "node:process";
import type { Winpipe } from "@winpipe/core";
import { createHttp, PipeHttpClient, type WinpipeHttp } from "@winpipe/http";
import { cpuPerRequest } from "./cpu_per_request.mjs";
import { applyPollWindow } from "./peer_args.mjs";

const [role = "", ...rest] = process.argv.slice(2);
const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
const pipeName = `\\\\.\\pipe\\${args.prefix ?? "winpipe-bench"}-http-rps`;
const seconds = Number(args.seconds ?? 3);
const connections = Number(args.connections ?? 8);

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
  const server = http.serveHttp(pipeName, (request) => {
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
  await (await client.fetch(pipeName, "/stop", { headers: { connection: "close" } })).arrayBuffer();
}

if (role === "server") await serve();
else if (role === "client") await request();
else if (role === "both") await Promise.all([serve(), request()]);
else {
  console.error("usage: http_winpipe_peer.ts server|client|both prefix=P seconds=S connections=N");
  process.exit(2);
}
process.exit(0);
