// What the build and check scripts read from a package's own files.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A package's exports as deno.json lists them: subpath → source file (the one list of its entry points). */
export function sourceExports(dir) {
  const { exports } = JSON.parse(readFileSync(join(dir, "deno.json"), "utf8"));
  return typeof exports === "string" ? { ".": exports } : exports;
}

/** A package's entry points: the source files of its deno.json exports. */
export function entryPoints(dir) {
  return Object.values(sourceExports(dir));
}

/** The built files npm publishes for a source entry point: `./src/x.ts` → `./dist/src/x.{d.ts,js}`. */
export function builtExport(source) {
  const stem = source.replace(/^\.\//, "").replace(/\.ts$/, "");
  return { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` };
}

/** A package's source file that holds its version for run time (the CLI's `--version`), if it has one. */
export const VERSION_SOURCE = join("src", "version.ts");
const VERSION_LINE = /^export const VERSION = "([^"]*)";$/m;

/** The version in a package's src/version.ts, or undefined when it has none. */
export function sourceVersion(dir) {
  const path = join(dir, VERSION_SOURCE);
  if (!existsSync(path)) return undefined;
  const match = VERSION_LINE.exec(readFileSync(path, "utf8"));
  if (match === null) throw new Error(`${path} has no line \`export const VERSION = "x.y.z";\``);
  return match[1];
}

/** Writes `version` into a package's src/version.ts, if it has one. */
export function writeSourceVersion(dir, version) {
  const path = join(dir, VERSION_SOURCE);
  if (sourceVersion(dir) === undefined) return;
  writeFileSync(path, readFileSync(path, "utf8").replace(VERSION_LINE, `export const VERSION = "${version}";`));
}

/**
 * What is wrong with how a package describes itself (an empty list if
 * nothing): its package.json and deno.json must agree on name and version,
 * and src/version.ts where there is one, the package.json exports must be
 * the built form of the deno.json ones, the
 * root tsconfig.json must send each export to its source, and other
 * @winpipe packages must be depended on by a caret range of their version.
 */
export function manifestProblems(dir, rootDir = ".") {
  const problems = [];
  const npm = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const deno = JSON.parse(readFileSync(join(dir, "deno.json"), "utf8"));
  const { compilerOptions } = JSON.parse(readFileSync(join(rootDir, "tsconfig.json"), "utf8"));
  if (npm.name !== deno.name) problems.push(`package.json names ${npm.name}, deno.json ${deno.name}`);
  if (npm.version !== deno.version) problems.push(`package.json is version ${npm.version}, deno.json ${deno.version}`);
  const source = sourceVersion(dir);
  if (source !== undefined && source !== npm.version) {
    problems.push(`${VERSION_SOURCE} says ${source}, package.json ${npm.version}`);
  }
  const sources = sourceExports(dir);
  const expected = Object.fromEntries(Object.entries(sources).map(([path, source]) => [path, builtExport(source)]));
  if (JSON.stringify(npm.exports) !== JSON.stringify(expected)) {
    problems.push(`package.json exports should be ${JSON.stringify(expected)}`);
  }
  const packageDir = relative(rootDir, dir).replaceAll("\\", "/");
  for (const [path, source] of Object.entries(sources)) {
    const specifier = path === "." ? deno.name : `${deno.name}${path.slice(1)}`;
    const wanted = `./${packageDir}/${source.replace(/^\.\//, "")}`;
    const mapped = compilerOptions.paths?.[specifier];
    if (mapped?.length !== 1 || mapped[0] !== wanted) {
      problems.push(`tsconfig.json paths should map ${specifier} to ["${wanted}"]`);
    }
  }
  for (const field of ["dependencies", "devDependencies"]) {
    for (const [name, range] of Object.entries(npm[field] ?? {})) {
      if (!name.startsWith("@winpipe/")) continue;
      const other = JSON.parse(readFileSync(join(dir, "..", name.slice("@winpipe/".length), "package.json"), "utf8"));
      if (range !== `^${other.version}`) {
        problems.push(`${field}: ${name} should be "^${other.version}", not "${range}"`);
      }
    }
  }
  return problems;
}
