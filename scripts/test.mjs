#!/usr/bin/env node
// Runs winpipe's test suites through turbo and prints one line per suite,
// `label: N passed, M failed`, then the totals `N passed, M failed`.
//
//   node scripts/test.mjs all       everything: checks, native suites, Windows suites under Wine
//   node scripts/test.mjs native    checks and the native suites (model, Deno and Bun)
//   node scripts/test.mjs windows   the Windows suites (kernel32 under Wine, or natively on Windows)
//   node scripts/test.mjs check     type-check, lint and format check only
//
// Each suite is a turbo task that several packages define (scripts/suites.mjs
// names them; each package's package.json says what its part runs). turbo
// runs the tasks, reusing cached results of the native ones when nothing
// they depend on changed; every task leaves JUnit reports in its package's
// .reports/LABEL/ (turbo restores them from its cache too), and the counts
// come from those reports, not from the runners' console text.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { FAILED, PASSED, readReports, SKIPPED } from "./junit.mjs";
import { suitesFor } from "./suites.mjs";

const which = process.argv[2] ?? "all";
// WINPIPE_SUITES=label,label narrows a selection to some suites (a developer's shortcut).
const only = process.env.WINPIPE_SUITES?.split(",");
const suites = suitesFor(which)?.filter((suite) => only === undefined || only.includes(suite.label));
if (suites === undefined) {
  console.error(`Unknown selection "${which}": use all, native, windows or check`);
  process.exit(2);
}

const rootPackage = JSON.parse(readFileSync("package.json", "utf8"));
/** Every workspace directory (the root included) and its package.json scripts. */
const workspaces = [
  { dir: ".", scripts: rootPackage.scripts ?? {} },
  ...rootPackage.workspaces.flatMap((pattern) => {
    const base = pattern.replace(/\/\*$/, "");
    return readdir(base).map((name) => join(base, name)).filter((dir) => existsSync(join(dir, "package.json")));
  }).map((dir) => ({ dir, scripts: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts ?? {} })),
];

/** The entries of `dir`, sorted; none when it does not exist. */
function readdir(dir) {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Runs turbo, streaming its output; resolves with its exit code. */
function turbo(args) {
  return new Promise((resolve) => {
    const child = spawn(join("node_modules", ".bin", "turbo"), args, {
      stdio: "inherit",
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", TURBO_NO_UPDATE_NOTIFIER: "1" },
      shell: process.platform === "win32",
    });
    child.on("error", (err) => {
      console.error(`turbo: ${err.message}`);
      resolve(127);
    });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const lines = [];
/** `label: name: first line of its message` of every failed case, repeated in the summary (a log's tail is often all one sees). */
const failures = [];
/** Says a failure now, and keeps it for the summary. */
function reportFailure(text) {
  failures.push(text);
  console.error(text);
}
let totalPassed = 0, totalFailed = 0, totalSkipped = 0, exitCode = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.label} ===`);
  // Who takes part: the workspaces that define one of the suite's tasks.
  const parts = workspaces.filter(({ scripts }) => suite.tasks.some((task) => scripts[task] !== undefined));
  const reportDirs = parts.map(({ dir }) => join(dir, ".reports", suite.label));
  // Reports of an earlier run must not count: turbo restores a cached task's reports, a task that runs writes new ones.
  for (const dir of reportDirs) rmSync(dir, { recursive: true, force: true });
  const code = await turbo([
    "run",
    ...suite.tasks,
    `--concurrency=${suite.concurrency}`,
    "--continue",
    "--log-order=grouped",
    "--output-logs=full",
    "--ui=stream",
  ]);

  let passed = 0, failed = 0, skipped = 0;
  const skipReasons = [];
  for (const [i, dir] of reportDirs.entries()) {
    const skipFile = join(dir, "skipped.txt");
    if (existsSync(skipFile)) {
      skipReasons.push(readFileSync(skipFile, "utf8").trim());
      continue;
    }
    const reports = readReports(dir);
    if (reports.length === 0) {
      // The runner failed before it could report (a type error, a crash): that is a failure, never a pass.
      failed++;
      reportFailure(`${suite.label}: ${parts[i].dir} wrote no report (see its output above)`);
      continue;
    }
    for (const { cases } of reports) {
      for (const c of cases) {
        if (c.outcome === PASSED) passed++;
        else if (c.outcome === SKIPPED) skipped++;
        else if (c.outcome === FAILED) {
          failed++;
          reportFailure(`${suite.label}: FAILED ${c.name}${c.message ? `: ${c.message.split("\n")[0]}` : ""}`);
        }
      }
    }
  }
  if (code !== 0 && failed === 0 && skipReasons.length === 0) {
    // turbo failed but no report says why (a task crashed after writing a passing report): one failure.
    failed++;
    reportFailure(`${suite.label}: turbo exited with ${code}`);
  }
  if (skipReasons.length > 0 && passed + failed === 0) {
    lines.push(`${suite.label} skipped: ${skipReasons[0]}`);
    console.log(lines[lines.length - 1]);
    continue;
  }
  const line = `${suite.label}: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
  lines.push(line);
  console.log(line);
  totalPassed += passed;
  totalFailed += failed;
  totalSkipped += skipped;
  if (failed > 0) exitCode = 1;
}
console.log("\n=== summary ===");
for (const line of lines) console.log(line);
if (failures.length > 0) {
  console.log(["", "failed:", ...failures.map((failure) => `  ${failure.slice(0, 500)}`), ""].join("\n"));
}
console.log(`${totalPassed} passed, ${totalFailed} failed` + (totalSkipped ? `, ${totalSkipped} skipped` : ""));
process.exit(exitCode);
