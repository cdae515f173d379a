#!/usr/bin/env node
// Runs winpipe's test suites and prints one line per suite,
// `label: N passed, M failed`, then the totals `N passed, M failed`.
//
//   node scripts/test.mjs all       everything: checks, native suites, Windows suites under Wine
//   node scripts/test.mjs native    checks and the native suites (model, Deno and Bun)
//   node scripts/test.mjs windows   the Windows suites (kernel32 under Wine, or natively on Windows)
//   node scripts/test.mjs check     type-check, lint and format check only
//
// The suites and their commands live in scripts/suites.mjs.
import { spawn } from "node:child_process";
import { suitesFor } from "./suites.mjs";

const which = process.argv[2] ?? "all";
const suites = suitesFor(which);
if (suites === undefined) {
  console.error(`Unknown selection "${which}": use all, native, windows or check`);
  process.exit(2);
}

/** Runs a command, streaming its output, and returns its exit code and output. */
function run(cmd, args, env, shell = false) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], shell });
    let output = "";
    const forward = (stream, target) =>
      stream.on("data", (chunk) => {
        output += chunk;
        target.write(chunk);
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on("error", (err) => {
      output += String(err);
      resolve({ code: 127, output });
    });
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const ANSI_COLOUR = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

// deno test: "ok | 12 passed (3 steps) | 0 failed | 1 ignored" or "FAILED | 10 passed | 2 failed"
// bun test:  " 12 pass", " 1 skip", " 2 fail"
// steps:     "step: ok" / "step: FAILED" lines printed by check-style suites
function count(output) {
  const strip = output.replace(ANSI_COLOUR, "");
  let passed = 0, failed = 0, skipped = 0, found = false;
  for (
    const m of strip.matchAll(
      /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \| (\d+) ignored)?/gm,
    )
  ) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    skipped += Number(m[3] ?? 0);
    found = true;
  }
  for (const m of strip.matchAll(/^\s*(\d+) (pass|fail|skip)$/gm)) {
    if (m[2] === "pass") passed += Number(m[1]);
    else if (m[2] === "fail") failed += Number(m[1]);
    else skipped += Number(m[1]);
    found = true;
  }
  for (const m of strip.matchAll(/^winpipe-check: (ok|FAILED) /gm)) {
    if (m[1] === "ok") passed++;
    else failed++;
    found = true;
  }
  if (!found) {
    // Any other runner: its plain closing line "N passed, M failed".
    const m = [...strip.matchAll(/^(?:[\w-]+: )?(\d+) passed, (\d+) failed/gm)].pop();
    if (m) return { passed: Number(m[1]), failed: Number(m[2]), skipped, found: true };
  }
  return { passed, failed, skipped, found };
}

const lines = [];
let totalPassed = 0, totalFailed = 0, totalSkipped = 0, exitCode = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.label} ===`);
  let passed = 0, failed = 0, skipped = 0, skipReason;
  for (const step of suite.steps) {
    const result = await run(step.cmd, step.args, step.env, step.shell);
    if (result.code === 77 && step.skippable) {
      skipReason = result.output.trim().split("\n").pop();
      break;
    }
    const counted = count(result.output);
    passed += counted.passed;
    failed += counted.failed;
    skipped += counted.skipped;
    if (result.code !== 0 && counted.failed === 0) {
      // The runner failed without reporting a failed test (crash, type error,
      // no tests found): count the step as one failure so it cannot pass.
      failed++;
      console.error(`${suite.label}: "${[step.cmd, ...step.args].join(" ")}" exited with ${result.code}`);
    }
    if (!counted.found && result.code === 0 && step.expectTests !== false) {
      failed++;
      console.error(`${suite.label}: "${[step.cmd, ...step.args].join(" ")}" ran no test`);
    }
  }
  if (skipReason !== undefined) {
    lines.push(`${suite.label} skipped: ${skipReason}`);
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
console.log(`${totalPassed} passed, ${totalFailed} failed` + (totalSkipped ? `, ${totalSkipped} skipped` : ""));
process.exit(exitCode);
