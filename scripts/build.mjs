#!/usr/bin/env node
// Builds what npm publishes for one package, the `build` task of turbo.json
// (run from the package's directory):
//
//   node ../../scripts/build.mjs
//
// - `dist/`: JavaScript and .d.ts compiled by tsc from the package's entry
//   points, which are its deno.json `exports` (the one list of them; the
//   package.json exports map and the root tsconfig.json paths must agree
//   with it, and scripts/check.mjs checks that they do). The compiler
//   options are the package's tsconfig.build.json: the runtime it targets
//   (DOM and Node types for the runtime-neutral packages, Deno's types for
//   @winpipe/deno, bun-types for @winpipe/bun).
// - tsc rewrites `./x.ts` to `./x.js` in JavaScript but keeps it in .d.ts;
//   a consumer's compiler would then look for TypeScript sources, which are
//   not published, so the .d.ts specifiers are rewritten here the same way.
// - `LICENSE`: the repository's, copied (npm packs it from the package
//   directory; the copy is not tracked).
//
// Dependencies on other @winpipe packages resolve through node_modules to
// their package.json exports, that is to their built .d.ts: turbo builds
// them first (`dependsOn: ["^build"]`).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { filesEndingWith } from "./files.mjs";
import { entryPoints } from "./packages.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = process.cwd();
const denoTypes = join(root, "node_modules", ".cache", "winpipe", "lib.deno.d.ts");

/**
 * Deno's own declarations (`deno types`), for the packages that use the Deno
 * namespace. tsc does not know Deno's `lib` names, so those references are
 * dropped: the file itself declares what they would add.
 */
function writeDenoTypes() {
  const deno = join(root, "node_modules", ".bin", "deno");
  const result = spawnSync(deno, ["types"], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`deno types failed: ${result.stderr}`);
  const text = result.stdout.split("\n").filter((line) => !/^\/\/\/ <reference (no-default-lib|lib="deno\.)/.test(line))
    .join("\n");
  mkdirSync(dirname(denoTypes), { recursive: true });
  writeFileSync(denoTypes, text);
}

/** `from "./x.ts"` and `import("./x.ts")` in a .d.ts become `./x.js`, as tsc does in JavaScript. */
function rewriteSpecifiers(text) {
  return text.replace(/((?:from |import\()\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g, "$1$2.js$3");
}

const options = JSON.parse(readFileSync(join(packageDir, "tsconfig.build.json"), "utf8"));
const usesDeno = (options.files ?? []).some((file) => file.endsWith("lib.deno.d.ts"));
if (usesDeno) writeDenoTypes();

rmSync(join(packageDir, "dist"), { recursive: true, force: true });
// tsc takes a list of files only from a project file: this one extends the package's.
const cacheDir = join(packageDir, ".cache");
mkdirSync(cacheDir, { recursive: true });
const project = join(cacheDir, "tsconfig.build.json");
const toCache = (file) => relative(cacheDir, join(packageDir, file)).replaceAll("\\", "/");
writeFileSync(
  project,
  JSON.stringify({
    extends: "../tsconfig.build.json",
    compilerOptions: { rootDir: "..", outDir: "../dist" },
    files: [...(options.files ?? []).map(toCache), ...entryPoints(packageDir).map(toCache)],
  }),
);
const tsc = join(root, "node_modules", ".bin", "tsc");
const result = spawnSync(tsc, ["-p", project], { stdio: "inherit", shell: process.platform === "win32" });
if (result.status !== 0) process.exit(result.status ?? 1);

for (const file of filesEndingWith(join(packageDir, "dist"), ".d.ts")) {
  writeFileSync(file, rewriteSpecifiers(readFileSync(file, "utf8")));
}
copyFileSync(join(root, "LICENSE"), join(packageDir, "LICENSE"));
console.log(`winpipe-build: ${relative(root, packageDir)}/dist`);
