#!/usr/bin/env node
// A bench figure by where its three processes run: under Wine every pipe
// call of the client and the server is a request to wineserver, and on two
// CPUs the scheduler places the three differently from one pair to the
// next (it then hardly moves them: perf counts about 0.01 CPU migrations per
// round trip). This pins each process (taskset) to every placement in turn
// and gives each implementation's figure there, and its ratio to raw-c in
// the same placement and round, so that what an implementation costs can be
// told apart from where the scheduler happened to put it (docs/benchmarks.md,
// "Where the processes run").
//
//   node bench/profile/placement.mjs [--rounds=N] [--figure=NAME] [IMPL...]
//     NAME: a figure of the bench (default rtt-p50; e.g. throughput-64k, streams-64k); raw-c gives the
//           figure the bench's target compares with (throughput-64k for streams-64k)
//     IMPL: the bench's implementations that run under Wine (default: winpipe-deno-sync and
//           winpipe-bun-sync for the round trip, winpipe-deno and winpipe-bun otherwise); raw-c always
//           runs, as the base of the ratios
//
// Every pair runs the figure's case with the full bench's sizes, in one Wine run per round,
// implementations rotated by one each round. Needs at least 2 CPUs; run `npm run bench -- --smoke`
// first: it sets up the test bed and builds bench/.build/raw_pipe.exe.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { IMPLS, runnerCommand } from "../lib/impls.mjs";
import { quote } from "../lib/jobs.mjs";
import { CASES, median, ratiosByRound, ratioSpread, runsCase, TARGETS } from "../lib/report.mjs";
import { WORKLOAD, workloadArgs } from "../lib/workload.mjs";

process.chdir(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."));

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(option("rounds") ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new RangeError(`--rounds: a whole number from 1, not ${option("rounds")}`);
}
const figure = CASES.find((c) => c.name === (option("figure") ?? "rtt-p50"));
if (!figure) throw new Error(`--figure: one of ${CASES.map((c) => c.name).join(", ")}`);
/** What raw-c gives for the ratios: the figure its target names (raw C has no streams). */
const baseFigure = CASES.find((c) =>
  c.name === (TARGETS.find((t) => t.case === figure.name && t.baseline === "raw-c")?.baselineCase ?? figure.name)
);
if (figure.job || !runsCase(baseFigure, "raw-c")) {
  throw new Error(`--figure=${figure.name}: raw-c gives no figure to compare it with`);
}
const chosen = argv.filter((a) => !a.startsWith("--"));
const defaults = figure.peerCase === "rtt"
  ? ["winpipe-deno-sync", "winpipe-bun-sync"]
  : ["winpipe-deno", "winpipe-bun"];
const names = ["raw-c", ...(chosen.length > 0 ? chosen : defaults)].filter((name, i, all) => all.indexOf(name) === i);
const impls = names.map((name) => {
  const impl = IMPLS.find((i) => i.name === name);
  if (!impl || impl.runner === "host-deno") throw new Error(`${name}: not one of the bench's Wine implementations`);
  if (impl.cases && !impl.cases.includes(figure.peerCase)) throw new Error(`${name} does not run ${figure.name}`);
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

/** The figure `impl` gives here. */
const figureOf = (impl) => (impl.name === "raw-c" ? baseFigure : figure);

/** Shell lines that run one pair pinned as `placement` says, both peers' output into `out`. */
function pairLines(impl, placement, out) {
  const args = [
    `prefix=placement-${impl.name}`,
    `cases=${figureOf(impl).peerCase}`,
    ...workloadArgs(WORKLOAD),
    ...(impl.args ?? []),
  ];
  const cmd = (role) =>
    ["taskset", "-c", String(placement[role]), ...runnerCommand(impl, { underWine: true }), role, ...args]
      .map(quote).join(" ");
  return [
    // A wineserver of its own for each placement, started pinned (the session's services start with it).
    "wineserver -k 2>/dev/null; wineserver -w",
    `taskset -c ${placement.wineserver} wineserver -p`,
    "wine cmd /c exit 2>/dev/null",
    `${cmd("server")} </dev/null >${out}.server 2>/dev/null & s=$!`,
    `${cmd("client")} </dev/null >${out}.client 2>/dev/null; wait $s`,
  ];
}

/** impl → placement index → the figure per round. */
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
    const output = [".server", ".client"].map((role) => (fs.existsSync(out + role) ? fs.readFileSync(out + role) : ""))
      .join("\n");
    const result = output.match(new RegExp(`^result ${figureOf(impl).name} (\\S+) `, "m"));
    samples.get(impl.name)[p][round] = result ? Number(result[1]) : undefined;
  }
  process.stderr.write(`placement: round ${round + 1}/${rounds} done\n`);
}

const fixed = (v) => (Number.isFinite(v) ? v.toFixed(v >= 100 ? 0 : 2) : "–");
console.log(
  `\n${figure.name} (${figure.unit}) by placement (median of ${rounds} rounds; in brackets: / raw-c's ` +
    `${baseFigure.name} in the same round, median and min–max)`,
);
PLACEMENTS.forEach((placement, p) => {
  console.log(
    `\n${placement.name} (wineserver ${placement.wineserver}, server ${placement.server}, ` +
      `client ${placement.client}):`,
  );
  const base = samples.get("raw-c")[p];
  for (const impl of impls) {
    const values = samples.get(impl.name)[p];
    const ratios = ratiosByRound(values, base);
    const spread = impl.name === "raw-c" || ratios.length === 0 ? "" : ` (${ratioSpread(ratios)})`;
    console.log(`  ${impl.name.padEnd(18)} ${fixed(median(values.filter(Number.isFinite))).padStart(5)}${spread}`);
  }
});
