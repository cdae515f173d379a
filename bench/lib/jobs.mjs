// Running the jobs of one round (a job: the processes of one implementation
// that give some figures, a server and a client or one in-process run) and
// reading their figures back.
import { spawn } from "node:child_process";
import fs from "node:fs";
import process from "node:process";
import { CASES } from "./report.mjs";

/** `s` as one word of a bash command line. */
export const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Runs jobs on this machine (Windows natively, or the model): the processes of a job start
 * together; when one fails the others are killed (a client must not wait for a server that died).
 */
export async function runJobsHere(jobs, processTimeout, onDone) {
  for (const job of jobs) {
    const started = Date.now();
    const children = job.processes.map((p) => {
      const output = [fs.openSync(p.out, "w"), fs.openSync(p.err, "w")];
      const child = spawn(p.argv[0], p.argv.slice(1), {
        stdio: ["ignore", ...output],
        env: { ...process.env, NO_COLOR: "1" },
        shell: p.argv[0].endsWith(".cmd"),
      });
      output.forEach((fd) => fs.closeSync(fd)); // the child has its own copies
      const exited = new Promise((resolve) => {
        child.on("error", (err) => {
          fs.appendFileSync(p.err, `${err.message}\n`);
          resolve(127);
        });
        child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGKILL" ? 124 : 128)));
      });
      return { child, exited };
    });
    const timer = setTimeout(() => children.forEach((c) => c.child.kill("SIGKILL")), processTimeout * 1000);
    children.forEach(({ exited }) =>
      exited.then((code) => {
        if (code !== 0) children.forEach((c) => c.child.kill());
      })
    );
    const codes = await Promise.all(children.map((c) => c.exited));
    clearTimeout(timer);
    onDone(job, codes, (Date.now() - started) / 1000);
  }
}

/**
 * Runs jobs in one Wine run (one wineserver start for the round): a bash script with one block per job
 * whose progress lines (`job-start`, `job-done IMPL CODES`) come back as they happen.
 */
export async function runJobsInWine(jobs, dir, processTimeout, onDone) {
  const lines = [
    "set -u",
    "cd /repo",
    'echo "wine-version $(wine --version 2>/dev/null)"',
  ];
  for (const job of jobs) {
    lines.push(`echo "job-start ${job.id}"`);
    job.processes.forEach((p, i) => {
      // stdin/stdout/stderr are files: node.exe fails with EBADF on pipes under Wine.
      lines.push(
        `timeout -k 5 ${processTimeout} ${p.argv.map(quote).join(" ")} </dev/null ` +
          `>${quote(p.out)} 2>${quote(p.err)} & pid${i}=$!`,
      );
    });
    lines.push(
      "wait -n $pid0 $pid1; first=$?",
      "if [ $first -ne 0 ]; then kill $pid0 $pid1 2>/dev/null; fi",
      "wait $pid0; code0=$?; wait $pid1; code1=$?",
      `echo "job-done ${job.id} $code0 $code1"`,
    );
  }
  const script = `${dir}/round.sh`;
  fs.writeFileSync(script, lines.join("\n") + "\n");
  const timeout = jobs.length * (processTimeout + 10) + 60;
  const child = spawn(
    "bash",
    ["scripts/wine/run.sh", "--timeout", String(timeout), "--env", "NO_COLOR=1", "--", `bash ${script}`],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let wineVersion = "", started = Date.now(), buffered = "", errors = "";
  const pending = new Map(jobs.map((job) => [job.id, job]));
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      const [tag, id, ...codes] = line.split(" ");
      if (tag === "wine-version") wineVersion = line.slice(tag.length + 1);
      else if (tag === "job-start") started = Date.now();
      else if (tag === "job-done" && pending.has(id)) {
        onDone(pending.get(id), codes.map(Number), (Date.now() - started) / 1000);
        pending.delete(id);
      }
    }
  });
  child.stderr.on("data", (chunk) => (errors += chunk));
  const code = await new Promise((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  // Jobs the run never finished (the test bed failed, or the whole run timed out).
  for (const job of pending.values()) {
    const why = errors.trim().split("\n").pop() || `scripts/wine/run.sh exited with ${code}`;
    onDone(job, job.processes.map(() => 125), 0, `the Wine run ended early: ${why}`);
  }
  return wineVersion;
}

const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");
/** Lines a peer prints that are noise, not the reason it failed. */
const NOISE = /directory mismatch for directory|You don't need to do anything/;

/** Why a job produced no (or not every) result, from its exit codes and stderr. */
export function failureReason(job, codes, processTimeout, fallback) {
  if (fallback) return fallback;
  if (codes.some((c) => c === 124 || c === 137)) return `timed out after ${processTimeout} s`;
  for (const p of job.processes) {
    const lines = fs.existsSync(p.err)
      ? fs.readFileSync(p.err, "utf8").replace(ANSI_COLOUR, "").split("\n")
        .map((l) => l.trim()).filter((l) => l && !NOISE.test(l))
      : [];
    const line = lines.find((l) => /error/i.test(l)) ?? lines.at(-1);
    if (line) return line.slice(0, 240);
  }
  return `exit codes ${codes.join(", ")} and no result`;
}

/** `result CASE VALUE UNIT` lines of a job's output files (the figures the job is for). */
export function parseResults(job) {
  const results = new Map();
  for (const p of job.processes) {
    if (!fs.existsSync(p.out)) continue;
    for (const m of fs.readFileSync(p.out, "utf8").matchAll(/^result (\S+) (\S+) (\S+)\s*$/gm)) {
      const expected = job.figures.includes(m[1]) ? CASES.find((c) => c.name === m[1]) : undefined;
      const value = Number(m[2]);
      // A sane figure: a known case, its unit, a finite positive number. A memory growth per connection
      // (KB) may also be 0: at the smoke run's 50 connections it can be below what RSS resolves.
      const least = expected?.unit === "KB" ? 0 : Number.MIN_VALUE;
      if (expected && expected.unit === m[3] && Number.isFinite(value) && value >= least) results.set(m[1], value);
    }
  }
  return results;
}
