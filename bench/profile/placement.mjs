#!/usr/bin/env node
// The round trip by where its three processes run: under Wine a 64-byte
// request and its reply involve the client, the server and wineserver, and
// on two CPUs the scheduler places them differently from one pair to the
// next (it then hardly moves them: perf counts about 0.01 CPU migrations per
// exchange). This pins each process (taskset) to every placement in turn and
// gives each implementation's rtt p50 there, and its ratio to raw-c in the
// same placement, so that what an implementation costs can be told apart
// from where the scheduler happened to put it (docs/benchmarks.md, "Where
// the processes run").
//
//   node bench/profile/placement.mjs [--rounds=N] [IMPL...]
//     IMPL: the bench's implementations that run under Wine (default: raw-c, winpipe-deno-sync,
//           winpipe-bun-sync); raw-c always runs, as the base of the ratios
//
// Every pair runs the bench's rtt case (5,000 exchanges after 200 unmeasured) in one Wine run per
// round, implementations rotated by one each round. Needs at least 2 CPUs; run `npm run bench --
// --smoke` first: it sets up the test bed and builds bench/.build/raw_pipe.exe.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { IMPLS, runnerCommand } from "../lib/impls.mjs";
import { median } from "../lib/report.mjs";

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."));

const argv = process.argv.slice(2);
const rounds = Number(argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);
const chosen = argv.filter((a) => !a.startsWith("--"));
const names = ["raw-c", ...(chosen.length > 0 ? chosen : ["winpipe-deno-sync", "winpipe-bun-sync"])]
  .filter((name, i, all) => all.indexOf(name) === i);
const impls = names.map((name) => {
  const impl = IMPLS.find((i) => i.name === name);
  if (!impl || impl.runner === "host-deno") throw new Error(`${name}: not one of the bench's Wine implementations`);
  return impl;
});
if (os.cpus().length < 2) throw new Error("the placements need 2 CPUs: this machine has 1");

/** CPUs of wineserver, the server and the client. */
const PLACEMENTS = [
  { name: "all three on one CPU", wineserver: 0, server: 0, client: 0 },
  { name: "client and server on one CPU, wineserver on the other", wineserver: 1, server: 0, client: 0 },
  { name: "server with wineserver, client on the other CPU", wineserver: 0, server: 0, client: 1 },
  { name: "client with wineserver, server on the other CPU", wineserver: 1, server: 0, client: 1 },
];

const outDir = "bench/.build/placement";
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Shell lines that run one pair pinned as `placement` says, its client's output into `out`. */
function pairLines(impl, placement, out) {
  const args = [`prefix=placement-${impl.name}`, "cases=rtt", "exchanges=5000", "warmup=200", ...(impl.args ?? [])];
  const cmd = (role) =>
    ["taskset", "-c", String(placement[role]), ...runnerCommand(impl, { underWine: true }), role, ...args]
      .map(quote).join(" ");
  return [
    // A wineserver of its own for each placement, started pinned (the session's services start with it).
    "wineserver -k 2>/dev/null; wineserver -w",
    `taskset -c ${placement.wineserver} wineserver -p`,
    "wine cmd /c exit 2>/dev/null",
    `${cmd("server")} </dev/null >/dev/null 2>&1 & s=$!`,
    `${cmd("client")} </dev/null >${out} 2>/dev/null; wait $s`,
  ];
}

/** impl → placement index → rtt p50 per round (µs). */
const samples = new Map(impls.map((impl) => [impl.name, PLACEMENTS.map(() => [])]));
for (let round = 0; round < rounds; round++) {
  const order = impls.map((_, i) => impls[(i + round) % impls.length]);
  const lines = ["set -u", "cd /repo"];
  const outputs = [];
  PLACEMENTS.forEach((placement, p) => {
    for (const impl of order) {
      const out = `${outDir}/r${round}.p${p}.${impl.name}.out`;
      outputs.push({ impl, p, out });
      lines.push(...pairLines(impl, placement, out));
    }
  });
  fs.writeFileSync(`${outDir}/round.sh`, lines.join("\n") + "\n");
  const run = spawnSync("bash", ["scripts/wine/run.sh", "--timeout", "1200", "--", `bash ${outDir}/round.sh`], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  for (const { impl, p, out } of outputs) {
    const figure = fs.existsSync(out) && fs.readFileSync(out, "utf8").match(/^result rtt-p50 (\S+) us/m);
    samples.get(impl.name)[p][round] = figure ? Number(figure[1]) : undefined;
  }
  process.stderr.write(`placement: round ${round + 1}/${rounds} done\n`);
}

const fixed = (v) => (Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : 2) : "–");
console.log(
  `\nrtt p50 µs by placement (median of ${rounds} rounds; in brackets: / raw-c in the same round, ` +
    "median and min–max)",
);
PLACEMENTS.forEach((placement, p) => {
  console.log(
    `\n${placement.name} (wineserver ${placement.wineserver}, server ${placement.server}, ` +
      `client ${placement.client}):`,
  );
  const base = samples.get("raw-c")[p];
  for (const impl of impls) {
    const values = samples.get(impl.name)[p];
    const ratios = values.map((v, r) => v / base[r]).filter(Number.isFinite);
    const spread = impl.name === "raw-c" || ratios.length === 0
      ? ""
      : ` (${fixed(median(ratios))}, ${fixed(Math.min(...ratios))}–${fixed(Math.max(...ratios))})`;
    console.log(`  ${impl.name.padEnd(18)} ${fixed(median(values.filter(Number.isFinite))).padStart(5)}${spread}`);
  }
});
