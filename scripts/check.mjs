#!/usr/bin/env node
// Type-check, lint and format check of every package. Prints one line per
// check, `winpipe-check: ok NAME` or `winpipe-check: FAILED NAME`, which
// scripts/test.mjs counts.
//
// Deno type-checks everything except the Bun-only files (bun:test entries and
// packages/bun), which tsc checks against bun-types (tsconfig.bun.json).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { filesEndingWith } from "./files.mjs";

const deno = "node_modules/.bin/deno";

const bunOnly = (f) => f.endsWith(".bun.test.ts") || f.startsWith(join("packages", "bun") + "/") || f.includes("/bun_");
const denoFiles = [
  ...filesEndingWith("packages", ".ts"),
  ...(existsSync("examples") ? filesEndingWith("examples", ".ts") : []),
  ...(existsSync("bench") ? filesEndingWith("bench", ".ts") : []),
]
  .filter((f) => !bunOnly(f));
const modFiles = denoFiles.filter((f) => /^packages\/[^/]+\/(mod|model|testing)\.ts$/.test(f));

const checks = [
  ["type-check (deno)", deno, ["check", "--quiet", ...denoFiles]],
  ["doc examples type-check (deno)", deno, ["check", "--quiet", "--doc-only", ...modFiles]],
  ["lint (deno)", deno, ["lint", "--quiet"]],
  ["format (deno)", deno, ["fmt", "--check", "--quiet"]],
];
checks.push(["type-check of the Bun-only files (tsc, bun-types)", "node_modules/.bin/tsc", [
  "-p",
  "tsconfig.bun.json",
]]);
let failed = 0;
for (const [name, cmd, args] of checks) {
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  const ok = result.status === 0;
  if (!ok) failed++;
  console.log(`winpipe-check: ${ok ? "ok" : "FAILED"} ${name}`);
}
process.exit(failed ? 1 : 0);
