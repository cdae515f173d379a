#!/usr/bin/env node
// The `check` tasks of turbo.json: type-check, lint and format check.
//
//   node scripts/check.mjs packages/core     a package: its manifests, lint and format
//   node scripts/check.mjs .                 the repository: every type-check, and
//                                            lint and format of examples/, bench/, scripts/
//
// The type-checks are the repository's, over every package at once: one
// graph checks each shared module once (on a 2-CPU machine 16 s for all of
// them against 100 s as eight package graphs that each check @winpipe/core
// again). Deno type-checks every file, and the examples in its JSDoc, but
// the Bun-only files (bun:test entries, the Bun backend, @winpipe/testing's
// and @winpipe/cli's Bun adapters, Bun examples), which tsc checks against
// bun-types (the root tsconfig.json). They are the only type-checks of the
// test suites' files: the suites run with --no-check (scripts/run-suite.mjs).
// Each check prints `winpipe-check: ok NAME` or `winpipe-check: FAILED NAME`,
// and with WINPIPE_JUNIT set (scripts/run-suite.mjs sets it) they are the
// cases of a JUnit report.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { filesEndingWith } from "./files.mjs";
import { FAILED, PASSED, secondsSince, writeReport } from "./junit.mjs";
import { allEntryPoints, symbolsWithoutExample } from "./doc_coverage.mjs";
import { manifestProblems } from "./packages.mjs";

const deno = join("node_modules", ".bin", "deno");
const tsc = join("node_modules", ".bin", "tsc");

const target = process.argv[2];
if (target === undefined || !existsSync(target)) {
  console.error("usage: node scripts/check.mjs DIRECTORY (a package, or . for the repository)");
  process.exit(2);
}
const isPackage = target !== ".";
/** What lint and format check: the package, or the repository's own TypeScript outside packages. */
const dirs = isPackage ? [target] : ["examples", "bench", "scripts"].filter((dir) => existsSync(dir));

/** Files that only Bun can load (they import bun:test or bun:ffi, or use Bun's globals). */
const BUN_ONLY = [/\.bun\.test\.ts$/, /^packages\/bun\//, /(^|\/)bun_[^/]*\.ts$/, /^packages\/(testing|cli)\/bun\.ts$/];
const bunOnly = (file) => BUN_ONLY.some((pattern) => pattern.test(file.replaceAll("\\", "/")));

/** What the repository's type-checks cover: every TypeScript file, the packages' included. */
const typed = isPackage ? [] : ["packages", ...dirs].flatMap((dir) => filesEndingWith(dir, ".ts"));
const denoFiles = typed.filter((file) => !bunOnly(file));
const bunFiles = typed.filter(bunOnly);

/** tsc only takes options from a project file: one listing the Bun-only files. */
function bunProject() {
  const dir = ".cache";
  mkdirSync(dir, { recursive: true });
  const project = join(dir, "tsconfig.bun.json");
  writeFileSync(
    project,
    JSON.stringify(
      {
        extends: "../tsconfig.json",
        include: [],
        files: bunFiles.map((file) => relative(dir, file).replaceAll("\\", "/")),
      },
      null,
      2,
    ),
  );
  return project;
}

/** Checks run in this process: a name and a function returning what is wrong. */
const inProcess = [];
if (isPackage) {
  inProcess.push([
    "manifests agree (package.json, deno.json, tsconfig.json, src/version.ts)",
    () => manifestProblems(target),
  ]);
} else {
  inProcess.push([
    "every export of every package has an example",
    () => allEntryPoints().flatMap(symbolsWithoutExample),
  ]);
}

const checks = [];
if (denoFiles.length > 0) {
  checks.push(["type-check of every file and its doc examples (deno)", deno, [
    "check",
    "--quiet",
    "--doc",
    ...denoFiles,
  ]]);
}
if (bunFiles.length > 0) {
  checks.push(["type-check of the Bun-only files (tsc, bun-types)", tsc, ["-p", bunProject()]]);
}
if (!isPackage) checks.push(["deno doc --lint of every entry point", deno, ["doc", "--lint", ...allEntryPoints()]]);
checks.push(["lint (deno)", deno, ["lint", "--quiet", ...dirs]]);
// The repository's own configuration files are formatted too.
const rootFiles = isPackage ? [] : readdirSync(".").filter((file) => file.endsWith(".json"));
checks.push(["format (deno)", deno, ["fmt", "--check", "--quiet", ...dirs, ...rootFiles]]);

const where = isPackage ? basename(target) : "repository";
const cases = [];
for (const [name, problemsOf] of inProcess) {
  const start = performance.now();
  const problems = problemsOf();
  for (const problem of problems) console.error(`${where}: ${problem}`);
  console.log(`winpipe-check: ${problems.length === 0 ? "ok" : "FAILED"} ${where}: ${name}`);
  cases.push({
    name: `${where}: ${name}`,
    outcome: problems.length === 0 ? PASSED : FAILED,
    seconds: secondsSince(start),
  });
}
for (const [name, cmd, args] of checks) {
  const start = performance.now();
  const result = spawnSync(cmd, args, { stdio: "inherit", shell: process.platform === "win32" });
  const ok = result.status === 0;
  console.log(`winpipe-check: ${ok ? "ok" : "FAILED"} ${where}: ${name}`);
  cases.push({ name: `${where}: ${name}`, outcome: ok ? PASSED : FAILED, seconds: secondsSince(start) });
}
if (process.env.WINPIPE_JUNIT) writeReport(process.env.WINPIPE_JUNIT, `check ${where}`, cases);
process.exit(cases.some((c) => c.outcome === FAILED) ? 1 : 0);
