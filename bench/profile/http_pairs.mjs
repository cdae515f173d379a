#!/usr/bin/env node
// The `http-rps` workload with its servers and clients crossed: every HTTP
// peer of the bench (winpipe-deno, winpipe-bun, node-libuv) as the server
// for every one as the client, under Wine, so that a figure says which side
// a binding's requests per second come from (docs/benchmarks.md, the
// twenty-second round). The bench itself pairs each server with its own
// client only.
//
//   node bench/profile/http_pairs.mjs [ROUNDS] [CONNECTIONS] [SECONDS]
//     ROUNDS: how many times each pair runs (default 3), the pairs rotated in
//     one Wine session per round; CONNECTIONS: the client's keep-alive
//     connections (default 1, the bench's case uses 8); SECONDS: per pair
//     (default 3)
//
// Prints, per pair, the medians over the rounds (and their range) of
// requests/s and of each side's CPU time per request (the peers'
// `cpu http-rps` lines, bench/peers/cpu_per_request.mjs), then each
// winpipe server over node's with the same client and each winpipe client
// over node's with the same server, as ratios of those medians.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { quote } from "../lib/jobs.mjs";

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."));

const [rounds = 3, connections = 1, seconds = 3] = process.argv.slice(2).map(Number);
const PEERS = {
  "winpipe-deno": ["wine", "/win/deno.exe", "run", "-A", "bench/peers/http_winpipe_peer.ts"],
  "winpipe-bun": ["wine", "/win/bun.exe", "bench/peers/http_winpipe_peer.ts"],
  "node-libuv": ["wine", "/win/node.exe", "bench/peers/node_http_peer.mjs"],
};
const names = Object.keys(PEERS);
const pairs = names.flatMap((server) => names.map((client) => ({ server, client })));

const outDir = "bench/.build/http-pairs";
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

/** [requests/s, server µs, client µs] of each pair, one entry per round. */
const results = new Map(pairs.map(({ server, client }) => [`${server} ${client}`, []]));
for (let round = 1; round <= rounds; round++) {
  // Rotated, so that no pair always runs first in its Wine session.
  const order = pairs.map((_, i) => pairs[(i + round - 1) % pairs.length]);
  const lines = ["set -u", "cd /repo", "wine cmd /c exit 2>/dev/null"];
  for (const [i, { server, client }] of order.entries()) {
    const args = (role) =>
      [...PEERS[role === "server" ? server : client], role, `prefix=pairs-${round}-${i}`, `seconds=${seconds}`]
        .concat(`connections=${connections}`).map(quote).join(" ");
    const out = `${outDir}/${round}.${i}`;
    lines.push(
      `${args("server")} </dev/null >${out}.server 2>/dev/null & s=$!`,
      "sleep 0.5",
      `${args("client")} </dev/null >${out}.client 2>/dev/null; wait $s`,
      `echo "PAIR ${server} ${client} $(cat ${out}.server ${out}.client | tr '\\n' ' ')"`,
    );
  }
  fs.writeFileSync(`${outDir}/pairs.sh`, lines.join("\n") + "\n");
  const run = spawnSync("bash", ["scripts/wine/run.sh", "--timeout", "1200", "--", `bash ${outDir}/pairs.sh`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  for (const line of run.stdout.split("\n")) {
    const pair = /^PAIR (\S+) (\S+) (.*)$/.exec(line);
    if (pair === null) continue;
    const figure = (pattern) => Number(pattern.exec(pair[3])?.[1] ?? NaN);
    results.get(`${pair[1]} ${pair[2]}`).push([
      figure(/result http-rps (\S+)/),
      figure(/cpu http-rps server (\S+)/),
      figure(/cpu http-rps client (\S+)/),
    ]);
  }
  console.error(`round ${round} of ${rounds} done`);
}

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const column = (key, index) => results.get(key).map((row) => row[index]);
const rps = (server, client) => median(column(`${server} ${client}`, 0));

console.log(`\nhttp-rps, ${connections} connection(s), ${seconds} s per pair, medians of ${rounds} rounds`);
console.log("server / client: requests/s (range), server µs of CPU per request, client µs");
for (const { server, client } of pairs) {
  const key = `${server} ${client}`;
  const all = column(key, 0).filter(Number.isFinite);
  console.log(
    `${server} / ${client}: ${rps(server, client).toFixed(0)} (${Math.min(...all).toFixed(0)}-` +
      `${Math.max(...all).toFixed(0)}), ${median(column(key, 1)).toFixed(0)}, ${median(column(key, 2)).toFixed(0)}`,
  );
}
console.log("\nthe same client, a winpipe server over node's (requests/s)");
for (const server of names.filter((n) => n !== "node-libuv")) {
  console.log(
    `${server}: ` + names.map((c) => `${c} ${(rps(server, c) / rps("node-libuv", c)).toFixed(2)}`).join(", "),
  );
}
console.log("the same server, a winpipe client over node's (requests/s)");
for (const client of names.filter((n) => n !== "node-libuv")) {
  console.log(
    `${client}: ` + names.map((s) => `${s} ${(rps(s, client) / rps(s, "node-libuv")).toFixed(2)}`).join(", "),
  );
}
