#!/usr/bin/env node
// Profiles where the bench's implementations spend their time under Wine,
// per operation: CPU time of the server process, the client process and
// wineserver, and the wineserver requests and thread hand-overs each
// operation costs. Every pipe operation, wait and cross-thread wake-up of a
// Wine process is a request to wineserver, so these counts explain most of
// the differences the bench shows. Uses the bench's own peers.
//
//   node bench/profile/wine_profile.mjs [CASE] [IMPL...]
//     CASE: rtt (default), throughput-64k, throughput-1m, msgrate-64b, streams-64k
//     IMPL: raw-c, winpipe-deno, winpipe-bun, winpipe-deno-sync, winpipe-bun-sync (rtt and throughput-*: the
//           synchronous calls on synchronous handles; winpipe-deno-sync-overlapped and winpipe-bun-sync-overlapped
//           on overlapped handles), raw-c-overlapped and raw-c-port (raw-c's io=overlapped and io=port),
//           winpipe-deno-nopoll and winpipe-bun-nopoll (polling off: poll=0), node-libuv, bun-node-net
//           (default: all but winpipe-bun, the -sync, -overlapped, -port and -nopoll ones)
//
// Each implementation runs the case twice, small (N) and large (N + Δ), in
// one Wine run; differences divided by Δ give the cost of one operation
// without start-up and connection. wineserver's CPU is the difference of
// its CPU over the two runs, so it also takes in what it does for the
// processes outside the operations when that differs between the runs: for
// Deno it came out at 2.5–3.8 × what a sample of wineserver in steady state
// gives (docs/benchmarks.md, the correction under the 18:20Z profile). CPU is measured first with an untraced
// wineserver, then the requests with one that traces them (`wineserver
// -d1`, which slows everything down: its timings mean nothing). Run
// `npm run bench -- --smoke` first: it builds bench/.build/raw_pipe.exe.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { quote } from "../lib/jobs.mjs";

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."));

const [caseName = "rtt", ...chosen] = process.argv.slice(2);
const PEERS = {
  "raw-c": ["wine", "bench/.build/raw_pipe.exe"],
  "winpipe-deno": ["wine", "/win/deno.exe", "run", "-A", "bench/peers/winpipe_peer.ts"],
  "winpipe-bun": ["wine", "/win/bun.exe", "bench/peers/winpipe_peer.ts"],
  "node-libuv": ["wine", "/win/node.exe", "bench/peers/node_net_peer.mjs"],
  "bun-node-net": ["wine", "/win/bun.exe", "bench/peers/node_net_peer.mjs"],
  "winpipe-deno-sync": ["wine", "/win/deno.exe", "run", "-A", "bench/peers/winpipe_peer.ts"],
  "winpipe-bun-sync": ["wine", "/win/bun.exe", "bench/peers/winpipe_peer.ts"],
};
PEERS["winpipe-deno-sync-overlapped"] = PEERS["winpipe-deno-sync"];
PEERS["winpipe-bun-sync-overlapped"] = PEERS["winpipe-bun-sync"];
PEERS["raw-c-overlapped"] = PEERS["raw-c"];
PEERS["raw-c-port"] = PEERS["raw-c"];
PEERS["winpipe-deno-nopoll"] = PEERS["winpipe-deno"];
PEERS["winpipe-bun-nopoll"] = PEERS["winpipe-bun"];
/** Peer arguments of the implementations that are a peer run another way (the bench's -sync rows). */
const PEER_ARGS = {
  "winpipe-deno-sync": ["api=sync"],
  "winpipe-bun-sync": ["api=sync"],
  "winpipe-deno-sync-overlapped": ["api=sync", "handles=overlapped"],
  "winpipe-bun-sync-overlapped": ["api=sync", "handles=overlapped"],
  "raw-c-overlapped": ["io=overlapped"],
  "raw-c-port": ["io=port"],
  "winpipe-deno-nopoll": ["poll=0"],
  "winpipe-bun-nopoll": ["poll=0"],
};
const impls = chosen.length > 0
  ? chosen
  : Object.keys(PEERS).filter((name) =>
    name !== "winpipe-bun" && !name.includes("-sync") && !name.endsWith("-overlapped") && !name.endsWith("-port") &&
    !name.endsWith("-nopoll")
  );

/** The two sizes of a case, what one unit is, and the peers' arguments for a size. */
const SIZES = {
  "rtt": { small: 500, large: 3500, unit: "exchange", args: (n) => [`exchanges=${n}`, "warmup=0"] },
  "throughput-64k": {
    small: 256,
    large: 2304,
    unit: "64 KiB write",
    args: (n) => [`bytes=${n * 65536}`, "seconds=600"],
  },
  "throughput-1m": {
    small: 16,
    large: 144,
    unit: "1 MiB write",
    args: (n) => [`bytes=${n * 1048576}`, "seconds=600"],
  },
  "streams-64k": {
    small: 256,
    large: 2304,
    unit: "64 KiB chunk",
    args: (n) => [`bytes=${n * 65536}`, "seconds=600"],
  },
  "msgrate-64b": { small: 1000, large: 11000, unit: "message", args: (n) => [`messages=${n}`, "seconds=600"] },
}[caseName];
if (!SIZES) {
  console.error(`Unknown case "${caseName}": use rtt, throughput-64k, throughput-1m, msgrate-64b or streams-64k`);
  process.exit(2);
}
const delta = SIZES.large - SIZES.small;

const outDir = "bench/.build/profile";
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });

/** Shell lines that run one pair and append its CPU seconds (and wineserver's clock ticks) to $cpu. */
function pairLines(impl, label, phase) {
  const args = [
    `prefix=prof-${phase}-${impl}-${label}`,
    `cases=${caseName}`,
    ...SIZES.args(n(label)),
    ...(PEER_ARGS[impl] ?? []),
  ];
  const cmd = (role) => [...PEERS[impl], role, ...args].map(quote).join(" ");
  const out = `${outDir}/${phase}.${impl}.${label}`;
  return [
    `echo "MARK start ${impl} ${label}" >> $log`,
    "w0=$(wineserver_ticks)",
    // bash's `time` reports the CPU of the process it waited for: the Windows process (wine execs it).
    `( time ${cmd("server")} </dev/null >${out}.server.out 2>/dev/null ) 2>${out}.server.cpu & s=$!`,
    `( time ${cmd("client")} </dev/null >${out}.client.out 2>/dev/null ) 2>${out}.client.cpu; wait $s`,
    `echo "$(( $(wineserver_ticks) - w0 ))" > ${out}.wineserver.ticks`,
    `echo "MARK end ${impl} ${label}" >> $log`,
  ];
}
const n = (label) => (label === "small" ? SIZES.small : SIZES.large);

const lines = [
  "set -u",
  "cd /repo",
  "TIMEFORMAT='%3U %3S'",
  `log=${outDir}/server.log`,
  ": >$log",
  // utime + stime of the running wineserver (wineserver64 on Debian), in clock ticks (/proc/PID/stat
  // fields 14 and 15).
  'wineserver_ticks() { for p in /proc/[0-9]*; do case "$(cat $p/comm 2>/dev/null)" in wineserver*) ' +
  "read -ra f < $p/stat; echo $(( f[13] + f[14] )); return;; esac; done; echo 0; }",
  "wine cmd /c exit 2>/dev/null", // the session's services start here, outside the measurements
];
for (const impl of impls) for (const label of ["small", "large"]) lines.push(...pairLines(impl, label, "cpu"));
// Replace the test bed's wineserver with one that traces every request (-d1) into the log, opened for
// appending so that the marker lines between measurements land where they belong.
lines.push(
  "wineserver -k; wineserver -w",
  "wineserver -f -p -d1 2>>$log & sleep 0.5",
  "wine cmd /c exit 2>/dev/null",
  ": >$log",
);
for (const impl of impls) for (const label of ["small", "large"]) lines.push(...pairLines(impl, label, "trace"));
fs.writeFileSync(`${outDir}/profile.sh`, lines.join("\n") + "\n");
const run = spawnSync("bash", ["scripts/wine/run.sh", "--timeout", "1200", "--", `bash ${outDir}/profile.sh`], {
  stdio: ["ignore", "inherit", "inherit"],
});
if (run.status !== 0) process.exit(run.status ?? 1);

// --- CPU per unit -----------------------------------------------------------

const TICK = 0.01; // USER_HZ = 100 on Linux
const cpuOf = (impl, label, role) => {
  const [user, sys] = fs.readFileSync(`${outDir}/cpu.${impl}.${label}.${role}.cpu`, "utf8").trim().split(/\s+/)
    .map(Number);
  return user + sys;
};
const ticksOf = (impl, label) => Number(fs.readFileSync(`${outDir}/cpu.${impl}.${label}.wineserver.ticks`, "utf8"));
const figures = (phase, impl) =>
  [`${phase}.${impl}.large.server.out`, `${phase}.${impl}.large.client.out`]
    .flatMap((f) => [...fs.readFileSync(`${outDir}/${f}`, "utf8").matchAll(/^result (\S+) (\S+) (\S+)/gm)])
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`).join(", ");

console.log(`\nCPU per ${SIZES.unit} (${caseName}; difference of ${SIZES.large} and ${SIZES.small}), µs`);
for (const impl of impls) {
  try {
    const per = (f) => ((f("large") - f("small")) / delta) * 1e6;
    const server = per((l) => cpuOf(impl, l, "server"));
    const client = per((l) => cpuOf(impl, l, "client"));
    const wineserver = per((l) => ticksOf(impl, l) * TICK);
    console.log(
      `${impl}: server ${server.toFixed(0)}, client ${client.toFixed(0)}, wineserver ${wineserver.toFixed(0)}, ` +
        `total ${(server + client + wineserver).toFixed(0)}; figures (untraced): ${figures("cpu", impl)}`,
    );
  } catch (err) {
    console.log(`${impl}: no figures (${err.message})`);
  }
}

// --- wineserver requests per unit ---------------------------------------------

// Request lines look like `002c: read( async={...}, ... )`; replies (`read() = 0 {...}`) are not counted.
const counts = new Map(); // "impl label" → { requests: Map(request → n), threads: Map(tid → n), switches }
let current, previousThread;
for (const line of fs.readFileSync(`${outDir}/server.log`, "utf8").split("\n")) {
  const mark = line.match(/^MARK (start|end) (\S+) (\S+)/);
  if (mark) {
    current = mark[1] === "start" ? { requests: new Map(), threads: new Map(), switches: 0 } : undefined;
    if (current) counts.set(`${mark[2]} ${mark[3]}`, current);
    previousThread = undefined;
    continue;
  }
  const request = current && line.match(/^([0-9a-f]{4}): (\w+)\((?!\) =)/);
  if (!request) continue;
  current.requests.set(request[2], (current.requests.get(request[2]) ?? 0) + 1);
  current.threads.set(request[1], (current.threads.get(request[1]) ?? 0) + 1);
  // Consecutive requests from different threads: a hand-over through wineserver (a wake-up, a
  // context switch), a cost that request counts alone do not show.
  if (previousThread !== undefined && previousThread !== request[1]) current.switches++;
  previousThread = request[1];
}

console.log(`\nwineserver requests per ${SIZES.unit} (traced run)`);
for (const impl of impls) {
  const small = counts.get(`${impl} small`), large = counts.get(`${impl} large`);
  if (!small || !large) {
    console.log(`${impl}: no log`);
    continue;
  }
  const per = new Map();
  for (const [name, count] of large.requests) per.set(name, (count - (small.requests.get(name) ?? 0)) / delta);
  const total = [...per.values()].reduce((a, b) => a + b, 0);
  const top = [...per].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1])
    .map(([name, v]) => `${name} ${v.toFixed(2)}`).join(", ");
  const switches = (large.switches - small.switches) / delta;
  // Threads that made at least one request per unit: the threads an operation involves.
  const busy = [...large.threads].filter(([tid, count]) => (count - (small.threads.get(tid) ?? 0)) / delta >= 1)
    .length;
  console.log(
    `${impl}: ${total.toFixed(1)} requests (${top}); ${switches.toFixed(1)} thread changes, ${busy} busy threads`,
  );
}
