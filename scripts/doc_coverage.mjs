// What JSR would show of each package: `deno doc --lint` over every entry
// point of every package (together, so that a type of @winpipe/core used by
// @winpipe/http counts as public, as it is on JSR), and the exported symbols
// whose docs have no @example. Used by the repository's `check`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { entryPoints } from "./packages.mjs";

const deno = join("node_modules", ".bin", "deno");

/** Every entry point of every package, as paths from the repository root. */
export function allEntryPoints() {
  return readdirSync("packages").sort().flatMap((name) =>
    entryPoints(join("packages", name)).map((source) => join("packages", name, source))
  );
}

/** The exported symbols of `entry` without an @example, as `entry: name` lines. */
export function symbolsWithoutExample(entry) {
  const result = spawnSync(deno, ["doc", "--json", entry], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    shell: process.platform === "win32",
  });
  if (result.status !== 0) return [`${entry}: deno doc --json failed: ${result.stderr.slice(-500)}`];
  const { nodes } = JSON.parse(result.stdout);
  const missing = [];
  for (const file of Object.values(nodes)) {
    for (const symbol of file.symbols) {
      const documented = symbol.declarations.some((d) => d.jsDoc?.tags?.some((tag) => tag.kind === "example"));
      if (!documented) missing.push(`${entry}: ${symbol.name} has no @example`);
    }
  }
  return missing;
}
