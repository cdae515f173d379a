#!/usr/bin/env node
// Runs one command of a suite of `npm test` and makes it write a JUnit
// report: the package tasks of turbo.json call it from their package's
// package.json (`test:<label>` scripts), and the root tasks from the root's.
//
//   node scripts/run-suite.mjs LABEL [--windows SECONDS] -- COMMAND ARGS...
//
// - The report goes to `.reports/LABEL/` of the directory it is run from
//   (the package: what turbo declares as the task's outputs and caches), one
//   file per command, so that a task may run several.
// - The command runs from the repository root, so the paths in it are the
//   same natively and under Wine (where the repository is the working
//   directory). `deno` and `bun` are the ones npm installed.
// - `deno test` gets --junit-path, `bun test` --reporter=junit; any other
//   command gets the report's path in WINPIPE_JUNIT and writes it itself.
// - `deno test` gets --no-check too: the `check` suite type-checks every
//   file and every doc example once (scripts/check.mjs), so the suites only
//   run them, natively and under Wine, instead of type-checking them again.
// - With --windows the command runs on Windows: natively there, and on Linux
//   under Wine through scripts/wine/run.sh with SECONDS as its time-out. When
//   this machine cannot host Wine (run.sh exits 77), `.reports/LABEL/skipped.txt`
//   says why and the suite counts as skipped, not failed.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { platform } from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIP = 77;

const args = process.argv.slice(2);
const separator = args.indexOf("--");
if (separator < 1 || separator === args.length - 1) {
  console.error("usage: node scripts/run-suite.mjs LABEL [--windows SECONDS] -- COMMAND ARGS...");
  process.exit(2);
}
const [label, ...flags] = args.slice(0, separator);
let command = args.slice(separator + 1);
const windowsAt = flags.indexOf("--windows");
const windowsTimeout = windowsAt >= 0 ? flags[windowsAt + 1] : undefined;

const reportDir = resolve(".reports", label);
mkdirSync(reportDir, { recursive: true });
const taken = readdirSync(reportDir).filter((file) => file.endsWith(".xml")).length;
const report = join(reportDir, `${String(taken + 1).padStart(2, "0")}-${command[0]}.xml`);
const underWine = windowsTimeout !== undefined && platform !== "win32";
// Under Wine the repository is Z:\repo (scripts/wine/run.sh); bun.exe there cannot
// write to a relative path (ENOENT), so the runners get the absolute Windows one.
const reportArg = underWine ? `Z:/repo/${relative(root, report).replaceAll("\\", "/")}` : report;

const env = { ...process.env, WINPIPE_JUNIT: reportArg, NO_COLOR: "1" };
if (command[0] === "deno" && command[1] === "test") {
  command = ["deno", "test", "--no-check", `--junit-path=${reportArg}`, ...command.slice(2)];
} else if (command[0] === "bun" && command[1] === "test") {
  command = ["bun", "test", "--reporter=junit", `--reporter-outfile=${reportArg}`, ...command.slice(2)];
}

let program, programArgs, shell = false;
if (underWine) {
  program = "bash";
  programArgs = [
    "scripts/wine/run.sh",
    "--timeout",
    windowsTimeout,
    "--env",
    "NO_COLOR=1",
    "--env",
    `WINPIPE_JUNIT=${reportArg}`,
    "--",
    ...command,
  ];
} else {
  const [first, ...rest] = command;
  program = first === "deno" || first === "bun" ? join(root, "node_modules", ".bin", first) : first;
  programArgs = rest;
  shell = platform === "win32";
}

const child = spawn(program, programArgs, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], shell });
let lastLine = "";
for (const [stream, target] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
  stream.on("data", (chunk) => {
    target.write(chunk);
    const lines = String(chunk).trimEnd().split("\n");
    lastLine = lines[lines.length - 1] || lastLine;
  });
}
child.on("error", (err) => {
  console.error(`run-suite: ${label}: ${program}: ${err.message}`);
  process.exit(127);
});
child.on("close", (code, signal) => {
  if (code === SKIP && windowsTimeout !== undefined) {
    writeFileSync(join(reportDir, "skipped.txt"), `${lastLine || "this machine cannot run the Windows suites"}\n`);
    process.exit(0);
  }
  process.exit(code ?? (signal ? 128 : 1));
});
