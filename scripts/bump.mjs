#!/usr/bin/env node
// Bumps every package to one new version, together (npm run bump -- VERSION):
//
//   npm run bump -- 0.2.0        a version
//   npm run bump -- minor        0.1.0 → 0.2.0 (major, minor or patch of the current one)
//
// - every packages/*/package.json and deno.json get the version (and src/version.ts
//   where a package has one: the CLI's --version), and each
//   dependency on another @winpipe package becomes "^VERSION";
// - CHANGELOG.md: what is under "## [Unreleased]" moves under
//   "## [VERSION] - DATE", and an empty "## [Unreleased]" stays on top;
// - package-lock.json is brought up to date (npm install --package-lock-only).
//
// All packages share one version (they are released together). It prints
// what to do next: review, commit, tag, publish.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSourceVersion } from "./packages.mjs";

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** The package directories of a repository root. */
export function packageDirs(root) {
  const base = join(root, "packages");
  return readdirSync(base).sort().map((name) => join(base, name)).filter((dir) =>
    existsSync(join(dir, "package.json")) && existsSync(join(dir, "deno.json"))
  );
}

/** The version that `wanted` (a version, or major/minor/patch) names, from `current`. */
export function nextVersion(current, wanted) {
  const [major, minor, patch] = current.split(/[.-]/).map(Number);
  switch (wanted) {
    case "major":
      return `${major + 1}.0.0`;
    case "minor":
      return `${major}.${minor + 1}.0`;
    case "patch":
      return `${major}.${minor}.${patch + 1}`;
    default:
      if (!SEMVER.test(wanted)) throw new RangeError(`"${wanted}" is not a version (x.y.z) or major, minor, patch`);
      return wanted;
  }
}

/** Keep a Changelog: the Unreleased section becomes `version`'s, and a new empty one goes on top. */
export function releaseChangelog(text, version, date) {
  const heading = /^## \[Unreleased\][^\n]*\n/m;
  if (!heading.test(text)) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  if (text.includes(`## [${version}]`)) throw new Error(`CHANGELOG.md already has a section for ${version}`);
  return text.replace(heading, `## [Unreleased]\n\n## [${version}] - ${date}\n`);
}

/** Writes `version` into every manifest under `root` (and the changelog); returns the package names. */
export function bump(root, version, date) {
  const names = [];
  for (const dir of packageDirs(root)) {
    const npmPath = join(dir, "package.json"), denoPath = join(dir, "deno.json");
    const npm = JSON.parse(readFileSync(npmPath, "utf8"));
    const deno = JSON.parse(readFileSync(denoPath, "utf8"));
    npm.version = deno.version = version;
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      for (const name of Object.keys(npm[field] ?? {})) {
        if (name.startsWith("@winpipe/")) npm[field][name] = `^${version}`;
      }
    }
    writeFileSync(npmPath, JSON.stringify(npm, null, 2) + "\n");
    writeFileSync(denoPath, JSON.stringify(deno, null, 2) + "\n");
    writeSourceVersion(dir, version);
    names.push(npm.name);
  }
  const changelog = join(root, "CHANGELOG.md");
  writeFileSync(changelog, releaseChangelog(readFileSync(changelog, "utf8"), version, date));
  return names;
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const wanted = process.argv[2];
  if (wanted === undefined) {
    console.error("usage: npm run bump -- VERSION|major|minor|patch");
    process.exit(2);
  }
  const current = JSON.parse(readFileSync(join(packageDirs(root)[0], "package.json"), "utf8")).version;
  let version;
  try {
    version = nextVersion(current, wanted);
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const names = bump(root, version, new Date().toISOString().slice(0, 10));
  const lock = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts"], {
    cwd: root,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (lock.status !== 0) process.exit(lock.status ?? 1);
  console.log(`${current} → ${version}: ${names.join(", ")}`);
  console.log(`next: review CHANGELOG.md, commit, tag v${version}, then publish (docs/packaging.md, Releasing)`);
}
